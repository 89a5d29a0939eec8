//! `awsprof sso login | logout`: IAM Identity Center sign-in, the token
//! kept in the AWS CLI v2's cache so that either tool's sign-in serves
//! the other.

use super::{print_json, runtime, selected_profile, Context};
use crate::aws::sso_login::{browser_login, device_login};
use crate::aws::{resolve_settings, sso_cache};
use crate::cli::{SsoCommand, SsoTarget};
use crate::error::{Error, Result};
use crate::operations::sso;
use serde_json::json;

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
    let target = sso::Target::Session(args.sso_session.clone());
    let (sign_in, what) = sso::sign_in_of(&files, &target)?;
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
    let (sign_in, what) = sso::sign_in_of(&files, &target_of(target))?;
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
    let path = sso_cache::token_path(&dir, &sign_in.key);
    if ctx.json() {
        print_json(&json!({
            "signed_in": what,
            "expires_at": crate::isotime::format_for_display(token.expires_at),
            "token_file": path.display().to_string(),
        }));
        return Ok(());
    }
    crate::errln!(
        "awsprof: signed in to {what} until {}; the token is in {}",
        crate::isotime::format_for_display(token.expires_at),
        path.display()
    );
    Ok(())
}

fn logout(ctx: &Context, target: &SsoTarget) -> Result<()> {
    let files = ctx.load()?;
    let (sign_in, what) = sso::sign_in_of(&files, &target_of(target))?;
    let out = sso::logout(&files, &sign_in, &cache_dir()?)?;
    if ctx.json() {
        print_json(&json!({
            "signed_out": what,
            "token_removed": out.token_removed,
            "role_credentials_removed": out.role_credentials_removed,
        }));
        return Ok(());
    }
    let roles = match out.role_credentials_removed {
        0 => String::new(),
        1 => ", and one role's cached credentials".to_string(),
        n => format!(", and {n} roles' cached credentials"),
    };
    match out.token_removed {
        true => crate::outln!("Signed out of {what}: its cached token is removed{roles}."),
        false if roles.is_empty() => {
            crate::outln!("No cached token for {what}: nothing to remove.")
        }
        false => crate::outln!("No cached token for {what}; removed{}.", &roles[5..]),
    }
    Ok(())
}

fn target_of(target: &SsoTarget) -> sso::Target {
    match &target.sso_session {
        Some(name) => sso::Target::Session(name.clone()),
        None => sso::Target::Profile(selected_profile(target.name.clone())),
    }
}
