//! Book names and how they are found in text.
//!
//! A name is matched as a *base name* ("Corinthians", "Cor", "John", "Song of
//! Songs") with an optional *ordinal* before it ("1", "1st", "I", "First").
//! Base names live in two tries built once, one read forwards (to match a book
//! at a known position, e.g. after `;` in a sequence) and one read backwards
//! (to find the book that ends just before a chapter number, which is how the
//! extractor finds citations: it visits only the digits of the text).
//!
//! Matching is ASCII case-insensitive, and any run of whitespace in the text
//! matches the single space inside a name ("Song  of Songs").

use crate::canon::BookId;
use crate::text::{is_word_char_after, is_word_char_before, ws_len, ws_len_back};
use std::sync::LazyLock;

/// What a base name can mean.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NameInfo {
    /// The book the name means on its own ("John"), if any.
    pub(crate) plain: Option<BookId>,
    /// The books it means after the ordinals 1 to 4 ("1 John" .. ).
    pub(crate) numbered: [Option<BookId>; 4],
    /// The name is also an ordinary English word ("Mark", "Job", "Acts",
    /// "Numbers"); see [`crate::extract`] for the rules this triggers.
    pub(crate) prose: bool,
    /// The name counts in prose only with chapter *and* verse ("Song 3:2",
    /// never "Song 3").
    pub(crate) needs_verse: bool,
}

/// A book name found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BookMatch {
    pub(crate) book: BookId,
    /// Byte offset where the name starts (at the ordinal, if any).
    pub(crate) start: usize,
    /// Byte offset just after the name.
    pub(crate) end: usize,
    /// An ordinal was part of the match.
    pub(crate) numbered: bool,
    pub(crate) prose: bool,
    pub(crate) needs_verse: bool,
    /// The first letter of the base name was lower case.
    pub(crate) lowercase: bool,
    /// A lower-case name of one or two letters ("ex", "ph", "jn"): in prose
    /// these are other words ("pH 7.4") and never count.
    pub(crate) weak: bool,
}

const PROSE: u8 = 1;
const NEEDS_VERSE: u8 = 2;

