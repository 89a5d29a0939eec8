//! Which profiles' chains can pass through given profiles. Resolving a
//! profile reads only the profiles its `source_profile`s lead to (and the
//! sso-sessions they name), so an edit that changes only some profiles
//! can change the chain of no profile outside what leads to them: what
//! the edit breaks is found by resolving these alone, not every profile.

use crate::profiles::{keys, ProfileSet};
use std::collections::{HashMap, HashSet};

/// The profiles whose chain may pass through one of `names`, in the set's
/// order: each of `names` the set holds, and every profile whose
/// `source_profile` leads to one of them, however many hops away. A
/// profile left out resolves to the same chain, or fails the same way,
/// whatever an edit does to `names` alone (added, removed or changed).
pub fn reaching<'a>(set: &'a ProfileSet, names: &[&str]) -> Vec<&'a str> {
    let mut named_by: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, profile) in set.profiles.iter() {
        if let Some(source) = profile.get(keys::SOURCE_PROFILE) {
            named_by.entry(source).or_default().push(name);
        }
    }
    let mut found: HashSet<&str> = HashSet::new();
    let mut next: Vec<&str> = names.to_vec();
    while let Some(name) = next.pop() {
        if !found.insert(name) {
            continue;
        }
        if let Some(users) = named_by.get(name) {
            next.extend(users.iter().copied());
        }
    }
    set.profiles
        .keys()
        .filter(|name| found.contains(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::resolve_without_hints;
    use crate::chain::tests::set as set_of;
    use proptest::prelude::*;

    #[test]
    fn the_profiles_that_lead_to_a_name_however_far() {
        let config = "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = b\n\
                      [profile b]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = c\n\
                      [profile c]\nsource_profile = gone\n\
                      [profile d]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = e\n\
                      [profile e]\nsource_profile = e\n";
        let credentials = "[c]\naws_access_key_id = A\naws_secret_access_key = B\n";
        let set = set_of(config, credentials);
        assert_eq!(reaching(&set, &["c"]), ["a", "b", "c"]);
        assert_eq!(reaching(&set, &["b"]), ["a", "b"]);
        assert_eq!(reaching(&set, &["gone"]), ["a", "b", "c"]);
        assert_eq!(reaching(&set, &["e", "a"]), ["a", "d", "e"]);
        assert!(reaching(&set, &["nobody"]).is_empty());
    }

    /// A profile `i` of `n`: static keys, a role on another (or missing)
    /// profile, or a credential_source; or nothing at all.
    fn profile_text(i: usize, kind: u8, source: usize) -> String {
        let role = "role_arn = arn:aws:iam::123456789012:role/r";
        match kind % 5 {
            0 => format!("[profile p{i}]\naws_access_key_id = A{i}\naws_secret_access_key = S\n"),
            1 | 2 => format!("[profile p{i}]\n{role}\nsource_profile = p{source}\n"),
            3 => format!("[profile p{i}]\n{role}\ncredential_source = Environment\n"),
            _ => format!("[profile p{i}]\nregion = eu-west-1\n"),
        }
    }

    fn config_of(profiles: &[(u8, usize)], n: usize) -> String {
        profiles
            .iter()
            .enumerate()
            .map(|(i, (kind, source))| profile_text(i, *kind, source % (n + 2)))
            .collect()
    }

    /// A chain by its profiles, or why it fails: lines move when other
    /// profiles are rewritten, so where a setting is is left out.
    fn outcome(set: &ProfileSet, name: &str) -> Result<Vec<String>, crate::chain::ChainErrorKind> {
        resolve_without_hints(set, name)
            .map(|chain| {
                let hops = chain.hops.iter().map(|hop| hop.profile.clone());
                hops.chain([chain.base.profile]).collect()
            })
            .map_err(|e| e.kind)
    }

    proptest! {
        /// Change some profiles any way at all (remove, rewrite, add):
        /// every profile `reaching` leaves out resolves after as before.
        #[test]
        fn a_profile_left_out_is_not_changed_by_an_edit_of_the_names(
            profiles in proptest::collection::vec((0u8..5, 0usize..12), 1..12),
            rewritten in proptest::collection::vec((0usize..14, 0u8..6, 0usize..14), 1..4),
        ) {
            let n = profiles.len();
            let before = set_of(&config_of(&profiles, n), "");
            let mut after_profiles: Vec<Option<(u8, usize)>> = profiles.iter().copied().map(Some).collect();
            after_profiles.resize(n + 2, None);
            let mut changed = Vec::new();
            for (index, kind, source) in &rewritten {
                let index = index % (n + 2);
                after_profiles[index] = (*kind < 5).then_some((*kind, *source));
                changed.push(format!("p{index}"));
            }
            let after_text: String = after_profiles
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.map(|(kind, source)| profile_text(i, kind, source % (n + 2))))
                .collect();
            let after = set_of(&after_text, "");
            let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
            let reached = reaching(&before, &changed);
            for name in before.profiles.keys().filter(|p| !reached.contains(p)) {
                prop_assert_eq!(
                    outcome(&before, name),
                    outcome(&after, name),
                    "{} of {:?} changing {:?}", name, profiles, rewritten
                );
            }
        }
    }
}
