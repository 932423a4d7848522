//! Mail that must leave at once (a sign-in link) and must never be written
//! down (the link signs someone in): a bounded queue in memory, emptied by
//! one task that delivers over SMTP. A request only puts a message in the
//! queue, so answering takes as long whether or not a message was sent,
//! which keeps the answer from telling whether an address has an account.
//! Lost on a restart: the reader asks for another link.

use std::sync::Arc;

use abide_mail::{Email, Mailer, MailerConfig};
use tokio::sync::{Semaphore, mpsc};

/// Messages waiting at most; more are dropped (and logged) rather than held:
/// a flood of requests must not grow memory. Rate limits keep honest traffic
/// far below this.
const QUEUE: usize = 512;

/// Deliveries under way at once.
const SENDING: usize = 4;

/// Where link mail goes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outbox {
    queue: Option<mpsc::Sender<Email>>,
}

impl Outbox {
    /// Starts delivering with `config`; without one (no SMTP server set), mail
    /// is dropped with a warning. Call it inside a Tokio runtime.
    pub(crate) fn start(config: Option<&MailerConfig>) -> Self {
        let Some(config) = config else {
            return Self::default();
        };
        let mailer = match Mailer::new(config) {
            Ok(mailer) => mailer,
            Err(e) => {
                tracing::error!(error = %e, "mail cannot be sent");
                return Self::default();
            }
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return Self::default();
        }
        let (queue, mut waiting) = mpsc::channel::<Email>(QUEUE);
        tokio::spawn(async move {
            let sending = Arc::new(Semaphore::new(SENDING));
            while let Some(email) = waiting.recv().await {
                let Ok(permit) = Arc::clone(&sending).acquire_owned().await else {
                    return;
                };
                let mailer = mailer.clone();
                tokio::spawn(async move {
                    // One retry for a server that was briefly away.
                    let mut result = mailer.send(&email).await;
                    if matches!(&result, Err(e) if e.is_transient()) {
                        result = mailer.send(&email).await;
                    }
                    match result {
                        Ok(()) => tracing::info!(subject = %email.subject, "mail sent"),
                        Err(e) => {
                            tracing::warn!(error = %e, subject = %email.subject, "mail not sent")
                        }
                    }
                    drop(permit);
                });
            }
        });
        Self { queue: Some(queue) }
    }

    /// Queues `email`; false when it cannot go (no mail server set, or the
    /// queue is full).
    pub(crate) fn send(&self, email: Email) -> bool {
        let Some(queue) = &self.queue else {
            tracing::warn!(subject = %email.subject, "no mail server is configured (mail.smtp_url): a message was not sent");
            return false;
        };
        match queue.try_send(email) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "the mail queue is full: a message was dropped");
                false
            }
        }
    }
}
