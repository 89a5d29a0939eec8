//! A `credential_process` command line as botocore reads it: split by
//! Python's `shlex.split` rules, never handed to a shell. Pure.

/// Python's `shlex.split(line)` (posix=True, comments=False).
pub fn split(line: &str) -> Result<Vec<String>, String> {
    #[derive(PartialEq)]
    enum State {
        Space,
        Word,
        Single,
        Double,
    }
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let mut words = Vec::new();
    let mut word = String::new();
    let mut state = State::Space;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match state {
            State::Space | State::Word => {
                if is_space(c) {
                    if state == State::Word {
                        words.push(std::mem::take(&mut word));
                    }
                    state = State::Space;
                    continue;
                }
                state = State::Word;
                match c {
                    '\'' => state = State::Single,
                    '"' => state = State::Double,
                    '\\' => match chars.next() {
                        Some(next) => word.push(next),
                        None => return Err("no escaped character after the final `\\`".into()),
                    },
                    c => word.push(c),
                }
            }
            State::Single => match c {
                '\'' => state = State::Word,
                c => word.push(c),
            },
            State::Double => match c {
                '"' => state = State::Word,
                '\\' if matches!(chars.peek(), Some('"' | '\\')) => {
                    word.push(chars.next().expect("peeked"));
                }
                c => word.push(c),
            },
        }
    }
    match state {
        State::Single | State::Double => Err("no closing quotation".into()),
        State::Word => {
            words.push(word);
            Ok(words)
        }
        State::Space => Ok(words),
    }
}

/// The first thing in `value` that a shell would treat as syntax, where
/// the SDKs (`sh -c`) and the AWS CLI (no shell) part ways.
pub fn shell_syntax(value: &str) -> Option<String> {
    const OPERATORS: &[&str] = &["&&", "||", "$(", "${", ">>", "<<"];
    if let Some(op) = OPERATORS.iter().find(|op| value.contains(*op)) {
        return Some(op.to_string());
    }
    if let Some(c) = value
        .chars()
        .find(|c| matches!(c, '|' | '&' | ';' | '<' | '>' | '`' | '$' | '*' | '?'))
    {
        return Some(c.to_string());
    }
    value
        .split_whitespace()
        .find(|w| w.starts_with('~') || w.starts_with('#'))
        .map(|w| w[..1].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_as_pythons_shlex_does() {
        // Each expected list is what `shlex.split` returns in Python 3.
        let cases: &[(&str, &[&str])] = &[
            (
                "awsprof credential-process tanaka",
                &["awsprof", "credential-process", "tanaka"],
            ),
            (
                "printf '%s' && touch /tmp/x",
                &["printf", "%s", "&&", "touch", "/tmp/x"],
            ),
            (r#"a "b c" 'd e' f\ g"#, &["a", "b c", "d e", "f g"]),
            (r#""x\"y" "x\$y" 'x\y'"#, &["x\"y", "x\\$y", "x\\y"]),
            ("a '' b", &["a", "", "b"]),
            ("a#b #c", &["a#b", "#c"]),
            ("  lead\ttab  ", &["lead", "tab"]),
            (r#"c"on"'cat'"#, &["concat"]),
        ];
        for (line, want) in cases {
            assert_eq!(split(line).unwrap(), *want, "{line}");
        }
        assert!(split("a 'open").is_err());
        assert!(split("trailing\\").is_err());
    }

    #[test]
    fn shell_syntax_is_found() {
        assert_eq!(shell_syntax("a && b").as_deref(), Some("&&"));
        assert_eq!(shell_syntax("echo $(id)").as_deref(), Some("$("));
        assert_eq!(shell_syntax("a | b").as_deref(), Some("|"));
        assert_eq!(shell_syntax("~/bin/creds").as_deref(), Some("~"));
        assert_eq!(shell_syntax("awsprof credential-process tanaka"), None);
        assert_eq!(shell_syntax("/opt/x --flag=a#b"), None);
    }
}
