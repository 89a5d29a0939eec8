//! Findings over the two files: what will break before AWS does, and what
//! the AWS CLI (botocore) reads differently from the SDKs. Pure: the caller
//! hands in the documents and the credentials file's mode.

mod unknown_key;

use crate::chain::ChainErrorKind;
use crate::document::SharedStr;
use crate::document::{Document, LineKind, LineView};
use crate::profiles::keys::{self, KEYS};
use crate::profiles::{
    values, ClosestProfiles, FileKind, Origin, ProfileSet, SectionName, SourceFile,
};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    Warning,
    Error,
}

/// A mechanical fix `lint --fix` may apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// chmod 600 the credentials file.
    PrivateMode,
    /// Rewrite the header at this line (0-based index) as `[inner]`.
    Header {
        line_index: usize,
        inner: String,
    },
    RemoveBom,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub file: FileKind,
    /// 1-based; 0 for a finding about the whole file.
    pub line: usize,
    text: Text,
    /// The profile this is about, for `lint --profile`.
    pub profile: Option<SharedStr>,
    pub fix: Option<(FileKind, Fix)>,
}

/// What a finding says. Most findings are written out when found. A
/// plaintext key's finding, of which a credentials file full of keys makes
/// thousands, keeps only what its texts are made of, and they are written
/// as the report is: no allocation and no formatting for each.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    Written {
        message: String,
        hint: Cow<'static, str>,
    },
    /// The key id's last characters (all a report shows of it, so a
    /// tail's own tail is itself); the hint names the finding's profile.
    PlaintextKey { key_tail: SharedStr },
}

impl Finding {
    /// What is wrong, in one sentence.
    pub fn message(&self) -> impl std::fmt::Display + '_ {
        Pieces(|piece: &mut dyn FnMut(&str)| self.message_pieces(piece))
    }

    /// What to do about it.
    pub fn hint(&self) -> impl std::fmt::Display + '_ {
        Pieces(|piece: &mut dyn FnMut(&str)| self.hint_pieces(piece))
    }

    /// [`Finding::message`] added to `out` as it is, without the
    /// formatter: a report of 10,000 findings writes 20,000 texts.
    pub fn push_message(&self, out: &mut String) {
        self.message_pieces(&mut |piece| out.push_str(piece));
    }

    /// [`Finding::hint`] added to `out`, as [`Finding::push_message`].
    pub fn push_hint(&self, out: &mut String) {
        self.hint_pieces(&mut |piece| out.push_str(piece));
    }

    fn message_pieces(&self, piece: &mut dyn FnMut(&str)) {
        match &self.text {
            Text::Written { message, .. } => piece(message),
            Text::PlaintextKey { key_tail } => {
                piece("long-term access key ");
                crate::secret::MaskedKeyId(key_tail)
                    .pieces()
                    .into_iter()
                    .for_each(&mut *piece);
                piece(" is kept in plaintext");
            }
        }
    }

    fn hint_pieces(&self, piece: &mut dyn FnMut(&str)) {
        match &self.text {
            Text::Written { hint, .. } => piece(hint),
            Text::PlaintextKey { .. } => {
                piece("`awsprof vault move ");
                piece(self.profile.as_deref().unwrap_or_default());
                piece("` keeps it in the OS secret store instead");
            }
        }
    }
}

/// A text made of pieces, displayed one piece after another.
struct Pieces<F>(F);

impl<F: Fn(&mut dyn FnMut(&str))> std::fmt::Display for Pieces<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut result = Ok(());
        (self.0)(&mut |piece| {
            if result.is_ok() {
                result = f.write_str(piece);
            }
        });
        result
    }
}

/// What lint looks at: both files as read (or edited).
pub struct Input<'a> {
    pub config: &'a SourceFile,
    pub credentials: &'a SourceFile,
    /// Permission bits of the credentials file, when it exists.
    pub credentials_mode: Option<u32>,
}

fn finding(
    code: &'static str,
    severity: Severity,
    origin: Origin,
    message: String,
    hint: impl Into<Cow<'static, str>>,
) -> Finding {
    Finding {
        code,
        severity,
        file: origin.file,
        line: origin.line as usize,
        text: Text::Written {
            message,
            hint: hint.into(),
        },
        profile: None,
        fix: None,
    }
}

