//! The command line, and nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Every line fits 80 columns, so that the table never wraps mid-phrase.
pub const EXIT_CODES: &str = "\
Exit codes:
  0    success (verify: every expectation holds)
  1    verify: an outcome contradicts its expectation; lint: errors found;
       key list: a key older than --max-age; iam create-role: the role
       grants more than was asked
  2    usage or configuration error: bad flags, a malformed file (PATH:LINE
       is named), an unknown profile, a tampered backup, a key of a shape
       AWS never issues, an MFA code needed with no terminal (--mfa-code)
  3    AWS refused or could not be reached (verify: no contradiction, but
       some checks ended in error)
  4    the file system refused: permissions, a lock held too long, an
       unreadable input file, a state directory (backups, journal, locks,
       cache) that is a symlink, another user's or writable by others;
       awsprof-full missing beside awsprof, or built from other sources
  126  exec: the command is not executable
  127  exec: the command was not found
  130  interrupted at a prompt (Ctrl-C); nothing was written";

/// The help every optional profile argument carries.
const PROFILE_DEFAULT_LONG: &str = concat!(
    "Profile name [default: $AWS_PROFILE, else default]\n\n",
    profile_variables!()
);
const ADMIN_PROFILE_LONG: &str = concat!(
    "The admin's profile, whose credentials make the IAM calls [default: $AWS_PROFILE, else default]\n\n",
    profile_variables!()
);
macro_rules! profile_variables {
    () => {
        "Read from $AWS_DEFAULT_PROFILE first (as the AWS CLI v1 does), then $AWS_PROFILE, then $AWSPROF_PROFILE (set inside `awsprof exec`); else the profile named default."
    };
}
use profile_variables;

/// `args` (`args[0]` is the program) parsed by `command`. The tree is not
/// freed: nothing needs it afterwards, the process ends soon, and freeing
/// the tree of every command cost more than building a narrowed one.
pub fn parse_with(
    mut command: clap::Command,
    args: &[std::ffi::OsString],
) -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let matches = command.try_get_matches_from_mut(args);
    std::mem::forget(command);
    Cli::from_arg_matches(&matches?)
}

/// The whole command line: [`Cli`]'s tree with the exit codes under
/// every command and the examples under each command's `--help`. The hot
/// commands are parsed first against their own command only
/// ([`crate::cli_narrowed`]); this tree answers everything else.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    decorate(Cli::command(), "")
}

/// What the argument `id` of a command in `group` names, for completion.
fn completed_names(group: &str, id: &str) -> Option<crate::completion::Names> {
    use crate::completion::Names;
    match (group, id) {
        ("sso-session", "old" | "name") | ("sso", "sso_session") => Some(Names::SsoSessions),
        ("services", "name") => Some(Names::Services),
        ("backup", "id") => Some(Names::Backups),
        (
            "profile" | "exec" | "credential-process" | "console" | "sso" | "key" | "lint" | "iam",
            "name" | "old" | "src" | "profile" | "admin" | "source_profile" | "from_profile",
        ) => Some(Names::Profiles),
        _ => None,
    }
}

fn decorate(cmd: clap::Command, parent: &str) -> clap::Command {
    let path = if parent.is_empty() {
        String::new()
    } else if parent == "-" {
        cmd.get_name().to_string()
    } else {
        format!("{parent} {}", cmd.get_name())
    };
    let mut cmd = cmd.after_help(EXIT_CODES);
    if let Some(examples) = crate::cli_examples::for_command(&path) {
        cmd = cmd.after_long_help(format!("Examples:\n{examples}\n\n{EXIT_CODES}"));
    }
    if let Some(group) = path.split(' ').next().filter(|g| !g.is_empty()) {
        let group = group.to_string();
        cmd = cmd.mut_args(|arg| match completed_names(&group, arg.get_id().as_str()) {
            Some(names) => arg.add(names.completer()),
            None => arg,
        });
    }
    let child_parent = if path.is_empty() {
        "-".to_string()
    } else {
        path
    };
    cmd.mut_subcommands(|sub| decorate(sub, &child_parent))
}

