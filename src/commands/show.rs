//! `awsprof profile show NAME`

use super::{origin_label, print_json, selected_profile, Context};
use crate::edits::require_profile;
use crate::error::Result;
use crate::profiles::keys::masks_value;
use crate::profiles::{sub_properties, FileKind, ProfileFiles};
use crate::secret::MASK;
use serde_json::json;

pub fn run(ctx: &Context, name: Option<String>, show_secrets: bool) -> Result<()> {
    let name = selected_profile(name);
    let files = ProfileFiles::load_profile(&ctx.locations, &name)?;
    let profile = require_profile(&files, &name)?;
    let shown = |key: &str, value: &str, file: FileKind| {
        if !show_secrets && masks_value(key, value, file == FileKind::Credentials) {
            MASK.to_string()
        } else {
            value.to_string()
        }
    };
    if ctx.json() {
        let properties: serde_json::Map<String, serde_json::Value> = profile
            .properties
            .iter()
            .map(|(k, p)| {
                (
                    k.to_string(),
                    json!({
                        "value": shown(k, &p.value, p.origin.file),
                        "origin": origin_label(p.origin),
                        "file": files.path(p.origin.file),
                        "line": p.origin.line,
                    }),
                )
            })
            .collect();
        let defined_in: Vec<String> = profile
            .headers
            .iter()
            .map(|o| files.origin_path(*o))
            .collect();
        print_json(&json!({"profile": name, "defined_in": defined_in, "properties": properties}));
        return Ok(());
    }
    let mut out = format!("[{name}]\n");
    // A block's sub-properties print one a line as `s3.signature_version`.
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for (key, prop) in &profile.properties {
        let origin = origin_label(prop.origin);
        if prop.value.starts_with('\n') {
            for (sub, value) in sub_properties(&prop.value) {
                let value = if masks_value(key, &prop.value, false) && !show_secrets {
                    MASK.to_string()
                } else {
                    shown(sub, value, prop.origin.file)
                };
                rows.push((format!("{key}.{sub}"), value, origin.clone()));
            }
        } else {
            rows.push((
                key.to_string(),
                shown(key, &prop.value, prop.origin.file),
                origin,
            ));
        }
    }
    let width = rows.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    for (key, value, origin) in rows {
        out.push_str(&format!("  {key:<width$}  {value}  ({origin})\n"));
    }
    let files_used: Vec<String> = profile
        .headers
        .iter()
        .map(|o| files.origin_path(*o))
        .collect();
    out.push_str(&format!("defined at {}\n", files_used.join(", ")));
    crate::out!("{out}");
    Ok(())
}
