//! Snippets: the stretch of a text where the query's words are thickest,
//! HTML-escaped, with each matching word in `<mark>`.
//!
//! A word of the text matches when its stem is a stem of the query, when it
//! begins with the word being typed, or when it is within the edit distance
//! the search allowed for a misspelled word: the same rules the index used,
//! so what is marked is what was found.

use std::collections::HashSet;

use tantivy::tokenizer::TextAnalyzer;

/// What a word of the text must be like to be marked.
#[derive(Debug, Default, Clone)]
pub(crate) struct Matcher {
    /// Stems of query words and phrase words.
    pub(crate) stems: HashSet<String>,
    /// The word being typed (lower case, folded).
    pub(crate) prefix: Option<String>,
    /// Misspelled-word candidates and the distance allowed for each.
    pub(crate) fuzzy: Vec<(String, u8)>,
}

/// Whether `a` and `b` are within `d` edits (insert, delete, substitute,
/// swap of neighbours) of each other.
fn within(a: &str, b: &str, d: usize) -> bool {
    if a.len().abs_diff(b.len()) > d * 4 {
        return false; // even in bytes of four-byte characters
    }
    if a.is_ascii() && b.is_ascii() {
        osa_within(a.as_bytes(), b.as_bytes(), d)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa_within(&a, &b, d)
    }
}

/// Longest word compared on the stack; longer ones never match (the index
/// drops words over 40 bytes).
const MAX_WORD: usize = 48;

/// Optimal string alignment distance of `a` and `b` is at most `d`.
fn osa_within<T: PartialEq>(a: &[T], b: &[T], d: usize) -> bool {
    if a.len().abs_diff(b.len()) > d || a.len() >= MAX_WORD || b.len() >= MAX_WORD {
        return false;
    }
    let mut prev2 = [0usize; MAX_WORD];
    let mut prev = [0usize; MAX_WORD];
    let mut cur = [0usize; MAX_WORD];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] <= d
}

/// The stem of one word, as the index made it.
fn stem_of(word: &str, stem: &mut TextAnalyzer) -> String {
    let mut s = stem.token_stream(word);
    s.next().map(|t| t.text.clone()).unwrap_or_default()
}

/// Bytes of a text searched for a snippet before the rest is.
const SCAN_FIRST: usize = 3 * 1024;

impl Matcher {
    /// Whether nothing can match.
    pub(crate) fn is_empty(&self) -> bool {
        self.stems.is_empty() && self.prefix.is_none() && self.fuzzy.is_empty()
    }

    /// Whether a word of the text (raw: lower case, folded) matches. Its stem
    /// is worked out only when it could be one of the query's: stems share
    /// their first letters with the words they come from.
    fn word_matches(&self, raw: &str, stem: &mut TextAnalyzer) -> bool {
        if self.prefix.as_deref().is_some_and(|p| raw.starts_with(p)) {
            return true;
        }
        let could_stem = self.stems.iter().any(|s| {
            let n = s.len().min(3);
            raw.len() >= n && raw.as_bytes()[..n] == s.as_bytes()[..n]
        });
        if could_stem && self.stems.contains(&stem_of(raw, stem)) {
            return true;
        }
        self.fuzzy
            .iter()
            .any(|(word, d)| within(word, raw, usize::from(*d)))
    }
}

/// Byte ranges of `text` that match, found with the index's analyzers. Each
/// distinct word is judged once.
fn matches(
    text: &str,
    stem: &mut TextAnalyzer,
    raw: &mut TextAnalyzer,
    m: &Matcher,
) -> Vec<(usize, usize)> {
    let mut judged: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut r = raw.token_stream(text);
    while let Some(t) = r.next() {
        let hit = match judged.get(&t.text) {
            Some(&hit) => hit,
            None => {
                let hit = m.word_matches(&t.text, stem);
                judged.insert(t.text.clone(), hit);
                hit
            }
        };
        if hit {
            out.push((t.offset_from, t.offset_to));
        }
    }
    out
}

