use abide_store::SiteSettings;
use abide_testkit::{Engine, TestDb, engine_test, store_test};
use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::util::{get, header, send, state, text};

async fn the_home_page_shows_the_site_title_from_settings(db: TestDb) {
    db.store
        .set_site_settings(&SiteSettings {
            title: "Still Waters <Fellowship>".into(),
            tagline: "Walk with us, one day at a time".into(),
            ..SiteSettings::default()
        })
        .await
        .unwrap();
    let state = state(&db.store);
    let response = get(&state, "/").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "content-type"),
        "text/html; charset=utf-8"
    );
    let html = text(response).await;
    assert!(html.starts_with("<!doctype html>"), "{html}");
    // Escaped, in the title and the header.
    assert!(
        html.contains("<title>Still Waters &lt;Fellowship&gt;</title>"),
        "{html}"
    );
    assert!(html.contains("Walk with us, one day at a time"));
    assert!(html.contains("No journeys have been published yet."));
    // The stylesheet is linked under its fingerprinted name, and it resolves.
    let css = html
        .split("href=\"")
        .map(|s| s.split('"').next().unwrap())
        .find(|h| h.starts_with("/static/abide.") && h.ends_with(".css"))
        .expect("a stylesheet link");
    let response = get(&state, css).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&response, "content-type"), "text/css; charset=utf-8");
}
store_test!(the_home_page_shows_the_site_title_from_settings);

async fn unknown_addresses_get_the_themed_404(db: TestDb) {
    let state = state(&db.store);
    for uri in [
        "/no/such/page",
        "/static/nothing.css",
        "/static/abide.0000000000.css",
    ] {
        let response = get(&state, uri).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(header(&response, "cache-control"), "no-store");
        let html = text(response).await;
        assert!(
            html.contains("<h1 id=\"error-title\">Page not found</h1>"),
            "{html}"
        );
        assert!(
            html.contains("<a class=\"brand\" href=\"/\">Abide</a>"),
            "{html}"
        );
    }
}
store_test!(unknown_addresses_get_the_themed_404);

async fn health_and_readiness(db: TestDb) {
    let state = state(&db.store);
    let response = get(&state, "/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "ok\n");

    let response = get(&state, "/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["schema_version"], abide_store::MIGRATIONS.len() as i64);
}
store_test!(health_and_readiness);

async fn not_ready_until_migrated(engine: Engine) {
    let db = TestDb::blank(engine).await;
    let state = state(&db.store);
    let response = get(&state, "/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(
        body["pending_migrations"].as_array().unwrap().len(),
        abide_store::MIGRATIONS.len()
    );
    // Liveness does not depend on the database.
    assert_eq!(get(&state, "/healthz").await.status(), StatusCode::OK);
    // A page that needs the schema fails as a plain themed 500, no details.
    let response = get(&state, "/").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = text(response).await;
    assert!(html.contains("Something went wrong"), "{html}");
    assert!(!html.contains("settings"), "no internals leak: {html}");

    db.store.migrate().await.unwrap();
    assert_eq!(get(&state, "/readyz").await.status(), StatusCode::OK);
}
engine_test!(not_ready_until_migrated);

async fn responses_carry_security_headers_and_compress(db: TestDb) {
    let state = state(&db.store);
    let request = Request::get("/")
        .header("accept-encoding", "br, gzip")
        .body(Body::empty())
        .unwrap();
    let response = send(&state, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-encoding"), "br");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(header(&response, "x-frame-options"), "DENY");
    assert!(header(&response, "content-security-policy").contains("default-src 'self'"));

    let request = Request::get("/")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        header(&send(&state, request).await, "content-encoding"),
        "gzip"
    );
}
store_test!(responses_carry_security_headers_and_compress);

async fn static_files_revalidate_by_etag(db: TestDb) {
    let state = state(&db.store);
    let response = get(&state, "/static/abide.css").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control"), "public, max-age=300");
    let etag = header(&response, "etag").to_owned();
    assert!(etag.starts_with('"'));
    let request = Request::get("/static/abide.css")
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    let response = send(&state, request).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert!(text(response).await.is_empty());
}
store_test!(static_files_revalidate_by_etag);

async fn oversized_bodies_are_refused(db: TestDb) {
    let state = state(&db.store);
    let request = Request::post("/")
        .header("content-length", "4096")
        .body(Body::from(vec![b'x'; 4096]))
        .unwrap();
    let response = send(&state, request).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
store_test!(oversized_bodies_are_refused);
