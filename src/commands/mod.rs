//! One module per subcommand; each composes the layers and formats the
//! result. Shared plumbing lives here.

mod add_role;
mod backup;
mod configure;
mod console;
mod credential_process;
mod credentials;
mod exec;
mod export;
mod iam;
mod key;
mod lint;
mod list;
mod remove_role;
pub mod report;
mod resolve;
mod sections;
mod set;
mod show;
mod sso;
mod unset;
mod vault;
mod verify;
mod whoami;

use crate::cli::{Cli, Command, Output, ProfileCommand};
use crate::error::{exit, Result};
use crate::profiles::{Locations, Origin, ProfileFiles};
use crate::store::{BackupStore, Store};
use std::path::PathBuf;

/// Runs the command; `Ok` holds the exit code of a command that finished
/// its work (verify and lint report their verdict that way), `Err` an
/// error whose type decides the code (`Error::exit_code`).
pub fn run(cli: Cli) -> Result<i32> {
    let ctx = Context::new(&cli);
    match cli.command {
        Command::Profile(cmd) => match cmd {
            ProfileCommand::List(args) => list::run(&ctx, args.show_secrets),
            ProfileCommand::Show(args) => show::run(&ctx, args.name, args.show_secrets),
            ProfileCommand::AddRole(args) => add_role::run(&ctx, args),
            ProfileCommand::RemoveRole { name, write } => remove_role::run(&ctx, &name, write),
            ProfileCommand::Set {
                name,
                key,
                value,
                file,
                create,
                force,
                write,
            } => set::run(
                &ctx,
                &name,
                &key,
                &value,
                file,
                crate::edits::Guard { create, force },
                write,
            ),
            ProfileCommand::Unset { name, key, write } => unset::run(&ctx, &name, &key, write),
            ProfileCommand::Resolve(args) => resolve::run(&ctx, args.name),
            ProfileCommand::Whoami { name, verbose, aws } => whoami::run(&ctx, name, verbose, aws),
            ProfileCommand::Verify(args) => return verify::run(&ctx, args),
            ProfileCommand::Export(args) => export::run(&ctx, args),
            ProfileCommand::Configure(args) => configure::run(&ctx, args),
            ProfileCommand::Rename { old, new, write } => sections::rename(&ctx, &old, &new, write),
            ProfileCommand::Copy {
                src,
                dst,
                without_keys,
                write,
            } => sections::copy(&ctx, &src, &dst, without_keys, write),
            ProfileCommand::Delete {
                name,
                force,
                vault_item,
                write,
            } => sections::delete(&ctx, &name, force, vault_item, write),
        },
        Command::Iam(cmd) => return iam::run(&ctx, cmd),
        Command::SsoSession(cmd) => sections::sso_session(&ctx, cmd),
        Command::Sso(cmd) => sso::run(&ctx, cmd),
        Command::Services(cmd) => sections::services(&ctx, cmd),
        Command::Key(cmd) => return key::run(&ctx, cmd),
        Command::Vault(cmd) => vault::run(&ctx, cmd),
        Command::Exec(args) => exec::run(&ctx, args),
        Command::CredentialProcess(args) => credential_process::run(&ctx, args),
        Command::Console(args) => console::run(&ctx, args),
        Command::Backup(cmd) => backup::run(&ctx, cmd),
        Command::Lint(args) => return lint::run(&ctx, args),
        Command::Completions { shell } => crate::completion::print_script(shell),
    }
    .map(|()| exit::OK)
}

/// Runs the commands the `awsprof` binary answers itself, without any AWS
/// client compiled in (see [`crate::front`]): `None`, with nothing done,
/// for any other command, for a `credential-process`, `profile export`
/// or `exec` whose credentials only running the chain would reach, and
/// for a `lint` that must fix or ask the vault.
pub fn run_at_hand(cli: Cli) -> Option<Result<i32>> {
    let ctx = Context::new(&cli);
    let outcome = match cli.command {
        Command::CredentialProcess(args) => credential_process::run_at_hand(&ctx, &args)?,
        Command::Exec(args) => exec::run_at_hand(&ctx, &args)?,
        Command::Profile(ProfileCommand::Export(args)) => export::run_at_hand(&ctx, &args)?,
        Command::Profile(ProfileCommand::List(args)) => list::run(&ctx, args.show_secrets),
        Command::Profile(ProfileCommand::Resolve(args)) => resolve::run(&ctx, args.name),
        Command::Profile(ProfileCommand::Show(args)) => {
            show::run(&ctx, args.name, args.show_secrets)
        }
        Command::Profile(ProfileCommand::AddRole(args)) => add_role::run(&ctx, args),
        Command::Lint(args) => return lint::run_at_hand(&ctx, &args),
        _ => return None,
    };
    Some(outcome.map(|()| exit::OK))
}

