//! The search index of a node, through the binary: `abide search reindex`,
//! the server's own index (found after a restart, refused to a second writer,
//! made anew when damaged).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::{Server, http_get, run};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../content/tests/fixtures")
        .join(name)
}

/// Asks `q` until the server answers 200 (its index is ready), for at most
/// 20 s; returns the body.
async fn search(server: &Server, q: &str) -> String {
    let started = Instant::now();
    loop {
        let (status, _, body) = http_get(&server.url, &format!("/api/search?q={q}")).await;
        if status == 200 {
            return body;
        }
        assert_eq!(status, 503, "{body}");
        assert!(started.elapsed() < Duration::from_secs(20), "never ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn reindex_and_the_servers_own_index() {
    let dir = tempfile::tempdir().unwrap();
    let journey = dir.path().join("learning-to-wait");
    std::fs::create_dir_all(&journey).unwrap();
    for entry in std::fs::read_dir(fixture("journey")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), journey.join(entry.file_name())).unwrap();
    }
    let output = run(dir.path(), &["import", "learning-to-wait"], &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Rebuilt by hand, with no server running.
    let output = run(dir.path(), &["search", "reindex"], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.starts_with("indexed 4 entries in "), "{stdout}");
    assert!(dir.path().join("data/search/abide-search.json").is_file());

    {
        let server = Server::start(dir.path(), &[], &[]);
        let body = search(&server, "watchmen").await;
        assert!(body.contains("The Long Night"), "{body}");
        // The server holds the index: a rebuild beside it is refused, clearly.
        let output = run(dir.path(), &["search", "reindex"], &[]);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("in use by another process"), "{stderr}");
    }

    // Damaged while stopped: made anew at start, and found again.
    for file in std::fs::read_dir(dir.path().join("data/search")).unwrap() {
        let path = file.unwrap().path();
        if path
            .extension()
            .is_some_and(|e| e == "idx" || e == "term" || e == "store")
        {
            std::fs::write(&path, b"garbage").unwrap();
        }
    }
    let server = Server::start(dir.path(), &[], &[]);
    let body = search(&server, "watchmen").await;
    assert!(body.contains("The Long Night"), "{body}");
}
