//! One table of the keys the AWS SDKs and CLI know. Every list and check
//! about keys derives from it: which file the AWS CLI writes a key to,
//! which values are secrets, which keys `add-role` manages, how a value
//! is checked before it is written, and the "did you mean" list of lint.

use super::values;
use super::FileKind;
use std::cell::RefCell;
use std::collections::HashMap;

pub const AWS_ACCESS_KEY_ID: &str = "aws_access_key_id";
pub const AWS_SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
pub const AWS_SESSION_TOKEN: &str = "aws_session_token";
pub const AWS_SECURITY_TOKEN: &str = "aws_security_token";
pub const AWS_ACCOUNT_ID: &str = "aws_account_id";
pub const ROLE_ARN: &str = "role_arn";
pub const SOURCE_PROFILE: &str = "source_profile";
pub const CREDENTIAL_SOURCE: &str = "credential_source";
pub const CREDENTIAL_PROCESS: &str = "credential_process";
pub const MFA_SERIAL: &str = "mfa_serial";
pub const EXTERNAL_ID: &str = "external_id";
pub const ROLE_SESSION_NAME: &str = "role_session_name";
pub const DURATION_SECONDS: &str = "duration_seconds";
/// awsprof's own: how long the MFA session its roles are assumed from lasts.
pub const MFA_SESSION_DURATION: &str = "mfa_session_duration";
pub const WEB_IDENTITY_TOKEN_FILE: &str = "web_identity_token_file";
pub const REGION: &str = "region";
pub const OUTPUT: &str = "output";
pub const ENDPOINT_URL: &str = "endpoint_url";
pub const SERVICES: &str = "services";
pub const SSO_SESSION: &str = "sso_session";
pub const SSO_START_URL: &str = "sso_start_url";
pub const SSO_REGION: &str = "sso_region";
pub const SSO_ACCOUNT_ID: &str = "sso_account_id";
pub const SSO_ROLE_NAME: &str = "sso_role_name";

/// A value check: `Err` says what is wrong and what to do.
pub type Check = fn(&str) -> Result<(), String>;

#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    /// The file `aws configure set` writes the key to.
    pub file: FileKind,
    /// Its value is masked unless the user asks for it.
    pub secret: bool,
    /// `add-role` writes it and `remove-role` removes it.
    pub role: bool,
    pub check: Option<Check>,
}

const fn key(name: &'static str) -> Key {
    Key {
        name,
        file: FileKind::Config,
        secret: false,
        role: false,
        check: None,
    }
}

const fn credential(name: &'static str, secret: bool, check: Check) -> Key {
    Key {
        file: FileKind::Credentials,
        secret,
        check: Some(check),
        ..key(name)
    }
}

const fn role(name: &'static str, check: Option<Check>) -> Key {
    Key {
        role: true,
        check,
        ..key(name)
    }
}

const fn checked(name: &'static str, check: Check) -> Key {
    Key {
        check: Some(check),
        ..key(name)
    }
}

pub const KEYS: &[Key] = &[
    credential(AWS_ACCESS_KEY_ID, false, values::check_access_key_id),
    credential(AWS_SECRET_ACCESS_KEY, true, values::check_secret_text),
    credential(AWS_SESSION_TOKEN, true, values::check_secret_text),
    // The old name of aws_session_token; botocore still reads it.
    credential(AWS_SECURITY_TOKEN, true, values::check_secret_text),
    key(AWS_ACCOUNT_ID),
    role(ROLE_ARN, Some(values::check_role_arn)),
    role(SOURCE_PROFILE, None),
    role(CREDENTIAL_SOURCE, Some(values::check_credential_source)),
    role(MFA_SERIAL, Some(values::check_mfa_serial)),
    role(EXTERNAL_ID, Some(values::check_external_id)),
    role(ROLE_SESSION_NAME, Some(values::check_session_name)),
    role(DURATION_SECONDS, Some(values::check_duration_text)),
    checked(
        MFA_SESSION_DURATION,
        values::check_mfa_session_duration_text,
    ),
    checked(REGION, values::check_region),
    checked(OUTPUT, values::check_output),
    key(CREDENTIAL_PROCESS),
    key(WEB_IDENTITY_TOKEN_FILE),
    key(ENDPOINT_URL),
    key(SERVICES),
    key(SSO_SESSION),
    key(SSO_START_URL),
    key(SSO_REGION),
    key(SSO_ACCOUNT_ID),
    key(SSO_ROLE_NAME),
    key("sso_registration_scopes"),
    key("account_id_endpoint_mode"),
    key("api_versions"),
    key("auth_scheme_preference"),
    key("ca_bundle"),
    key("cli_auto_prompt"),
    key("cli_binary_format"),
    key("cli_follow_urlparam"),
    key("cli_history"),
    key("cli_pager"),
    key("cli_timestamp_format"),
    key("defaults_mode"),
    key("disable_request_compression"),
    key("ec2_metadata_service_endpoint"),
    key("ec2_metadata_service_endpoint_mode"),
    key("ec2_metadata_v1_disabled"),
    key("endpoint_discovery_enabled"),
    key("ignore_configured_endpoint_urls"),
    key("max_attempts"),
    key("metadata_service_num_attempts"),
    key("metadata_service_timeout"),
    key("parameter_validation"),
    key("request_checksum_calculation"),
    key("request_min_compression_size_bytes"),
    key("response_checksum_validation"),
    key("retry_mode"),
    key("s3"),
    key("s3api"),
    key("sdk_ua_app_id"),
    key("sigv4a_signing_region_set"),
    key("sts_regional_endpoints"),
    key("tcp_keepalive"),
    key("use_dualstack_endpoint"),
    key("use_fips_endpoint"),
];

