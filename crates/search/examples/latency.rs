//! In-process search benchmark (bench/search/run.sh runs it in release):
//! ENTRIES entries made of Bible text we did not write (chapters of the
//! bundled ASV, cited as the chapters they come from, one verse as the key
//! passage), indexed on disk from scratch (timed); then QUERIES queries of
//! each kind (word, phrase, prefix, typo, reference, mixed) drawn from that
//! text, each timed alone. Prints the rebuild time, the index's size, and
//! p50/p99 per kind and for the whole mix; then the same for the other part
//! of `/api/search`'s work, the verse search of the default translation
//! (`abide bible search`) over each query's words.
//!
//!     cargo run --release -p abide-search --example latency [ENTRIES] [QUERIES] [LIMIT]

use std::time::{Duration, Instant};

use abide_scripture::{Range, Style, Versification};
use abide_search::{Card, Cited, Document, SearchIndex, SearchRequest};

/// A small, fixed pseudo-random sequence (xorshift), so runs compare.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let entries: usize = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let queries: usize = args.next().map_or(Ok(500), |a| a.parse())?;
    // Results per query (0: count only, no documents read, no snippets).
    let limit: usize = args.next().map_or(Ok(10), |a| a.parse())?;
    let library = abide_bible::Library::bundled();
    let t = library.default_translation();
    let v = Versification::kjv();
    // The chapters of the books the translation has.
    let chapters: Vec<Range> = t
        .books()
        .flat_map(|b| {
            (v.first_chapter(b)..=v.last_chapter(b)).filter_map(move |c| Range::chapter(b, c, v))
        })
        .collect();
    let mut rng = Rng(0x5eed_2026_1128);
    let mut docs = Vec::with_capacity(entries);
    let mut words: Vec<String> = Vec::new();
    let mut phrases: Vec<String> = Vec::new();
    let mut refs: Vec<String> = Vec::new();
    for id in 0..entries {
        // Two chapters' verses, up to 40 of them: about 1,000 words.
        let a = chapters[rng.below(chapters.len())];
        let b = chapters[rng.below(chapters.len())];
        let passage = t.passage([a, b])?;
        let verses: Vec<_> = passage.verses.iter().take(40).collect();
        if verses.is_empty() {
            continue;
        }
        let text: String = verses
            .iter()
            .map(|v| v.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let key = verses[rng.below(verses.len())].reference;
        let title: String = verses[0]
            .text
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        let tokens: Vec<&str> = text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.len() >= 4)
            .collect();
        if id % 20 == 0 && tokens.len() > 2 {
            let i = rng.below(tokens.len() - 1);
            words.push(tokens[i].to_lowercase());
            phrases.push(format!("\"{} {}\"", tokens[i], tokens[i + 1]));
            refs.push(abide_scripture::format_range(
                Range::verse(key),
                Style::Full,
            ));
            refs.push(abide_scripture::format_range(a, Style::Short));
        }
        let k = key.key();
        docs.push(Document {
            card: Card {
                id: id as i64,
                journey_slug: format!("journey-{}", id % 10),
                journey_title: format!("Journey {}", id % 10),
                slug: format!("entry-{id}"),
                title,
                summary: String::new(),
                key_passage: Some(abide_scripture::format_range(
                    Range::verse(key),
                    Style::Full,
                )),
                publish_at: 0,
                members_only: id % 10 == 0,
                tags: vec![format!("tag-{}", id % 30)],
                ..Card::default()
            },
            version: 1,
            text,
            tag_names: vec![format!("Tag {}", id % 30)],
            citations: vec![
                Cited {
                    start: k,
                    end: k,
                    key: true,
                },
                Cited {
                    start: a.keys().0,
                    end: a.keys().1,
                    key: false,
                },
                Cited {
                    start: b.keys().0,
                    end: b.keys().1,
                    key: false,
                },
            ],
        });
    }
    let dir = tempfile::tempdir()?;
    let (index, _) = SearchIndex::open(&dir.path().join("search"))?;
    let started = Instant::now();
    let n = docs.len();
    index.rebuild(docs, &mut |_| {})?;
    let rebuild = started.elapsed();
    let size: u64 = std::fs::read_dir(dir.path().join("search"))?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "entries: {n}; rebuild: {:.2} s; index on disk: {:.1} MB",
        rebuild.as_secs_f64(),
        size as f64 / 1e6
    );

    let typo = |w: &str, r: &mut Rng| {
        let mut c: Vec<char> = w.chars().collect();
        if c.len() >= 6 {
            let i = 1 + r.below(c.len() - 3);
            c.swap(i, i + 1);
        }
        c.into_iter().collect::<String>() + " "
    };
    let mut kinds: Vec<(&str, Vec<String>)> = vec![
        ("word", Vec::new()),
        ("phrase", Vec::new()),
        ("prefix", Vec::new()),
        ("typo", Vec::new()),
        ("reference", Vec::new()),
        ("mixed", Vec::new()),
    ];
    for _ in 0..queries {
        let w = words[rng.below(words.len())].clone();
        let r = refs[rng.below(refs.len())].clone();
        kinds[0].1.push(format!("{w} "));
        kinds[1].1.push(phrases[rng.below(phrases.len())].clone());
        kinds[2].1.push(w.chars().take(3 + rng.below(3)).collect());
        let long: Vec<&String> = words.iter().filter(|w| w.len() >= 6).collect();
        kinds[3].1.push(typo(long[rng.below(long.len())], &mut rng));
        kinds[4].1.push(r.clone());
        kinds[5].1.push(format!("{w} {r}"));
    }
    let mut all = Vec::new();
    println!(
        "{:<10} {:>9} {:>9} {:>9}",
        "kind", "p50 ms", "p99 ms", "hits avg"
    );
    for (kind, qs) in &kinds {
        let mut times = Vec::with_capacity(qs.len());
        let mut hits = 0usize;
        for (i, q) in qs.iter().enumerate() {
            let started = Instant::now();
            let found = index.search(&SearchRequest {
                text: q,
                member: i % 2 == 0,
                now: 1,
                limit,
                ..SearchRequest::default()
            })?;
            times.push(started.elapsed());
            hits += found.total;
        }
        print_row(kind, &mut times, Some(hits));
        all.extend(times);
    }
    print_row("all", &mut all, None);

    // The verse search, as `/api/search` asks it: the query's words, five
    // verses. Its index is made by the first search.
    let started = Instant::now();
    t.search("light", 5)?;
    println!(
        "verse search of {}: index made in {:.1} ms",
        t.info().name,
        ms(started.elapsed())
    );
    println!(
        "{:<10} {:>9} {:>9} {:>9}",
        "verses", "p50 ms", "p99 ms", "hits avg"
    );
    let mut all = Vec::new();
    for (kind, qs) in &kinds {
        let mut times = Vec::with_capacity(qs.len());
        let mut hits = 0usize;
        for q in qs {
            let words = abide_search::parse_query(q).words_text();
            let started = Instant::now();
            if !words.trim().is_empty() {
                hits += t.search(&words, 5)?.total;
            }
            times.push(started.elapsed());
        }
        print_row(kind, &mut times, Some(hits));
        all.extend(times);
    }
    print_row("all", &mut all, None);
    Ok(())
}

/// One line of a table: `kind`, p50 and p99 of `times` in ms, and the
/// average hits per query when given.
fn print_row(kind: &str, times: &mut [Duration], hits: Option<usize>) {
    times.sort();
    let p50 = ms(times[times.len() / 2]);
    let p99 = ms(times[times.len() * 99 / 100]);
    match hits {
        Some(hits) => println!(
            "{kind:<10} {p50:>9.3} {p99:>9.3} {:>9.0}",
            hits as f64 / times.len() as f64
        ),
        None => println!("{kind:<10} {p50:>9.3} {p99:>9.3}"),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
