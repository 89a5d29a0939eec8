//! The SDKs' rules for turning a selected profile into a chain.

use super::{Base, BaseSource, Chain, Hop, MfaSession, NamedSource};
use crate::profiles::{keys, Origin, ProfileSet, Section};
use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct ChainError {
    /// The profile whose settings are at fault.
    pub profile: String,
    /// The line to look at, when there is one.
    pub origin: Option<Origin>,
    pub kind: ChainErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainErrorKind {
    #[error("No profiles were defined; add one with `awsprof profile set NAME KEY VALUE`")]
    NoProfiles,
    #[error("profile `{name}` not found{}", suggest(.suggestions))]
    ProfileNotFound {
        name: String,
        suggestions: Vec<String>,
    },
    #[error("could not find source profile {missing} referenced from {from}{}", suggest(.suggestions))]
    MissingSourceProfile {
        missing: String,
        from: String,
        suggestions: Vec<String>,
    },
    #[error("profile formed an infinite loop: {}; point one source_profile at a profile with credentials", loop_text(.cycle, *.omitted))]
    Loop {
        /// The loop's first profiles and its last two (the last is the
        /// one reached again).
        cycle: Vec<String>,
        /// How many profiles between them are not named.
        omitted: usize,
    },
    #[error(
        "profile contained both source_profile and credential_source (profile `{0}`); keep only one of them"
    )]
    BothSources(String),
    #[error("profile `{0}` has role_arn but neither source_profile nor credential_source: a role profile must contain `source_profile` or `credential_source`")]
    NoSource(String),
    #[error("credential_source `{value}` in profile `{profile}` is not supported; use Environment, Ec2InstanceMetadata or EcsContainer")]
    UnknownCredentialSource { profile: String, value: String },
    #[error("profile `{0}` did not contain credential information; add aws_access_key_id and aws_secret_access_key, or a role_arn with a source")]
    NoCredentials(String),
    #[error("profile missing {key} (profile `{profile}`); static credentials need both aws_access_key_id and aws_secret_access_key")]
    PartialKeys { profile: String, key: &'static str },
    #[error("profile `{0}`: `web_identity_token_file` was specified but `role_arn` was missing")]
    WebIdentityWithoutRole(String),
    #[error("profile `{profile}`: {message}")]
    InvalidSso { profile: String, message: String },
    #[error("profile `{profile}`: sso-session named `{session}` (referenced by profile `{profile}`) was not found; add a [sso-session {session}] section")]
    MissingSsoSession { profile: String, session: String },
    #[error("profile `{profile}`: duration_seconds `{value}` is not a whole number of seconds")]
    BadDuration { profile: String, value: String },
    #[error("profile `{profile}`: mfa_session_duration `{value}` is not a number of seconds GetSessionToken accepts ({} to {})", crate::profiles::values::MIN_DURATION, crate::profiles::values::MAX_MFA_SESSION_DURATION)]
    BadMfaSessionDuration { profile: String, value: String },
}

/// `a -> b -> … 9996 more … -> y -> a`
pub(super) fn loop_text(cycle: &[String], omitted: usize) -> String {
    match cycle {
        [first, second, before, last] if omitted > 0 => {
            format!("{first} -> {second} -> … {omitted} more … -> {before} -> {last}")
        }
        _ => cycle.join(" -> "),
    }
}

/// A loop's error from the full path: named by its ends.
fn shortened_loop(path: Vec<String>) -> ChainErrorKind {
    let (cycle, omitted) = by_its_ends(path);
    ChainErrorKind::Loop { cycle, omitted }
}

/// A loop's path as shown: up to five profiles whole, a longer one by its
/// first two and last two, with how many are left out.
pub(super) fn by_its_ends(mut path: Vec<String>) -> (Vec<String>, usize) {
    let n = path.len();
    if n <= 5 {
        return (path, 0);
    }
    let last_two = path.split_off(n - 2);
    path.truncate(2);
    path.extend(last_two);
    (path, n - 4)
}

