//! Where the two files are, as the SDKs find them.

use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Unix,
    Windows,
}

impl Platform {
    pub fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }

    fn separator(self) -> char {
        match self {
            Platform::Unix => '/',
            Platform::Windows => '\\',
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locations {
    pub config: PathBuf,
    pub credentials: PathBuf,
}

impl Locations {
    /// Both files as this process's environment names them.
    pub fn from_environment() -> Locations {
        let env = |name: &str| std::env::var(name).ok();
        locate(&env, Platform::current())
    }

    pub fn path(&self, kind: super::FileKind) -> &std::path::Path {
        match kind {
            super::FileKind::Config => &self.config,
            super::FileKind::Credentials => &self.credentials,
        }
    }

    /// Both files' sizes added up (a missing or unreadable file counts as
    /// empty): what readers decide threads and memory by, before reading.
    pub fn combined_size(&self) -> u64 {
        let size = |path: &std::path::Path| std::fs::metadata(path).map_or(0, |m| m.len());
        size(&self.config) + size(&self.credentials)
    }
}

/// The home directory: `HOME`, then on Windows `USERPROFILE`, then
/// `HOMEDRIVE` + `HOMEPATH`.
fn home(env: &dyn Fn(&str) -> Option<String>, platform: Platform) -> Option<String> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    set("HOME").or_else(|| match platform {
        Platform::Unix => None,
        Platform::Windows => set("USERPROFILE").or_else(|| {
            let drive = set("HOMEDRIVE")?;
            let path = set("HOMEPATH")?;
            Some(format!("{drive}{path}"))
        }),
    })
}

/// Expands a leading `~` to the home directory.
fn expand_home(path: String, home: Option<&str>, platform: Platform) -> String {
    let sep = platform.separator();
    match (home, path.strip_prefix('~')) {
        (Some(home), Some(rest)) if rest.is_empty() || rest.starts_with(['/', sep]) => {
            format!("{home}{rest}")
        }
        _ => path,
    }
}

/// Finds both files from the environment: `AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE` override `~/.aws/config` and
/// `~/.aws/credentials`.
pub fn locate(env: &dyn Fn(&str) -> Option<String>, platform: Platform) -> Locations {
    let home =
        home(env, platform).or_else(|| dirs::home_dir().map(|p| p.to_string_lossy().into_owned()));
    let sep = platform.separator();
    let default = |name: &str| match &home {
        Some(home) => format!("{home}{sep}.aws{sep}{name}"),
        None => format!(".aws{sep}{name}"),
    };
    let pick = |var: &str, name: &str| {
        env(var)
            .filter(|v| !v.is_empty())
            .map(|v| expand_home(v, home.as_deref(), platform))
            .unwrap_or_else(|| default(name))
    };
    Locations {
        config: PathBuf::from(pick("AWS_CONFIG_FILE", "config")),
        credentials: PathBuf::from(pick("AWS_SHARED_CREDENTIALS_FILE", "credentials")),
    }
}
