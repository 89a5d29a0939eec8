//! What a user has in hand after creating an access key: the JSON that
//! `aws iam create-access-key` prints, or the CSV the IAM console
//! downloads. Pure; errors name the line.

use crate::profiles::values::{check_access_key_id as check_id, check_secret_text};
use crate::secret::Secret;

#[derive(Debug, Clone)]
pub struct KeyInput {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub user_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct InputError {
    pub line: usize,
    pub message: String,
}

fn error(line: usize, message: impl Into<String>) -> InputError {
    InputError {
        line,
        message: message.into(),
    }
}

pub fn parse(text: &str) -> Result<KeyInput, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text
        .lines()
        .position(|l| !l.trim().is_empty())
        .ok_or_else(|| error(1, "the input is empty; pipe in `aws iam create-access-key` output or the console's CSV"))?;
    if text
        .lines()
        .nth(first)
        .is_some_and(|l| l.trim_start().starts_with('{'))
    {
        parse_json(text)
    } else {
        parse_csv(text, first)
    }
}

fn parse_json(text: &str) -> Result<KeyInput, InputError> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| error(e.line().max(1), format!("not valid JSON: {e}")))?;
    let key = value.get("AccessKey").unwrap_or(&value);
    let field = |name: &str| {
        key.get(name)
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let line_of = |name: &str| {
        text.lines()
            .position(|l| l.contains(&format!("\"{name}\"")))
            .map_or(1, |i| i + 1)
    };
    let id = field("AccessKeyId").ok_or_else(|| {
        error(
            1,
            "no AccessKey.AccessKeyId: this is not what `aws iam create-access-key` prints",
        )
    })?;
    let secret = field("SecretAccessKey").ok_or_else(|| {
        error(
            line_of("AccessKeyId"),
            "no AccessKey.SecretAccessKey next to the key id",
        )
    })?;
    check_id(&id).map_err(|m| error(line_of("AccessKeyId"), m))?;
    check_secret_text(&secret).map_err(|m| {
        error(
            line_of("SecretAccessKey"),
            format!("the secret access key: {m}"),
        )
    })?;
    Ok(KeyInput {
        access_key_id: id,
        secret_access_key: Secret::new(secret),
        user_name: field("UserName"),
    })
}

fn cells(line: &str) -> Vec<String> {
    line.trim_end_matches('\r')
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_string())
        .collect()
}

fn parse_csv(text: &str, header_at: usize) -> Result<KeyInput, InputError> {
    let lines: Vec<&str> = text.lines().collect();
    let header = cells(lines[header_at]);
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let header_line = header_at + 1;
    let id_col = column(&["Access key ID", "AccessKeyId"]).ok_or_else(|| {
        error(
            header_line,
            "no `Access key ID` column: expected the IAM console's CSV (Access key ID,Secret access key)",
        )
    })?;
    let secret_col = column(&["Secret access key", "SecretAccessKey"])
        .ok_or_else(|| error(header_line, "no `Secret access key` column"))?;
    let user_col = column(&["User name", "UserName"]);
    let rows: Vec<(usize, Vec<String>)> = lines
        .iter()
        .enumerate()
        .skip(header_at + 1)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, cells(l)))
        .collect();
    let (line, row) = match rows.as_slice() {
        [] => return Err(error(header_line, "a header but no key below it")),
        [one] => one,
        [_, (second, _), ..] => {
            return Err(error(
                *second,
                "more than one key; import one at a time (one file per key)",
            ))
        }
    };
    let get = |col: usize| row.get(col).filter(|v| !v.is_empty()).cloned();
    let id = get(id_col).ok_or_else(|| error(*line, "the access key id is empty"))?;
    let secret = get(secret_col).ok_or_else(|| error(*line, "the secret access key is empty"))?;
    check_id(&id).map_err(|m| error(*line, format!("column {}: {m}", id_col + 1)))?;
    check_secret_text(&secret).map_err(|m| {
        error(
            *line,
            format!("column {}: the secret access key: {m}", secret_col + 1),
        )
    })?;
    Ok(KeyInput {
        access_key_id: id,
        secret_access_key: Secret::new(secret),
        user_name: user_col.and_then(get),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AKIAIOSFODNN7EXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    #[test]
    fn create_access_key_json() {
        let json = format!(
            "{{\n    \"AccessKey\": {{\n        \"UserName\": \"tanaka\",\n        \"AccessKeyId\": \"{ID}\",\n        \"Status\": \"Active\",\n        \"SecretAccessKey\": \"{SECRET}\",\n        \"CreateDate\": \"2026-11-30T05:00:00+00:00\"\n    }}\n}}\n"
        );
        let key = parse(&json).unwrap();
        assert_eq!(key.access_key_id, ID);
        assert_eq!(key.secret_access_key.expose(), SECRET);
        assert_eq!(key.user_name.as_deref(), Some("tanaka"));
        let missing = parse(&json.replace("SecretAccessKey", "Other")).unwrap_err();
        assert_eq!(missing.line, 4);
        assert_eq!(parse("{\n\"AccessKey\": {\n").unwrap_err().line, 3);
    }

    #[test]
    fn console_csv_with_and_without_user_bom_crlf() {
        for text in [
            format!("Access key ID,Secret access key\n{ID},{SECRET}\n"),
            format!("\u{feff}Access key ID,Secret access key\r\n{ID},{SECRET}\r\n"),
            format!("User name,Access key ID,Secret access key\r\ntanaka,{ID},{SECRET}"),
        ] {
            let key = parse(&text).unwrap();
            assert_eq!(key.access_key_id, ID, "{text:?}");
            assert_eq!(key.secret_access_key.expose(), SECRET);
        }
        let two = format!("Access key ID,Secret access key\n{ID},{SECRET}\n{ID},{SECRET}\n");
        assert_eq!(parse(&two).unwrap_err().line, 3);
        let bad = "Access key ID,Secret access key\nnot-a-key,secret\n";
        assert_eq!(parse(bad).unwrap_err().line, 2);
        // A row shifted by one column: the secret stands where the id
        // should; the error names the place and never the secret.
        let shifted = format!("User name,Access key ID,Secret access key\n{SECRET},{ID}\n");
        let e = parse(&shifted).unwrap_err();
        assert!(e.line == 2 && !e.to_string().contains("wJalr"), "{e}");
        let hostile =
            format!("Access key ID,Secret access key\n{ID},wJalr$(touch${{IFS}}/tmp/x)\n");
        let e = parse(&hostile).unwrap_err();
        assert!(
            e.message.contains("column 2") && !e.to_string().contains("touch"),
            "{e}"
        );
        assert_eq!(parse("Name,Value\na,b\n").unwrap_err().line, 1);
        assert!(parse("").is_err());
    }
}