/// `(names separated by '|', plain book, numbered books, flags)`.
/// Numbered entries list the OSIS ids for ordinals 1, 2, 3, 4.
type NameRow = (&'static str, &'static str, [&'static str; 4], u8);

const N: [&str; 4] = ["", "", "", ""];

#[rustfmt::skip]
static NAMES: &[NameRow] = &[
    ("genesis|gen|gn|ge", "Gen", N, 0),
    ("exodus|exod|exo|exd", "Exod", N, 0),
    ("ex", "Exod", N, PROSE),
    ("leviticus|lev|lv|levit", "Lev", N, 0),
    ("numbers|num|numb|nu|nm|nmb", "Num", N, PROSE),
    ("deuteronomy|deut|deu|dt|duet|deutronomy|dueteronomy|deuteronomey", "Deut", N, 0),
    ("joshua|josh|jos|jsh", "Josh", N, 0),
    ("judges|judg|jdg|jdgs|jg", "Judg", N, PROSE),
    ("ruth|rth|ru", "Ruth", N, 0),
    ("samuel|sam|sa|sm|saml", "", ["1Sam", "2Sam", "", ""], 0),
    ("kings|kgs|kg|ki|kin|kngs", "", ["1Kgs", "2Kgs", "", ""], 0),
    ("chronicles|chron|chr|chro|chronicle", "", ["1Chr", "2Chr", "", ""], 0),
    ("ezra|ezr", "Ezra", N, 0),
    ("nehemiah|neh|ne", "Neh", N, 0),
    ("esther|esth|est", "Esth", N, 0),
    ("job|jb", "Job", N, PROSE),
    ("psalms|psalm|ps|psa|pss|psm|pslm|psalam|pslams|psalmes", "Ps", N, 0),
    ("proverbs|proverb|prov|prv", "Prov", N, PROSE),
    ("ecclesiastes|eccl|eccles|ecc|eccle|qoheleth|qohelet|qoh|ecclesiates", "Eccl", N, 0),
    ("song of songs|song of solomon|song of sol|songs of solomon|canticles|canticle of canticles|cant|canticle", "Song", N, 0),
    ("song|songs|sos", "Song", N, PROSE | NEEDS_VERSE),
    ("isaiah|isa|isiah|isaih|isaia", "Isa", N, 0),
    ("jeremiah|jer|jere|jerem|jeremia", "Jer", N, 0),
    ("lamentations|lam|lament", "Lam", N, PROSE),
    ("ezekiel|ezek|eze|ezk|ezekial", "Ezek", N, 0),
    ("daniel|dan|dn", "Dan", N, 0),
    ("hosea|hos", "Hos", N, 0),
    ("joel", "Joel", N, 0),
    ("amos", "Amos", N, 0),
    ("obadiah|obad|ob|oba|obd", "Obad", N, 0),
    ("jonah|jon|jnh", "Jonah", N, 0),
    ("micah|mic", "Mic", N, 0),
    ("nahum|nah", "Nah", N, 0),
    ("habakkuk|hab|habakuk|habbakuk|habbakkuk", "Hab", N, 0),
    ("zephaniah|zeph|zep", "Zeph", N, 0),
    ("haggai|hag|hagai", "Hag", N, 0),
    ("zechariah|zech|zec|zachariah", "Zech", N, 0),
    ("malachi|mal", "Mal", N, 0),
    ("matthew|matt|mat|mt|mathew|matth", "Matt", N, 0),
    ("mark", "Mark", N, PROSE),
    ("mrk|mk", "Mark", N, 0),
    ("luke|luk|lk", "Luke", N, 0),
    ("john|jn|jhn|joh", "John", ["1John", "2John", "3John", ""], 0),
    ("acts|acts of the apostles", "Acts", N, PROSE),
    ("romans|rom|ro|rm|roman", "Rom", N, 0),
    ("corinthians|cor|co|corinthian|corin", "", ["1Cor", "2Cor", "", ""], 0),
    ("galatians|gal|ga|galations", "Gal", N, 0),
    ("ephesians|eph|ephes|ephesian", "Eph", N, 0),
    ("philippians|phil|php|phillipians|philipians|phillippians|philippian|ph", "Phil", N, 0),
    ("colossians|col|colosians|colossian", "Col", N, 0),
    ("thessalonians|thess|thes|th|thessalonian|thessa", "", ["1Thess", "2Thess", "", ""], 0),
    ("timothy|tim|ti|tm", "", ["1Tim", "2Tim", "", ""], 0),
    ("titus|tit", "Titus", N, 0),
    ("philemon|phlm|phm|philem|phile|phmn", "Phlm", N, 0),
    ("hebrews|heb|hebrew", "Heb", N, 0),
    ("james|jas|jm|jms", "Jas", N, 0),
    ("peter|pet|pe|pt|ptr", "", ["1Pet", "2Pet", "", ""], 0),
    ("jude|jud", "Jude", N, 0),
    ("revelation|revelations", "Rev", N, PROSE),
    ("rev|rv|apocalypse|apoc", "Rev", N, 0),
    ("tobit|tob", "Tob", N, 0),
    ("judith|jdt|jdth", "Jdt", N, 0),
    ("additions to esther|add esth|addesth|rest of esther|greek esther", "AddEsth", N, 0),
    ("wisdom of solomon|wis|wisd of sol", "Wis", N, 0),
    ("wisdom", "Wis", N, PROSE),
    ("sirach|ecclesiasticus|ecclus|ben sira|wisdom of ben sira", "Sir", N, 0),
    ("sir", "Sir", N, PROSE),
    ("baruch", "Bar", N, 0),
    ("bar", "Bar", N, PROSE),
    ("letter of jeremiah|epistle of jeremiah|ep jer|epjer|let jer", "EpJer", N, 0),
    ("prayer of azariah|pr azar|prazar|song of the three|song of three|song of the three holy children|song of the three young men", "PrAzar", N, 0),
    ("susanna|sus", "Sus", N, 0),
    ("bel and the dragon|bel", "Bel", N, 0),
    ("maccabees|macc|mac|maccabee", "", ["1Macc", "2Macc", "3Macc", "4Macc"], 0),
    ("prayer of manasseh|prayer of manasses|pr man|prman", "PrMan", N, 0),
    ("esdras|esd|esdr", "", ["1Esd", "2Esd", "", ""], 0),
];

/// Lower-case words that also mean something else in prose: where they
/// stand for a book they need chapter and verse (see [`crate::extract`]).
/// Kept apart from `NAMES` so the capitalised form stays an ordinary name.
static LOWERCASE_PROSE: &[&str] = &[
    "gal", "col", "mat", "hag", "nah", "lam", "tit", "pet", "rev", "dan", "jon", "ruth", "job",
];

const ALPHABET: usize = 27;
const SPACE: u8 = 26;

/// A trie over lower-case letters and a space, stored as a flat table.
struct Trie {
    /// `next[node * ALPHABET + symbol]`, 0 = no edge (node 0 is the root and
    /// never a target).
    next: Vec<u16>,
    /// Per node: index into `infos` + 1, or 0.
    value: Vec<u16>,
}

impl Trie {
    fn new() -> Self {
        Self {
            next: vec![0; ALPHABET],
            value: vec![0],
        }
    }

    fn insert(&mut self, symbols: impl Iterator<Item = u8>, value: u16) {
        let mut node = 0usize;
        for s in symbols {
            let slot = node * ALPHABET + usize::from(s);
            if self.next[slot] == 0 {
                let id = self.value.len();
                self.value.push(0);
                self.next.extend([0; ALPHABET]);
                self.next[slot] = u16::try_from(id).unwrap_or(u16::MAX);
            }
            node = usize::from(self.next[slot]);
        }
        if self.value[node] == 0 {
            self.value[node] = value;
        }
    }

    fn step(&self, node: usize, symbol: u8) -> usize {
        usize::from(self.next[node * ALPHABET + usize::from(symbol)])
    }
}

pub(crate) struct Names {
    infos: Vec<NameInfo>,
    forward: Trie,
    backward: Trie,
}

fn symbol(b: u8) -> Option<u8> {
    match b {
        b'a'..=b'z' => Some(b - b'a'),
        b'A'..=b'Z' => Some(b - b'A'),
        _ => None,
    }
}

fn name_symbols(name: &str) -> impl DoubleEndedIterator<Item = u8> + '_ {
    name.bytes().map(|b| symbol(b).unwrap_or(SPACE))
}

fn osis_id(osis: &str) -> Option<BookId> {
    if osis.is_empty() {
        None
    } else {
        // The table above is checked by a unit test; an unknown id is a bug.
        BookId::from_osis(osis)
    }
}

impl Names {
    fn build() -> Self {
        let mut names = Self {
            infos: Vec::new(),
            forward: Trie::new(),
            backward: Trie::new(),
        };
        for &(list, plain, numbered, flags) in NAMES {
            let info = NameInfo {
                plain: osis_id(plain),
                numbered: numbered.map(osis_id),
                prose: flags & PROSE != 0,
                needs_verse: flags & NEEDS_VERSE != 0,
            };
            names.infos.push(info);
            let value = u16::try_from(names.infos.len()).unwrap_or(u16::MAX);
            for name in list.split('|') {
                names.forward.insert(name_symbols(name), value);
                names.backward.insert(name_symbols(name).rev(), value);
            }
        }
        names
    }

    fn info(&self, value: u16) -> NameInfo {
        self.infos[usize::from(value) - 1]
    }
}

static NAME_TABLE: LazyLock<Names> = LazyLock::new(Names::build);

/// Force the tables to be built (e.g. before timing).
pub(crate) fn init() {
    LazyLock::force(&NAME_TABLE);
}

/// Walks a name forwards from `start`; returns the info and end of the
/// longest name whose end is a word boundary.
fn base_forward(text: &str, start: usize) -> Option<(NameInfo, usize)> {
    let names = &*NAME_TABLE;
    let bytes = text.as_bytes();
    let mut node = 0usize;
    let mut i = start;
    let mut best = None;
    while let Some(&b) = bytes.get(i) {
        let (sym, len) = match symbol(b) {
            Some(s) => (s, 1),
            None => match ws_len(bytes, i) {
                0 => break,
                _ => (SPACE, ws_run(bytes, i)),
            },
        };
        node = names.forward.step(node, sym);
        if node == 0 {
            break;
        }
        i += len;
        let value = names.forward.value[node];
        if value != 0 && sym != SPACE && !is_word_char_after(text, i) {
            best = Some((names.info(value), i));
        }
    }
    best
}

fn ws_run(bytes: &[u8], mut i: usize) -> usize {
    let start = i;
    loop {
        let n = ws_len(bytes, i);
        if n == 0 {
            return i - start;
        }
        i += n;
    }
}

fn ws_run_back(bytes: &[u8], mut i: usize) -> usize {
    let end = i;
    loop {
        let n = ws_len_back(bytes, i);
        if n == 0 {
            return end - i;
        }
        i -= n;
    }
}

/// Walks a name backwards from `end` (exclusive), not going before `floor`;
/// returns every (info, start) whose start is a word boundary, longest last.
fn base_backward(text: &str, end: usize, floor: usize, out: &mut [(NameInfo, usize); 4]) -> usize {
    let names = &*NAME_TABLE;
    let bytes = text.as_bytes();
    let mut node = 0usize;
    let mut i = end;
    let mut found = 0;
    while i > floor {
        let (sym, len) = match symbol(bytes[i - 1]) {
            Some(s) => (s, 1),
            None => match ws_len_back(bytes, i) {
                0 => break,
                _ => (SPACE, ws_run_back(bytes, i)),
            },
        };
        if i - len < floor {
            break;
        }
        node = names.backward.step(node, sym);
        if node == 0 {
            break;
        }
        i -= len;
        let value = names.backward.value[node];
        // A digit may touch the name ("1Cor"); `book_before` then insists
        // that it is an ordinal.
        let letter_before = i > 0 && bytes[i - 1].is_ascii_alphabetic()
            || (i > 0 && !bytes[i - 1].is_ascii() && is_word_char_before(text, i));
        if value != 0 && sym != SPACE && !letter_before {
            if found == out.len() {
                out.rotate_left(1);
                found -= 1;
            }
            out[found] = (names.info(value), i);
            found += 1;
        }
    }
    found
}

/// Parses an ordinal at `start`: `1`..`4`, `1st`.., `I`..`IV`, `First`..;
/// returns the number and the end of the ordinal *including* the whitespace
/// after it (which roman and word ordinals require).
fn ordinal_forward(text: &str, start: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if is_word_char_before(text, start) {
        return None;
    }
    let mut word_end = start;
    while word_end < bytes.len() && bytes[word_end].is_ascii_alphanumeric() {
        word_end += 1;
    }
    let word = &text[start..word_end];
    // A digit ordinal may touch the name ("1Cor"), so it is its first digit.
    if let Some(&d @ b'1'..=b'4') = bytes.get(start)
        && !bytes.get(start + 1).is_some_and(u8::is_ascii_digit)
    {
        let n = usize::from(d - b'0');
        let after_digit = start + 1;
        let suffix = &text[after_digit..word_end];
        if suffix.eq_ignore_ascii_case(ordinal_suffix(n)) {
            let ws = ws_run(bytes, word_end);
            return (ws > 0).then_some((n, word_end + ws));
        }
        return Some((n, after_digit + ws_run(bytes, after_digit)));
    }
    let n = ordinal_word(word)?;
    let ws = ws_run(bytes, word_end);
    (ws > 0).then_some((n, word_end + ws))
}

fn ordinal_suffix(n: usize) -> &'static str {
    match n {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    }
}

