//! Arbitrary bytes through the bounce reader: no panic; what it reads stays
//! within its bounds, and every bounce names an address.
//!
//! ```sh
//! cargo +nightly fuzz run dsn   # from crates/mail
//! ```
//! The same properties run on stable in `tests/dsn.rs`.
#![no_main]

use abide_mail::dsn;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(report)) = dsn::parse(data) {
        assert!(report.recipients.len() <= 100);
        for bounce in report.bounces() {
            assert!(bounce.email.contains('@'));
            assert!(bounce.detail.chars().count() <= 1000);
        }
    }
});
