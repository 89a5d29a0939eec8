//! `awsprof backup create | list | show | diff | restore | prune`

use super::{print_json, Context};
use crate::cli::BackupCommand;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::secret::mask_key_id;
use crate::store::backup::BackedUpFile;
use crate::store::Manifest;
use serde_json::json;

pub fn run(ctx: &Context, cmd: BackupCommand) -> Result<()> {
    match cmd {
        BackupCommand::Create => create(ctx),
        BackupCommand::List => list(ctx),
        BackupCommand::Show { id } => show(ctx, &id),
        BackupCommand::Diff { id } => diff(ctx, &id),
        BackupCommand::Restore { id, dry_run, force } => restore(ctx, &id, dry_run, force),
        BackupCommand::Prune { keep, yes } => prune(ctx, keep, yes),
        BackupCommand::Remove { id } => remove(ctx, &id),
        BackupCommand::Scrub { name } => scrub(ctx, &name),
    }
}

fn scrub(ctx: &Context, name: &str) -> Result<()> {
    let files = ctx.load()?;
    let done = crate::operations::scrub::scrub_profile(&ctx.backups(), &files, name)?;
    let keys: Vec<String> = done.keys.iter().map(|k| mask_key_id(k)).collect();
    if ctx.json() {
        print_json(
            &json!({"profile": name, "keys": keys, "scrubbed_backups": done.backups, "credentials_file_holds_key": done.file_holds_key}),
        );
        return Ok(());
    }
    let mut out = match (keys.is_empty(), done.backups.len()) {
        (true, _) => {
            format!("Profile `{name}` holds no secret key now, and no backup holds one for it.\n")
        }
        (false, 0) => format!(
            "No backup holds the secret of {} any more.\n",
            keys.join(", ")
        ),
        (false, n) => format!(
            "The secret of {} was scrubbed from {}: each now holds a marker where it was.\n",
            keys.join(", "),
            super::count(n, "backup", "backups")
        ),
    };
    if done.file_holds_key {
        out.push_str(&format!(
            "{} itself still holds the key in plaintext: `awsprof vault move {name}` takes it out.\n",
            ctx.locations.credentials.display()
        ));
    }
    crate::out!("{out}");
    Ok(())
}

fn create(ctx: &Context) -> Result<()> {
    let store = ctx.store();
    let _locks = store.lock(&ctx.locations)?;
    let manifest = store.backup(&ctx.locations)?;
    if ctx.json() {
        print_json(&serde_json::to_value(&manifest).expect("manifest serializes"));
    } else {
        crate::outln!("Backup: {} in {}", manifest.id, store.backups.dir.display());
    }
    Ok(())
}