fn ordinal_word(word: &str) -> Option<usize> {
    const WORDS: [[&str; 2]; 4] = [
        ["i", "first"],
        ["ii", "second"],
        ["iii", "third"],
        ["iv", "fourth"],
    ];
    WORDS
        .iter()
        .position(|forms| forms.iter().any(|f| word.eq_ignore_ascii_case(f)))
        .map(|i| i + 1)
}

/// Parses an ordinal that ends at `end` (exclusive; whitespace between it and
/// the name already included); returns the number and its start.
fn ordinal_backward(text: &str, end: usize, floor: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let ws = ws_run_back(bytes, end);
    let word_end = end - ws;
    let mut word_start = word_end;
    while word_start > floor && bytes[word_start - 1].is_ascii_alphanumeric() {
        word_start -= 1;
    }
    if word_start == word_end || is_word_char_before(text, word_start) {
        return None;
    }
    let word = &text[word_start..word_end];
    let n = match word.as_bytes() {
        [d @ b'1'..=b'4'] => usize::from(d - b'0'),
        [d @ b'1'..=b'4', rest @ ..] => {
            let n = usize::from(d - b'0');
            let suffix = std::str::from_utf8(rest).ok()?;
            if !suffix.eq_ignore_ascii_case(ordinal_suffix(n)) || ws == 0 {
                return None;
            }
            n
        }
        _ if ws > 0 => ordinal_word(word)?,
        _ => return None,
    };
    Some((n, word_start))
}

