//! Mail tests: real SMTP delivery to the test server started by `scripts/test`.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]

mod delivery;
