//! `awsprof lint`: findings, and the safe mechanical fixes.

use super::{print_json, Context};
use crate::cli::LintArgs;
use crate::document::Document;
use crate::error::{exit, Error, Result};
use crate::lint::{lint, lint_and_profiles, reach, Finding, Fix, Input, Severity};
use crate::profiles::command_line::VaultReference;
use crate::profiles::{FileKind, Locations, ProfileSet, Property, SourceFile};
use crate::store::NEW_FILE_MODE;
use std::os::unix::fs::PermissionsExt;

fn mode_of(path: &std::path::Path) -> Option<u32> {
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

/// Both files as read, each on a thread of its own when they are large
/// (as every reader does, see `profiles::for_both`).
fn read_files(locations: &Locations) -> Result<(SourceFile, SourceFile)> {
    let (config, credentials) = crate::profiles::for_both(locations.combined_size(), |kind| {
        SourceFile::load(kind, locations.path(kind))
    });
    Ok((config?, credentials?))
}

/// The findings of both files, `--profile`'s filter applied. The vault's
/// findings come from `vault_items`, given the profiles: `None` from it
/// (nothing further done) when it cannot answer here.
fn findings(
    ctx: &Context,
    profile: Option<&str>,
    vault_items: impl FnOnce(&ProfileSet) -> Option<Vec<Finding>>,
) -> Result<Option<Vec<Finding>>> {
    let (config, credentials) = read_files(&ctx.locations)?;
    let input = Input {
        config: &config,
        credentials: &credentials,
        credentials_mode: credentials
            .exists
            .then(|| mode_of(&credentials.path))
            .flatten(),
    };
    let (mut found, profiles) = lint_and_profiles(&input);
    // A file that does not parse: its parse error is the finding.
    let Some(set) = profiles else {
        return Ok(Some(found));
    };
    let Some(missing) = vault_items(&set) else {
        super::leave_to_exit((config, credentials, set, found));
        return Ok(None);
    };
    found.extend(missing);
    found.extend(expired_sso_tokens(&set));
    if let Some(name) = profile {
        if !set.profiles.contains_key(name) {
            let files = ctx.load()?;
            return Err(Error::unknown_profile(&files, name));
        }
        let reached = reach(&set, name);
        found.retain(|f| f.profile.as_deref().is_none_or(|p| reached.contains(p)));
    }
    super::leave_to_exit((config, credentials, set));
    Ok(Some(found))
}

/// Each profile whose `credential_process` hands out a vault item: its
/// name, that line, and the item and store it names.
fn vault_lines(set: &ProfileSet) -> impl Iterator<Item = (&str, &Property, VaultReference)> + '_ {
    set.profiles.iter().filter_map(|(name, profile)| {
        let line = profile.property(crate::profiles::keys::CREDENTIAL_PROCESS)?;
        let vault = crate::profiles::command_line::vault_reference(&line.value)?;
        Some((name, line, vault))
    })
}

/// Profiles whose vault line names an item its store does not hold (a
/// store that cannot be asked is not judged here: using the profile says
/// why).
fn missing_vault_items(set: &ProfileSet) -> Vec<Finding> {
    let mut found = Vec::new();
    for (name, line, vault) in vault_lines(set) {
        let Ok(store) = crate::vault::open_named(vault.store.as_deref()) else {
            continue;
        };
        if let Ok(false) = store.contains(&vault.item) {
            let store = store.kind().name();
            found.push(crate::lint::vault_item_missing(
                name,
                line.origin,
                &vault.item,
                store,
            ));
        }
    }
    found
}