/// `from`'s `source_profile` names a profile that does not exist.
/// `suggestions` are the profile names closest to `missing`.
pub(super) fn missing_source(from: &Section, missing: &str, suggestions: &[&str]) -> ChainError {
    ChainError {
        profile: from.name.to_string(),
        origin: origin_of(from, keys::SOURCE_PROFILE),
        kind: ChainErrorKind::MissingSourceProfile {
            missing: missing.to_string(),
            from: from.name.to_string(),
            suggestions: suggestions.iter().map(|s| s.to_string()).collect(),
        },
    }
}

fn suggest(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", names.join(", "))
    }
}

fn error(profile: &Section, origin: Option<Origin>, kind: ChainErrorKind) -> ChainError {
    ChainError {
        profile: profile.name.to_string(),
        origin: origin.or_else(|| profile.headers.last().copied()),
        kind,
    }
}

fn origin_of(profile: &Section, key: &str) -> Option<Origin> {
    profile.property(key).map(|p| p.origin)
}

pub(super) enum Next<'a> {
    SelfReference,
    Named(&'a str),
}

/// Resolves the chain for `selected`; where it names a profile that does
/// not exist, the error names the closest ones.
pub fn resolve(set: &ProfileSet, selected: &str) -> Result<Chain, ChainError> {
    resolve_with(set, selected, Hints::Named)
}

/// [`resolve`], for checks that use only whether (or through which
/// profiles) a chain resolves: a missing profile's error names no others.
/// Finding them is a pass over every name, and such checks run for each
/// of thousands of profiles, many of which may stand on one missing
/// profile.
pub fn resolve_without_hints(set: &ProfileSet, selected: &str) -> Result<Chain, ChainError> {
    resolve_with(set, selected, Hints::Omitted)
}

/// Whether an error for a missing profile names the closest ones.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hints {
    Named,
    Omitted,
}

fn resolve_with(set: &ProfileSet, selected: &str, hints: Hints) -> Result<Chain, ChainError> {
    let no_profile = |kind| ChainError {
        profile: selected.to_string(),
        origin: None,
        kind,
    };
    if set.profiles.is_empty() {
        return Err(no_profile(ChainErrorKind::NoProfiles));
    }
    let mut name = selected;
    let mut visited: Vec<&str> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut hops: Vec<Hop> = Vec::new();
    let base = loop {
        let Some(profile) = set.profile(name) else {
            let suggestions = match hints {
                Hints::Named => set
                    .closest_profiles(name)
                    .into_iter()
                    .map(String::from)
                    .collect(),
                Hints::Omitted => Vec::new(),
            };
            let kind = match visited.last() {
                None => ChainErrorKind::ProfileNotFound {
                    name: name.to_string(),
                    suggestions,
                },
                Some(from) => ChainErrorKind::MissingSourceProfile {
                    missing: name.to_string(),
                    from: from.to_string(),
                    suggestions,
                },
            };
            let origin = visited
                .last()
                .and_then(|from| set.profile(from))
                .and_then(|p| origin_of(p, keys::SOURCE_PROFILE));
            return Err(ChainError {
                profile: visited.last().unwrap_or(&selected).to_string(),
                origin,
                kind,
            });
        };
        if !seen.insert(name) {
            let mut cycle: Vec<String> = visited.iter().map(|s| s.to_string()).collect();
            cycle.push(name.to_string());
            return Err(error(
                profile,
                origin_of(profile, keys::SOURCE_PROFILE),
                shortened_loop(cycle),
            ));
        }
        visited.push(name);
        // After the first profile, static keys end the chain.
        if visited.len() > 1 {
            if let Ok(found) = static_keys(profile) {
                break FoundBase::Static(found).build(profile);
            }
        }
        match role_hop(profile)? {
            None => break base_of(set, profile)?,
            Some((hop, next)) => {
                hops.push(hop);
                match next {
                    Next::SelfReference => break base_of(set, profile)?,
                    Next::Named(next) => name = next,
                }
            }
        }
    };
    hops.reverse();
    let mfa_session = mfa_session(set, &base, &hops)?;
    Ok(Chain {
        profile: selected.to_string(),
        base,
        hops,
        mfa_session,
    })
}

