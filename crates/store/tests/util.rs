//! Jobs used by the tests, a table where they leave their effects, and a
//! simulated clock.

use std::time::Duration;

use abide_store::{Clock, Job, Permanent, Store, Worker, WorkerOptions};
use abide_testkit::TestDb;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The test's store on a simulated clock, and the clock.
pub(crate) fn on_a_simulated_clock(db: &TestDb) -> (Store, Clock) {
    let clock = Clock::simulated("2027-01-04T06:00:00Z".parse::<Timestamp>().unwrap());
    (db.store.with_clock(clock.clone()), clock)
}

/// Creates the table the test jobs write to.
pub(crate) async fn create_effects_table(store: &Store) {
    sqlx::query(
        "CREATE TABLE test_effects (token TEXT PRIMARY KEY, runs BIGINT NOT NULL, worker TEXT NOT NULL)",
    )
    .execute(store.pool())
    .await
    .unwrap();
}

/// How many times the effect of `token` happened (0 when never).
pub(crate) async fn effect_runs(store: &Store, token: &str) -> i64 {
    sqlx::query_scalar("SELECT runs FROM test_effects WHERE token = $1")
        .bind(token)
        .fetch_optional(store.pool())
        .await
        .unwrap()
        .unwrap_or(0)
}

/// What the test jobs need: the store, and whether to hang (to be killed) instead
/// of doing their work.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub(crate) store: Store,
    pub(crate) hang: bool,
    pub(crate) name: String,
}

/// Records one run of its effect under `token`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RecordEffect {
    pub(crate) token: String,
}

impl Job for RecordEffect {
    const NAME: &'static str = "test_record_effect";
    const QUEUE: &'static str = "test";
    type Context = Ctx;

    fn dedup_key(&self) -> Option<String> {
        Some(self.token.clone())
    }

    async fn run(self, ctx: Ctx) -> anyhow::Result<()> {
        if ctx.hang {
            println!("RUNNING {}", self.token);
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        sqlx::query(
            "INSERT INTO test_effects (token, runs, worker) VALUES ($1, 1, $2)
             ON CONFLICT (token) DO UPDATE SET runs = test_effects.runs + 1",
        )
        .bind(&self.token)
        .bind(&ctx.name)
        .execute(ctx.store.pool())
        .await?;
        Ok(())
    }
}

/// Fails every time: permanently when `permanent`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AlwaysFails {
    pub(crate) permanent: bool,
}

impl Job for AlwaysFails {
    const NAME: &'static str = "test_always_fails";
    const QUEUE: &'static str = "test";
    const MAX_ATTEMPTS: u32 = 3;
    type Context = Ctx;

    async fn run(self, _ctx: Ctx) -> anyhow::Result<()> {
        if self.permanent {
            Err(Permanent("the record is gone".into()).into())
        } else {
            anyhow::bail!("the mail server said 451, try later")
        }
    }
}

/// A worker on the `test` queue with short leases and retries.
pub(crate) fn worker(store: &Store, name: &str, hang: bool, lease: Duration) -> Worker<Ctx> {
    let ctx = Ctx {
        store: store.clone(),
        hang,
        name: name.to_owned(),
    };
    Worker::new(
        store.clone(),
        ctx,
        WorkerOptions {
            name: name.to_owned(),
            queues: vec!["test".into()],
            lease,
            poll_interval: Duration::from_millis(20),
            concurrency: 1,
            retry_base: Duration::from_millis(1),
        },
    )
    .register::<RecordEffect>()
    .register::<AlwaysFails>()
}
