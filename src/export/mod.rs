//! Credentials as text for other programs: the AWS CLI v2's
//! `configure export-credentials` formats byte for byte, plus a `.env`
//! file and a credentials-file section. Pure functions, no I/O.

pub mod console;

use std::time::SystemTime;

/// The formats, by the names `--format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The `credential_process` JSON (Version 1), 2-space indent.
    Process,
    /// `export NAME=value`
    Env,
    /// `NAME=value`
    EnvNoExport,
    /// `$Env:NAME="value"`
    Powershell,
    /// `set NAME=value`
    WindowsCmd,
    /// `set -gx NAME "value"`
    Fish,
    /// A `.env` file: `NAME=value`, one a line.
    Dotenv,
    /// A credentials-file section, `[NAME]` with `aws_*` keys.
    Ini,
}

impl Format {
    pub const ALL: [(Format, &'static str); 8] = [
        (Format::Process, "process"),
        (Format::Env, "env"),
        (Format::EnvNoExport, "env-no-export"),
        (Format::Powershell, "powershell"),
        (Format::WindowsCmd, "windows-cmd"),
        (Format::Fish, "fish"),
        (Format::Dotenv, "dotenv"),
        (Format::Ini, "ini"),
    ];

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(f, _)| *f)
    }

    pub fn name(self) -> &'static str {
        Format::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map(|(_, n)| *n)
            .expect("every format is listed")
    }
}

/// Credentials to print. The secret and the token are plain strings
/// here: printing them is what this module is for.
#[derive(Clone, Copy)]
pub struct Exported<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
    pub expiration: Option<SystemTime>,
}

impl std::fmt::Debug for Exported<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exported")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &crate::secret::MASK)
            .field(
                "session_token",
                &self.session_token.map(|_| crate::secret::MASK),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// The environment variables the credentials set, in the AWS CLI's
/// order: key id, secret, then the token and the expiration when present.
pub fn variables(creds: &Exported<'_>) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("AWS_ACCESS_KEY_ID", creds.access_key_id.to_string()),
        ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.to_string()),
    ];
    if let Some(token) = creds.session_token {
        out.push(("AWS_SESSION_TOKEN", token.to_string()));
    }
    if let Some(at) = creds.expiration {
        out.push(("AWS_CREDENTIAL_EXPIRATION", crate::isotime::format(at)));
    }
    out
}

/// A value that is not of the shape AWS issues, so not safe to hand to a
/// shell or a file format (a hand-edited file, a planted cache entry).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {why}")]
pub struct UnsafeValue {
    pub field: &'static str,
    pub why: String,
}

/// Refuses credentials that could be anything but data once evaluated:
/// the key id must be letters and digits, the secret and token base64.
/// What AWS issues always passes, so its output stays byte-identical.
pub fn check_exportable(creds: &Exported<'_>) -> Result<(), UnsafeValue> {
    use crate::profiles::values::{check_access_key_id, check_secret_text};
    let fail = |field| move |why| UnsafeValue { field, why };
    check_access_key_id(creds.access_key_id).map_err(fail("aws_access_key_id"))?;
    check_secret_text(creds.secret_access_key).map_err(fail("aws_secret_access_key"))?;
    if let Some(token) = creds.session_token {
        check_secret_text(token).map_err(fail("aws_session_token"))?;
    }
    Ok(())
}

/// The text for `format`; `profile` names the `ini` section. Refused,
/// in every format, when a value is not safe to evaluate.
pub fn render(format: Format, creds: &Exported<'_>, profile: &str) -> Result<String, UnsafeValue> {
    check_exportable(creds)?;
    Ok(render_checked(format, creds, profile))
}

fn render_checked(format: Format, creds: &Exported<'_>, profile: &str) -> String {
    let line = |template: fn(&str, &str) -> String| -> String {
        variables(creds)
            .iter()
            .map(|(name, value)| template(name, value) + "\n")
            .collect()
    };
    match format {
        Format::Process => process_json(creds),
        Format::Env => line(|n, v| format!("export {n}={v}")),
        Format::EnvNoExport | Format::Dotenv => line(|n, v| format!("{n}={v}")),
        Format::Powershell => line(|n, v| format!("$Env:{n}=\"{v}\"")),
        Format::WindowsCmd => line(|n, v| format!("set {n}={v}")),
        Format::Fish => line(|n, v| format!("set -gx {n} \"{v}\"")),
        Format::Ini => ini_section(creds, profile),
    }
}

/// `json.dumps(doc, indent=2)` plus a newline, as the AWS CLI prints it.
fn process_json(creds: &Exported<'_>) -> String {
    let mut fields = vec![
        ("Version".to_string(), "1".to_string()),
        (
            "AccessKeyId".into(),
            python_json_string(creds.access_key_id),
        ),
        (
            "SecretAccessKey".into(),
            python_json_string(creds.secret_access_key),
        ),
    ];
    if let Some(token) = creds.session_token {
        fields.push(("SessionToken".into(), python_json_string(token)));
    }
    if let Some(at) = creds.expiration {
        fields.push((
            "Expiration".into(),
            python_json_string(&crate::isotime::format(at)),
        ));
    }
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("  \"{k}\": {v}"))
        .collect();
    format!("{{\n{}\n}}\n", body.join(",\n"))
}

