//! SDK clients built from explicit settings only: no environment, no
//! profile files, no instance metadata.

use super::{Creds, Settings};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use std::time::Duration;

fn timeouts() -> aws_sdk_sts::config::timeout::TimeoutConfig {
    aws_sdk_sts::config::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_attempt_timeout(Duration::from_secs(15))
        .build()
}

pub fn sts_client(creds: &Creds, settings: &Settings) -> aws_sdk_sts::Client {
    let mut builder = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(settings.region.clone()))
        .credentials_provider(SharedCredentialsProvider::new(creds.to_sdk()))
        .retry_config(aws_sdk_sts::config::retry::RetryConfig::standard().with_max_attempts(3))
        .timeout_config(timeouts());
    if let Some(url) = &settings.sts_endpoint {
        builder = builder.endpoint_url(url);
    }
    aws_sdk_sts::Client::from_conf(builder.build())
}

pub fn ec2_client(creds: &Creds, settings: &Settings) -> aws_sdk_ec2::Client {
    let mut builder = aws_sdk_ec2::Config::builder()
        .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
        .region(aws_sdk_ec2::config::Region::new(settings.region.clone()))
        .credentials_provider(SharedCredentialsProvider::new(creds.to_sdk()))
        .retry_config(aws_sdk_ec2::config::retry::RetryConfig::standard().with_max_attempts(3))
        .timeout_config(timeouts());
    if let Some(url) = &settings.ec2_endpoint {
        builder = builder.endpoint_url(url);
    }
    aws_sdk_ec2::Client::from_conf(builder.build())
}