pub fn lint(input: &Input<'_>) -> Vec<Finding> {
    lint_and_profiles(input).0
}

/// The findings, and the profiles the files define when both parse (the
/// caller's further checks reuse them instead of reading the files again).
pub fn lint_and_profiles(input: &Input<'_>) -> (Vec<Finding>, Option<ProfileSet>) {
    // Each file's text is checked as its profiles are read, on the thread
    // that reads them; neither file is built into a document (a `Line` for
    // each of its lines).
    let (set, (config_found, credentials_found)) =
        ProfileSet::from_sources_with(input.config, input.credentials, TextChecks::new);
    let mut out = config_found;
    out.extend(credentials_found);
    if let Some(mode) = input.credentials_mode {
        if mode & 0o044 != 0 {
            let mut f = finding(
                "credentials-file-readable",
                Severity::Warning,
                Origin {
                    file: FileKind::Credentials,
                    line: 0,
                },
                format!(
                    "the credentials file is readable by {} (mode {mode:o})",
                    if mode & 0o004 != 0 {
                        "everyone"
                    } else {
                        "its group"
                    }
                ),
                "chmod 600 it (lint --fix does)",
            );
            f.fix = Some((FileKind::Credentials, Fix::PrivateMode));
            out.push(f);
        }
    }
    let (profiles, parse_errors) = match set {
        Ok(set) => {
            let key_holders = profile_checks(&set, &mut out);
            shared_keys(key_holders, &mut out);
            (Some(set), Vec::new())
        }
        Err(_) => (
            None,
            every_parse_error(input.config.document(), input.credentials.document()),
        ),
    };
    for e in parse_errors {
        out.push(finding(
            "parse-error",
            Severity::Error,
            Origin::new(e.file, e.line),
            e.message,
            "the AWS SDKs and CLI refuse the whole file until this line is fixed",
        ));
    }
    sort_by_place(&mut out);
    out.dedup();
    (out, profiles)
}

/// Sorts findings by file, line and code, keeping the order of equals:
/// on small keys, each finding then moved once (a finding is a few
/// hundred bytes, and lint on 10,000 profiles makes 10,000 of them:
/// neither a merge sort's moves nor a second vector of them).
fn sort_by_place(findings: &mut [Finding]) {
    let order = crate::order::stable_order(findings.iter().map(|f| (f.file, f.line, f.code)));
    crate::order::place(findings, order);
}

/// Every line the parser refuses, in both files: after each error the
/// parse resumes as if that line were blank, so that one run of lint
/// names them all.
fn every_parse_error(
    config: &Document,
    credentials: &Document,
) -> Vec<crate::profiles::ParseError> {
    let mut errors = Vec::new();
    let (mut config, mut credentials) = (config.clone(), credentials.clone());
    while let Err(e) = ProfileSet::from_documents(&config, &credentials) {
        let doc = match e.file {
            FileKind::Config => &mut config,
            FileKind::Credentials => &mut credentials,
        };
        let repeated = errors
            .last()
            .is_some_and(|last: &crate::profiles::ParseError| {
                last.file == e.file && last.line == e.line
            });
        if repeated || e.line == 0 || e.line > doc.line_count() {
            errors.push(e);
            break;
        }
        *doc = blanked(doc, e.line - 1);
        errors.push(e);
    }
    errors
}

/// `doc` with line `idx` emptied (its line ending kept, so every other
/// line keeps its number).
fn blanked(doc: &Document, idx: usize) -> Document {
    let mut text = String::new();
    for (i, line) in doc.lines().enumerate() {
        if i != idx {
            text.push_str(line.text());
        }
        text.push_str(match line.ending() {
            crate::document::LineEnding::Lf => "\n",
            crate::document::LineEnding::CrLf => "\r\n",
            crate::document::LineEnding::None => "",
        });
    }
    Document::parse_string(text)
}

/// Checks of the text itself, a line at a time as it is read: headers,
/// duplicates, the byte-order mark, keys and inline comments.
struct TextChecks<'a> {
    kind: FileKind,
    headers: HeaderChecks<'a>,
    found: Vec<Finding>,
}

