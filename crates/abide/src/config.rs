//! The operator's configuration: a TOML file plus `ABIDE_*` environment
//! variables, read into typed structs. `abide.example.toml` at the repository
//! root is generated from these structs (`abide config example`), and a test
//! fails when it drifts.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use doku::Document;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Abide's configuration. Every value has a default that works on one machine
/// with no configuration at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Document)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Config {
    /// Folder for Abide's own files: the SQLite database, translations/ (the
    /// imported Bible translations) and, later, uploads and caches. Created
    /// when missing. Env: ABIDE_DATA_DIR.
    #[doku(as = "String", example = "data")]
    pub(crate) data_dir: PathBuf,
    /// The web server.
    pub(crate) server: ServerConfig,
    /// The database.
    pub(crate) database: DatabaseConfig,
    /// Outbound mail.
    pub(crate) mail: MailConfig,
    /// Logging.
    pub(crate) log: LogConfig,
    /// Bounds on what clients can make the server spend.
    pub(crate) limits: LimitsConfig,
}

/// The web server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Document)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ServerConfig {
    /// Address and port to listen on. Env: ABIDE_SERVER_ADDR.
    #[doku(example = "127.0.0.1:8080")]
    pub(crate) addr: String,
    /// The site's public URL, used in links that leave the site (feeds, emails,
    /// link previews). Empty: http://ADDR. Env: ABIDE_SERVER_BASE_URL.
    #[doku(example = "")]
    pub(crate) base_url: String,
    /// Folder of a theme that overrides the default one file by file
    /// (templates/NAME.html, static/NAME). Empty: the default theme only.
    /// Env: ABIDE_SERVER_THEME_DIR.
    #[doku(example = "")]
    pub(crate) theme_dir: String,
    /// Seconds a request may take before it is answered with 408.
    /// Env: ABIDE_SERVER_REQUEST_TIMEOUT_SECS.
    #[doku(example = "30")]
    pub(crate) request_timeout_secs: u64,
    /// Largest request body accepted, in bytes. Env: ABIDE_SERVER_MAX_BODY_BYTES.
    #[doku(example = "1048576")]
    pub(crate) max_body_bytes: usize,
    /// Seconds to let requests in flight finish after SIGINT or SIGTERM.
    /// Env: ABIDE_SERVER_SHUTDOWN_GRACE_SECS.
    #[doku(example = "10")]
    pub(crate) shutdown_grace_secs: u64,
    /// Reverse proxies in front of the site, as addresses or networks
    /// (["127.0.0.1", "10.0.0.0/8", "fd00::/8"]). A connection from one of
    /// them is counted by the client its forwarding header names (rate
    /// limits), not by its own address, and not against
    /// limits.max_connections_per_ip. The header is read right to left past
    /// these addresses; from any other address it is ignored. Empty: no
    /// proxy is trusted. Env: ABIDE_SERVER_TRUSTED_PROXIES='["127.0.0.1"]'.
    #[doku(literal_example = "[]")]
    pub(crate) trusted_proxies: Vec<String>,
    /// The header the trusted proxies write the client's address in:
    /// "x-forwarded-for" or "forwarded" (RFC 7239). Only the one named is
    /// read. Env: ABIDE_SERVER_PROXY_HEADER.
    #[doku(as = "String", example = "x-forwarded-for")]
    pub(crate) proxy_header: ProxyHeader,
}

/// Which header trusted proxies write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Document)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ProxyHeader {
    /// `X-Forwarded-For`.
    XForwardedFor,
    /// RFC 7239 `Forwarded`.
    Forwarded,
}

