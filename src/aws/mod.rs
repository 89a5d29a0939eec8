//! Everything that talks to AWS: running a chain against STS, the shared
//! credential cache, and the EC2/STS checks behind `verify`.

mod arrive;
pub mod cache;
pub mod checks;
mod clients;
pub mod console;
pub mod credential_server;
mod creds;
pub mod errors;
pub mod iam;
pub mod mfa_session;
pub mod operations;
pub mod policy;
pub mod process;
pub mod retry;
pub mod run;
mod settings;
pub mod sso_cache;
pub mod sso_login;
pub mod sso_portal;
pub mod tasks;
pub mod vault;

pub use arrive::{arrive, runtime, Arrived};
pub use clients::{ec2_client, sts_client};
pub use creds::Creds;
pub use run::{at_hand, cache_origin, caller_identity, run_chain, Identity, Reached, RunError};
pub use settings::{resolve_settings, Overrides, Settings};
