//! Finding quotations of an entry's key passage: a blockquote or a
//! quotation in “…” / "…" right next to a reference to the passage, or a
//! blockquote anywhere whose words are mostly the passage's.

use std::ops::Range;

use abide_scripture::Citation;

use super::diff::{Comparison, compare, words};

/// A quotation to compare with the key passage's text.
pub(super) struct Quote {
    /// Where it starts in the file (for its line).
    pub(super) at: usize,
    pub(super) comparison: Comparison,
}

/// The quotations of the key passage (verse keys `key`) in the Markdown body
/// `masked[body..]` (see `prose_only`), compared with `verse_words`.
pub(super) fn key_quotations(
    masked: &str,
    body: usize,
    citations: &[Citation<'_>],
    key: &[(u32, u32)],
    verse_words: &[String],
) -> Vec<Quote> {
    let of_key: Vec<Range<usize>> = citations
        .iter()
        .filter(|c| c.span.start >= body)
        .filter(|c| {
            c.keys()
                .any(|(s, e)| key.iter().any(|&(ks, ke)| s <= ke && e >= ks))
        })
        .map(|c| c.span.clone())
        .collect();
    let mut out = Vec::new();
    for (at, quoted, next_to_key) in blockquotes(masked, body, &of_key) {
        let comparison = compare(&quoted, verse_words);
        // A blockquote away from the reference is a quotation of the
        // passage only when most of its words are the passage's.
        let mostly = comparison.quoted >= 4 && comparison.same * 2 >= comparison.quoted;
        if next_to_key || mostly {
            out.push(Quote { at, comparison });
        }
    }
    for (at, quoted) in inline_quotations(masked, body, &of_key) {
        out.push(Quote {
            at,
            comparison: compare(&quoted, verse_words),
        });
    }
    out.sort_by_key(|q| q.at);
    out
}

/// Blockquotes of the body: `(start, words, next to a key reference)`. A
/// line of the blockquote that holds a key reference and little else is
/// its attribution ("— Psalm 46:10"), not part of the quotation.
fn blockquotes(
    masked: &str,
    body: usize,
    of_key: &[Range<usize>],
) -> Vec<(usize, Vec<String>, bool)> {
    let mut groups: Vec<Vec<(usize, &str)>> = Vec::new(); // lines: (start, line)
    let mut current: Vec<(usize, &str)> = Vec::new();
    let mut at = body;
    for line in masked[body..].split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if indent <= 3 && line.trim_start().starts_with('>') {
            current.push((at, line));
        } else if !current.is_empty() {
            groups.push(std::mem::take(&mut current));
        }
        at += line.len();
    }
    if !current.is_empty() {
        groups.push(current);
    }
    let key_in = |r: Range<usize>| of_key.iter().any(|k| k.start >= r.start && k.end <= r.end);
    let mut out = Vec::new();
    for group in groups {
        let (start, _) = group[0];
        let (last_at, last) = group[group.len() - 1];
        let end = last_at + last.len();
        let mut quoted = Vec::new();
        let mut next_to_key = false;
        for &(line_at, line) in &group {
            let mut content = line.trim_start();
            while let Some(rest) = content.strip_prefix('>') {
                content = rest.trim_start();
            }
            let content_at = line_at + (line.len() - content.len());
            let mut text = content.to_owned();
            let mut attribution = false;
            // Blank the references in the line (their numbers are no words of
            // the verse); a line that starts with one ("— Psalm 46:10 (WEB)")
            // is the attribution, not the quotation.
            for k in of_key
                .iter()
                .filter(|k| k.start >= content_at && k.end <= content_at + content.len())
            {
                next_to_key = true;
                let (s, e) = (k.start - content_at, k.end - content_at);
                attribution |= words(&text[..s]).is_empty();
                text.replace_range(s..e, &" ".repeat(e - s));
            }
            if !attribution {
                quoted.extend(words(&text));
            }
        }
        // The reference on the line just before or after: "Psalm 46:10:" /
        // "— Psalm 46:10".
        let before = line_before(masked, start, body);
        let after = line_after(masked, end);
        if before.is_some_and(|r| key_in(r.clone()) && reference_line(masked, r, of_key))
            || after.is_some_and(|r| key_in(r.clone()) && reference_line(masked, r, of_key))
        {
            next_to_key = true;
        }
        out.push((start, quoted, next_to_key));
    }
    out
}

/// The non-blank line ending just before `start` (not before `floor`).
fn line_before(text: &str, start: usize, floor: usize) -> Option<Range<usize>> {
    if start <= floor {
        return None;
    }
    let end = start - 1; // the '\n'
    let begin = text[..end].rfind('\n').map_or(0, |i| i + 1).max(floor);
    (!text[begin..end].trim().is_empty()).then_some(begin..end)
}