/// Bounds on what clients can make the server spend: connections, time,
/// memory and CPU. The defaults keep a small server (2 cores) answering
/// while it is attacked; see README, "Limits".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Document)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct LimitsConfig {
    /// Connections open at once; more are answered 503 and closed at once.
    /// 0: the open-file limit less 128, at most 4096 (abide serve raises its
    /// open-file limit to the hard limit at start).
    /// Env: ABIDE_LIMITS_MAX_CONNECTIONS.
    #[doku(example = "0")]
    pub(crate) max_connections: usize,
    /// Connections open at once from one IP address. 0: no per-address
    /// limit. Connections from server.trusted_proxies are not counted (they
    /// carry many clients). Env: ABIDE_LIMITS_MAX_CONNECTIONS_PER_IP.
    #[doku(example = "256")]
    pub(crate) max_connections_per_ip: usize,
    /// Seconds a request's headers may take to arrive (after the connection
    /// opens, or after the previous response). Env: ABIDE_LIMITS_HEADER_READ_TIMEOUT_SECS.
    #[doku(example = "10")]
    pub(crate) header_read_timeout_secs: u64,
    /// Seconds a connection may stay open with nothing arriving.
    /// Env: ABIDE_LIMITS_IDLE_TIMEOUT_SECS.
    #[doku(example = "60")]
    pub(crate) idle_timeout_secs: u64,
    /// Seconds a response may stall on a client that does not read before
    /// the connection is closed. Env: ABIDE_LIMITS_WRITE_TIMEOUT_SECS.
    #[doku(example = "30")]
    pub(crate) write_timeout_secs: u64,
    /// Largest request head (request line and headers), in bytes; larger
    /// ones get 431. Env: ABIDE_LIMITS_MAX_HEADER_BYTES.
    #[doku(example = "16384")]
    pub(crate) max_header_bytes: usize,
    /// Memory for rendered pages kept to be served again, in bytes.
    /// Env: ABIDE_LIMITS_PAGE_CACHE_BYTES.
    #[doku(example = "33554432")]
    pub(crate) page_cache_bytes: u64,
    /// Most verses a passage page or the passage API shows; larger passages
    /// get 422 with a pointer to their first chapter.
    /// Env: ABIDE_LIMITS_PASSAGE_VERSES.
    #[doku(example = "1000")]
    pub(crate) passage_verses: u32,
    /// Most separate ranges in one passage (after repeated and overlapping
    /// ranges are merged). Env: ABIDE_LIMITS_PASSAGE_RANGES.
    #[doku(example = "30")]
    pub(crate) passage_ranges: usize,
    /// CPU-heavy renders (large passages) running at once. 0: one per core.
    /// Env: ABIDE_LIMITS_HEAVY_TASKS.
    #[doku(example = "0")]
    pub(crate) heavy_tasks: usize,
    /// Heavy renders waiting for their turn; more get 503 with Retry-After.
    /// Env: ABIDE_LIMITS_HEAVY_QUEUE.
    #[doku(example = "64")]
    pub(crate) heavy_queue: usize,
}

/// The database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Document)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct DatabaseConfig {
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB. Empty: the SQLite
    /// file DATA_DIR/abide.db. Env: ABIDE_DATABASE_URL.
    #[doku(example = "")]
    pub(crate) url: String,
    /// Most connections in the pool. Env: ABIDE_DATABASE_MAX_CONNECTIONS.
    #[doku(example = "10")]
    pub(crate) max_connections: u32,
    /// Seconds to wait for the database before giving up.
    /// Env: ABIDE_DATABASE_CONNECT_TIMEOUT_SECS.
    #[doku(example = "5")]
    pub(crate) connect_timeout_secs: u64,
}