impl<'a> TextChecks<'a> {
    /// The checks of `file`, which has `headers` section headers.
    fn new(file: &'a SourceFile, headers: usize) -> TextChecks<'a> {
        let kind = file.kind;
        let mut found = Vec::new();
        if file.has_bom() {
            let mut f = finding(
                "byte-order-mark",
                Severity::Error,
                Origin { file: kind, line: 1 },
                "the file starts with a UTF-8 byte-order mark, and the AWS CLI refuses such a file outright".into(),
                "remove the mark (lint --fix does)",
            );
            f.fix = Some((kind, Fix::RemoveBom));
            found.push(f);
        }
        TextChecks {
            kind,
            headers: HeaderChecks {
                kind,
                seen: HashMap::with_capacity_and_hasher(headers, Default::default()),
                defaults: Vec::new(),
            },
            found,
        }
    }
}

impl<'a> crate::profiles::LineVisitor<'a> for TextChecks<'a> {
    type Output = Vec<Finding>;

    fn visit(&mut self, number: usize, line: &LineView<'a>) {
        let idx = number - 1;
        match *line.kind() {
            LineKind::Header { name } => {
                self.headers
                    .check(idx, line.text(), name.of(line.text()), &mut self.found)
            }
            LineKind::Property { key, value } => {
                property_checks(self.kind, idx, line.text(), key, value, &mut self.found)
            }
            _ => {}
        }
    }

    fn finish(mut self) -> Vec<Finding> {
        self.headers.finish(&mut self.found);
        self.found
    }
}

/// The checks of each section header, and what they remember of the
/// headers before it.
struct HeaderChecks<'a> {
    kind: FileKind,
    /// Each section's name as written, and the index of its first header
    /// (foldhash: SipHash's resistance to chosen keys buys nothing against
    /// the user's own file). Sized for every header at once: grown as it
    /// fills, a 10,000-profile file's map hashed each name again at every
    /// doubling.
    seen: HashMap<&'a str, usize, foldhash::fast::RandomState>,
    /// Each `default` section's header: its index, and whether prefixed.
    defaults: Vec<(usize, bool)>,
}

impl<'a> HeaderChecks<'a> {
    fn check(&mut self, idx: usize, text: &'a str, raw: &'a str, out: &mut Vec<Finding>) {
        let kind = self.kind;
        let at = |idx: usize| Origin::new(kind, idx + 1);
        let name = SectionName::parse(raw);
        match self.seen.entry(raw) {
            Entry::Occupied(first) => out.push(finding(
                "duplicate-section",
                Severity::Error,
                at(idx),
                format!("[{raw}] is defined again (first at line {}); the AWS CLI refuses a file with duplicate sections, while the SDKs merge them", first.get() + 1),
                "merge the two sections into one",
            )),
            Entry::Vacant(slot) => {
                slot.insert(idx);
            }
        }
        // memchr, not `str::find(char)`: its searcher compared each match
        // through a call to memcmp, a measurable part of lint's reading.
        let bracketed = memchr::memchr(b']', text.as_bytes()).map_or(text, |close| &text[..=close]);
        if !is_canonical_header(bracketed, &name) {
            let canonical = match &name.prefix {
                Some(p) => format!("{p} {}", name.name),
                None => name.name.to_string(),
            };
            let mut f = finding(
                "header-extra-spaces",
                Severity::Warning,
                at(idx),
                format!("section header {bracketed} has extra spaces; the SDKs read it as [{canonical}], the AWS CLI does not"),
                format!("write it as [{canonical}] (lint --fix does)"),
            );
            f.fix = Some((
                kind,
                Fix::Header {
                    line_index: idx,
                    inner: canonical,
                },
            ));
            out.push(f);
        }
        let quoted = name
            .name
            .strip_prefix('"')
            .and_then(|n| n.strip_suffix('"'))
            .filter(|n| !n.contains('"'))
            .filter(|_| {
                matches!(
                    (kind, name.prefix),
                    (FileKind::Config, Some("profile")) | (FileKind::Credentials, None)
                )
            });
        if let Some(unquoted) = quoted {
            let fixed = match kind {
                FileKind::Config => format!("profile {unquoted}"),
                FileKind::Credentials => unquoted.to_string(),
            };
            let mut f = finding(
                "quoted-section-name",
                Severity::Warning,
                at(idx),
                format!("[{raw}] is read by the AWS CLI as profile `{unquoted}` but ignored by the SDKs"),
                format!("write it as [{fixed}] (lint --fix does, where the name is valid unquoted)"),
            );
            f.profile = Some(unquoted.into());
            if crate::profiles::is_identifier(unquoted) && !unquoted.is_empty() {
                f.fix = Some((
                    kind,
                    Fix::Header {
                        line_index: idx,
                        inner: fixed,
                    },
                ));
            }
            out.push(f);
            return;
        }
        match (kind, name.prefix) {
            (FileKind::Config, None) if name.name != "default" => {
                let mut f = finding(
                    "unprefixed-config-section",
                    Severity::Warning,
                    at(idx),
                    format!(
                        "[{}] in the config file has no `profile ` prefix, so it is ignored",
                        name.name
                    ),
                    format!("write it as [profile {}] (lint --fix does)", name.name),
                );
                f.profile = Some(name.name.into());
                f.fix = Some((
                    kind,
                    Fix::Header {
                        line_index: idx,
                        inner: format!("profile {}", name.name),
                    },
                ));
                out.push(f);
            }
            (FileKind::Credentials, Some("profile")) => {
                let mut f = finding(
                    "prefixed-credentials-section",
                    Severity::Warning,
                    at(idx),
                    format!("[profile {}] in the credentials file is ignored: profiles there have no prefix", name.name),
                    format!("rename it to [{}]", name.name),
                );
                f.profile = Some(name.name.into());
                out.push(f);
            }
            (FileKind::Config, Some("profile") | None) if name.name == "default" => {
                self.defaults.push((idx, name.prefix.is_some()));
            }
            _ => {
                if let Some(why) = name.ignored_because(kind) {
                    out.push(finding(
                        "ignored-section",
                        Severity::Warning,
                        at(idx),
                        why,
                        "the SDKs skip this section and everything in it; rename it to a valid name",
                    ));
                }
            }
        }
    }

