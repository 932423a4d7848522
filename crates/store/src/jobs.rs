use std::fmt;
use std::time::Duration;

use rand::Rng;
use sqlx::{AnyConnection, Row};

use crate::db::{Backend, Store};
use crate::error::StoreError;
use crate::time::millis;
use crate::worker::Job;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for its `run_at`, or for a worker.
    Pending,
    /// Claimed by a worker whose lease has not run out.
    Running,
    /// Finished.
    Done,
    /// Failed for good: out of attempts, or a permanent failure.
    Dead,
}

impl JobState {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "running" => Self::Running,
            "done" => Self::Done,
            "dead" => Self::Dead,
            _ => return None,
        })
    }
}

/// The outcome of an enqueue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new job, with its id.
    New(i64),
    /// A job with the same deduplication key existed already (in any state); it
    /// is left as it was.
    Duplicate(i64),
}

impl Enqueued {
    /// The id of the job, new or existing.
    pub fn id(self) -> i64 {
        match self {
            Self::New(id) | Self::Duplicate(id) => id,
        }
    }
}

/// A job held by one worker until `lease_token` is used to finish it.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    /// The job's id.
    pub id: i64,
    /// The job's name ([`Job::NAME`]).
    pub kind: String,
    /// Its serialised arguments.
    pub payload: String,
    /// This attempt's number, from 1.
    pub attempt: i64,
    /// Attempts allowed in all.
    pub max_attempts: i64,
    /// Proof of the lease: finishing the job requires it.
    pub lease_token: String,
}

/// Counts of jobs per state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobStats {
    /// Waiting to run.
    pub pending: i64,
    /// Being run.
    pub running: i64,
    /// Finished.
    pub done: i64,
    /// Failed for good.
    pub dead: i64,
}

/// Marks a job body's error as not worth retrying (bad arguments, a record that
/// no longer exists): the job goes straight to the dead letters.
#[derive(Debug)]
pub struct Permanent(pub String);

impl fmt::Display for Permanent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Permanent {}