/// Outbound mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Document)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MailConfig {
    /// The SMTP server: smtp://HOST:PORT (plain, a local relay),
    /// smtp://USER:PASS@HOST:587?tls=required (STARTTLS) or
    /// smtps://USER:PASS@HOST:465. Empty: no mail is sent. Env: ABIDE_MAIL_SMTP_URL.
    #[doku(example = "")]
    pub(crate) smtp_url: String,
    /// The From: of every message. Env: ABIDE_MAIL_FROM.
    #[doku(example = "Abide <abide@localhost>")]
    pub(crate) from: String,
    /// Most messages a second one worker sends (a relay's quota); 0: no
    /// limit. Env: ABIDE_MAIL_PER_SECOND.
    #[doku(example = "0")]
    pub(crate) per_second: u32,
    /// Messages a worker delivers at once, each on its own SMTP connection
    /// from the pool. Env: ABIDE_MAIL_CONCURRENCY.
    #[doku(example = "8")]
    pub(crate) concurrency: usize,
    /// Whether `abide serve` runs a mail worker too (turn off when separate
    /// `abide worker` processes send). Env: ABIDE_MAIL_WORKER_IN_SERVE.
    #[doku(example = "true")]
    pub(crate) worker_in_serve: bool,
    /// How long a worker holds the messages it claimed: one that dies loses
    /// them to another worker after this long. Env: ABIDE_MAIL_LEASE_SECS.
    #[doku(example = "300")]
    pub(crate) lease_secs: u64,
    /// First pause before a message that failed for a passing reason (4xx,
    /// connection lost) is tried again; it doubles each attempt, up to a day.
    /// Env: ABIDE_MAIL_RETRY_SECS.
    #[doku(example = "60")]
    pub(crate) retry_secs: u64,
    /// DKIM: the signing domain (d=), e.g. example.org. Env: ABIDE_MAIL_DKIM_DOMAIN.
    #[doku(example = "")]
    pub(crate) dkim_domain: String,
    /// DKIM: the selector (s=); the public key is published at
    /// SELECTOR._domainkey.DOMAIN. Env: ABIDE_MAIL_DKIM_SELECTOR.
    #[doku(example = "")]
    pub(crate) dkim_selector: String,
    /// DKIM: a PEM file with the private key (RSA or Ed25519). Empty: mail
    /// is not signed. Env: ABIDE_MAIL_DKIM_KEY_FILE.
    #[doku(example = "")]
    pub(crate) dkim_key_file: String,
    /// Bounces: the bearer token an MTA gives to hand a bounce (a delivery
    /// status notification or an abuse report) to POST /mail/bounces, e.g.
    /// from a pipe alias with `curl --data-binary @- -H 'Authorization:
    /// Bearer TOKEN' URL/mail/bounces`. At least 16 characters; empty: that
    /// address is not found. Env: ABIDE_MAIL_BOUNCE_TOKEN.
    #[doku(example = "")]
    pub(crate) bounce_token: String,
}

/// Logging, to standard error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Document)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct LogConfig {
    /// Which events to log, as a tracing filter ("info", "abide_store=debug,info").
    /// RUST_LOG, when set, wins. Env: ABIDE_LOG_FILTER.
    #[doku(example = "info")]
    pub(crate) filter: String,
    /// "text" for people, "json" for log collectors. Env: ABIDE_LOG_FORMAT.
    #[doku(as = "String", example = "text")]
    pub(crate) format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Document)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            mail: MailConfig::default(),
            log: LogConfig::default(),
            limits: LimitsConfig::default(),
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let web = abide_web::Limits::default();
        Self {
            max_connections: web.max_connections,
            max_connections_per_ip: web.max_connections_per_ip,
            header_read_timeout_secs: web.header_read_timeout.as_secs(),
            idle_timeout_secs: web.idle_timeout.as_secs(),
            write_timeout_secs: web.write_timeout.as_secs(),
            max_header_bytes: web.max_header_bytes,
            page_cache_bytes: web.page_cache_bytes,
            passage_verses: web.passage_verses,
            passage_ranges: web.passage_ranges,
            heavy_tasks: web.heavy_tasks,
            heavy_queue: web.heavy_queue,
        }
    }
}

impl LimitsConfig {
    /// The limits as the web layer takes them.
    pub(crate) fn web(&self) -> abide_web::Limits {
        abide_web::Limits {
            max_connections: self.max_connections,
            max_connections_per_ip: self.max_connections_per_ip,
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs.max(1)),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs.max(1)),
            write_timeout: Duration::from_secs(self.write_timeout_secs.max(1)),
            max_header_bytes: self.max_header_bytes,
            page_cache_bytes: self.page_cache_bytes,
            passage_verses: self.passage_verses,
            passage_ranges: self.passage_ranges,
            heavy_tasks: self.heavy_tasks,
            heavy_queue: self.heavy_queue,
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            base_url: String::new(),
            theme_dir: String::new(),
            request_timeout_secs: 30,
            max_body_bytes: 1 << 20,
            shutdown_grace_secs: 10,
            trusted_proxies: Vec::new(),
            proxy_header: ProxyHeader::XForwardedFor,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            max_connections: 10,
            connect_timeout_secs: 5,
        }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: String::new(),
            from: "Abide <abide@localhost>".into(),
            per_second: 0,
            concurrency: 8,
            worker_in_serve: true,
            lease_secs: 300,
            retry_secs: 60,
            dkim_domain: String::new(),
            dkim_selector: String::new(),
            dkim_key_file: String::new(),
            bounce_token: String::new(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            filter: "info".into(),
            format: LogFormat::Text,
        }
    }
}

