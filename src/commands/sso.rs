//! `awsprof sso login | logout`: IAM Identity Center sign-in, the token
//! kept in the AWS CLI v2's cache so that either tool's sign-in serves
//! the other.

use super::{runtime, selected_profile, Context};
use crate::aws::sso_login::{browser_login, device_login, SignIn};
use crate::aws::{resolve_settings, sso_cache};
use crate::cli::{SsoCommand, SsoTarget};
use crate::error::{Error, Result};
use crate::profiles::{keys, ProfileFiles};

pub fn run(ctx: &Context, cmd: SsoCommand) -> Result<()> {
    match cmd {
        SsoCommand::Login(args) => login(ctx, &args.target, args.use_device_code, args.no_browser),
        SsoCommand::Logout(target) => logout(ctx, &target),
        SsoCommand::Populate(args) => populate(ctx, args),
    }
}

fn populate(ctx: &Context, args: crate::cli::SsoPopulateArgs) -> Result<()> {
    use crate::edits::populate::{self as edit, Assignment, Populate};
    edit::check_template(&args.template)?;
    let files = ctx.load()?;
    let target = SsoTarget {
        name: None,
        sso_session: Some(args.sso_session.clone()),
    };
    let (sign_in, what) = sign_in_of(&files, &target)?;
    let now = std::time::SystemTime::now();
    let token = sso_cache::access_token(&cache_dir()?, &sign_in.key, now).ok_or_else(|| {
        Error::Usage(format!(
            "no live sign-in for {what}; run `awsprof sso login --sso-session {}` first",
            args.sso_session
        ))
    })?;
    let endpoint = resolve_settings(&Default::default(), &files.set, "").sso_endpoint;
    let listed: Vec<Assignment> = runtime()?
        .block_on(crate::aws::sso_portal::assignments(
            &sign_in.region,
            endpoint.as_deref(),
            token.expose(),
        ))
        .map_err(|error| {
            Error::from(crate::aws::RunError {
                step: format!("sso populate ({what})"),
                error,
            })
        })?
        .into_iter()
        .map(|a| Assignment {
            account_id: a.account_id,
            account_name: a.account_name,
            role_name: a.role_name,
        })
        .collect();
    let mut plan = Populate {
        session: args.sso_session.clone(),
        template: args.template,
        region: args.region,
        prune: args.prune,
    };
    let gone = edit::stale(&files, &plan, &listed);
    super::leave_to_exit(files);
    if plan.prune && !gone.is_empty() && !args.yes && !args.write.dry_run {
        if crate::terminal::available().is_err() {
            return Err(Error::Usage(format!(
                "--prune would remove {}; pass --yes to remove them without a terminal to ask on",
                gone.join(", ")
            )));
        }
        let answer = crate::terminal::ask(&format!(
            "Remove the populated profiles {}? [y/N] ",
            gone.join(", ")
        ))
        .unwrap_or_default();
        plan.prune = matches!(answer.trim(), "y" | "Y" | "yes");
    }
    let applied = super::apply(ctx, args.write.dry_run, None, |files| {
        edit::populate(files, &plan, &listed)
    })?;
    super::report::edit(
        ctx,
        &format!("sso-session {}", plan.session),
        &applied,
        args.write.dry_run,
    );
    Ok(())
}

fn cache_dir() -> Result<std::path::PathBuf> {
    sso_cache::cache_dir()
        .ok_or_else(|| Error::Usage("no home directory to keep the token in".into()))
}

