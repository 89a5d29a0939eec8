//! The AWS Management Console sign-in as text: the federation endpoint's
//! `getSigninToken` request and the `login` URL it leads to, as AWS
//! documents them ("Enable custom identity broker access to the AWS
//! console"), for each partition. Pure: the call is made in `aws/`.

use super::{check_exportable, Exported, UnsafeValue};

/// The partitions with a console and a federation endpoint of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    Aws,
    China,
    GovCloud,
}

impl Partition {
    /// The partition an ARN names (`arn:aws-cn:...`).
    pub fn of_arn(arn: &str) -> Option<Partition> {
        match arn.split(':').nth(1)? {
            "aws" => Some(Partition::Aws),
            "aws-cn" => Some(Partition::China),
            "aws-us-gov" => Some(Partition::GovCloud),
            _ => None,
        }
    }

    /// The partition a region belongs to (`cn-north-1`, `us-gov-west-1`).
    pub fn of_region(region: &str) -> Partition {
        if region.starts_with("cn-") {
            Partition::China
        } else if region.starts_with("us-gov-") {
            Partition::GovCloud
        } else {
            Partition::Aws
        }
    }

    pub fn signin_host(self) -> &'static str {
        match self {
            Partition::Aws => "signin.aws.amazon.com",
            Partition::China => "signin.amazonaws.cn",
            Partition::GovCloud => "signin.amazonaws-us-gov.com",
        }
    }

    pub fn console_host(self) -> &'static str {
        match self {
            Partition::Aws => "console.aws.amazon.com",
            Partition::China => "console.amazonaws.cn",
            Partition::GovCloud => "console.amazonaws-us-gov.com",
        }
    }

    /// `https://signin.aws.amazon.com/federation`
    pub fn federation_url(self) -> String {
        format!("https://{}/federation", self.signin_host())
    }
}

/// Where the browser lands: the console home, or a service's page, in a
/// region when one is configured.
pub fn destination(partition: Partition, region: Option<&str>, service: Option<&str>) -> String {
    let host = partition.console_host();
    match (region, service) {
        (None, None) => format!("https://{host}/"),
        (None, Some(service)) => format!("https://{host}/{service}/home"),
        (Some(region), service) => format!(
            "https://{region}.{host}/{}/home?region={region}",
            service.unwrap_or("console")
        ),
    }
}

/// A `--destination` the sign-in may lead to: an https URL on the
/// partition's console (the token is a credential; it is not handed to
/// another site).
pub fn check_destination(partition: Partition, url: &str) -> Result<(), String> {
    let host = partition.console_host();
    let authority = url
        .strip_prefix("https://")
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    let allowed = authority.is_some_and(|a| a == host || a.ends_with(&format!(".{host}")));
    let printable = url.chars().all(|c| c.is_ascii_graphic());
    if allowed && printable {
        Ok(())
    } else {
        Err(format!(
            "--destination `{}` is not a page of the console; give an https URL on {host} or one of its regional hosts",
            url.escape_default()
        ))
    }
}

/// STS service ids for `--service` are lowercase letters, digits and `-`.
pub fn check_service(service: &str) -> Result<(), String> {
    let ok = !service.is_empty()
        && service.len() <= 64
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "--service `{}` is not a console service name like ec2, s3 or iam",
            service.escape_default()
        ))
    }
}

/// The `Session` parameter: the temporary credentials as JSON.
fn session_json(creds: &Exported<'_>) -> String {
    serde_json::json!({
        "sessionId": creds.access_key_id,
        "sessionKey": creds.secret_access_key,
        "sessionToken": creds.session_token.unwrap_or_default(),
    })
    .to_string()
}