/// The MFA session a chain's first role is assumed from: only long-term
/// keys can ask for one (GetSessionToken refuses session credentials).
fn mfa_session(
    set: &ProfileSet,
    base: &Base,
    hops: &[Hop],
) -> Result<Option<MfaSession>, ChainError> {
    let long_term = matches!(
        base.source,
        BaseSource::Static {
            session_token: None,
            ..
        } | BaseSource::Vault { .. }
    );
    let Some((first, serial)) = hops
        .first()
        .and_then(|hop| Some((hop, hop.mfa_serial.as_ref()?)))
        .filter(|_| long_term)
    else {
        return Ok(None);
    };
    let mut duration_seconds = None;
    for name in [&first.profile, &base.profile] {
        let Some(profile) = set.profile(name) else {
            continue;
        };
        if let Some(p) = profile.property(keys::MFA_SESSION_DURATION) {
            let seconds = p
                .value
                .parse::<u32>()
                .ok()
                .filter(|s| crate::profiles::values::check_mfa_session_duration(*s).is_ok());
            duration_seconds = Some(seconds.ok_or_else(|| {
                error(
                    profile,
                    Some(p.origin),
                    ChainErrorKind::BadMfaSessionDuration {
                        profile: profile.name.to_string(),
                        value: p.value.to_string(),
                    },
                )
            })?);
            break;
        }
    }
    Ok(Some(MfaSession {
        serial: serial.clone(),
        profile: first.profile.clone(),
        duration_seconds,
    }))
}

/// The AssumeRole hop a profile asks for, and where its source is.
pub(super) fn role_hop(profile: &Section) -> Result<Option<(Hop, Next<'_>)>, ChainError> {
    // A web identity profile's role is its base, not a hop.
    if profile.get(keys::WEB_IDENTITY_TOKEN_FILE).is_some() {
        return Ok(None);
    }
    let Some(role_arn) = profile.property(keys::ROLE_ARN) else {
        return Ok(None);
    };
    let duration_seconds = match profile.property(keys::DURATION_SECONDS) {
        None => None,
        Some(p) => Some(p.value.parse::<u32>().map_err(|_| {
            error(
                profile,
                Some(p.origin),
                ChainErrorKind::BadDuration {
                    profile: profile.name.to_string(),
                    value: p.value.to_string(),
                },
            )
        })?),
    };
    let hop = Hop {
        profile: profile.name.to_string(),
        role_arn: role_arn.value.to_string(),
        external_id: profile.get(keys::EXTERNAL_ID).map(String::from),
        role_session_name: profile.get(keys::ROLE_SESSION_NAME).map(String::from),
        mfa_serial: profile.get(keys::MFA_SERIAL).map(String::from),
        duration_seconds,
        origin: role_arn.origin,
    };
    let next = match (
        profile.get(keys::SOURCE_PROFILE),
        profile.get(keys::CREDENTIAL_SOURCE),
    ) {
        (Some(_), Some(_)) => {
            return Err(error(
                profile,
                origin_of(profile, keys::CREDENTIAL_SOURCE),
                ChainErrorKind::BothSources(profile.name.to_string()),
            ))
        }
        (None, None) => {
            return Err(error(
                profile,
                Some(role_arn.origin),
                ChainErrorKind::NoSource(profile.name.to_string()),
            ))
        }
        (Some(source), None) if source == profile.name.as_str() => Next::SelfReference,
        (Some(source), None) => Next::Named(source),
        (None, Some(_)) => Next::SelfReference,
    };
    Ok(Some((hop, next)))
}

/// The source a profile provides without another profile's help.
pub(super) fn base_of(set: &ProfileSet, profile: &Section) -> Result<Base, ChainError> {
    find_base(set, profile).map(|found| found.build(profile))
}

