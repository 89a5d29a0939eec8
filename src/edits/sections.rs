//! Profiles and sso-sessions as whole objects: rename, copy, delete, with
//! every reference (`source_profile`, `sso_session`) kept right.

use super::{check_profile_name, require_profile, Action, Change, EditResult};
use crate::chain::{reaching, resolve, resolve_without_hints};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::profiles::command_line::{awsprof_reference, AwsprofReference};
use crate::profiles::keys::{self, is_secret_key};
use crate::profiles::{
    new_header, prefixed_headers, profile_headers, FileKind, ProfileFiles, SectionName,
};

const KINDS: [FileKind; 2] = [FileKind::Config, FileKind::Credentials];

fn section_change(file: FileKind, header: String, value: Option<String>, action: Action) -> Change {
    Change {
        file,
        key: header,
        value,
        action,
    }
}

/// The header text for `new` in place of `inner` (which names `old`):
/// only the name changes, the rest of the header's spelling stays.
fn renamed_inner(inner: &str, kind: FileKind, old: &str, new: &str) -> String {
    let parsed = SectionName::parse(inner);
    if kind == FileKind::Config && (new == "default" || parsed.prefix.is_none()) {
        return new_header(kind, new);
    }
    let trimmed = inner.trim_end();
    match trimmed.strip_suffix(old) {
        Some(head) => format!("{head}{new}{}", &inner[trimmed.len()..]),
        None => new_header(kind, new),
    }
}

fn header_inner(doc: &Document, idx: usize) -> String {
    doc.line(idx).header_name().unwrap_or_default().to_string()
}

/// Removes the sections at `headers` (last first, so the others' indices
/// hold) with the comments above them.
fn remove_sections(files: &mut ProfileFiles, kind: FileKind, headers: Vec<usize>) -> Vec<Change> {
    let mut changes = Vec::new();
    for idx in headers.into_iter().rev() {
        let inner = header_inner(files.file(kind).document(), idx);
        files.document_mut(kind).remove_section_whole(idx);
        changes.push(section_change(
            kind,
            format!("[{inner}]"),
            None,
            Action::Removed,
        ));
    }
    changes
}

/// Points every `key = from` of every profile at `to`.
fn repoint(files: &mut ProfileFiles, key: &str, from: &str, to: &str) -> Vec<Change> {
    let users: Vec<String> = files
        .set
        .profiles
        .iter()
        .filter(|(_, p)| p.get(key) == Some(from))
        .map(|(name, _)| name.to_string())
        .collect();
    super::set_everywhere_for_each(files, &users, key, to, FileKind::Config)
}

/// Profiles whose `credential_process` runs awsprof for `name`, with the
/// reference.
fn process_users(files: &ProfileFiles, name: &str) -> Vec<(String, AwsprofReference)> {
    files
        .set
        .profiles
        .iter()
        .filter_map(|(p, s)| {
            let r = awsprof_reference(s.get(keys::CREDENTIAL_PROCESS)?)?;
            (r.profile() == name).then(|| (p.to_string(), r))
        })
        .collect()
}

/// Points every awsprof `credential_process` that names `old` at `new`.
fn repoint_processes(files: &mut ProfileFiles, old: &str, new: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    for (user, reference) in process_users(files, old) {
        changes.extend(super::set_everywhere(
            files,
            &user,
            keys::CREDENTIAL_PROCESS,
            &reference.naming(new),
            FileKind::Config,
        ));
    }
    changes
}

