//! Mail tests: real SMTP delivery to the test server started by `scripts/test`,
//! DKIM signatures checked by an independent verifier, subscriber CSV files.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]

mod delivery;
mod dkim;
mod dsn;
mod headers;
mod subscribers_csv;
mod util;
