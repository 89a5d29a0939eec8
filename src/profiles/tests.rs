use super::*;
use crate::document::Document;

fn set(config: &str, credentials: &str) -> ProfileSet {
    ProfileSet::from_documents(
        &Document::parse_str(config),
        &Document::parse_str(credentials),
    )
    .expect("parses")
}

#[test]
fn properties_remember_file_and_line() {
    let s = set("# c\n[profile a]\nregion = x\n", "[a]\n\nk = v\n");
    let a = s.profile("a").unwrap();
    assert_eq!(
        a.property("region").unwrap().origin,
        Origin {
            file: FileKind::Config,
            line: 3
        }
    );
    assert_eq!(
        a.property("k").unwrap().origin,
        Origin {
            file: FileKind::Credentials,
            line: 3
        }
    );
    assert_eq!(a.headers.len(), 2);
}

#[test]
fn every_header_of_a_profile_is_kept_in_file_order() {
    let s = set(
        "[profile a]\nx = 1\n[profile b]\n[profile a]\ny = 2\n[profile a]\n",
        "[a]\nk = v\n",
    );
    let a = s.profile("a").unwrap();
    let at = |file, line| Origin { file, line };
    let headers: Vec<Origin> = a.headers.iter().copied().collect();
    assert_eq!(
        headers,
        [
            at(FileKind::Config, 1),
            at(FileKind::Config, 4),
            at(FileKind::Config, 6),
            at(FileKind::Credentials, 1)
        ]
    );
    assert_eq!(a.headers.last(), Some(&at(FileKind::Credentials, 1)));
    assert_eq!(a.headers.len(), 4);
    let b = s.profile("b").unwrap();
    assert_eq!(b.headers.last(), Some(&at(FileKind::Config, 3)));
    assert_eq!(b.headers.len(), 1);
    assert!(!b.headers.is_empty() && Headers::default().is_empty());
}

#[test]
fn parse_error_names_the_line() {
    let err = ProfileSet::from_documents(
        &Document::parse_str("[profile a]\nk = v\nbroken line\n"),
        &Document::default(),
    )
    .unwrap_err();
    assert_eq!(err.line, 3);
    assert_eq!(err.file, FileKind::Config);
    assert!(err.message.contains("'='"), "{}", err.message);
}

#[test]
fn a_bom_does_not_hide_the_first_header() {
    let s = set("\u{feff}[profile a]\nk = v\n", "");
    assert_eq!(s.profile("a").unwrap().get("k"), Some("v"));
}

#[test]
fn json_view_masks_secrets() {
    let s = set(
        "",
        "[a]\naws_access_key_id = AKIA\naws_secret_access_key = shh\n",
    );
    let masked = s.to_json(false).to_string();
    assert!(!masked.contains("shh"));
    assert!(masked.contains("AKIA"));
    assert!(s.to_json(true).to_string().contains("shh"));
}

#[test]
fn json_view_printed_directly_is_the_text_of_the_value() {
    let s = set(
        "[profile b]\nregion = eu-west-1\naws_secret_access_key = cfg\n[profile a]\ns3 =\n  x = 1\n[sso-session corp]\nsso_region = us-east-1\n[services s]\nk = v\n",
        "[a]\naws_access_key_id = AKIA\naws_secret_access_key = shh\nnote = \"q\\\u{7f}\"\n",
    );
    for show in [false, true] {
        let printed = serde_json::to_string_pretty(&s.json_view(show)).unwrap();
        let value = s.to_json(show);
        assert_eq!(printed, serde_json::to_string_pretty(&value).unwrap());
        assert_eq!(value["profiles"]["a"]["note"], "\"q\\\u{7f}\"");
        assert_eq!(value["sso_sessions"]["corp"]["sso_region"], "us-east-1");
        let secret = &value["profiles"]["b"]["aws_secret_access_key"];
        assert_eq!(secret, if show { "cfg" } else { crate::secret::MASK });
    }
}

#[test]
fn debug_of_a_property_hides_its_value() {
    let s = set("", "[a]\naws_secret_access_key = shh\n");
    assert!(!format!("{s:?}").contains("shh"));
}