/// Each sso-session (or legacy start URL) whose cached token has ended
/// and cannot be refreshed, once, at its section (or first profile).
fn expired_sso_tokens(set: &ProfileSet) -> Vec<Finding> {
    use crate::profiles::keys;
    let Some(dir) = crate::aws::sso_cache::cache_dir() else {
        return Vec::new();
    };
    let now = std::time::SystemTime::now();
    let mut seen = std::collections::BTreeSet::new();
    let mut found = Vec::new();
    for (_, profile) in set.profiles.iter() {
        // Each session's token is read once; the finding's texts are
        // written only for one that has ended.
        let session = profile.get(keys::SSO_SESSION);
        let url = profile.property(keys::SSO_START_URL);
        let key = match (session, url) {
            (Some(session), _) => session,
            (None, Some(url)) => url.value.as_str(),
            (None, None) => continue,
        };
        if !seen.insert(key) {
            continue;
        }
        let Some(state) = crate::aws::sso_cache::read(&dir, key, now) else {
            continue;
        };
        if !state.needs_sign_in(now) {
            continue;
        }
        let (origin, what, login) = match (session, url) {
            (Some(session), _) => {
                let Some(origin) = set
                    .sso_session(session)
                    .and_then(|s| s.headers.last().copied())
                else {
                    continue;
                };
                (
                    origin,
                    format!("sso-session {session}"),
                    format!("aws sso login --sso-session {session}"),
                )
            }
            (None, Some(url)) => (
                url.origin,
                format!("{} (profile {})", url.value, profile.name),
                format!("aws sso login --profile {}", profile.name),
            ),
            (None, None) => continue,
        };
        let expired = crate::isotime::format_for_display(state.expires_at);
        found.push(crate::lint::sso_token_expired(
            origin, &what, &login, &expired,
        ));
    }
    found
}

fn apply_document_fix(doc: &mut Document, fix: &Fix) -> bool {
    match fix {
        Fix::Header { line_index, inner } => doc.set_header(*line_index, inner),
        Fix::RemoveBom => {
            doc.set_bom(false);
            true
        }
        Fix::PrivateMode => false,
    }
}

fn fix(ctx: &Context) -> Result<Vec<String>> {
    let mut applied = Vec::new();
    let store = ctx.store();
    let (done, written, files) = store.update(&ctx.locations, None, |files| {
        let found = lint(&Input {
            config: &files.config,
            credentials: &files.credentials,
            credentials_mode: None,
        });
        let mut done = Vec::new();
        for f in found {
            if let Some((kind, fix)) = &f.fix {
                let doc = match kind {
                    FileKind::Config => files.config.document_mut(),
                    FileKind::Credentials => files.credentials.document_mut(),
                };
                if apply_document_fix(doc, fix) {
                    done.push(format!(
                        "{}:{}: fixed {}",
                        files.path(*kind).display(),
                        f.line,
                        f.code
                    ));
                }
            }
        }
        Ok::<_, Error>(done)
    })?;
    super::leave_to_exit(files);
    applied.extend(done);
    if let Some(b) = written.backup {
        applied.push(format!("backup {} taken first", b.id));
    }
    let path = &ctx.locations.credentials;
    if mode_of(path).is_some_and(|m| m & 0o044 != 0) {
        if let Some(manifest) = store.set_mode(&ctx.locations, path, NEW_FILE_MODE)? {
            applied.push(format!(
                "{}: mode set to 600 (backup {} taken first)",
                path.display(),
                manifest.id
            ));
        }
    }
    Ok(applied)
}

pub fn run(ctx: &Context, args: LintArgs) -> Result<i32> {
    let applied = if args.fix { fix(ctx)? } else { Vec::new() };
    let found = findings(ctx, args.profile.as_deref(), |set| {
        Some(missing_vault_items(set))
    })?
    .unwrap_or_default();
    report(ctx, &args, &applied, found)
}

/// [`run`] in the front, which has no vault to ask: `None`, with nothing
/// printed or changed, for `--fix` (its writes come first) and for files
/// where a profile's `credential_process` names a vault item.
pub fn run_at_hand(ctx: &Context, args: &LintArgs) -> Option<Result<i32>> {
    if args.fix {
        return None;
    }
    let found = findings(ctx, args.profile.as_deref(), |set| {
        // Only the vault's store can say whether it holds an item.
        vault_lines(set).next().is_none().then(Vec::new)
    });
    match found {
        Ok(Some(found)) => Some(report(ctx, args, &[], found)),
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    }
}

