//! Running a chain: the base credentials, then each AssumeRole hop signed
//! with the credentials before it.

use super::cache::{self, AssumeRoleArgs};
use super::errors::{describe, CallError};
use super::{sts_client, Creds, Settings};
use crate::chain::{Base, BaseSource, Chain, Hop, MfaSession, NamedSource};
use crate::profiles::values::MAX_CHAINED_DURATION;
use aws_credential_types::provider::ProvideCredentials;
use std::time::SystemTime;

/// Credentials reached at one step of the chain.
#[derive(Debug, Clone)]
pub struct Reached {
    /// `tanaka (static keys)` for the base, the role name for a hop.
    pub step: String,
    pub profile: String,
    pub creds: Creds,
    pub from_cache: bool,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{step}: {error}")]
pub struct RunError {
    /// `tanaka -> toy-role` for a hop, `tanaka (static keys)` for the base.
    pub step: String,
    pub error: CallError,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn base_step(base: &Base) -> String {
    let what = match &base.source {
        BaseSource::Static { .. } => "static keys",
        BaseSource::Named(NamedSource::Environment) => "environment",
        BaseSource::Named(NamedSource::Ec2InstanceMetadata) => "EC2 instance metadata",
        BaseSource::Named(NamedSource::EcsContainer) => "ECS container",
        BaseSource::CredentialProcess { .. } => "credential_process",
        BaseSource::Vault { .. } => "vault",
        BaseSource::Sso { .. } => "SSO",
        BaseSource::WebIdentity { .. } => "web identity",
    };
    format!("{} ({what})", base.profile)
}

async fn from_provider(provider: impl ProvideCredentials) -> Result<Creds, CallError> {
    provider
        .provide_credentials()
        .await
        .map(|c| Creds::from_sdk(&c))
        .map_err(|e| CallError {
            code: "CredentialsError".into(),
            message: super::errors::error_chain(&e),
        })
}

/// The cache entry of an SSO base's role credentials, shared with the
/// AWS CLI: its directory and key.
fn sso_cache_entry(base: &Base, settings: &Settings) -> Option<(std::path::PathBuf, String)> {
    let BaseSource::Sso {
        sso_session,
        start_url,
        account_id: Some(account_id),
        role_name: Some(role_name),
        ..
    } = &base.source
    else {
        return None;
    };
    let dir = settings.cache_dir.clone().filter(|_| settings.use_cache)?;
    let key = cache::sso_key(
        account_id,
        role_name,
        sso_session.as_deref(),
        start_url.as_deref().unwrap_or_default(),
    );
    Some((dir, key))
}

/// The base's credentials, and whether they came from the cache.
async fn base_creds(base: &Base, settings: &Settings) -> Result<(Creds, bool), CallError> {
    let entry = sso_cache_entry(base, settings);
    if let Some((dir, key)) = &entry {
        if let Some(creds) = cache::read_sso(dir, key, SystemTime::now()) {
            return Ok((creds, true));
        }
    }
    let creds = fetch_base_creds(base, settings).await?;
    if let (Some((dir, key)), BaseSource::Sso { account_id, .. }) = (&entry, &base.source) {
        let account = account_id.as_deref().unwrap_or_default();
        if let Err(e) = cache::write_sso(dir, key, &creds, account) {
            crate::errln!("awsprof: warning: the SSO role's credentials were not cached: {e}");
        }
    }
    Ok((creds, false))
}

async fn fetch_base_creds(base: &Base, settings: &Settings) -> Result<Creds, CallError> {
    use aws_config::provider_config::ProviderConfig;
    let region = aws_sdk_sts::config::Region::new(settings.region.clone());
    match &base.source {
        BaseSource::Static { .. } => Ok(static_creds(&base.source).expect("static keys")),
        BaseSource::Named(NamedSource::Environment) => {
            from_provider(aws_config::environment::EnvironmentVariableCredentialsProvider::new())
                .await
        }
        BaseSource::Named(NamedSource::Ec2InstanceMetadata) => {
            from_provider(aws_config::imds::credentials::ImdsCredentialsProvider::builder().build())
                .await
        }
        BaseSource::Named(NamedSource::EcsContainer) => {
            from_provider(aws_config::ecs::EcsCredentialsProvider::builder().build()).await
        }
        BaseSource::CredentialProcess { command } => {
            let command = command.clone();
            tokio::task::spawn_blocking(move || super::process::run(&command))
                .await
                .unwrap_or_else(|e| {
                    Err(CallError {
                        code: "CredentialProcessFailed".into(),
                        message: format!("credential_process did not finish: {e}"),
                    })
                })
        }
        BaseSource::Vault { item, store, .. } => {
            let (item, store) = (item.clone(), store.clone());
            in_own_thread(move || super::vault::read(&item, store.as_deref()))
                .await
                .unwrap_or_else(|| Err(super::vault::failed("the vault lookup did not finish")))
        }
        BaseSource::Sso {
            sso_session,
            start_url,
            region: sso_region,
            account_id,
            role_name,
        } => {
            let config = ProviderConfig::default().with_region(Some(region));
            let mut builder = aws_config::sso::SsoCredentialsProvider::builder().configure(&config);
            builder.set_start_url(start_url.clone());
            builder.set_region(sso_region.clone().map(aws_sdk_sts::config::Region::new));
            builder.set_account_id(account_id.clone());
            builder.set_role_name(role_name.clone());
            builder.set_session_name(sso_session.clone());
            from_provider(builder.build()).await.map_err(|e| {
                sso_failure(
                    e,
                    sso_session.as_deref(),
                    start_url.as_deref(),
                    &base.profile,
                )
            })
        }
        BaseSource::WebIdentity {
            role_arn,
            token_file,
            session_name,
        } => {
            let config = ProviderConfig::default().with_region(Some(region));
            let provider =
                aws_config::web_identity_token::WebIdentityTokenCredentialsProvider::builder()
                    .static_configuration(aws_config::web_identity_token::StaticConfiguration {
                        web_identity_token_file: token_file.into(),
                        role_arn: role_arn.clone(),
                        session_name: session_name.clone().unwrap_or_else(default_session_name),
                    })
                    .configure(&config)
                    .build();
            from_provider(provider).await
        }
    }
}

/// Why an SSO profile got no credentials: a sign-in that is missing or
/// ended (exit 2, naming the login), else what the service said.
fn sso_failure(
    error: CallError,
    session: Option<&str>,
    start_url: Option<&str>,
    profile: &str,
) -> CallError {
    let now = SystemTime::now();
    let signed_in = session
        .or(start_url)
        .zip(super::sso_cache::cache_dir())
        .and_then(|(key, dir)| super::sso_cache::read(&dir, key, now))
        .is_some_and(|token| !token.needs_sign_in(now));
    if signed_in {
        return error;
    }
    let login = match session {
        Some(session) => format!("awsprof sso login --sso-session {session}"),
        None => format!("awsprof sso login {profile}"),
    };
    CallError {
        code: super::errors::SSO_LOGIN_REQUIRED.into(),
        message: format!(
            "no SSO sign-in is cached for profile {profile}, or it ended and cannot be refreshed; run `{login}` (or `aws sso login`)"
        ),
    }
}

fn default_session_name() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("awsprof-{secs}")
}

fn mfa_code(hop: &Hop, serial: &str, settings: &Settings) -> Result<String, CallError> {
    if let Some(code) = &settings.mfa_code {
        return Ok(code.clone());
    }
    if !settings.may_prompt {
        return Err(CallError {
            code: super::errors::MFA_CODE_REQUIRED.into(),
            message: format!("the session from {serial} has expired, and its MFA code cannot be asked for while another program holds the terminal; run awsprof again"),
        });
    }
    let question = format!("MFA code for {serial} (profile {}): ", hop.profile);
    for _ in 0..3 {
        let code = crate::terminal::ask_secret(&question).map_err(|_| CallError {
            code: super::errors::MFA_CODE_REQUIRED.into(),
            message: format!("role needs an MFA code from {serial} and there is no terminal to ask on; pass --mfa-code CODE"),
        })?;
        match crate::profiles::values::check_mfa_code(&code) {
            Ok(()) => return Ok(code),
            Err(why) => {
                let _ = crate::terminal::ask_notice(&format!("{why}\n"));
            }
        }
    }
    Err(CallError {
        code: super::errors::MFA_CODE_REQUIRED.into(),
        message: format!("no 6-digit MFA code from {serial} after three tries"),
    })
}

/// The keys of a static source; `None` for any other source.
fn static_creds(source: &BaseSource) -> Option<Creds> {
    let BaseSource::Static {
        access_key_id,
        secret_access_key,
        session_token,
        ..
    } = source
    else {
        return None;
    };
    Some(Creds {
        access_key_id: access_key_id.clone(),
        secret_access_key: secret_access_key.clone(),
        session_token: session_token.clone(),
        expiration: None,
    })
}

/// The AssumeRole arguments of a hop, as the cache keys them.
fn cache_args(hop: &Hop) -> AssumeRoleArgs {
    AssumeRoleArgs {
        role_arn: hop.role_arn.clone(),
        role_session_name: hop.role_session_name.clone(),
        external_id: hop.external_id.clone(),
        serial_number: hop.mfa_serial.clone(),
        duration_seconds: hop.duration_seconds,
    }
}

/// What the session of hop `at` is made from, as its cache entry records
/// it: the base (profile, kind, key id or what stands for it) and every
/// role up to this one with its external id and MFA device. Only the same
/// chain may use the entry.
pub fn cache_origin(chain: &Chain, at: usize) -> serde_json::Value {
    let base = &chain.base;
    let (key_id, detail) = match &base.source {
        BaseSource::Static { access_key_id, .. } => (Some(access_key_id.clone()), None),
        BaseSource::CredentialProcess { command } | BaseSource::Vault { command, .. } => {
            (None, Some(command.clone()))
        }
        BaseSource::WebIdentity {
            role_arn,
            token_file,
            ..
        } => (None, Some(format!("{role_arn} {token_file}"))),
        BaseSource::Sso {
            sso_session,
            start_url,
            account_id,
            role_name,
            ..
        } => (
            None,
            Some(format!(
                "{sso_session:?} {start_url:?} {account_id:?} {role_name:?}"
            )),
        ),
        BaseSource::Named(_) => (None, None),
    };
    let roles: Vec<serde_json::Value> = chain.hops[..=at]
        .iter()
        .map(|hop| {
            serde_json::json!({
                "RoleArn": hop.role_arn,
                "ExternalId": hop.external_id,
                "SerialNumber": hop.mfa_serial,
            })
        })
        .collect();
    serde_json::json!({
        "BaseProfile": base.profile,
        "BaseSource": base.source.kind(),
        "BaseAccessKeyId": key_id,
        "BaseDetail": detail,
        "Roles": roles,
    })
}

/// The chain's final credentials when they are at hand without a call:
/// static keys that end a chain with no hop, or the last hop's cached
/// session while it is fresh. Needs no async runtime; a miss is `None`.
pub fn at_hand(chain: &Chain, settings: &Settings) -> Option<Creds> {
    match chain.hops.last() {
        None => static_creds(&chain.base.source).or_else(|| {
            let (dir, key) = sso_cache_entry(&chain.base, settings)?;
            cache::read_sso(&dir, &key, SystemTime::now())
        }),
        Some(hop) => {
            let dir = settings
                .cache_dir
                .as_deref()
                .filter(|_| settings.use_cache)?;
            let origin = cache_origin(chain, chain.hops.len() - 1);
            cache::read(dir, &cache_args(hop), &origin, SystemTime::now())
        }
    }
}

/// The hop's session from the shared cache, while fresh.
fn cached(hop: &Hop, origin: &serde_json::Value, settings: &Settings) -> Option<Creds> {
    let dir = settings
        .cache_dir
        .as_deref()
        .filter(|_| settings.use_cache)?;
    cache::read(dir, &cache_args(hop), origin, SystemTime::now())
}

/// How `prev` was reached, which decides what AssumeRole may ask for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Signer {
    /// Long-term keys or a role: the hop sends its own MFA code.
    Plain,
    /// The MFA session: it carries the MFA context, and a role assumed
    /// from it is role chaining, which STS caps at one hour.
    MfaSession,
}