/// Profiles that name `name` (itself excluded): as `source_profile`, or
/// in a `credential_process` that runs awsprof for it. Sorted.
pub fn dependents(files: &ProfileFiles, name: &str) -> Vec<String> {
    let mut out: Vec<String> = files
        .set
        .profiles
        .iter()
        .filter(|(p, s)| *p != name && s.get(keys::SOURCE_PROFILE) == Some(name))
        .map(|(p, _)| p.to_string())
        .chain(process_users(files, name).into_iter().map(|(p, _)| p))
        .filter(|p| p != name)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every profile (itself excluded) whose chain stands on `name`: it is a
/// hop or the base of that chain, or an awsprof `credential_process`
/// names it. Sorted. What a deletion of `name` breaks.
pub fn standing_on(files: &ProfileFiles, name: &str) -> Vec<String> {
    let mut out: Vec<String> = reaching(&files.set, &[name])
        .into_iter()
        .filter(|p| &p[..] != name)
        .filter(|p| {
            resolve_without_hints(&files.set, p).is_ok_and(|chain| {
                chain.base.profile == name || chain.hops.iter().any(|h| h.profile == name)
            })
        })
        .map(String::from)
        .chain(dependents(files, name))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `names` as a list a message can hold: the first ten, then how many more.
pub fn name_list(names: &[String]) -> String {
    if names.len() <= 10 {
        return names.join(", ");
    }
    format!("{} and {} more", names[..10].join(", "), names.len() - 10)
}

fn exists_anywhere(files: &ProfileFiles, name: &str) -> bool {
    files.set.profile(name).is_some()
}

pub fn rename(files: &mut ProfileFiles, old: &str, new: &str) -> Result<EditResult> {
    check_profile_name(new)?;
    require_profile(files, old)?;
    if exists_anywhere(files, new) {
        return Err(Error::Usage(format!(
            "profile `{new}` exists already; pick another name or delete it first"
        )));
    }
    let changed = changed_by_rename(files, old, new);
    let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
    let resolved_before = resolving(files, reaching(&files.set, &changed));
    let mut changes = repoint(files, keys::SOURCE_PROFILE, old, new);
    changes.extend(repoint_processes(files, old, new));
    for kind in KINDS {
        let headers = profile_headers(files.file(kind).document(), kind, old);
        for idx in headers {
            let inner = header_inner(files.file(kind).document(), idx);
            let renamed = renamed_inner(&inner, kind, old, new);
            files.document_mut(kind).set_header(idx, &renamed);
            changes.push(section_change(
                kind,
                format!("[{inner}]"),
                Some(format!("[{renamed}]")),
                Action::Renamed,
            ));
        }
    }
    files.reread_profiles(&changed)?;
    let renamed = |p: &String| if p == old { new.to_string() } else { p.clone() };
    if still_resolving(files, resolved_before.iter().map(renamed)).is_err() {
        // An error names lines: read everything again, so that they are
        // the lines as they are after the edit.
        files.reparse()?;
        still_resolving(files, resolved_before.iter().map(renamed))?;
    }
    let mut warnings = Vec::new();
    if old == "default" {
        warnings
            .push("renamed `default`: tools that use the default profile will not find it".into());
    }
    if std::env::var("AWS_PROFILE").is_ok_and(|p| p == old) {
        warnings.push(format!("AWS_PROFILE names `{old}`; set it to `{new}`"));
    }
    Ok(EditResult::changed(changes, warnings))
}

/// The profiles a rename of `old` to `new` edits: those two and the
/// profiles that name `old`. Only chains that lead to them can stop
/// resolving.
fn changed_by_rename(files: &ProfileFiles, old: &str, new: &str) -> Vec<String> {
    let mut changed = dependents(files, old);
    changed.extend([old.to_string(), new.to_string()]);
    changed
}

/// Names of the profiles among `names` that resolve to credentials now.
fn resolving<'a>(files: &ProfileFiles, names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    names
        .into_iter()
        .filter(|name| resolve_without_hints(&files.set, name).is_ok())
        .map(String::from)
        .collect()
}

fn still_resolving(files: &ProfileFiles, names: impl Iterator<Item = String>) -> Result<()> {
    for name in names {
        if let Err(e) = resolve(&files.set, &name) {
            return Err(Error::Config(format!(
                "after the edit, profile `{name}` would no longer resolve: {}; nothing was written",
                Error::chain(files, e)
            )));
        }
    }
    Ok(())
}

/// Whether a line of a profile is left out of a copy `--without-keys`.
fn is_key_material(key: &str) -> bool {
    [
        keys::AWS_ACCESS_KEY_ID,
        keys::AWS_SECRET_ACCESS_KEY,
        keys::AWS_SESSION_TOKEN,
        keys::AWS_SECURITY_TOKEN,
    ]
    .iter()
    .any(|k| k.eq_ignore_ascii_case(key))
        || is_secret_key(key)
}

/// The property lines of `src`'s sections in `doc`, as written, for a
/// copy named `dst`: a self-reference points at the copy, and with
/// `without_keys` key material is left out.
fn copied_lines(
    doc: &Document,
    kind: FileKind,
    src: &str,
    dst: &str,
    without_keys: bool,
) -> Vec<String> {
    let mut body = Vec::new();
    for header in profile_headers(doc, kind, src) {
        let end = doc.section_end(header);
        let mut idx = header + 1;
        while idx < end {
            let line = doc.line(idx);
            let Some(key) = line.key() else {
                idx += 1;
                continue;
            };
            let through = doc.property_end(idx);
            let vault_line = key.eq_ignore_ascii_case(keys::CREDENTIAL_PROCESS)
                && line
                    .value()
                    .and_then(crate::profiles::command_line::vault_reference)
                    .is_some();
            if without_keys && (is_key_material(key) || vault_line) {
                idx = through;
                continue;
            }
            // A self-reference makes the copy stand on its own keys; a
            // copy without keys keeps standing on the source's.
            let self_reference =
                key.eq_ignore_ascii_case(keys::SOURCE_PROFILE) && line.value() == Some(src);
            if self_reference && !without_keys {
                let text = line.text();
                let at = text.rfind(src).expect("the value is in the line");
                body.push(format!("{}{dst}{}", &text[..at], &text[at + src.len()..]));
            } else {
                body.extend((idx..through).map(|i| doc.line(i).text().to_string()));
            }
            idx = through;
        }
    }
    body
}

pub fn copy(
    files: &mut ProfileFiles,
    src: &str,
    dst: &str,
    without_keys: bool,
) -> Result<EditResult> {
    check_profile_name(dst)?;
    require_profile(files, src)?;
    if exists_anywhere(files, dst) {
        return Err(Error::Usage(format!(
            "profile `{dst}` exists already; pick another name or delete it first"
        )));
    }
    let src_resolved = resolve(&files.set, src).is_ok();
    let bodies: Vec<(FileKind, Vec<String>)> = KINDS
        .into_iter()
        .filter(|&kind| files.set.profile(src).is_some_and(|p| p.defined_in(kind)))
        .map(|kind| {
            (
                kind,
                copied_lines(files.file(kind).document(), kind, src, dst, without_keys),
            )
        })
        .collect();
    let any_body = bodies.iter().any(|(_, b)| !b.is_empty());
    let mut headers = Vec::new();
    for (kind, body) in bodies {
        if body.is_empty() && any_body {
            continue;
        }
        let header = new_header(kind, dst);
        files.document_mut(kind).append_section_lines(&header, body);
        headers.push(section_change(
            kind,
            format!("[{header}]"),
            None,
            Action::Added,
        ));
    }
    files.reparse()?;
    // Every property copied, as the copy reads (secrets masked when shown).
    let mut changes: Vec<Change> = files
        .set
        .profile(dst)
        .map(|p| {
            p.properties
                .iter()
                .map(|(key, prop)| Change {
                    file: prop.origin.file,
                    key: key.to_string(),
                    value: Some(prop.value.to_string()),
                    action: Action::Added,
                })
                .collect()
        })
        .unwrap_or_default();
    if changes.is_empty() {
        changes = headers;
    }
    let mut warnings = Vec::new();
    if src_resolved && !without_keys {
        still_resolving(files, std::iter::once(dst.to_string()))?;
    } else if let Err(e) = resolve(&files.set, dst) {
        // Asked for without its keys: the copy waits for keys of its own.
        warnings.push(format!(
            "profile `{dst}` does not resolve to credentials yet: {e}"
        ));
    }
    Ok(EditResult::changed(changes, warnings))
}

pub fn delete(files: &mut ProfileFiles, name: &str, force: bool) -> Result<EditResult> {
    require_profile(files, name)?;
    let users = standing_on(files, name);
    if !users.is_empty() && !force {
        return Err(Error::Usage(format!(
            "profiles {} stand on `{name}` (as source_profile, a hop of their chain, or in an awsprof credential_process); change them first, or pass --force",
            name_list(&users)
        )));
    }
    let mut changes = Vec::new();
    for kind in KINDS {
        let headers = profile_headers(files.file(kind).document(), kind, name);
        changes.extend(remove_sections(files, kind, headers));
    }
    // Only the profile's sections went (line numbers after them are not
    // brought up to date; nothing reports them after a delete).
    files.reread_profile(name)?;
    let warnings = if users.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "these profiles stood on `{name}` and no longer resolve: {}",
            name_list(&users)
        )]
    };
    Ok(EditResult::changed(changes, warnings))
}

