//! `backup scrub NAME`: every secret access key profile `NAME` holds now
//! or held in any backup, replaced by a marker in every backup (each
//! manifest's hash updated), so that old backups stop being plaintext
//! copies of its keys.

use crate::document::Document;
use crate::error::Result;
use crate::profiles::keys::{AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY};
use crate::profiles::{FileKind, ProfileFiles, ProfileSet};
use crate::store::BackupStore;
use std::collections::BTreeMap;

pub struct Scrubbed {
    /// The keys whose secret was looked for, by id.
    pub keys: Vec<String>,
    /// The backups that held one and now hold the marker.
    pub backups: Vec<String>,
    /// The profile's key is still in the credentials file in plaintext.
    pub file_holds_key: bool,
}

/// The marker a scrubbed secret leaves: it cannot pass for a secret.
pub fn marker(profile: &str) -> String {
    format!("(scrubbed by awsprof backup scrub {profile})")
}

pub fn scrub_profile(
    backups: &BackupStore,
    files: &ProfileFiles,
    profile: &str,
) -> Result<Scrubbed> {
    crate::edits::require_profile(files, profile)?;
    let mut secrets: BTreeMap<String, crate::secret::Secret> = BTreeMap::new();
    let file_holds_key = files
        .set
        .profile(profile)
        .is_some_and(|p| p.get(AWS_SECRET_ACCESS_KEY).is_some());
    if let Ok(now) = super::vault::long_term_keys(files, profile) {
        secrets.insert(now.access_key_id, now.secret_access_key);
    }
    for manifest in backups.list()? {
        let mut docs = [Document::default(), Document::default()];
        for file in &manifest.files {
            let (Some(kind), Some(bytes)) = (file.file_kind(), backups.content(&manifest, file)?)
            else {
                continue;
            };
            let slot = usize::from(kind == FileKind::Credentials);
            docs[slot] = Document::parse_str(&String::from_utf8_lossy(&bytes));
        }
        // A backup that does not parse holds nothing this can name.
        let Ok(set) = ProfileSet::from_documents(&docs[0], &docs[1]) else {
            continue;
        };
        let Some(held) = set.profile(profile) else {
            continue;
        };
        if let (Some(id), Some(secret)) =
            (held.get(AWS_ACCESS_KEY_ID), held.get(AWS_SECRET_ACCESS_KEY))
        {
            if crate::profiles::values::check_secret_text(secret).is_ok() {
                secrets.insert(id.to_string(), crate::secret::Secret::new(secret));
            }
        }
    }
    let mut scrubbed = std::collections::BTreeSet::new();
    for (id, secret) in &secrets {
        scrubbed.extend(backups.scrub(id, secret.expose(), &marker(profile))?);
    }
    Ok(Scrubbed {
        keys: secrets.into_keys().collect(),
        backups: scrubbed.into_iter().collect(),
        file_holds_key,
    })
}