async fn assume(
    hop: &Hop,
    origin: &serde_json::Value,
    prev: &Creds,
    signer: Signer,
    settings: &Settings,
) -> Result<(Creds, bool), CallError> {
    if let Some(creds) = cached(hop, origin, settings) {
        return Ok((creds, true));
    }
    let args = cache_args(hop);
    let cache_dir = settings.cache_dir.as_deref().filter(|_| settings.use_cache);
    let duration = match (signer, hop.duration_seconds) {
        (Signer::MfaSession, Some(asked)) if asked > MAX_CHAINED_DURATION => {
            crate::errln!(
                "awsprof: warning: profile {} asks for duration_seconds {asked}, but a role assumed from the MFA session is role chaining, which STS caps at {MAX_CHAINED_DURATION} s: asking for {MAX_CHAINED_DURATION} (renewed from the MFA session without a code; --no-mfa-session asks for a code each time instead)",
                hop.profile
            );
            Some(MAX_CHAINED_DURATION)
        }
        (_, asked) => asked,
    };
    let mut request = sts_client(prev, settings)
        .assume_role()
        .role_arn(&hop.role_arn)
        .role_session_name(
            hop.role_session_name
                .clone()
                .unwrap_or_else(default_session_name),
        )
        .set_external_id(hop.external_id.clone())
        .set_duration_seconds(duration.map(|d| d as i32));
    if let Some(serial) = hop.mfa_serial.as_ref().filter(|_| signer == Signer::Plain) {
        request = request
            .serial_number(serial)
            .token_code(mfa_code(hop, serial, settings)?);
    }
    let out = request.send().await.map_err(|e| describe(&e))?;
    let creds = issued(out.credentials(), "AssumeRole")?;
    let user = out.assumed_role_user();
    if let Some(dir) = cache_dir {
        let assumed = user.map(|u| (u.assumed_role_id(), u.arn()));
        if let Err(e) = cache::write(dir, &args, origin, &creds, assumed) {
            crate::errln!("awsprof: warning: the session was not cached: {e}");
        }
    }
    Ok((creds, false))
}

