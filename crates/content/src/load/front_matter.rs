//! An entry's TOML front matter between `+++` lines, and where a TOML key
//! stands in its source, for messages with line numbers.

/// `(front matter, its first line, body, body's byte offset)`.
pub(crate) fn split_front_matter(text: &str) -> Option<(&str, usize, &str, usize)> {
    let text_start = usize::from(text.starts_with('\u{feff}')) * 3;
    let rest = &text[text_start..];
    let first_end = rest.find('\n')?;
    if rest[..first_end].trim_end() != "+++" {
        return None;
    }
    let front_from = text_start + first_end + 1;
    let mut at = front_from;
    for line in text[front_from..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let body_start = at + line.len();
            return Some((&text[front_from..at], 2, &text[body_start..], body_start));
        }
        at += line.len();
    }
    None
}

pub(super) fn front_offset(text: &str) -> usize {
    text.find('\n').map_or(0, |i| i + 1)
}

/// 1-based line of byte `offset` in `text`.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Byte offset where 1-based `line` starts.
pub(super) fn offset_of_line(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
}

/// The 1-based line on which `key = ...` (or a `[key]` table) appears.
pub(super) fn find_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
                || l.trim() == format!("[{key}]")
        })
        .map(|i| i + 1)
}

/// The 1-based line on which `key = value` appears.
pub(super) fn find_value_line(text: &str, key: &str, value: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .and_then(|r| r.trim_start().strip_prefix('='))
                .is_some_and(|v| v.trim() == value)
        })
        .map(|i| i + 1)
}

/// A TOML error's message on one line, without the drawn excerpt.
pub(super) fn toml_message(e: &toml::de::Error) -> String {
    e.message()
        .lines()
        .next()
        .unwrap_or("invalid TOML")
        .to_owned()
}
