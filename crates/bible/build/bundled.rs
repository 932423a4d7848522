//! Cleaning the `bible-lib` texts into Abide translation files (used by the
//! build script; `tests/bundled.rs` checks the result).
//!
//! The source has one verse per line, `Book C:V text`, CRLF, in canon order.
//! What is repaired:
//! - KJV `[italic]` brackets removed, `‹red letter›` marks turned into
//!   words-of-Jesus spans;
//! - ASV `[Selah` written as the word `Selah`;
//! - a missing space after punctuation (`sea.And`);
//! - psalm titles, merged into verse 1 by the source, split off as titles
//!   (and the KJV's `ALEPH.` before Psalm 119:1 made a heading);
//! - a verse given twice (KJV Genesis 1:17) kept once; a heading that is not
//!   scripture (ASV before Psalm 135) dropped;
//! - verses left empty by the source (ASV Matthew 17:21, ...) recorded as absent.

use abide_scripture::{BookId, Versification};

use crate::store::{RawBook, RawVerse};

/// A bundled translation.
pub(crate) struct Bundled {
    pub(crate) id: &'static str,
    pub(crate) file: &'static str,
    name: &'static str,
    abbreviation: &'static str,
    statement: &'static str,
    /// KJV markup: `[italics]` and `‹red letter›`.
    kjv_marks: bool,
}

pub(crate) const TRANSLATIONS: [Bundled; 2] = [
    Bundled {
        id: "asv",
        file: "asv.txt",
        name: "American Standard Version",
        abbreviation: "ASV",
        statement: "The American Standard Version (1901) is in the public domain.",
        kjv_marks: false,
    },
    Bundled {
        id: "kjv",
        file: "kjv.txt",
        name: "King James Version",
        abbreviation: "KJV",
        statement: "The King James Version (1611, in its 1769 Oxford text) is in the public domain, \
                    except in the United Kingdom, where the rights are vested in the Crown.",
        kjv_marks: true,
    },
];

const SOURCE: &str = "Rust crate bible-lib 1.2.2 (MIT; texts as published by openbible.com), \
                      cleaned by Abide";

/// Builds the translation file of `t` from the source text.
pub(crate) fn build(t: &Bundled, text: &str) -> Result<Vec<u8>, String> {
    let v = Versification::kjv();
    let mut books: Vec<RawBook> = Vec::new();
    let mut book_name = String::new();
    let mut notes = Vec::new();
    let mut titles = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let err = |what: &str| format!("line {}: {what}: {line:?}", i + 1);
        let (head, body) = line
            .split_once(':')
            .ok_or_else(|| err("no chapter:verse"))?;
        let (name, chapter) = head.rsplit_once(' ').ok_or_else(|| err("no book name"))?;
        let (verse, body) = body.split_once(' ').unwrap_or((body, ""));
        let chapter: u16 = chapter.parse().map_err(|_| err("bad chapter"))?;
        let verse: u16 = verse.parse().map_err(|_| err("bad verse"))?;
        if name != book_name {
            book_name = name.to_owned();
            let number = u8::try_from(books.len() + 1).map_err(|_| err("too many books"))?;
            if number > 66 {
                return Err(err("more than 66 books"));
            }
            books.push(RawBook {
                number,
                verses: Vec::new(),
            });
        }
        let Some(book) = books.last_mut() else {
            return Err(err("no book"));
        };
        let id = BookId::from_number(book.number).ok_or_else(|| err("no book"))?;
        if !v
            .verse_count(id, chapter)
            .is_some_and(|n| verse >= 1 && verse <= n)
        {
            return Err(err("not in the KJV versification"));
        }
        let key =
            u32::from(book.number) * 1_000_000 + u32::from(chapter) * 1_000 + u32::from(verse);
        if book.verses.last().is_some_and(|last| last.key >= key) {
            if book.verses.last().is_some_and(|last| last.key == key) {
                continue; // the same verse twice (KJV Genesis 1:17)
            }
            return Err(err("verse out of order"));
        }
        let (mut text, red) = clean(body, t.kjv_marks);
        let mut verse_data = RawVerse {
            key,
            red,
            ..RawVerse::default()
        };
        if id.osis() == "Ps" && verse == 1 {
            // A heading the source's ASV carries before Psalm 135 (the 1901
            // text has none): not scripture, so it goes.
            if chapter == 135
                && t.id == "asv"
                && let Some(rest) = text.strip_prefix("Vanity of Idols. ")
            {
                text = rest.to_owned();
            }
            if let Some(rest) = text.strip_prefix("ALEPH. ") {
                verse_data.headings.push("ALEPH".to_owned());
                text = rest.to_owned();
            }
            if let Some((title, rest)) = split_title(&text) {
                verse_data.title = title;
                text = rest;
                titles += 1;
            }
        }
        verse_data.text = text;
        book.verses.push(verse_data);
    }
    if books.len() != 66 {
        return Err(format!("{} books, expected 66", books.len()));
    }
    // Absent verses: missing lines and lines without text.
    let mut absent = Vec::new();
    let mut count = 0u32;
    for book in &mut books {
        let id = BookId::from_number(book.number).ok_or("bad book")?;
        let mut present = std::collections::HashSet::new();
        for verse in &book.verses {
            if verse.text.is_empty() {
                continue;
            }
            present.insert(verse.key);
            count += 1;
        }
        book.verses.retain(|v| !v.text.is_empty());
        for chapter in v.first_chapter(id)..=v.last_chapter(id) {
            for verse in 1..=v.verse_count(id, chapter).unwrap_or(0) {
                let key = u32::from(book.number) * 1_000_000
                    + u32::from(chapter) * 1_000
                    + u32::from(verse);
                if !present.contains(&key) {
                    absent.push(key);
                }
            }
        }
    }
    notes.push(format!(
        "The source numbers psalm titles with verse 1; Abide shows {titles} of them as titles."
    ));
    if !absent.is_empty() {
        notes.push(format!(
            "{} verses of the KJV numbering have no text in this translation (listed as absent).",
            absent.len()
        ));
    }
    let meta = serde_json::json!({
        "id": t.id,
        "name": t.name,
        "abbreviation": t.abbreviation,
        "language": "en",
        "licence": "Public domain",
        "statement": t.statement,
        "source": SOURCE,
        "versification": "kjv",
        "versification_notes": notes,
        "absent": absent,
        "books": books.iter().filter_map(|b| BookId::from_number(b.number)).map(|b| b.osis()).collect::<Vec<_>>(),
        "verse_count": count,
        "bundled": true,
    });
    Ok(crate::store::write(&meta.to_string(), &books))
}

