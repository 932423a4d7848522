//! The test harness: real components for tests, never mocks. Each test gets its
//! own database ([`TestDb`]: a fresh SQLite file, or a PostgreSQL database cloned
//! from a migrated template), reads the mail that the SMTP test server received
//! ([`Mailbox`]) and drives headless Chromium ([`Browser`]).
//!
//! The components are started by `scripts/test`, which passes their addresses in
//! environment variables (see [`mod@env`]). A test whose component is missing fails
//! with a message naming it and the way to start it; it never skips.
//!
//! [`store_test!`] writes a store test once and runs it on both engines.

mod browser;
mod db;
pub mod env;
mod mailbox;

pub use browser::Browser;
pub use db::{Engine, TestDb};
pub use mailbox::{Mailbox, ReceivedMail};

/// A free TCP port on 127.0.0.1, for a server a test starts.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// Writes an async store test once and runs it on SQLite and on PostgreSQL:
///
/// ```ignore
/// async fn settings_round_trip(db: TestDb) { /* ... db.store ... */ }
/// abide_testkit::store_test!(settings_round_trip);
/// ```
///
/// expands to `settings_round_trip::sqlite` and `settings_round_trip::postgres`,
/// each with a fresh, migrated database.
#[macro_export]
macro_rules! store_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::TestDb::new($crate::Engine::Sqlite).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::TestDb::new($crate::Engine::Postgres).await).await;
            }
        }
    };
}

/// Like [`store_test!`], for a test that sets up its databases itself: the test
/// function takes the [`Engine`] and runs once per engine.
#[macro_export]
macro_rules! engine_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::Engine::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::Engine::Postgres).await;
            }
        }
    };
}