#[test]
fn locate_expands_tilde() {
    let env = |k: &str| match k {
        "HOME" => Some("/h".to_string()),
        "AWS_CONFIG_FILE" => Some("~/cfg".to_string()),
        _ => None,
    };
    let l = locate(&env, Platform::Unix);
    assert_eq!(l.config, std::path::PathBuf::from("/h/cfg"));
    assert_eq!(
        l.credentials,
        std::path::PathBuf::from("/h/.aws/credentials")
    );
}

mod reread {
    use super::*;
    use proptest::prelude::*;
    use std::path::Path;

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("# comment".to_string()),
            Just("[default]".to_string()),
            Just("[profile default]".to_string()),
            Just("[profile foo]".to_string()),
            Just("[ profile  foo ] # c".to_string()),
            Just("[foo]".to_string()),
            Just("[profile foobar]".to_string()),
            Just("[sso-session foo]".to_string()),
            Just("[bar]".to_string()),
            Just("region = r1".to_string()),
            Just("Role_Arn = arn:aws:iam::123456789012:role/x".to_string()),
            Just("s3 =".to_string()),
            Just("s3 =\n  max_concurrent_requests = 2".to_string()),
            Just("region = r1\n  continued".to_string()),
            Just("source_profile = foo # c".to_string()),
            Just("source_profile = bar".to_string()),
            Just("[profile bar]".to_string()),
            Just("role_arn = arn:aws:iam::123456789012:role/r".to_string()),
            Just("aws_access_key_id = AKIA".to_string()),
            Just("aws_access_key_id = AKIA\naws_secret_access_key = s".to_string()),
            Just("role_arn = arn:aws:iam::123456789012:role/r\nsource_profile = bar".to_string()),
            Just("[bar]\naws_access_key_id = AKIA\naws_secret_access_key = s".to_string()),
            Just(
                "[profile bar]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = foo"
                    .to_string()
            ),
            Just("bad key! = v".to_string()),
        ]
    }

    fn file() -> impl Strategy<Value = String> {
        (
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec(line(), 0..24),
        )
            .prop_map(|(bom, crlf, lines)| {
                let mut text = if bom {
                    "\u{feff}".to_string()
                } else {
                    String::new()
                };
                let ending = if crlf { "\r\n" } else { "\n" };
                // Headers first, so that most generated files parse.
                text.push_str("[profile foo]");
                text.push_str(ending);
                for line in lines {
                    text.push_str(&line.replace('\n', ending));
                    text.push_str(ending);
                }
                text
            })
    }

    fn files(config: &str, credentials: &str) -> Option<ProfileFiles> {
        let config = SourceFile::from_bytes(FileKind::Config, Path::new("c"), config.as_bytes());
        let credentials = SourceFile::from_bytes(
            FileKind::Credentials,
            Path::new("k"),
            credentials.as_bytes(),
        );
        ProfileFiles::from_sources(config.ok()?, credentials.ok()?).ok()
    }

    /// Both files written in a directory of their own (kept while the
    /// directory lives).
    fn written(config: &str, credentials: &str) -> (tempfile::TempDir, crate::profiles::Locations) {
        let dir = tempfile::tempdir().unwrap();
        let locations = crate::profiles::Locations {
            config: dir.path().join("config"),
            credentials: dir.path().join("credentials"),
        };
        std::fs::write(&locations.config, config).unwrap();
        std::fs::write(&locations.credentials, credentials).unwrap();
        (dir, locations)
    }

    #[derive(Debug, Clone)]
    enum Edit {
        Set(FileKind, &'static str, &'static str),
        Unset(FileKind, &'static str),
    }

    impl Edit {
        fn apply(&self, files: &mut ProfileFiles, profile: &str) {
            match *self {
                Edit::Set(kind, key, value) => files.set_property(kind, profile, key, value),
                Edit::Unset(kind, key) => {
                    files.unset_property(kind, profile, key);
                }
            }
        }
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let kind = prop_oneof![Just(FileKind::Config), Just(FileKind::Credentials)];
        let key = prop_oneof![Just("region"), Just("role_arn"), Just("s3")];
        prop_oneof![
            (kind.clone(), key.clone(), prop_oneof![Just("r2"), Just("")])
                .prop_map(|(k, key, v)| Edit::Set(k, key, v)),
            (kind, key).prop_map(|(k, key)| Edit::Unset(k, key)),
        ]
    }

    proptest! {
        #[test]
        fn reading_the_text_equals_reading_the_document(config in file(), credentials in file()) {
            let from_text = files(&config, &credentials).map(|f| f.set);
            let from_documents = ProfileSet::from_documents(
                &Document::parse_str(&config),
                &Document::parse_str(&credentials),
            )
            .ok();
            prop_assert_eq!(from_text, from_documents);
        }

        #[test]
        fn rereading_a_profile_after_edits_equals_reading_everything(
            config in file(),
            credentials in file(),
            name in prop_oneof![Just("foo"), Just("default"), Just("bar"), Just("new")],
            edits in prop::collection::vec(edit(), 1..4),
        ) {
            let Some(mut files) = files(&config, &credentials) else { return Ok(()) };
            for edit in &edits {
                edit.apply(&mut files, name);
            }
            let mut everything = files.clone();
            files.reread_profile(name).unwrap();
            everything.reparse().unwrap();
            // The edited profile exactly, line numbers included; the others
            // by name and value (their line numbers may be stale).
            prop_assert_eq!(files.set.profile(name), everything.set.profile(name));
            prop_assert_eq!(files.set.to_json(true), everything.set.to_json(true));
        }

        #[test]
        fn the_names_alone_are_the_full_reads_names(config in file(), credentials in file()) {
            let (_dir, locations) = written(&config, &credentials);
            let names = ProfileFiles::profile_names(&locations)
                .map(|names| names.iter().map(ToString::to_string).collect::<Vec<_>>())
                .map_err(|e| e.to_string());
            let full = ProfileFiles::load(&locations)
                .map(|files| files.set.profiles.keys().map(String::from).collect::<Vec<_>>())
                .map_err(|e| e.to_string());
            prop_assert_eq!(names, full);
        }

        #[test]
        fn an_edit_reading_only_its_profiles_sees_what_a_full_read_sees(
            config in file(),
            credentials in file(),
            name in prop_oneof![Just("foo"), Just("default"), Just("bar"), Just("new")],
            edits in prop::collection::vec(edit(), 0..4),
        ) {
            let (_dir, locations) = written(&config, &credentials);
            let Ok(mut all) = ProfileFiles::load_for_editing(&locations, None) else {
                return Ok(());
            };
            let mut some = ProfileFiles::load_for_editing(&locations, Some(&[name])).unwrap();
            prop_assert!(some.partial() && !all.partial());
            // The same chain, line numbers aside (those of profiles after an
            // edited line are not brought up to date).
            let same_chain = |some: &ProfileFiles, all: &ProfileFiles| {
                let without_lines = |mut chain: crate::chain::Chain| {
                    chain.base.origin = None;
                    for hop in &mut chain.hops {
                        hop.origin = Origin::new(hop.origin.file, 0);
                    }
                    chain
                };
                let (a, b) = (
                    crate::chain::resolve(&some.set, name),
                    crate::chain::resolve(&all.set, name),
                );
                match (a, b) {
                    (Ok(a), Ok(b)) => without_lines(a) == without_lines(b),
                    (a, b) => a.is_err() && b.is_err(),
                }
            };
            prop_assert!(same_chain(&some, &all));
            for edit in &edits {
                edit.apply(&mut some, name);
                edit.apply(&mut all, name);
            }
            some.reread_profile(name).unwrap();
            all.reparse().unwrap();
            prop_assert_eq!(some.set.profile(name), all.set.profile(name));
            prop_assert!(same_chain(&some, &all));
            prop_assert_eq!(some.config.changed_bytes(), all.config.changed_bytes());
            prop_assert_eq!(some.credentials.changed_bytes(), all.credentials.changed_bytes());
            // What a write writes: the pieces, when and only when the bytes changed.
            for file in [&some.config, &some.credentials, &all.config, &all.credentials] {
                prop_assert_eq!(file.changed_pieces().map(|p| p.concat()), file.changed_bytes());
            }
            // Line numbers of other profiles after an edited line are not
            // brought up to date; names and values are.
            let values = |section: &Section| -> Vec<(String, String)> {
                section.properties.iter().map(|(k, p)| (k.to_string(), p.value.to_string())).collect()
            };
            for (other, section) in &some.set.profiles {
                prop_assert_eq!(Some(values(section)), all.set.profile(other).map(values), "{}", other);
            }
        }
    }
}

