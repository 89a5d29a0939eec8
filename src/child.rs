//! A child program that awsprof stays alive beside (`exec --server`
//! serves it credentials): the terminal's Ctrl-C and Ctrl-\ reach the
//! child as they reach awsprof, a request to terminate awsprof is passed
//! on to the child, and awsprof ends with the child's exit status.

use std::process::Command;

/// The signals awsprof takes over while its child runs.
const HELD: [libc::c_int; 4] = [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP];

fn held_set() -> libc::sigset_t {
    // SAFETY: sigemptyset/sigaddset initialise and fill a set we own.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in HELD {
            libc::sigaddset(&mut set, signal);
        }
        set
    }
}

/// Blocks the held signals in this thread and every thread started after
/// it, so that none of them is killed by one: call before starting any
/// thread. The child unblocks them before it starts (`run_to_end`).
pub fn hold_signals() {
    let set = held_set();
    // SAFETY: the set is initialised; the old mask is not wanted.
    unsafe {
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// Starts `command`, passes SIGTERM and SIGHUP sent to awsprof on to it
/// (SIGINT and SIGQUIT come from the terminal, which already sent them to
/// the child), and returns its exit code as a shell reports it (128 + N
/// when signal N ended it).
pub fn run_to_end(command: &mut Command) -> std::io::Result<i32> {
    use std::os::unix::process::CommandExt;
    let set = held_set();
    // SAFETY: between fork and exec, only pthread_sigmask (async-signal-safe)
    // on a set built before the fork. A mask is inherited across exec.
    unsafe {
        command.pre_exec(move || {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            Ok(())
        });
    }
    let mut child = command.spawn()?;
    let pid = child.id() as libc::pid_t;
    std::thread::spawn(move || loop {
        let set = held_set();
        let mut signal: libc::c_int = 0;
        // SAFETY: waits for one of the blocked signals in `set`.
        if unsafe { libc::sigwait(&set, &mut signal) } != 0 {
            return;
        }
        if signal == libc::SIGTERM || signal == libc::SIGHUP {
            // SAFETY: `pid` is our child; it is not reaped before `wait`
            // below returns, and this process ends then.
            unsafe {
                libc::kill(pid, signal);
            }
        }
    });
    let status = child.wait()?;
    use std::os::unix::process::ExitStatusExt;
    Ok(status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1))
}
