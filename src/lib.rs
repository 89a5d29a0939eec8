//! awsprof: edit, resolve and verify AWS profiles, losslessly and safely.
//!
//! Layers, each depending only on the ones above it:
//! `document` (bytes) → `profiles` (meaning) → `chain` (plans) → `aws` (network).
//! `store` is the one write path; `commands` compose the layers.

pub mod aws;
pub mod chain;
pub mod cli;
pub mod commands;
pub mod diff;
pub mod document;
pub mod error;
pub mod lint;
pub mod profiles;
pub mod secret;
pub mod store;
pub mod suggest;
