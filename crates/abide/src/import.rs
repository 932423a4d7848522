//! `abide import DIR`: validate journey folders, then import them in one
//! transaction.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use abide_content::{ContentError, Journey, LoadOptions, load_journey};
use abide_store::{ImportOptions, ImportReport, Store};

/// The journey folders under `dir`: `dir` itself when it holds a
/// `journey.toml`, else each sub-folder that does.
pub(crate) fn journey_folders(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if dir.join("journey.toml").is_file() {
        return Ok(vec![dir.to_owned()]);
    }
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.join("journey.toml").is_file() {
            found.push(path);
        }
    }
    found.sort();
    if found.is_empty() {
        anyhow::bail!(
            "{}: no journey.toml here or in its sub-folders (see docs/authoring.md)",
            dir.display()
        );
    }
    Ok(found)
}

/// Loads and validates every journey under `dir`. Problems are returned with
/// paths relative to the current folder.
pub(crate) fn load_all(
    dir: &Path,
    options: &LoadOptions,
) -> anyhow::Result<Result<Vec<Journey>, Vec<ContentError>>> {
    let mut journeys = Vec::new();
    let mut problems = Vec::new();
    for folder in journey_folders(dir)? {
        match load_journey(&folder, options) {
            Ok(journey) => journeys.push(journey),
            Err(errors) => problems.extend(errors.0.into_iter().map(|mut e| {
                e.file = folder.join(&e.file);
                e
            })),
        }
    }
    let mut slugs = std::collections::HashSet::new();
    for j in &journeys {
        if !slugs.insert(j.slug.clone()) {
            problems.push(ContentError {
                file: dir.join("journey.toml"),
                line: None,
                message: format!("two journeys have the slug {:?}", j.slug),
            });
        }
    }
    Ok(if problems.is_empty() {
        Ok(journeys)
    } else {
        Err(problems)
    })
}

/// The options for loading: the site's time zone from the settings.
pub(crate) async fn load_options(store: &Store) -> anyhow::Result<LoadOptions> {
    let settings = store.site_settings().await?;
    let time_zone = jiff::tz::TimeZone::get(&settings.time_zone)
        .map_err(|e| anyhow::anyhow!("site setting time_zone {:?}: {e}", settings.time_zone))?;
    Ok(LoadOptions {
        time_zone,
        now: store.clock().now(),
    })
}

/// Validates and imports; on problems prints each on its own line and imports
/// nothing.
pub(crate) async fn import(
    store: &Store,
    dir: &Path,
    import_options: ImportOptions,
) -> anyhow::Result<Result<ImportReport, usize>> {
    let options = load_options(store).await?;
    // Reading and validating the folder is file I/O and CPU: off the async threads.
    let folder = dir.to_owned();
    let loaded = tokio::task::spawn_blocking(move || load_all(&folder, &options)).await??;
    match loaded {
        Ok(journeys) => Ok(Ok(store
            .import_journeys_with(&journeys, import_options)
            .await?)),
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            Ok(Err(problems.len()))
        }
    }
}

pub(crate) fn describe(report: &ImportReport) -> String {
    let mut line = format!(
        "{} journey(s): {} entries new, {} changed, {} unchanged, {} removed",
        report.journeys, report.created, report.updated, report.unchanged, report.deleted
    );
    if report.renamed > 0 {
        line.push_str(&format!(
            ", {} slug(s) changed (the old addresses redirect)",
            report.renamed
        ));
    }
    line
}

pub(crate) async fn run(
    store: &Store,
    dir: &Path,
    options: ImportOptions,
) -> anyhow::Result<ExitCode> {
    match import(store, dir, options).await? {
        Ok(report) => {
            println!("imported {}", describe(&report));
            Ok(ExitCode::SUCCESS)
        }
        Err(count) => {
            eprintln!(
                "error: {count} problem(s) in {}; nothing was imported",
                dir.display()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