    /// What only the whole file shows: both spellings of `default`.
    fn finish(self, out: &mut Vec<Finding>) {
        let defaults = &self.defaults;
        if defaults.iter().any(|d| d.1) && defaults.iter().any(|d| !d.1) {
            let (idx, _) = defaults[defaults.len() - 1];
            out.push(finding(
                "default-defined-twice",
                Severity::Warning,
                Origin::new(self.kind, idx + 1),
                "both [default] and [profile default] are defined: the SDKs use only [profile default], the AWS CLI lets the last one win".into(),
                "keep one of them",
            ));
        }
    }
}

/// A property line's checks: its key, and a comment after its value.
fn property_checks(
    kind: FileKind,
    idx: usize,
    text: &str,
    key: crate::document::Span,
    value: crate::document::Span,
    out: &mut Vec<Finding>,
) {
    let at = Origin::new(kind, idx + 1);
    unknown_key::check_key(key.of(text), at, out);
    let after = text[value.end()..].trim_start();
    if after.starts_with(['#', ';']) {
        let name = key.of(text);
        let raw = &text[value.start()..value.end()];
        let in_credentials = kind == FileKind::Credentials;
        let value = if crate::profiles::keys::masks_value(name, raw, in_credentials) {
            crate::secret::MASK
        } else {
            raw
        };
        out.push(finding(
            "inline-comment",
            Severity::Warning,
            at,
            format!(
                "`{name}` is followed by a comment on its line: the SDKs read `{value}`, botocore (so the AWS CLI) reads `{value} {after}`"
            ),
            "put the comment on a line of its own",
        ));
    }
}

/// Whether `bracketed` is exactly `[name]` or `[prefix name]`, with one
/// space and nothing else: what the AWS CLI and the SDKs read alike.
fn is_canonical_header(bracketed: &str, name: &SectionName<'_>) -> bool {
    let Some(inner) = bracketed
        .strip_prefix('[')
        .and_then(|b| b.strip_suffix(']'))
    else {
        return false;
    };
    match name.prefix {
        Some(prefix) => inner
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix(' '))
            .is_some_and(|rest| rest == name.name),
        None => inner == name.name,
    }
}

