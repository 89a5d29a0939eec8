//! Names for shell completion: profiles, sso-sessions, services and
//! backup ids, read straight from the section headers of today's files.
//!
//! A completion runs on every Tab, so this reads only the header lines
//! (no parse of the properties, no merge, no lock) and never fails: an
//! unreadable file just offers nothing.

use crate::profiles::{is_identifier, FileKind, Locations, SectionName};
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

/// The variable that makes awsprof print completions instead of running.
pub const VAR: &str = "AWSPROF_COMPLETE";

/// Prints the script that makes `shell` ask awsprof for completions.
pub fn print_script(shell: clap_complete::Shell) -> crate::error::Result<()> {
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    use clap_complete::Shell;
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Elvish => &Elvish,
        Shell::PowerShell => &Powershell,
        other => {
            return Err(crate::error::Error::Usage(format!(
                "no completion script for {other}"
            )))
        }
    };
    let program = completer_program();
    let mut script = Vec::new();
    completer
        .write_registration(VAR, "awsprof", "awsprof", &program, &mut script)
        .map_err(|e| crate::error::Error::Usage(format!("cannot write the script: {e}")))?;
    crate::terminal::write_stdout(&String::from_utf8_lossy(&script));
    Ok(())
}

/// How the script calls awsprof: by name when it was run from `PATH`,
/// else by the full path it was run as.
fn completer_program() -> String {
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let path = std::path::Path::new(&argv0);
    if path.components().count() > 1 {
        if let Ok(full) = std::fs::canonicalize(path) {
            return full.to_string_lossy().into_owned();
        }
    }
    "awsprof".to_string()
}

/// What an argument names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    Profiles,
    SsoSessions,
    Services,
    Backups,
}

impl Names {
    /// The completer for an argument: the names that start with what is
    /// typed so far.
    pub fn completer(self) -> ArgValueCompleter {
        ArgValueCompleter::new(move |typed: &std::ffi::OsStr| {
            self.starting_with(&typed.to_string_lossy())
                .into_iter()
                .map(CompletionCandidate::new)
                .collect::<Vec<_>>()
        })
    }

    /// The names that start with `typed`, sorted and without repeats.
    pub fn starting_with(self, typed: &str) -> Vec<String> {
        let mut names = match self {
            Names::Backups => {
                // A backup directory awsprof would refuse offers nothing.
                let mut ids = crate::store::BackupStore::locate(None)
                    .complete_ids()
                    .unwrap_or_default();
                ids.retain(|id| id.starts_with(typed));
                ids
            }
            _ => {
                // The completer cannot see `--config-file` on the line
                // being completed: the environment's files.
                let locations = Locations::from_environment();
                let mut names = Vec::new();
                for kind in [FileKind::Config, FileKind::Credentials] {
                    if let Ok(text) = std::fs::read_to_string(locations.path(kind)) {
                        section_names(&text, kind, self, typed, &mut names);
                    }
                }
                names
            }
        };
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// Adds to `out` the names of `text`'s sections of the kind `what` asks
/// that start with `typed`. Only `[` at the start of a line (after blanks)
/// opens a header, as in the parser; memchr finds the candidates, so the
/// cost is a scan of the bytes, not a walk of every line.
pub fn section_names(text: &str, kind: FileKind, what: Names, typed: &str, out: &mut Vec<String>) {
    let bytes = text.as_bytes();
    for open in memchr::memchr_iter(b'[', bytes) {
        let line_start = bytes[..open]
            .iter()
            .rposition(|&b| b != b' ' && b != b'\t')
            .map_or(0, |at| at + 1);
        if line_start > 0 && bytes[line_start - 1] != b'\n' {
            continue;
        }
        let line_end = memchr::memchr(b'\n', &bytes[open..]).map_or(bytes.len(), |n| open + n);
        let Some(close) = memchr::memchr(b']', &bytes[open..line_end]) else {
            continue;
        };
        let header = SectionName::parse(&text[open + 1..open + close]);
        let name = match what {
            Names::Profiles => header.profile_name(kind),
            Names::SsoSessions if kind == FileKind::Config => {
                (header.prefix == Some("sso-session")).then_some(header.name)
            }
            Names::Services if kind == FileKind::Config => {
                (header.prefix == Some("services")).then_some(header.name)
            }
            _ => None,
        };
        // Only names the SDKs read: nothing else (no control character
        // from a hand-edited file) reaches the shell's command line.
        let readable = |n: &&str| !n.is_empty() && is_identifier(n) && n.starts_with(typed);
        if let Some(name) = name.filter(readable) {
            out.push(name.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_headers_as_the_sdks_read_them() {
        let config = "[default]\n[profile tanaka]\n  [profile  toy ]\n[tanak]\n[profile bad name]\n[sso-session corp]\n[sso-session \u{1b}]0;owned\u{7}]\n[services local]\nkey = [profile not-a-header]\n";
        let mut profiles = Vec::new();
        section_names(config, FileKind::Config, Names::Profiles, "", &mut profiles);
        assert_eq!(profiles, ["default", "tanaka", "toy"]);
        let mut typed = Vec::new();
        section_names(config, FileKind::Config, Names::Profiles, "ta", &mut typed);
        assert_eq!(typed, ["tanaka"]);
        let mut sessions = Vec::new();
        section_names(
            config,
            FileKind::Config,
            Names::SsoSessions,
            "",
            &mut sessions,
        );
        assert_eq!(sessions, ["corp"]);
        let mut services = Vec::new();
        section_names(config, FileKind::Config, Names::Services, "", &mut services);
        assert_eq!(services, ["local"]);
        let mut creds = Vec::new();
        section_names(
            "[tanaka]\n[profile x]\n[sso-session y]\n",
            FileKind::Credentials,
            Names::Profiles,
            "",
            &mut creds,
        );
        assert_eq!(creds, ["tanaka"]);
    }
}