/// The temporary credentials an STS answer carries.
pub(super) fn issued(
    given: Option<&aws_sdk_sts::types::Credentials>,
    action: &str,
) -> Result<Creds, CallError> {
    let c = given.ok_or_else(|| CallError {
        code: "InvalidResponse".into(),
        message: format!("{action} answered without credentials"),
    })?;
    Ok(Creds {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: crate::secret::Secret::new(c.secret_access_key()),
        session_token: Some(crate::secret::Secret::new(c.session_token())),
        expiration: SystemTime::try_from(*c.expiration()).ok(),
    })
}

/// A new MFA session: one code, one GetSessionToken with the base's keys.
async fn new_mfa_session(
    session: &MfaSession,
    first: &Hop,
    base: &Creds,
    home: &SessionHome,
    settings: &Settings,
) -> Result<Creds, CallError> {
    let code = mfa_code(first, &session.serial, settings)?;
    let seconds = settings
        .mfa_session_duration
        .or(session.duration_seconds)
        .unwrap_or(crate::chain::DEFAULT_MFA_SESSION_SECONDS);
    let out = sts_client(base, settings)
        .get_session_token()
        .serial_number(&session.serial)
        .token_code(code)
        .duration_seconds(seconds as i32)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let creds = issued(out.credentials(), "GetSessionToken")?;
    if let Err(e) = keep(home, &base.access_key_id, &session.serial, &creds).await {
        crate::errln!("awsprof: warning: the MFA session was not kept: {e}");
    }
    Ok(creds)
}

