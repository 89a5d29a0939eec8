//! Nested settings (`s3.signature_version`), `[services]` sections,
//! quoted profile names and sections the SDKs ignore: what the AWS CLI
//! and the SDKs read, kept right by every edit, and pointed out by lint.

mod shared_data;
mod support;

use support::Sandbox;

#[test]
fn nested_settings_go_inside_their_block() {
    let sb = Sandbox::new("[default]\nregion = us-east-1\n", "");
    sb.awsprof(&["profile", "set", "default", "s3.signature_version", "s3v4"])
        .ok();
    assert_eq!(
        sb.read_config(),
        "[default]\nregion = us-east-1\ns3 =\n    signature_version = s3v4\n"
    );
    // The AWS CLI reads it as the nested setting.
    let got = sb
        .aws(&["configure", "get", "default.s3.signature_version"])
        .ok();
    assert_eq!(got.stdout.trim(), "s3v4");
    // Update in place, add at the end of the block in its own indent.
    sb.write_config("[default]\ns3 =\n  addressing_style = path\n  signature_version = s3\nregion = us-east-1\n");
    sb.awsprof(&["profile", "set", "default", "s3.signature_version", "s3v4"])
        .ok();
    sb.awsprof(&[
        "profile",
        "set",
        "default",
        "s3.max_concurrent_requests",
        "20",
    ])
    .ok();
    assert_eq!(
        sb.read_config(),
        "[default]\ns3 =\n  addressing_style = path\n  signature_version = s3v4\n  max_concurrent_requests = 20\nregion = us-east-1\n"
    );
    let show = sb.awsprof(&["profile", "show", "default"]).ok();
    assert!(
        show.stdout.contains("s3.signature_version") && show.stdout.contains("  s3v4  (config:2)"),
        "{show:#?}"
    );
    // A plain value where a block is, or a sub-key where a plain value is:
    // refused, nothing written.
    let before = sb.read_config();
    let plain = sb
        .awsprof(&["profile", "set", "default", "s3", "flat"])
        .code(2);
    assert!(plain.stderr.contains("s3.NAME"), "{plain:#?}");
    let sub = sb
        .awsprof(&["profile", "set", "default", "region.sub", "x"])
        .code(2);
    assert!(sub.stderr.contains("plain value"), "{sub:#?}");
    assert_eq!(sb.read_config(), before);
    // Unset one sub-key; the block goes with its last one.
    sb.awsprof(&["profile", "unset", "default", "s3.addressing_style"])
        .ok();
    sb.awsprof(&["profile", "unset", "default", "s3.signature_version"])
        .ok();
    sb.awsprof(&["profile", "unset", "default", "s3.max_concurrent_requests"])
        .ok();
    assert_eq!(sb.read_config(), "[default]\nregion = us-east-1\n");
}

#[test]
fn services_sections_hold_per_service_endpoints() {
    let sb = Sandbox::new("[profile dev]\nservices = local\n", "");
    sb.awsprof(&[
        "services",
        "set",
        "local",
        "s3.endpoint_url",
        "http://127.0.0.1:4566",
    ])
    .ok();
    sb.awsprof(&[
        "services",
        "set",
        "local",
        "sts.endpoint_url",
        "http://127.0.0.1:4567",
    ])
    .ok();
    assert_eq!(
        sb.read_config(),
        "[profile dev]\nservices = local\n\n[services local]\ns3 =\n    endpoint_url = http://127.0.0.1:4566\nsts =\n    endpoint_url = http://127.0.0.1:4567\n"
    );
    sb.awsprof(&["services", "set", "local", "endpoint_url", "x"])
        .code(2);
    sb.awsprof(&["services", "unset", "local", "s3.endpoint_url"])
        .ok();
    assert!(!sb.read_config().contains("4566"));
}

#[test]
fn a_profile_only_quoted_is_not_edited_beside_itself() {
    let config = "[profile \"foobar\"]\nregion = us-east-1\noutput = json\n";
    let sb = Sandbox::new(config, "");
    for args in [
        &["profile", "set", "foobar", "foo", "2"][..],
        &["profile", "unset", "foobar", "region"][..],
        &[
            "profile",
            "add-role",
            "foobar",
            "--role-arn",
            "arn:aws:iam::123456789012:role/r",
            "--credential-source",
            "Environment",
        ][..],
    ] {
        let run = sb.awsprof(args).code(2);
        assert!(
            run.stderr
                .contains(&format!("{}:1:", sb.config().display())),
            "{run:#?}"
        );
        assert_eq!(sb.read_config(), config);
    }
    let lint = sb.awsprof(&["lint", "--output", "json"]).ok().json();
    assert!(
        lint["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "quoted-section-name" && f["line"] == 1),
        "{lint}"
    );
    sb.awsprof(&["lint", "--fix"]).ok();
    assert_eq!(sb.read_config(), config.replace("\"foobar\"", "foobar"));
    sb.awsprof(&["profile", "set", "foobar", "foo", "2"]).ok();
}

#[test]
#[cfg_attr(botocore_missing, ignore = "botocore's config fixtures were not found")]
fn lint_names_every_section_the_sdks_ignore_in_botocores_own_fixtures() {
    let fixtures = shared_data::peer_dir().join("botocore_cfg");
    let bad_profile = shared_data::read(fixtures.join("aws_bad_profile"));
    let sb = Sandbox::new(&bad_profile, "");
    let lint = sb.awsprof(&["lint", "--output", "json"]).ok().json();
    let codes: Vec<(String, u64)> = lint["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let line_of = |needle: &str| bad_profile.lines().position(|l| l == needle).unwrap() as u64 + 1;
    assert!(
        codes.contains(&(
            "quoted-section-name".into(),
            line_of("[profile \"my profile\"]")
        )),
        "{codes:?}"
    );
    assert!(
        codes
            .iter()
            .any(|(c, l)| c == "ignored-section"
                && *l == line_of("[profile \"personal\" \"otherkey\"]")),
        "{codes:?}"
    );
    // And profile list never shows them.
    let list = sb.awsprof(&["profile", "list"]).ok();
    assert!(
        !list.stdout.contains("my profile") && !list.stdout.contains("otherkey"),
        "{list:#?}"
    );

    for fixture in ["aws_config", "aws_third_config", "foo_config"] {
        let text = shared_data::read(fixtures.join(fixture));
        let sb = Sandbox::new(&text, "");
        let lint = sb.awsprof(&["lint", "--output", "json"]).ok().json();
        assert!(
            lint["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "quoted-section-name"),
            "{fixture}: {lint}"
        );
    }
}
