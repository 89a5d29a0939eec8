//! How late a thread starts that is spawned while its creator keeps
//! working: in a plain `std::thread::scope`, and through
//! `awsprof::threads::side_by_side` (benches/commands.sh runs it).
//!
//!   thread_start [ROUNDS]
//!
//! Each round sleeps 5 ms first (a command starts on an idle machine),
//! then spawns a thread that notes when it first runs and works 2 ms,
//! while its creator works 2 ms too. Printed: the start delay's 10th,
//! 50th and 90th percentiles in microseconds, and the round's median wall
//! time (2 ms when the two run side by side, up to 4 ms when the new
//! thread waits its turn).

use std::time::{Duration, Instant};

const WORK: Duration = Duration::from_millis(2);

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
        .max(1);
    report("std::thread::scope", rounds, |there| {
        std::thread::scope(|scope| {
            let started = scope.spawn(there);
            busy(WORK);
            started.join().expect("the probe thread")
        })
    });
    report("awsprof::threads::side_by_side", rounds, |there| {
        awsprof::threads::side_by_side(there, || busy(WORK)).0
    });
}

/// Runs `round` `rounds` times, each given a probe that returns when it
/// first ran, and prints the delays and wall times.
fn report(name: &str, rounds: usize, round: impl Fn(fn() -> Instant) -> Instant) {
    let (mut delays, mut walls) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        std::thread::sleep(Duration::from_millis(5));
        let spawned = Instant::now();
        let started = round(probe);
        walls.push(spawned.elapsed().as_micros());
        delays.push(started.saturating_duration_since(spawned).as_micros());
    }
    let (delays, walls) = (percentiles(delays), percentiles(walls));
    println!(
        "{name:32} start delay p10/p50/p90 {}/{}/{} us; wall p50 {} us",
        delays[0], delays[1], delays[2], walls[1]
    );
}

/// The new thread's work: when it first ran, after 2 ms of work.
fn probe() -> Instant {
    let started = Instant::now();
    busy(WORK);
    started
}

fn percentiles(mut values: Vec<u128>) -> [u128; 3] {
    values.sort_unstable();
    let at = |p: usize| values[(values.len() - 1) * p / 100];
    [at(10), at(50), at(90)]
}

fn busy(time: Duration) {
    let start = Instant::now();
    while start.elapsed() < time {
        std::hint::spin_loop();
    }
}