fn login(ctx: &Context, target: &SsoTarget, device_code: bool, no_browser: bool) -> Result<()> {
    let files = ctx.load()?;
    let (sign_in, what) = sign_in_of(&files, target)?;
    let dir = cache_dir()?;
    crate::store::private_dir::check(&dir)?;
    let failed = |error| {
        Error::from(crate::aws::RunError {
            step: format!("sso login ({what})"),
            error,
        })
    };
    let token = if device_code {
        runtime()?
            .block_on(device_login(&sign_in, |device| {
                crate::errln!(
                    "To sign in to {what}, open {} and confirm the code {}",
                    device.verification_uri_complete,
                    device.user_code
                );
                if !no_browser {
                    let _ = crate::browser::open(&device.verification_uri_complete);
                }
            }))
            .map_err(failed)?
    } else {
        runtime()?
            .block_on(browser_login(&sign_in, |url| {
                crate::errln!("To sign in to {what}, allow the request on the page that opens; if none does, open:\n{url}");
                if !no_browser {
                    let _ = crate::browser::open(url);
                }
            }))
            .map_err(failed)?
    };
    let text = crate::aws::sso_login::cache_json(&sign_in, &token);
    sso_cache::write(&dir, &sign_in.key, &text)?;
    crate::errln!(
        "awsprof: signed in to {what} until {}; the token is in {}",
        crate::isotime::format_for_display(token.expires_at),
        sso_cache::token_path(&dir, &sign_in.key).display()
    );
    Ok(())
}

fn logout(ctx: &Context, target: &SsoTarget) -> Result<()> {
    let files = ctx.load()?;
    let (sign_in, what) = sign_in_of(&files, target)?;
    let removed = sso_cache::remove(&cache_dir()?, &sign_in.key)?;
    // The role credentials got with that sign-in go too, as the AWS CLI's
    // logout removes them: signed out means no profile works on it.
    let settings = resolve_settings(&Default::default(), &files.set, "");
    let mut roles = 0;
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
                roles += usize::from(crate::aws::cache::remove_sso(dir, &key)?);
            }
        }
    }
    let roles = match roles {
        0 => String::new(),
        1 => ", and one role's cached credentials".to_string(),
        n => format!(", and {n} roles' cached credentials"),
    };
    match removed {
        true => crate::outln!("Signed out of {what}: its cached token is removed{roles}."),
        false if roles.is_empty() => {
            crate::outln!("No cached token for {what}: nothing to remove.")
        }
        false => crate::outln!("No cached token for {what}; removed{}.", &roles[5..]),
    }
    Ok(())
}

/// The sso-session (or legacy profile) to sign in to, from the files.
fn sign_in_of(files: &ProfileFiles, target: &SsoTarget) -> Result<(SignIn, String)> {
    let set = &files.set;
    let (session_name, profile) = match &target.sso_session {
        Some(name) => (Some(name.clone()), None),
        None => {
            let name = selected_profile(target.name.clone());
            let profile = set
                .profile(&name)
                .ok_or_else(|| Error::unknown_profile(files, &name))?;
            (
                profile.get(keys::SSO_SESSION).map(String::from),
                Some(profile),
            )
        }
    };
    let settings = resolve_settings(&Default::default(), set, "");
    let sign_in = |key: String, section: &crate::profiles::Section| -> Result<SignIn> {
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
            endpoint: settings.sso_oidc_endpoint.clone(),
        })
    };
    match (session_name, profile) {
        (Some(name), _) => {
            let session = set.sso_session(&name).ok_or_else(|| {
                Error::Usage(format!(
                    "no [sso-session {name}] in {}{}",
                    files.config.path.display(),
                    crate::suggest::did_you_mean(&name, set.sso_sessions.keys())
                ))
            })?;
            Ok((sign_in(name.clone(), session)?, format!("sso-session {name}")))
        }
        (None, Some(profile)) if profile.get(keys::SSO_START_URL).is_some() => {
            let url = profile.get(keys::SSO_START_URL).unwrap_or_default().to_string();
            Ok((sign_in(url.clone(), profile)?, url))
        }
        (None, profile) => Err(Error::Usage(format!(
            "profile {} names no sso_session or sso_start_url; name an [sso-session] with --sso-session",
            profile.map(|p| p.name.to_string()).unwrap_or_default()
        ))),
    }
}
