//! Protocols of several steps that change state outside one file edit:
//! the IAM create and delete protocols and key rotation. Each takes plain
//! values (never clap's), makes its changes in order (journaled where a
//! crash could leave half a change) and returns a plain result that a
//! command prints.

pub mod carry;
pub mod iam;
pub mod rotate;
pub mod scrub;
pub mod sso;
pub mod vault;

use crate::error::Result;
use crate::profiles::{Locations, ProfileFiles};
use crate::store::{Commit, Store, Written};

/// Lets a test stop the process at a named point between two steps of a
/// protocol, as a crash would (`AWSPROF_TEST_KILL_AT=NAME`).
pub(crate) fn crash_point(name: &str) {
    if std::env::var("AWSPROF_TEST_KILL_AT").is_ok_and(|v| v == name) {
        // SAFETY: kill(2) on our own pid with a valid signal.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
}

/// What an edit of the user's files did or would do.
pub struct Applied<T> {
    pub value: T,
    /// Unified diffs, secrets masked (dry run only).
    pub diffs: Vec<String>,
    pub written: Written,
}

/// Runs `edit` as one store transaction, or (dry run) as the same
/// transaction without its commit. `profiles` are the profiles the edit
/// reads or changes by name: an edit's files hold those and the profiles
/// their chains lead to (`None`: every profile).
pub fn apply<T>(
    store: &Store,
    locations: &Locations,
    dry_run: bool,
    profiles: Option<&[&str]>,
    edit: impl FnMut(&mut ProfileFiles) -> Result<T>,
) -> Result<Applied<T>> {
    let (value, written, files) =
        store.transact(locations, profiles, Commit::dry_run(dry_run), edit)?;
    let diffs = if dry_run {
        crate::diff::edited(&files)
    } else {
        Vec::new()
    };
    // Parsed files are many small allocations; the process exits soon.
    std::mem::forget(files);
    Ok(Applied {
        value,
        diffs,
        written,
    })
}
