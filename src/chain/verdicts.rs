//! Whether every profile's chain resolves, for all profiles at once, in
//! time linear in the number of profiles: each profile's path is followed
//! once and shared by every chain that passes through it (a 10,000-hop
//! chain is 10,000 steps, not 50 million). Agrees with [`super::resolve`]
//! on which profiles fail and why; a loop is named by its ends.

use super::resolve::{find_base, holds_static_keys, role_hop, Next};
use super::{ChainError, ChainErrorKind};
use crate::profiles::{keys, ClosestProfiles, ProfileSet, Section, Sections};
use std::sync::Arc;

/// Every profile's verdict, looked up by name.
pub struct Verdicts<'a> {
    profiles: &'a Sections,
    /// In the order of `profiles`.
    verdicts: Vec<Verdict>,
}

impl<'a> Verdicts<'a> {
    pub fn get(&self, name: &str) -> Option<&Verdict> {
        self.profiles.index_of(name).map(|at| &self.verdicts[at])
    }

    /// Each profile's name and verdict, in the profile set's order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &Verdict)> + '_ {
        self.profiles.keys().zip(&self.verdicts)
    }
}

impl std::ops::Index<&str> for Verdicts<'_> {
    type Output = Verdict;

    fn index(&self, name: &str) -> &Verdict {
        self.get(name).expect("a profile of the set")
    }
}

/// One profile's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The chain's AssumeRole hops, or why it cannot be built (shared by
    /// every chain that ends at the same fault: a verdict is small, and
    /// 20,000 of them touch little memory).
    pub result: Result<usize, Arc<ChainError>>,
    /// The profile's own hop is signed by another role's session (it is
    /// not the hop nearest the base): STS caps it at one hour.
    pub chained_hop: bool,
}

/// Where a profile's path goes when it is reached as a source.
#[derive(Clone)]
enum Step {
    /// The chain ends here: hops this profile adds, or the error.
    End(Result<usize, Arc<ChainError>>),
    /// One hop, then on to the profile at this index.
    Then(usize),
}

/// What following a source's path found.
#[derive(Clone, Debug)]
struct Reach {
    /// Edges followed to `end`.
    steps: usize,
    /// The profile where the path ends or, in a loop, its first profile on it.
    end: usize,
    /// The last profile before `end` on the path (`None`: this is `end`).
    before_end: Option<usize>,
    /// Hops from here, or the error at the end; `Err(None)`: a loop.
    hops: Result<usize, Option<Arc<ChainError>>>,
}

/// Where a chain ends when it reaches a profile with static keys as a
/// source: the keys sign, whatever else the profile holds.
static KEYS_END: Step = Step::End(Ok(0));

/// Every profile's step, each read from its settings once: as the start
/// of its own chain, and as a source of another's.
struct Steps {
    firsts: Vec<Step>,
    holds_keys: Vec<bool>,
}

impl Steps {
    /// Reads every profile's step, on a large set in two halves side by
    /// side (each is a handful of lookups among its settings).
    fn read(set: &ProfileSet, sections: &[&Section]) -> Steps {
        let halves = crate::threads::in_halves(sections.len(), |range| {
            let part = &sections[range];
            let mut closest = set.closest_profiles_remembered();
            let firsts: Vec<Step> = part.iter().map(|p| follow(set, p, &mut closest)).collect();
            let holds_keys: Vec<bool> = part.iter().map(|p| holds_static_keys(p)).collect();
            (firsts, holds_keys)
        });
        let mut steps = Steps {
            firsts: Vec::with_capacity(sections.len()),
            holds_keys: Vec::with_capacity(sections.len()),
        };
        for (firsts, holds_keys) in halves {
            steps.firsts.extend(firsts);
            steps.holds_keys.extend(holds_keys);
        }
        steps
    }

    fn as_start(&self, at: usize) -> &Step {
        &self.firsts[at]
    }

    fn as_source(&self, at: usize) -> &Step {
        if self.holds_keys[at] {
            &KEYS_END
        } else {
            &self.firsts[at]
        }
    }
}

/// The step a profile takes when its own settings are read (as the start,
/// or as a source without static keys); a missing source's hint from
/// `closest`.
fn follow<'a>(
    set: &'a ProfileSet,
    profile: &'a Section,
    closest: &mut ClosestProfiles<'a>,
) -> Step {
    match role_hop(profile) {
        Err(e) => Step::End(Err(Arc::new(e))),
        Ok(None) => Step::End(find_base(set, profile).map(|_| 0).map_err(Arc::new)),
        Ok(Some((_, Next::SelfReference))) => {
            Step::End(find_base(set, profile).map(|_| 1).map_err(Arc::new))
        }
        Ok(Some((_, Next::Named(next)))) => match set.profiles.index_of(next) {
            Some(at) => Step::Then(at),
            None => Step::End(Err(Arc::new(super::resolve::missing_source(
                profile,
                next,
                closest.to(next),
            )))),
        },
    }
}

