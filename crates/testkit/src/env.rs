//! The environment variables through which `scripts/test` hands the running
//! components to the tests.

/// Admin URL of the throwaway PostgreSQL cluster, e.g.
/// `postgres://postgres@127.0.0.1:54329/postgres`.
pub const PG_URL: &str = "ABIDE_TEST_PG_URL";
/// `host:port` of the SMTP test server.
pub const SMTP_ADDR: &str = "ABIDE_TEST_SMTP";
/// The Maildir into which the SMTP test server writes what it receives.
pub const MAILDIR: &str = "ABIDE_TEST_MAILDIR";
/// URL of the running ChromeDriver, e.g. `http://127.0.0.1:9515`.
pub const WEBDRIVER_URL: &str = "ABIDE_TEST_WEBDRIVER";
/// The Chromium binary ChromeDriver should start (default `/usr/bin/chromium`).
pub const CHROMIUM: &str = "ABIDE_TEST_CHROMIUM";

/// Reads `var`, or panics with a message that says which component is missing
/// and how to start it. Tests fail rather than skip when a component is missing.
pub fn require(var: &str, component: &str) -> String {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!(
            "{component} is not available to this test: {var} is not set. \
             Run the tests with `scripts/test`, which installs and starts {component} \
             (or start it yourself and set {var})."
        ),
    }
}
/// Path of axe-core's `axe.min.js`, the accessibility checker.
pub const AXE: &str = "ABIDE_TEST_AXE";
