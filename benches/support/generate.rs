//! Real-world shaped inputs of any size: what organisations generate, one
//! profile per account and role, with comments.
#![allow(dead_code)]

/// A config file with `n` profiles: a third SSO, a third role profiles
/// sourced from `base`, a third plain. About 100 bytes a profile.
pub fn config(n: usize) -> String {
    let mut out = String::with_capacity(n * 110 + 200);
    out.push_str("# Generated for awsprof benchmarks\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n");
    for i in 0..n {
        let account = 100_000_000_000u64 + i as u64;
        out.push_str(&format!("# account {account}, team {}\n", i % 37));
        match i % 3 {
            0 => out.push_str(&format!(
                "[profile p{i}]\nsso_session = corp\nsso_account_id = {account}\nsso_role_name = Admin\nregion = us-east-1\n\n"
            )),
            1 => out.push_str(&format!(
                "[profile p{i}]\nrole_arn = arn:aws:iam::{account}:role/deploy\nsource_profile = base\nregion = eu-west-1\n\n"
            )),
            _ => out.push_str(&format!("[profile p{i}]\nregion = ap-northeast-1\noutput = json\n\n")),
        }
    }
    out
}

/// A credentials file with `n` static-key profiles plus `base`.
pub fn credentials(n: usize) -> String {
    let mut out = String::from("[base]\naws_access_key_id = AKIABASE000000000000\naws_secret_access_key = basebasebasebasebasebasebasebasebasebase\n\n");
    for i in 0..n {
        out.push_str(&format!(
            "[c{i}]\naws_access_key_id = AKIA{i:016}\naws_secret_access_key = {i:040}\n\n"
        ));
    }
    out
}

/// A config where `hop{n}` reaches `base` through `n` AssumeRole hops.
pub fn chain(n: usize) -> String {
    let mut out = String::new();
    for i in 1..=n {
        let source = if i == 1 {
            "base".to_string()
        } else {
            format!("hop{}", i - 1)
        };
        out.push_str(&format!(
            "[profile hop{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\nsource_profile = {source}\n\n"
        ));
    }
    out
}

/// `chain(n)` followed by `n` profiles that form one loop
/// (`loop0 -> loop1 -> ... -> loop0`): the worst case for lint, which
/// judges every profile's chain.
pub fn chain_and_loop(n: usize) -> String {
    let mut out = chain(n);
    for i in 0..n {
        out.push_str(&format!(
            "[profile loop{i}]\nrole_arn = arn:aws:iam::123456789012:role/l{i}\nsource_profile = loop{}\n\n",
            (i + 1) % n
        ));
    }
    out
}