/// Where the MFA session made from a chain's base is kept: beside the
/// key's item when the key is in the vault, else in awsprof's session
/// directory; nowhere under --no-cache.
enum SessionHome {
    Nowhere,
    Dir(std::path::PathBuf),
    Vault { item: String, store: Option<String> },
}

fn session_home(chain: &Chain, settings: &Settings) -> SessionHome {
    if !settings.use_cache {
        return SessionHome::Nowhere;
    }
    match &chain.base.source {
        BaseSource::Vault { item, store, .. } => SessionHome::Vault {
            item: item.clone(),
            store: store.clone(),
        },
        _ => match super::mfa_session::dir(settings) {
            Some(dir) => SessionHome::Dir(dir.to_path_buf()),
            None => SessionHome::Nowhere,
        },
    }
}

/// Runs a store lookup on a thread of its own: the OS store's client runs
/// its own event loop, which may not start inside this runtime.
async fn in_own_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(move || std::thread::spawn(work).join().ok())
        .await
        .ok()
        .flatten()
}

async fn kept(home: &SessionHome, key_id: &str, serial: &str) -> Option<Creds> {
    match home {
        SessionHome::Nowhere => None,
        SessionHome::Dir(dir) => super::mfa_session::read(dir, key_id, serial, SystemTime::now()),
        SessionHome::Vault { item, store } => {
            let (item, store) = (item.clone(), store.clone());
            let (key_id, serial) = (key_id.to_string(), serial.to_string());
            in_own_thread(move || {
                super::vault::read_session(&item, store.as_deref(), &key_id, &serial)
            })
            .await
            .flatten()
        }
    }
}

