//! Whole-translation search: words and phrases, ranked.
//!
//! The index is built on the first search: every verse's words, lower-cased
//! and without punctuation, in one string (`" be still and know that "`, one
//! verse per line), and beside it each distinct word with the lines it stands
//! on (sorted, so the words a prefix begins are neighbours). A query word is
//! looked up there, not searched for in the text: the whole translation is
//! no longer read once per word. A phrase is searched for with `memmem` only
//! in the lines that hold all of its words. Ranking is BM25 over the verses
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
    /// Every distinct word of `hay`, sorted by bytes.
    vocab: Vec<Box<str>>,
    /// Where each word's postings end in `postings` (they start where the
    /// previous word's end).
    vocab_ends: Vec<u32>,
    /// (line, times the word stands on it), by word, lines ascending.
    postings: Vec<(u32, u16)>,
}

/// The lines a query word stands on: (line, exact matches, matches as the
/// start of a longer word), lines ascending, each line once.
#[derive(Debug, Default, PartialEq, Eq)]
struct Occurrences(Vec<(u32, u16, u16)>);

impl Occurrences {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, line: usize) -> Option<(u16, u16)> {
        let line = u32::try_from(line).ok()?;
        self.0
            .binary_search_by_key(&line, |&(l, _, _)| l)
            .ok()
            .map(|i| (self.0[i].1, self.0[i].2))
    }

    fn contains(&self, line: usize) -> bool {
        self.get(line).is_some()
    }

    fn lines(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().map(|&(l, _, _)| l as usize)
    }
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
        let mut verses = Vec::new();
        for book in t.books() {
            let Some(data) = t.book(book)? else { continue };
            verses.extend(
                data.verses
                    .iter()
                    .filter(|v| !v.text.is_empty())
                    .map(|v| (v.key, v.text.clone())),
            );
        }
        Ok(Index::of_verses(
            verses.iter().map(|(k, t)| (*k, t.as_str())),
        ))
    }

    /// The index of `(key, text)` verses, in order; empty texts are skipped.
    pub(crate) fn of_verses<'a>(verses: impl Iterator<Item = (u32, &'a str)>) -> Index {
        let mut hay = String::new();
        let mut starts = Vec::new();
        let mut keys = Vec::new();
        let mut lens = Vec::new();
        for (key, text) in verses {
            if text.is_empty() {
                continue;
            }
            starts.push(u32::try_from(hay.len()).unwrap_or(u32::MAX));
            keys.push(key);
            hay.push(' ');
            let n = normalize_into(text, &mut hay);
            hay.push('\n');
            lens.push(u16::try_from(n).unwrap_or(u16::MAX));
        }
        let total: f32 = lens.iter().map(|&n| f32::from(n)).sum();
        let avg_len = if lens.is_empty() {
            1.0
        } else {
            total / lens.len() as f32
        };
        // Lines are read in order, so each word's lines come out ascending
        // and a word seen again on the same line is its last posting.
        let mut by_word: HashMap<&str, Vec<(u32, u16)>> = HashMap::new();
        for (line, text) in hay.split_terminator('\n').enumerate() {
            let line = u32::try_from(line).unwrap_or(u32::MAX);
            for word in text.split(' ').filter(|w| !w.is_empty()) {
                let posts = by_word.entry(word).or_default();
                match posts.last_mut() {
                    Some((l, n)) if *l == line => *n = n.saturating_add(1),
                    _ => posts.push((line, 1)),
                }
            }
        }
        let mut words: Vec<(&str, Vec<(u32, u16)>)> = by_word.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut vocab = Vec::with_capacity(words.len());
        let mut vocab_ends = Vec::with_capacity(words.len());
        let mut postings = Vec::new();
        for (word, posts) in words {
            vocab.push(Box::from(word));
            postings.extend(posts);
            vocab_ends.push(u32::try_from(postings.len()).unwrap_or(u32::MAX));
        }
        Index {
            hay,
            starts,
            keys,
            lens,
            avg_len,
            vocab,
            vocab_ends,
            postings,
        }
    }

    /// The postings of the `i`th word of the vocabulary.
    fn postings_of(&self, i: usize) -> &[(u32, u16)] {
        let start = if i == 0 {
            0
        } else {
            self.vocab_ends[i - 1] as usize
        };
        &self.postings[start..self.vocab_ends[i] as usize]
    }

    /// Per verse line: (exact matches, prefix-only matches) of `word`: the
    /// word itself, and the longer words it begins when it is long enough.
    fn occurrences(&self, word: &str) -> Occurrences {
        let first = self.vocab.partition_point(|w| **w < *word);
        let exact = self.vocab.get(first).is_some_and(|w| **w == *word);
        let end = if matches_prefix(word) {
            first + self.vocab[first..].partition_point(|w| w.starts_with(word))
        } else {
            first + usize::from(exact)
        };
        let mut found: Vec<(u32, u16, u16)> = Vec::new();
        for i in first..end {
            let is_exact = exact && i == first;
            found.extend(self.postings_of(i).iter().map(|&(line, n)| {
                if is_exact { (line, n, 0) } else { (line, 0, n) }
            }));
        }
        if end - first > 1 {
            found.sort_unstable_by_key(|&(line, _, _)| line);
            found.dedup_by(|later, kept| {
                if later.0 != kept.0 {
                    return false;
                }
                kept.1 = kept.1.saturating_add(later.1);
                kept.2 = kept.2.saturating_add(later.2);
                true
            });
        }
        Occurrences(found)
    }

    /// The text of line `line`: `" word word "`.
    fn line_text(&self, line: usize) -> &str {
        let start = self.starts[line] as usize;
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.hay.len(), |&s| s as usize);
        &self.hay[start..end]
    }

    /// Which of `lines` hold `phrase`, and whether it opens the verse there.
    fn lines_with(&self, phrase: &str, lines: &[usize]) -> HashMap<usize, bool> {
        let needle = format!(" {phrase} ");
        let finder = memmem::Finder::new(needle.as_bytes());
        lines
            .iter()
            .filter_map(|&line| {
                let at = finder.find(self.line_text(line).as_bytes())?;
                Some((line, at == 0))
            })
            .collect()
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
        let per_word: Vec<Occurrences> = words.iter().map(|w| self.occurrences(w)).collect();
        // Candidates: lines with every word (the rarest word's lines first).
        let Some(rarest) = per_word.iter().min_by_key(|m| m.len()) else {
            return results;
        };
        let mut candidates: Vec<usize> = rarest
            .lines()
            .filter(|&line| per_word.iter().all(|m| m.contains(line)))
            .collect();
        // A phrase's lines hold each of its words, all query words: only the
        // candidates need reading.
        for phrase in &phrases {
            let with = self.lines_with(phrase, &candidates);
            candidates.retain(|line| with.contains_key(line));
        }
        // Lines where the whole query stands as a phrase rank higher, and
        // higher still when the verse opens with it ("Be still, and know").
        let together = if words.len() > 1 {
            self.lines_with(&words.join(" "), &candidates)
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
                    let (exact, prefix) = m.get(line).unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The search before the word index: one `memmem` pass over every line.
    fn scanned(index: &Index, word: &str) -> Occurrences {
        let needle = format!(" {word}");
        let hay = index.hay.as_bytes();
        let mut found: std::collections::BTreeMap<u32, (u16, u16)> = Default::default();
        for at in memmem::find_iter(hay, needle.as_bytes()) {
            let exact = hay.get(at + needle.len()) == Some(&b' ');
            if !exact && !matches_prefix(word) {
                continue;
            }
            let line = index.starts.partition_point(|&s| s as usize <= at) - 1;
            let entry = found.entry(line as u32).or_default();
            if exact {
                entry.0 = entry.0.saturating_add(1);
            } else {
                entry.1 = entry.1.saturating_add(1);
            }
        }
        Occurrences(found.into_iter().map(|(l, (e, p))| (l, e, p)).collect())
    }

    fn scanned_lines(index: &Index, phrase: &str) -> HashMap<usize, bool> {
        let needle = format!(" {phrase} ");
        let mut lines = HashMap::new();
        for at in memmem::find_iter(index.hay.as_bytes(), needle.as_bytes()) {
            let line = index.starts.partition_point(|&s| s as usize <= at) - 1;
            *lines.entry(line).or_insert(false) |= index.starts[line] as usize == at;
        }
        lines
    }

    fn index_of(texts: &[String]) -> Index {
        Index::of_verses(
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| (1_001_001 + i as u32, t.as_str())),
        )
    }

    #[test]
    fn words_and_the_longer_words_they_begin() {
        let index = index_of(&[
            "Be still, and know that I am God.".into(),
            "I thirst; the thirsty thirst!".into(),
            String::new(),
            "Stillness. Be STILL.".into(),
        ]);
        // The empty verse has no line: the fourth verse is line 2.
        assert_eq!(index.occurrences("still").0, vec![(0, 1, 0), (2, 1, 1)]);
        assert_eq!(index.occurrences("thirst").0, vec![(1, 2, 1)]);
        assert_eq!(index.occurrences("be").0, vec![(0, 1, 0), (2, 1, 0)]);
        // Short words match only whole.
        assert_eq!(index.occurrences("th").0, vec![]);
        assert_eq!(index.occurrences("zzz").0, vec![]);
        assert_eq!(
            index.lines_with("be still", &[0, 1, 2]),
            HashMap::from([(0, true), (2, false)])
        );
    }

    proptest! {
        /// The word index finds exactly what a pass over the text found.
        #[test]
        fn index_agrees_with_a_scan(
            texts in prop::collection::vec("(([a-d]{1,6}|Ab’c|É)[ ,.;]{1,2}){0,12}", 1..30),
            word in "[a-d]{1,6}",
            second in "[a-d]{1,6}",
        ) {
            let index = index_of(&texts);
            prop_assert_eq!(index.occurrences(&word), scanned(&index, &word));
            let phrase = format!("{word} {second}");
            let all: Vec<usize> = (0..index.keys.len()).collect();
            prop_assert_eq!(index.lines_with(&phrase, &all), scanned_lines(&index, &phrase));
            let mut norm = String::new();
            normalize_into(&texts.join(" "), &mut norm);
            for w in norm.split_whitespace() {
                prop_assert_eq!(index.occurrences(w), scanned(&index, w));
            }
        }
    }
}
