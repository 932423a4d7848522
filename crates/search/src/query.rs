//! What a reader typed, read as a search: quoted phrases, words, and at most
//! one scripture reference found by the reference engine (misspelled book
//! names included), wherever it stands in the query.

use abide_scripture::Range;

/// Longest query read, in bytes; the rest is ignored.
pub const MAX_QUERY_BYTES: usize = 256;
/// Most words (and phrases) a query is searched for; the rest are ignored.
pub const MAX_TERMS: usize = 12;
/// Longest window of whitespace-separated tokens tried as a reference
/// ("The Gospel according to St. John 3:16" is seven).
const MAX_REFERENCE_TOKENS: usize = 8;

/// A reference found in a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryReference {
    /// As typed: `jn 15 5`.
    pub text: String,
    /// The verses it names.
    pub ranges: Vec<Range>,
}

/// A query taken apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Words outside phrases and the reference, as typed, in order.
    pub words: Vec<String>,
    /// Quoted phrases, as typed, without their quotes.
    pub phrases: Vec<String>,
    /// A scripture reference, if the query holds one.
    pub reference: Option<QueryReference>,
    /// Whether the last word is still being typed (no space after it), so it
    /// also matches as the start of a longer word.
    pub last_is_prefix: bool,
}

impl ParsedQuery {
    /// The query without its reference: its phrases (quoted) and words, for
    /// a search of verse text.
    pub fn words_text(&self) -> String {
        let mut out: Vec<String> = self.phrases.iter().map(|p| format!("\"{p}\"")).collect();
        out.extend(self.words.iter().cloned());
        out.join(" ")
    }

    /// Whether there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty() && self.reference.is_none()
    }
}

/// Cuts `s` to at most `max` bytes, on a character boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The part of `input` a search reads: its first [`MAX_QUERY_BYTES`] bytes,
/// cut on a character boundary.
pub fn truncate_query(input: &str) -> &str {
    truncate(input, MAX_QUERY_BYTES)
}

/// Reads `input` as a search query.
pub fn parse_query(input: &str) -> ParsedQuery {
    let input = truncate(input, MAX_QUERY_BYTES);
    let mut parsed = ParsedQuery::default();
    // Quoted phrases come out first; what lies between them is free text.
    let mut free = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(open) = rest.find(['"', '“', '”']) {
        free.push_str(&rest[..open]);
        free.push(' ');
        let after = &rest[open + rest[open..].chars().next().map_or(1, char::len_utf8)..];
        let close = after.find(['"', '“', '”']).unwrap_or(after.len());
        let phrase = after[..close].trim();
        if !phrase.is_empty() && parsed.phrases.len() < MAX_TERMS {
            parsed.phrases.push(phrase.to_owned());
        }
        rest = after
            .get(close..)
            .map(|r| &r[r.chars().next().map_or(0, char::len_utf8)..])
            .unwrap_or("");
    }
    free.push_str(rest);
    parsed.last_is_prefix =
        !input.ends_with(char::is_whitespace) && !input.trim_end().ends_with(['"', '“', '”']);

    let tokens: Vec<&str> = free.split_whitespace().take(4 * MAX_TERMS).collect();
    let (reference, span) = match find_reference(&tokens, parsed.phrases.is_empty()) {
        Some((reference, span)) => (Some(reference), span),
        None => (None, 0..0),
    };
    if span.end == tokens.len() && reference.is_some() {
        // The reference ends the query: its last token is not a word being typed.
        parsed.last_is_prefix = false;
    }
    parsed.reference = reference;
    parsed.words = tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| !span.contains(i))
        .map(|(_, t)| (*t).to_owned())
        .take(MAX_TERMS)
        .collect();
    parsed
}