mod held_keys {
    use super::*;
    use proptest::prelude::*;

    fn property(line: u32) -> Property {
        Property {
            value: "v".into(),
            origin: Origin::new(FileKind::Config, line as usize),
        }
    }

    #[test]
    fn the_keys_a_profile_usually_holds_have_bits_of_their_own() {
        let usual = [
            keys::AWS_ACCESS_KEY_ID,
            keys::AWS_SECRET_ACCESS_KEY,
            keys::AWS_SESSION_TOKEN,
            keys::ROLE_ARN,
            keys::SOURCE_PROFILE,
            keys::CREDENTIAL_SOURCE,
            keys::CREDENTIAL_PROCESS,
            keys::DURATION_SECONDS,
            keys::REGION,
            keys::OUTPUT,
            keys::SSO_SESSION,
            keys::SSO_START_URL,
            keys::SSO_REGION,
            keys::SSO_ACCOUNT_ID,
            keys::SSO_ROLE_NAME,
        ];
        let bits: std::collections::BTreeSet<u64> = usual.iter().map(|k| key_bit(k)).collect();
        assert_eq!(bits.len(), usual.len());
        assert!(bits.iter().all(|b| b.count_ones() == 1));
    }

    #[test]
    fn a_section_of_a_few_keys_keeps_them_without_an_allocation_of_its_own() {
        let keys = [
            "region",
            "output",
            "role_arn",
            "source_profile",
            "sso_session",
        ];
        for count in 0..=keys.len() {
            let mut read: Vec<(SharedStr, Property)> = keys[..count]
                .iter()
                .enumerate()
                .map(|(line, key)| ((*key).into(), property(line as u32 + 1)))
                .collect();
            let properties = Properties::from_file_order(&mut read);
            assert_eq!(properties.len(), count);
            assert_eq!(
                properties.entries.spilled(),
                count > INLINE_PROPERTIES,
                "{count}"
            );
        }
    }