/// Every profile's verdict, by name.
pub fn verdicts(set: &ProfileSet) -> Verdicts<'_> {
    let names: Vec<&str> = set.profiles.keys().collect();
    let sections: Vec<&Section> = set.profiles.iter().map(|(_, p)| p).collect();
    let steps = Steps::read(set, &sections);
    let reach = reach_all(&steps);
    let mut out = Vec::with_capacity(names.len());
    for (at, profile) in sections.iter().enumerate() {
        let (result, chained_hop) = match steps.as_start(at) {
            Step::End(result) => (result.clone(), false),
            &Step::Then(next) => {
                let r = &reach[next];
                let result = if r.end == at && r.hops.is_ok() {
                    // Back at the start, which the SDKs refuse even when
                    // it holds keys: it was visited first.
                    Err(Arc::new(loop_error(
                        &names,
                        profile,
                        at,
                        next,
                        r.steps + 2,
                        r.before_end.unwrap_or(next),
                        at,
                    )))
                } else {
                    match &r.hops {
                        Ok(hops) => Ok(hops + 1),
                        Err(Some(e)) => Err(e.clone()),
                        Err(None) => {
                            let (total, before, repeated) = if in_loop(&reach, at, &steps) {
                                (loop_len(&reach, at) + 1, cycle_pred(&reach, at), at)
                            } else {
                                let to_entry = if in_loop(&reach, next, &steps) {
                                    0
                                } else {
                                    r.steps
                                };
                                (
                                    1 + to_entry + loop_len(&reach, r.end) + 1,
                                    cycle_pred(&reach, r.end),
                                    r.end,
                                )
                            };
                            Err(Arc::new(loop_error(
                                &names,
                                sections[repeated],
                                at,
                                next,
                                total,
                                before,
                                repeated,
                            )))
                        }
                    }
                };
                let chained = matches!(r.hops, Ok(h) if h >= 1);
                (result, chained)
            }
        };
        out.push(Verdict {
            result,
            chained_hop,
        });
    }
    Verdicts {
        profiles: &set.profiles,
        verdicts: out,
    }
}

/// A loop's error: its first two and last two profiles and how many in
/// all, attributed like `resolve`'s (the repeated profile's source line).
fn loop_error(
    names: &[&str],
    repeated_section: &Section,
    start: usize,
    second: usize,
    total: usize,
    before: usize,
    repeated: usize,
) -> ChainError {
    let mut cycle = vec![names[start].to_string(), names[second].to_string()];
    if total > 3 {
        cycle.push(names[before].to_string());
    }
    cycle.push(names[repeated].to_string());
    ChainError {
        profile: names[repeated].to_string(),
        origin: repeated_section
            .property(keys::SOURCE_PROFILE)
            .map(|p| p.origin)
            .or_else(|| repeated_section.headers.last().copied()),
        kind: ChainErrorKind::Loop {
            omitted: total.saturating_sub(cycle.len()),
            cycle,
        },
    }
}

fn in_loop(reach: &[Reach], at: usize, steps: &Steps) -> bool {
    matches!(reach[at].hops, Err(None))
        && reach[at].end == at
        && matches!(steps.as_source(at), Step::Then(_))
}

/// The number of profiles in the loop that `entry` is on.
fn loop_len(reach: &[Reach], entry: usize) -> usize {
    reach[entry].steps
}

/// The profile before `entry` on its loop.
fn cycle_pred(reach: &[Reach], entry: usize) -> usize {
    reach[entry].before_end.unwrap_or(entry)
}

/// Follows every source's path once. For a profile on a loop, `end` is
/// itself, `steps` the loop's length and `before_end` its predecessor on
/// the loop; for one leading into a loop, `end` is where it enters.
fn reach_all(steps: &Steps) -> Vec<Reach> {
    let n = steps.firsts.len();
    let mut reach: Vec<Option<Reach>> = vec![None; n];
    let mut on_path: Vec<usize> = vec![usize::MAX; n];
    for root in 0..n {
        if reach[root].is_some() {
            continue;
        }
        let mut path: Vec<usize> = Vec::new();
        let mut at = root;
        // Walk until a known verdict, an end, or a profile already on this path.
        let tail: Reach = loop {
            if let Some(known) = &reach[at] {
                break known.clone();
            }
            if on_path[at] != usize::MAX {
                // A loop: every profile from `at` on the path is on it.
                let from = on_path[at];
                let cycle = &path[from..];
                let len = cycle.len();
                for (i, &node) in cycle.iter().enumerate() {
                    let pred = cycle[(i + len - 1) % len];
                    reach[node] = Some(Reach {
                        steps: len,
                        end: node,
                        before_end: Some(pred),
                        hops: Err(None),
                    });
                }
                path.truncate(from);
                break reach[at].clone().expect("just set");
            }
            match steps.as_source(at) {
                Step::End(result) => {
                    let r = Reach {
                        steps: 0,
                        end: at,
                        before_end: None,
                        hops: result.clone().map_err(Some),
                    };
                    reach[at] = Some(r.clone());
                    break r;
                }
                Step::Then(next) => {
                    on_path[at] = path.len();
                    path.push(at);
                    at = *next;
                }
            }
        };
        // Unwind: each profile on the path is one step before the next.
        let mut next_reach = tail;
        let mut next_node = at;
        for &node in path.iter().rev() {
            let in_loop_entry = matches!(next_reach.hops, Err(None)) && next_reach.end == next_node;
            let r = Reach {
                steps: if in_loop_entry {
                    1
                } else {
                    next_reach.steps + 1
                },
                end: if in_loop_entry {
                    next_node
                } else {
                    next_reach.end
                },
                before_end: if next_node == next_reach.end || in_loop_entry {
                    Some(node)
                } else {
                    next_reach.before_end
                },
                hops: next_reach.hops.clone().map(|h| h + 1),
            };
            on_path[node] = usize::MAX;
            reach[node] = Some(r.clone());
            next_reach = r;
            next_node = node;
        }
    }
    reach
        .into_iter()
        .map(|r| r.expect("every profile reached"))
        .collect()
}