async fn keep(
    home: &SessionHome,
    key_id: &str,
    serial: &str,
    session: &Creds,
) -> Result<(), String> {
    match home {
        SessionHome::Nowhere => Ok(()),
        SessionHome::Dir(dir) => {
            super::mfa_session::write(dir, key_id, serial, session).map_err(|e| e.to_string())
        }
        SessionHome::Vault { item, store } => {
            let (item, store, session) = (item.clone(), store.clone(), session.clone());
            let (key_id, serial) = (key_id.to_string(), serial.to_string());
            in_own_thread(move || {
                super::vault::write_session(&item, store.as_deref(), &key_id, &serial, &session)
                    .map_err(|e| e.to_string())
            })
            .await
            .unwrap_or_else(|| Err("the vault write did not finish".into()))
        }
    }
}

/// The MFA session the first hop is to be assumed from: the kept one,
/// else, unless the first hop's own session is cached, a new one.
/// `Ok(None)`: the chain goes on without it.
async fn mfa_session_step(
    chain: &Chain,
    base: &Creds,
    settings: &Settings,
) -> Result<Option<Reached>, CallError> {
    let Some(session) = chain.mfa_session.as_ref().filter(|_| settings.mfa_session) else {
        return Ok(None);
    };
    // Keys that came with a token are a session already: STS gives no
    // session from a session.
    if base.session_token.is_some() {
        return Ok(None);
    }
    let first = &chain.hops[0];
    let home = session_home(chain, settings);
    let (creds, from_cache) = match kept(&home, &base.access_key_id, &session.serial).await {
        Some(creds) => (creds, true),
        None if cached(first, &cache_origin(chain, 0), settings).is_some() => return Ok(None),
        None => (
            new_mfa_session(session, first, base, &home, settings).await?,
            false,
        ),
    };
    Ok(Some(Reached {
        step: format!("{} (MFA session)", chain.base.profile),
        profile: chain.base.profile.clone(),
        creds,
        from_cache,
    }))
}

/// Runs the whole chain; `on_step` sees each step as it is reached.
pub async fn run_chain(
    chain: &Chain,
    settings: &Settings,
    mut on_step: impl FnMut(&Reached),
) -> Result<Vec<Reached>, RunError> {
    let step = base_step(&chain.base);
    let (creds, from_cache) =
        base_creds(&chain.base, settings)
            .await
            .map_err(|error| RunError {
                step: step.clone(),
                error,
            })?;
    let mut reached = vec![Reached {
        step,
        profile: chain.base.profile.clone(),
        creds,
        from_cache,
    }];
    on_step(&reached[0]);
    let mut signer = Signer::Plain;
    if !chain.hops.is_empty() {
        let session = mfa_session_step(chain, &reached[0].creds, settings)
            .await
            .map_err(|error| RunError {
                step: format!("{} -> MFA session", chain.base.profile),
                error: error.at_endpoint("STS", &settings.sts_url()),
            })?;
        if let Some(session) = session {
            reached.push(session);
            on_step(reached.last().expect("just pushed"));
            signer = Signer::MfaSession;
        }
    }
    for (at, hop) in chain.hops.iter().enumerate() {
        let prev = reached.last().expect("the base is reached first");
        let from = if reached.len() == 1 {
            chain.base.profile.as_str()
        } else {
            prev.step.as_str()
        };
        let step = role_name(&hop.role_arn).to_string();
        let hop_signer = if at == 0 { signer } else { Signer::Plain };
        let (creds, from_cache) = assume(
            hop,
            &cache_origin(chain, at),
            &prev.creds,
            hop_signer,
            settings,
        )
        .await
        .map_err(|error| RunError {
            step: format!("{from} -> {step}"),
            error: error.at_endpoint("STS", &settings.sts_url()),
        })?;
        reached.push(Reached {
            step,
            profile: hop.profile.clone(),
            creds,
            from_cache,
        });
        on_step(reached.last().expect("just pushed"));
    }
    Ok(reached)
}

pub async fn caller_identity(creds: &Creds, settings: &Settings) -> Result<Identity, CallError> {
    let out = sts_client(creds, settings)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| describe(&e))?;
    Ok(Identity {
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
        user_id: out.user_id().unwrap_or_default().to_string(),
    })
}
