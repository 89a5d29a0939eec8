//! The actions `verify` can check, and how an answer becomes an outcome.
//!
//! Read-only EC2 calls run for real (they need no arguments and change
//! nothing); mutating ones are sent with `DryRun=true` and well-formed
//! placeholder ids, so nothing is created or changed.

use super::errors::{describe, CallError};
use aws_sdk_ec2::types::{
    InstanceType, IpPermission, IpRange, ResourceType, Tag, TagSpecification,
};
use std::future::Future;
use std::pin::Pin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Allowed,
    Denied,
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Error => "error",
        }
    }
}

/// Codes that mean "not authorized". Everything else that fails is an
/// error: a bad key, a throttled call or a network failure proves nothing
/// about permissions.
pub const DENIAL_CODES: &[&str] = &[
    "UnauthorizedOperation",
    "Client.UnauthorizedOperation",
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedAccess",
    "AuthorizationError",
    "NotAuthorized",
];

/// EC2's answer to an allowed DryRun call.
pub const DRY_RUN_OK: &str = "DryRunOperation";

pub fn classify(result: &Result<(), CallError>) -> Outcome {
    match result {
        Ok(()) => Outcome::Allowed,
        Err(e) if e.code == DRY_RUN_OK => Outcome::Allowed,
        Err(e) if DENIAL_CODES.contains(&e.code.as_str()) => Outcome::Denied,
        Err(_) => Outcome::Error,
    }
}

/// The clients a check may use (cheap to clone).
#[derive(Clone, Debug)]
pub struct Clients {
    pub ec2: aws_sdk_ec2::Client,
    pub sts: aws_sdk_sts::Client,
    pub region: String,
}

type CallFuture = Pin<Box<dyn Future<Output = Result<(), CallError>> + Send>>;

pub struct Action {
    pub service: &'static str,
    pub operation: &'static str,
    /// Sent with DryRun: it would change something if it ran.
    pub dry_run: bool,
    call: fn(Clients) -> CallFuture,
}

impl Action {
    /// `ec2:DescribeVpcs`.
    pub fn name(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }

    pub fn call(&self, clients: Clients) -> CallFuture {
        (self.call)(clients)
    }
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

const INSTANCE: &str = "i-0123456789abcdef0";
const IMAGE: &str = "ami-0123456789abcdef0";
const VPC: &str = "vpc-0123456789abcdef0";
const SECURITY_GROUP: &str = "sg-0123456789abcdef0";
const VOLUME: &str = "vol-0123456789abcdef0";
const PROBE_NAME: &str = "awsprof-verify-probe";

/// A registry row. A mutating row is always sent with `DryRun=true`: the
/// macro adds it, so no row can leave it out.
macro_rules! ec2 {
    (read $op:literal, |$c:ident| $request:expr) => {
        Action {
            service: "ec2",
            operation: $op,
            dry_run: false,
            call: |clients| {
                Box::pin(async move {
                    let $c = &clients;
                    $request.send().await.map(|_| ()).map_err(|e| describe(&e))
                })
            },
        }
    };
    (mutating $op:literal, |$c:ident| $request:expr) => {
        Action {
            service: "ec2",
            operation: $op,
            dry_run: true,
            call: |clients| {
                Box::pin(async move {
                    let $c = &clients;
                    $request
                        .dry_run(true)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| describe(&e))
                })
            },
        }
    };
}