/// The sections of the configuration; `ABIDE_<SECTION>_<KEY>` sets `section.key`.
const SECTIONS: &[&str] = &["server", "database", "mail", "log", "limits"];

/// Environment variables with the prefix that are not configuration.
const NOT_CONFIG: &[&str] = &["config"];

impl Config {
    /// The example configuration file: every key, its documentation and its
    /// default.
    pub(crate) fn example() -> String {
        format!(
            "# Abide's configuration. Every key is optional; shown here with its default.\n\
             # Generated by `abide config example` from the code: do not edit by hand.\n\n{}",
            doku::to_toml_val(&Self::default())
        )
    }

    /// Reads the defaults, then `file` (when given; it must exist), then the
    /// `ABIDE_*` environment variables, and checks the result.
    pub(crate) fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Self::default()));
        if let Some(file) = file {
            if !file.is_file() {
                bail!("configuration file {} not found", file.display());
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let figment = figment.merge(env_provider());
        let config: Self = figment.extract().map_err(describe)?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.socket_addr()?;
        let base = &self.server.base_url;
        if !(base.is_empty() || base.starts_with("http://") || base.starts_with("https://")) {
            bail!("configuration: server.base_url: {base:?} must start with http:// or https://");
        }
        if !self.database.url.is_empty() {
            abide_store::Backend::from_url(&self.database.url)
                .map_err(|e| anyhow::anyhow!("configuration: database.url: {e}"))?;
        }
        let smtp = &self.mail.smtp_url;
        if !(smtp.is_empty() || smtp.starts_with("smtp://") || smtp.starts_with("smtps://")) {
            bail!("configuration: mail.smtp_url: {smtp:?} must start with smtp:// or smtps://");
        }
        let token = &self.mail.bounce_token;
        if !token.is_empty()
            && (token.chars().count() < 16 || token.chars().any(char::is_whitespace))
        {
            bail!(
                "configuration: mail.bounce_token must be at least 16 characters, without spaces"
            );
        }
        if self.database.max_connections == 0 {
            bail!("configuration: database.max_connections must be at least 1");
        }
        if self.limits.passage_verses == 0 || self.limits.passage_ranges == 0 {
            bail!(
                "configuration: limits.passage_verses and limits.passage_ranges must be at least 1"
            );
        }
        self.trusted_proxies()?;
        if self.limits.max_header_bytes < 8192 {
            bail!("configuration: limits.max_header_bytes must be at least 8192");
        }
        Ok(())
    }

    /// `server.addr`, parsed.
    pub(crate) fn socket_addr(&self) -> anyhow::Result<SocketAddr> {
        self.server.addr.parse().with_context(|| {
            format!(
                "configuration: server.addr: {:?} is not an address and port like 127.0.0.1:8080",
                self.server.addr
            )
        })
    }

    /// The database URL: `database.url`, or the SQLite file in `data_dir`.
    pub(crate) fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("abide.db").display())
        } else {
            self.database.url.clone()
        }
    }

    /// `server.base_url`, or one made from the address actually listened on.
    pub(crate) fn base_url(&self, bound: SocketAddr) -> String {
        if self.server.base_url.is_empty() {
            format!("http://{bound}")
        } else {
            self.server.base_url.trim_end_matches('/').to_owned()
        }
    }

    /// `server.trusted_proxies` and `server.proxy_header`, parsed.
    pub(crate) fn trusted_proxies(&self) -> anyhow::Result<abide_web::TrustedProxies> {
        let nets = self
            .server
            .trusted_proxies
            .iter()
            .map(|net| net.parse::<abide_web::IpNet>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("configuration: server.trusted_proxies: {e}"))?;
        let header = match self.server.proxy_header {
            ProxyHeader::XForwardedFor => abide_web::ForwardedHeader::XForwardedFor,
            ProxyHeader::Forwarded => abide_web::ForwardedHeader::Forwarded,
        };
        Ok(abide_web::TrustedProxies::new(nets, header))
    }

    pub(crate) fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.server.request_timeout_secs)
    }

    /// The configuration to show (`abide config check`): passwords in the
    /// database and SMTP URLs replaced by `***`.
    pub(crate) fn redacted(&self) -> Self {
        let mut shown = self.clone();
        shown.database.url = abide_store::redact_url(&shown.database.url);
        shown.mail.smtp_url = abide_store::redact_url(&shown.mail.smtp_url);
        if !shown.mail.bounce_token.is_empty() {
            shown.mail.bounce_token = "***".into();
        }
        shown
    }
}

