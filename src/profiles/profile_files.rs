//! Both files and the profiles they define: the one loader every command
//! reads through.

use super::normalize::{FileSections, Scope};
use super::{FileKind, LoadError, Locations, ProfileNames, ProfileSet, SourceFile};
use std::collections::BTreeSet;
use std::path::Path;

/// Both files, loaded, and the profiles they define.
#[derive(Debug, Clone)]
pub struct ProfileFiles {
    pub config: SourceFile,
    pub credentials: SourceFile,
    /// All profiles, or for an edit only some (see [`ProfileFiles::partial`]).
    pub set: ProfileSet,
    /// For a set that holds only some profiles: the names it is exact for
    /// (each one is in the set if either file defines it).
    pub(super) partial: Option<BTreeSet<String>>,
}

impl ProfileFiles {
    /// Reads both files and all their profiles.
    pub fn load(locations: &Locations) -> Result<ProfileFiles, LoadError> {
        ProfileFiles::load_with(locations, false, Scope::All)
    }

    /// The names of the profiles both files define, sorted: every line of
    /// both is checked as by [`ProfileFiles::load`], but no property is
    /// kept (what `profile list` prints, at a fraction of the memory).
    pub fn profile_names(locations: &Locations) -> Result<ProfileNames, LoadError> {
        let ((_, config), (_, credentials)) = read_both(locations, false, Scope::Names)?;
        Ok(super::names::SortedNames::merge(
            &config.names,
            &credentials.names,
        ))
    }

    /// Reads both files to look at `profile` alone: every line of both is
    /// checked as by [`ProfileFiles::load`], but of the profiles the set
    /// holds only that one, if a file defines it (what `profile show`
    /// prints, without building the other profiles).
    pub fn load_profile(locations: &Locations, profile: &str) -> Result<ProfileFiles, LoadError> {
        ProfileFiles::load_only(locations, false, BTreeSet::from([profile.to_string()]))
    }

    /// Reads both files to edit `profiles`. Every line of both is checked
    /// and each file's document is built, on the thread that reads it; of
    /// the profiles, the set holds `profiles` and those their chains lead
    /// to, not all: on files with thousands of profiles an edit then costs
    /// little more than reading the bytes. `None` reads all profiles.
    pub fn load_for_editing(
        locations: &Locations,
        profiles: Option<&[&str]>,
    ) -> Result<ProfileFiles, LoadError> {
        let Some(profiles) = profiles else {
            return ProfileFiles::load_with(locations, true, Scope::All);
        };
        let roots: Vec<String> = profiles.iter().map(|p| p.to_string()).collect();
        let mut files = ProfileFiles::load_only(locations, true, roots.iter().cloned().collect())?;
        files.read_reachable(roots)?;
        Ok(files)
    }

    /// Both files read with only the profiles `wanted` in the set, which
    /// knows itself partial (see [`ProfileFiles::knows`]).
    fn load_only(
        locations: &Locations,
        documents: bool,
        wanted: BTreeSet<String>,
    ) -> Result<ProfileFiles, LoadError> {
        let mut files = ProfileFiles::load_with(locations, documents, Scope::Profiles(&wanted))?;
        files.partial = Some(wanted);
        Ok(files)
    }

    fn load_with(
        locations: &Locations,
        documents: bool,
        scope: Scope<'_>,
    ) -> Result<ProfileFiles, LoadError> {
        let ((config, config_sections), (credentials, credentials_sections)) =
            read_both(locations, documents, scope)?;
        Ok(ProfileFiles {
            config,
            credentials,
            set: ProfileSet::merge(config_sections, credentials_sections),
            partial: None,
        })
    }

    /// Whether the set holds only some profiles (see `load_for_editing`).
    pub fn partial(&self) -> bool {
        self.partial.is_some()
    }

    /// Whether the set is exact for profile `name`: it is in the set if,
    /// and only if, a file defines it.
    pub(super) fn knows(&self, name: &str) -> bool {
        self.partial
            .as_ref()
            .is_none_or(|names| names.contains(name))
    }

    /// The profile names closest to `name`, for "did you mean" hints, from
    /// both files whether or not the set holds every profile.
    pub fn closest_profiles(&self, name: &str) -> Vec<String> {
        if self.partial.is_none() {
            return self
                .set
                .closest_profiles(name)
                .into_iter()
                .map(String::from)
                .collect();
        }
        let mut names = BTreeSet::new();
        for file in [&self.config, &self.credentials] {
            let doc = file.document();
            for idx in doc.section_starts() {
                if let Some(header) = doc.line(idx).header_name() {
                    if let Some(profile) = super::SectionName::parse(header).profile_name(file.kind)
                    {
                        names.insert(profile.to_string());
                    }
                }
            }
        }
        crate::suggest::closest(name, names.iter().map(String::as_str))
            .into_iter()
            .map(String::from)
            .collect()
    }

    pub fn from_sources(
        config: SourceFile,
        credentials: SourceFile,
    ) -> Result<ProfileFiles, LoadError> {
        let set =
            ProfileSet::from_sources(&config, &credentials).map_err(|source| LoadError::Parse {
                path: match source.file {
                    FileKind::Config => config.path.clone(),
                    FileKind::Credentials => credentials.path.clone(),
                },
                source,
            })?;
        Ok(ProfileFiles {
            config,
            credentials,
            set,
            partial: None,
        })
    }

    pub fn file(&self, kind: FileKind) -> &SourceFile {
        match kind {
            FileKind::Config => &self.config,
            FileKind::Credentials => &self.credentials,
        }
    }

    pub fn path(&self, kind: FileKind) -> &Path {
        &self.file(kind).path
    }

    /// `/home/u/.aws/credentials:3`.
    pub fn origin_path(&self, origin: super::Origin) -> String {
        format!("{}:{}", self.path(origin.file).display(), origin.line)
    }
}

/// One file as read, and its sections.
type FileRead = (SourceFile, FileSections);

/// Reads both files, side by side when they are large: each file's
/// sections in `scope`, and its document too if `documents`.
fn read_both(
    locations: &Locations,
    documents: bool,
    scope: Scope<'_>,
) -> Result<(FileRead, FileRead), LoadError> {
    let (config, credentials) =
        super::for_both(locations.combined_size(), |kind| {
            let path = locations.path(kind);
            let file = SourceFile::load(kind, path)?;
            if documents {
                file.document();
            }
            let sections = super::normalize::read_file(file.numbered_lines(), kind, scope)
                .map_err(|source| LoadError::Parse {
                    path: path.to_path_buf(),
                    source,
                })?;
            Ok::<_, LoadError>((file, sections))
        });
    Ok((config?, credentials?))
}