/// The `getSigninToken` request for `creds` (temporary ones only: the
/// endpoint takes no long-term keys). `session_duration` only for a
/// role's credentials: the endpoint refuses it for federation tokens.
pub fn signin_token_url(
    federation_url: &str,
    creds: &Exported<'_>,
    session_duration: Option<u32>,
) -> Result<String, UnsafeValue> {
    check_exportable(creds)?;
    if creds.session_token.is_none() {
        return Err(UnsafeValue {
            field: "aws_session_token",
            why: "the console takes temporary credentials only".into(),
        });
    }
    let mut url = format!("{federation_url}?Action=getSigninToken");
    if let Some(seconds) = session_duration {
        url.push_str(&format!("&SessionDuration={seconds}"));
    }
    url.push_str("&Session=");
    url.push_str(&encode(&session_json(creds)));
    Ok(url)
}

/// The sign-in URL itself: a credential for as long as the token lasts
/// (15 minutes).
pub fn login_url(federation_url: &str, destination: &str, signin_token: &str) -> String {
    format!(
        "{federation_url}?Action=login&Issuer=awsprof&Destination={}&SigninToken={}",
        encode(destination),
        encode(signin_token)
    )
}

/// The `SigninToken` of the endpoint's answer, when it is one.
pub fn signin_token(answer: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(answer).ok()?;
    let token = value.get("SigninToken")?.as_str()?;
    let shaped = !token.is_empty() && token.len() <= 16 * 1024 && token.is_ascii();
    shaped.then(|| token.to_string())
}

/// GetFederationToken's `Name`: 2 to 32 of `[\w+=,.@-]`, from the
/// profile's name (others become `-`, the rest is cut).
pub fn federation_name(profile: &str) -> String {
    let mut name: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(32)
        .collect();
    while name.len() < 2 {
        name.push('-');
    }
    name
}

