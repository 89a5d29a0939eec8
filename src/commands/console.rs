//! `awsprof console [NAME]`: the AWS Management Console in the browser,
//! signed in as the profile's chain ends.

use super::{credentials, runtime, selected_profile, Context};
use crate::aws::console::{sign_in_url, ConsoleError, Request, Source};
use crate::chain::{BaseSource, Chain};
use crate::cli::ConsoleArgs;
use crate::error::{Error, Result};
use crate::export::console::{check_service, Partition};

/// Instead of the partition's federation endpoint: for tests and private
/// endpoints.
pub const FEDERATION_ENDPOINT_VAR: &str = "AWSPROF_FEDERATION_ENDPOINT";

pub fn run(ctx: &Context, args: ConsoleArgs) -> Result<()> {
    if let Some(service) = &args.service {
        check_service(service).map_err(Error::Usage)?;
    }
    let profile = selected_profile(args.name);
    let reached = credentials::reach_chain(ctx, &profile, &args.aws)?;
    let source = source_of(&reached.chain, &reached.creds, &reached.settings);
    if source == Source::LongTerm && asks_for_mfa(ctx, &reached.chain)? {
        crate::errln!(
            "awsprof: note: profile {profile} has long-term keys and an mfa_serial, but GetFederationToken takes no MFA code: where your policies require MFA (aws:MultiFactorAuthPresent), the console will refuse those actions. Sign in through a role with mfa_serial to carry MFA"
        );
    }
    let settings = &reached.settings;
    let request = Request {
        profile: profile.clone(),
        region: settings.region_configured.then(|| settings.region.clone()),
        service: args.service,
        destination: args.destination,
        duration: args.duration,
        partition: reached
            .chain
            .hops
            .last()
            .and_then(|hop| Partition::of_arn(&hop.role_arn)),
        federation_endpoint: std::env::var(FEDERATION_ENDPOINT_VAR)
            .ok()
            .filter(|v| !v.is_empty()),
    };
    let signed = runtime()?
        .block_on(sign_in_url(&reached.creds, source, settings, &request))
        .map_err(|e| match e {
            ConsoleError::Usage(message) => Error::Usage(message),
            ConsoleError::Call(mut run) => {
                if run.step == "GetFederationToken" && run.error.code == "AccessDenied" {
                    run.error.message.push_str(
                        " (an account that requires MFA for every call refuses it too: sign in through a role with mfa_serial)",
                    );
                }
                Error::from(run)
            }
        })?;
    if args.print {
        match ctx.json() {
            true => super::print_json(&serde_json::json!({
                "profile": profile,
                "signed_in_with": signed.how,
                "url": signed.url,
            })),
            false => crate::outln!("{}", signed.url),
        }
        return Ok(());
    }
    match crate::browser::open(&signed.url) {
        Ok(opener) if ctx.json() => {
            super::print_json(&serde_json::json!({
                "profile": profile,
                "signed_in_with": signed.how,
                "opened_with": opener,
            }));
            Ok(())
        }
        Ok(opener) => {
            crate::errln!(
                "awsprof: opened the console for profile {profile} ({}) with {opener}; the sign-in link works for 15 minutes",
                signed.how
            );
            Ok(())
        }
        Err(why) => Err(Error::Usage(format!(
            "cannot open a browser ({why}); set $BROWSER, or run `awsprof console {profile} --print` and open the link yourself (it is a credential for 15 minutes: do not share it)"
        ))),
    }
}

/// What the chain's final credentials are, as far as the files tell.
fn source_of(chain: &Chain, creds: &crate::aws::Creds, settings: &crate::aws::Settings) -> Source {
    if !chain.hops.is_empty() {
        let from_session = chain.mfa_session.is_some() && settings.mfa_session;
        return Source::Role {
            chained: chain.hops.len() > 1 || from_session,
        };
    }
    match chain.base.source {
        BaseSource::Sso { .. } | BaseSource::WebIdentity { .. } => Source::Role { chained: false },
        _ if creds.session_token.is_none() => Source::LongTerm,
        _ => Source::Unknown,
    }
}

/// Whether the chain's base profile names an MFA device.
fn asks_for_mfa(ctx: &Context, chain: &Chain) -> Result<bool> {
    let files = ctx.load()?;
    let named = files
        .set
        .profile(&chain.base.profile)
        .is_some_and(|p| p.get(crate::profiles::keys::MFA_SERIAL).is_some());
    super::leave_to_exit(files);
    Ok(named)
}