fn lowercase_prose(text: &str) -> bool {
    LOWERCASE_PROSE.iter().any(|w| w.eq_ignore_ascii_case(text))
}

fn resolve(
    text: &str,
    info: NameInfo,
    name_start: usize,
    name_end: usize,
    ordinal: Option<(usize, usize)>,
) -> Option<BookMatch> {
    let first = text.as_bytes()[name_start];
    let lowercase = first.is_ascii_lowercase();
    let mk = |book, start, numbered| BookMatch {
        book,
        start,
        end: name_end,
        numbered,
        prose: !numbered
            && (info.prose || (lowercase && lowercase_prose(&text[name_start..name_end]))),
        needs_verse: !numbered && info.needs_verse,
        lowercase,
        weak: !numbered && lowercase && name_end - name_start <= 2,
    };
    if let Some((n, start)) = ordinal
        && let Some(book) = info.numbered[n - 1]
    {
        return Some(mk(book, start, true));
    }
    info.plain.map(|book| mk(book, name_start, false))
}

/// The book name (with its ordinal) that starts exactly at `start`.
pub(crate) fn book_at(text: &str, start: usize) -> Option<BookMatch> {
    if is_word_char_before(text, start) {
        return None;
    }
    if let Some((n, name_start)) = ordinal_forward(text, start)
        && let Some((info, end)) = base_forward(text, name_start)
        && let Some(m) = resolve(text, info, name_start, end, Some((n, start)))
        && m.numbered
    {
        return Some(m);
    }
    let (info, end) = base_forward(text, start)?;
    resolve(text, info, start, end, None)
}