pub struct Context {
    pub locations: Locations,
    pub output: Output,
    pub backup_dir: Option<PathBuf>,
    pub command_line: String,
}

impl Context {
    fn new(cli: &Cli) -> Context {
        let global = &cli.global;
        let mut locations = Locations::from_environment();
        if let Some(path) = &global.config_file {
            locations.config = path.clone();
        }
        if let Some(path) = &global.credentials_file {
            locations.credentials = path.clone();
        }
        Context {
            locations,
            output: global.output,
            backup_dir: global.backup_dir.clone(),
            command_line: command_line(cli),
        }
    }

    pub fn json(&self) -> bool {
        self.output == Output::Json
    }

    pub fn load(&self) -> Result<ProfileFiles> {
        Ok(ProfileFiles::load(&self.locations)?)
    }

    pub fn backups(&self) -> BackupStore {
        BackupStore::locate(self.backup_dir.clone())
    }

    pub fn store(&self) -> Store {
        Store {
            backups: self.backups(),
            command: self.command_line.clone(),
            state_root: crate::store::private_dir::state_root(),
        }
    }
}

/// The command line as typed, for backup manifests, with every secret
/// value masked by meaning, wherever its flags stand: the value `profile
/// set` gives a secret key, and an MFA code. Values read from standard
/// input never reach the command line.
fn command_line(cli: &Cli) -> String {
    let secrets = secret_values(cli);
    let mask = |arg: &str| -> String {
        if secrets.iter().any(|s| s == arg) {
            return crate::secret::MASK.to_string();
        }
        match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") && secrets.iter().any(|s| s == value) => {
                format!("{flag}={}", crate::secret::MASK)
            }
            _ => arg.to_string(),
        }
    };
    let mut out: Vec<String> = std::env::args().skip(1).map(|a| mask(&a)).collect();
    out.insert(0, "awsprof".to_string());
    out.join(" ")
}