pub static ACTIONS: &[Action] = &[
    Action {
        service: "sts",
        operation: "GetCallerIdentity",
        dry_run: false,
        call: |clients| {
            Box::pin(async move {
                clients
                    .sts
                    .get_caller_identity()
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| describe(&e))
            })
        },
    },
    ec2!(read "DescribeAccountAttributes", |c| c
        .ec2
        .describe_account_attributes()),
    ec2!(read "DescribeAddresses", |c| c.ec2.describe_addresses()),
    ec2!(read "DescribeAvailabilityZones", |c| c
        .ec2
        .describe_availability_zones()),
    ec2!(read "DescribeCustomerGateways", |c| c
        .ec2
        .describe_customer_gateways()),
    ec2!(read "DescribeDhcpOptions", |c| c
        .ec2
        .describe_dhcp_options()),
    ec2!(read "DescribeEgressOnlyInternetGateways", |c| c
        .ec2
        .describe_egress_only_internet_gateways()),
    ec2!(read "DescribeFlowLogs", |c| c.ec2.describe_flow_logs()),
    ec2!(read "DescribeImages", |c| c
        .ec2
        .describe_images()
        .owners("self")),
    ec2!(read "DescribeInstanceStatus", |c| c
        .ec2
        .describe_instance_status()),
    ec2!(read "DescribeInstanceTypes", |c| c
        .ec2
        .describe_instance_types()
        .max_results(5)),
    ec2!(read "DescribeInstances", |c| c.ec2.describe_instances()),
    ec2!(read "DescribeInternetGateways", |c| c
        .ec2
        .describe_internet_gateways()),
    ec2!(read "DescribeKeyPairs", |c| c.ec2.describe_key_pairs()),
    ec2!(read "DescribeLaunchTemplates", |c| c
        .ec2
        .describe_launch_templates()),
    ec2!(read "DescribeNatGateways", |c| c
        .ec2
        .describe_nat_gateways()),
    ec2!(read "DescribeNetworkAcls", |c| c
        .ec2
        .describe_network_acls()),
    ec2!(read "DescribeNetworkInterfaces", |c| c
        .ec2
        .describe_network_interfaces()),
    ec2!(read "DescribePlacementGroups", |c| c
        .ec2
        .describe_placement_groups()),
    ec2!(read "DescribePrefixLists", |c| c
        .ec2
        .describe_prefix_lists()),
    ec2!(read "DescribeRegions", |c| c.ec2.describe_regions()),
    ec2!(read "DescribeRouteTables", |c| c
        .ec2
        .describe_route_tables()),
    ec2!(read "DescribeSecurityGroups", |c| c
        .ec2
        .describe_security_groups()),
    ec2!(read "DescribeSnapshots", |c| c
        .ec2
        .describe_snapshots()
        .owner_ids("self")),
    ec2!(read "DescribeSpotInstanceRequests", |c| c
        .ec2
        .describe_spot_instance_requests()),
    ec2!(read "DescribeSubnets", |c| c.ec2.describe_subnets()),
    ec2!(read "DescribeTags", |c| c.ec2.describe_tags()),
    ec2!(read "DescribeVolumes", |c| c.ec2.describe_volumes()),
    ec2!(read "DescribeVpcEndpoints", |c| c
        .ec2
        .describe_vpc_endpoints()),
    ec2!(read "DescribeVpcPeeringConnections", |c| c
        .ec2
        .describe_vpc_peering_connections()),
    ec2!(read "DescribeVpcs", |c| c.ec2.describe_vpcs()),
    ec2!(read "DescribeVpnGateways", |c| c
        .ec2
        .describe_vpn_gateways()),
    ec2!(mutating "AllocateAddress", |c| c
        .ec2
        .allocate_address()
        .domain(aws_sdk_ec2::types::DomainType::Vpc)),
    ec2!(mutating "AuthorizeSecurityGroupIngress", |c| c
    .ec2
    .authorize_security_group_ingress()
    .group_id(SECURITY_GROUP)
    .ip_permissions(
        IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(22)
            .to_port(22)
            .ip_ranges(IpRange::builder().cidr_ip("192.0.2.0/24").build())
            .build()
    )),
    ec2!(mutating "CreateImage", |c| c
        .ec2
        .create_image()
        .instance_id(INSTANCE)
        .name(PROBE_NAME)),
    ec2!(mutating "CreateKeyPair", |c| c
        .ec2
        .create_key_pair()
        .key_name(PROBE_NAME)),
    ec2!(mutating "CreateSecurityGroup", |c| c
        .ec2
        .create_security_group()
        .group_name(PROBE_NAME)
        .description("awsprof verify probe")),
    ec2!(mutating "CreateSnapshot", |c| c
        .ec2
        .create_snapshot()
        .volume_id(VOLUME)),
    ec2!(mutating "CreateSubnet", |c| c
        .ec2
        .create_subnet()
        .vpc_id(VPC)
        .cidr_block("10.0.0.0/24")),
    ec2!(mutating "CreateTags", |c| c
        .ec2
        .create_tags()
        .resources(INSTANCE)
        .tags(Tag::builder().key("awsprof").value("probe").build())),
    ec2!(mutating "CreateVolume", |c| c
        .ec2
        .create_volume()
        .size(1)
        .availability_zone(format!("{}a", c.region))),
    ec2!(mutating "CreateVpc", |c| c
        .ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")),
    ec2!(mutating "DeleteKeyPair", |c| c
        .ec2
        .delete_key_pair()
        .key_name(PROBE_NAME)),
    ec2!(mutating "DeleteSecurityGroup", |c| c
        .ec2
        .delete_security_group()
        .group_id(SECURITY_GROUP)),
    ec2!(mutating "DeleteTags", |c| c
        .ec2
        .delete_tags()
        .resources(INSTANCE)
        .tags(Tag::builder().key("awsprof").build())),
    ec2!(mutating "DeleteVolume", |c| c
        .ec2
        .delete_volume()
        .volume_id(VOLUME)),
    ec2!(mutating "DeleteVpc", |c| c
        .ec2
        .delete_vpc()
        .vpc_id(VPC)),
    ec2!(mutating "RebootInstances", |c| c
        .ec2
        .reboot_instances()
        .instance_ids(INSTANCE)),
    ec2!(mutating "RunInstances", |c| c
    .ec2
    .run_instances()
    .image_id(IMAGE)
    .instance_type(InstanceType::T3Micro)
    .min_count(1)
    .max_count(1)
    .tag_specifications(
        TagSpecification::builder()
            .resource_type(ResourceType::Instance)
            .tags(Tag::builder().key("awsprof").value("probe").build())
            .build()
    )),
    ec2!(mutating "StartInstances", |c| c
        .ec2
        .start_instances()
        .instance_ids(INSTANCE)),
    ec2!(mutating "StopInstances", |c| c
        .ec2
        .stop_instances()
        .instance_ids(INSTANCE)),
    ec2!(mutating "TerminateInstances", |c| c
        .ec2
        .terminate_instances()
        .instance_ids(INSTANCE)),
];

