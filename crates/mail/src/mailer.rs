use std::time::Duration;

use std::sync::Arc;

use lettre::Message;
use lettre::message::{Mailbox, MultiPart, header::ContentType};

use crate::DkimConfig;
use crate::headers::{ListId, ListUnsubscribe, ListUnsubscribePost, check_message_id};
use crate::smtp::{self, Handover, Pool, Target};

/// Where and as whom mail is sent.
#[derive(Debug, Clone)]
pub struct MailerConfig {
    /// The SMTP server: `smtp://host:port` (plain, for a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host:465` (TLS from the start).
    pub smtp_url: String,
    /// The `From:` of every message, e.g. `Still Waters <devotions@example.org>`.
    pub from: String,
    /// How long one SMTP exchange may take.
    pub timeout: Duration,
    /// When set, every message is DKIM-signed with this key.
    pub dkim: Option<DkimConfig>,
}

/// Errors composing or delivering mail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// The SMTP URL is not usable (the URL itself is not repeated: it may hold
    /// a password).
    #[error("bad SMTP URL: {reason}")]
    BadUrl {
        /// What is wrong.
        reason: String,
    },
    /// An address does not parse.
    #[error("bad email address {address:?}: {reason}")]
    BadAddress {
        /// The address as given.
        address: String,
        /// What is wrong.
        reason: String,
    },
    /// The DKIM key or its domain or selector is unusable (the key itself is
    /// not repeated).
    #[error("bad DKIM configuration: {reason}")]
    BadDkimKey {
        /// What is wrong.
        reason: String,
    },
    /// A header value is refused: it would be malformed or could inject
    /// other headers.
    #[error("bad {header} header: {reason}")]
    BadHeader {
        /// The header's name.
        header: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The message could not be built.
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
    /// The SMTP server answered no.
    #[error("the SMTP server refused at {stage}: {reply}")]
    Refused {
        /// The step refused: `MAIL`, `RCPT`, `DATA`, `message` (the
        /// verdict on the content), `AUTH`, `greeting`…
        stage: &'static str,
        /// Its reply, code first.
        reply: String,
        /// A 5xx: the same message will be refused again.
        permanent: bool,
    },
    /// The SMTP server could not be reached, or the connection failed.
    #[error("SMTP connection failed at {stage}: {error}")]
    Network {
        /// Where it failed.
        stage: &'static str,
        /// What happened.
        error: String,
    },
    /// TLS could not be set up (a certificate not trusted, a server without
    /// STARTTLS when the URL requires it).
    #[error("SMTP over TLS failed: {reason}")]
    Tls {
        /// What is wrong.
        reason: String,
    },
    /// The server broke the protocol (an answer that is not SMTP, too long).
    #[error("the SMTP server broke the protocol: {reason}")]
    Protocol {
        /// What it did.
        reason: String,
    },
    /// A refusal that left the session unusable.
    #[error("{0} (the session was closed)")]
    Broken(Box<MailError>),
    /// The final `.` of a message went out and no answer came (the
    /// connection broke, or ten minutes passed): the server may have kept
    /// the message. It is worth trying again (a server that died on it
    /// most likely did not keep it); if it did, the second copy carries the
    /// same `Message-ID`.
    #[error("no answer after the message was handed over: {reason}")]
    Unconfirmed {
        /// What happened instead of an answer.
        reason: String,
    },
}

impl MailError {
    /// True when trying again later may succeed (the server was unreachable,
    /// answered with a 4xx, or TLS or sign-in failed, which is a matter of
    /// configuration, not of the message); false when the message itself is
    /// refused (5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Refused { permanent, .. } => !permanent,
            Self::Network { .. }
            | Self::Tls { .. }
            | Self::Protocol { .. }
            | Self::Unconfirmed { .. } => true,
            Self::Broken(inner) => inner.is_transient(),
            _ => false,
        }
    }

    /// The message went to the server and its answer was lost.
    pub fn is_unconfirmed(&self) -> bool {
        matches!(self, Self::Unconfirmed { .. })
    }

    /// A refusal after which the session is still usable.
    pub(crate) fn is_clean_refusal(&self) -> bool {
        matches!(self, Self::Refused { .. })
    }
}

