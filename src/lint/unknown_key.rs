//! A key no AWS reader knows that is close to one it does: a typo.

use super::{finding, Finding, Severity};
use crate::profiles::keys::{lookup, KEYS};
use crate::profiles::Origin;

pub(super) fn check_key(key: &str, origin: Origin, out: &mut Vec<Finding>) {
    if lookup(key).is_some() {
        return;
    }
    let lower = key.to_ascii_lowercase();
    let best = KEYS
        .iter()
        .map(|k| (strsim::jaro_winkler(&lower, k.name), k.name))
        .filter(|(score, _)| *score >= 0.9)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, suggestion)) = best {
        out.push(finding(
            "unknown-key",
            Severity::Warning,
            origin,
            format!("unknown key `{key}`: did you mean `{suggestion}`?"),
            format!("rename it to {suggestion}; as written, AWS tools ignore it"),
        ));
    }
}
