//! A key no AWS reader knows that is close to one it does: a typo.

use super::{finding, Finding, Severity};
use crate::profiles::keys::closest_known;
use crate::profiles::Origin;

pub(super) fn check_key(key: &str, origin: Origin, out: &mut Vec<Finding>) {
    if let Some(suggestion) = closest_known(key) {
        out.push(finding(
            "unknown-key",
            Severity::Warning,
            origin,
            format!("unknown key `{key}`: did you mean `{suggestion}`?"),
            format!("rename it to {suggestion}; as written, AWS tools ignore it"),
        ));
    }
}