#[derive(Debug, Parser)]
#[command(
    name = "awsprof",
    version,
    about = "Edit, resolve and verify AWS profiles in ~/.aws/config and ~/.aws/credentials, losslessly and safely",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Output::Text, help_heading = "Global options")]
    pub output: Output,
    /// The config file (default: $AWS_CONFIG_FILE, else ~/.aws/config).
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub config_file: Option<PathBuf>,
    /// The credentials file (default: $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials).
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub credentials_file: Option<PathBuf>,
    /// Where backups go (default: $AWSPROF_BACKUP_DIR, else ~/.local/state/awsprof/backups).
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        help_heading = "Global options"
    )]
    pub backup_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read, edit, resolve and verify profiles.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// List, inspect, diff and restore the backups taken before every write.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// Find what will break before AWS does.
    Lint(LintArgs),
    /// Per-service settings in [services NAME] sections (endpoints): set and unset SERVICE.SETTING.
    #[command(subcommand)]
    Services(ServicesCommand),
    /// Rename or delete [sso-session] sections, keeping the profiles' references right.
    #[command(subcommand)]
    SsoSession(SsoSessionCommand),
    /// IAM Identity Center: sign in and out, sharing the AWS CLI v2's token cache.
    #[command(subcommand)]
    Sso(SsoCommand),
    /// Access keys: import them without pasting secrets, see their age, rotate them safely.
    #[command(subcommand)]
    Key(KeyCommand),
    /// The walkthrough's admin half: IAM users and roles, with no hand-made JSON.
    #[command(subcommand)]
    Iam(IamCommand),
    /// Keep long-term keys out of the credentials file: in the OS secret store or an encrypted file.
    #[command(subcommand)]
    Vault(VaultCommand),
    /// Run a command with the profile's credentials in its environment.
    Exec(ExecArgs),
    /// Print the profile's credentials for `credential_process = awsprof credential-process NAME`.
    CredentialProcess(CredentialProcessArgs),
    /// Open the AWS Management Console in the browser, signed in as the profile.
    Console(ConsoleArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell to print the script for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Where the vault keeps keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VaultStore {
    /// The OS secret store (Secret Service, Keychain, Credential Manager).
    Os,
    /// One age-encrypted file per profile, under awsprof's state directory.
    File,
}

#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Move profiles' long-term keys from the credentials file into the vault, leaving a credential_process line that every AWS tool follows (--to-file: back).
    Move {
        /// The profiles whose keys move.
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
        /// The store (default: $AWSPROF_VAULT_STORE, else the OS store when one answers).
        #[arg(long, value_enum)]
        store: Option<VaultStore>,
        /// Move the keys back from the vault into the credentials file.
        #[arg(long)]
        to_file: bool,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Print an item's keys as credential_process JSON: what the vault line runs.
    Get {
        /// The vault item (the profile the line is in).
        item: String,
        /// The store the item is in (default: $AWSPROF_VAULT_STORE, else the OS store).
        #[arg(long, value_enum)]
        store: Option<VaultStore>,
    },
    /// The profiles whose keys are in the vault: store, item, key id (masked) and the profiles that stand on them.
    List,
    /// Ask the encrypted file store's passphrase once and keep its key for this login session (in $XDG_RUNTIME_DIR), so that each use need not ask.
    Unlock {
        /// How long the unlock lasts: 30m, 12h, 1d (at most 7d).
        #[arg(long = "for", value_name = "DURATION", default_value = "12h", value_parser = unlock_duration)]
        lasting: std::time::Duration,
    },
    /// Forget the file store's unlock now: the passphrase is asked again on the next use.
    Lock,
    /// Delete an item from the store (refused while a profile's vault line names it, unless --force).
    Delete {
        /// The vault item, as `vault list` or a kept item's message names it.
        item: String,
        /// The store the item is in (default: $AWSPROF_VAULT_STORE, else the OS store).
        #[arg(long, value_enum)]
        store: Option<VaultStore>,
        /// Delete it even though profiles name it (they are listed, and stop resolving).
        #[arg(long)]
        force: bool,
    },
}

/// `30m`, `12h`, `1d`: at least a minute, at most a week.
fn unlock_duration(value: &str) -> Result<std::time::Duration, String> {
    let split = value.len().saturating_sub(1);
    let (number, unit) = value.split_at(split);
    let seconds = match unit {
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err("give a number and a unit: 30m, 12h or 1d".into()),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| "give a number and a unit: 30m, 12h or 1d".to_string())?;
    match n.checked_mul(seconds) {
        Some(s) if (60..=7 * 86400).contains(&s) => Ok(std::time::Duration::from_secs(s)),
        _ => Err("an unlock lasts between 1m and 7d".into()),
    }
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Profile names, one a line (--output json: the merged view of both files).
    List(ListArgs),
    /// Each property of a profile, its value and the file:line it comes from.
    Show(ShowArgs),
    /// Make a profile assume a role: adds role_arn and its source.
    AddRole(AddRoleArgs),
    /// Remove the role settings that add-role manages.
    RemoveRole {
        /// The profile to remove the role settings from.
        name: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Set any property, in the file the AWS CLI would put it in.
    Set {
        /// The profile to change (created when missing; a likely typo of an existing name needs --create).
        name: String,
        /// The property, like region or role_arn; KEY.SUB writes inside a block (s3.signature_version).
        key: String,
        /// The value; `-` reads it from standard input (keeps secrets out of shell history).
        value: String,
        /// Which file to write (default: where the profile has the key, else where the AWS CLI puts it).
        #[arg(long = "in", value_enum)]
        file: Option<FileArg>,
        /// Make a new profile even though one of a close name exists (else refused as a likely typo).
        #[arg(long)]
        create: bool,
        /// Write a key that looks like a typo of a known key, as it is.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove a property from a profile, in both files.
    Unset {
        /// The profile to change.
        name: String,
        /// The property to remove; KEY.SUB removes one sub-property.
        key: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Print a profile's credential chain, with the file:line of each step. No network.
    Resolve(ResolveArgs),
    /// Run the chain against STS and print who you are.
    Whoami {
        /// Profile name [default: $AWS_PROFILE, else default].
        #[arg(long_help = PROFILE_DEFAULT_LONG)]
        name: Option<String>,
        /// Print each hop's identity as it is reached.
        #[arg(short, long)]
        verbose: bool,
        #[command(flatten)]
        aws: AwsArgs,
    },
    /// Prove what a profile may and may not do.
    Verify(VerifyArgs),
    /// Print the credentials the chain reaches, as the AWS CLI v2's `configure export-credentials` does.
    Export(ExportArgs),
    /// Set a profile's keys, region and output in one write: prompts on a terminal, like `aws configure`.
    Configure(ConfigureArgs),
    /// Rename a profile in both files, and every source_profile that names it.
    Rename {
        /// The profile's current name.
        old: String,
        /// Its new name (must not exist yet).
        new: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Copy a profile's properties to a new profile (a self-reference points at the copy).
    Copy {
        /// The profile to copy.
        src: String,
        /// The new profile's name (must not exist yet).
        dst: String,
        /// Leave out static keys and session tokens.
        #[arg(long)]
        without_keys: bool,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Delete a profile's sections from both files (refused while others use it, unless --force).
    Delete {
        /// The profile to delete.
        name: String,
        /// Delete even though other profiles stand on it (they are named).
        #[arg(long)]
        force: bool,
        /// For a profile whose keys live in awsprof's vault: delete the key from the store too, or keep it there. Without it you are asked on a terminal, and elsewhere the key is kept.
        #[arg(long, value_enum, value_name = "CHOICE")]
        vault_item: Option<VaultItemChoice>,
        #[command(flatten)]
        write: WriteArgs,
    },
}

/// What `profile delete` does with the profile's vault item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VaultItemChoice {
    /// Delete the key from the store (it stays in IAM: deactivate it there).
    Delete,
    /// Keep the key in the store.
    Keep,
}

#[derive(Debug, Args)]
pub struct ConfigureArgs {
    /// The profile to set up (created when missing).
    pub name: String,
    /// The access key id (AKIA...); the secret comes from --secret-access-key-stdin.
    #[arg(long, value_name = "ID")]
    pub access_key_id: Option<String>,
    /// Read the secret access key from standard input (never from the command line).
    #[arg(long)]
    pub secret_access_key_stdin: bool,
    /// The default region, like us-east-1.
    #[arg(long)]
    pub region: Option<String>,
    /// The AWS CLI's output format: json, yaml, yaml-stream, text or table.
    #[arg(long, value_name = "FORMAT")]
    pub output_format: Option<String>,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Subcommand)]
pub enum ServicesCommand {
    /// Set SERVICE.SETTING (like s3.endpoint_url) in [services NAME], created when missing.
    Set {
        /// The [services NAME] section.
        name: String,
        /// SERVICE.SETTING, like s3.endpoint_url.
        key: String,
        /// The value to set.
        value: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove SERVICE.SETTING from [services NAME] (the block goes when it empties).
    Unset {
        /// The [services NAME] section.
        name: String,
        /// SERVICE.SETTING to remove.
        key: String,
        #[command(flatten)]
        write: WriteArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum SsoSessionCommand {
    /// Rename an [sso-session] and every sso_session that names it.
    Rename {
        /// The [sso-session] section's current name.
        old: String,
        /// Its new name.
        new: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Delete an [sso-session] (refused while profiles use it, unless --force).
    Delete {
        /// The [sso-session] section to delete.
        name: String,
        /// Delete even though profiles use it (they are named).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        write: WriteArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileArg {
    Config,
    Credentials,
}

impl From<FileArg> for crate::profiles::FileKind {
    fn from(f: FileArg) -> Self {
        match f {
            FileArg::Config => Self::Config,
            FileArg::Credentials => Self::Credentials,
        }
    }
}

#[derive(Debug, Args)]
pub struct WriteArgs {
    /// Print the change as a unified diff (secrets masked) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Profile name [default: $AWS_PROFILE, else default].
    #[arg(long_help = PROFILE_DEFAULT_LONG)]
    pub name: Option<String>,
    /// Print secret values instead of ****.
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print secret values instead of ****.
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct AddRoleArgs {
    /// The profile to add the role to (created when missing; a likely typo of an existing name needs --create).
    pub name: String,
    /// The role to assume, as arn:aws:iam::ACCOUNT:role/NAME.
    #[arg(long, value_name = "ARN")]
    pub role_arn: String,
    /// The profile whose credentials assume the role (default: NAME itself when it holds static keys).
    #[arg(long, value_name = "PROFILE", conflicts_with = "credential_source")]
    pub source_profile: Option<String>,
    /// Assume the role with credentials from here instead of a profile.
    #[arg(long, value_name = "SOURCE", value_parser = clap::builder::PossibleValuesParser::new(crate::profiles::values::CREDENTIAL_SOURCES))]
    pub credential_source: Option<String>,
    /// Which file to edit (default: where NAME is defined; the config file when both or neither).
    #[arg(long = "in", value_enum)]
    pub file: Option<FileArg>,
    /// The MFA device whose code the role needs (ARN or serial).
    #[arg(long, value_name = "ARN_OR_SERIAL")]
    pub mfa_serial: Option<String>,
    /// The external id the role's trust policy asks for.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// The session name CloudTrail shows (default: awsprof-TIMESTAMP).
    #[arg(long, value_name = "NAME")]
    pub role_session_name: Option<String>,
    /// 900 to 43200.
    #[arg(long, value_name = "SECONDS")]
    pub duration_seconds: Option<u32>,
    /// Also set the profile's region.
    #[arg(long)]
    pub region: Option<String>,
    /// Replace a different role setting that is already there.
    #[arg(long)]
    pub force: bool,
    /// Make a new profile even though one of a close name exists (else refused as a likely typo).
    #[arg(long)]
    pub create: bool,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "AWS options")]
pub struct AwsArgs {
    /// Region for STS and EC2 (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region, us-east-1).
    #[arg(long)]
    pub region: Option<String>,
    /// Endpoint for every AWS call (default: $AWS_ENDPOINT_URL_STS / _EC2, $AWS_ENDPOINT_URL, the profile's endpoint_url).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// The MFA code (6 digits), instead of a prompt.
    #[arg(long, value_name = "CODE", value_parser = mfa_code)]
    pub mfa_code: Option<String>,
    /// Neither read nor write cached sessions: the shared credential cache (~/.aws/cli/cache) and awsprof's MFA sessions.
    #[arg(long)]
    pub no_cache: bool,
    /// Assume each role with its own MFA code, as the AWS CLI does, instead of from one MFA session shared by every role.
    #[arg(long, conflicts_with = "mfa_session_duration")]
    pub no_mfa_session: bool,
    /// How long a new MFA session lasts, in seconds, 900 to 129600 [default: the profile's mfa_session_duration, else 43200].
    #[arg(long, value_name = "SECONDS", value_parser = mfa_session_seconds)]
    pub mfa_session_duration: Option<u32>,
}

impl From<&AwsArgs> for crate::aws::Overrides {
    fn from(a: &AwsArgs) -> Self {
        Self {
            region: a.region.clone(),
            endpoint_url: a.endpoint_url.clone(),
            mfa_code: a.mfa_code.clone(),
            no_cache: a.no_cache,
            no_mfa_session: a.no_mfa_session,
            mfa_session_duration: a.mfa_session_duration,
        }
    }
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Profile name [default: $AWS_PROFILE, else default].
    #[arg(long_help = PROFILE_DEFAULT_LONG)]
    pub name: Option<String>,
    /// An action that must be allowed, like ec2:DescribeInstanceTypes.
    #[arg(long, value_name = "ACTION")]
    pub allow: Vec<String>,
    /// An action that must be denied.
    #[arg(long, value_name = "ACTION")]
    pub deny: Vec<String>,
    /// A TOML file of profiles with their expected allowed and denied actions.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Run the same checks with the chain's base credentials too, side by side.
    #[arg(long)]
    pub compare_source: bool,
    /// Print the actions verify can check, and exit.
    #[arg(long)]
    pub list_actions: bool,
    /// How many checks run at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Profile name [default: $AWS_PROFILE, else default].
    #[arg(long_help = PROFILE_DEFAULT_LONG)]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Profile name [default: $AWS_PROFILE, else default].
    #[arg(long_help = PROFILE_DEFAULT_LONG)]
    pub name: Option<String>,
    /// process (credential_process JSON), env, env-no-export, powershell, windows-cmd, fish, dotenv, ini.
    #[arg(long, default_value = "process", value_parser = clap::builder::PossibleValuesParser::new(crate::export::Format::ALL.map(|(_, n)| n)))]
    pub format: String,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Profile name [default: $AWS_PROFILE, else default].
    #[arg(long_help = PROFILE_DEFAULT_LONG)]
    pub name: Option<String>,
    /// Run even inside another `awsprof exec` ($AWSPROF_PROFILE set).
    #[arg(long)]
    pub nested: bool,
    /// Serve the credentials to CMD from a loopback endpoint that refreshes them (for runs longer than a session), instead of setting them in its environment.
    #[arg(long)]
    pub server: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// The command and its arguments (default: $SHELL).
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Subcommand)]
pub enum SsoCommand {
    /// Sign in (in the browser, or with a device code) and keep the token where the AWS CLI v2 keeps it.
    Login(SsoLoginArgs),
    /// Forget the sign-in: remove the cached token (one file for awsprof and the AWS CLI).
    Logout(SsoTarget),
    /// Write a profile for every account and role the portal lists.
    Populate(SsoPopulateArgs),
}

#[derive(Debug, Args)]
pub struct SsoPopulateArgs {
    /// The [sso-session NAME] whose accounts and roles to write (signed in with `sso login`).
    #[arg(long, value_name = "NAME")]
    pub sso_session: String,
    /// The profile names: {account_name}, {account_id} and {role_name} are replaced.
    #[arg(long, value_name = "TEMPLATE", default_value = crate::edits::populate::DEFAULT_TEMPLATE)]
    pub template: String,
    /// Write `region = REGION` in each profile.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Remove the profiles an earlier populate wrote for accounts and roles the portal no longer lists.
    #[arg(long)]
    pub prune: bool,
    /// Prune without asking.
    #[arg(long, requires = "prune")]
    pub yes: bool,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Args)]
pub struct SsoTarget {
    /// A profile whose sso_session (or legacy sso_start_url) to use [default: $AWS_PROFILE, else default].
    #[arg(long_help = PROFILE_DEFAULT_LONG)]
    pub name: Option<String>,
    /// The [sso-session NAME] to use, instead of a profile's.
    #[arg(long, value_name = "NAME", conflicts_with = "name")]
    pub sso_session: Option<String>,
}

#[derive(Debug, Args)]
pub struct SsoLoginArgs {
    #[command(flatten)]
    pub target: SsoTarget,
    /// Sign in with a code confirmed in any browser, on this machine or another (for machines without one).
    #[arg(long)]
    pub use_device_code: bool,
    /// Do not open the sign-in page; only print it.
    #[arg(long)]
    pub no_browser: bool,
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Profile name [default: $AWS_PROFILE, else default].
    #[arg(long_help = PROFILE_DEFAULT_LONG)]
    pub name: Option<String>,
    /// Land on this service's page (ec2, s3, iam...) instead of the console home.
    #[arg(long, value_name = "SERVICE", conflicts_with = "destination")]
    pub service: Option<String>,
    /// Land on this console URL (https, on the partition's console).
    #[arg(long, value_name = "URL")]
    pub destination: Option<String>,
    /// The console session's length in seconds: a role's (900 to 43200, 3600 when chained), or the federation token's for long-term keys (900 to 129600).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(900..=129_600))]
    pub duration: Option<u32>,
    /// Print the sign-in URL on stdout instead of opening it: it is a credential for 15 minutes.
    #[arg(long)]
    pub print: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct CredentialProcessArgs {
    /// The profile whose credentials are printed.
    pub name: String,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Store a key from `aws iam create-access-key` JSON or the console's CSV (a file, or - / nothing for stdin).
    Import {
        /// The profile to store the key in (created when missing).
        name: String,
        /// The create-access-key JSON or console CSV; - or nothing reads standard input.
        #[arg(value_name = "FILE")]
        input: Option<PathBuf>,
        /// Replace different keys the profile already holds.
        #[arg(long)]
        force: bool,
        /// Also set the profile's region (config file), in the same write.
        #[arg(long)]
        region: Option<String>,
        /// Also set the profile's output format (config file), in the same write.
        #[arg(long, value_name = "FORMAT")]
        output_format: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// The IAM user's keys behind a profile: status, age, last use, and which profiles hold each.
    List {
        /// Profile name [default: $AWS_PROFILE, else default].
        #[arg(long_help = PROFILE_DEFAULT_LONG)]
        name: Option<String>,
        /// A key older than this many days is a finding (exit 1).
        #[arg(long, value_name = "DAYS")]
        max_age: Option<u64>,
        /// Make the IAM calls with this admin profile's credentials (default: the profile's own keys).
        #[arg(long, value_name = "PROFILE")]
        admin: Option<String>,
        #[command(flatten)]
        aws: AwsArgs,
    },
    /// Replace a profile's key with a new one, crash-safe; the old key is made inactive, then deleted.
    Rotate {
        /// The profile whose key is rotated.
        name: String,
        /// Leave the old key Inactive instead of deleting it.
        #[arg(long)]
        keep_old: bool,
        /// Leave the old key Active (and do not delete it).
        #[arg(long)]
        no_deactivate: bool,
        /// Check and print the plan; create, write and delete nothing.
        #[arg(long)]
        dry_run: bool,
        /// Make the IAM calls with this admin profile's credentials (the new key still goes into NAME).
        #[arg(long, value_name = "PROFILE")]
        admin: Option<String>,
        #[command(flatten)]
        aws: AwsArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum IamCommand {
    /// Create an IAM user (or use an existing one) and an access key, written straight into a profile.
    CreateUser(CreateUserArgs),
    /// Create a role that PRINCIPAL may assume, with a policy allowing exactly the given actions.
    CreateRole(CreateRoleArgs),
    /// Detach and delete a role's policies (those awsprof created, when nothing else uses them), then the role.
    DeleteRole(DeleteRoleArgs),
    /// Delete a user's access keys and policies, then the user.
    DeleteUser(DeleteUserArgs),
}

/// Whose credentials make the IAM calls.
#[derive(Debug, Args, Clone)]
pub struct AdminArgs {
    /// The admin's profile, whose credentials make the IAM calls [default: $AWS_PROFILE, else default].
    #[arg(long, value_name = "PROFILE", long_help = ADMIN_PROFILE_LONG)]
    pub admin: Option<String>,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// The IAM user to create (or find).
    pub user: String,
    /// The profile that receives the keys (default: USER).
    #[arg(long, value_name = "NAME")]
    pub into_profile: Option<String>,
    /// Replace keys the profile already holds.
    #[arg(long)]
    pub force: bool,
    /// Print the calls it would make, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub admin: AdminArgs,
}

#[derive(Debug, Args)]
pub struct CreateRoleArgs {
    /// The IAM role to create (or check).
    pub role: String,
    /// Who may assume it: a user or role name in the admin's account, or a user or role ARN.
    #[arg(
        long,
        value_name = "PRINCIPAL",
        required_unless_present = "trust_account"
    )]
    pub trust: Option<String>,
    /// Trust a whole account (its root) instead: 12 digits.
    #[arg(long, value_name = "ID", conflicts_with = "trust")]
    pub trust_account: Option<String>,
    /// An action the role may call, like ec2:DescribeInstanceTypes (repeatable).
    #[arg(long, value_name = "ACTION", required = true)]
    pub allow: Vec<String>,
    /// The managed policy's name (default: ROLE-policy).
    #[arg(long, value_name = "NAME")]
    pub policy_name: Option<String>,
    /// Only sessions signed in with MFA may assume it.
    #[arg(long)]
    pub require_mfa: bool,
    /// The external id callers must pass.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// 3600 to 43200.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(i32).range(3600..=43200))]
    pub max_session_duration: Option<i32>,
    /// Also give the trusted user an inline policy allowing sts:AssumeRole on the role (moto needs it).
    #[arg(long)]
    pub grant_assume: bool,
    /// Replace a trust policy, permission policy or session length that differs.
    #[arg(long)]
    pub update: bool,
    /// With --update: also detach every other managed policy, delete every other inline policy (printed first) and the permissions boundary, so that the role grants exactly what was asked.
    #[arg(long, requires = "update")]
    pub exclusive: bool,
    /// Print both documents and the calls it would make, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub admin: AdminArgs,
}

#[derive(Debug, Args)]
pub struct DeleteRoleArgs {
    /// The IAM role to delete.
    pub role: String,
    /// Delete even a role awsprof did not create, or one with inline policies or a permissions boundary awsprof did not put there (all listed first).
    #[arg(long)]
    pub force: bool,
    /// Print the calls it would make; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub admin: AdminArgs,
}

#[derive(Debug, Args)]
pub struct DeleteUserArgs {
    /// The IAM user to delete.
    pub user: String,
    /// Also remove the user's keys from this profile (with a backup).
    #[arg(long, value_name = "NAME")]
    pub from_profile: Option<String>,
    /// Delete even though other profiles stand on the keys in --from-profile, or the user has what awsprof did not make: no awsprof:managed tag, inline policies, groups, a console password, MFA devices (all listed first).
    #[arg(long)]
    pub force: bool,
    /// Print the calls it would make; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub admin: AdminArgs,
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Back up both files now.
    Create,
    /// Backups, oldest first: id, time, files, command.
    List,
    /// A backup's manifest.
    Show {
        /// The backup's id, as `backup list` shows it.
        id: String,
    },
    /// Unified diff from a backup to the current files (secrets masked).
    Diff {
        /// The backup's id, as `backup list` shows it.
        id: String,
    },
    /// Put today's two files back as the backup has them (after backing up the current state).
    Restore {
        /// The backup's id, as `backup list` shows it.
        id: String,
        /// Show the diff a restore would apply; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Restore even though the backup was taken of other paths than
        /// today's config and credentials files (it is written onto today's).
        #[arg(long)]
        force: bool,
    },
    /// Keep the newest N backups; removing pinned ones or more than automatic retention would asks first.
    Prune {
        /// How many of the newest backups to keep.
        #[arg(long, value_name = "N")]
        keep: usize,
        /// Do not ask: remove them (needed without a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Remove one backup by its id (the way to drop a pinned one).
    Remove {
        /// The backup's id, as `backup list` shows it.
        id: String,
    },
    /// Replace every secret key a profile holds now or held in any backup by a marker, in every backup (the manifests' hashes updated).
    Scrub {
        /// The profile whose secrets leave the backups.
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Check one profile (and what its chain reaches) instead of everything.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Warnings count as errors.
    #[arg(long)]
    pub strict: bool,
    /// Apply the safe mechanical fixes (with a backup first).
    #[arg(long)]
    pub fix: bool,
}

/// An MFA code as STS takes it: six digits, checked before any call.
fn mfa_code(value: &str) -> Result<String, String> {
    crate::profiles::values::check_mfa_code(value).map(|()| value.to_string())
}

fn mfa_session_seconds(value: &str) -> Result<u32, String> {
    crate::profiles::values::check_mfa_session_duration_text(value)?;
    Ok(value.parse().expect("checked just now"))
}
