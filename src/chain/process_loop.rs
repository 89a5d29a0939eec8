//! `credential_process = awsprof credential-process NAME` chains one
//! profile's credentials to another's through a process. A loop of them
//! never ends at runtime (each awsprof starts the next), so it is refused
//! from the files alone, as a chain error.

use super::{resolve_without_hints, BaseSource, Chain};
use crate::profiles::command_line::awsprof_reference_by;
use crate::profiles::ProfileSet;

/// Follows awsprof `credential_process` references from `profile`'s
/// chain (already resolved as `first`); `Err` is the loop, `a -> b -> a`.
/// `is_awsprof` says whether a command line's program is awsprof (see
/// [`crate::profiles::command_line::is_awsprof`]).
pub fn process_loop(
    set: &ProfileSet,
    profile: &str,
    first: &Chain,
    is_awsprof: &dyn Fn(&str) -> bool,
) -> Result<(), Vec<String>> {
    let mut path = vec![profile.to_string()];
    let mut seen = std::collections::HashSet::from([profile.to_string()]);
    let mut next_chain: Option<Chain> = None;
    loop {
        let chain = next_chain.as_ref().unwrap_or(first);
        let BaseSource::CredentialProcess { command } = &chain.base.source else {
            return Ok(());
        };
        let Some(next) = awsprof_reference_by(command, is_awsprof).map(|r| r.profile().to_string())
        else {
            return Ok(());
        };
        path.push(next.clone());
        if !seen.insert(next.clone()) {
            return Err(path);
        }
        match resolve_without_hints(set, &next) {
            Ok(chain) => next_chain = Some(chain),
            Err(_) => return Ok(()),
        }
    }
}

/// `a -> b -> a`, its middle cut on a long loop as chain loops are.
pub fn loop_text(path: &[String]) -> String {
    let (cycle, omitted) = super::resolve::by_its_ends(path.to_vec());
    super::resolve::loop_text(&cycle, omitted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::resolve;
    use crate::document::Document;

    #[test]
    fn a_loop_of_credential_processes_is_named() {
        let config = "[profile a]\ncredential_process = awsprof credential-process b\n\
                      [profile b]\ncredential_process = /opt/bin/awsprof profile export a\n\
                      [profile c]\ncredential_process = awsprof credential-process tanaka\n\
                      [profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = a\n";
        let credentials = "[tanaka]\naws_access_key_id = A\naws_secret_access_key = B\n";
        let set = ProfileSet::from_documents(
            &Document::parse_str(config),
            &Document::parse_str(credentials),
        )
        .unwrap();
        let by_name = crate::profiles::command_line::is_awsprof;
        let check = |name| process_loop(&set, name, &resolve(&set, name).unwrap(), &by_name);
        assert_eq!(check("a"), Err(vec!["a".into(), "b".into(), "a".into()]));
        assert_eq!(check("r").unwrap_err().join(" -> "), "r -> b -> a -> b");
        assert_eq!(check("c"), Ok(()));
        assert_eq!(check("tanaka"), Ok(()));
    }

    #[test]
    fn a_long_loop_is_named_by_its_ends() {
        let names = |n: usize| -> Vec<String> { (0..n).map(|i| format!("p{i}")).collect() };
        assert_eq!(loop_text(&names(3)), "p0 -> p1 -> p2");
        assert_eq!(loop_text(&names(5)), "p0 -> p1 -> p2 -> p3 -> p4");
        assert_eq!(loop_text(&names(6)), "p0 -> p1 -> … 2 more … -> p4 -> p5");
        assert_eq!(
            loop_text(&names(40)),
            "p0 -> p1 -> … 36 more … -> p38 -> p39"
        );
    }
}
