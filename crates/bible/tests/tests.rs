//! Integration tests of `abide-bible`: one binary, one module per topic.
#![expect(
    clippy::unwrap_used,
    reason = "helpers and proptest bodies are test code too; clippy.toml's allow-unwrap-in-tests covers only #[test] functions"
)]

mod import;
mod import_props;
mod library;
mod readback;
mod texts;
mod util;
