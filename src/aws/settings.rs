//! Region and endpoints, resolved the way the SDKs do, from flags, the
//! environment and the selected profile. Never an instance-metadata probe.

use crate::cli::AwsArgs;
use crate::profiles::ProfileSet;

pub const DEFAULT_REGION: &str = "us-east-1";

#[derive(Debug, Clone)]
pub struct Settings {
    pub region: String,
    pub sts_endpoint: Option<String>,
    pub ec2_endpoint: Option<String>,
    pub mfa_code: Option<String>,
    pub use_cache: bool,
    pub cache_dir: Option<std::path::PathBuf>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `service` is the SDK's id in lowercase (`sts`, `ec2`).
fn endpoint(args: &AwsArgs, set: &ProfileSet, profile: &str, service: &str) -> Option<String> {
    let from_profile = || {
        let p = set.profile(profile)?;
        let from_services = p.get("services").and_then(|name| {
            let section = set
                .other_sections
                .get(&("services".to_string(), name.to_string()))?;
            let block = section.get(service)?;
            block.lines().find_map(|line| {
                let (k, v) = line.split_once('=')?;
                (k.trim() == "endpoint_url").then(|| v.trim().to_string())
            })
        });
        from_services.or_else(|| p.get("endpoint_url").map(String::from))
    };
    args.endpoint_url
        .clone()
        .or_else(|| {
            env(&format!(
                "AWS_ENDPOINT_URL_{}",
                service.to_ascii_uppercase()
            ))
        })
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .or_else(from_profile)
}

pub fn resolve_settings(args: &AwsArgs, set: &ProfileSet, profile: &str) -> Settings {
    let region = args
        .region
        .clone()
        .or_else(|| env("AWS_REGION"))
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .or_else(|| {
            set.profile(profile)
                .and_then(|p| p.get("region"))
                .map(String::from)
        })
        .unwrap_or_else(|| DEFAULT_REGION.to_string());
    Settings {
        region,
        sts_endpoint: endpoint(args, set, profile, "sts"),
        ec2_endpoint: endpoint(args, set, profile, "ec2"),
        mfa_code: args.mfa_code.clone(),
        use_cache: !args.no_cache,
        cache_dir: dirs::home_dir().map(|h| h.join(".aws").join("cli").join("cache")),
    }
}
