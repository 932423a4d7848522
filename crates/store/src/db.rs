use std::path::Path;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, ConnectOptions, Connection as _, Executor};

use crate::error::{Redacted, StoreError, redact};
use crate::time::Clock;

/// The database engine behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, bundled: one file on the local disk.
    Sqlite,
    /// PostgreSQL: shared by several `abide serve` nodes.
    Postgres,
}

impl Backend {
    /// The engine a database URL names, or why it names none.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::BadUrl {
                url: redact(url),
                reason: "expected sqlite://PATH or postgres://USER@HOST/DB".into(),
            })
        }
    }

    /// A short lowercase name: `sqlite` or `postgres`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Tuning for a [`Store`]'s pool.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Most connections the pool opens.
    pub max_connections: u32,
    /// How long to wait for the database before giving up.
    pub connect_timeout: Duration,
    /// Where "now" comes from for everything this store records and asks.
    pub clock: Clock,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            connect_timeout: Duration::from_secs(5),
            clock: Clock::system(),
        }
    }
}

/// A write transaction. On SQLite it holds the write lock from its first statement.
pub type Tx = sqlx::Transaction<'static, Any>;

/// A pool of connections to one Abide database, SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: Clock,
    /// Journeys' outlines, shared by every clone of this store.
    outlines: std::sync::Arc<crate::content::Outlines>,
}

impl Store {
    /// Opens the database at `url` (creating a SQLite file and its folder when
    /// missing). It does not migrate; call [`Store::migrate`].
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let connect_error = |cause| StoreError::Connect {
            url: redact(&url),
            cause,
        };
        let connect_options: AnyConnectOptions = url.parse().map_err(|e| StoreError::BadUrl {
            url: redact(&url),
            reason: format!("{e}"),
        })?;
        let connect_options = connect_options.disable_statement_logging();

        // One connection first, alone: its error says what is wrong ("connection
        // refused", "password authentication failed"), where the pool would retry
        // until its timeout and report only that.
        let mut first = tokio::time::timeout(options.connect_timeout, connect_options.connect())
            .await
            .map_err(|_| connect_error(sqlx::Error::PoolTimedOut))?
            .map_err(connect_error)?;
        if backend == Backend::Sqlite {
            // WAL lets readers work while one writer writes. It is a property of
            // the file, so set it once, before the pool opens its connections.
            first
                .execute("PRAGMA journal_mode = WAL")
                .await
                .map_err(connect_error)?;
        }
        first.close().await.map_err(connect_error)?;

        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.connect_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Safe with WAL: a crash loses at most the last commits
                        // not yet checkpointed, never consistency.
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(connect_options)
            .await
            .map_err(connect_error)?;
        tracing::debug!(url = %Redacted(&url), backend = backend.name(), "database opened");
        Ok(Self {
            pool,
            backend,
            clock: options.clock.clone(),
            outlines: std::sync::Arc::default(),
        })
    }

    /// The same database seen through `clock`: for tests that move time, and
    /// for a second view of one pool.
    #[must_use]
    pub fn with_clock(&self, clock: Clock) -> Self {
        Self {
            clock,
            ..self.clone()
        }
    }

    /// The clock this store (and the web layer and workers on it) reads.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The current instant in stored form (UTC milliseconds), from [`Store::clock`].
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The journeys' outlines kept in memory (see [`crate::content::Outlines`]).
    pub(crate) fn outlines(&self) -> &crate::content::Outlines {
        &self.outlines
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for the other modules of this crate and for tests.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`): a transaction that reads and then writes could
    /// otherwise fail when another connection commits in between, and no busy
    /// timeout would save it.
    pub async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection; waits for those in use to come back.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Adds `mode=rwc` (create when missing) to a SQLite URL that names no mode, and
/// creates the file's folder.
fn prepare_sqlite_url(url: &str) -> Result<String, StoreError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or_default();
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    if path.is_empty() {
        return Err(StoreError::BadUrl {
            url: url.to_owned(),
            reason: "no file path after sqlite://".into(),
        });
    }
    let in_memory = path == ":memory:" || query.is_some_and(|q| q.contains("mode=memory"));
    let parent = Path::new(path)
        .parent()
        .filter(|p| !in_memory && !p.as_os_str().is_empty());
    if let Some(parent) = parent {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::Connect {
            url: url.to_owned(),
            cause: sqlx::Error::Io(std::io::Error::new(
                e.kind(),
                format!("cannot create folder {}: {e}", parent.display()),
            )),
        })?;
    }
    Ok(match query {
        Some(q) if q.split('&').any(|kv| kv.starts_with("mode=")) => url.to_owned(),
        Some(_) => format!("{url}&mode=rwc"),
        None => format!("{url}?mode=rwc"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_from_url() {
        assert_eq!(
            Backend::from_url("sqlite://x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/d").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/d").ok(),
            Some(Backend::Postgres)
        );
        let err = Backend::from_url("mysql://u:pw@h/d")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mysql://u:***@h/d"), "{err}");
        assert!(err.contains("expected sqlite://"), "{err}");
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = std::env::temp_dir().join(format!("abide-url-{}", std::process::id()));
        let db = dir.join("sub/abide.db");
        let url = format!("sqlite://{}", db.display());
        assert_eq!(prepare_sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.join("sub").is_dir());
        assert_eq!(
            prepare_sqlite_url(&format!("{url}?mode=ro")).unwrap(),
            format!("{url}?mode=ro")
        );
        assert!(prepare_sqlite_url("sqlite://").is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