fn chain_finding(kind: &ChainErrorKind) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        ChainErrorKind::MissingSourceProfile { .. } => (
            "missing-source-profile",
            "point source_profile at an existing profile",
        ),
        ChainErrorKind::Loop { .. } => {
            ("source-loop", "end the chain at a profile with credentials")
        }
        ChainErrorKind::BothSources(_) => (
            "conflicting-sources",
            "keep either source_profile or credential_source",
        ),
        ChainErrorKind::NoSource(_) => (
            "role-without-source",
            "add source_profile or credential_source",
        ),
        ChainErrorKind::PartialKeys { .. } => (
            "partial-static-keys",
            "set both aws_access_key_id and aws_secret_access_key",
        ),
        ChainErrorKind::UnknownCredentialSource { .. } => (
            "invalid-credential-source",
            "use Environment, Ec2InstanceMetadata or EcsContainer",
        ),
        ChainErrorKind::InvalidSso { .. } => (
            "sso-misconfigured",
            "keep sso_start_url and sso_region in the [sso-session] section",
        ),
        ChainErrorKind::MissingSsoSession { .. } => (
            "sso-session-missing",
            "add the [sso-session NAME] section, or point sso_session at an existing one",
        ),
        ChainErrorKind::WebIdentityWithoutRole(_) => ("web-identity-without-role", "add role_arn"),
        ChainErrorKind::BadDuration { .. } => (
            "invalid-duration",
            "use a whole number of seconds from 900 to 43200",
        ),
        ChainErrorKind::BadMfaSessionDuration { .. } => (
            "invalid-mfa-session-duration",
            "use a whole number of seconds from 900 to 129600",
        ),
        ChainErrorKind::NoCredentials(_)
        | ChainErrorKind::NoProfiles
        | ChainErrorKind::ProfileNotFound { .. } => return None,
    })
}

/// The value checks lint reports on as `invalid-*`: (key, check, code, hint).
fn value_checks() -> Vec<(&'static str, keys::Check, &'static str, String)> {
    KEYS.iter()
        .filter_map(|key| {
            let check = key.check?;
            let (code, hint) = match key.name {
                keys::ROLE_ARN => ("invalid-role-arn", "use the ARN of an IAM role".to_string()),
                // Their own findings: below, and the chain's.
                keys::DURATION_SECONDS | keys::CREDENTIAL_SOURCE => return None,
                // Checked where keys enter (set, import, configure, IAM) and
                // refused on export; a hand-written file is the user's own.
                keys::AWS_ACCESS_KEY_ID
                | keys::AWS_SECRET_ACCESS_KEY
                | keys::AWS_SESSION_TOKEN
                | keys::AWS_SECURITY_TOKEN => return None,
                name => ("invalid-value", format!("fix {name}")),
            };
            Some((key.name, check, code, hint))
        })
        .collect()
}

/// Each profile that holds an access key: the key, the profile's name
/// and where the key is.
type KeyHolders<'a> = Vec<(&'a str, &'a SharedStr, Origin)>;

/// Each profile's own checks and its chain's verdict. Returns the key
/// holders, gathered on the way while each profile's keys are in cache.
/// On a large set, the two halves of the profiles are checked side by
/// side, and their findings kept in profile order.
fn profile_checks<'a>(set: &'a ProfileSet, out: &mut Vec<Finding>) -> KeyHolders<'a> {
    let value_checks = value_checks();
    // Every chain at once, each profile's path followed once.
    let verdicts = crate::chain::verdicts(set);
    let halves = crate::threads::in_halves(set.profiles.len(), |range| {
        let profiles = || {
            let all = set.profiles.iter().zip(verdicts.iter());
            all.skip(range.start).take(range.len())
        };
        // About one finding and one key holder for each profile of the
        // credentials file (its keys are in plaintext): room for them at
        // once. A vector that doubles copies itself as it grows, and one
        // sized for every profile is twice as large: fresh pages either way.
        let in_credentials = profiles()
            .filter(|((_, p), _)| p.defined_in(FileKind::Credentials))
            .count();
        let mut found = Vec::with_capacity(in_credentials);
        let mut holders = Vec::with_capacity(in_credentials);
        let mut closest = set.closest_profiles_remembered();
        for ((name, profile), (verdict_of, verdict)) in profiles() {
            debug_assert_eq!(name, verdict_of);
            let checks = Checks {
                value_checks: &value_checks,
                closest: &mut closest,
            };
            check_profile(set, name, profile, verdict, checks, &mut |f| found.push(f));
            if let Some(p) = profile.property(keys::AWS_ACCESS_KEY_ID) {
                holders.push((p.value.as_str(), &profile.name, p.origin));
            }
        }
        (found, holders)
    });
    out.reserve(halves.iter().map(|(found, _)| found.len()).sum());
    let mut key_holders = Vec::with_capacity(halves.iter().map(|(_, h)| h.len()).sum());
    for (found, holders) in halves {
        out.extend(found);
        key_holders.extend(holders);
    }
    key_holders
}