/// One message to one recipient: plain text, and HTML when given (sent as
/// `multipart/alternative`). The simple form of [`OutgoingMessage`].
#[derive(Debug, Clone)]
pub struct Email {
    /// The recipient, `Name <addr>` or `addr`.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body, if any.
    pub html: Option<String>,
}

/// One message to one recipient, with the headers of list mail.
#[derive(Debug, Clone, Default)]
pub struct OutgoingMessage {
    /// The recipient, `Name <addr>` or `addr`.
    pub to: String,
    /// The subject line (any text: it is encoded, and line breaks cannot add
    /// headers).
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body, if any (then the message is `multipart/alternative`).
    pub html: Option<String>,
    /// The `Message-ID`, `<local@domain>`: give a deterministic one (derived
    /// from the delivery's idempotency key) so that a message sent twice after
    /// a crash is recognisably the same message. `None`: a random one.
    pub message_id: Option<String>,
    /// The `List-Id`, e.g. `Still Waters <daily.example.org>` (RFC 2919).
    pub list_id: Option<String>,
    /// One-click unsubscribe: adds `List-Unsubscribe` and
    /// `List-Unsubscribe-Post` (RFC 2369, RFC 8058).
    pub unsubscribe: Option<Unsubscribe>,
}

/// Where a reader unsubscribes from the mail client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    /// The one-click URL (`https://…`), which must unsubscribe on a `POST`
    /// with the body `List-Unsubscribe=One-Click`, without a sign-in or a
    /// confirmation page. Characters outside visible ASCII, `<`, `>` and `,`
    /// must be percent-encoded.
    pub url: String,
    /// An address that unsubscribes whoever writes to it, with or without
    /// `mailto:`, e.g. `unsubscribe@example.org?subject=unsubscribe`.
    pub mailto: Option<String>,
}

impl From<&Email> for OutgoingMessage {
    fn from(email: &Email) -> Self {
        Self {
            to: email.to.clone(),
            subject: email.subject.clone(),
            text: email.text.clone(),
            html: email.html.clone(),
            ..Self::default()
        }
    }
}

/// Longest subject accepted. Far beyond any real one; it bounds the work of
/// the DKIM signer, whose header canonicalisation recurses once per character.
const MAX_SUBJECT_BYTES: usize = 2000;
/// Longest recipient (`Name <addr>`) accepted, for the same reason.
const MAX_TO_BYTES: usize = 1000;

/// Idle SMTP connections kept for reuse. Connections in use are bounded by
/// the callers (the mail worker's concurrency).
const MAX_IDLE: usize = 64;

/// Delivers mail over a pool of SMTP connections.
#[derive(Clone)]
pub struct Mailer {
    pool: Arc<Pool>,
    from: Mailbox,
    dkim: Option<Arc<lettre::message::dkim::DkimConfig>>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("dkim", &self.dkim.is_some())
            .finish()
    }
}

fn parse_mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::BadAddress {
            address: address.to_owned(),
            reason: e.to_string(),
        })
}

fn bad_header(header: &'static str) -> impl FnOnce(String) -> MailError {
    move |reason| MailError::BadHeader { header, reason }
}

impl Mailer {
    /// A mailer for `config`. Connects lazily, on the first send. A bad URL,
    /// `From:` or DKIM key is an error here, not at the first send.
    pub fn new(config: &MailerConfig) -> Result<Self, MailError> {
        let target = Target::parse(&config.smtp_url, config.timeout)?;
        let dkim = match &config.dkim {
            Some(dkim) => Some(Arc::new(crate::dkim::signer(dkim)?)),
            None => None,
        };
        Ok(Self {
            pool: Arc::new(Pool::new(target, MAX_IDLE)),
            from: parse_mailbox(&config.from)?,
            dkim,
        })
    }

