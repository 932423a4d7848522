//! Integration tests of `abide-scripture`: one binary, one module per topic.
#![expect(
    clippy::unwrap_used,
    reason = "helpers and proptest bodies are test code too; clippy.toml's allow-unwrap-in-tests covers only #[test] functions"
)]

mod accuracy;
mod api;
mod canon;
mod forms;
mod ranges;
mod rejected;
mod robustness;
mod seed;
mod util;
