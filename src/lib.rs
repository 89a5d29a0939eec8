//! awsprof: edit, resolve and verify AWS profiles, losslessly and safely.
//!
//! Layers, each depending only on the ones above it:
//! `document` (bytes) → `profiles` (meaning) → `chain` (plans) → `aws` (network).
//! `store` is the one write path; `commands` compose the layers.

pub mod chain;
pub mod document;
pub mod profiles;
pub mod secret;
pub mod suggest;