/// The session policy given with GetFederationToken: without one the
/// federated user may do nothing; with this one, what the user's own
/// policies allow (the intersection of the two).
pub const ALLOW_ALL_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// Percent-encoding of everything but RFC 3986's unreserved characters
/// (query values: the sign-in URLs here, the OIDC authorize page).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role_creds() -> Exported<'static> {
        Exported {
            access_key_id: "ASIAEXAMPLE000000001",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: Some("FwoGZXIvYXdzEXAMPLE/token+=="),
            expiration: None,
        }
    }

    #[test]
    fn hosts_follow_the_partition() {
        let cases = [
            (
                "arn:aws:iam::123456789012:role/r",
                "signin.aws.amazon.com",
                "console.aws.amazon.com",
            ),
            (
                "arn:aws-cn:iam::123456789012:role/r",
                "signin.amazonaws.cn",
                "console.amazonaws.cn",
            ),
            (
                "arn:aws-us-gov:iam::123456789012:role/r",
                "signin.amazonaws-us-gov.com",
                "console.amazonaws-us-gov.com",
            ),
        ];
        for (arn, signin, console) in cases {
            let p = Partition::of_arn(arn).unwrap();
            assert_eq!(p.federation_url(), format!("https://{signin}/federation"));
            assert_eq!(p.console_host(), console);
        }
        assert_eq!(Partition::of_arn("arn:aws-iso:iam::1:role/r"), None);
        assert_eq!(Partition::of_region("cn-northwest-1"), Partition::China);
        assert_eq!(Partition::of_region("us-gov-east-1"), Partition::GovCloud);
        assert_eq!(Partition::of_region("eu-west-1"), Partition::Aws);
    }

    #[test]
    fn destinations_for_home_service_and_region() {
        let p = Partition::Aws;
        assert_eq!(
            destination(p, None, None),
            "https://console.aws.amazon.com/"
        );
        assert_eq!(
            destination(p, None, Some("ec2")),
            "https://console.aws.amazon.com/ec2/home"
        );
        assert_eq!(
            destination(p, Some("eu-west-1"), Some("ec2")),
            "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
        );
        assert_eq!(
            destination(Partition::China, Some("cn-north-1"), None),
            "https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1"
        );
    }

    #[test]
    fn only_console_pages_are_destinations() {
        let p = Partition::Aws;
        assert!(check_destination(p, "https://console.aws.amazon.com/s3/").is_ok());
        assert!(check_destination(p, "https://eu-west-1.console.aws.amazon.com/ec2/home").is_ok());
        for bad in [
            "http://console.aws.amazon.com/",
            "https://console.aws.amazon.com.evil.example/",
            "https://evil.example/?console.aws.amazon.com",
            "https://xconsole.aws.amazon.com/",
            "https://console.amazonaws.cn/",
            "https://console.aws.amazon.com/a b",
        ] {
            assert!(check_destination(p, bad).is_err(), "{bad}");
        }
        assert!(check_service("ec2").is_ok());
        assert!(check_service("cloudwatch-logs").is_ok());
        assert!(check_service("../x").is_err());
        assert!(check_service("").is_err());
    }

    #[test]
    fn the_token_request_carries_the_session_and_a_duration_only_when_asked() {
        let url = signin_token_url(
            "https://signin.aws.amazon.com/federation",
            &role_creds(),
            None,
        )
        .unwrap();
        assert_eq!(
            url,
            "https://signin.aws.amazon.com/federation?Action=getSigninToken&Session=%7B%22sessionId%22%3A%22ASIAEXAMPLE000000001%22%2C%22sessionKey%22%3A%22wJalrXUtnFEMI%2FK7MDENG%2BbPxRfiCYEXAMPLEKEY%22%2C%22sessionToken%22%3A%22FwoGZXIvYXdzEXAMPLE%2Ftoken%2B%3D%3D%22%7D"
        );
        let with = signin_token_url("https://f/federation", &role_creds(), Some(3600)).unwrap();
        assert!(with.starts_with(
            "https://f/federation?Action=getSigninToken&SessionDuration=3600&Session=%7B"
        ));
        let long_term = Exported {
            session_token: None,
            ..role_creds()
        };
        assert!(signin_token_url("https://f/federation", &long_term, None).is_err());
        let unshaped = Exported {
            access_key_id: "ASIA\u{1b}[2J",
            ..role_creds()
        };
        assert!(signin_token_url("https://f/federation", &unshaped, None).is_err());
    }

    #[test]
    fn the_login_url_and_the_token_answer() {
        assert_eq!(
            login_url(
                "https://signin.aws.amazon.com/federation",
                "https://console.aws.amazon.com/ec2/home?region=eu-west-1",
                "tok/en+=",
            ),
            "https://signin.aws.amazon.com/federation?Action=login&Issuer=awsprof&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Deu-west-1&SigninToken=tok%2Fen%2B%3D"
        );
        assert_eq!(
            signin_token(r#"{"SigninToken":"abc"}"#).as_deref(),
            Some("abc")
        );
        assert_eq!(signin_token(r#"{"SigninToken":""}"#), None);
        assert_eq!(signin_token(r#"{"Other":"abc"}"#), None);
        assert_eq!(signin_token("<html>"), None);
        // Up to 16 KiB of ASCII: real tokens are about 1 KiB.
        let answer = |token: &str| format!(r#"{{"SigninToken":"{token}"}}"#);
        let longest = "t".repeat(16 * 1024);
        assert_eq!(signin_token(&answer(&longest)), Some(longest.clone()));
        assert_eq!(signin_token(&answer(&format!("{longest}t"))), None);
        assert_eq!(signin_token(&answer(r"t\u00e9")), None);
    }

    #[test]
    fn federation_names_are_valid_and_cut_to_32() {
        assert_eq!(federation_name("tanaka"), "tanaka");
        assert_eq!(federation_name("a b/c"), "a-b-c");
        assert_eq!(federation_name("x"), "x-");
        let long = federation_name(&"p".repeat(40));
        assert_eq!(long.len(), 32);
        assert_eq!(federation_name("名前"), "--");
    }
}
