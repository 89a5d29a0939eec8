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
    fn awsprof_references_are_found_and_renamed() {
        let r = awsprof_reference("awsprof credential-process tanaka").unwrap();
        assert_eq!(r.profile(), "tanaka");
        assert_eq!(r.naming("t2"), "awsprof credential-process t2");
        let r = awsprof_reference(
            "/usr/local/bin/awsprof --region eu-west-1 profile export --format process 'a b'",
        )
        .unwrap();
        assert_eq!(r.profile(), "a b");
        assert_eq!(
            r.naming("c"),
            "/usr/local/bin/awsprof --region eu-west-1 profile export --format process c"
        );
        assert_eq!(awsprof_reference("awsprof profile export"), None);
        assert_eq!(
            awsprof_reference("aws configure export-credentials --profile x"),
            None
        );
        assert_eq!(awsprof_reference("awsprof credential-process"), None);
        // The binary under another name, in a directory of that name too.
        let renamed = |p: &str| p.ends_with("/awsprof-dev");
        let r = awsprof_reference_by(
            "/opt/awsprof-dev/bin/awsprof-dev credential-process x",
            &renamed,
        );
        assert_eq!(r.unwrap().profile(), "x");
        assert_eq!(quote("it's"), "'it'\"'\"'s'");
    }

    #[test]
    fn vault_lines_name_another_item_with_program_and_store_kept() {
        let line = "'/opt/my tools/awsprof' vault get tanaka --store file";
        assert_eq!(
            vault_line_naming(line, "team/dev").as_deref(),
            Some("'/opt/my tools/awsprof' vault get team/dev --store file")
        );
        assert_eq!(
            vault_line_naming("awsprof vault get a", "b c").as_deref(),
            Some("awsprof vault get 'b c'")
        );
        assert_eq!(vault_line_naming("awsprof credential-process a", "b"), None);
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

/// awsprof's flags that take a value, which may stand between the
/// program and its subcommand or its profile.
pub const AWSPROF_VALUE_FLAGS: &[&str] = &[
    "--region",
    "--endpoint-url",
    "--mfa-code",
    "--config-file",
    "--credentials-file",
    "--backup-dir",
    "--output",
    "--format",
];

/// A `credential_process` that runs awsprof to hand out another profile's
/// credentials (`awsprof credential-process NAME`, `awsprof profile export
/// NAME`, any path to the binary): the command split into words, and the
/// index of the word that names the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsprofReference {
    pub words: Vec<String>,
    pub at: usize,
}

impl AwsprofReference {
    pub fn profile(&self) -> &str {
        &self.words[self.at]
    }

    /// The command line naming `new` instead, each word quoted only where
    /// a shell or botocore's split needs it (so an unquoted line stays
    /// as it was but for the name).
    pub fn naming(&self, new: &str) -> String {
        self.words
            .iter()
            .enumerate()
            .map(|(i, w)| quote(if i == self.at { new } else { w }))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Python's `shlex.quote`.
pub fn quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\"'\"'"))
    }
}

/// The binary beside `awsprof` that holds every command (`awsprof`
/// itself answers only the hot ones: see `crate::front`).
pub const FULL_PROGRAM: &str = "awsprof-full";

/// Whether a command line's program is awsprof by its own name (any
/// directory), either of its two binaries.
pub fn is_awsprof(program: &str) -> bool {
    std::path::Path::new(program)
        .file_name()
        .is_some_and(|n| n == "awsprof" || n == FULL_PROGRAM)
}

/// What `credential_process = awsprof vault get ITEM [--store os|file]`
/// names: the vault item and the store, when the line is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultReference {
    pub item: String,
    pub store: Option<String>,
}

/// The line awsprof writes for a profile whose keys are in the vault.
pub fn vault_line(program: &str, item: &str, store: &str) -> String {
    format!(
        "{} vault get {} --store {store}",
        quote(program),
        quote(item)
    )
}

/// The vault item a `credential_process` line hands out, if it is
/// awsprof's `vault get`.
pub fn vault_reference(command: &str) -> Option<VaultReference> {
    let words = split(command).ok()?;
    if !is_awsprof(words.first()?) {
        return None;
    }
    match &words[1..] {
        [vault, get, item] if vault == "vault" && get == "get" => Some(VaultReference {
            item: item.clone(),
            store: None,
        }),
        [vault, get, item, flag, store]
            if vault == "vault" && get == "get" && flag == "--store" =>
        {
            Some(VaultReference {
                item: item.clone(),
                store: Some(store.clone()),
            })
        }
        _ => None,
    }
}

/// A vault line handing out `item` instead, each word quoted only where
/// needed (so the program and store stay as written).
pub fn vault_line_naming(command: &str, item: &str) -> Option<String> {
    vault_reference(command)?;
    let words = split(command).ok()?;
    let line = words
        .iter()
        .enumerate()
        .map(|(i, w)| quote(if i == 3 { item } else { w }))
        .collect::<Vec<_>>();
    Some(line.join(" "))
}

/// The profile an awsprof `credential_process` names, if it is one.
pub fn awsprof_reference(command: &str) -> Option<AwsprofReference> {
    awsprof_reference_by(command, &is_awsprof)
}

/// [`awsprof_reference`], with `is_awsprof` deciding whether the program
/// (the first word, as written) is awsprof: the running binary may go by
/// another name.
pub fn awsprof_reference_by(
    command: &str,
    is_awsprof: &dyn Fn(&str) -> bool,
) -> Option<AwsprofReference> {
    let words = split(command).ok()?;
    if !is_awsprof(words.first()?) {
        return None;
    }
    // The words after the program, flags and their values skipped.
    let mut positional = Vec::new();
    let mut i = 1;
    while i < words.len() {
        let w = words[i].as_str();
        if AWSPROF_VALUE_FLAGS.contains(&w) {
            i += 2;
            continue;
        }
        if !w.starts_with('-') {
            positional.push(i);
        }
        i += 1;
    }
    let word = |k: usize| positional.get(k).map(|&i| words[i].as_str());
    let at = match (word(0), word(1)) {
        (Some("credential-process"), Some(_)) => positional[1],
        (Some("profile"), Some("export")) => *positional.get(2)?,
        _ => return None,
    };
    Some(AwsprofReference { words, at })
}