/// A JSON string as Python's `json.dumps` writes it (`ensure_ascii`):
/// what the AWS CLI prints, and what botocore hashes for its cache keys.
pub fn python_json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn ini_section(creds: &Exported<'_>, profile: &str) -> String {
    let mut out = format!(
        "[{profile}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        creds.access_key_id, creds.secret_access_key
    );
    if let Some(token) = creds.session_token {
        out.push_str(&format!("aws_session_token = {token}\n"));
    }
    if let Some(at) = creds.expiration {
        out.push_str(&format!("# expires {}\n", crate::isotime::format(at)));
    }
    out
}

/// The container-credentials endpoint's answer (what ECS and EKS serve
/// and the SDKs' container provider reads): temporary credentials only,
/// since the SDKs require the token and the expiration.
pub fn container_json(creds: &Exported<'_>) -> Result<String, UnsafeValue> {
    check_exportable(creds)?;
    let missing = |field| UnsafeValue {
        field,
        why: "long-term keys have none; the endpoint serves temporary credentials only".into(),
    };
    let token = creds.session_token.ok_or(missing("aws_session_token"))?;
    let expiration = creds.expiration.ok_or(missing("expiration"))?;
    Ok(serde_json::json!({
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
        "Token": token,
        "Expiration": crate::isotime::format(expiration),
    })
    .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_container_endpoint_serves_temporary_credentials_only() {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_900_000_000);
        let temporary = Exported {
            access_key_id: "ASIAIOSFODNN7EXAMPLE",
            secret_access_key: "c2VjcmV0",
            session_token: Some("dG9rZW4="),
            expiration: Some(at),
        };
        let json: serde_json::Value =
            serde_json::from_str(&container_json(&temporary).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
                "SecretAccessKey": "c2VjcmV0",
                "Token": "dG9rZW4=",
                "Expiration": crate::isotime::format(at),
            })
        );
        let long_term = Exported {
            session_token: None,
            expiration: None,
            ..temporary
        };
        assert_eq!(
            container_json(&long_term).unwrap_err().field,
            "aws_session_token"
        );
        let planted = Exported {
            secret_access_key: "a\nb",
            ..temporary
        };
        assert!(container_json(&planted).is_err());
    }

    #[test]
    fn names_round_trip() {
        for (format, name) in Format::ALL {
            assert_eq!(Format::parse(name), Some(format));
            assert_eq!(format.name(), name);
        }
        assert_eq!(Format::parse("yaml"), None);
    }

    #[test]
    fn a_value_a_shell_would_run_is_refused_in_every_format() {
        let hostile = Exported {
            access_key_id: "AKIAIOSFODNN7EXAMPLE",
            secret_access_key: "wJalr$(touch${IFS}/tmp/x)",
            session_token: None,
            expiration: None,
        };
        let quote = Exported {
            session_token: Some("tok\"; rm -rf ~; \""),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ..hostile
        };
        let id = Exported {
            access_key_id: "AKIA`id`0000000000",
            ..quote
        };
        for (format, _) in Format::ALL {
            let e = render(format, &hostile, "p").unwrap_err();
            assert_eq!(e.field, "aws_secret_access_key");
            assert!(!e.to_string().contains("touch"), "{e}");
            assert_eq!(
                render(format, &quote, "p").unwrap_err().field,
                "aws_session_token"
            );
            assert_eq!(
                render(format, &id, "p").unwrap_err().field,
                "aws_access_key_id"
            );
        }
        let fine = Exported {
            session_token: Some("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH+/="),
            ..quote
        };
        assert!(render(Format::Env, &fine, "p")
            .unwrap()
            .starts_with("export AWS_ACCESS_KEY_ID=AKIA"));
    }

    #[test]
    fn debug_is_redacted() {
        let creds = Exported {
            access_key_id: "AKIA",
            secret_access_key: "very-secret",
            session_token: Some("session-tok"),
            expiration: None,
        };
        let shown = format!("{creds:?}");
        let mask = crate::secret::MASK;
        assert_eq!(
            shown,
            format!(
                "Exported {{ access_key_id: \"AKIA\", secret_access_key: {mask:?}, \
                 session_token: Some({mask:?}), expiration: None }}"
            )
        );
    }

    #[test]
    fn json_strings_are_escaped_as_pythons_json_dumps_escapes_them() {
        // python3 -c 'import json; print(json.dumps("\x1f \x08\x0c~\x7f\xe9\U0001F600\"\\\n\r\t"))'
        // Space and `~` are the ends of what ensure_ascii leaves as it is.
        assert_eq!(
            python_json_string("\u{1f} \u{8}\u{c}~\u{7f}\u{e9}\u{1F600}\"\\\n\r\t"),
            r#""\u001f \b\f~\u007f\u00e9\ud83d\ude00\"\\\n\r\t""#
        );
        assert_eq!(python_json_string("AKIA/+="), r#""AKIA/+=""#);
    }
}