/// Finds `service:Operation`, case-insensitively; on failure, the closest names.
pub fn lookup(action: &str) -> Result<&'static Action, Vec<String>> {
    let wanted = action.trim();
    if let Some(found) = ACTIONS
        .iter()
        .find(|a| a.name().eq_ignore_ascii_case(wanted))
    {
        return Ok(found);
    }
    let names: Vec<String> = ACTIONS.iter().map(Action::name).collect();
    // Also match a bare operation name (`DescribeVpcs`).
    let bare = names
        .iter()
        .filter(|n| {
            n.split(':')
                .nth(1)
                .is_some_and(|op| op.eq_ignore_ascii_case(wanted))
        })
        .cloned();
    let close = crate::suggest::closest(wanted, names.iter().map(String::as_str))
        .into_iter()
        .map(String::from);
    let mut suggestions: Vec<String> = bare.chain(close).collect();
    suggestions.dedup();
    Err(suggestions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: &str) -> Result<(), CallError> {
        Err(CallError {
            code: code.into(),
            message: String::new(),
        })
    }

    #[test]
    fn outcomes() {
        assert_eq!(classify(&Ok(())), Outcome::Allowed);
        assert_eq!(classify(&err("DryRunOperation")), Outcome::Allowed);
        for code in [
            "UnauthorizedOperation",
            "AccessDenied",
            "AccessDeniedException",
        ] {
            assert_eq!(classify(&err(code)), Outcome::Denied, "{code}");
        }
        for code in [
            "InvalidClientTokenId",
            "SignatureDoesNotMatch",
            "AuthFailure",
            "ExpiredToken",
            "Throttling",
            "NetworkError",
            "InvalidParameterValue",
        ] {
            assert_eq!(classify(&err(code)), Outcome::Error, "{code}");
        }
    }

    #[test]
    fn registry_has_what_the_issue_names() {
        let describes = ACTIONS
            .iter()
            .filter(|a| a.service == "ec2" && !a.dry_run)
            .count();
        assert!(describes >= 25, "{describes}");
        for name in [
            "DescribeInstanceTypes",
            "DescribeVpcs",
            "DescribeImages",
            "DescribeSnapshots",
            "RunInstances",
            "CreateVpc",
            "CreateSecurityGroup",
            "CreateTags",
            "StartInstances",
            "StopInstances",
            "TerminateInstances",
        ] {
            assert!(lookup(&format!("ec2:{name}")).is_ok(), "{name}");
        }
        let mut names: Vec<String> = ACTIONS.iter().map(Action::name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ACTIONS.len(), "no duplicates");
    }

    #[test]
    fn lookup_is_case_insensitive_and_suggests() {
        assert_eq!(
            lookup("EC2:describevpcs").unwrap().operation,
            "DescribeVpcs"
        );
        let s = lookup("ec2:DescribeVpc").unwrap_err();
        assert_eq!(s.first().map(String::as_str), Some("ec2:DescribeVpcs"));
        assert_eq!(
            lookup("DescribeVpcs").unwrap_err(),
            vec!["ec2:DescribeVpcs".to_string()]
        );
    }

    /// Every request body a local server receives; it answers each with
    /// EC2's DryRunOperation.
    fn capturing_server() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = bodies.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&body).into_owned());
                let answer = "<Response><Errors><Error><Code>DryRunOperation</Code><Message>dry</Message></Error></Errors></Response>";
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 412 Precondition Failed\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        (endpoint, bodies)
    }

    #[tokio::test]
    async fn every_mutating_action_is_sent_with_dry_run() {
        let (endpoint, bodies) = capturing_server();
        let settings = crate::aws::Settings {
            region: "us-east-1".into(),
            region_configured: true,
            sts_endpoint: Some(endpoint.clone()),
            ec2_endpoint: Some(endpoint.clone()),
            iam_endpoint: None,
            sso_oidc_endpoint: None,
            sso_endpoint: None,
            mfa_code: None,
            may_prompt: false,
            use_cache: false,
            cache_dir: None,
            mfa_session: false,
            mfa_session_duration: None,
            session_dir: None,
        };
        let creds = crate::aws::Creds {
            access_key_id: "AKIAEXAMPLE".into(),
            secret_access_key: crate::secret::Secret::new("secret"),
            session_token: None,
            expiration: None,
        };
        let clients = Clients {
            ec2: crate::aws::ec2_client(&creds, &settings),
            sts: crate::aws::sts_client(&creds, &settings),
            region: settings.region.clone(),
        };
        let mutating: Vec<&Action> = ACTIONS.iter().filter(|a| a.dry_run).collect();
        assert_eq!(mutating.len(), 20);
        for action in mutating {
            let before = bodies.lock().unwrap().len();
            let outcome = classify(&action.call(clients.clone()).await);
            let sent = bodies.lock().unwrap()[before..].to_vec();
            assert!(!sent.is_empty(), "{action:?} sent nothing");
            for body in &sent {
                assert!(
                    body.contains(&format!("Action={}", action.operation))
                        && body.contains("DryRun=true"),
                    "{action:?} sent {body}"
                );
            }
            assert_eq!(outcome, Outcome::Allowed, "{action:?}");
        }
    }
}
