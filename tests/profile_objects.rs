//! Profiles as whole objects: rename, copy, delete and the sso-session
//! commands, as properties over generated files and through the binary.

mod support;

use awsprof::chain::resolve;
use awsprof::edits;
use awsprof::profiles::{FileKind, ProfileFiles, SourceFile};
use proptest::prelude::*;
use std::path::Path;
use support::Sandbox;

const NAMES: [&str; 5] = ["alpha", "beta", "gamma", "default", "ci"];

/// One generated profile: where it lives and what it holds.
#[derive(Debug, Clone)]
struct Gen {
    name: &'static str,
    keys: bool,
    source: Option<usize>,
    region: bool,
    comment: bool,
}

fn profile() -> impl Strategy<Value = (bool, Option<usize>, bool, bool)> {
    (
        any::<bool>(),
        prop::option::of(0..NAMES.len()),
        any::<bool>(),
        any::<bool>(),
    )
}

/// Config and credentials texts for a set of profiles.
fn files() -> impl Strategy<Value = (String, String)> {
    prop::collection::vec(profile(), 1..=NAMES.len()).prop_map(|gens| {
        let gens: Vec<Gen> = gens
            .into_iter()
            .enumerate()
            .map(|(i, (keys, source, region, comment))| Gen {
                name: NAMES[i],
                keys,
                source,
                // Every generated profile exists: one with neither keys
                // nor a role gets a region.
                region: region || (!keys && source.is_none()),
                comment,
            })
            .collect();
        let mut config = String::from("# config\n");
        let mut credentials = String::new();
        for g in &gens {
            let header = if g.name == "default" {
                "[default]".to_string()
            } else {
                format!("[profile {}]", g.name)
            };
            let mut body = String::new();
            if g.region {
                body.push_str("region = eu-west-1\n");
            }
            if let Some(s) = g.source {
                let target = gens.get(s).map_or(g.name, |t| t.name);
                body.push_str(&format!(
                    "role_arn = arn:aws:iam::123456789012:role/r{s}\nsource_profile = {target}\n"
                ));
            }
            if !body.is_empty() {
                if g.comment {
                    config.push_str(&format!("\n# {} belongs to the team\n", g.name));
                } else {
                    config.push('\n');
                }
                config.push_str(&format!("{header}\n{body}"));
            }
            if g.keys {
                credentials.push_str(&format!(
                    "[{}]\naws_access_key_id = AKIA{}\naws_secret_access_key = s{}\n\n",
                    g.name,
                    g.name.to_uppercase(),
                    g.name
                ));
            }
        }
        let credentials = credentials.trim_end().to_string() + "\n";
        (config, credentials)
    })
}

fn load(config: &str, credentials: &str) -> ProfileFiles {
    let config =
        SourceFile::from_bytes(FileKind::Config, Path::new("config"), config.as_bytes()).unwrap();
    let credentials = SourceFile::from_bytes(
        FileKind::Credentials,
        Path::new("credentials"),
        credentials.as_bytes(),
    )
    .unwrap();
    ProfileFiles::from_sources(config, credentials).unwrap()
}

fn texts(files: &ProfileFiles) -> (String, String) {
    let text = |k| String::from_utf8(files.file(k).document().to_bytes()).unwrap();
    (text(FileKind::Config), text(FileKind::Credentials))
}

/// One of the profiles the files hold (every generated profile exists).
fn existing(files: &ProfileFiles, pick: prop::sample::Index) -> String {
    let names: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|n| files.set.profile(n).is_some())
        .collect();
    names[pick.index(names.len())].to_string()
}

fn resolving(files: &ProfileFiles) -> Vec<String> {
    files
        .set
        .profiles
        .keys()
        .filter(|n| resolve(&files.set, n).is_ok())
        .map(String::from)
        .collect()
}

