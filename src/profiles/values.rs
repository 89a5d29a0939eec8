//! What AWS accepts for the values awsprof writes. Pure checks, each
//! returning a message that says what to do.

/// Partitions that have IAM: aws, aws-cn, aws-us-gov, the ISO ones and
/// the European sovereign cloud.
const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// The values of `output` the AWS CLI knows.
pub const OUTPUT_FORMATS: [&str; 5] = ["json", "text", "table", "yaml", "yaml-stream"];

pub fn check_output(value: &str) -> Result<(), String> {
    if OUTPUT_FORMATS.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "output `{value}` is not one of {}",
            OUTPUT_FORMATS.join(", ")
        ))
    }
}

/// The values of `credential_source`, as the SDKs spell them.
pub const CREDENTIAL_SOURCES: [&str; 3] = ["Environment", "Ec2InstanceMetadata", "EcsContainer"];

pub fn check_credential_source(value: &str) -> Result<(), String> {
    if CREDENTIAL_SOURCES.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "credential_source `{value}` is not one of {}",
            CREDENTIAL_SOURCES.join(", ")
        ))
    }
}

/// `duration_seconds` as written: a whole number in STS's range.
pub fn check_duration_text(value: &str) -> Result<(), String> {
    value
        .parse::<u32>()
        .map_err(|_| format!("duration_seconds `{value}` is not a whole number of seconds"))
        .and_then(check_duration)
}

pub const MIN_DURATION: u32 = 900;
pub const MAX_DURATION: u32 = 43_200;
/// STS caps a role-chained session at one hour.
pub const MAX_CHAINED_DURATION: u32 = 3_600;
/// GetSessionToken's longest session for an IAM user: 36 hours.
pub const MAX_MFA_SESSION_DURATION: u32 = 129_600;

/// `mfa_session_duration` in seconds: GetSessionToken's range.
pub fn check_mfa_session_duration(seconds: u32) -> Result<(), String> {
    if (MIN_DURATION..=MAX_MFA_SESSION_DURATION).contains(&seconds) {
        Ok(())
    } else {
        Err(format!(
            "mfa_session_duration {seconds} is out of range; GetSessionToken accepts {MIN_DURATION} to {MAX_MFA_SESSION_DURATION} seconds"
        ))
    }
}

/// `mfa_session_duration` as written.
pub fn check_mfa_session_duration_text(value: &str) -> Result<(), String> {
    value
        .parse::<u32>()
        .map_err(|_| format!("mfa_session_duration `{value}` is not a whole number of seconds"))
        .and_then(check_mfa_session_duration)
}

/// `arn:PARTITION:iam::ACCOUNT:role/[path/]name`.
pub fn check_role_arn(arn: &str) -> Result<(), String> {
    let fail = |why: &str| {
        Err(format!(
            "`{arn}` is not an IAM role ARN ({why}); expected arn:aws:iam::123456789012:role/NAME"
        ))
    };
    let Some(["arn", partition, service, region, account, resource]) = split_fields(arn, b':')
    else {
        return fail("it must have the form arn:PARTITION:iam::ACCOUNT:role/NAME");
    };
    if !PARTITIONS.contains(&partition) {
        return fail(&format!("unknown partition `{partition}`"));
    }
    if service != "iam" {
        return fail(&format!("service is `{service}`, not iam"));
    }
    if !region.is_empty() {
        return fail("IAM ARNs have no region");
    }
    if !is_account_id(account) {
        return fail("the account id must be 12 digits");
    }
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return fail("the resource must start with role/");
    };
    let name = path_and_name.rsplit('/').next().unwrap_or("");
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if !name_ok {
        return fail("role names are 1 to 64 of A-Z a-z 0-9 + = , . @ _ -");
    }
    if path_and_name.len() > 512 + 64 {
        return fail("the role path is too long");
    }
    Ok(())
}

pub fn check_duration(seconds: u32) -> Result<(), String> {
    if (MIN_DURATION..=MAX_DURATION).contains(&seconds) {
        Ok(())
    } else {
        Err(format!(
            "duration_seconds {seconds} is out of range; STS accepts {MIN_DURATION} to {MAX_DURATION} seconds"
        ))
    }
}

