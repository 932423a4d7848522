//! Whole-translation search: words and phrases, ranked.
//!
//! The index is built on the first search: every verse's words, lower-cased
//! and without punctuation, in one string (`" be still and know that "`, one
//! verse per line). A query word is found with one `memmem` pass over it; a
//! phrase is one pass for the whole phrase. Ranking is BM25 over the verses
//! that contain every word (exactly, or as the start of a longer word for
//! words of four letters or more: `thirst` finds `thirsty`), with a bonus
//! when the words stand together as a phrase.

use std::collections::HashMap;
use std::ops;

use memchr::memmem;
use serde::Serialize;

use abide_scripture::VerseRef;

use super::{LookupError, Translation};

/// One verse found by [`Translation::search`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SearchHit {
    /// The verse.
    pub reference: VerseRef,
    /// Its text (`\n` between lines of poetry).
    pub text: String,
    /// Relevance; higher is better. Comparable within one result list only.
    pub score: f32,
    /// Byte spans of `text` that matched, for highlighting.
    pub highlights: Vec<ops::Range<usize>>,
}

/// The result of a search.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SearchResults {
    /// The words searched for, normalised.
    pub words: Vec<String>,
    /// How many verses matched in all.
    pub total: usize,
    /// The best `limit` of them, best first.
    pub hits: Vec<SearchHit>,
}

/// The search index of one translation.
#[derive(Debug)]
pub(crate) struct Index {
    /// `" word word \n"` per verse.
    hay: String,
    /// Start of each verse's line in `hay`.
    starts: Vec<u32>,
    /// Verse key of each line.
    keys: Vec<u32>,
    /// Word count of each line.
    lens: Vec<u16>,
    avg_len: f32,
}

/// Lower-cases `text` and keeps only words: letters and digits; apostrophes
/// vanish (`God’s` → `gods`), everything else separates words.
pub(crate) fn normalize_into(text: &str, out: &mut String) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if !in_word {
                words += 1;
                in_word = true;
            }
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else if matches!(c, '\'' | '’' | '‘') && in_word {
            // inside a word: drop it and stay in the word
        } else if in_word {
            out.push(' ');
            in_word = false;
        }
    }
    if in_word {
        out.push(' ');
    }
    words
}