pub fn rename_sso_session(files: &mut ProfileFiles, old: &str, new: &str) -> Result<EditResult> {
    check_profile_name(new)?;
    if files.set.sso_session(old).is_none() {
        return Err(Error::Usage(format!(
            "no [sso-session {old}] in {}{}",
            files.config.path.display(),
            crate::suggest::did_you_mean(old, files.set.sso_sessions.keys())
        )));
    }
    if files.set.sso_session(new).is_some() {
        return Err(Error::Usage(format!("[sso-session {new}] exists already")));
    }
    let mut changes = repoint(files, keys::SSO_SESSION, old, new);
    for idx in prefixed_headers(files.config.document(), "sso-session", old) {
        let inner = header_inner(files.config.document(), idx);
        let renamed = renamed_inner(&inner, FileKind::Credentials, old, new);
        files
            .document_mut(FileKind::Config)
            .set_header(idx, &renamed);
        changes.push(section_change(
            FileKind::Config,
            format!("[{inner}]"),
            Some(format!("[{renamed}]")),
            Action::Renamed,
        ));
    }
    files.reparse()?;
    Ok(EditResult::changed(changes, Vec::new()))
}

pub fn delete_sso_session(files: &mut ProfileFiles, name: &str, force: bool) -> Result<EditResult> {
    if files.set.sso_session(name).is_none() {
        return Err(Error::Usage(format!(
            "no [sso-session {name}] in {}{}",
            files.config.path.display(),
            crate::suggest::did_you_mean(name, files.set.sso_sessions.keys())
        )));
    }
    let users: Vec<String> = files
        .set
        .profiles
        .iter()
        .filter(|(_, p)| p.get(keys::SSO_SESSION) == Some(name))
        .map(|(p, _)| p.to_string())
        .collect();
    if !users.is_empty() && !force {
        return Err(Error::Usage(format!(
            "profiles {} use sso_session = {name}; change them first, or pass --force",
            users.join(", ")
        )));
    }
    let headers = prefixed_headers(files.config.document(), "sso-session", name);
    let changes = remove_sections(files, FileKind::Config, headers);
    files.reparse()?;
    let warnings = users
        .iter()
        .map(|u| format!("profile `{u}` used sso_session = {name} and no longer resolves"))
        .collect();
    Ok(EditResult::changed(changes, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::tests::{load, text, KEYS};

    const ROLE: &str = "role_arn = arn:aws:iam::123456789012:role/r";

    #[test]
    fn a_header_keeps_its_spelling_and_only_the_name_changes() {
        use FileKind::{Config, Credentials};
        assert_eq!(
            renamed_inner("profile  old ", Config, "old", "new"),
            "profile  new "
        );
        assert_eq!(renamed_inner("old", Credentials, "old", "new"), "new");
        // default has no prefix in the config file, and a name without
        // one gets it there.
        assert_eq!(
            renamed_inner("profile old", Config, "old", "default"),
            "default"
        );
        assert_eq!(
            renamed_inner("default", Config, "default", "new"),
            "profile new"
        );
        assert_eq!(
            renamed_inner("default", Credentials, "default", "new"),
            "new"
        );
        // A spelling that does not end in the old name is written anew.
        assert_eq!(
            renamed_inner("profile \"old\"", Config, "old", "new"),
            "profile new"
        );
    }

    #[test]
    fn a_rename_repoints_every_reference_and_keeps_the_rest() {
        let config = format!(
            "# team\n[profile  tanaka]\nregion = eu-west-1\n\n[profile toy]\n{ROLE}\nsource_profile = tanaka\n\n[profile proc]\ncredential_process = awsprof credential-process tanaka\n\n[profile other]\nsource_profile = tanakax\n"
        );
        let mut files = load(&config, KEYS);
        let result = rename(&mut files, "tanaka", "suzuki").unwrap();
        assert_eq!(
            text(&files, FileKind::Config),
            format!(
                "# team\n[profile  suzuki]\nregion = eu-west-1\n\n[profile toy]\n{ROLE}\nsource_profile = suzuki\n\n[profile proc]\ncredential_process = awsprof credential-process suzuki\n\n[profile other]\nsource_profile = tanakax\n"
            )
        );
        assert_eq!(
            text(&files, FileKind::Credentials),
            KEYS.replace("[tanaka]", "[suzuki]")
        );
        let shown: Vec<(FileKind, &str, Option<&str>, &str)> = result
            .changes
            .iter()
            .map(|c| {
                (
                    c.file,
                    c.key.as_str(),
                    c.value.as_deref(),
                    c.action.as_str(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    FileKind::Config,
                    "source_profile",
                    Some("suzuki"),
                    "replaced"
                ),
                (
                    FileKind::Config,
                    "credential_process",
                    Some("awsprof credential-process suzuki"),
                    "replaced"
                ),
                (
                    FileKind::Config,
                    "[profile  tanaka]",
                    Some("[profile  suzuki]"),
                    "renamed"
                ),
                (
                    FileKind::Credentials,
                    "[tanaka]",
                    Some("[suzuki]"),
                    "renamed"
                ),
            ]
        );
        assert!(result.warnings.is_empty(), "{:?}", result.warnings);
    }

    #[test]
    fn a_rename_is_refused_onto_an_existing_name_or_from_a_missing_one() {
        let mut files = load("[profile toy]\nregion = a\n", KEYS);
        let taken = rename(&mut files, "toy", "tanaka").unwrap_err();
        assert_eq!(
            taken.to_string(),
            "profile `tanaka` exists already; pick another name or delete it first"
        );
        assert!(matches!(
            rename(&mut files, "nobody", "x"),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            rename(&mut files, "toy", "two words"),
            Err(Error::Usage(_))
        ));
        let renamed_default = {
            let mut files = load("[default]\nregion = a\n", "");
            rename(&mut files, "default", "main").unwrap()
        };
        assert_eq!(
            renamed_default.warnings,
            ["renamed `default`: tools that use the default profile will not find it"]
        );
    }

    #[test]
    fn who_names_a_profile_and_who_stands_on_it() {
        let config = format!(
            "[profile a]\n{ROLE}\nsource_profile = tanaka\n\n[profile b]\n{ROLE}\nsource_profile = a\n\n[profile p]\ncredential_process = awsprof credential-process a\n\n[profile self]\n{ROLE}\nsource_profile = self\naws_access_key_id = AKIAOLDOLDOLDOLDOLD1\naws_secret_access_key = t\n\n[profile alone]\nregion = a\n"
        );
        let files = load(&config, KEYS);
        assert_eq!(dependents(&files, "tanaka"), ["a"]);
        assert_eq!(dependents(&files, "a"), ["b", "p"]);
        assert!(dependents(&files, "self").is_empty());
        assert!(dependents(&files, "alone").is_empty());
        // b stands on tanaka through a: it is a hop of b's chain.
        assert_eq!(standing_on(&files, "tanaka"), ["a", "b"]);
        assert_eq!(standing_on(&files, "a"), ["b", "p"]);
        assert!(standing_on(&files, "self").is_empty());
        assert!(standing_on(&files, "b").is_empty());
    }

    #[test]
    fn a_list_of_names_shows_ten_then_how_many_more() {
        let names: Vec<String> = (1..=12).map(|i| format!("p{i}")).collect();
        assert_eq!(name_list(&names[..2]), "p1, p2");
        assert_eq!(name_list(&names[..10]), names[..10].join(", "));
        assert_eq!(
            name_list(&names),
            "p1, p2, p3, p4, p5, p6, p7, p8, p9, p10 and 2 more"
        );
    }

    #[test]
    fn a_delete_needs_force_while_others_stand_on_the_profile() {
        let config = format!("[profile toy]\n{ROLE}\nsource_profile = tanaka\n");
        let mut files = load(&config, &format!("# keys\n{KEYS}\n[other]\nregion = a\n"));
        let refused = delete(&mut files, "tanaka", false).unwrap_err();
        assert!(matches!(refused, Error::Usage(_)));
        assert!(
            refused
                .to_string()
                .starts_with("profiles toy stand on `tanaka`"),
            "{refused}"
        );
        let result = delete(&mut files, "tanaka", true).unwrap();
        assert_eq!(text(&files, FileKind::Credentials), "[other]\nregion = a\n");
        assert_eq!(
            files.set.profiles.keys().collect::<Vec<_>>(),
            ["other", "toy"]
        );
        assert_eq!(result.changes.len(), 1);
        assert_eq!(result.changes[0].key, "[tanaka]");
        assert_eq!(result.changes[0].action.as_str(), "removed");
        assert_eq!(
            result.warnings,
            ["these profiles stood on `tanaka` and no longer resolve: toy"]
        );
        let mut files = load("[profile a]\nregion = a\n\n[profile b]\nregion = b\n", "");
        let result = delete(&mut files, "a", false).unwrap();
        assert!(result.warnings.is_empty());
        assert_eq!(text(&files, FileKind::Config), "[profile b]\nregion = b\n");
    }

    #[test]
    fn a_copy_points_a_self_reference_at_itself_and_leaves_keys_when_asked() {
        let own = "[tanaka]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD0\naws_secret_access_key = s\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = tanaka\n";
        let mut files = load("", own);
        copy(&mut files, "tanaka", "copy", false).unwrap();
        assert_eq!(
            text(&files, FileKind::Credentials),
            format!("{own}\n[copy]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD0\naws_secret_access_key = s\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = copy\n")
        );
        let mut files = load("", own);
        let result = copy(&mut files, "tanaka", "bare", true).unwrap();
        assert_eq!(
            text(&files, FileKind::Credentials),
            format!("{own}\n[bare]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = tanaka\n")
        );
        assert!(result.warnings.is_empty(), "{:?}", result.warnings);
        let mut files = load(
            "[profile vaulted]\ncredential_process = awsprof vault get vaulted\nregion = a\n",
            "",
        );
        let result = copy(&mut files, "vaulted", "bare", true).unwrap();
        assert!(text(&files, FileKind::Config).ends_with("[profile bare]\nregion = a\n"));
        assert_eq!(result.warnings.len(), 1, "{:?}", result.warnings);
        assert!(
            result.warnings[0].starts_with("profile `bare` does not resolve to credentials yet")
        );
        assert!(matches!(
            copy(&mut files, "vaulted", "bare", false),
            Err(Error::Usage(_))
        ));
    }

    #[test]
    fn a_copy_takes_the_property_lines_only_and_keeps_other_references() {
        let config = format!(
            "[profile toy]\n# the team's role\n{ROLE}\n\nsource_profile = tanaka\n\n[profile proc]\ncredential_process = /bin/creds\n"
        );
        let mut files = load(&config, KEYS);
        copy(&mut files, "toy", "toy2", false).unwrap();
        copy(&mut files, "proc", "proc2", true).unwrap();
        // Nothing left to copy but the name: the copy is an empty section.
        let result = copy(&mut files, "tanaka", "bare", true).unwrap();
        assert_eq!(
            text(&files, FileKind::Credentials),
            format!("{KEYS}\n[bare]\n")
        );
        assert_eq!(result.changes.len(), 1);
        assert_eq!(result.changes[0].key, "[bare]");
        assert_eq!(
            text(&files, FileKind::Config),
            format!("{config}\n[profile toy2]\n{ROLE}\nsource_profile = tanaka\n\n[profile proc2]\ncredential_process = /bin/creds\n")
        );
    }

    #[test]
    fn a_rename_checks_the_chains_that_lead_to_the_profile() {
        let config = format!(
            "[profile toy]\n{ROLE}\nsource_profile = tanaka\n\n[profile deep]\n{ROLE}\nsource_profile = toy\n\n\
             [profile broken]\n{ROLE}\nsource_profile = toy-typo\n\n[profile side]\n{ROLE}\nsource_profile = other\n\n\
             [profile runner]\ncredential_process = awsprof credential-process tanaka\n"
        );
        let credentials =
            format!("{KEYS}[other]\naws_access_key_id = A\naws_secret_access_key = B\n");
        let files = load(&config, &credentials);
        let checked = |old, new| {
            let changed = changed_by_rename(&files, old, new);
            let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
            resolving(&files, reaching(&files.set, &changed))
        };
        assert_eq!(
            checked("tanaka", "tanaka2"),
            ["deep", "runner", "tanaka", "toy"]
        );
        assert_eq!(checked("toy", "toy-typo"), ["deep", "toy"]);
        assert_eq!(checked("other", "x"), ["other", "side"]);
    }

    #[test]
    fn the_after_check_names_a_profile_that_stopped_resolving() {
        let config =
            format!("[profile toy]\n{ROLE}\nsource_profile = tanaka\n\n[profile broken]\n{ROLE}\n");
        let files = load(&config, KEYS);
        assert_eq!(
            resolving(&files, files.set.profiles.keys()),
            ["tanaka", "toy"]
        );
        assert!(still_resolving(&files, ["tanaka", "toy"].map(String::from).into_iter()).is_ok());
        let refused =
            still_resolving(&files, ["toy", "broken"].map(String::from).into_iter()).unwrap_err();
        assert!(matches!(refused, Error::Config(_)));
        assert!(
            refused
                .to_string()
                .starts_with("after the edit, profile `broken` would no longer resolve: "),
            "{refused}"
        );
    }

    #[test]
    fn an_sso_session_renamed_or_deleted_takes_its_users_along() {
        let config = "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n[sso-session spare]\nsso_start_url = https://spare.awsapps.com/start\nsso_region = eu-west-1\n";
        let mut files = load(config, "");
        assert!(matches!(
            rename_sso_session(&mut files, "corp", "spare"),
            Err(Error::Usage(_))
        ));
        let missing = rename_sso_session(&mut files, "crop", "x").unwrap_err();
        assert!(missing.to_string().contains("corp"), "{missing}");
        rename_sso_session(&mut files, "corp", "main").unwrap();
        assert_eq!(
            text(&files, FileKind::Config),
            config
                .replace("corp\n", "main\n")
                .replace("[sso-session corp]", "[sso-session main]")
        );
        let refused = delete_sso_session(&mut files, "main", false).unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with("profiles dev use sso_session = main"),
            "{refused}"
        );
        let result = delete_sso_session(&mut files, "main", true).unwrap();
        assert!(!text(&files, FileKind::Config).contains("[sso-session main]"));
        assert_eq!(
            result.warnings,
            ["profile `dev` used sso_session = main and no longer resolves"]
        );
        assert!(delete_sso_session(&mut files, "spare", false)
            .unwrap()
            .warnings
            .is_empty());
        assert!(!text(&files, FileKind::Config).contains("spare"));
    }

    /// Profile `i`'s lines: static keys, a role on profile `source` (its
    /// own or a missing one's name included), an awsprof
    /// credential_process for `source`, or a region alone.
    fn body(i: usize, kind: u8, source: usize) -> String {
        match kind % 4 {
            0 => format!("aws_access_key_id = A{i}\naws_secret_access_key = S\n"),
            1 => format!("{ROLE}\nsource_profile = p{source}\n"),
            2 => format!("credential_process = awsprof credential-process p{source}\n"),
            _ => "region = eu-west-1\n".to_string(),
        }
    }

    proptest::proptest! {
        /// A rename reads again only the profiles it edits: the set it
        /// leaves is the one both files parsed again give, and it refuses
        /// exactly when a profile that resolved stops resolving.
        #[test]
        fn a_rename_leaves_the_set_a_full_parse_gives(
            profiles in proptest::collection::vec((0u8..3, 0u8..4, 0usize..8, proptest::bool::ANY), 1..8),
            old in 0usize..8,
        ) {
            let (mut config, mut credentials) = (String::new(), String::new());
            for (i, (file, kind, source, twice)) in profiles.iter().enumerate() {
                let source = source % (profiles.len() + 1);
                if *file != 1 {
                    config += &format!("[profile p{i}]\n{}", body(i, *kind, source));
                }
                if *file != 0 {
                    credentials += &format!("[p{i}]\n{}", body(i, kind + 1, source));
                }
                if *twice {
                    config += &format!("[profile p{i}]\noutput = json\n");
                }
            }
            let old = format!("p{}", old % profiles.len());
            let before = load(&config, &credentials);
            let resolved: Vec<String> = before
                .set
                .profiles
                .keys()
                .filter(|p| resolve_without_hints(&before.set, p).is_ok())
                .map(|p| if p == old { "renamed".to_string() } else { p.to_string() })
                .collect();
            let mut files = before.clone();
            let outcome = rename(&mut files, &old, "renamed");
            let mut parsed = files.clone();
            parsed.reparse().unwrap();
            proptest::prop_assert_eq!(&files.set, &parsed.set, "{}\n{}", config, credentials);
            let broken = resolved
                .iter()
                .any(|p| resolve_without_hints(&parsed.set, p).is_err());
            proptest::prop_assert_eq!(outcome.is_err(), broken, "{}\n{}", config, credentials);
        }
    }
}