/// The value checks of [`value_checks`], looked up by key.
type ValueChecks = [(&'static str, keys::Check, &'static str, String)];

/// What the checks of every profile share: the value checks, and the
/// hints for names of missing profiles, each worked out once.
struct Checks<'c, 'a> {
    value_checks: &'c ValueChecks,
    closest: &'c mut ClosestProfiles<'a>,
}

/// One profile's own checks and its chain's verdict.
fn check_profile(
    set: &ProfileSet,
    name: &str,
    profile: &crate::profiles::Section,
    verdict: &crate::chain::Verdict,
    checks: Checks<'_, '_>,
    found: &mut impl FnMut(Finding),
) {
    let Checks {
        value_checks,
        closest,
    } = checks;
    let header = profile.headers.last().copied().unwrap_or(Origin {
        file: FileKind::Config,
        line: 0,
    });
    let mut push = |mut f: Finding| {
        f.profile = Some(profile.name.clone());
        found(f);
    };
    // A profile holds a few keys: look each up among the checks.
    for (key, p) in profile.properties.iter() {
        let Some(&(_, check, code, ref hint)) =
            value_checks.iter().find(|(k, ..)| *k == key.as_str())
        else {
            continue;
        };
        if let Err(why) = check(&p.value) {
            push(finding(
                code,
                Severity::Error,
                p.origin,
                format!("profile `{name}`: {why}"),
                hint.clone(),
            ));
        }
    }
    if let Some(p) = profile.property(keys::DURATION_SECONDS) {
        if let Ok(seconds) = p.value.parse::<u32>() {
            if let Err(why) = values::check_duration(seconds) {
                push(finding(
                    "duration-out-of-range",
                    Severity::Error,
                    p.origin,
                    format!("profile `{name}`: {why}"),
                    "STS refuses the AssumeRole call",
                ));
            }
        }
    }
    if let Some(p) = profile.property(keys::CREDENTIAL_PROCESS) {
        process_reference_checks(set, closest, name, p, &mut push);
        if let Some(syntax) = crate::profiles::command_line::shell_syntax(&p.value) {
            push(finding(
                    "credential-process-shell-syntax",
                    Severity::Warning,
                    p.origin,
                    format!("profile `{name}`: credential_process holds shell syntax (`{syntax}`): the AWS SDKs run it through `sh -c`, the AWS CLI and awsprof run the program directly, so they run different things"),
                    "put the pipeline in a script and name the script in credential_process",
                ));
        }
    }
    let access_key = profile.property(keys::AWS_ACCESS_KEY_ID);
    if let (Some(id), Some(secret)) = (access_key, profile.property(keys::AWS_SECRET_ACCESS_KEY)) {
        if id.origin.file != secret.origin.file {
            push(finding(
                    "split-static-keys",
                    Severity::Warning,
                    id.origin,
                    format!("profile `{name}`: aws_access_key_id is in the {} file and aws_secret_access_key in the {} file; the SDKs merge them, but botocore (so the AWS CLI) reads each file alone and fails with PartialCredentialsError", id.origin.file, secret.origin.file),
                    "keep both keys in the credentials file",
                ));
        }
    }
    sso_checks(name, profile, &mut push);
    match &verdict.result {
        Ok(_) => {
            // A hop signed by another role's session is role chaining:
            // STS caps those sessions at one hour.
            if let Some(p) = profile.property(keys::DURATION_SECONDS) {
                let too_long = p
                    .value
                    .parse::<u32>()
                    .is_ok_and(|d| d > values::MAX_CHAINED_DURATION);
                if verdict.chained_hop && too_long {
                    push(finding(
                            "chained-duration-too-long",
                            Severity::Error,
                            p.origin,
                            format!("profile `{name}` asks for {} s on a role-chained hop; STS allows at most {} s there", p.value, values::MAX_CHAINED_DURATION),
                            "lower duration_seconds to 3600 or less",
                        ));
                }
            }
        }
        // A profile with settings only (region, output) is used with
        // credentials from elsewhere: nothing to report.
        Err(e) if config_only(&e.kind, name, profile) => {}
        Err(e) => {
            let (code, hint) = chain_finding(&e.kind).unwrap_or((
                "source-without-credentials",
                "give that profile keys or a role, or point source_profile at one that has them",
            ));
            push(finding(
                code,
                Severity::Error,
                e.origin.unwrap_or(header),
                e.kind.to_string(),
                hint,
            ));
        }
    }
    // Here rather than in a pass of its own: the profile's keys are
    // still in cache.
    if let Some(f) = access_key.and_then(|p| plaintext_key(profile, p)) {
        push(f);
    }
}

