//! One module per subcommand; each composes the layers and formats the
//! result. Shared plumbing lives here.

mod add_role;
mod backup;
mod edit;
mod lint;
mod list;
mod resolve;
mod show;
mod verify;
mod whoami;

use crate::chain::ChainError;
use crate::cli::{Cli, Command, Global, Output, ProfileCommand};
use crate::error::{Error, Result};
use crate::profiles::{locate, Locations, Origin, Platform, ProfileFiles, Section};
use crate::store::{BackupStore, Store, Written};
use std::path::PathBuf;

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context::new(&cli.global);
    match cli.command {
        Command::Profile(cmd) => match cmd {
            ProfileCommand::List { show_secrets } => list::run(&ctx, show_secrets),
            ProfileCommand::Show { name, show_secrets } => show::run(&ctx, name, show_secrets),
            ProfileCommand::AddRole(args) => add_role::run(&ctx, args),
            ProfileCommand::RemoveRole { name, write } => {
                edit::remove_role(&ctx, &name, write.dry_run)
            }
            ProfileCommand::Set {
                name,
                key,
                value,
                file,
                write,
            } => edit::set(&ctx, &name, &key, &value, file, write.dry_run),
            ProfileCommand::Unset { name, key, write } => {
                edit::unset(&ctx, &name, &key, write.dry_run)
            }
            ProfileCommand::Resolve { name } => resolve::run(&ctx, name),
            ProfileCommand::Whoami { name, verbose, aws } => whoami::run(&ctx, name, verbose, aws),
            ProfileCommand::Verify(args) => verify::run(&ctx, args),
        },
        Command::Backup(cmd) => backup::run(&ctx, cmd),
        Command::Lint(args) => lint::run(&ctx, args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "awsprof", &mut std::io::stdout());
            Ok(())
        }
    }
}

pub struct Context {
    pub locations: Locations,
    pub output: Output,
    pub backup_dir: Option<PathBuf>,
    pub command_line: String,
}

impl Context {
    fn new(global: &Global) -> Context {
        let env = |name: &str| std::env::var(name).ok();
        let mut locations = locate(&env, Platform::current());
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
            command_line: command_line(),
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
        }
    }
}

/// The command line as typed, for backup manifests. A value given to
/// `profile set` for a secret key is masked.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().collect();
    let mut out: Vec<String> = Vec::with_capacity(args.len());
    for (i, arg) in args.iter().enumerate() {
        let secret_value = i >= 1
            && args
                .get(i - 1)
                .is_some_and(|k| crate::profiles::is_secret_key(k))
            && args.iter().any(|a| a == "set");
        out.push(if secret_value && arg != "-" {
            crate::secret::MASK.to_string()
        } else {
            arg.clone()
        });
    }
    if let Some(first) = out.first_mut() {
        *first = "awsprof".to_string();
    }
    out.join(" ")
}

/// `$AWS_PROFILE`, else `default`.
pub fn selected_profile(name: Option<String>) -> String {
    name.or_else(|| std::env::var("AWS_PROFILE").ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "default".to_string())
}

/// `credentials:3`.
pub fn origin_label(origin: Origin) -> String {
    format!("{}:{}", origin.file, origin.line)
}

/// `/home/u/.aws/credentials:3`.
pub fn origin_path(files: &ProfileFiles, origin: Origin) -> String {
    format!("{}:{}", files.path(origin.file).display(), origin.line)
}

pub fn chain_error(files: &ProfileFiles, err: ChainError) -> Error {
    match err.origin {
        Some(origin) => Error::Config(format!("{}: {err}", origin_path(files, origin))),
        None => Error::Config(err.to_string()),
    }
}

pub fn require_profile<'a>(files: &'a ProfileFiles, name: &str) -> Result<&'a Section> {
    files
        .set
        .profile(name)
        .ok_or_else(|| unknown_profile(files, name))
}

pub fn unknown_profile(files: &ProfileFiles, name: &str) -> Error {
    let close = files.closest_profiles(name);
    let hint = if close.is_empty() {
        "`awsprof profile list` shows the profiles".to_string()
    } else {
        format!("did you mean {}?", close.join(", "))
    };
    Error::Usage(format!(
        "profile `{name}` not found in {} or {}; {hint}",
        files.config.path.display(),
        files.credentials.path.display()
    ))
}

/// What an editing command did or would do.
pub struct Applied<T> {
    pub value: T,
    /// Unified diffs (dry run only).
    pub diffs: Vec<String>,
    pub written: Written,
}

/// Runs `edit` through the store, or on a copy for a dry run. `profiles`
/// are the profiles the edit reads or changes by name: an edit's files
/// hold those and the profiles their chains lead to.
pub fn apply<T>(
    ctx: &Context,
    dry_run: bool,
    profiles: &[&str],
    mut edit: impl FnMut(&mut ProfileFiles) -> Result<T>,
) -> Result<Applied<T>> {
    if dry_run {
        let before = ctx.load()?;
        let mut after = before.clone();
        let value = edit(&mut after)?;
        let diffs = [
            crate::profiles::FileKind::Config,
            crate::profiles::FileKind::Credentials,
        ]
        .into_iter()
        .map(|k| {
            let path = before.path(k).display().to_string();
            crate::diff::documents(
                before.file(k).document(),
                after.file(k).document(),
                &path,
                &format!("{path} (after)"),
            )
        })
        .filter(|d| !d.is_empty())
        .collect();
        leave_to_exit((before, after));
        return Ok(Applied {
            value,
            diffs,
            written: Written::default(),
        });
    }
    let (value, written, files) = ctx.store().update(&ctx.locations, Some(profiles), edit)?;
    leave_to_exit(files);
    Ok(Applied {
        value,
        diffs: Vec::new(),
        written,
    })
}

/// Leaves a value with many allocations (parsed files) to the process's
/// exit, which is near: freeing tens of thousands of small allocations one
/// by one would only delay it.
pub fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

pub fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON values serialize")
    );
}