/// The non-blank line starting at `end`.
fn line_after(text: &str, end: usize) -> Option<Range<usize>> {
    let rest = text.get(end..)?;
    let len = rest.find('\n').unwrap_or(rest.len());
    (!rest[..len].trim().is_empty()).then_some(end..end + len)
}

/// Whether the line `r` is a reference and little else (at most a few words:
/// "Psalm 46:10 (WEB)", "— Psalm 46:10", "In Psalm 46:10 God says:").
fn reference_line(text: &str, r: Range<usize>, of_key: &[Range<usize>]) -> bool {
    let mut line = text[r.clone()].to_owned();
    for k in of_key
        .iter()
        .filter(|k| k.start >= r.start && k.end <= r.end)
    {
        line.replace_range(k.start - r.start..k.end - r.start, &" ".repeat(k.len()));
    }
    words(&line).len() <= 4
}

/// Quotations in “…” or "…" with a key reference right before or after
/// them: `(start, words)`.
fn inline_quotations(
    masked: &str,
    body: usize,
    of_key: &[Range<usize>],
) -> Vec<(usize, Vec<String>)> {
    let bytes = masked.as_bytes();
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new(); // open, inner end, close end
    // Curly quotes pair up by direction.
    let mut from = body;
    while let Some(i) = masked[from..].find('“') {
        let open = from + i;
        let inner = open + '“'.len_utf8();
        from = inner;
        if let Some(len) = masked[inner..].find(['”', '“']) {
            let close = inner + len;
            if masked[close..].starts_with('”') && !has_blank_line(&masked[inner..close]) {
                pairs.push((open, close, close + '”'.len_utf8()));
                from = close + '”'.len_utf8();
            }
        }
    }
    // Straight quotes pair up in order, within a paragraph.
    let mut open: Option<usize> = None;
    for i in body..bytes.len() {
        match bytes[i] {
            b'"' => match open.take() {
                Some(o) => pairs.push((o, i, i + 1)),
                None => open = Some(i),
            },
            b'\n'
                if bytes[i + 1..]
                    .iter()
                    .take_while(|&&b| b != b'\n')
                    .all(u8::is_ascii_whitespace) =>
            {
                open = None;
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (open, inner_end, close_end) in pairs {
        let inner_start = open
            + if bytes[open] == b'"' {
                1
            } else {
                '“'.len_utf8()
            };
        if key_after(masked, close_end, of_key) || key_before(masked, open, of_key) {
            out.push((inner_start, words(&masked[inner_start..inner_end])));
        }
    }
    out
}

/// Whether a whole blank line lies inside `text` (a paragraph ends there).
fn has_blank_line(text: &str) -> bool {
    let parts: Vec<&str> = text.split('\n').collect();
    parts.len() > 2
        && parts[1..parts.len() - 1]
            .iter()
            .any(|l| l.trim().is_empty())
}

/// A key reference right after a quotation ending at `i`: `” (Ps 46:10)`,
/// `”, Psalm 46:10`, `” — Ps 46:10`.
fn key_after(text: &str, i: usize, of_key: &[Range<usize>]) -> bool {
    let mut j = skip_spaces(text, i);
    for set in [
        &[',', '.', ';', ':', '!', '?'][..],
        &['(', '['],
        &['—', '–', '-'],
    ] {
        if let Some(c) = text[j..].chars().next().filter(|c| set.contains(c)) {
            j = skip_spaces(text, j + c.len_utf8());
        }
    }
    of_key.iter().any(|k| k.start == j)
}

/// A key reference right before a quotation opening at `i`: `Psalm 46:10:
/// “`, `(Ps 46:10) “`, or a few words before a colon: `Psalm 63:1
/// followed: “`, `John 15:5 deepened this: “`.
fn key_before(text: &str, i: usize, of_key: &[Range<usize>]) -> bool {
    let mut j = skip_spaces_back(text, i);
    let colon = text[..j].ends_with(':');
    for set in [&[':', ',', '—', '–', '-'][..], &[')', ']']] {
        if let Some(c) = text[..j].chars().next_back().filter(|c| set.contains(c)) {
            j = skip_spaces_back(text, j - c.len_utf8());
        }
    }
    if of_key.iter().any(|k| k.end == j) {
        return true;
    }
    // Up to three words between the reference and the colon, on one line.
    colon
        && of_key.iter().any(|k| {
            k.end < j
                && j - k.end < 40
                && !text[k.end..j].contains('\n')
                && text[k.end..j]
                    .split_whitespace()
                    .all(|w| w.chars().all(char::is_alphabetic))
                && text[k.end..j].split_whitespace().count() <= 3
        })
}

fn skip_spaces(text: &str, i: usize) -> usize {
    i + (text[i..].len() - text[i..].trim_start().len())
}

fn skip_spaces_back(text: &str, i: usize) -> usize {
    text[..i].trim_end().len()
}
