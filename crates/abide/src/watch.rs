//! `abide serve --watch DIR`: import journey folders again when they change.
//!
//! Polls the folder's file names, sizes and modification times once a second:
//! no extra dependency, works on every file system (network shares included),
//! and an editor's burst of writes settles into one import.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use abide_store::Store;
use tokio_util::sync::CancellationToken;

/// Imports `dir` now, logging the outcome; problems do not stop the server.
pub(crate) async fn import_now(store: &Store, dir: &Path) {
    match crate::import::import(store, dir, abide_store::ImportOptions::default()).await {
        Ok(Ok(report)) => {
            tracing::info!(dir = %dir.display(), "imported {}", crate::import::describe(&report))
        }
        Ok(Err(count)) => {
            tracing::warn!(dir = %dir.display(), "not imported: {count} problem(s), listed above")
        }
        Err(e) => tracing::error!(dir = %dir.display(), error = %format!("{e:#}"), "import failed"),
    }
}

/// Every file under `dir` with its size and modification time, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else {
                out.push((path, meta.len(), meta.modified().ok()));
            }
        }
    }
    out.sort();
    out
}

/// [`snapshot`] on the blocking pool: walking a folder is file I/O, which
/// must not hold up the async threads that serve pages.
async fn snapshot_off_thread(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || snapshot(&dir))
        .await
        .unwrap_or_default()
}

/// Watches `dir` until `shutdown`, importing after each change has settled.
pub(crate) async fn watch(store: Store, dir: PathBuf, shutdown: CancellationToken) {
    let mut last = snapshot_off_thread(&dir).await;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
        let now = snapshot_off_thread(&dir).await;
        if now == last {
            continue;
        }
        // Let an editor finish saving: wait until two looks agree.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let settled = snapshot_off_thread(&dir).await;
        if settled != now {
            continue;
        }
        last = settled;
        tracing::info!(dir = %dir.display(), "change seen; importing");
        import_now(&store, &dir).await;
    }
}
