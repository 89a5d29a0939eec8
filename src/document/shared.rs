//! A piece of text that shares the buffer it was read from.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A string that is a slice of a shared buffer: cloning or slicing it
/// allocates nothing. Reading a large file hands out tens of thousands of
/// values; each would otherwise be its own allocation.
///
/// The buffer is an `Arc<String>` rather than an `Arc<str>`: the file's
/// bytes move in without a copy, and the pointer is thin, so this is 16
/// bytes instead of 24.
#[derive(Clone)]
pub struct SharedStr {
    buffer: Arc<String>,
    start: u32,
    end: u32,
}

impl SharedStr {
    pub(crate) fn slice_of(buffer: &Arc<String>, start: usize, end: usize) -> SharedStr {
        SharedStr {
            buffer: buffer.clone(),
            start: start as u32,
            end: end as u32,
        }
    }

    /// The part of this string that `part` is (a slice of `self.as_str()`),
    /// sharing the buffer; a copy when `part` lies elsewhere.
    pub fn sub(&self, part: &str) -> SharedStr {
        SharedStr::part_of(&self.buffer, self.start as usize, self.end as usize, part)
    }

    /// `part` as a string that shares `buffer`, where it is a slice of
    /// `buffer[start..end]`; a copy when it lies elsewhere.
    pub(crate) fn part_of(buffer: &Arc<String>, start: usize, end: usize, part: &str) -> SharedStr {
        let whole = &buffer[start..end];
        let offset = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
        if offset <= whole.len() && part.len() <= whole.len() - offset {
            let start = start + offset;
            SharedStr::slice_of(buffer, start, start + part.len())
        } else {
            SharedStr::from(part)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.buffer[self.start as usize..self.end as usize]
    }

    /// The length in bytes, without slicing the buffer.
    pub fn byte_len(&self) -> usize {
        (self.end - self.start) as usize
    }
}

impl Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> SharedStr {
        let end = s.len();
        SharedStr::slice_of(&Arc::new(s), 0, end)
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        SharedStr::from(s.to_string())
    }
}

impl Default for SharedStr {
    fn default() -> SharedStr {
        SharedStr::from(String::new())
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_inside_shares_the_buffer_and_one_elsewhere_is_copied() {
        let buffer = Arc::new("[profile a]\nregion = eu-west-1\n".to_string());
        let value = SharedStr::slice_of(&buffer, 21, 30);
        assert_eq!(value.as_str(), "eu-west-1");
        // Debug and Display show the part, not the whole buffer.
        assert_eq!(format!("{value:?} {value}"), "\"eu-west-1\" eu-west-1");
        for (part, at) in [("west", 3), ("eu-west-1", 0), ("", 9), ("1", 8)] {
            let inside = &value.as_str()[at..at + part.len()];
            let sub = value.sub(inside);
            assert_eq!(sub.as_str(), part);
            assert_eq!(sub.as_ptr(), inside.as_ptr(), "{part:?} shares the buffer");
        }
        // Starting inside but running past the end, or lying elsewhere.
        let longer = &buffer[25..31];
        let elsewhere = "west".to_string();
        for part in [longer, elsewhere.as_str(), &buffer[0..8]] {
            let sub = value.sub(part);
            assert_eq!(sub.as_str(), part);
            assert_ne!(sub.as_ptr(), part.as_ptr(), "{part:?} is a copy");
        }
    }
}