/// For each length, a bit for each row of [`KEYS`] whose name is that
/// long: a lookup compares a name only with the rows of its length and
/// its first and last bytes, nearly always one (lint looks up every key
/// of both files).
const ROWS_OF_LENGTH: [u64; 64] = rows_by(Place::Length);
/// As [`ROWS_OF_LENGTH`], for each first byte (names are lowercase ASCII).
const ROWS_STARTING_WITH: [u64; 128] = rows_by(Place::FirstByte);
/// As [`ROWS_OF_LENGTH`], for each last byte.
const ROWS_ENDING_WITH: [u64; 128] = rows_by(Place::LastByte);

/// What of a name places its row in one of the tables above.
#[derive(Clone, Copy)]
enum Place {
    Length,
    FirstByte,
    LastByte,
}

const fn rows_by<const N: usize>(place: Place) -> [u64; N] {
    assert!(KEYS.len() <= 64, "a row's bit must fit a u64");
    let mut rows = [0u64; N];
    let mut i = 0;
    while i < KEYS.len() {
        let name = KEYS[i].name.as_bytes();
        let mut j = 0;
        while j < name.len() {
            assert!(!name[j].is_ascii_uppercase(), "names are lowercase");
            j += 1;
        }
        let at = match place {
            Place::Length => name.len(),
            Place::FirstByte => name[0] as usize,
            Place::LastByte => name[name.len() - 1] as usize,
        };
        assert!(at < N, "each name's place is in the table");
        rows[at] |= 1 << i;
        i += 1;
    }
    rows
}

/// The row for `name` (case-insensitive, as readers compare keys).
pub fn lookup(name: &str) -> Option<&'static Key> {
    let bytes = name.as_bytes();
    let (&first, &last) = bytes.first().zip(bytes.last())?;
    let rows_of = |table: &[u64], at: usize| table.get(at).copied().unwrap_or(0);
    let mut rows = rows_of(&ROWS_OF_LENGTH, bytes.len())
        & rows_of(&ROWS_STARTING_WITH, first.to_ascii_lowercase().into())
        & rows_of(&ROWS_ENDING_WITH, last.to_ascii_lowercase().into());
    while rows != 0 {
        let key = &KEYS[rows.trailing_zeros() as usize];
        // Keys are nearly always written in lowercase, as the rows are:
        // compared as bytes first, they are not lowered byte by byte.
        if key.name.as_bytes() == bytes || key.name.eq_ignore_ascii_case(name) {
            return Some(key);
        }
        rows &= rows - 1;
    }
    None
}

pub fn is_secret_key(name: &str) -> bool {
    lookup(name).is_some_and(|k| k.secret)
}

/// The known key an unknown `name` is a typo of, if any: close by
/// Jaro-Winkler (0.9), or within one edit per six characters of it.
/// `None` for a known key. Lint's `unknown-key` and masking share it.
pub fn closest_known(name: &str) -> Option<&'static str> {
    if lookup(name).is_some() {
        return None;
    }
    // Each unknown key's answer is worked out once per thread: a file
    // often holds another tool's keys in every profile, and lint, list
    // and show ask about each.
    thread_local! {
        static ANSWERS: RefCell<HashMap<String, Option<&'static str>>> =
            RefCell::new(HashMap::new());
    }
    if let Some(known) = ANSWERS.with_borrow(|answers| answers.get(name).copied()) {
        return known;
    }
    let known = closest_known_by_score(name);
    ANSWERS.with_borrow_mut(|answers| answers.insert(name.to_string(), known));
    known
}

