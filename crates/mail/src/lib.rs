//! Abide's outbound mail: composing messages and delivering them over SMTP
//! ([`Mailer`]), pooled, with TLS when the server's URL asks for it, by a
//! small SMTP client of its own ([`smtp`]) that hands a message over in two
//! steps so that a crash cannot send it twice.
//!
//! - [`OutgoingMessage`] is one message to one recipient with the headers of
//!   list mail: a caller-chosen `Message-ID`, `List-Id`, and one-click
//!   unsubscribe ([`Unsubscribe`]: `List-Unsubscribe` and
//!   `List-Unsubscribe-Post`, RFC 8058). [`Email`] is the simple form.
//! - [`Mailer::render`] gives the exact bytes to send, DKIM-signed when
//!   [`MailerConfig::dkim`] holds a key ([`DkimConfig`], RSA or Ed25519);
//!   [`Mailer::send_raw`] sends stored bytes, [`Mailer::send_message`] builds
//!   and sends.
//! - [`dsn`] reads bounces that come back: delivery status notifications
//!   (RFC 3464) and abuse reports (ARF), classified hard, soft or complaint.
//! - [`subscribers_csv`] reads the subscriber exports of common newsletter
//!   services and writes Abide's own.
//!
//! The queue that decides *when* mail goes out lives in the store's job queue;
//! this crate only builds and delivers.

mod dkim;
pub mod dsn;
mod headers;
mod mailer;
pub mod smtp;
pub mod subscribers_csv;

pub use dkim::DkimConfig;
pub use headers::{ListId, ListUnsubscribe, ListUnsubscribePost};
pub use mailer::{Email, MailError, Mailer, MailerConfig, OutgoingMessage, Unsubscribe};
pub use smtp::Handover;
