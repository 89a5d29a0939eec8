//! The IAM Identity Center portal's listings, for `sso populate`: every
//! account the signed-in user may use, and each account's roles, page by
//! page, with the cached access token.

use super::errors::{describe, CallError};
use aws_sdk_sso::config::{BehaviorVersion, Region};

/// One account and role the user may sign in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    pub account_id: String,
    pub account_name: String,
    pub role_name: String,
}

/// Every account and role, sorted by account id then role name.
pub async fn assignments(
    region: &str,
    endpoint: Option<&str>,
    access_token: &str,
) -> Result<Vec<Assigned>, CallError> {
    let mut builder = aws_sdk_sso::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()));
    if let Some(url) = endpoint {
        builder = builder.endpoint_url(url);
    }
    let portal = aws_sdk_sso::Client::from_conf(builder.build());
    let mut accounts = Vec::new();
    let mut next = None;
    loop {
        let page = portal
            .list_accounts()
            .access_token(access_token)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| describe(&e))?;
        for account in page.account_list() {
            if let Some(id) = account.account_id() {
                accounts.push((
                    id.to_string(),
                    account.account_name().unwrap_or(id).to_string(),
                ));
            }
        }
        next = page.next_token().map(String::from);
        if next.is_none() {
            break;
        }
    }
    let mut out = Vec::new();
    for (account_id, account_name) in accounts {
        let mut next = None;
        loop {
            let page = portal
                .list_account_roles()
                .access_token(access_token)
                .account_id(&account_id)
                .set_next_token(next)
                .send()
                .await
                .map_err(|e| describe(&e))?;
            for role in page.role_list() {
                if let Some(role_name) = role.role_name() {
                    out.push(Assigned {
                        account_id: account_id.clone(),
                        account_name: account_name.clone(),
                        role_name: role_name.to_string(),
                    });
                }
            }
            next = page.next_token().map(String::from);
            if next.is_none() {
                break;
            }
        }
    }
    out.sort_by(|a, b| (&a.account_id, &a.role_name).cmp(&(&b.account_id, &b.role_name)));
    Ok(out)
}