/// Prints the findings (after the fixes `applied`, if any) as text or
/// JSON; the exit code says whether the run failed.
fn report(ctx: &Context, args: &LintArgs, applied: &[String], found: Vec<Finding>) -> Result<i32> {
    let counts = |s: Severity| found.iter().filter(|f| f.severity == s).count();
    let (errors, warnings) = (counts(Severity::Error), counts(Severity::Warning));
    // Each file's path displayed once; every finding names one of them.
    let config_path = ctx.locations.config.display().to_string();
    let credentials_path = ctx.locations.credentials.display().to_string();
    let path = |kind: FileKind| match kind {
        FileKind::Config => config_path.as_str(),
        FileKind::Credentials => credentials_path.as_str(),
    };
    if ctx.json() {
        let findings = found
            .iter()
            .map(|finding| JsonFinding {
                finding,
                file: path(finding.file),
            })
            .collect();
        print_json(&JsonReport {
            findings,
            errors,
            warnings,
            fixed: applied,
        });
    } else {
        use std::fmt::Write as _;
        // Written in pieces of about this size, each ending at a finding's
        // end: 10,000 findings are 2 MB of text, which need not all be in
        // memory at once (fresh pages are a good part of lint's time).
        const PIECE: usize = 64 * 1024;
        let mut out = String::with_capacity(PIECE + 1024);
        let flush_full = |out: &mut String| {
            if out.len() >= PIECE {
                crate::terminal::write_stdout(out);
                out.clear();
            }
        };
        for line in applied {
            let _ = writeln!(out, "{line}");
            flush_full(&mut out);
        }
        let mut line_number = itoa::Buffer::new();
        for f in &found {
            let severity = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            // `PATH:LINE: SEVERITY[CODE]: MESSAGE` and `  hint: HINT`,
            // piece by piece (the formatter cost more than the text).
            out.push_str(path(f.file));
            if f.line != 0 {
                out.push(':');
                out.push_str(line_number.format(f.line));
            }
            for piece in [": ", severity, "[", f.code, "]: "] {
                out.push_str(piece);
            }
            f.push_message(&mut out);
            out.push_str("\n  hint: ");
            f.push_hint(&mut out);
            out.push('\n');
            flush_full(&mut out);
        }
        let neither = !ctx.locations.config.exists() && !ctx.locations.credentials.exists();
        if neither {
            let _ = writeln!(
                out,
                "No files to check: neither {config_path} nor {credentials_path} exists. Create a profile with `awsprof profile configure NAME`."
            );
        }
        let _ = writeln!(
            out,
            "{}, {}",
            crate::commands::count(errors, "error", "errors"),
            crate::commands::count(warnings, "warning", "warnings")
        );
        crate::terminal::write_stdout(&out);
    }
    super::leave_to_exit(found);
    let failing = errors > 0 || (args.strict && warnings > 0);
    Ok(if failing { exit::FAILED } else { exit::OK })
}

/// The JSON report, serialized straight from the findings: built as
/// `serde_json::Value`s first, 10,000 findings took twice as long.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    findings: Vec<JsonFinding<'a>>,
    errors: usize,
    warnings: usize,
    fixed: &'a [String],
}

/// One finding in the JSON report; its texts are written as they are
/// displayed, without a string of their own.
struct JsonFinding<'a> {
    finding: &'a Finding,
    file: &'a str,
}

impl serde::Serialize for JsonFinding<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let f = self.finding;
        let mut fields = serializer.serialize_struct("Finding", 7)?;
        fields.serialize_field("code", f.code)?;
        fields.serialize_field("severity", &f.severity)?;
        fields.serialize_field("file", self.file)?;
        fields.serialize_field("line", &f.line)?;
        fields.serialize_field("message", &Displayed(f.message()))?;
        fields.serialize_field("hint", &Displayed(f.hint()))?;
        fields.serialize_field("fixable", &f.fix.is_some())?;
        fields.end()
    }
}

/// A JSON string of what a value displays.
struct Displayed<D>(D);

impl<D: std::fmt::Display> serde::Serialize for Displayed<D> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}