/// The book name that ends exactly at `end`, starting at or after `floor`.
/// Of several names ending there the longest wins ("Song of Songs" over
/// "Songs", "1 John" over "John").
pub(crate) fn book_before(text: &str, end: usize, floor: usize) -> Option<BookMatch> {
    let mut found = [(
        NameInfo {
            plain: None,
            numbered: [None; 4],
            prose: false,
            needs_verse: false,
        },
        0,
    ); 4];
    let count = base_backward(text, end, floor, &mut found);
    for &(info, name_start) in found[..count].iter().rev() {
        let ordinal = ordinal_backward(text, name_start, floor);
        let glued = is_word_char_before(text, name_start);
        if let Some(m) = resolve(text, info, name_start, end, ordinal)
            && (m.numbered || !glued)
        {
            return Some(m);
        }
    }
    None
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn every_osis_id_in_the_name_table_exists() {
        for &(list, plain, numbered, _) in NAMES {
            for id in std::iter::once(plain).chain(numbered) {
                assert!(
                    id.is_empty() || BookId::from_osis(id).is_some(),
                    "{list}: {id}"
                );
            }
        }
    }

    #[test]
    fn every_book_has_a_name() {
        for book in BookId::all() {
            if book.osis() == "Ps151" {
                continue; // reached as Psalm 151
            }
            let found = NAMES.iter().any(|&(_, plain, numbered, _)| {
                plain == book.osis() || numbered.contains(&book.osis())
            });
            assert!(found, "{book}");
        }
    }

    #[test]
    fn backwards_prefers_the_longest_name() {
        let text = "read 1 John 3";
        let m = book_before(text, 11, 0).unwrap();
        assert_eq!((m.book.osis(), m.start), ("1John", 5));
        let text = "Song of Songs 2";
        let m = book_before(text, 13, 0).unwrap();
        assert_eq!((m.book.osis(), m.start, m.needs_verse), ("Song", 0, false));
    }

    #[test]
    fn forwards_matches_ordinals() {
        for (text, osis) in [
            ("1 Cor 13", "1Cor"),
            ("1Cor 13", "1Cor"),
            ("I Cor 13", "1Cor"),
            ("II Kings 2", "2Kgs"),
            ("First Corinthians 13", "1Cor"),
            ("3rd John 4", "3John"),
            ("John 3", "John"),
        ] {
            assert_eq!(book_at(text, 0).unwrap().book.osis(), osis, "{text}");
        }
        assert!(book_at("Johnson 3", 0).is_none());
        assert!(book_at("Kings 3", 0).is_none());
    }
}