/// The source a profile provides without another profile's help, checked,
/// with the values it is built from borrowed from the profile: judging
/// every chain needs only whether it holds, and builds nothing.
pub(super) enum FoundBase<'a> {
    Named(NamedSource),
    WebIdentity {
        role_arn: &'a str,
        token_file: &'a str,
    },
    Sso(SsoSettings<'a>),
    Process(&'a str),
    Static(StaticKeys<'a>),
}

pub(super) struct SsoSettings<'a> {
    session: Option<&'a str>,
    start_url: Option<&'a str>,
    region: Option<&'a str>,
    account_id: Option<&'a str>,
    role_name: Option<&'a str>,
}

pub(super) struct StaticKeys<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: Option<&'a str>,
}

pub(super) fn find_base<'a>(
    set: &'a ProfileSet,
    profile: &'a Section,
) -> Result<FoundBase<'a>, ChainError> {
    if let Some(value) = profile.get(keys::CREDENTIAL_SOURCE) {
        return match NamedSource::parse(value) {
            Some(named) => Ok(FoundBase::Named(named)),
            None => Err(error(
                profile,
                origin_of(profile, keys::CREDENTIAL_SOURCE),
                ChainErrorKind::UnknownCredentialSource {
                    profile: profile.name.to_string(),
                    value: value.to_string(),
                },
            )),
        };
    }
    match (
        profile.get(keys::ROLE_ARN),
        profile.get(keys::WEB_IDENTITY_TOKEN_FILE),
    ) {
        (Some(role_arn), Some(token_file)) => {
            return Ok(FoundBase::WebIdentity {
                role_arn,
                token_file,
            })
        }
        (None, Some(_)) => {
            return Err(error(
                profile,
                origin_of(profile, keys::WEB_IDENTITY_TOKEN_FILE),
                ChainErrorKind::WebIdentityWithoutRole(profile.name.to_string()),
            ))
        }
        _ => {}
    }
    if let Some(sso) = sso(set, profile)? {
        return Ok(FoundBase::Sso(sso));
    }
    if let Some(command) = profile.get(keys::CREDENTIAL_PROCESS) {
        return Ok(FoundBase::Process(command));
    }
    static_keys(profile).map(FoundBase::Static)
}

impl FoundBase<'_> {
    /// The base, owning its values; `profile` is the one it was found in.
    pub(super) fn build(self, profile: &Section) -> Base {
        let owned = |value: Option<&str>| value.map(String::from);
        let (source, key) = match self {
            FoundBase::Named(named) => (BaseSource::Named(named), keys::CREDENTIAL_SOURCE),
            FoundBase::WebIdentity {
                role_arn,
                token_file,
            } => (
                BaseSource::WebIdentity {
                    role_arn: role_arn.to_string(),
                    token_file: token_file.to_string(),
                    session_name: owned(profile.get(keys::ROLE_SESSION_NAME)),
                },
                keys::WEB_IDENTITY_TOKEN_FILE,
            ),
            FoundBase::Sso(sso) => (
                BaseSource::Sso {
                    sso_session: owned(sso.session),
                    start_url: owned(sso.start_url),
                    region: owned(sso.region),
                    account_id: owned(sso.account_id),
                    role_name: owned(sso.role_name),
                },
                if sso.session.is_some() {
                    keys::SSO_SESSION
                } else {
                    keys::SSO_START_URL
                },
            ),
            FoundBase::Process(command) => (
                match crate::profiles::command_line::vault_reference(command) {
                    Some(vault) => BaseSource::Vault {
                        item: vault.item,
                        store: vault.store,
                        command: command.to_string(),
                    },
                    None => BaseSource::CredentialProcess {
                        command: command.to_string(),
                    },
                },
                keys::CREDENTIAL_PROCESS,
            ),
            FoundBase::Static(found) => (
                BaseSource::Static {
                    access_key_id: found.access_key_id.to_string(),
                    secret_access_key: Secret::new(found.secret_access_key),
                    session_token: found.session_token.map(Secret::new),
                    account_id: owned(profile.get(keys::AWS_ACCOUNT_ID)),
                },
                keys::AWS_ACCESS_KEY_ID,
            ),
        };
        Base {
            profile: profile.name.to_string(),
            source,
            origin: origin_of(profile, key),
        }
    }
}

