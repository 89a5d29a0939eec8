//! `awsprof profile show NAME`

use super::{origin_label, print_json, selected_profile, Context};
use crate::edits::require_profile;
use crate::error::Result;
use crate::profiles::is_secret_key;
use crate::secret::MASK;
use serde_json::json;

pub fn run(ctx: &Context, name: Option<String>, show_secrets: bool) -> Result<()> {
    let name = selected_profile(name);
    let files = ctx.load()?;
    let profile = require_profile(&files, &name)?;
    let shown = |key: &str, value: &str| {
        if is_secret_key(key) && !show_secrets {
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
                        "value": shown(k, &p.value),
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
    let width = profile
        .properties
        .keys()
        .map(|k| k.len())
        .max()
        .unwrap_or(0);
    for (key, prop) in &profile.properties {
        let value = shown(key, &prop.value).replace('\n', "\\n");
        out.push_str(&format!(
            "  {key:<width$}  {value}  ({})\n",
            origin_label(prop.origin)
        ));
    }
    let files_used: Vec<String> = profile
        .headers
        .iter()
        .map(|o| files.origin_path(*o))
        .collect();
    out.push_str(&format!("defined at {}\n", files_used.join(", ")));
    print!("{out}");
    Ok(())
}