/// The query's words, normalised; quoted parts are phrases.
fn parse_query(query: &str) -> (Vec<String>, Vec<String>) {
    let mut words = Vec::new();
    let mut phrases = Vec::new();
    for (i, part) in query.split(['"', '“', '”']).enumerate() {
        let mut norm = String::new();
        normalize_into(part, &mut norm);
        let these: Vec<String> = norm.split_whitespace().map(str::to_owned).collect();
        if i % 2 == 1 && these.len() > 1 {
            phrases.push(these.join(" "));
        }
        for w in these {
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    (words, phrases)
}

/// Words of four letters or more also match as the start of a longer word.
fn matches_prefix(word: &str) -> bool {
    word.chars().count() >= 4
}

impl Index {
    pub(crate) fn build(t: &Translation) -> Result<Index, LookupError> {
        let mut hay = String::new();
        let mut starts = Vec::new();
        let mut keys = Vec::new();
        let mut lens = Vec::new();
        for book in t.books() {
            let Some(data) = t.book(book)? else { continue };
            for v in &data.verses {
                if v.text.is_empty() {
                    continue;
                }
                starts.push(u32::try_from(hay.len()).unwrap_or(u32::MAX));
                keys.push(v.key);
                hay.push(' ');
                let n = normalize_into(&v.text, &mut hay);
                hay.push('\n');
                lens.push(u16::try_from(n).unwrap_or(u16::MAX));
            }
        }
        let total: f32 = lens.iter().map(|&n| f32::from(n)).sum();
        let avg_len = if lens.is_empty() {
            1.0
        } else {
            total / lens.len() as f32
        };
        Ok(Index {
            hay,
            starts,
            keys,
            lens,
            avg_len,
        })
    }

    fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s as usize <= at) - 1
    }

    /// Per verse line: (exact matches, prefix-only matches) of `word`.
    fn occurrences(&self, word: &str) -> HashMap<usize, (u16, u16)> {
        let needle = format!(" {word}");
        let prefix = matches_prefix(word);
        let hay = self.hay.as_bytes();
        let mut found: HashMap<usize, (u16, u16)> = HashMap::new();
        for at in memmem::find_iter(hay, needle.as_bytes()) {
            let after = at + needle.len();
            let exact = hay.get(after) == Some(&b' ');
            if !exact && !prefix {
                continue;
            }
            let entry = found.entry(self.line_of(at)).or_default();
            if exact {
                entry.0 = entry.0.saturating_add(1);
            } else {
                entry.1 = entry.1.saturating_add(1);
            }
        }
        found
    }

    /// The lines where `phrase` stands, and whether it opens the verse.
    fn lines_with(&self, phrase: &str) -> HashMap<usize, bool> {
        let needle = format!(" {phrase} ");
        let mut lines = HashMap::new();
        for at in memmem::find_iter(self.hay.as_bytes(), needle.as_bytes()) {
            let line = self.line_of(at);
            let opens = self.starts[line] as usize == at;
            *lines.entry(line).or_insert(false) |= opens;
        }
        lines
    }

    pub(crate) fn search(&self, t: &Translation, query: &str, limit: usize) -> SearchResults {
        let (words, phrases) = parse_query(query);
        let mut results = SearchResults {
            words: words.clone(),
            total: 0,
            hits: Vec::new(),
        };
        if words.is_empty() || self.keys.is_empty() {
            return results;
        }
        let n = self.keys.len() as f32;
        let per_word: Vec<HashMap<usize, (u16, u16)>> =
            words.iter().map(|w| self.occurrences(w)).collect();
        // Candidates: lines with every word (the rarest word's lines first).
        let Some(rarest) = per_word.iter().min_by_key(|m| m.len()) else {
            return results;
        };
        let mut candidates: Vec<usize> = rarest
            .keys()
            .copied()
            .filter(|line| per_word.iter().all(|m| m.contains_key(line)))
            .collect();
        for phrase in &phrases {
            let with = self.lines_with(phrase);
            candidates.retain(|line| with.contains_key(line));
        }
        // Lines where the whole query stands as a phrase rank higher, and
        // higher still when the verse opens with it ("Be still, and know").
        let together = if words.len() > 1 {
            self.lines_with(&words.join(" "))
        } else {
            HashMap::new()
        };
        let idf: Vec<f32> = per_word
            .iter()
            .map(|m| (1.0 + (n - m.len() as f32 + 0.5) / (m.len() as f32 + 0.5)).ln())
            .collect();
        let (k1, b) = (1.2_f32, 0.75_f32);
        let mut scored: Vec<(f32, usize)> = candidates
            .into_iter()
            .map(|line| {
                let len = f32::from(self.lens[line]) / self.avg_len;
                let mut score = 0.0;
                for (m, idf) in per_word.iter().zip(&idf) {
                    let (exact, prefix) = m.get(&line).copied().unwrap_or_default();
                    let tf = f32::from(exact) + 0.6 * f32::from(prefix);
                    score += idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len));
                }
                if let Some(&opens) = together.get(&line) {
                    let all: f32 = idf.iter().sum();
                    score += if opens { 1.5 * all } else { all };
                }
                (score, line)
            })
            .collect();
        results.total = scored.len();
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| self.keys[a.1].cmp(&self.keys[b.1]))
        });
        scored.truncate(limit);
        for (score, line) in scored {
            let key = self.keys[line];
            let Some(reference) = VerseRef::from_key(key) else {
                continue;
            };
            let text = t.verse_text(reference).unwrap_or_default().to_owned();
            let highlights = highlight(&text, &words);
            results.hits.push(SearchHit {
                reference,
                text,
                score,
                highlights,
            });
        }
        results
    }
}

/// Byte spans of the words of `text` that match one of `words`.
pub(crate) fn highlight(text: &str, words: &[String]) -> Vec<ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut start = None;
    let mut norm = String::new();
    let mut flush = |start: usize, end: usize, norm: &mut String| {
        let hit = words
            .iter()
            .any(|w| norm == w || (matches_prefix(w) && norm.starts_with(w.as_str())));
        if hit {
            spans.push(start..end);
        }
        norm.clear();
    };
    for (i, c) in text.char_indices() {
        let in_word = c.is_alphanumeric() || (start.is_some() && matches!(c, '\'' | '’' | '‘'));
        if in_word {
            if start.is_none() {
                start = Some(i);
            }
            if c.is_alphanumeric() {
                norm.extend(c.to_lowercase());
            }
        } else if let Some(s) = start.take() {
            flush(s, i, &mut norm);
        }
    }
    if let Some(s) = start {
        flush(s, text.len(), &mut norm);
    }
    spans
}