impl Store {
    /// Enqueues `job` inside the caller's transaction, so that it exists if
    /// and only if the change that causes it commits. `delay` postpones its
    /// first run (from [`Store::clock`]'s now).
    pub async fn enqueue_in<J: Job>(
        &self,
        conn: &mut AnyConnection,
        job: &J,
        delay: Duration,
    ) -> Result<Enqueued, StoreError> {
        let payload = serde_json::to_string(job).map_err(|source| StoreError::JobArgs {
            kind: J::NAME,
            source,
        })?;
        let dedup_key = job.dedup_key().map(|k| format!("{}:{k}", J::NAME));
        let now = self.now_ms();
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO jobs (queue, kind, payload, dedup_key, state, attempts, max_attempts, run_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7, $7)
             ON CONFLICT (dedup_key) DO NOTHING
             RETURNING id",
        )
        .bind(J::QUEUE)
        .bind(J::NAME)
        .bind(payload)
        .bind(dedup_key.as_deref())
        .bind(i64::from(J::MAX_ATTEMPTS.max(1)))
        .bind(now.saturating_add(millis(delay)))
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(id) = inserted {
            return Ok(Enqueued::New(id));
        }
        let id: i64 = sqlx::query_scalar("SELECT id FROM jobs WHERE dedup_key = $1")
            .bind(dedup_key.as_deref())
            .fetch_one(&mut *conn)
            .await?;
        Ok(Enqueued::Duplicate(id))
    }

    /// Enqueues `job` outside any transaction, to run now.
    pub async fn enqueue<J: Job>(&self, job: &J) -> Result<Enqueued, StoreError> {
        self.enqueue_after(job, Duration::ZERO).await
    }

    /// Enqueues `job` to run no earlier than `delay` from now.
    pub async fn enqueue_after<J: Job>(
        &self,
        job: &J,
        delay: Duration,
    ) -> Result<Enqueued, StoreError> {
        let mut tx = self.begin_write().await?;
        let enqueued = self.enqueue_in(&mut tx, job, delay).await?;
        tx.commit().await?;
        Ok(enqueued)
    }

    /// Claims the next ready job of `queue` for `worker`, holding it for `lease`.
    /// A job whose worker died (its lease ran out) is ready again; if that was
    /// its last allowed attempt it goes to the dead letters instead.
    pub async fn claim(
        &self,
        queue: &str,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let now = self.now_ms();
        let token = format!("{:016x}", rand::rng().random::<u64>());
        let mut tx = self.begin_write().await?;
        sqlx::query(include_str!("sql/bury_abandoned.sql"))
            .bind(now)
            .bind(queue)
            .execute(&mut *tx)
            .await?;
        let claim = match self.backend() {
            Backend::Sqlite => include_str!("sql/claim.sqlite.sql"),
            Backend::Postgres => include_str!("sql/claim.postgres.sql"),
        };
        let row = sqlx::query(claim)
            .bind(&token)
            .bind(worker)
            .bind(now + millis(lease))
            .bind(now)
            .bind(queue)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.map(|row| {
            Ok(ClaimedJob {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                payload: row.try_get("payload")?,
                attempt: row.try_get("attempts")?,
                max_attempts: row.try_get("max_attempts")?,
                lease_token: token,
            })
        })
        .transpose()
    }

    /// Pushes the lease of a job this worker holds `lease` into the future. Fails
    /// with [`StoreError::LeaseLost`] when the worker no longer holds it.
    pub async fn extend_lease(&self, job: &ClaimedJob, lease: Duration) -> Result<(), StoreError> {
        let now = self.now_ms();
        let done = sqlx::query(
            "UPDATE jobs SET locked_until = $1, updated_at = $2
             WHERE id = $3 AND lease_token = $4 AND state = 'running'",
        )
        .bind(now + millis(lease))
        .bind(now)
        .bind(job.id)
        .bind(&job.lease_token)
        .execute(self.pool())
        .await?;
        lease_held(done.rows_affected(), job.id)
    }

    /// Marks a job done. Fails with [`StoreError::LeaseLost`] when another worker
    /// took it over, so a job is completed once.
    pub async fn complete(&self, job: &ClaimedJob) -> Result<(), StoreError> {
        let now = self.now_ms();
        let done = sqlx::query(
            "UPDATE jobs SET state = 'done', lease_token = NULL, locked_by = NULL, locked_until = NULL,
                 last_error = NULL, updated_at = $1, finished_at = $1
             WHERE id = $2 AND lease_token = $3 AND state = 'running'",
        )
        .bind(now)
        .bind(job.id)
        .bind(&job.lease_token)
        .execute(self.pool())
        .await?;
        lease_held(done.rows_affected(), job.id)
    }

    /// Records a failed attempt. The job runs again `retry_after` from now, unless
    /// it is out of attempts or `retry_after` is `None` (a permanent failure), when
    /// it goes to the dead letters. Returns the job's new state.
    pub async fn fail(
        &self,
        job: &ClaimedJob,
        error: &str,
        retry_after: Option<Duration>,
    ) -> Result<JobState, StoreError> {
        let now = self.now_ms();
        let state: Option<String> = sqlx::query_scalar(include_str!("sql/fail.sql"))
            .bind(job.id)
            .bind(&job.lease_token)
            .bind(truncate(error, 4000))
            .bind(now + retry_after.map_or(0, millis))
            .bind(i64::from(retry_after.is_none()))
            .bind(now)
            .fetch_optional(self.pool())
            .await?;
        match state.as_deref().and_then(JobState::parse) {
            Some(state) => Ok(state),
            None => Err(StoreError::LeaseLost { id: job.id }),
        }
    }

    /// Puts a dead job back in the queue with a fresh set of attempts. Returns
    /// false when no dead job has that id.
    pub async fn retry_dead(&self, id: i64) -> Result<bool, StoreError> {
        let now = self.now_ms();
        let done = sqlx::query(
            "UPDATE jobs SET state = 'pending', attempts = 0, run_at = $1, updated_at = $1, finished_at = NULL
             WHERE id = $2 AND state = 'dead'",
        )
        .bind(now)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The state, attempts made and last error of one job.
    pub async fn job_state(
        &self,
        id: i64,
    ) -> Result<Option<(JobState, i64, Option<String>)>, StoreError> {
        let row = sqlx::query("SELECT state, attempts, last_error FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            let state: String = row.try_get("state")?;
            Ok((
                JobState::parse(&state).unwrap_or(JobState::Dead),
                row.try_get("attempts")?,
                row.try_get("last_error")?,
            ))
        })
        .transpose()
    }

    /// How many jobs are in each state.
    pub async fn job_stats(&self) -> Result<JobStats, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
            .fetch_all(self.pool())
            .await?;
        let mut stats = JobStats::default();
        for row in rows {
            let state: String = row.try_get("state")?;
            let n: i64 = row.try_get("n")?;
            match JobState::parse(&state) {
                Some(JobState::Pending) => stats.pending = n,
                Some(JobState::Running) => stats.running = n,
                Some(JobState::Done) => stats.done = n,
                Some(JobState::Dead) => stats.dead = n,
                None => {}
            }
        }
        Ok(stats)
    }
}

fn lease_held(rows: u64, id: i64) -> Result<(), StoreError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::LeaseLost { id })
    }
}

/// Delay before the attempt after attempt number `attempt`: `base` doubling per
/// attempt, capped at one hour, plus up to a quarter more at random so that a
/// burst of failures does not come back as a burst.
pub fn backoff(attempt: i64, base: Duration) -> Duration {
    let exp = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let delay = base.saturating_mul(1 << exp).min(Duration::from_secs(3600));
    delay + delay.mul_f64(rand::rng().random_range(0.0..=0.25))
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_secs(10);
        for attempt in 1..30 {
            let b = backoff(attempt, base);
            let expected = (base * (1 << (attempt - 1).min(20))).min(Duration::from_secs(3600));
            assert!(
                b >= expected && b <= expected.mul_f64(1.25),
                "{attempt}: {b:?}"
            );
        }
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("hello", 10), "hello");
    }
}
