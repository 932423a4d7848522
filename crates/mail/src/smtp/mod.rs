//! A small SMTP client (RFC 5321) made for list mail: pooled connections with
//! `TCP_NODELAY`, command pipelining (RFC 2920) when the server offers it,
//! STARTTLS or TLS from the start, `AUTH PLAIN`/`LOGIN`, and a delivery in two
//! steps ([`Handover`]): the message goes over up to, not including, the
//! final `.`; the caller records it as sent; then the `.` commits it at the
//! server. A process that dies between the two steps closes the connection
//! without the `.`, and the server discards the message; so a message is sent
//! at most once for every time it is recorded; a crash can lose one only
//! between the record's commit and the writing of the three bytes `.\r\n`.

pub mod reply;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64ct::Encoding as _;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::MailError;
use reply::{Reply, parse_reply};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// Plain text (a relay on this machine or a private network).
    None,
    /// STARTTLS when the server offers it, plain text otherwise.
    Opportunistic,
    /// STARTTLS, and no mail if the server does not offer it.
    Required,
    /// TLS from the first byte (port 465).
    Implicit,
}

/// Where and how to connect: the parsed SMTP URL.
#[derive(Clone)]
pub(crate) struct Target {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<(String, String)>,
    hello: String,
    timeout: Duration,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .finish_non_exhaustive()
    }
}

fn bad_url(reason: impl Into<String>) -> MailError {
    MailError::BadUrl {
        reason: reason.into(),
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Target {
    /// Reads `smtp://[user:pass@]host[:port][/ehlo-name][?tls=required|opportunistic]`
    /// or `smtps://…` (ports 25, 587 and 465 by default).
    pub(crate) fn parse(url: &str, timeout: Duration) -> Result<Self, MailError> {
        let url = url::Url::parse(url).map_err(|e| bad_url(e.to_string()))?;
        // An IPv6 address comes bracketed: `[::1]`.
        let host = url
            .host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad_url("no host"))?
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (security, port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None | Some("none")) => (Security::None, 25),
            ("smtp", Some("opportunistic")) => (Security::Opportunistic, 587),
            ("smtp", Some("required")) => (Security::Required, 587),
            ("smtps", None | Some("implicit" | "wrapper")) => (Security::Implicit, 465),
            ("smtp" | "smtps", Some(other)) => {
                return Err(bad_url(format!(
                    "tls={other:?}: use none, opportunistic or required (or smtps://)"
                )));
            }
            (scheme, _) => {
                return Err(bad_url(format!(
                    "the scheme {scheme:?} is not smtp or smtps"
                )));
            }
        };
        let decode = |s: &str| {
            percent_decode(s).ok_or_else(|| bad_url("the user or password is not valid UTF-8"))
        };
        let credentials = match (url.username(), url.password()) {
            ("", None) => None,
            (user, password) => Some((decode(user)?, decode(password.unwrap_or(""))?)),
        };
        if credentials.is_some() && security == Security::None && !is_loopback(&host) {
            return Err(bad_url(
                "a password would cross the network unencrypted: add ?tls=required, or use smtps://",
            ));
        }
        let greetable = |name: &str| {
            name.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b))
        };
        let hello = match url.path().trim_matches('/') {
            // This machine's name, unless it cannot go in a command.
            "" => Some(lettre::transport::smtp::extension::ClientId::default().to_string())
                .filter(|name| !name.is_empty() && greetable(name))
                .unwrap_or_else(|| "localhost".to_owned()),
            name if greetable(name) => name.to_owned(),
            name => {
                return Err(bad_url(format!(
                    "{name:?} is not a host name to greet with"
                )));
            }
        };
        Ok(Self {
            host,
            port: url.port().unwrap_or(port),
            security,
            credentials,
            hello,
            timeout,
        })
    }
}

fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: std::sync::OnceLock<Arc<rustls::ClientConfig>> = std::sync::OnceLock::new();
    Arc::clone(CONFIG.get_or_init(|| {
        let roots =
            rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        Arc::new(config)
    }))
}

trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

/// What the server said it can do, from its EHLO reply.
#[derive(Debug, Clone, Default)]
struct Extensions {
    pipelining: bool,
    eight_bit: bool,
    smtputf8: bool,
    starttls: bool,
    auth_plain: bool,
    auth_login: bool,
    size: Option<u64>,
}

impl Extensions {
    fn from_ehlo(reply: &Reply) -> Self {
        let mut ext = Self::default();
        // The first line is the server's name.
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split_ascii_whitespace();
            let Some(keyword) = words.next() else {
                continue;
            };
            match keyword.to_ascii_uppercase().as_str() {
                "PIPELINING" => ext.pipelining = true,
                "8BITMIME" => ext.eight_bit = true,
                "SMTPUTF8" => ext.smtputf8 = true,
                "STARTTLS" => ext.starttls = true,
                "SIZE" => ext.size = words.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0),
                "AUTH" => {
                    for mechanism in words {
                        match mechanism.to_ascii_uppercase().as_str() {
                            "PLAIN" => ext.auth_plain = true,
                            "LOGIN" => ext.auth_login = true,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        ext
    }
}

/// Most bytes buffered from the server beyond the reply being read.
const MAX_BUFFERED: usize = 64 * 1024;
/// Messages sent over one connection before it is closed and replaced:
/// some servers refuse more per session.
const MESSAGES_PER_CONNECTION: u32 = 1000;

/// How long the answer to a message's final `.` is awaited.
const FINAL_REPLY_WAIT: Duration = Duration::from_secs(600);

/// One SMTP session, greeted and ready for a message.
pub(crate) struct Connection {
    stream: Box<dyn Stream>,
    buf: Vec<u8>,
    ext: Extensions,
    timeout: Duration,
    sent: u32,
}

fn network(stage: &'static str) -> impl FnOnce(std::io::Error) -> MailError {
    move |e| MailError::Network {
        stage,
        error: e.to_string(),
    }
}

impl Connection {
    /// Connects, reads the greeting, says EHLO, starts TLS and signs in as
    /// `target` says.
    pub(crate) async fn open(target: &Target) -> Result<Self, MailError> {
        let timeout = target.timeout;
        let connect = TcpStream::connect((target.host.as_str(), target.port));
        let tcp = tokio::time::timeout(timeout, connect)
            .await
            .map_err(|_| MailError::Network {
                stage: "connect",
                error: format!("no connection within {timeout:?}"),
            })?
            .map_err(network("connect"))?;
        // Each command is one write: without this, Nagle's algorithm holds
        // the short final `.` back until the server acknowledges the body.
        tcp.set_nodelay(true).map_err(network("connect"))?;
        let stream: Box<dyn Stream> = if target.security == Security::Implicit {
            Box::new(handshake_stream(target, tcp).await?)
        } else {
            Box::new(tcp)
        };
        let mut conn = Self {
            stream,
            buf: Vec::with_capacity(512),
            ext: Extensions::default(),
            timeout,
            sent: 0,
        };
        conn.expect("greeting", 220).await?;
        conn.ehlo(&target.hello).await?;
        let starttls = match target.security {
            Security::Required if !conn.ext.starttls => {
                return Err(MailError::Tls {
                    reason: "the server does not offer STARTTLS, and the URL requires it".into(),
                });
            }
            Security::Required => true,
            Security::Opportunistic => conn.ext.starttls,
            Security::None | Security::Implicit => false,
        };
        if starttls {
            conn.command("STARTTLS", "STARTTLS", 220).await?;
            // Nothing the server sent before the handshake may be kept.
            if !conn.buf.is_empty() {
                return Err(MailError::Protocol {
                    reason: "data after the STARTTLS reply".into(),
                });
            }
            let plain = std::mem::replace(&mut conn.stream, Box::new(tokio::io::duplex(1).0));
            conn.stream = Box::new(handshake_stream(target, plain).await?);
            conn.ehlo(&target.hello).await?;
        }
        if let Some((user, password)) = &target.credentials {
            // With `tls=opportunistic`, a server (or someone in between) that
            // does not offer STARTTLS must not get the password in clear.
            let encrypted = starttls || target.security == Security::Implicit;
            if !encrypted && !is_loopback(&target.host) {
                return Err(MailError::Tls {
                    reason:
                        "the server did not offer STARTTLS; the password is not sent unencrypted"
                            .into(),
                });
            }
            conn.auth(user, password).await?;
        }
        Ok(conn)
    }

    async fn ehlo(&mut self, hello: &str) -> Result<(), MailError> {
        let reply = self.command(&format!("EHLO {hello}"), "EHLO", 250).await?;
        self.ext = Extensions::from_ehlo(&reply);
        Ok(())
    }

    async fn auth(&mut self, user: &str, password: &str) -> Result<(), MailError> {
        let b64 = |s: &[u8]| base64ct::Base64::encode_string(s);
        if self.ext.auth_plain {
            let token = b64(format!("\0{user}\0{password}").as_bytes());
            self.command(&format!("AUTH PLAIN {token}"), "AUTH", 235)
                .await?;
        } else if self.ext.auth_login {
            self.command("AUTH LOGIN", "AUTH", 334).await?;
            self.command(&b64(user.as_bytes()), "AUTH", 334).await?;
            self.command(&b64(password.as_bytes()), "AUTH", 235).await?;
        } else {
            return Err(MailError::Refused {
                stage: "AUTH",
                reply: "the server offers neither AUTH PLAIN nor AUTH LOGIN".into(),
                permanent: false,
            });
        }
        Ok(())
    }

    async fn write(&mut self, stage: &'static str, bytes: &[u8]) -> Result<(), MailError> {
        let timeout = self.timeout;
        let write = async {
            self.stream.write_all(bytes).await?;
            self.stream.flush().await
        };
        tokio::time::timeout(timeout, write)
            .await
            .map_err(|_| MailError::Network {
                stage,
                error: format!("the server took no data for {timeout:?}"),
            })?
            .map_err(network(stage))
    }

    async fn read_reply(&mut self, stage: &'static str) -> Result<Reply, MailError> {
        let deadline = Instant::now() + self.timeout;
        loop {
            match parse_reply(&self.buf) {
                Ok(Some((reply, used))) => {
                    self.buf.drain(..used);
                    return Ok(reply);
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(MailError::Protocol {
                        reason: e.to_string(),
                    });
                }
            }
            if self.buf.len() > MAX_BUFFERED {
                return Err(MailError::Protocol {
                    reason: "the server sent too much".into(),
                });
            }
            let mut chunk = [0u8; 4096];
            let read = tokio::time::timeout_at(deadline, self.stream.read(&mut chunk))
                .await
                .map_err(|_| MailError::Network {
                    stage,
                    error: format!("no answer within {:?}", self.timeout),
                })?
                .map_err(network(stage))?;
            if read == 0 {
                return Err(MailError::Network {
                    stage,
                    error: "the server closed the connection".into(),
                });
            }
            self.buf.extend_from_slice(&chunk[..read]);
        }
    }

    async fn expect(&mut self, stage: &'static str, code: u16) -> Result<Reply, MailError> {
        let reply = self.read_reply(stage).await?;
        check(stage, reply, code)
    }

    async fn command(
        &mut self,
        line: &str,
        stage: &'static str,
        code: u16,
    ) -> Result<Reply, MailError> {
        self.write(stage, format!("{line}\r\n").as_bytes()).await?;
        self.expect(stage, code).await
    }

    /// Sends the envelope and `body` (already dot-stuffed, ending in CRLF),
    /// all but the final `.`. On `Err` the caller must not reuse the
    /// connection unless [`MailError::is_clean_refusal`] says so (then it
    /// was reset and is ready for another message).
    async fn begin(&mut self, from: &str, to: &str, stuffed: &[u8]) -> Result<(), MailError> {
        let ascii = stuffed.is_ascii();
        if !ascii && !self.ext.eight_bit {
            return Err(MailError::Refused {
                stage: "MAIL",
                reply: "the message is 8-bit and the server does not offer 8BITMIME".into(),
                permanent: true,
            });
        }
        let utf8 = !(from.is_ascii() && to.is_ascii());
        if utf8 && !self.ext.smtputf8 {
            return Err(MailError::Refused {
                stage: "RCPT",
                reply: "the address is not ASCII and the server does not offer SMTPUTF8".into(),
                permanent: true,
            });
        }
        if let Some(size) = self.ext.size
            && stuffed.len() as u64 > size
        {
            return Err(MailError::Refused {
                stage: "MAIL",
                reply: format!("the message is larger than the server's limit of {size} bytes"),
                permanent: true,
            });
        }
        let mut mail = format!("MAIL FROM:<{from}>");
        if !ascii {
            mail.push_str(" BODY=8BITMIME");
        }
        if utf8 {
            mail.push_str(" SMTPUTF8");
        }
        let rcpt = format!("RCPT TO:<{to}>");
        let replies = if self.ext.pipelining {
            let all = format!("{mail}\r\n{rcpt}\r\nDATA\r\n");
            self.write("MAIL", all.as_bytes()).await?;
            [
                ("MAIL", self.read_reply("MAIL").await?),
                ("RCPT", self.read_reply("RCPT").await?),
                ("DATA", self.read_reply("DATA").await?),
            ]
            .to_vec()
        } else {
            let mut replies = Vec::with_capacity(3);
            for (stage, line) in [("MAIL", mail.as_str()), ("RCPT", &rcpt), ("DATA", "DATA")] {
                self.write(stage, format!("{line}\r\n").as_bytes()).await?;
                let reply = self.read_reply(stage).await?;
                let good = reply.is_positive();
                replies.push((stage, reply));
                if !good {
                    break;
                }
            }
            replies
        };
        let data_open = replies
            .last()
            .is_some_and(|(s, r)| *s == "DATA" && r.code == 354);
        let refused = replies
            .iter()
            .find(|(stage, r)| !(r.is_positive() && (*stage != "DATA" || r.code == 354)));
        if let Some((stage, reply)) = refused {
            let refusal = || MailError::Refused {
                stage,
                reply: reply.to_string(),
                permanent: reply.is_permanent(),
            };
            if data_open {
                // The server waits for a message: only closing ends it.
                return Err(MailError::Broken(Box::new(refusal())));
            }
            // Ready for the next message again.
            if self.command("RSET", "RSET", 250).await.is_err() {
                return Err(MailError::Broken(Box::new(refusal())));
            }
            return Err(refusal());
        }
        self.write("DATA", stuffed).await
    }

    /// Writes the final `.` and reads the server's verdict, waiting for it
    /// at least ten minutes (RFC 5321 §4.5.3.2.6): a client that gives up
    /// sooner sends again a message the server was only slow to accept.
    async fn end(&mut self) -> Result<(), MailError> {
        self.write("end of data", b".\r\n").await?;
        let patience = self.timeout;
        self.timeout = patience.max(FINAL_REPLY_WAIT);
        let reply = self.read_reply("end of data").await;
        self.timeout = patience;
        let reply = reply?;
        self.sent += 1;
        check("message", reply, 250).map(drop)
    }
}

fn check(stage: &'static str, reply: Reply, code: u16) -> Result<Reply, MailError> {
    if reply.code == code || (code == 250 && reply.code / 100 == 2) {
        Ok(reply)
    } else {
        Err(MailError::Refused {
            stage,
            reply: reply.to_string(),
            permanent: reply.is_permanent(),
        })
    }
}

async fn handshake_stream<S: AsyncRead + AsyncWrite + Unpin>(
    target: &Target,
    stream: S,
) -> Result<tokio_rustls::client::TlsStream<S>, MailError> {
    let config = tls_config();
    let name = rustls::pki_types::ServerName::try_from(target.host.clone()).map_err(|e| {
        MailError::Tls {
            reason: format!("{:?} is not a server name: {e}", target.host),
        }
    })?;
    let connector = tokio_rustls::TlsConnector::from(config);
    tokio::time::timeout(target.timeout, connector.connect(name, stream))
        .await
        .map_err(|_| MailError::Tls {
            reason: "the TLS handshake did not finish in time".into(),
        })?
        .map_err(|e| MailError::Tls {
            reason: e.to_string(),
        })
}

/// `body` as it goes after `DATA`: a line starting with `.` gets another
/// `.`, bare LFs become CRLF, and it ends with CRLF.
pub fn dot_stuff(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 64 + 4);
    let mut line_start = true;
    let mut previous = 0u8;
    for &b in body {
        if line_start && b == b'.' {
            out.push(b'.');
        }
        if b == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        line_start = b == b'\n';
        previous = b;
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Idle connections to one server, reused for the next message.
pub(crate) struct Pool {
    target: Target,
    idle: Mutex<Vec<(Connection, Instant)>>,
    max_idle: usize,
}

/// How long an idle connection is kept (servers close theirs after a few
/// minutes; reusing one they closed costs a retry).
const IDLE_FOR: Duration = Duration::from_secs(30);

impl Pool {
    pub(crate) fn new(target: Target, max_idle: usize) -> Self {
        Self {
            target,
            idle: Mutex::new(Vec::new()),
            max_idle,
        }
    }

    fn take_idle(&self) -> Option<Connection> {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        idle.retain(|(_, since)| since.elapsed() < IDLE_FOR);
        idle.pop().map(|(conn, _)| conn)
    }

    fn put(&self, conn: Connection) {
        if conn.sent >= MESSAGES_PER_CONNECTION {
            return;
        }
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < self.max_idle {
            idle.push((conn, Instant::now()));
        }
    }

    /// Opens a connection and checks it with `NOOP`.
    pub(crate) async fn check(&self) -> Result<(), MailError> {
        let mut conn = Connection::open(&self.target)
            .await
            .map_err(session_error)?;
        conn.command("NOOP", "NOOP", 250).await?;
        self.put(conn);
        Ok(())
    }
}

/// A message handed to the server but for its final `.`: [`Handover::finish`]
/// commits it; dropping the handover closes the connection and the server
/// discards the message.
pub struct Handover {
    conn: Option<Connection>,
    pool: Arc<Pool>,
}

impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handover").finish_non_exhaustive()
    }
}

impl Handover {
    /// Sends the final `.`. `Err` with [`MailError::is_unconfirmed`]: the `.`
    /// went out but no answer came within ten minutes, or the connection
    /// broke first, so the server may or may not have kept the message; any
    /// other `Err`: it was not delivered.
    pub async fn finish(mut self) -> Result<(), MailError> {
        let Some(mut conn) = self.conn.take() else {
            return Err(MailError::Protocol {
                reason: "the message was handed over already".into(),
            });
        };
        match conn.end().await {
            Ok(()) => {
                self.pool.put(conn);
                Ok(())
            }
            Err(e @ MailError::Refused { .. }) => {
                self.pool.put(conn);
                Err(e)
            }
            Err(e) => Err(MailError::Unconfirmed {
                reason: e.to_string(),
            }),
        }
    }
}

/// Hands `stuffed` (from [`dot_stuff`]) from `from` to `to`, up to the final
/// `.`, on an idle connection of `pool` or a new one. A reused connection
/// the server has meanwhile closed is replaced once, transparently.
pub(crate) async fn hand_over(
    pool: &Arc<Pool>,
    from: &str,
    to: &str,
    stuffed: &[u8],
) -> Result<Handover, MailError> {
    if let Some(mut conn) = pool.take_idle() {
        match conn.begin(from, to, stuffed).await {
            Ok(()) => {
                return Ok(Handover {
                    conn: Some(conn),
                    pool: Arc::clone(pool),
                });
            }
            Err(e) if e.is_clean_refusal() && !is_closing(&e) => {
                pool.put(conn);
                return Err(e);
            }
            // Closed by the server while idle (or about to close): try a
            // fresh connection.
            Err(e) if is_closing(&e) || matches!(e, MailError::Network { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let mut conn = Connection::open(&pool.target)
        .await
        .map_err(session_error)?;
    match conn.begin(from, to, stuffed).await {
        Ok(()) => Ok(Handover {
            conn: Some(conn),
            pool: Arc::clone(pool),
        }),
        Err(e) => {
            if e.is_clean_refusal() && !is_closing(&e) {
                pool.put(conn);
            }
            Err(e)
        }
    }
}

/// A refusal while opening the session (a `554` greeting, a failed sign-in)
/// says nothing about the message: it is worth trying again later.
fn session_error(e: MailError) -> MailError {
    match e {
        MailError::Refused { stage, reply, .. } => MailError::Refused {
            stage,
            reply,
            permanent: false,
        },
        e => e,
    }
}

/// A `421`: the server is closing the session.
fn is_closing(e: &MailError) -> bool {
    matches!(e, MailError::Refused { reply, .. } if reply.starts_with("421"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unstuff(wire: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for line in wire.split_inclusive(|&b| b == b'\n') {
            out.extend_from_slice(line.strip_prefix(b".").unwrap_or(line));
        }
        out
    }

    #[test]
    fn dot_stuffing() {
        assert_eq!(
            dot_stuff(b".hidden\r\nnot.\r\n.\r\n"),
            b"..hidden\r\nnot.\r\n..\r\n"
        );
        assert_eq!(dot_stuff(b"a\nb"), b"a\r\nb\r\n");
        assert_eq!(dot_stuff(b""), b"\r\n");
    }

    #[test]
    fn urls() {
        let t = |url| Target::parse(url, Duration::from_secs(1));
        let plain = t("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((plain.port, plain.security), (2525, Security::None));
        let submission = t("smtp://me%40x.org:p%25ss@mail.example.org?tls=required").unwrap();
        assert_eq!(
            (submission.port, submission.security),
            (587, Security::Required)
        );
        assert_eq!(
            submission.credentials,
            Some(("me@x.org".into(), "p%ss".into()))
        );
        assert_eq!(t("smtps://mail.example.org").unwrap().port, 465);
        assert_eq!(t("smtp://[::1]:25").unwrap().host, "::1");
        assert_eq!(
            t("smtp://relay/client.example.org").unwrap().hello,
            "client.example.org"
        );
        // A password in clear over the network is refused; on loopback it is
        // a local relay's business.
        let err = t("smtp://u:secret@mail.example.org")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unencrypted") && !err.contains("secret"),
            "{err}"
        );
        assert!(t("smtp://u:p@localhost:25").is_ok());
        for bad in [
            "nonsense://h",
            "smtp://",
            "smtp://h?tls=maybe",
            "smtp://h/bad%20name",
        ] {
            assert!(matches!(t(bad), Err(MailError::BadUrl { .. })), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn stuffing_ends_in_crlf_hides_every_lone_dot_and_unstuffs(body in proptest::collection::vec(prop_oneof![Just(b'.'), Just(b'\r'), Just(b'\n'), Just(b'a')], 0..200)) {
            let wire = dot_stuff(&body);
            prop_assert!(wire.ends_with(b"\r\n"));
            // No line of the stuffed body is a lone ".": the terminator
            // cannot appear early.
            prop_assert!(!wire.windows(5).any(|w| w == b"\r\n.\r\n") && !wire.starts_with(b".\r\n"));
            // Undoing the stuffing gives the body with CRLF line ends.
            let mut expected = Vec::new();
            let mut prev = 0u8;
            for &b in &body {
                if b == b'\n' && prev != b'\r' { expected.push(b'\r'); }
                expected.push(b);
                prev = b;
            }
            if !expected.ends_with(b"\r\n") { expected.extend_from_slice(b"\r\n"); }
            prop_assert_eq!(unstuff(&wire), expected);
        }
    }
}
