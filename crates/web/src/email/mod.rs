//! The mail worker: turns due schedules into outbox rows, claims rows under a
//! lease, renders each for its recipient and hands it to the SMTP server,
//! marking it sent, retrying passing failures with backoff and giving up on
//! permanent ones. `abide serve` runs one; `abide worker` runs one alone.
//! Several workers, on several nodes, share the outbox safely: a row is
//! claimed by one worker at a time.

mod compose;

use std::sync::Arc;
use std::time::Duration;

use abide_mail::Mailer;
use abide_store::{ClaimedMail, SendFailure};
use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::state::AppState;

/// How a mail worker works.
#[derive(Debug, Clone)]
pub struct MailWorkerOptions {
    /// Messages claimed at once.
    pub batch: usize,
    /// Messages being delivered at once (and so SMTP connections in use).
    pub concurrency: usize,
    /// How long a claim lasts: a worker that dies loses its messages to
    /// another after this long.
    pub lease: Duration,
    /// How long to wait when nothing is due.
    pub idle: Duration,
    /// Most messages a second this worker sends; 0: no limit.
    pub per_second: u32,
    /// First delay before a retry; doubles with each attempt (at most a day).
    pub retry_base: Duration,
    /// Stop when a pass finds nothing due (a one-off run, a benchmark)
    /// instead of waiting for more.
    pub until_idle: bool,
}

impl Default for MailWorkerOptions {
    fn default() -> Self {
        Self {
            batch: 200,
            concurrency: 8,
            lease: Duration::from_secs(300),
            idle: Duration::from_secs(1),
            per_second: 0,
            retry_base: Duration::from_secs(60),
            until_idle: false,
        }
    }
}

/// Spaces a worker's sends: at most `per_second` a second.
pub struct Pace {
    period: Option<Duration>,
    next: Mutex<Instant>,
}

impl Pace {
    /// At most `per_second` sends a second; 0: no limit.
    pub fn new(per_second: u32) -> Self {
        Self {
            period: (per_second > 0).then(|| Duration::from_secs(1) / per_second),
            next: Mutex::new(Instant::now()),
        }
    }

    async fn wait(&self) {
        let Some(period) = self.period else { return };
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + period;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// A sent message to record, and where to say whether it was.
type Mark = (
    (i64, String),
    tokio::sync::oneshot::Sender<Result<bool, String>>,
);

/// Records sent messages in groups: each commit takes every mark waiting at
/// that moment (up to 500), so that many connections sending at once cost
/// one database commit, not one each. The sender of each mark waits for its
/// answer, so a message is never counted as recorded before it is.
fn start_recorder(store: abide_store::Store) -> tokio::sync::mpsc::Sender<Mark> {
    let (marks, mut waiting) = tokio::sync::mpsc::channel::<Mark>(1024);
    tokio::spawn(async move {
        while let Some(first) = waiting.recv().await {
            let mut group = vec![first];
            while group.len() < 500 {
                match waiting.try_recv() {
                    Ok(mark) => group.push(mark),
                    Err(_) => break,
                }
            }
            let ids: Vec<(i64, String)> = group.iter().map(|(id, _)| id.clone()).collect();
            match store.mails_sent(&ids).await {
                Ok(done) => {
                    for ((_, reply), held) in group.into_iter().zip(done) {
                        let _ = reply.send(Ok(held));
                    }
                }
                Err(e) => {
                    let e = e.to_string();
                    for (_, reply) in group {
                        let _ = reply.send(Err(e.clone()));
                    }
                }
            }
        }
    });
    marks
}

/// What one pass of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailPass {
    /// Messages accepted by the SMTP server.
    pub sent: usize,
    /// Messages that failed (to be retried or given up).
    pub failed: usize,
}

/// Runs a mail worker until `stop`: due schedules are queued, then mail is
/// sent, batch after batch; when nothing is due it waits `options.idle`.
pub async fn run_mail_worker(
    state: AppState,
    mailer: Mailer,
    options: MailWorkerOptions,
    stop: CancellationToken,
) {
    let pace = Pace::new(options.per_second);
    tracing::info!(
        concurrency = options.concurrency,
        per_second = options.per_second,
        "mail worker started"
    );
    while !stop.is_cancelled() {
        let pass = mail_pass(&state, &mailer, &options, &pace).await;
        let nothing_due = matches!(pass, Ok(None));
        let idle = match pass {
            Ok(Some(_)) => false,
            Ok(None) => true,
            Err(e) => {
                tracing::warn!(error = %e, "mail worker: the database did not answer; trying again");
                true
            }
        };
        if nothing_due && options.until_idle {
            break;
        }
        if idle {
            tokio::select! {
                () = stop.cancelled() => break,
                () = tokio::time::sleep(options.idle) => {}
            }
        }
    }
    tracing::info!("mail worker stopped");
}

/// One pass: queue what is due, claim a batch, deliver it. `None` when
/// nothing was claimed.
pub async fn mail_pass(
    state: &AppState,
    mailer: &Mailer,
    options: &MailWorkerOptions,
    pace: &Pace,
) -> Result<Option<MailPass>, abide_store::StoreError> {
    let store = state.store();
    let due = store.queue_due_mail(1000).await?;
    if due.days + due.digests > 0 || due.newsletter_copies > 0 {
        tracing::info!(
            days = due.days,
            digests = due.digests,
            newsletter_copies = due.newsletter_copies,
            "mail queued"
        );
    }
    let batch = store.claim_mail(options.batch, options.lease).await?;
    if batch.is_empty() {
        return Ok(None);
    }
    let cache = compose::BatchCache::default();
    let recorder = start_recorder(store.clone());
    let sending = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let mut pass = MailPass::default();
    for mail in batch {
        let Ok(permit) = Arc::clone(&sending).acquire_owned().await else {
            break;
        };
        pace.wait().await;
        let (state, cache, mailer) = (state.clone(), cache.clone(), mailer.clone());
        let recorder = recorder.clone();
        let retry_base = options.retry_base;
        let lease = options.lease;
        // Rendering, sending and recording, `concurrency` messages at once.
        tasks.spawn(async move {
            let store = state.store();
            let message = match compose::compose(&state, &cache, &mail).await {
                Ok(message) => message,
                Err(e) => {
                    // What it points at is gone: final. Anything else (the
                    // database away for a moment) is tried again.
                    let transient = !matches!(e, compose::ComposeError::Gone(_));
                    tracing::warn!(id = mail.id, kind = ?mail.kind, transient, error = %e, "mail not rendered");
                    let failure = SendFailure {
                        transient,
                        error: e.to_string(),
                    };
                    let delay = if transient { retry_base } else { Duration::ZERO };
                    store.mail_failed(&mail, &failure, delay).await?;
                    drop(permit);
                    return Ok(false);
                }
            };
            // Everything but the final "." goes to the server; the message
            // is recorded as sent; then the "." commits it. A crash before
            // the record leaves the server without the "." (it discards the
            // message) and the row for another try; a crash after it, before
            // the "." is written (a task wake-up: microseconds when idle,
            // milliseconds under load), is the one way to lose a message. The permit is held to the end: at most
            // `concurrency` messages are ever between the two steps.
            let handover = match mailer.begin_message(&message).await {
                Ok(handover) => handover,
                Err(e) => {
                    record_failure(store, &mail, &e, retry_base).await?;
                    drop(permit);
                    return Ok(false);
                }
            };
            match record_sent(store, &recorder, &mail, lease).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(
                        id = mail.id,
                        "the lease ran out before the message was recorded: not sent, another worker has it"
                    );
                    drop(handover);
                    drop(permit);
                    return Ok(false);
                }
                Err(e) => {
                    // Not recorded: the server must not keep it.
                    drop(handover);
                    drop(permit);
                    return Err(e);
                }
            }
            let outcome = match handover.finish().await {
                Ok(()) => {
                    if let Err(e) = store.mail_delivered(&mail).await {
                        tracing::warn!(id = mail.id, error = %e, "delivered; its links not yet dropped from the outbox");
                    }
                    Ok(true)
                }
                Err(e) => record_failure(store, &mail, &e, retry_base)
                    .await
                    .map(|()| false),
            };
            drop(permit);
            outcome
        });
    }
    // Every task runs to its end, even after one fails: a task stopped
    // between recording a message and sending its "." would lose it.
    let mut first_error = None;
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(true)) => pass.sent += 1,
            Ok(Ok(false)) => pass.failed += 1,
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(e) => tracing::error!(error = %e, "a mail task failed"),
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    Ok(Some(pass))
}

