use abide_store::SiteSettings;
use abide_testkit::{Engine, TestDb, engine_test};

use crate::util::{Server, http_get};

async fn serves_the_site_and_stops_on_sigterm(engine: Engine) {
    let db = TestDb::new(engine).await;
    db.store
        .set_site_settings(&SiteSettings {
            title: "Grace Chapel".into(),
            ..SiteSettings::default()
        })
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[("ABIDE_DATABASE_URL", &db.url)]);
    assert!(
        server
            .banner
            .starts_with("Grace Chapel is running at http://127.0.0.1:"),
        "{}",
        server.banner
    );

    let (status, headers, body) = http_get(&server.url, "/").await;
    assert_eq!(status, 200);
    assert!(body.contains("<title>Grace Chapel</title>"), "{body}");
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "content-security-policy" && v.contains("'self'"))
    );

    let (status, _, body) = http_get(&server.url, "/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(engine_name(engine)), "{body}");
    let (status, _, _) = http_get(&server.url, "/healthz").await;
    assert_eq!(status, 200);

    let (status, stderr) = server.terminate();
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("SIGTERM: shutting down"), "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
}
engine_test!(serves_the_site_and_stops_on_sigterm);

fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    }
}

#[tokio::test]
async fn the_demo_starts_on_a_fresh_database_and_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--demo"], &[]);
    let (status, _, body) = http_get(&server.url, "/").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("<h1 id=\"welcome-title\">Still Waters</h1>"),
        "{body}"
    );
    // Nothing was written to the working folder: the demo lives in a temporary one.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let pid = server.pid();
    let (status, _) = server.terminate();
    assert!(
        status.success(),
        "abide serve --demo (pid {pid}) exited with {status}"
    );
}

#[tokio::test]
async fn a_second_node_on_the_same_database_serves_too() {
    // Two `abide serve` processes on one SQLite file: migrations apply once, both
    // answer.
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let one = Server::start(data.path(), &["--data", data_dir], &[]);
    let two = Server::start(data.path(), &["--data", data_dir], &[]);
    for server in [&one, &two] {
        let (status, _, body) = http_get(&server.url, "/readyz").await;
        assert_eq!(status, 200, "{body}");
    }
    assert!(data.path().join("abide.db").is_file());
}