/// An SSO profile's settings that tools read differently, and the legacy
/// form without an [sso-session].
fn sso_checks(name: &str, profile: &crate::profiles::Section, push: &mut impl FnMut(Finding)) {
    let sso = [keys::SSO_SESSION, keys::SSO_START_URL, keys::SSO_ACCOUNT_ID]
        .iter()
        .find_map(|k| profile.property(k));
    let Some(sso) = sso.filter(|p| p.origin.file == FileKind::Config) else {
        return;
    };
    let shadowing = [keys::AWS_ACCESS_KEY_ID, keys::AWS_SESSION_TOKEN]
        .iter()
        .filter_map(|k| profile.property(k))
        .find(|p| p.origin.file == FileKind::Credentials);
    if let Some(keys_line) = shadowing {
        push(finding(
            "sso-profile-shadowed",
            Severity::Warning,
            keys_line.origin,
            format!("profile `{name}` is an SSO profile in the config file, and a section of the same name in the credentials file holds keys: the AWS CLI and the current SDKs use SSO, but tools that read the credentials file first (the Go SDK v1, the JavaScript SDK v2, and what is built on them) use these keys, so the same profile is two identities"),
            "remove the keys from the credentials file's section, or give them a profile of their own",
        ));
    }
    if profile.get(keys::SSO_SESSION).is_none() && profile.get(keys::SSO_START_URL).is_some() {
        push(finding(
            "sso-legacy-start-url",
            Severity::Info,
            sso.origin,
            format!("profile `{name}` names its sso_start_url itself, the legacy form: its token cannot be refreshed, so a sign-in lasts only as long as the first token"),
            "move sso_start_url and sso_region into an [sso-session NAME] section and set sso_session = NAME (`aws configure sso-session` writes one)",
        ));
    }
}