/// [`closest_known`] for a key that is not known, worked out.
fn closest_known_by_score(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let letters = crate::suggest::Letters::of(&lower);
    KEYS.iter()
        .filter(|k| {
            let common = letters.as_ref().and_then(|l| l.common_with(k.name));
            common.is_none_or(|common| could_be_typo(common, lower.len(), k.name.len()))
        })
        .map(|k| (strsim::jaro_winkler(&lower, k.name), k.name))
        .filter(|(score, known)| {
            *score >= 0.9 || strsim::levenshtein(&lower, known) * 6 <= known.len()
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, known)| known)
}

/// Whether a name of `a` characters sharing at most `common` letters with
/// a known key of `b` can be a typo of it, by [`closest_known`]'s rules:
/// a Jaro-Winkler score of 0.9 needs a Jaro similarity of 5/6 (the boost
/// adds at most 0.4 of what is missing). The edit rule needs no test of
/// its own: an edit takes a step for each character of the longer one
/// beyond the shared ones, so within b/6 steps they share enough letters
/// for that similarity too. Every other known key is ruled out by
/// counting letters: a file of 10,000 profiles, each with a key of
/// another tool's, asks this for each.
fn could_be_typo(common: usize, a: usize, b: usize) -> bool {
    crate::suggest::jaro_could_reach(common, a, b, crate::suggest::Fraction(5, 6))
}

/// Whether a value is shown as `****`: under a secret key, under a typo
/// of one (`awssecret_access_y`), or, in the credentials file, shaped like
/// a secret key whatever its key.
pub fn masks_value(key: &str, value: &str, in_credentials: bool) -> bool {
    is_secret_key(key)
        || closest_known(key).is_some_and(is_secret_key)
        || (in_credentials && super::values::looks_like_secret_key(value.trim()))
}

/// The file the AWS CLI writes `name` to; unknown keys go to config.
pub fn default_file(name: &str) -> FileKind {
    lookup(name).map_or(FileKind::Config, |k| k.file)
}

/// The keys `add-role` writes and `remove-role` removes. `region`, which
/// add-role can also set, is shared with everything else and stays.
pub fn role_keys() -> impl Iterator<Item = &'static str> {
    KEYS.iter().filter(|k| k.role).map(|k| k.name)
}

/// The keys that hold credentials in the credentials file.
pub fn credential_keys() -> impl Iterator<Item = &'static str> {
    KEYS.iter()
        .filter(|k| k.file == FileKind::Credentials)
        .map(|k| k.name)
}