/// Records `mail` as sent, through the recorder's group commits. False when
/// the lease was lost.
///
/// When the database does not answer (it restarts, a network blip), the
/// record is tried again, with a growing pause, for half the lease (at most
/// a minute: the SMTP server waits for the final "." meanwhile).
async fn record_sent(
    store: &abide_store::Store,
    recorder: &tokio::sync::mpsc::Sender<Mark>,
    mail: &ClaimedMail,
    lease: Duration,
) -> Result<bool, abide_store::StoreError> {
    let give_up = Instant::now() + (lease / 2).min(Duration::from_secs(60));
    let mut pause = Duration::from_millis(100);
    loop {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let mark = ((mail.id, mail.lease_token.clone()), reply);
        let outcome = match recorder.send(mark).await {
            Ok(()) => answer
                .await
                .unwrap_or_else(|_| Err("the recorder stopped".into())),
            Err(_) => Err("the recorder stopped".into()),
        };
        match outcome {
            Ok(held) => return Ok(held),
            Err(e) if Instant::now() + pause < give_up => {
                tracing::warn!(id = mail.id, error = %e, "not recorded yet; trying again");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(2));
            }
            // Out of time: the last try goes to the database itself.
            Err(_) => return store.mail_sent(mail).await,
        }
    }
}

/// Records a failed send of `mail`: tried again after a growing delay when
/// the failure may pass, given up when not.
async fn record_failure(
    store: &abide_store::Store,
    mail: &ClaimedMail,
    e: &abide_mail::MailError,
    retry_base: Duration,
) -> Result<(), abide_store::StoreError> {
    let transient = e.is_transient();
    let attempt = u32::try_from(mail.attempt.clamp(1, 20)).unwrap_or(1);
    let delay = retry_base
        .saturating_mul(1 << (attempt - 1).min(10))
        .min(Duration::from_secs(24 * 3600));
    tracing::warn!(id = mail.id, kind = ?mail.kind, transient, error = %e, "mail not sent");
    store
        .mail_failed(
            mail,
            &SendFailure {
                transient,
                error: e.to_string(),
            },
            delay,
        )
        .await
}
