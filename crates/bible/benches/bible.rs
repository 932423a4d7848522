//! Translations: opening, passage lookup, search.
//!
//! ```sh
//! cargo bench -p abide-bible --bench bible
//! ```
//! Reads the bundled ASV, and the World English Bible when its SWORD module
//! is installed (Debian `sword-text-web` and `libsword-utils`; `bench/bible/run`
//! installs them), imported once into a temporary folder.

use std::hint::black_box;
use std::path::PathBuf;

use abide_bible::{ImportOptions, Library, Translation, import_sword};
use abide_scripture::parse;
use criterion::{Criterion, criterion_group, criterion_main};

fn ranges(s: &str) -> Vec<abide_scripture::Range> {
    parse(s).expect("a valid reference").ranges
}

/// The WEB's translation file, imported once, or `None` without the module.
fn web_file(dir: &std::path::Path) -> Option<PathBuf> {
    match import_sword("engWEB2015eb", &ImportOptions::new("web"), dir) {
        Ok(report) => Some(report.path),
        Err(e) => {
            eprintln!("the WEB is not benchmarked: {e}");
            None
        }
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let web = web_file(dir.path());
    let bundled = Library::bundled();

    let mut open = c.benchmark_group("open");
    open.bench_function("Library::bundled (ASV, KJV)", |b| {
        b.iter(|| black_box(Library::bundled()).list().len())
    });
    if let Some(path) = &web {
        open.bench_function("Translation::open (WEB file)", |b| {
            b.iter(|| Translation::open(black_box(path)).expect("opens"))
        });
        open.bench_function("Translation::open + first verse (WEB)", |b| {
            let john = ranges("John 3:16");
            b.iter(|| {
                let t = Translation::open(black_box(path)).expect("opens");
                t.passage(&john).expect("a verse").verses.len()
            })
        });
        open.bench_function("Library::open (bundled + WEB)", |b| {
            b.iter(|| {
                Library::open(black_box(dir.path()))
                    .expect("opens")
                    .list()
                    .len()
            })
        });
    }
    open.finish();

    let mut translations: Vec<(&str, Translation)> = Vec::new();
    if let Some(path) = &web {
        translations.push(("WEB", Translation::open(path).expect("opens")));
    }
    let asv = bundled.get("asv").expect("bundled");
    for (name, t) in translations
        .iter()
        .map(|(n, t)| (*n, t))
        .chain(std::iter::once(("ASV", asv)))
    {
        let mut lookup = c.benchmark_group(format!("lookup {name}"));
        for (label, reference) in [
            ("single verse (John 3:16)", "John 3:16"),
            ("30 verses (John 3:1-30)", "John 3:1-30"),
            ("whole chapter (Psalm 119, 176 verses)", "Psalm 119"),
        ] {
            let r = ranges(reference);
            t.passage(&r).expect("warm");
            lookup.bench_function(label, |b| {
                b.iter(|| t.passage(black_box(&r)).expect("found"))
            });
        }
        lookup.finish();

        let mut search = c.benchmark_group(format!("search {name}"));
        search.sample_size(30);
        t.search("warm", 1).expect("index");
        for query in ["be still", "\"be still\"", "thirst", "love one another"] {
            search.bench_function(format!("whole Bible: {query}"), |b| {
                b.iter(|| t.search(black_box(query), 10).expect("searches").total)
            });
        }
        search.finish();
    }

    if let Some(path) = &web {
        let mut cold = c.benchmark_group("cold");
        cold.sample_size(10);
        cold.bench_function("open WEB + first search (inflate all, build index)", |b| {
            b.iter(|| {
                let t = Translation::open(path).expect("opens");
                t.search("be still", 10).expect("searches").total
            })
        });
        cold.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