/// Whether `static_keys` finds keys, without building them.
pub(super) fn holds_static_keys(profile: &Section) -> bool {
    profile.get(keys::AWS_ACCESS_KEY_ID).is_some()
        && profile.get(keys::AWS_SECRET_ACCESS_KEY).is_some()
}

pub(super) fn static_keys(profile: &Section) -> Result<StaticKeys<'_>, ChainError> {
    let access = profile.get(keys::AWS_ACCESS_KEY_ID);
    let secret = profile.get(keys::AWS_SECRET_ACCESS_KEY);
    let token = profile.get(keys::AWS_SESSION_TOKEN);
    let partial = |key| {
        error(
            profile,
            None,
            ChainErrorKind::PartialKeys {
                profile: profile.name.to_string(),
                key,
            },
        )
    };
    match (access, secret) {
        (None, None) if token.is_none() => Err(error(
            profile,
            None,
            ChainErrorKind::NoCredentials(profile.name.to_string()),
        )),
        (None, _) => Err(partial(keys::AWS_ACCESS_KEY_ID)),
        (Some(_), None) => Err(partial(keys::AWS_SECRET_ACCESS_KEY)),
        (Some(access_key_id), Some(secret_access_key)) => Ok(StaticKeys {
            access_key_id,
            secret_access_key,
            session_token: token,
        }),
    }
}

fn sso<'a>(
    set: &'a ProfileSet,
    profile: &'a Section,
) -> Result<Option<SsoSettings<'a>>, ChainError> {
    let account_id = profile.get(keys::SSO_ACCOUNT_ID);
    let role_name = profile.get(keys::SSO_ROLE_NAME);
    let start_url = profile.get(keys::SSO_START_URL);
    let region = profile.get(keys::SSO_REGION);
    let session_name = profile.get(keys::SSO_SESSION);
    if [account_id, role_name, start_url, region, session_name]
        .iter()
        .all(Option::is_none)
    {
        return Ok(None);
    }
    let invalid = |message: String| {
        error(
            profile,
            None,
            ChainErrorKind::InvalidSso {
                profile: profile.name.to_string(),
                message,
            },
        )
    };
    let (mut region_out, mut start_url_out) = (region, start_url);
    if let Some(session_name) = session_name {
        let Some(session) = set.sso_session(session_name) else {
            return Err(error(
                profile,
                origin_of(profile, keys::SSO_SESSION),
                ChainErrorKind::MissingSsoSession {
                    profile: profile.name.to_string(),
                    session: session_name.to_string(),
                },
            ));
        };
        let session_region = session.get(keys::SSO_REGION);
        let session_start_url = session.get(keys::SSO_START_URL);
        if region.is_some() && region != session_region {
            return Err(invalid("`sso_region` can only be specified in the [sso-session] config when a session name is given".into()));
        }
        if start_url.is_some() && start_url != session_start_url {
            return Err(invalid("`sso_start_url` can only be specified in the [sso-session] config when a session name is given".into()));
        }
        region_out = session_region;
        start_url_out = session_start_url;
    }
    match (role_name, account_id) {
        (Some(_), None) => {
            return Err(invalid(
                "if `sso_role_name` is set, then `sso_account_id` must also be set".into(),
            ))
        }
        (None, Some(_)) => {
            return Err(invalid(
                "if `sso_account_id` is set, then `sso_role_name` must also be set".into(),
            ))
        }
        _ => {}
    }
    Ok(Some(SsoSettings {
        session: session_name,
        start_url: start_url_out,
        region: region_out,
        account_id,
        role_name,
    }))
}
