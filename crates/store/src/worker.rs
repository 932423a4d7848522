use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::db::Store;
use crate::error::StoreError;
use crate::jobs::{ClaimedJob, JobState, Permanent, backoff};

/// A unit of background work: serialised arguments plus the code that runs them.
///
/// Jobs must be idempotent: a job may run more than once (a worker that stalls
/// past its lease sees another worker take the job over), but it is *completed*
/// once. Enqueue a job in the same transaction as the change that causes it
/// ([`Store::enqueue_in`]), and give jobs whose effect must not
/// repeat a [`dedup_key`](Job::dedup_key).
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// A stable name, stored with each job; renaming it strands queued jobs.
    const NAME: &'static str;
    /// The queue workers claim it from.
    const QUEUE: &'static str = "default";
    /// Attempts before the job goes to the dead letters.
    const MAX_ATTEMPTS: u32 = 8;
    /// What the job needs to run (a store, a mailer, ...).
    type Context: Clone + Send + Sync + 'static;

    /// A key that makes this job unique among jobs of its kind, for ever: a second
    /// enqueue with the same key is a no-op.
    fn dedup_key(&self) -> Option<String> {
        None
    }

    /// Does the work. Return an error wrapping [`Permanent`] for failures that a
    /// retry cannot fix.
    fn run(self, ctx: Self::Context) -> impl Future<Output = anyhow::Result<()>> + Send;
}

type Handler<C> = Arc<dyn Fn(String, C) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

/// How a [`Worker`] claims and runs jobs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Identifies this worker in the `locked_by` column (host and process).
    pub name: String,
    /// The queues to claim from, in order of preference.
    pub queues: Vec<String>,
    /// How long a claim lasts without renewal. A worker that dies loses its jobs
    /// to others after this long.
    pub lease: Duration,
    /// How long to sleep when no job is ready.
    pub poll_interval: Duration,
    /// Jobs run at once.
    pub concurrency: usize,
    /// Delay before the first retry; it doubles with each further attempt.
    pub retry_base: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            name: format!(
                "{}:{}",
                std::env::var("HOSTNAME").unwrap_or_else(|_| "abide".into()),
                std::process::id()
            ),
            queues: vec!["default".into()],
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_secs(1),
            concurrency: 4,
            retry_base: Duration::from_secs(10),
        }
    }
}

/// Claims jobs from the store and runs them with their registered code.
pub struct Worker<C> {
    store: Store,
    ctx: C,
    handlers: HashMap<&'static str, Handler<C>>,
    options: WorkerOptions,
}

impl<C: Clone + Send + Sync + 'static> Worker<C> {
    /// A worker with no job kinds registered yet.
    pub fn new(store: Store, ctx: C, options: WorkerOptions) -> Self {
        Self {
            store,
            ctx,
            handlers: HashMap::new(),
            options,
        }
    }

    /// Teaches the worker to run jobs of type `J`.
    pub fn register<J: Job<Context = C>>(mut self) -> Self {
        let handler: Handler<C> = Arc::new(|payload: String, ctx: C| {
            Box::pin(async move {
                let job: J = serde_json::from_str(&payload)
                    .map_err(|e| Permanent(format!("cannot read the job's arguments: {e}")))?;
                job.run(ctx).await
            })
        });
        self.handlers.insert(J::NAME, handler);
        self
    }

    /// Claims and runs one ready job, if there is one. Returns whether it found one.
    pub async fn run_one(&self) -> Result<bool, StoreError> {
        for queue in &self.options.queues {
            if let Some(job) = self
                .store
                .claim(queue, &self.options.name, self.options.lease)
                .await?
            {
                self.execute(job).await?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Runs ready jobs until none is left; returns how many ran. For tests and
    /// one-shot commands.
    pub async fn run_until_idle(&self) -> Result<usize, StoreError> {
        let mut n = 0;
        while self.run_one().await? {
            n += 1;
        }
        Ok(n)
    }

    /// Runs jobs until `shutdown` is cancelled, then lets the running ones finish.
    pub async fn run(self, shutdown: CancellationToken) {
        let this = Arc::new(self);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..this.options.concurrency.max(1) {
            let this = Arc::clone(&this);
            let shutdown = shutdown.clone();
            tasks.spawn(async move {
                while !shutdown.is_cancelled() {
                    match this.run_one().await {
                        Ok(true) => continue,
                        Ok(false) => {}
                        Err(e) => tracing::warn!(error = %e, "job queue unavailable"),
                    }
                    tokio::select! {
                        () = shutdown.cancelled() => break,
                        () = tokio::time::sleep(this.options.poll_interval) => {}
                    }
                }
            });
        }
        while tasks.join_next().await.is_some() {}
    }

    async fn execute(&self, job: ClaimedJob) -> Result<(), StoreError> {
        let span = tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempt);
        let _enter = span.enter();
        let Some(handler) = self.handlers.get(job.kind.as_str()) else {
            tracing::error!("no code registered for this kind of job");
            let state = self
                .store
                .fail(
                    &job,
                    &format!("this worker cannot run {:?} jobs", job.kind),
                    Some(backoff(job.attempt, self.options.retry_base)),
                )
                .await?;
            tracing::warn!(?state, "job put back");
            return Ok(());
        };
        let body = handler(job.payload.clone(), self.ctx.clone());
        let outcome = self.run_with_heartbeat(&job, body).await;
        match outcome {
            Ok(()) => match self.store.complete(&job).await {
                Ok(()) => tracing::info!("job done"),
                Err(StoreError::LeaseLost { .. }) => {
                    tracing::warn!("job finished after its lease was lost; another worker owns it");
                }
                Err(e) => return Err(e),
            },
            Err(error) => {
                let permanent = error.chain().any(|cause| cause.is::<Permanent>());
                let retry = (!permanent).then(|| backoff(job.attempt, self.options.retry_base));
                let message = format!("{error:#}");
                match self.store.fail(&job, &message, retry).await {
                    Ok(JobState::Dead) => tracing::error!(error = %message, "job failed for good"),
                    Ok(_) => tracing::warn!(error = %message, "job failed; will retry"),
                    Err(StoreError::LeaseLost { .. }) => {
                        tracing::warn!(error = %message, "job failed after its lease was lost");
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }

    /// Runs the job's body while renewing its lease every third of the lease.
    async fn run_with_heartbeat(
        &self,
        job: &ClaimedJob,
        body: BoxFuture<'static, anyhow::Result<()>>,
    ) -> anyhow::Result<()> {
        let mut body = body;
        let mut beat = tokio::time::interval(self.options.lease / 3);
        beat.tick().await;
        loop {
            tokio::select! {
                outcome = &mut body => return outcome,
                _ = beat.tick() => {
                    if let Err(e) = self.store.extend_lease(job, self.options.lease).await {
                        tracing::warn!(error = %e, "could not renew the job's lease");
                    }
                }
            }
        }
    }
}