fn file_summary(m: &Manifest) -> String {
    m.files
        .iter()
        .map(|f| {
            if f.existed {
                format!("{} ({} B)", f.kind, f.size)
            } else {
                format!("{} (absent)", f.kind)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(ctx: &Context) -> Result<()> {
    let backups = ctx.backups();
    let list = backups.list()?;
    let pinned = backups.pinned()?;
    if ctx.json() {
        let rows: Vec<serde_json::Value> = list
            .iter()
            .map(|m| {
                let mut v = serde_json::to_value(m).expect("manifests serialize");
                v["pinned"] = json!(pinned.contains(&m.id));
                v
            })
            .collect();
        print_json(&json!(rows));
        return Ok(());
    }
    if list.is_empty() {
        crate::outln!("No backups in {}", backups.dir.display());
        return Ok(());
    }
    let marks = |m: &Manifest| {
        let mut marks = Vec::new();
        if pinned.contains(&m.id) {
            marks.push("pinned".to_string());
        }
        if !m.retired_keys.is_empty() {
            let ids: Vec<String> = m.retired_keys.iter().map(|k| mask_key_id(k)).collect();
            marks.push(format!("retired key {}", ids.join(", ")));
        }
        marks.join("; ")
    };
    let header = ["ID", "CREATED", "FILES", "NOTE", "COMMAND"].map(String::from);
    let rows: Vec<Vec<String>> = std::iter::once(header.to_vec())
        .chain(list.iter().map(|m| {
            vec![
                m.id.clone(),
                m.created.clone(),
                file_summary(m),
                marks(m),
                m.command.clone(),
            ]
        }))
        .collect();
    crate::out!("{}", crate::commands::table(&rows));
    Ok(())
}

fn show(ctx: &Context, id: &str) -> Result<()> {
    let m = ctx.backups().manifest(id)?;
    if ctx.json() {
        print_json(&serde_json::to_value(&m).expect("manifest serializes"));
        return Ok(());
    }
    let mut out = format!(
        "id       {}\ncreated  {}\ncommand  {}\n",
        m.id, m.created, m.command
    );
    for f in &m.files {
        if f.existed {
            out.push_str(&format!(
                "{:<12} {}  {} bytes  sha256 {}{}\n",
                f.kind,
                f.path.display(),
                f.size,
                f.sha256,
                f.mode.map(|m| format!("  mode {m:o}")).unwrap_or_default()
            ));
        } else {
            out.push_str(&format!(
                "{:<12} {}  (did not exist)\n",
                f.kind,
                f.path.display()
            ));
        }
    }
    crate::out!("{out}");
    Ok(())
}

/// A backed-up file and today's file of its kind, as documents.
fn pair(ctx: &Context, m: &Manifest, f: &BackedUpFile) -> Result<(Document, Document)> {
    let doc = |b: Option<Vec<u8>>| {
        b.map(|b| Document::parse_str(&String::from_utf8_lossy(&b)))
            .unwrap_or_default()
    };
    let old = doc(ctx.backups().content(m, f)?);
    let now = doc(current_path(ctx, f).and_then(|p| std::fs::read(p).ok()));
    Ok((old, now))
}

/// Unified diff of every file between backup `m` and now; `toward_backup`
/// shows it the way a restore would go (now -> backup).
fn diff_text(ctx: &Context, m: &Manifest, toward_backup: bool) -> Result<String> {
    let mut out = String::new();
    for f in &m.files {
        let (backup, now) = pair(ctx, m, f)?;
        let in_credentials = f.file_kind() == Some(crate::profiles::FileKind::Credentials);
        let path = current_path(ctx, f).unwrap_or(&f.path).display();
        let backup_label = format!("{path} (backup {})", m.id);
        let now_label = format!("{path} (now)");
        out.push_str(&if toward_backup {
            crate::diff::documents(
                &now,
                &backup,
                in_credentials,
                &now_label,
                &format!("{path} (restored)"),
            )
        } else {
            crate::diff::documents(&backup, &now, in_credentials, &backup_label, &now_label)
        });
    }
    Ok(out)
}

/// Today's file of the kind `f` backed up: what a restore writes.
fn current_path<'a>(ctx: &'a Context, f: &BackedUpFile) -> Option<&'a std::path::Path> {
    f.file_kind().map(|kind| ctx.locations.path(kind))
}

fn diff(ctx: &Context, id: &str) -> Result<()> {
    let m = ctx.backups().manifest(id)?;
    let text = diff_text(ctx, &m, false)?;
    if ctx.json() {
        print_json(&json!({"id": m.id, "diff": text}));
    } else if text.is_empty() {
        crate::outln!("The files are as backup {} has them.", m.id);
    } else {
        crate::out!("{text}");
    }
    Ok(())
}

fn restore(ctx: &Context, id: &str, dry_run: bool, force: bool) -> Result<()> {
    let store = ctx.store();
    let m = store.backups.manifest(id)?;
    let ids = |keys: &[String]| {
        keys.iter()
            .map(|k| mask_key_id(k))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let doubts = [
        (&m.retired_keys, format!(
            "backup {} holds access key {}, which awsprof has since retired (rotated away or deleted): restoring it puts a key back that no longer works",
            m.id, ids(&m.retired_keys)
        )),
        (&m.scrubbed_keys, format!(
            "backup {} was scrubbed of the secret of access key {}: it holds a marker in its place, so restoring it writes a profile whose key cannot sign (the key is in awsprof's vault, or was scrubbed on purpose; `awsprof vault move NAME --to-file` is how a vault move is undone)",
            m.id, ids(&m.scrubbed_keys)
        )),
    ];
    for (_, what) in doubts.iter().filter(|(keys, _)| !keys.is_empty()) {
        if !force && !dry_run {
            return Err(Error::Usage(format!(
                "{what}; pass --force to restore it anyway. Nothing was written"
            )));
        }
        crate::errln!("awsprof: warning: {what}");
    }
    let moved = crate::store::moved_paths(&m, &ctx.locations);
    if !moved.is_empty() && force {
        for (kind, was, now) in &moved {
            crate::errln!(
                "awsprof: warning: backup {} was taken of {} as the {kind} file; restoring onto {}",
                m.id,
                was.display(),
                now.display()
            );
        }
    }
    if dry_run {
        // Every file is checked against its sha256, as a restore would.
        for f in &m.files {
            store.backups.content(&m, f)?;
        }
        let reversed = diff_text(ctx, &m, true)?;
        if ctx.json() {
            print_json(&json!({"id": m.id, "dry_run": true, "diff": reversed}));
        } else {
            crate::out!("{reversed}");
            crate::outln!("(dry run: nothing was written)");
        }
        return Ok(());
    }
    let restored = store.restore(&m, &ctx.locations, force)?;
    let previous = restored.previous.as_ref().map(|p| p.id.as_str());
    if ctx.json() {
        let files: Vec<_> = restored
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        print_json(&json!({"id": m.id, "restored": files, "backup_of_previous_state": previous}));
    } else if let Some(previous) = previous {
        for path in &restored.files {
            crate::outln!("Restored {} from backup {}", path.display(), m.id);
        }
        crate::outln!(
            "The state before the restore is backup {previous} (`awsprof backup restore {previous}` undoes this)."
        );
    } else {
        crate::outln!(
            "The files already are as backup {} has them; nothing was written.",
            m.id
        );
    }
    Ok(())
}

fn prune(ctx: &Context, keep: usize, yes: bool) -> Result<()> {
    let backups = ctx.backups();
    let plan = backups.prune_plan(keep)?;
    let pinned = backups.pinned()?;
    let pinned_going: Vec<&String> = plan.iter().filter(|id| pinned.contains(*id)).collect();
    let beyond_retention = keep < crate::store::backup::RETAINED;
    if !plan.is_empty() && (beyond_retention || !pinned_going.is_empty()) && !yes {
        let mut what = format!(
            "remove {}, keeping the newest {keep}",
            crate::commands::count(plan.len(), "backup", "backups")
        );
        if !pinned_going.is_empty() {
            let ids: Vec<&str> = pinned_going.iter().map(|s| s.as_str()).collect();
            what.push_str(&format!(
                ", including the pinned first backup(s) {} (your files as they were before awsprof first wrote them)",
                ids.join(", ")
            ));
        }
        let answer = crate::terminal::ask(&format!("awsprof: {what}? [y/N] ")).map_err(|_| {
            Error::Usage(format!(
                "this would {what}; there is no terminal to ask on, so pass --yes to do it. Nothing was removed"
            ))
        })?;
        if !matches!(answer.as_str(), "y" | "Y" | "yes") {
            crate::outln!("Nothing was removed.");
            return Ok(());
        }
    }
    let removed = backups.remove(&plan)?;
    if ctx.json() {
        print_json(&json!({"removed": removed}));
    } else {
        crate::outln!(
            "Removed {}; kept the newest {keep}.",
            crate::commands::count(removed.len(), "backup", "backups")
        );
    }
    Ok(())
}

fn remove(ctx: &Context, id: &str) -> Result<()> {
    let backups = ctx.backups();
    let m = backups.manifest(id)?;
    let removed = backups.remove(std::slice::from_ref(&m.id))?;
    if ctx.json() {
        print_json(&json!({"removed": removed}));
    } else {
        crate::outln!("Removed backup {}.", m.id);
    }
    Ok(())
}