proptest! {
    #[test]
    fn rename_then_rename_back_gives_the_original_bytes(
        (config, credentials) in files(),
        from in any::<prop::sample::Index>(),
    ) {
        let mut files = load(&config, &credentials);
        let old = existing(&files, from);
        let old = old.as_str();
        let before = resolving(&files);
        edits::rename(&mut files, old, "renamed").unwrap();
        // Everything that resolved still does, under its new name.
        for name in &before {
            let name = if name == old { "renamed" } else { name.as_str() };
            prop_assert!(resolve(&files.set, name).is_ok(), "{} stopped resolving", name);
        }
        prop_assert!(files.set.profile(old).is_none());
        let mut files = load(&texts(&files).0, &texts(&files).1);
        edits::rename(&mut files, "renamed", old).unwrap();
        prop_assert_eq!(texts(&files), (config, credentials));
    }

    #[test]
    fn copy_then_delete_the_copy_gives_the_original_bytes(
        (config, credentials) in files(),
        from in any::<prop::sample::Index>(),
        without_keys in any::<bool>(),
    ) {
        let mut files = load(&config, &credentials);
        let src = existing(&files, from);
        let src = src.as_str();
        let before = resolving(&files);
        edits::copy(&mut files, src, "copied", without_keys).unwrap();
        for name in &before {
            prop_assert!(resolve(&files.set, name).is_ok());
        }
        let copied = files.set.profile("copied").unwrap();
        let original = files.set.profile(src).unwrap();
        for (key, p) in original.properties.iter() {
            let key = key.as_str();
            // A self-reference points at the copy, except without keys:
            // then the copy stands on the source's keys.
            let self_reference = key == "source_profile" && p.value.as_str() == src;
            let want = if self_reference && !without_keys { "copied" } else { p.value.as_str() };
            if without_keys && key.starts_with("aws_") {
                prop_assert_eq!(copied.get(key), None);
            } else {
                prop_assert_eq!(copied.get(key), Some(want), "{}", key);
            }
        }
        let mut files = load(&texts(&files).0, &texts(&files).1);
        edits::delete(&mut files, "copied", false).unwrap();
        prop_assert_eq!(texts(&files), (config, credentials));
    }
}

const CONFIG: &str = "# team profiles\n[default]\nregion = us-east-1\n\n# tanaka's role\n[profile tanaka]\nrole_arn = arn:aws:iam::123456789012:role/toy-role\nsource_profile = tanaka\n\n[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = tanaka\n\n[profile sso-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = dev\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n";
const CREDENTIALS: &str =
    "[tanaka]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = secretExample\n";

#[test]
fn rename_keeps_every_line_and_every_reference() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    let preview = sb
        .awsprof(&["profile", "rename", "tanaka", "sato", "--dry-run"])
        .ok();
    assert!(
        preview.stdout.contains("-[profile tanaka]") && preview.stdout.contains("+[profile sato]"),
        "{preview:#?}"
    );
    assert_eq!(sb.read_config(), CONFIG);
    let json = sb
        .awsprof(&["profile", "rename", "tanaka", "sato", "--output", "json"])
        .ok()
        .json();
    assert_eq!(json["status"], "changed");
    assert_eq!(
        sb.read_config(),
        CONFIG
            .replace("tanaka", "sato")
            .replace("# sato's role", "# tanaka's role")
    );
    assert_eq!(
        sb.read_credentials(),
        CREDENTIALS.replace("[tanaka]", "[sato]")
    );
    sb.awsprof(&["profile", "resolve", "deploy"]).ok();
    // The AWS CLI reads the same values under the new name.
    let got = sb
        .aws(&["configure", "get", "role_arn", "--profile", "sato"])
        .ok();
    assert_eq!(got.stdout.trim(), "arn:aws:iam::123456789012:role/toy-role");
    // A name that exists, or one the SDKs would ignore: exit 2, nothing written.
    let written = sb.read_config();
    sb.awsprof(&["profile", "rename", "sato", "deploy"]).code(2);
    sb.awsprof(&["profile", "rename", "sato", "has space"])
        .code(2);
    assert_eq!(sb.read_config(), written);
}

#[test]
fn rename_of_the_profile_aws_profile_names_says_to_change_it() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    let rename = |args: &[&str], aws_profile: &str| {
        support::Run::of(
            sb.command(support::AWSPROF)
                .args(args)
                .env("AWS_PROFILE", aws_profile)
                .output()
                .expect("awsprof runs"),
        )
    };
    let named = rename(&["profile", "rename", "tanaka", "sato"], "tanaka");
    assert_eq!(named.code, 0, "{named:#?}");
    assert!(
        named
            .stderr
            .contains("AWS_PROFILE names `tanaka`; set it to `sato`"),
        "{named:#?}"
    );
    let other = rename(&["profile", "rename", "sato", "suzuki"], "deploy");
    assert_eq!(other.code, 0, "{other:#?}");
    assert!(!other.stderr.contains("AWS_PROFILE"), "{other:#?}");
}