/// The secret values the parsed command line holds.
fn secret_values(cli: &Cli) -> Vec<String> {
    let mut out = Vec::new();
    let mut mfa = |aws: &crate::cli::AwsArgs| out.extend(aws.mfa_code.clone());
    match &cli.command {
        Command::Profile(ProfileCommand::Whoami { aws, .. }) => mfa(aws),
        Command::Profile(ProfileCommand::Verify(args)) => mfa(&args.aws),
        Command::Profile(ProfileCommand::Export(args)) => mfa(&args.aws),
        Command::Exec(args) => mfa(&args.aws),
        Command::CredentialProcess(args) => mfa(&args.aws),
        Command::Console(args) => mfa(&args.aws),
        Command::Key(crate::cli::KeyCommand::List { aws, .. })
        | Command::Key(crate::cli::KeyCommand::Rotate { aws, .. }) => mfa(aws),
        Command::Iam(cmd) => {
            use crate::cli::IamCommand::*;
            let admin = match cmd {
                CreateUser(a) => &a.admin,
                CreateRole(a) => &a.admin,
                DeleteRole(a) => &a.admin,
                DeleteUser(a) => &a.admin,
            };
            mfa(&admin.aws)
        }
        _ => {}
    }
    if let Command::Profile(ProfileCommand::Set { key, value, .. }) = &cli.command {
        if crate::profiles::is_secret_key(key) && value != "-" {
            out.push(value.clone());
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The profile a command uses when none is named: `$AWS_DEFAULT_PROFILE`
/// then `$AWS_PROFILE` (botocore's order; the SDKs read only the second,
/// so where both are set and differ a warning names both), else inside
/// `awsprof exec` the profile it runs as (`$AWSPROF_PROFILE`, said on
/// stderr), else `default`. A name that came from a variable is
/// remembered, so that "not found" can say where it came from.
pub fn selected_profile(name: Option<String>) -> String {
    named_profile(name).unwrap_or_else(|| "default".to_string())
}

/// The profile named on the command line or by a variable, if any.
pub fn named_profile(name: Option<String>) -> Option<String> {
    if let Some(name) = name {
        return Some(name);
    }
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let (default_profile, profile) = (var("AWS_DEFAULT_PROFILE"), var("AWS_PROFILE"));
    if let (Some(d), Some(p)) = (&default_profile, &profile) {
        if d != p {
            crate::errln!(
                "awsprof: warning: AWS_DEFAULT_PROFILE={d} and AWS_PROFILE={p} differ; awsprof and the AWS CLI use {d}, the AWS SDKs use {p}"
            );
        }
    }
    let chosen = default_profile
        .map(|v| ("AWS_DEFAULT_PROFILE", v))
        .or_else(|| profile.map(|v| ("AWS_PROFILE", v)))
        .or_else(|| {
            let inside = var(exec::PROFILE_VAR)?;
            crate::errln!(
                "awsprof: using profile {inside}, the one this `awsprof exec` runs as ({})",
                exec::PROFILE_VAR
            );
            Some((exec::PROFILE_VAR, inside))
        });
    let (source, name) = chosen?;
    let _ = PROFILE_FROM.set((name.clone(), source));
    Some(name)
}

static PROFILE_FROM: std::sync::OnceLock<(String, &'static str)> = std::sync::OnceLock::new();

/// `AWS_PROFILE=tanak: ` when `name` was taken from that variable.
pub fn named_by_variable(name: &str) -> String {
    match PROFILE_FROM.get() {
        Some((n, var)) if n == name => format!("{var}={name}: "),
        _ => String::new(),
    }
}

/// `credentials:3`.
pub fn origin_label(origin: Origin) -> String {
    format!("{}:{}", origin.file, origin.line)
}

pub use crate::operations::Applied;

/// Runs `edit` as one store transaction, or (dry run) as the same
/// transaction without its commit (see [`crate::operations::apply`]).
pub fn apply<T>(
    ctx: &Context,
    dry_run: bool,
    profiles: Option<&[&str]>,
    edit: impl FnMut(&mut ProfileFiles) -> Result<T>,
) -> Result<Applied<T>> {
    crate::operations::apply(&ctx.store(), &ctx.locations, dry_run, profiles, edit)
}

/// The runtime the AWS commands run on.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    crate::aws::runtime()
        .map_err(|e| crate::error::Error::Aws(format!("cannot start the async runtime: {e}")))
}

/// Reads the files, resolves `profile`'s chain and runs it to its end.
pub async fn arrive(
    ctx: &Context,
    profile: &str,
    args: &crate::cli::AwsArgs,
    on_step: impl FnMut(&crate::aws::Reached),
) -> Result<crate::aws::Arrived> {
    let files = ctx.load()?;
    let chain = crate::chain::resolve(&files.set, profile)
        .map_err(|e| crate::error::Error::chain(&files, e))?;
    let settings = crate::aws::resolve_settings(&args.into(), &files.set, profile);
    crate::aws::cache::check_dir(&settings)?;
    Ok(crate::aws::arrive(chain, settings, on_step).await?)
}

/// Leaves a value with many allocations (parsed files) to the process's
/// exit, which is near: freeing tens of thousands of small allocations one
/// by one would only delay it.
pub fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

pub fn print_json(value: &impl serde::Serialize) {
    use std::io::Write;
    let pretty = serde_json::to_string_pretty(value).expect("JSON values serialize");
    let mut text = escape_del_and_c1(pretty);
    text.push('\n');
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// `json` with DEL and the C1 controls written as `\u` escapes: serde_json
/// escapes the C0 controls and leaves these raw, and a terminal may obey
/// them. Text without them (DEL is byte 0x7F; every C1 control is 0xC2
/// then 0x80 to 0x9F) is handed back as it is: lint's report of 10,000
/// findings is 3 MB, and a string for each character cost 55 ms of the
/// 100 ms it took.
fn escape_del_and_c1(json: String) -> String {
    use std::fmt::Write as _;
    if memchr::memchr2(0x7f, 0xc2, json.as_bytes()).is_none() {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if crate::terminal::is_del_or_c1(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// See [`exec::missing_separator_hint`].
pub fn exec_missing_separator(args: &[String]) -> Option<String> {
    exec::missing_separator_hint(args)
}

/// Rows (the header first), each column as wide as its widest cell
/// (counted in characters), two spaces apart, no trailing spaces.
pub fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// `1 backup`, `2 backups`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::escape_del_and_c1;

    #[test]
    fn json_text_has_del_and_the_c1_controls_escaped_and_nothing_else() {
        let json = serde_json::to_string(
            &"a\u{7f}b\u{80}c\u{85}d\u{9b}e\u{9f}f\u{a0}g\u{e9}h\u{1f600}i\u{1b}",
        )
        .expect("a string serializes");
        assert_eq!(
            escape_del_and_c1(json),
            r#""a\u007fb\u0080c\u0085d\u009be\u009ff"#.to_owned()
                + "\u{a0}g\u{e9}h\u{1f600}i\\u001b\""
        );
        // Either kind alone is found.
        assert_eq!(escape_del_and_c1("\"\u{9b}\"".into()), r#""\u009b""#);
        assert_eq!(escape_del_and_c1("\"\u{7f}\"".into()), r#""\u007f""#);
        // Text with no such character comes back as it was, even with the
        // first byte of a C1 control's encoding inside other characters.
        for plain in ["{\"a\": \"b\"}", "\"\u{c2}\u{a0}\u{e9}\u{1f600}\""] {
            assert_eq!(escape_del_and_c1(plain.to_owned()), plain);
        }
    }
}
