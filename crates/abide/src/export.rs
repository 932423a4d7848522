//! `abide export DIR`: every journey's files as the site has them now (edits
//! in the back office included), one folder per journey, in the format
//! `abide import` reads.

use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;

use abide_content::is_entry_path;
use abide_store::Store;

pub(crate) async fn run(store: &Store, dir: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let journeys = store.all_sources().await?;
    let mut names = HashSet::new();
    let mut written = 0;
    let mut failed = false;
    for journey in &journeys {
        if journey.source.files.is_empty() {
            eprintln!(
                "warning: journey {}: its files were not kept (it was imported by an older \
                 version); import its folder once more to make it exportable",
                journey.slug
            );
            continue;
        }
        // The folder it came from; its slug when two share a name.
        let mut name = journey.source.folder.clone();
        if name.is_empty() || !abide_content::is_safe_path(&name) || name.contains('/') {
            name = journey.slug.clone();
        }
        if !names.insert(name.clone()) {
            name = journey.slug.clone();
            names.insert(name.clone());
        }
        let target = dir.join(&name);
        let existing = std::fs::read_dir(&target)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if existing && !force {
            eprintln!(
                "error: {} exists and is not empty; choose another folder, or --force to write \
                 into it",
                target.display()
            );
            failed = true;
            continue;
        }
        if existing {
            // What the site no longer has must not come back at the next import.
            let current = abide_content::JourneySource::read(&target).unwrap_or_default();
            for path in current.files.keys().filter(|p| is_entry_path(p)) {
                if !journey.source.files.contains_key(path) {
                    std::fs::remove_file(target.join(path))?;
                    println!("removed {}", target.join(path).display());
                }
            }
        }
        journey.source.write(&target)?;
        println!(
            "{}: {} file(s) of journey {}",
            target.display(),
            journey.source.files.len(),
            journey.slug
        );
        written += 1;
    }
    println!("exported {written} journey(s) to {}", dir.display());
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