/// `ABIDE_DATA_DIR` → `data_dir`, `ABIDE_SERVER_ADDR` → `server.addr`, ...
/// An `ABIDE_*` variable that names no key is an error, like an unknown key in the
/// file; `ABIDE_CONFIG` (the file's path) and `ABIDE_TEST_*` (the test harness)
/// are not configuration.
fn env_provider() -> Env {
    Env::prefixed("ABIDE_")
        .filter(|key| {
            let key = key.as_str().to_ascii_lowercase();
            !NOT_CONFIG.contains(&key.as_str()) && !key.starts_with("test_")
        })
        .map(|key| {
            let key = key.as_str().to_ascii_lowercase();
            for section in SECTIONS {
                if let Some(rest) = key.strip_prefix(section).and_then(|r| r.strip_prefix('_')) {
                    return format!("{section}.{rest}").into();
                }
            }
            key.into()
        })
}

/// One line for a configuration error: where, which key, what is wrong.
fn describe(error: figment::Error) -> anyhow::Error {
    let mut key = error.path.join(".");
    let origin = match &error.metadata {
        Some(md) => match &md.source {
            Some(figment::Source::File(path)) => path.display().to_string(),
            _ if md.name.contains("environment") => {
                let var = format!(
                    "environment variable ABIDE_{}",
                    key.replace('.', "_").to_uppercase()
                );
                key.clear();
                var
            }
            _ => md.name.to_string(),
        },
        None => "configuration".into(),
    };
    // Parse errors come with a drawn excerpt of the file; keep the words only,
    // on one line.
    let what = error
        .kind
        .to_string()
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with('|')
                && !l
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit() && l.contains(" | "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    if key.is_empty() {
        anyhow::anyhow!("configuration: {origin}: {what}")
    } else {
        anyhow::anyhow!("configuration: {origin}: {key}: {what}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_is_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../abide.example.toml");
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == Config::example(),
            "abide.example.toml is stale: run `cargo run -p abide -- config example > abide.example.toml`"
        );
    }

    #[test]
    fn the_example_file_parses_to_the_defaults() {
        let parsed: Config = Figment::new()
            .merge(Toml::string(&Config::example()))
            .extract()
            .unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn trusted_proxies_are_checked_when_loaded() {
        let mut config = Config::default();
        assert_eq!(
            config.trusted_proxies().unwrap(),
            abide_web::TrustedProxies::default()
        );
        config.server.trusted_proxies = vec!["127.0.0.1".into(), "fd00::/8".into()];
        config.server.proxy_header = ProxyHeader::Forwarded;
        config.validate().unwrap();
        let proxies = config.trusted_proxies().unwrap();
        assert!(proxies.trusts("127.0.0.1".parse().unwrap()));
        assert!(proxies.trusts("fd00::1".parse().unwrap()));
        assert!(!proxies.trusts("127.0.0.2".parse().unwrap()));
        config.server.trusted_proxies.push("10.0.0.0/33".into());
        let error = config.validate().unwrap_err().to_string();
        assert!(error.contains("server.trusted_proxies"), "{error}");
        assert!(error.contains("10.0.0.0/33"), "{error}");
        let parsed: Config = Figment::new()
            .merge(Toml::string(
                "[server]\ntrusted_proxies = [\"10.0.0.0/8\"]\nproxy_header = \"forwarded\"\n",
            ))
            .extract()
            .unwrap();
        assert_eq!(parsed.server.trusted_proxies, ["10.0.0.0/8"]);
        assert_eq!(parsed.server.proxy_header, ProxyHeader::Forwarded);
    }

    #[test]
    fn defaults_work_without_configuration() {
        let config = Config::default();
        config.validate().unwrap();
        assert_eq!(config.database_url(), "sqlite://data/abide.db");
        assert_eq!(
            config.base_url("127.0.0.1:8080".parse().unwrap()),
            "http://127.0.0.1:8080"
        );
    }
}