    proptest! {
        /// Whatever bits keys share, a lookup finds exactly the keys held,
        /// built either way (insert, or from the file's order).
        #[test]
        fn a_lookup_finds_exactly_the_keys_held(
            held in prop::collection::vec(
                prop::sample::select(vec![
                    "region", "output", "role_arn", "source_profile", "sso_session",
                    "aws_access_key_id", "x", "", "regioN", "noiger", "aws_account_id",
                    "sso_account_id", "a_b_c", "é", "mfa_serial",
                ]),
                0..8,
            ),
            asked in "[a-z_éN]{0,16}",
        ) {
            let mut inserted = Properties::default();
            let mut read = Vec::new();
            for (line, key) in held.iter().enumerate() {
                inserted.insert((*key).into(), property(line as u32 + 1));
                read.push(((*key).into(), property(line as u32 + 1)));
            }
            let from_file = Properties::from_file_order(&mut read);
            prop_assert_eq!(&inserted, &from_file);
            for key in held.iter().copied().chain([asked.as_str(), "sso_region"]) {
                let expected = held.iter().rposition(|k| *k == key).map(|i| i as u32 + 1);
                prop_assert_eq!(inserted.get(key).map(|p| p.origin.line), expected);
                prop_assert_eq!(from_file.get(key).map(|p| p.origin.line), expected);
            }
        }
    }
}