/// A `credential_process` that runs awsprof for another profile: that
/// profile must exist, and the processes must not lead back (each awsprof
/// would start the next, forever).
fn process_reference_checks(
    set: &ProfileSet,
    closest: &mut ClosestProfiles<'_>,
    name: &str,
    p: &crate::profiles::Property,
    push: &mut impl FnMut(Finding),
) {
    let Some(reference) = crate::profiles::command_line::awsprof_reference(&p.value) else {
        return;
    };
    let target = reference.profile();
    if set.profile(target).is_none() {
        let close = closest.to(target);
        let hint = if close.is_empty() {
            "point it at an existing profile".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        push(finding(
            "unknown-profile-reference",
            Severity::Error,
            p.origin,
            format!("profile `{name}`: credential_process runs awsprof for profile `{target}`, which does not exist; the AWS CLI and SDKs will fail on it"),
            hint,
        ));
        return;
    }
    let Ok(chain) = crate::chain::resolve_without_hints(set, name) else {
        return;
    };
    if let Err(cycle) = crate::chain::process_loop(
        set,
        name,
        &chain,
        &crate::profiles::command_line::is_awsprof,
    ) {
        push(finding(
            "credential-process-loop",
            Severity::Error,
            p.origin,
            format!(
                "credential_process calls awsprof for a profile already on the way: {}",
                crate::chain::loop_text(&cycle)
            ),
            "point credential_process at a profile with its own credentials",
        ));
    }
}

/// Whether a failed resolve only means that `name` holds no credential
/// setting at all.
fn config_only(kind: &ChainErrorKind, name: &str, profile: &crate::profiles::Section) -> bool {
    matches!(kind, ChainErrorKind::NoCredentials(p) if p == name)
        && !crate::chain::holds_credential_settings(profile)
}

/// A long-term key (`p`, the profile's access key id) kept in plaintext
/// in the credentials file: the vault keeps it out of the file (and out of
/// every backup).
fn plaintext_key(
    profile: &crate::profiles::Section,
    p: &crate::profiles::Property,
) -> Option<Finding> {
    let temporary = profile.get(keys::AWS_SESSION_TOKEN).is_some()
        || profile.get(keys::AWS_SECURITY_TOKEN).is_some();
    if temporary || p.origin.file != FileKind::Credentials {
        return None;
    }
    Some(Finding {
        code: "plaintext-access-key",
        severity: Severity::Info,
        file: p.origin.file,
        line: p.origin.line as usize,
        text: Text::PlaintextKey {
            key_tail: p.value.sub(crate::secret::key_id_tail(&p.value)),
        },
        profile: None,
        fix: None,
    })
}

/// An SSO sign-in that has ended and cannot be renewed without one.
pub fn sso_token_expired(origin: Origin, what: &str, login: &str, expired: &str) -> Finding {
    finding(
        "sso-token-expired",
        Severity::Info,
        origin,
        format!("the SSO token of {what} expired at {expired} and cannot be refreshed: its profiles fail until you sign in again"),
        format!("run `{login}`"),
    )
}

/// A profile whose vault line names an item the store does not hold.
pub fn vault_item_missing(profile: &str, origin: Origin, item: &str, store: &str) -> Finding {
    let mut f = finding(
        "vault-item-missing",
        Severity::Error,
        origin,
        format!("its credential_process hands out vault item `{item}`, which the {store} store does not hold"),
        format!("put the key back with `awsprof key import {profile}`, or remove the line"),
    );
    f.profile = Some(profile.into());
    f
}

/// An access key held by more than one profile: rotating it must update
/// them all (`key rotate` does).
fn shared_keys(held: KeyHolders<'_>, out: &mut Vec<Finding>) {
    // Key ids differ mostly in their last characters: sorted on those
    // first, as one number, and on the whole id only where they agree.
    // The order of the groups does not matter (findings are sorted by
    // place); within a group, profiles stay in profile order.
    let mut by_tail: Vec<(u64, u32)> = held
        .iter()
        .enumerate()
        .map(|(idx, (id, ..))| (tail_word(id), idx as u32))
        .collect();
    by_tail.sort_unstable();
    for same_tail in by_tail.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
        let mut same_tail: Vec<usize> = same_tail.iter().map(|&(_, idx)| idx as usize).collect();
        same_tail.sort_by(|&a, &b| held[a].0.cmp(held[b].0).then(a.cmp(&b)));
        for holders in same_tail.chunk_by(|&a, &b| held[a].0 == held[b].0) {
            if holders.len() > 1 {
                shared_key(&held, holders, out);
            }
        }
    }
}

/// The last eight bytes of `id` (fewer, zero-padded, for a shorter id),
/// as one number.
fn tail_word(id: &str) -> u64 {
    let bytes = id.as_bytes();
    let tail = &bytes[bytes.len().saturating_sub(8)..];
    tail.iter().fold(0, |word, &b| word << 8 | u64::from(b))
}

/// One finding for each of the profiles at `group` in `held`, which
/// hold the same access key.
fn shared_key(held: &KeyHolders<'_>, group: &[usize], out: &mut Vec<Finding>) {
    let names: Vec<&str> = group.iter().map(|&idx| held[idx].1.as_str()).collect();
    let message = format!(
        "access key {} is held by profiles {}",
        crate::secret::mask_key_id(held[group[0]].0),
        names.join(", ")
    );
    for &idx in group {
        let (_, name, origin) = held[idx];
        let mut f = finding(
            "shared-access-key",
            Severity::Info,
            origin,
            message.clone(),
            "`awsprof key rotate` updates every profile that holds it, in one write",
        );
        f.profile = Some(name.clone());
        out.push(f);
    }
}

/// Profiles `name`'s chain reaches (itself included), for `lint --profile`.
pub fn reach(set: &ProfileSet, name: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut next = Some(name.to_string());
    while let Some(current) = next.take() {
        if !out.insert(current.clone()) {
            break;
        }
        next = set
            .profile(&current)
            .and_then(|p| p.get(keys::SOURCE_PROFILE))
            .map(String::from);
    }
    out
}

#[cfg(test)]
mod tests;
