use std::time::Duration;

use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

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
    /// The message could not be built.
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
    /// The SMTP server refused the message or could not be reached.
    #[error("SMTP delivery failed: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl MailError {
    /// True when trying again later may succeed (the server was unreachable or
    /// answered with a 4xx); false when the message itself is refused (5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Smtp(e) => !e.is_permanent(),
            _ => false,
        }
    }
}

/// One message to one recipient: plain text, and HTML when given (sent as
/// `multipart/alternative`).
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

/// Delivers mail over a pool of SMTP connections.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
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

impl Mailer {
    /// A mailer for `config`. Connects lazily, on the first send. Call it inside
    /// a Tokio runtime: the connection pool starts a task that closes idle
    /// connections.
    pub fn new(config: &MailerConfig) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| MailError::BadUrl {
                reason: e.to_string(),
            })?
            .timeout(Some(config.timeout))
            .build();
        Ok(Self {
            transport,
            from: parse_mailbox(&config.from)?,
        })
    }

    /// Builds and delivers `email`.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let builder = Message::builder()
            // A Message-ID on the sender's domain: spam filters expect one.
            .message_id(None)
            .date_now()
            .from(self.from.clone())
            .to(parse_mailbox(&email.to)?)
            .subject(email.subject.as_str());
        let message = match &email.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                html.clone(),
            ))?,
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(email.text.clone())?,
        };
        self.transport.send(message).await?;
        tracing::debug!(to = %email.to, subject = %email.subject, "mail delivered to the SMTP server");
        Ok(())
    }

    /// Checks that the SMTP server accepts a connection.
    pub async fn test_connection(&self) -> Result<bool, MailError> {
        Ok(self.transport.test_connection().await?)
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
        };
        let err = Mailer::new(&config("nonsense://u:secret@host", "a@example.org")).unwrap_err();
        assert!(matches!(err, MailError::BadUrl { .. }), "{err}");
        assert!(!err.to_string().contains("secret"), "{err}");
        let err = Mailer::new(&config("smtp://u:secret@host:25", "not an address")).unwrap_err();
        assert!(matches!(err, MailError::BadAddress { .. }), "{err}");
    }
}
