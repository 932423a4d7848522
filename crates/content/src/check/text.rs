//! Lines, front matter and placeholder text: the parts of a check that read
//! a file as lines.

/// Byte offsets where each line starts, for 1-based line numbers.
pub(super) struct Lines(Vec<usize>);

impl Lines {
    pub(super) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self(starts)
    }

    /// The 1-based line of byte `offset`.
    pub(super) fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset).max(1)
    }
}

/// The front matter of an entry file: `(front matter, its byte offset, body
/// offset)`, when the file opens with a `+++` line and has a closing one.
pub(super) fn split_front_matter(text: &str) -> Option<(&str, usize, usize)> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_end = text[start..].find('\n')? + start;
    if text[start..first_end].trim_end() != "+++" {
        return None;
    }
    let front = first_end + 1;
    let mut at = front;
    for line in text[front..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((&text[front..at], front, at + line.len()));
        }
        at += line.len();
    }
    None
}

/// The 0-based line of `key = ...` in a TOML text.
pub(super) fn key_line(toml: &str, key: &str) -> Option<usize> {
    toml.lines().position(|l| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    })
}

/// Text that page builders, themes and templates put in a new page, and
/// authors' markers of unfinished work: phrases matched case-insensitively
/// where a word starts and ends.
const PLACEHOLDER_PHRASES: &[&str] = &[
    // Page builders (Elementor, Divi, Wix, Squarespace, WordPress blocks)
    "add your heading text here",
    "add your text here",
    "add your title here",
    "add a heading",
    "add a title",
    "add a description",
    "add your description",
    "click here to add your own text",
    "click here to add",
    "click here to edit",
    "click to edit",
    "click edit button to change this text",
    "double-click to edit",
    "double click to edit",
    "edit this text",
    "i'm a paragraph",
    "i’m a paragraph",
    "i'm a title",
    "i’m a title",
    "this is your heading",
    "this is a heading",
    "this is a paragraph",
    "heading text",
    "title text here",
    "your title here",
    "your heading here",
    "your text here",
    "your content here",
    "your content goes here",
    "type your text",
    "type something",
    "enter your text",
    "enter text here",
    "insert text here",
    "text goes here",
    "write something here",
    "write your text here",
    "start writing here",
    "sample text",
    "placeholder text",
    "dummy text",
    "just another wordpress site",
    "welcome to wordpress",
    "this is an example page",
    "this is a sample page",
    // Filler
    "lorem ipsum",
    "dolor sit amet",
    "consectetur adipiscing",
    // Authors' markers
    "todo",
    "tk",
    "tktk",
    "tbd",
    "tba",
    "fixme",
    "xxx",
];

/// One placeholder found on a line: its byte span in the line.
pub(super) fn placeholders(line: &str) -> Vec<std::ops::Range<usize>> {
    let lower = line.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let word_char = |i: usize| -> bool {
        bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
    };
    let mut found: Vec<std::ops::Range<usize>> = Vec::new();
    for phrase in PLACEHOLDER_PHRASES {
        for (at, _) in lower.match_indices(phrase) {
            let end = at + phrase.len();
            if (at > 0 && word_char(at - 1)) || word_char(end) {
                continue;
            }
            found.push(at..end);
        }
    }
    // "[insert quote]", "[Your name]", "<insert date>", "{{title}}": a
    // template's blank, in brackets.
    for (open, close, starts) in [
        (
            "[",
            "]",
            &["insert", "your ", "add ", "enter ", "placeholder"][..],
        ),
        ("<", ">", &["insert", "your ", "placeholder"][..]),
        ("{{", "}}", &[""][..]),
    ] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(open) {
            let at = from + i;
            let inner = at + open.len();
            from = inner;
            let Some(len) = lower[inner..].find(close) else {
                break;
            };
            let content = lower[inner..inner + len].trim_start();
            let end = inner + len + close.len();
            // "[your journal](/me)" is a link, not a blank.
            let link = open == "[" && matches!(bytes.get(end), Some(b'(' | b'[' | b':'));
            if starts.iter().any(|s| content.starts_with(s)) && len < 80 && !link {
                found.push(at..end);
            }
        }
    }
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut kept: Vec<std::ops::Range<usize>> = Vec::new();
    for r in found {
        if kept.last().is_none_or(|k| r.start >= k.end) {
            kept.push(r);
        }
    }
    kept
}

