use abide_store::SiteSettings;
use abide_testkit::{TestDb, store_test};

async fn site_settings_default_until_set(db: TestDb) {
    let store = &db.store;
    assert_eq!(
        store.site_settings().await.unwrap(),
        SiteSettings::default()
    );

    let mut settings = SiteSettings {
        title: "Still Waters Fellowship".into(),
        time_zone: "America/Chicago".into(),
        ..SiteSettings::default()
    };
    store.set_site_settings(&settings).await.unwrap();
    assert_eq!(store.site_settings().await.unwrap(), settings);

    settings.title = "Still Waters".into();
    store.set_site_settings(&settings).await.unwrap();
    assert_eq!(store.site_settings().await.unwrap().title, "Still Waters");
}
store_test!(site_settings_default_until_set);

async fn missing_fields_take_defaults(db: TestDb) {
    // A document written by an older Abide, before `time_zone` existed.
    db.store
        .set_setting("site", &serde_json::json!({ "title": "Old" }))
        .await
        .unwrap();
    let settings = db.store.site_settings().await.unwrap();
    assert_eq!(settings.title, "Old");
    assert_eq!(settings.time_zone, "UTC");
}
store_test!(missing_fields_take_defaults);

async fn a_corrupt_setting_is_a_clear_error(db: TestDb) {
    sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ('site', '{not json', 0)")
        .execute(db.store.pool())
        .await
        .unwrap();
    let err = db.store.site_settings().await.unwrap_err().to_string();
    assert!(err.starts_with("setting \"site\": "), "{err}");
}
store_test!(a_corrupt_setting_is_a_clear_error);
