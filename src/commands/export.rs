//! `awsprof profile export [NAME] --format F`: the chain's credentials as
//! text. Printing secrets is this command's job; nothing else goes to
//! standard output.

use super::{credentials, selected_profile, Context};
use crate::aws::Creds;
use crate::cli::ExportArgs;
use crate::error::{Error, Result};
use crate::export::{render, Format};
use std::io::Write;

pub fn run(ctx: &Context, args: ExportArgs) -> Result<()> {
    let (profile, format) = request(ctx, &args)?;
    let (creds, _) = credentials::reach(ctx, &profile, &args.aws)?;
    print(&creds, format, &profile)
}

/// [`run`] when the credentials are at hand, without the async runtime
/// or any AWS client; `None` (having printed nothing) when only running
/// the chain would reach them.
pub fn run_at_hand(ctx: &Context, args: &ExportArgs) -> Option<Result<()>> {
    let (profile, format) = match request(ctx, args) {
        Ok(request) => request,
        Err(e) => return Some(Err(e)),
    };
    credentials::reach_at_hand(ctx, &profile, &args.aws)
        .transpose()
        .map(|reached| reached.and_then(|(creds, _)| print(&creds, format, &profile)))
}

/// The profile and the format the command line asks for.
fn request(ctx: &Context, args: &ExportArgs) -> Result<(String, Format)> {
    let profile = selected_profile(args.name.clone());
    let format = Format::parse(&args.format)
        .ok_or_else(|| Error::Usage(format!("unknown format `{}`", args.format)))?;
    if ctx.json() && format != Format::Process {
        return Err(Error::Usage(format!(
            "--output json and --format {} ask for two different outputs; drop --output json, or use --format process (JSON)",
            format.name()
        )));
    }
    credentials::check_stack(&profile)?;
    Ok((profile, format))
}

/// Writes the credentials in `format` to standard output, in one write.
pub fn print(creds: &Creds, format: Format, profile: &str) -> Result<()> {
    let text = render(format, &creds.exported(), profile).map_err(|e| {
        Error::Config(format!(
            "profile `{profile}`: the credentials its chain reaches are not exported: {e}. AWS issues keys only in that alphabet; fix the value in the file (or the program that supplied it) and try again"
        ))
    })?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::Usage(format!("cannot write the credentials: {e}")))
}
