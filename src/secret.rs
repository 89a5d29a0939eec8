//! Secrets that never print by accident.

use std::fmt;

pub const MASK: &str = "****";

/// A string whose Debug and Display print `****`; `expose` is the one way
/// to read it, so every place that shows a secret is easy to find.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// An access key id as it may be shown: `****` and its last four.
pub fn mask_key_id(id: &str) -> String {
    MaskedKeyId(id).to_string()
}

/// [`mask_key_id`]'s text, written where it is displayed (no allocation).
pub struct MaskedKeyId<'a>(pub &'a str);

impl<'a> MaskedKeyId<'a> {
    /// The text's pieces, for a writer that takes them as they are.
    pub fn pieces(&self) -> [&'a str; 2] {
        [MASK, key_id_tail(self.0)]
    }
}

impl fmt::Display for MaskedKeyId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pieces()
            .into_iter()
            .try_for_each(|piece| f.write_str(piece))
    }
}

/// The part of a key id that [`mask_key_id`] shows: its last four characters.
pub fn key_id_tail(id: &str) -> &str {
    let tail_start = id.char_indices().rev().nth(3).map_or(0, |(at, _)| at);
    &id[tail_start..]
}

/// `N` bytes from the kernel's generator: tokens, PKCE verifiers, states.
pub fn random_bytes<const N: usize>() -> std::io::Result<[u8; N]> {
    use std::io::Read;
    let mut bytes = [0u8; N];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_masked() {
        let s = Secret::new("wJalrXUtnFEMI");
        assert_eq!(format!("{s:?} {s}"), "**** ****");
        assert_eq!(s.expose(), "wJalrXUtnFEMI");
        assert_eq!(mask_key_id("AKIAEXAMPLE00001234"), "****1234");
    }

    #[test]
    fn a_masked_key_shows_at_most_its_last_four_characters() {
        assert_eq!(mask_key_id("1234"), "****1234");
        assert_eq!(mask_key_id("AB"), "****AB");
        assert_eq!(mask_key_id(""), "****");
        assert_eq!(mask_key_id("AKIAéü€9"), "****éü€9");
    }
}