/// A copy of Markdown `text` (same length, same line breaks) in which what
/// is not prose is blanked: fenced and indented-by-fence code, inline code,
/// link and image destinations, HTML tags and autolinks. Citations and
/// quotations are looked for in it.
pub(super) fn prose_only(text: &str) -> String {
    let mut out: Vec<u8> = text.as_bytes().to_vec();
    let bytes = text.as_bytes();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut out[from..to.min(bytes.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    // Fenced code blocks.
    let mut fence: Option<&str> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        match fence {
            Some(f) => {
                blank(&mut out, at, at + line.len());
                if trimmed.starts_with(f) {
                    fence = None;
                }
            }
            None if trimmed.starts_with("```") || trimmed.starts_with("~~~") => {
                fence = Some(&trimmed[..3]);
                blank(&mut out, at, at + line.len());
            }
            None => {}
        }
        at += line.len();
    }
    // Inline code, destinations, tags.
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'`' if out[i] == b'`' => {
                let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
                let ticks = &text[i..i + run];
                match text[i + run..].find(ticks) {
                    Some(len) => {
                        blank(&mut out, i, i + run + len + run);
                        i += run + len + run;
                    }
                    None => i += run,
                }
            }
            b']' if bytes.get(i + 1) == Some(&b'(') => match text[i + 2..].find(')') {
                Some(len) if !text[i + 2..i + 2 + len].contains('\n') => {
                    blank(&mut out, i + 1, i + 3 + len);
                    i += 3 + len;
                }
                _ => i += 1,
            },
            b'<' if bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!')) =>
            {
                match text[i..].find('>') {
                    Some(len) if !text[i..i + len].contains("\n\n") => {
                        blank(&mut out, i, i + len + 1);
                        i += len + 1;
                    }
                    _ => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    // Only ASCII bytes were changed, to spaces: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(line: &str) -> Vec<&str> {
        placeholders(line).into_iter().map(|r| &line[r]).collect()
    }

    #[test]
    fn placeholders_of_page_builders_and_templates() {
        assert_eq!(
            found("Tags: Add Your Heading Text Here"),
            ["Add Your Heading Text Here"]
        );
        assert_eq!(
            found("Lorem ipsum dolor sit amet"),
            ["Lorem ipsum", "dolor sit amet"]
        );
        assert_eq!(found("Quote: [insert verse]. TK"), ["[insert verse]", "TK"]);
        assert_eq!(found("Hello {{ name }}"), ["{{ name }}"]);
        assert_eq!(found("TODO: finish"), ["TODO"]);
        // Words that merely contain them are prose.
        assert_eq!(found("Tktk is not tkt, and the mastodon ate"), ["Tktk"]);
        assert!(found("Open [your journal](/me/journal) today").is_empty());
        assert!(found("He went toward Dover; a heading wind").is_empty());
        assert!(found("[[weeks]] and <em>yes</em>").is_empty());
    }

    #[test]
    fn prose_only_keeps_length_and_lines() {
        let text = "See `John 22:1` and [x](/John-22) <img src=\"a\">\n```\nPs 152\n```\nok “é”";
        let p = prose_only(text);
        assert_eq!(p.len(), text.len());
        assert_eq!(p.matches('\n').count(), text.matches('\n').count());
        assert!(!p.contains("22") && !p.contains("152") && !p.contains("img"));
        assert!(p.contains("[x") && p.ends_with("ok “é”"));
    }
}
