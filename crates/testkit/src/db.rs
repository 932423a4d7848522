use std::sync::atomic::{AtomicU32, Ordering};

use abide_store::{Store, StoreOptions, schema_fingerprint};
use sqlx::{Connection, PgConnection};

use crate::env;

/// The engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// A fresh SQLite file in a temporary folder.
    Sqlite,
    /// A fresh database in the test PostgreSQL cluster.
    Postgres,
}

/// A migrated database of its own for one test. The SQLite folder is removed when
/// this is dropped; PostgreSQL databases go with the throwaway cluster.
pub struct TestDb {
    /// The store, connected and migrated.
    pub store: Store,
    /// The URL the store was opened with, for a second connection or a child
    /// process.
    pub url: String,
    /// The engine.
    pub engine: Engine,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A fresh, migrated database on `engine`.
    pub async fn new(engine: Engine) -> Self {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}/abide.db", dir.path().display());
                let store = connect(&url).await;
                store.migrate().await.expect("migrate the test database");
                Self {
                    store,
                    url,
                    engine,
                    _dir: Some(dir),
                }
            }
            Engine::Postgres => {
                let admin = env::require(env::PG_URL, "PostgreSQL");
                let template = ensure_template(&admin).await;
                let name = create_database(&admin, &template).await;
                let url = with_database(&admin, &name);
                let store = connect(&url).await;
                Self {
                    store,
                    url,
                    engine,
                    _dir: None,
                }
            }
        }
    }

    /// A fresh database on `engine` with nothing in it, not even migrations.
    pub async fn blank(engine: Engine) -> Self {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}/abide.db", dir.path().display());
                let store = connect(&url).await;
                Self {
                    store,
                    url,
                    engine,
                    _dir: Some(dir),
                }
            }
            Engine::Postgres => {
                let admin = env::require(env::PG_URL, "PostgreSQL");
                let name = create_database(&admin, "template0").await;
                let url = with_database(&admin, &name);
                let store = connect(&url).await;
                Self {
                    store,
                    url,
                    engine,
                    _dir: None,
                }
            }
        }
    }

    /// Opens a second, independent store on the same database (another "node").
    pub async fn another_store(&self) -> Store {
        connect(&self.url).await
    }
}

/// Creates a database with a new unique name as a copy of `template`.
async fn create_database(admin: &str, template: &str) -> String {
    let name = format!(
        "abide_t{}_{}_{:08x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        rand::random::<u32>()
    );
    let mut conn = PgConnection::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("connect to the test PostgreSQL at {admin}: {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE {template}"
    )))
    .execute(&mut conn)
    .await
    .expect("create the test database");
    conn.close().await.ok();
    name
}

async fn connect(url: &str) -> Store {
    Store::connect(url, &StoreOptions::default())
        .await
        .unwrap_or_else(|e| panic!("open test database: {e}"))
}

/// `admin` with its database name replaced by `name`.
fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// Creates, once per cluster and schema, a migrated database to clone; returns its
/// name. Test processes race here, so an advisory lock serialises them.
async fn ensure_template(admin: &str) -> String {
    let name = format!("abide_template_{}", schema_fingerprint());
    let mut conn = PgConnection::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("connect to the test PostgreSQL at {admin}: {e}"));
    sqlx::query("SELECT pg_advisory_lock(4242)")
        .execute(&mut conn)
        .await
        .expect("lock");
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_one(&mut conn)
        .await
        .expect("look for the template database");
    if exists == 0 {
        let building = format!("{name}_building");
        // A half-built template left by a test run that was killed.
        for sql in [
            format!("DROP DATABASE IF EXISTS {building}"),
            format!("CREATE DATABASE {building}"),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .expect("create the template database");
        }
        let store = connect(&with_database(admin, &building)).await;
        store
            .migrate()
            .await
            .expect("migrate the template database");
        store.close().await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE {building} RENAME TO {name}"
        )))
        .execute(&mut conn)
        .await
        .expect("rename the template database");
    }
    sqlx::query("SELECT pg_advisory_unlock(4242)")
        .execute(&mut conn)
        .await
        .expect("unlock");
    conn.close().await.ok();
    name
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5/postgres", "x"),
            "postgres://postgres@127.0.0.1:5/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/postgres?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
