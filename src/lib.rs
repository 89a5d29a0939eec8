//! awsprof: edit, resolve and verify AWS profiles, losslessly and safely.
//!
//! Layers, each depending only on the ones above it:
//! `document` (bytes) → `profiles` (meaning) → `chain` (plans) → `edits`
//! (changes to profiles, pure) → `aws` (network). `store` is the one write
//! path; `commands` translate arguments and print.

pub mod aws;
pub mod browser;
pub mod chain;
pub mod child;
pub mod cli;
pub mod cli_examples;
pub mod cli_narrowed;
pub mod commands;
pub mod completion;
pub mod diff;
pub mod document;
pub mod edits;
pub mod error;
pub mod export;
pub mod front;
pub mod hex;
pub mod isotime;
pub mod keyinput;
pub mod lint;
pub mod memory;
pub mod operations;
pub mod order;
pub mod profiles;
pub mod secret;
pub mod store;
pub mod suggest;
pub mod terminal;
pub mod threads;
pub mod vault;
