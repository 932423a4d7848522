//! What one client can make the server spend, bounded: connections and how
//! long they may idle, the page cache's memory, the size of a passage, and
//! the CPU-heavy work running at once. Every bound is set in [`Limits`]
//! (from the `[limits]` section of the configuration) and stated in the
//! README.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::error::AppError;

/// The bounds, with defaults that keep one small server (2 cores, a few
/// hundred MB) answering while it is attacked.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections open at once; the rest are answered 503 and closed at
    /// once. Zero: the open-file limit less a reserve, at most 4,096.
    pub max_connections: usize,
    /// Connections open at once from one IP address (0: no such limit).
    /// Connections from a trusted proxy are not counted: they carry many
    /// clients.
    pub max_connections_per_ip: usize,
    /// A request's headers must arrive within this time of the connection
    /// opening or of the previous response (slow-header attacks).
    pub header_read_timeout: Duration,
    /// A connection on which nothing arrives for this long is closed.
    pub idle_timeout: Duration,
    /// A response that makes no progress for this long (a client that does
    /// not read) is abandoned and its connection closed.
    pub write_timeout: Duration,
    /// Largest request head (request line and headers), in bytes; larger
    /// heads are answered 431.
    pub max_header_bytes: usize,
    /// Memory the page cache may hold, in bytes (pages and their compressed
    /// forms); the least useful pages are evicted past it.
    pub page_cache_bytes: u64,
    /// Most verses one page or API answer may show; a larger passage is
    /// refused with 422 and a pointer to its first chapter.
    pub passage_verses: u32,
    /// Most separate ranges in one passage address (after overlapping and
    /// repeated ranges are merged).
    pub passage_ranges: usize,
    /// CPU-heavy renders (large passages) running at once. Zero: one per core.
    pub heavy_tasks: usize,
    /// Heavy renders waiting for their turn; past this, 503 with Retry-After.
    pub heavy_queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 0,
            max_connections_per_ip: 256,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            max_header_bytes: 16 << 10,
            page_cache_bytes: 32 << 20,
            passage_verses: 1_000,
            passage_ranges: 30,
            heavy_tasks: 0,
            heavy_queue: 64,
        }
    }
}

impl Limits {
    /// Connections open at once: `max_connections`, or from the open-file
    /// limit (`fd_limit`) when that is zero, keeping a reserve of descriptors
    /// for the database, files and logs.
    pub fn connections(&self, fd_limit: u64) -> usize {
        if self.max_connections > 0 {
            return self.max_connections;
        }
        let by_fds = usize::try_from(fd_limit.saturating_sub(128)).unwrap_or(usize::MAX);
        by_fds.clamp(16, 4_096)
    }
}

/// Runs CPU-heavy work on a few threads of its own (one per core by
/// default), so that the async threads stay free for cheap pages; refuses
/// with 503 when too many are already waiting. Its own threads, rather than
/// tokio's blocking pool (which grows to hundreds of threads on demand),
/// also keep the allocator from spreading large renders over many arenas.
#[derive(Debug, Clone)]
pub(crate) struct Heavy {
    running: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    queue: usize,
    jobs: std::sync::mpsc::SyncSender<HeavyJob>,
}

type HeavyJob = Box<dyn FnOnce() + Send>;

impl Heavy {
    pub(crate) fn new(limits: &Limits) -> Self {
        let tasks = if limits.heavy_tasks > 0 {
            limits.heavy_tasks
        } else {
            std::thread::available_parallelism().map_or(2, usize::from)
        };
        // At most `tasks` jobs are ever handed over at once (the semaphore),
        // so sending never blocks.
        let (jobs, receiver) = std::sync::mpsc::sync_channel::<HeavyJob>(tasks);
        let receiver = Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..tasks {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("abide-heavy-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            // The state that owned the sender is gone.
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a thread for heavy work");
            }
        }
        Self {
            running: Arc::new(Semaphore::new(tasks)),
            waiting: Arc::new(AtomicUsize::new(0)),
            queue: limits.heavy_queue,
            jobs,
        }
    }

    /// Runs `work` when a slot is free, or refuses at once when the queue is
    /// full.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let waiting = self.waiting.fetch_add(1, Ordering::AcqRel);
        let permit = if waiting >= self.queue {
            None
        } else {
            Arc::clone(&self.running).acquire_owned().await.ok()
        };
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        let Some(permit) = permit else {
            return Err(AppError::Busy);
        };
        let (done, result) = tokio::sync::oneshot::channel();
        let job: HeavyJob = Box::new(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            drop(permit);
            let _ = done.send(outcome);
        });
        self.jobs.send(job).map_err(|_| AppError::Panic)?;
        match result.await {
            Ok(Ok(value)) => Ok(value),
            _ => Err(AppError::Panic),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn heavy_work_runs_a_few_at_a_time_and_the_rest_is_refused() {
        let limits = Limits {
            heavy_tasks: 1,
            heavy_queue: 1,
            ..Limits::default()
        };
        let heavy = Heavy::new(&limits);
        assert_eq!(heavy.run(|| 6 * 7).await.unwrap(), 42);
        // One running (held until released), one waiting, a third refused.
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let first = tokio::spawn({
            let heavy = heavy.clone();
            async move { heavy.run(move || hold.recv().is_ok()).await }
        });
        while heavy.running.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let second = tokio::spawn({
            let heavy = heavy.clone();
            async move { heavy.run(|| 2).await }
        });
        while heavy.waiting.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(heavy.run(|| 3).await, Err(AppError::Busy)));
        release.send(()).unwrap();
        assert!(first.await.unwrap().unwrap());
        assert_eq!(second.await.unwrap().unwrap(), 2);
        // A panic in heavy work is an error, not a lost thread.
        assert!(matches!(
            heavy.run(|| panic!("boom")).await,
            Err(AppError::Panic)
        ));
        assert_eq!(heavy.run(|| 1).await.unwrap(), 1);
    }
}