/// The best stretch of about `max_chars` characters of `text` for `m`, as
/// HTML with `<mark>`s; `None` when nothing in it matches.
pub(crate) fn snippet(
    text: &str,
    stem: &mut TextAnalyzer,
    raw: &mut TextAnalyzer,
    m: &Matcher,
    max_chars: usize,
) -> Option<String> {
    if m.is_empty() {
        return None;
    }
    // The first few kilobytes hold a match in most texts that have one: the
    // rest is read only when they do not.
    let head = crate::query::truncate(text, SCAN_FIRST);
    let mut found = matches(head, stem, raw, m);
    if found.is_empty() && head.len() < text.len() {
        found = matches(&text[head.len()..], stem, raw, m)
            .into_iter()
            .map(|(a, b)| (a + head.len(), b + head.len()))
            .collect();
    }
    if found.is_empty() {
        return None;
    }
    // The window (in bytes, about max_chars wide) holding the most matches.
    let width = max_chars * 2;
    let (mut best, mut best_count, mut j) = (0, 0, 0);
    for i in 0..found.len() {
        while j < found.len() && found[j].1 <= found[i].0 + width {
            j += 1;
        }
        if j - i > best_count {
            best = i;
            best_count = j - i;
        }
    }
    let first = found[best].0;
    let mut start = first.saturating_sub(max_chars / 3);
    start = word_start(text, start);
    let mut end = (start + width).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end = word_end(text, end);
    let mut html = String::with_capacity(end - start + 64);
    if start > 0 {
        html.push('…');
    }
    let mut at = start;
    for &(a, b) in found.iter().filter(|(a, b)| *a >= start && *b <= end) {
        escape_into(&text[at..a], &mut html);
        html.push_str("<mark>");
        escape_into(&text[a..b], &mut html);
        html.push_str("</mark>");
        at = b;
    }
    escape_into(&text[at..end], &mut html);
    if end < text.len() {
        html.push('…');
    }
    Some(html)
}

/// The whole of a short `text` as HTML with its matches marked.
pub(crate) fn mark_all(
    text: &str,
    stem: &mut TextAnalyzer,
    raw: &mut TextAnalyzer,
    m: &Matcher,
) -> String {
    let mut html = String::with_capacity(text.len() + 32);
    if m.is_empty() {
        escape_into(text, &mut html);
        return html;
    }
    let mut at = 0;
    for (a, b) in matches(text, stem, raw, m) {
        escape_into(&text[at..a], &mut html);
        html.push_str("<mark>");
        escape_into(&text[a..b], &mut html);
        html.push_str("</mark>");
        at = b;
    }
    escape_into(&text[at..], &mut html);
    html
}

/// The start of the word at or after `i` (so a snippet does not begin mid-word).
fn word_start(text: &str, mut i: usize) -> usize {
    if i == 0 {
        return 0;
    }
    while !text.is_char_boundary(i) {
        i += 1;
    }
    match text[i..].char_indices().find(|(_, c)| c.is_whitespace()) {
        Some((space, c)) if space < 40 => i + space + c.len_utf8(),
        _ => i,
    }
}

/// The end of the word at `i`.
fn word_end(text: &str, i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    match text[i..].find(char::is_whitespace) {
        Some(space) if space < 40 => i + space,
        _ => i,
    }
}

/// HTML-escapes `s` onto `out`.
pub(crate) fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert!(within("stillness", "stilness", 1));
        assert!(within("thirsty", "thristy", 1), "a swap is one edit");
        assert!(!within("stillness", "silence", 2));
        assert!(within("abc", "abc", 0));
        assert!(within("", "a", 1));
    }

    #[test]
    fn snippets_mark_and_escape() {
        let mut stem = crate::schema::stem_analyzer();
        let mut raw = crate::schema::raw_analyzer();
        let mut m = Matcher::default();
        m.stems.insert("still".into());
        let text = "Come <away>. Be still, and rest in the stillness of God's care.";
        let html = snippet(text, &mut stem, &mut raw, &m, 150).unwrap();
        assert!(html.contains("&lt;away&gt;"), "{html}");
        assert!(html.contains("<mark>still</mark>"), "{html}");
        assert!(snippet("nothing here", &mut stem, &mut raw, &m, 150).is_none());
        m.prefix = Some("stilln".into());
        assert!(mark_all(text, &mut stem, &mut raw, &m).contains("<mark>stillness</mark>"));
    }

    proptest::proptest! {
        #[test]
        fn snippets_never_panic(text in "\\PC{0,400}", word in "[a-z]{1,8}") {
            let mut stem = crate::schema::stem_analyzer();
            let mut raw = crate::schema::raw_analyzer();
            let m = Matcher { prefix: Some(word.clone()), fuzzy: vec![(word, 1)], ..Matcher::default() };
            let _ = snippet(&text, &mut stem, &mut raw, &m, 40);
            let _ = mark_all(&text, &mut stem, &mut raw, &m);
        }
    }
}
