use abide_store::{MIGRATIONS, StoreError};
use abide_testkit::{Engine, TestDb, engine_test};

async fn migrate_is_idempotent(engine: Engine) {
    let db = TestDb::blank(engine).await;
    let status = db.store.migration_status().await.unwrap();
    assert!(status.applied.is_empty());
    assert_eq!(status.pending.len(), MIGRATIONS.len());

    let applied = db.store.migrate().await.unwrap();
    assert_eq!(applied.len(), MIGRATIONS.len());
    assert!(db.store.migration_status().await.unwrap().is_current());
    assert!(db.store.migrate().await.unwrap().is_empty());
}

async fn concurrent_migrations_apply_once(engine: Engine) {
    let db = TestDb::blank(engine).await;
    let mut nodes = Vec::new();
    for _ in 0..4 {
        nodes.push(db.another_store().await);
    }
    let runs = nodes.iter().map(|store| store.migrate());
    let results = futures_util::future::join_all(runs).await;
    let mut total = 0;
    for result in results {
        total += result.unwrap().len();
    }
    assert_eq!(
        total,
        MIGRATIONS.len(),
        "each migration applied by exactly one node"
    );
    assert!(db.store.migration_status().await.unwrap().is_current());
}

async fn an_edited_migration_is_refused(engine: Engine) {
    let db = TestDb::new(engine).await;
    sqlx::query("UPDATE abide_migrations SET checksum = 'edited' WHERE version = 1")
        .execute(db.store.pool())
        .await
        .unwrap();
    let err = db.store.migrate().await.unwrap_err();
    assert!(
        matches!(err, StoreError::Migration { version: 1, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("changed after it was applied"),
        "{err}"
    );
}

async fn a_newer_schema_is_refused(engine: Engine) {
    let db = TestDb::new(engine).await;
    sqlx::query(
        "INSERT INTO abide_migrations (version, name, checksum, applied_at) VALUES (9999, 'future', 'x', 0)",
    )
    .execute(db.store.pool())
    .await
    .unwrap();
    let err = db.store.migration_status().await.unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 9999, .. }),
        "{err}"
    );
}

engine_test!(migrate_is_idempotent);
engine_test!(concurrent_migrations_apply_once);
engine_test!(an_edited_migration_is_refused);
engine_test!(a_newer_schema_is_refused);
