//! IAM Identity Center's local state: which sign-in a profile or an
//! sso-session uses, and signing out (the token and the role credentials
//! got with it, as the AWS CLI's logout removes them).

use crate::aws::sso_login::SignIn;
use crate::aws::{resolve_settings, sso_cache};
use crate::error::{Error, Result};
use crate::profiles::{keys, ProfileFiles, Section};

/// What to sign in to: an `[sso-session NAME]`, or the profile whose
/// `sso_session` (or legacy `sso_start_url`) names it.
pub enum Target {
    Session(String),
    Profile(String),
}

/// The sign-in of `target` from the files, and how to name it to the user.
pub fn sign_in_of(files: &ProfileFiles, target: &Target) -> Result<(SignIn, String)> {
    let set = &files.set;
    let (session_name, profile) = match target {
        Target::Session(name) => (Some(name.clone()), None),
        Target::Profile(name) => {
            let profile = set
                .profile(name)
                .ok_or_else(|| Error::unknown_profile(files, name))?;
            (
                profile.get(keys::SSO_SESSION).map(String::from),
                Some(profile),
            )
        }
    };
    let endpoint = resolve_settings(&Default::default(), set, "").sso_oidc_endpoint;
    match (session_name, profile) {
        (Some(name), _) => {
            let session = set.sso_session(&name).ok_or_else(|| {
                Error::Usage(format!(
                    "no [sso-session {name}] in {}{}",
                    files.config.path.display(),
                    crate::suggest::did_you_mean(&name, set.sso_sessions.keys())
                ))
            })?;
            let sign_in = sign_in_from(name.clone(), session, endpoint)?;
            Ok((sign_in, format!("sso-session {name}")))
        }
        (None, Some(profile)) if profile.get(keys::SSO_START_URL).is_some() => {
            let url = profile.get(keys::SSO_START_URL).unwrap_or_default().to_string();
            Ok((sign_in_from(url.clone(), profile, endpoint)?, url))
        }
        (None, profile) => Err(Error::Usage(format!(
            "profile {} names no sso_session or sso_start_url; name an [sso-session] with --sso-session",
            profile.map(|p| p.name.to_string()).unwrap_or_default()
        ))),
    }
}

fn sign_in_from(key: String, section: &Section, endpoint: Option<String>) -> Result<SignIn> {
    let need = |k: &str| {
        section.get(k).map(String::from).ok_or_else(|| {
            Error::Config(format!(
                "{} has no {k}; add it (`aws configure sso-session` writes both)",
                section.name
            ))
        })
    };
    Ok(SignIn {
        key,
        start_url: need(keys::SSO_START_URL)?,
        region: need(keys::SSO_REGION)?,
        scopes: section
            .get("sso_registration_scopes")
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        endpoint,
    })
}

/// What signing out removed.
pub struct SignedOut {
    pub token_removed: bool,
    pub role_credentials_removed: usize,
}

/// Removes the cached token of `sign_in` from `token_dir` and the cached
/// role credentials of every profile on that sign-in: signed out means no
/// profile works on it.
pub fn logout(
    files: &ProfileFiles,
    sign_in: &SignIn,
    token_dir: &std::path::Path,
) -> Result<SignedOut> {
    let token_removed = sso_cache::remove(token_dir, &sign_in.key)?;
    let settings = resolve_settings(&Default::default(), &files.set, "");
    let mut role_credentials_removed = 0;
    if let Some(dir) = &settings.cache_dir {
        crate::store::private_dir::check(dir)?;
        for (_, profile) in files.set.profiles.iter() {
            let session = profile.get(keys::SSO_SESSION);
            let on_it = match session {
                Some(name) => name == sign_in.key,
                None => profile.get(keys::SSO_START_URL) == Some(sign_in.key.as_str()),
            };
            let (Some(account), Some(role)) = (
                profile.get(keys::SSO_ACCOUNT_ID),
                profile.get(keys::SSO_ROLE_NAME),
            ) else {
                continue;
            };
            if on_it {
                let key = crate::aws::cache::sso_key(account, role, session, &sign_in.start_url);
                role_credentials_removed += usize::from(crate::aws::cache::remove_sso(dir, &key)?);
            }
        }
    }
    Ok(SignedOut {
        token_removed,
        role_credentials_removed,
    })
}
