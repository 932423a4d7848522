//! `abide import DIR`: validate journey folders, then import them in one
//! transaction. `abide import --check DIR`: validate and run the content
//! check before publishing, importing nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use abide_content::check::{
    CheckContext, Finding, Severity, VerseText, check_entry_file, check_journey_toml, has_errors,
};
use abide_content::{ContentError, Journey, LoadOptions, load_journey};
use abide_scripture::parse_osis;
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

/// `abide import --check DIR`: loads every journey under `dir` as an import
/// would (its problems are errors), then runs the content check over each
/// `journey.toml` and entry file, with verse texts from the site's default
/// translation and links checked against the site's fixed pages and the
/// journeys, entries, tags and authors being checked. Prints the findings
/// like a compiler and a summary; fails when there is an error. Imports
/// nothing and needs no database.
pub(crate) fn check(config: &crate::config::Config, dir: &Path) -> anyhow::Result<ExitCode> {
    let folders = journey_folders(dir)?;
    let options = LoadOptions::default();
    let mut findings: Vec<Finding> = Vec::new();
    let mut loaded: Vec<(PathBuf, Option<Journey>)> = Vec::new();
    for folder in folders {
        match load_journey(&folder, &options) {
            Ok(journey) => loaded.push((folder, Some(journey))),
            Err(errors) => {
                findings.extend(errors.0.into_iter().map(|e| Finding {
                    severity: Severity::Error,
                    file: folder.join(&e.file).display().to_string(),
                    line: e.line,
                    message: e.message,
                }));
                loaded.push((folder, None));
            }
        }
    }
    let mut slugs = std::collections::HashSet::new();
    for (folder, journey) in &loaded {
        if let Some(j) = journey
            && !slugs.insert(j.slug.clone())
        {
            findings.push(Finding {
                severity: Severity::Error,
                file: folder.join("journey.toml").display().to_string(),
                line: None,
                message: format!("two journeys have the slug {:?}", j.slug),
            });
        }
    }

    let library = crate::bible::open_library(config)?;
    let translation = library.default_translation();
    let verse_text = |osis: &str| -> Option<VerseText> {
        let ranges = parse_osis(osis).ok()?;
        let passage = translation.passage(&ranges).ok()?;
        Some(VerseText {
            translation: translation.info().abbreviation.clone(),
            text: passage.plain_text(),
        })
    };
    let site = abide_content::check::SitePaths::of(loaded.iter().filter_map(|(_, j)| j.as_ref()));

    let mut files = 0;
    for (folder, journey) in &loaded {
        let toml_path = folder.join("journey.toml");
        if let Ok(text) = std::fs::read_to_string(&toml_path) {
            files += 1;
            findings.extend(check_journey_toml(&text).into_iter().map(|mut f| {
                f.file = toml_path.display().to_string();
                f
            }));
        }
        let mut entries = Vec::new();
        markdown_files(folder, &mut entries);
        entries.sort();
        for path in entries {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue; // loading reported it
            };
            files += 1;
            let relative = path
                .strip_prefix(folder)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            // Relative links resolve against the entry's address.
            let base = match journey {
                Some(j) => {
                    let entry = j.entries.iter().find(|e| e.source_path == relative);
                    format!(
                        "/journeys/{}/{}",
                        j.slug,
                        entry.map_or("", |e| e.slug.as_str())
                    )
                }
                None => "/journeys/-/".to_owned(),
            };
            let link_exists = |link: &str| site.exists(&abide_content::check::resolve(&base, link));
            let ctx = CheckContext {
                verse_text: &verse_text,
                link_exists: &link_exists,
            };
            let shown = path.display().to_string();
            findings.extend(check_entry_file(&shown, &text, &ctx));
        }
    }

    for f in &findings {
        println!("{f}");
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    println!(
        "checked {} journey(s), {files} file(s) with the {}: {errors} error(s), {warnings} warning(s){}",
        loaded.len(),
        translation.info().abbreviation,
        if errors > 0 {
            "; fix the errors before importing"
        } else {
            ""
        }
    );
    Ok(if has_errors(&findings) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The Markdown files of a journey folder, as loading finds them: every
/// `.md` but READMEs, skipping names that start with `.` or `_`.
fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        if path.is_dir() {
            markdown_files(&path, out);
        } else if name.ends_with(".md") && !name.eq_ignore_ascii_case("README.md") {
            out.push(path);
        }
    }
}
