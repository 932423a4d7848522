use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::env;

/// The Maildir of the SMTP test server (`aiosmtpd`'s Mailbox handler), which
/// holds every message it received over SMTP. Tests share the server, so each
/// test sends to addresses of its own and reads only those.
pub struct Mailbox {
    dir: PathBuf,
    /// `host:port` the server listens on.
    pub smtp_addr: String,
}

/// One message as the SMTP server stored it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The whole message, headers and body, as received (plus the server's
    /// `X-Peer`, `X-MailFrom` and `X-RcptTo` headers).
    pub raw: String,
    /// Envelope recipients, as the server saw them in `RCPT TO`.
    pub rcpt_to: Vec<String>,
    /// Envelope sender, from `MAIL FROM`.
    pub mail_from: String,
}

impl ReceivedMail {
    fn parse(raw: String) -> Self {
        let mut rcpt_to = Vec::new();
        let mut mail_from = String::new();
        for line in raw.lines().take_while(|l| !l.is_empty()) {
            if let Some(v) = header_value(line, "X-RcptTo") {
                rcpt_to.extend(v.split(',').map(|s| s.trim().to_owned()));
            } else if let Some(v) = header_value(line, "X-MailFrom") {
                mail_from = v.trim().to_owned();
            }
        }
        Self {
            raw,
            rcpt_to,
            mail_from,
        }
    }

    /// The first value of header `name` (unfolded), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut lines = self.raw.lines().take_while(|l| !l.is_empty()).peekable();
        while let Some(line) = lines.next() {
            if let Some(v) = header_value(line, name) {
                let mut value = v.trim().to_owned();
                while let Some(cont) = lines.next_if(|l| l.starts_with([' ', '\t'])) {
                    value.push(' ');
                    value.push_str(cont.trim());
                }
                return Some(value);
            }
        }
        None
    }

    /// The subject, decoded (RFC 2047).
    pub fn subject(&self) -> String {
        self.parsed()
            .and_then(|m| m.subject().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The plain-text body (the `text/plain` part), decoded.
    pub fn text(&self) -> String {
        self.parsed()
            .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
            .unwrap_or_default()
    }

    /// The HTML body (the `text/html` part), decoded, if the message has one.
    pub fn html(&self) -> Option<String> {
        let parsed = self.parsed()?;
        (parsed.html_body_count() > 0)
            .then(|| parsed.body_html(0).map(|t| t.into_owned()))
            .flatten()
    }

    fn parsed(&self) -> Option<mail_parser::Message<'_>> {
        mail_parser::MessageParser::default().parse(self.raw.as_bytes())
    }

    /// Everything after the header block, as received (still encoded).
    pub fn body(&self) -> &str {
        self.raw
            .split_once("\r\n\r\n")
            .or_else(|| self.raw.split_once("\n\n"))
            .map_or("", |(_, body)| body)
    }
}

/// The delivery counter in a Maildir file name such as
/// `1795889470.M431598P10335Q707.host`, if it has one.
fn delivery_number(path: &std::path::Path) -> Option<u64> {
    let name = path.file_name()?.to_str()?;
    let unique = name.split('.').nth(1)?;
    let (_, after) = unique.rsplit_once('Q')?;
    after.parse().ok()
}

fn header_value<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let (key, value) = line.split_once(':')?;
    key.eq_ignore_ascii_case(name).then_some(value)
}

impl Mailbox {
    /// The running SMTP test server's mailbox; fails the test when there is none.
    pub fn from_env() -> Self {
        let smtp_addr = env::require(env::SMTP_ADDR, "the SMTP test server");
        let dir = PathBuf::from(env::require(env::MAILDIR, "the SMTP test server's Maildir"));
        Self { dir, smtp_addr }
    }

    /// Every message delivered to `address` so far.
    pub fn messages_to(&self, address: &str) -> Vec<ReceivedMail> {
        let mut found = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.join(sub)) else {
                continue;
            };
            let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            // In delivery order: by the server's counter (`Q<n>` in the file
            // name), as the microseconds in the name are not zero-padded and
            // do not sort as text.
            paths.sort_by_key(|p| (delivery_number(p), p.clone()));
            for path in paths {
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let mail = ReceivedMail::parse(String::from_utf8_lossy(&bytes).into_owned());
                if mail.rcpt_to.iter().any(|r| r.eq_ignore_ascii_case(address)) {
                    found.push(mail);
                }
            }
        }
        found
    }

    /// Waits until at least `count` messages were delivered to `address`, or
    /// fails the test after `timeout`.
    pub async fn wait_for(
        &self,
        address: &str,
        count: usize,
        timeout: Duration,
    ) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self.messages_to(address);
            if found.len() >= count {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} message(s) to {address} within {timeout:?}, got {}",
                found.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