/// Cleans one verse: whitespace, brackets, red-letter marks, `[Selah`,
/// missing spaces. Returns the text and its words-of-Jesus byte spans.
fn clean(body: &str, kjv_marks: bool) -> (String, Vec<(u32, u32)>) {
    let body = body.trim().replace("[Selah", "Selah");
    let mut out = String::with_capacity(body.len());
    let mut red = Vec::new();
    let mut red_start: Option<usize> = None;
    let chars: Vec<char> = body.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '[' | ']' if kjv_marks => {}
            '‹' => red_start = Some(out.len()),
            '›' => {
                if let Some(s) = red_start.take() {
                    let e = out.trim_end().len();
                    if e > s {
                        red.push((s as u32, e as u32));
                    }
                }
            }
            c if c.is_whitespace() => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
                if red_start == Some(out.len() - 1) {
                    red_start = Some(out.len());
                }
            }
            c => {
                out.push(c);
                // "sea.And": a sentence mark glued to the next word.
                let prev = i.checked_sub(1).map(|p| chars[p]);
                let next = chars.get(i + 1).copied();
                if matches!(c, '.' | '?' | '!' | ';' | ':' | ',')
                    && prev.is_some_and(|p| p.is_lowercase())
                    && next.is_some_and(|n| n.is_uppercase() || n == '‹')
                {
                    out.push(' ');
                }
                if c == 'h' && out.ends_with("Selah") {
                    // `[Selah` at the end of a line of poetry: end it as a sentence.
                    let next_word = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                    if next_word.is_some_and(|n| n.is_uppercase()) {
                        out.push('.');
                    }
                }
            }
        }
    }
    if let Some(s) = red_start {
        let e = out.trim_end().len();
        if e > s {
            red.push((s as u32, e as u32));
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    if out.ends_with(" Selah") || out == "Selah" {
        out.push('.');
    }
    (out, red)
}

/// How psalm titles begin, in the ASV and the KJV.
const TITLE_STARTS: &[&str] = &[
    "A Psalm",
    "A psalm",
    "A Song",
    "A song",
    "A Prayer",
    "A prayer",
    "A Michtam",
    "Michtam",
    "Maschil",
    "Shiggaion",
    "For the Chief Musician",
    "For the chief Musician",
    "To the chief Musician",
    "To the Chief Musician",
    "Psalm of",
    "Song of",
    "Prayer of",
    "Of David",
    "David's",
    "Set to",
    "set to",
    "A Song of degrees",
    "A Song of Ascents",
];

/// Splits a psalm's title (superscription) from the text of its verse 1:
/// the leading sentences that read like a title ("For the Chief Musician.
/// A Psalm of David."), up to the first that does not.
fn split_title(text: &str) -> Option<(String, String)> {
    let is_title = |s: &str| TITLE_STARTS.iter().any(|t| s.starts_with(t));
    if !is_title(text) {
        return None;
    }
    // Sentences: cut after ". " when a capital follows.
    let mut cuts = Vec::new();
    for (p, _) in text.match_indices(". ") {
        if text[p + 2..].starts_with(|c: char| c.is_uppercase()) {
            cuts.push(p + 1);
        }
    }
    cuts.push(text.len());
    let mut end = 0;
    for cut in cuts {
        let sentence = text[end..cut].trim();
        if !is_title(sentence) {
            break;
        }
        // Psalm 18: "... from the hand of Saul: and he said, I love thee"
        if let Some(p) = sentence.find(" he said, ") {
            let at = text[..end].len() + (text[end..].len() - text[end..].trim_start().len()) + p;
            let cut = at + " he said,".len();
            end = cut;
            break;
        }
        // Psalm 145 (ASV): "A Psalm of praise; of David I will extol thee"
        if cut == text.len() {
            if let Some(p) = text[end..].find("; of David ") {
                let cut = end + p + "; of David".len();
                return Some((
                    format!("{}.", text[..cut].trim()),
                    text[cut..].trim().to_owned(),
                ));
            }
            break;
        }
        end = cut;
    }
    let rest = text[end..].trim();
    if end == 0 || rest.is_empty() {
        return None;
    }
    Some((text[..end].trim().to_owned(), rest.to_owned()))
}
