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

macro_rules! ec2 {
    ($op:literal, $dry:expr, |$c:ident| $request:expr) => {
        Action {
            service: "ec2",
            operation: $op,
            dry_run: $dry,
            call: |clients| {
                Box::pin(async move {
                    let $c = &clients;
                    $request.send().await.map(|_| ()).map_err(|e| describe(&e))
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
    ec2!("DescribeAccountAttributes", false, |c| c
        .ec2
        .describe_account_attributes()),
    ec2!("DescribeAddresses", false, |c| c.ec2.describe_addresses()),
    ec2!("DescribeAvailabilityZones", false, |c| c
        .ec2
        .describe_availability_zones()),
    ec2!("DescribeCustomerGateways", false, |c| c
        .ec2
        .describe_customer_gateways()),
    ec2!("DescribeDhcpOptions", false, |c| c
        .ec2
        .describe_dhcp_options()),
    ec2!("DescribeEgressOnlyInternetGateways", false, |c| c
        .ec2
        .describe_egress_only_internet_gateways()),
    ec2!("DescribeFlowLogs", false, |c| c.ec2.describe_flow_logs()),
    ec2!("DescribeImages", false, |c| c
        .ec2
        .describe_images()
        .owners("self")),
    ec2!("DescribeInstanceStatus", false, |c| c
        .ec2
        .describe_instance_status()),
    ec2!("DescribeInstanceTypes", false, |c| c
        .ec2
        .describe_instance_types()
        .max_results(5)),
    ec2!("DescribeInstances", false, |c| c.ec2.describe_instances()),
    ec2!("DescribeInternetGateways", false, |c| c
        .ec2
        .describe_internet_gateways()),
    ec2!("DescribeKeyPairs", false, |c| c.ec2.describe_key_pairs()),
    ec2!("DescribeLaunchTemplates", false, |c| c
        .ec2
        .describe_launch_templates()),
    ec2!("DescribeNatGateways", false, |c| c
        .ec2
        .describe_nat_gateways()),
    ec2!("DescribeNetworkAcls", false, |c| c
        .ec2
        .describe_network_acls()),
    ec2!("DescribeNetworkInterfaces", false, |c| c
        .ec2
        .describe_network_interfaces()),
    ec2!("DescribePlacementGroups", false, |c| c
        .ec2
        .describe_placement_groups()),
    ec2!("DescribePrefixLists", false, |c| c
        .ec2
        .describe_prefix_lists()),
    ec2!("DescribeRegions", false, |c| c.ec2.describe_regions()),
    ec2!("DescribeRouteTables", false, |c| c
        .ec2
        .describe_route_tables()),
    ec2!("DescribeSecurityGroups", false, |c| c
        .ec2
        .describe_security_groups()),
    ec2!("DescribeSnapshots", false, |c| c
        .ec2
        .describe_snapshots()
        .owner_ids("self")),
    ec2!("DescribeSpotInstanceRequests", false, |c| c
        .ec2
        .describe_spot_instance_requests()),
    ec2!("DescribeSubnets", false, |c| c.ec2.describe_subnets()),
    ec2!("DescribeTags", false, |c| c.ec2.describe_tags()),
    ec2!("DescribeVolumes", false, |c| c.ec2.describe_volumes()),
    ec2!("DescribeVpcEndpoints", false, |c| c
        .ec2
        .describe_vpc_endpoints()),
    ec2!("DescribeVpcPeeringConnections", false, |c| c
        .ec2
        .describe_vpc_peering_connections()),
    ec2!("DescribeVpcs", false, |c| c.ec2.describe_vpcs()),
    ec2!("DescribeVpnGateways", false, |c| c
        .ec2
        .describe_vpn_gateways()),
    ec2!("AllocateAddress", true, |c| c
        .ec2
        .allocate_address()
        .dry_run(true)
        .domain(aws_sdk_ec2::types::DomainType::Vpc)),
    ec2!("AuthorizeSecurityGroupIngress", true, |c| c
        .ec2
        .authorize_security_group_ingress()
        .dry_run(true)
        .group_id(SECURITY_GROUP)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("192.0.2.0/24").build())
                .build()
        )),
    ec2!("CreateImage", true, |c| c
        .ec2
        .create_image()
        .dry_run(true)
        .instance_id(INSTANCE)
        .name(PROBE_NAME)),
    ec2!("CreateKeyPair", true, |c| c
        .ec2
        .create_key_pair()
        .dry_run(true)
        .key_name(PROBE_NAME)),
    ec2!("CreateSecurityGroup", true, |c| c
        .ec2
        .create_security_group()
        .dry_run(true)
        .group_name(PROBE_NAME)
        .description("awsprof verify probe")),
    ec2!("CreateSnapshot", true, |c| c
        .ec2
        .create_snapshot()
        .dry_run(true)
        .volume_id(VOLUME)),
    ec2!("CreateSubnet", true, |c| c
        .ec2
        .create_subnet()
        .dry_run(true)
        .vpc_id(VPC)
        .cidr_block("10.0.0.0/24")),
    ec2!("CreateTags", true, |c| c
        .ec2
        .create_tags()
        .dry_run(true)
        .resources(INSTANCE)
        .tags(Tag::builder().key("awsprof").value("probe").build())),
    ec2!("CreateVolume", true, |c| c
        .ec2
        .create_volume()
        .dry_run(true)
        .size(1)
        .availability_zone(format!("{}a", c.region))),
    ec2!("CreateVpc", true, |c| c
        .ec2
        .create_vpc()
        .dry_run(true)
        .cidr_block("10.0.0.0/16")),
    ec2!("DeleteKeyPair", true, |c| c
        .ec2
        .delete_key_pair()
        .dry_run(true)
        .key_name(PROBE_NAME)),
    ec2!("DeleteSecurityGroup", true, |c| c
        .ec2
        .delete_security_group()
        .dry_run(true)
        .group_id(SECURITY_GROUP)),
    ec2!("DeleteTags", true, |c| c
        .ec2
        .delete_tags()
        .dry_run(true)
        .resources(INSTANCE)
        .tags(Tag::builder().key("awsprof").build())),
    ec2!("DeleteVolume", true, |c| c
        .ec2
        .delete_volume()
        .dry_run(true)
        .volume_id(VOLUME)),
    ec2!("DeleteVpc", true, |c| c
        .ec2
        .delete_vpc()
        .dry_run(true)
        .vpc_id(VPC)),
    ec2!("RebootInstances", true, |c| c
        .ec2
        .reboot_instances()
        .dry_run(true)
        .instance_ids(INSTANCE)),
    ec2!("RunInstances", true, |c| c
        .ec2
        .run_instances()
        .dry_run(true)
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
    ec2!("StartInstances", true, |c| c
        .ec2
        .start_instances()
        .dry_run(true)
        .instance_ids(INSTANCE)),
    ec2!("StopInstances", true, |c| c
        .ec2
        .stop_instances()
        .dry_run(true)
        .instance_ids(INSTANCE)),
    ec2!("TerminateInstances", true, |c| c
        .ec2
        .terminate_instances()
        .dry_run(true)
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
}