/// STS RoleSessionName: 2 to 64 of `[\w+=,.@-]`.
pub fn check_session_name(name: &str) -> Result<(), String> {
    let ok = (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "role session name `{name}` is not accepted by STS; use 2 to 64 of A-Z a-z 0-9 _ + = , . @ -"
        ))
    }
}

/// `text`'s first `N - 1` fields split at `separator` (an ASCII byte),
/// and the rest as the last: `str::splitn` without a searcher set up
/// for each call (lint checks every role ARN of 10,000 profiles).
fn split_fields<const N: usize>(text: &str, separator: u8) -> Option<[&str; N]> {
    let mut fields = [""; N];
    let mut rest = text;
    for field in fields.iter_mut().take(N - 1) {
        let end = memchr::memchr(separator, rest.as_bytes())?;
        *field = &rest[..end];
        rest = &rest[end + 1..];
    }
    fields[N - 1] = rest;
    Some(fields)
}

/// Whether `text` is a 12-digit AWS account id.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// An MFA code as STS takes it: six digits.
pub fn check_mfa_code(code: &str) -> Result<(), String> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("an MFA code is the 6 digits your device shows".into())
    }
}

/// An MFA device ARN, or a hardware token's serial number (9 to 256 of
/// `[\w+=/:,.@-]`).
pub fn check_mfa_serial(serial: &str) -> Result<(), String> {
    if serial.starts_with("arn:") {
        let ok = split_fields(serial, b':').is_some_and(
            |[_, partition, service, _, account, resource]: [&str; 6]| {
                PARTITIONS.contains(&partition)
                    && service == "iam"
                    && is_account_id(account)
                    && resource.starts_with("mfa/")
                    && resource.len() > 4
            },
        );
        return if ok {
            Ok(())
        } else {
            Err(format!(
                "`{serial}` is not an MFA device ARN; expected arn:aws:iam::123456789012:mfa/DEVICE"
            ))
        };
    }
    let ok = (9..=256).contains(&serial.len())
        && serial
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=/:,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{serial}` is neither an MFA device ARN nor a hardware token serial number"
        ))
    }
}

/// STS ExternalId: 2 to 1224 of `[\w+=,.@:/-]`.
pub fn check_external_id(id: &str) -> Result<(), String> {
    let ok = (2..=1224).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "external id `{id}` is not accepted by STS; use 2 to 1224 of A-Z a-z 0-9 _ + = , . @ : / -"
        ))
    }
}

pub fn check_region(region: &str) -> Result<(), String> {
    let ok = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!("`{region}` is not a region name such as us-east-1"))
    }
}

/// Where `value` first leaves `allowed`, as a 1-based character column.
fn first_outside(value: &str, allowed: impl Fn(u8) -> bool) -> Option<usize> {
    value
        .chars()
        .position(|c| !c.is_ascii() || !allowed(c as u8))
        .map(|at| at + 1)
}

/// An access key id: 16 to 128 letters and digits (AKIA..., ASIA...).
/// The message never quotes the value: a shifted column may hold a secret.
pub fn check_access_key_id(id: &str) -> Result<(), String> {
    if let Some(column) = first_outside(id, |b| b.is_ascii_alphanumeric()) {
        return Err(format!(
            "the access key id has a character other than a letter or digit at column {column}; an access key id is 16 to 128 letters and digits, like AKIA..."
        ));
    }
    if !(16..=128).contains(&id.len()) {
        return Err(format!(
            "the access key id is {} characters long; an access key id is 16 to 128 letters and digits, like AKIA...",
            id.len()
        ));
    }
    Ok(())
}

/// Whether `b` is in the base64 alphabet, the only one AWS issues secret
/// keys and session tokens in.
pub fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+' | b'=')
}

/// A secret access key or a session token: base64 alphabet only, so that
/// it is safe in every shell and file format it is exported to. The
/// message names the column, never the value.
pub fn check_secret_text(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("the value is empty".into());
    }
    match first_outside(value, is_base64_byte) {
        Some(column) => Err(format!(
            "the value has a character outside the base64 alphabet (A-Z a-z 0-9 / + =) at column {column}; AWS issues secrets only in that alphabet (the value is not shown)"
        )),
        None => Ok(()),
    }
}

/// A value in the credentials file shaped like a secret key: 40
/// characters of the base64 alphabet. Masked wherever it is printed.
pub fn looks_like_secret_key(value: &str) -> bool {
    value.len() == 40
        && value.bytes().all(is_base64_byte)
        && value.bytes().any(|b| !b.is_ascii_digit())
}

/// A value must read back exactly as written: one line, no surrounding
/// whitespace, and nothing a reader would take for a comment.
pub fn check_writable_value(value: &str) -> Result<(), String> {
    if value.contains(['\n', '\r']) {
        return Err("the value spans lines; set multi-line values by editing the file".into());
    }
    if value != value.trim_matches([' ', '\t']) {
        return Err("the value starts or ends with whitespace, which readers drop".into());
    }
    let mut prev_ws = false;
    for c in value.chars() {
        if (c == '#' || c == ';') && prev_ws {
            return Err(format!(
                "`{c}` after a space starts a comment, so readers would cut the value there"
            ));
        }
        prev_ws = c.is_whitespace();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        assert!(check_role_arn("arn:aws:iam::123456789012:role/toy-role").is_ok());
        assert!(check_role_arn("arn:aws-cn:iam::123456789012:role/path/to/r").is_ok());
        assert!(check_role_arn("arn:aws-us-gov:iam::123456789012:role/r").is_ok());
        assert!(check_role_arn("arn:aws:iam::123456789012:user/tanaka").is_err());
        assert!(check_role_arn("arn:aws:iam::12345:role/r").is_err());
        assert!(check_role_arn("arn:aws:sts::123456789012:role/r").is_err());
        assert!(check_role_arn("arn:aws:iam:us-east-1:123456789012:role/r").is_err());
        assert!(check_role_arn("arn:nope:iam::123456789012:role/r").is_err());
        assert!(check_role_arn("toy-role").is_err());
        assert!(check_role_arn("arn:aws:iam::123456789012:role/").is_err());
        assert!(check_role_arn("arn:aws:iam::123456789012").is_err());
        assert!(check_role_arn("arn:aws:iam::123456789012:role/a:b").is_err());
        assert!(check_role_arn("arn:aws:iam::123456789012:role/p:x/r").is_ok());
        assert!(check_role_arn("arn:aws:iam::123456789012:role/r\u{e9}").is_err());
    }

    #[test]
    fn durations_sessions_mfa() {
        assert!(check_duration(900).is_ok() && check_duration(43200).is_ok());
        assert!(check_duration(899).is_err() && check_duration(43201).is_err());
        assert!(check_session_name("ok-name@x").is_ok());
        assert!(check_session_name("a").is_err());
        assert!(check_session_name("has space").is_err());
        assert!(check_session_name(&"x".repeat(65)).is_err());
        assert!(check_mfa_serial("arn:aws:iam::123456789012:mfa/tanaka").is_ok());
        assert!(check_mfa_serial("GAHT12345678").is_ok());
        assert!(check_mfa_serial("arn:aws:iam::123456789012:user/x").is_err());
        assert!(check_mfa_serial("short").is_err());
    }

    #[test]
    fn key_ids_and_secrets_never_echo_and_name_the_column() {
        assert!(check_access_key_id("AKIAIOSFODNN7EXAMPLE").is_ok());
        assert!(check_access_key_id("AKIA").is_err());
        let e = check_access_key_id("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap_err();
        assert!(e.contains("column 14") && !e.contains("wJalr"), "{e}");
        assert!(check_secret_text("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_ok());
        let e = check_secret_text("wJalr$(touch${IFS}/tmp/x)").unwrap_err();
        assert!(e.contains("column 6") && !e.contains("wJalr"), "{e}");
        assert!(check_secret_text("").is_err());
        assert!(check_secret_text("ab c").is_err());
        assert!(looks_like_secret_key(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ));
        assert!(!looks_like_secret_key(
            "arn:aws:iam::123456789012:role/toy-role"
        ));
    }

    #[test]
    fn writable_values() {
        assert!(check_writable_value("a#b;c").is_ok());
        assert!(check_writable_value("a #b").is_err());
        assert!(check_writable_value(" a").is_err());
        assert!(check_writable_value("a\nb").is_err());
    }

    proptest::proptest! {
        #[test]
        fn fields_split_as_str_splitn_splits_them(text in "[a:/é]{0,12}") {
            let splitn: Vec<&str> = text.splitn(4, ':').collect();
            let fields = split_fields::<4>(&text, b':');
            proptest::prop_assert_eq!(fields.map(Vec::from), (splitn.len() == 4).then_some(splitn));
        }
    }
}