    /// Builds `msg` as a lettre [`Message`], DKIM-signed when configured.
    pub fn build_message(&self, msg: &OutgoingMessage) -> Result<Message, MailError> {
        if msg.subject.len() > MAX_SUBJECT_BYTES {
            return Err(MailError::BadHeader {
                header: "Subject",
                reason: format!("longer than {MAX_SUBJECT_BYTES} bytes"),
            });
        }
        if msg.to.len() > MAX_TO_BYTES {
            return Err(MailError::BadHeader {
                header: "To",
                reason: format!("longer than {MAX_TO_BYTES} bytes"),
            });
        }
        if let Some(id) = &msg.message_id {
            check_message_id(id).map_err(bad_header("Message-ID"))?;
        }
        let mut builder = Message::builder()
            .message_id(msg.message_id.clone())
            .date_now()
            .from(self.from.clone())
            .to(parse_mailbox(&msg.to)?)
            .subject(msg.subject.as_str());
        if let Some(list_id) = &msg.list_id {
            builder = builder.header(ListId::new(list_id).map_err(bad_header("List-Id"))?);
        }
        if let Some(unsubscribe) = &msg.unsubscribe {
            builder = builder
                .header(
                    ListUnsubscribe::new(&unsubscribe.url, unsubscribe.mailto.as_deref())
                        .map_err(bad_header("List-Unsubscribe"))?,
                )
                .header(ListUnsubscribePost);
        }
        let mut message = match &msg.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                msg.text.clone(),
                html.clone(),
            ))?,
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(msg.text.clone())?,
        };
        if let Some(dkim) = &self.dkim {
            message.sign(dkim);
        }
        Ok(message)
    }

    /// `msg` as it goes over SMTP: RFC 5322 bytes, DKIM-signed when
    /// configured. Store them and hand them to [`Mailer::send_raw`] later to
    /// send exactly these bytes.
    pub fn render(&self, msg: &OutgoingMessage) -> Result<Vec<u8>, MailError> {
        Ok(self.build_message(msg)?.formatted())
    }

    /// Builds and delivers `msg`.
    pub async fn send_message(&self, msg: &OutgoingMessage) -> Result<(), MailError> {
        self.begin_message(msg).await?.finish().await?;
        tracing::debug!(to = %msg.to, subject = %msg.subject, "mail delivered to the SMTP server");
        Ok(())
    }

    /// Builds `msg` and hands it to the SMTP server but for the final `.`:
    /// record it as sent, then [`Handover::finish`]; drop the handover
    /// instead and the server discards it.
    pub async fn begin_message(&self, msg: &OutgoingMessage) -> Result<Handover, MailError> {
        let message = self.build_message(msg)?;
        self.begin_raw(&msg.to, &message.formatted()).await
    }

    /// [`Mailer::begin_message`] for `raw` (a whole message, as from
    /// [`Mailer::render`]) to `to` (`addr` or `Name <addr>`).
    pub async fn begin_raw(&self, to: &str, raw: &[u8]) -> Result<Handover, MailError> {
        let to = parse_mailbox(to)?.email;
        let stuffed = smtp::dot_stuff(raw);
        smtp::hand_over(&self.pool, self.from.email.as_ref(), to.as_ref(), &stuffed).await
    }

    /// Delivers `raw` (a whole message, as from [`Mailer::render`]) to the
    /// address `to` (`addr` or `Name <addr>`), from the configured `From:`
    /// address.
    pub async fn send_raw(&self, to: &str, raw: &[u8]) -> Result<(), MailError> {
        self.begin_raw(to, raw).await?.finish().await
    }

    /// Builds and delivers `email`.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        self.send_message(&OutgoingMessage::from(email)).await
    }

    /// Checks that the SMTP server accepts a connection (and the sign-in,
    /// when the URL has one) and answers `NOOP`.
    pub async fn test_connection(&self) -> Result<bool, MailError> {
        self.pool.check().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bad_configuration_is_a_clear_error() {
        let config = |url: &str, from: &str| MailerConfig {
            smtp_url: url.into(),
            from: from.into(),
            timeout: Duration::from_secs(5),
            dkim: None,
        };
        let err = Mailer::new(&config("nonsense://u:secret@host", "a@example.org")).unwrap_err();
        assert!(matches!(err, MailError::BadUrl { .. }), "{err}");
        assert!(!err.to_string().contains("secret"), "{err}");
        let err =
            Mailer::new(&config("smtp://u:secret@localhost:25", "not an address")).unwrap_err();
        assert!(matches!(err, MailError::BadAddress { .. }), "{err}");
    }
}