#[test]
fn copy_makes_a_self_reference_point_at_the_copy() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    sb.awsprof(&["profile", "copy", "tanaka", "tanaka2"]).ok();
    assert!(sb.read_config().ends_with("[profile tanaka2]\nrole_arn = arn:aws:iam::123456789012:role/toy-role\nsource_profile = tanaka2\n"));
    assert!(sb
        .read_credentials()
        .contains("[tanaka2]\naws_access_key_id = AKIAEXAMPLE000000001\n"));
    let chain = sb
        .awsprof(&["profile", "resolve", "tanaka2", "--output", "json"])
        .ok()
        .json();
    assert_eq!(chain["chain"][0]["profile"], "tanaka2", "{chain}");
    let got = sb
        .aws(&["configure", "get", "role_arn", "--profile", "tanaka2"])
        .ok();
    assert_eq!(got.stdout.trim(), "arn:aws:iam::123456789012:role/toy-role");
    // Without keys, the copy has none: a role on another profile's keys
    // still resolves, and one on its own keys (the walkthrough's
    // self-reference) stands on the source's keys, so it resolves too.
    sb.awsprof(&["profile", "copy", "deploy", "deploy2", "--without-keys"])
        .ok();
    assert!(sb.read_config().contains("[profile deploy2]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = tanaka\n"));
    let bare = sb
        .awsprof(&["profile", "copy", "tanaka", "bare", "--without-keys"])
        .ok();
    assert_eq!(bare.stderr, "", "{bare:#?}");
    assert!(
        bare.stdout.contains("  + source_profile = tanaka\n"),
        "{bare:#?}"
    );
    assert!(sb.read_config().contains("[profile bare]\nrole_arn = arn:aws:iam::123456789012:role/toy-role\nsource_profile = tanaka\n"));
    let resolved = sb.awsprof(&["profile", "resolve", "bare"]).ok();
    assert!(resolved.stdout.contains("tanaka"), "{resolved:#?}");
    assert!(!sb.read_credentials().contains("[bare]"));
}

#[test]
fn delete_is_refused_while_used_and_takes_its_comments_along() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    let refused = sb.awsprof(&["profile", "delete", "tanaka"]).code(2);
    assert!(refused.stderr.contains("deploy"), "{refused:#?}");
    assert_eq!(sb.read_config(), CONFIG);
    sb.awsprof(&["profile", "delete", "deploy"]).ok();
    assert_eq!(
        sb.read_config(),
        CONFIG.replace("[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = tanaka\n\n", "")
    );
    let forced = sb.awsprof(&["profile", "delete", "tanaka", "--force"]).ok();
    assert!(forced.stdout.contains("- [profile tanaka]"), "{forced:#?}");
    let config = sb.read_config();
    assert!(
        !config.contains("tanaka") && !config.contains("\n\n\n"),
        "{config}"
    );
    assert_eq!(sb.read_credentials(), "");
}

#[test]
fn sso_sessions_rename_and_delete_with_their_references() {
    let sb = Sandbox::new(CONFIG, CREDENTIALS);
    sb.awsprof(&["sso-session", "rename", "corp", "acme"]).ok();
    let config = sb.read_config();
    assert!(
        config.contains("[sso-session acme]") && config.contains("sso_session = acme"),
        "{config}"
    );
    sb.awsprof(&["sso-session", "delete", "acme"]).code(2);
    sb.awsprof(&["sso-session", "delete", "acme", "--force"])
        .ok();
    assert!(!sb.read_config().contains("[sso-session"));
}

#[test]
fn configure_takes_flags_in_one_write_and_refuses_without_a_terminal() {
    let sb = Sandbox::new("", "");
    let out = sb
        .awsprof_with_input(
            &[
                "profile",
                "configure",
                "tanaka",
                "--access-key-id",
                "AKIAEXAMPLE000000009",
                "--secret-access-key-stdin",
                "--region",
                "ap-northeast-1",
                "--output-format",
                "json",
            ],
            "topSecretValue\n",
        )
        .ok();
    assert!(!out.stdout.contains("topSecretValue"));
    assert_eq!(sb.read_credentials(), "[tanaka]\naws_access_key_id = AKIAEXAMPLE000000009\naws_secret_access_key = topSecretValue\n");
    assert_eq!(
        sb.read_config(),
        "[profile tanaka]\nregion = ap-northeast-1\noutput = json\n"
    );
    assert_eq!(sb.backup_ids().len(), 1);
    let no_tty = sb
        .command("setsid")
        .args(["--wait", support::AWSPROF, "profile", "configure", "tanaka"])
        .output()
        .unwrap();
    assert_eq!(no_tty.status.code(), Some(2), "{no_tty:#?}");
    assert!(String::from_utf8_lossy(&no_tty.stderr).contains("--access-key-id"));
}