/// The leftmost, then longest, window of `tokens` that the reference parser
/// reads whole. A window must end in a number (a chapter or verse: `psalm
/// 63`), unless it is the whole query (`Romans` alone is the book), so that
/// "mark my words" or "job" among other words stay words.
fn find_reference(
    tokens: &[&str],
    alone: bool,
) -> Option<(QueryReference, std::ops::Range<usize>)> {
    let n = tokens.len();
    for start in 0..n {
        if !tokens[start].starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let last = n.min(start + MAX_REFERENCE_TOKENS);
        for end in (start + 1..=last).rev() {
            let whole = alone && start == 0 && end == n;
            let ends_in_number = tokens[end - 1].contains(|c: char| c.is_ascii_digit());
            if !whole && !ends_in_number {
                continue;
            }
            let window = tokens[start..end].join(" ");
            if !window.contains(|c: char| c.is_alphabetic()) {
                continue;
            }
            // In a search box `jn 15 5` is chapter and verse: `jn 15:5`.
            let numbers = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
            let spaced = (end - start >= 3 && numbers(tokens[end - 1]) && numbers(tokens[end - 2]))
                .then(|| {
                    format!(
                        "{} {}:{}",
                        tokens[start..end - 2].join(" "),
                        tokens[end - 2],
                        tokens[end - 1]
                    )
                });
            for candidate in spaced.iter().chain([&window]) {
                if let Ok(citation) = abide_scripture::parse(candidate)
                    && !citation.ranges.is_empty()
                {
                    return Some((
                        QueryReference {
                            text: window.clone(),
                            ranges: citation.ranges.clone(),
                        },
                        start..end,
                    ));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn osis(q: &ParsedQuery) -> Option<String> {
        q.reference
            .as_ref()
            .map(|r| abide_scripture::to_osis(&r.ranges))
    }

    #[test]
    fn words_alone() {
        let q = parse_query("stillness");
        assert_eq!(q.words, ["stillness"]);
        assert!(q.reference.is_none());
        assert!(q.last_is_prefix);
        let q = parse_query("be still ");
        assert_eq!(q.words, ["be", "still"]);
        assert!(!q.last_is_prefix);
    }

    #[test]
    fn references_wherever_they_stand() {
        assert_eq!(osis(&parse_query("Psalm 46")).as_deref(), Some("Ps.46"));
        assert_eq!(osis(&parse_query("jn 15 5")).as_deref(), Some("John.15.5"));
        let q = parse_query("thirsty psalm 63");
        assert_eq!(osis(&q).as_deref(), Some("Ps.63"));
        assert_eq!(q.words, ["thirsty"]);
        assert!(!q.last_is_prefix);
        let q = parse_query("psalm 63 thirsty");
        assert_eq!(osis(&q).as_deref(), Some("Ps.63"));
        assert_eq!(q.words, ["thirsty"]);
        assert_eq!(osis(&parse_query("Romans")).as_deref(), Some("Rom"));
    }

    #[test]
    fn book_names_among_words_stay_words() {
        let q = parse_query("mark my words");
        assert!(q.reference.is_none(), "{q:?}");
        assert_eq!(q.words, ["mark", "my", "words"]);
        assert!(parse_query("job hunting").reference.is_none());
        assert!(parse_query("5 minutes").reference.is_none());
    }

    #[test]
    fn phrases() {
        let q = parse_query("\"be still\" know");
        assert_eq!(q.phrases, ["be still"]);
        assert_eq!(q.words, ["know"]);
        let q = parse_query("“living water”");
        assert_eq!(q.phrases, ["living water"]);
        assert!(!q.last_is_prefix);
        let q = parse_query("\"unclosed phrase");
        assert_eq!(q.phrases, ["unclosed phrase"]);
        assert!(parse_query("\"\"").is_empty());
    }

    #[test]
    fn long_queries_are_cut() {
        let long = "é".repeat(1000);
        let q = parse_query(&long);
        assert!(q.words.concat().len() <= MAX_QUERY_BYTES);
        let many = "word ".repeat(100);
        assert_eq!(parse_query(&many).words.len(), MAX_TERMS);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,300}") {
            let q = parse_query(&s);
            proptest::prop_assert!(q.words.len() <= MAX_TERMS);
            proptest::prop_assert!(q.phrases.len() <= MAX_TERMS);
        }

        #[test]
        fn never_panics_on_query_like_text(s in "[\"“” a-zA-Z0-9:.,;-]{0,120}") {
            let _ = parse_query(&s);
        }
    }
}