/// Checks a value before any command writes it: it must read back as
/// written, and pass the key's own check.
pub fn check_value(name: &str, value: &str) -> Result<(), String> {
    values::check_writable_value(value).map_err(|e| format!("{name}: {e}"))?;
    match lookup(name).and_then(|k| k.check) {
        Some(check) => check(value).map_err(|e| format!("{name}: {e}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_lowercase_and_listed_once() {
        for (i, k) in KEYS.iter().enumerate() {
            assert_eq!(k.name, k.name.to_ascii_lowercase());
            assert!(
                !KEYS[..i].iter().any(|o| o.name == k.name),
                "{} twice",
                k.name
            );
        }
    }

    #[test]
    fn every_row_is_found_by_its_name_in_any_case_and_nothing_else() {
        for (i, k) in KEYS.iter().enumerate() {
            for name in [k.name.to_string(), k.name.to_ascii_uppercase()] {
                let found = lookup(&name).map(|row| row.name);
                assert_eq!(found, Some(k.name), "row {i}");
            }
            // One byte more, one less, one changed: no row.
            let mut changed = k.name.to_string().into_bytes();
            changed[0] = b'#';
            let changed = String::from_utf8(changed).unwrap();
            for other in [format!("{}x", k.name), k.name[1..].to_string(), changed] {
                assert!(
                    lookup(&other).is_none_or(|row| row.name == other),
                    "{other}"
                );
            }
        }
        assert!(lookup("").is_none() && lookup(&"a".repeat(100)).is_none());
    }

    #[test]
    fn typos_of_secret_keys_and_secret_shaped_values_are_masked() {
        assert_eq!(
            closest_known("awssecret_access_y"),
            Some(AWS_SECRET_ACCESS_KEY)
        );
        assert_eq!(closest_known("regoin"), Some(REGION));
        assert_eq!(closest_known(REGION), None);
        assert_eq!(closest_known("my_custom_setting"), None);
        assert!(masks_value("awssecret_access_y", "x", false));
        assert!(masks_value("aws_session_tokn", "x", false));
        assert!(!masks_value("region", "us-east-1", true));
        let shaped = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert!(masks_value("note", shaped, true));
        assert!(!masks_value("note", shaped, false));
    }

    /// `closest_known` as it was before any key could be ruled out early.
    fn closest_known_by_scores_alone(name: &str) -> Option<&'static str> {
        if lookup(name).is_some() {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        KEYS.iter()
            .map(|k| (strsim::jaro_winkler(&lower, k.name), k.name))
            .filter(|(score, known)| {
                *score >= 0.9 || strsim::levenshtein(&lower, known) * 6 <= known.len()
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, known)| known)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// Ruling keys out by their letters never changes the answer, for
        /// known keys changed by a few edits, and for names of any letters.
        #[test]
        fn typos_are_found_as_by_the_scores_alone(
            key in 0..KEYS.len(),
            edits in proptest::collection::vec((0usize..64, 0u8..4, "[a-z_A-Zé0-9]"), 0..5),
            other in "[a-z_é]{0,12}",
        ) {
            let mut typo: Vec<char> = KEYS[key].name.chars().collect();
            for (at, how, with) in edits {
                let at = at % (typo.len() + 1);
                let with = with.chars().next().unwrap();
                match how {
                    0 if at < typo.len() => { typo.remove(at); }
                    1 if at < typo.len() => typo[at] = with,
                    2 if at < typo.len() => typo[at] = typo[at].to_ascii_uppercase(),
                    _ => typo.insert(at, with),
                }
            }
            let typo: String = typo.into_iter().collect();
            proptest::prop_assert_eq!(closest_known(&typo), closest_known_by_scores_alone(&typo));
            proptest::prop_assert_eq!(closest_known(&other), closest_known_by_scores_alone(&other));
        }
    }

    #[test]
    fn derived_lists() {
        assert!(is_secret_key("AWS_SECRET_ACCESS_KEY") && !is_secret_key(AWS_ACCESS_KEY_ID));
        assert_eq!(default_file(AWS_ACCESS_KEY_ID), FileKind::Credentials);
        assert_eq!(default_file("region"), FileKind::Config);
        assert_eq!(default_file("no_such_key"), FileKind::Config);
        assert_eq!(
            role_keys().collect::<Vec<_>>(),
            [
                "role_arn",
                "source_profile",
                "credential_source",
                "mfa_serial",
                "external_id",
                "role_session_name",
                "duration_seconds"
            ]
        );
        assert!(check_value(DURATION_SECONDS, "3600").is_ok());
        assert!(check_value(DURATION_SECONDS, "an hour").is_err());
        assert!(check_value(CREDENTIAL_SOURCE, "Environment").is_ok());
        assert!(check_value(CREDENTIAL_SOURCE, "Nowhere").is_err());
        assert!(check_value("anything", "a #comment").is_err());
    }

    proptest::proptest! {
        #[test]
        fn a_lookup_finds_what_comparing_every_row_finds(
            name in proptest::sample::select(KEYS.iter().map(|k| k.name).collect::<Vec<_>>()),
            flips in proptest::collection::vec(proptest::bool::ANY, 32),
            edit in 0usize..4,
        ) {
            // A known name in mixed case, then perhaps changed at its
            // start, its end or its middle.
            let mut name: Vec<u8> = name
                .bytes()
                .zip(flips.iter().cycle())
                .map(|(b, &up)| if up { b.to_ascii_uppercase() } else { b })
                .collect();
            match edit {
                1 => name[0] = b'x',
                2 => *name.last_mut().unwrap() = b'x',
                3 => { let middle = name.len() / 2; name[middle] = b'x' }
                _ => {}
            }
            let name = String::from_utf8(name).unwrap();
            let every_row = KEYS.iter().find(|k| k.name.eq_ignore_ascii_case(&name));
            proptest::prop_assert_eq!(lookup(&name).map(|k| k.name), every_row.map(|k| k.name));
        }
    }
}
