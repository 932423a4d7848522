//! Abide's outbound mail: composing messages ([`Email`]) and delivering them over
//! SMTP ([`Mailer`]), pooled, with TLS when the server's URL asks for it. The
//! queue that decides *when* mail goes out lives in the store's job queue; this
//! crate only builds and delivers.

mod mailer;

pub use mailer::{Email, MailError, Mailer, MailerConfig};
