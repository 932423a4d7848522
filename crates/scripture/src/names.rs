//! Book names and how they are found in text.
//!
//! The names are data, in `crates/scripture/data/` (its README says how each
//! file is made): `book-names.txt`, written by this project, and
//! `bcv-names.txt`, the names another parser accepts. A name is matched as a
//! *base name* ("Corinthians", "Cor", "John", "Song of Songs") with an
//! optional *ordinal* before it, in any written form ("1", "1st", "1st.",
//! "I", "First", "SECOND"), and optionally a prefix ("The Gospel according
//! to St." before a gospel). Base names live in two tries built once, one
//! read forwards (to match a book at a known position, e.g. after `;` in a
//! sequence) and one read backwards (to find the book that ends just before a
//! chapter number, which is how the extractor finds citations: it visits only
//! the digits of the text).
//!
//! Matching is ASCII case-insensitive, and any run of whitespace in the text
//! matches the single space inside a name ("Song  of Songs").
//!
//! # Tolerant matching
//!
//! When no name ends before a number, [`tolerant_before`] looks for a
//! misspelled one: the words before the number against this project's names
//! of five letters or more (shorter names stay exact), by Damerau–Levenshtein
//! distance (drop, add, change or swap a letter): at most one edit for names of
//! five to seven letters, two from eight. It gives up when two books are
//! equally near, and never takes an English word or a person's name for a
//! book (except after the book's ordinal: "1 Kongs 17:21"):
//! `data/lookalikes.txt` lists the dictionary words within reach of a name
//! ("Games", "Either", "Daniels"). A name misspelled is also a word "of" may
//! follow ("Numbers 4 of the list"), and needs chapter and verse when it is
//! shorter than seven letters or written in lower case (see `extract.rs`).

use crate::canon::{BookId, Versification};
use crate::text::{is_word_char_after, is_word_char_before, ws_len, ws_len_back};
use std::sync::LazyLock;

/// This project's names (see `data/README.md`).
const BOOK_NAMES: &str = include_str!("../data/book-names.txt");
/// bible-passage-reference-parser's English names that `BOOK_NAMES` lacks.
const BCV_NAMES: &str = include_str!("../data/bcv-names.txt");
/// Dictionary words within tolerant reach of a name.
const LOOKALIKES: &str = include_str!("../data/lookalikes.txt");

/// What a base name can mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NameInfo {
    /// The book the name means on its own ("John"), if any.
    pub(crate) plain: Option<BookId>,
    /// The books it means after the ordinals 1 to 4 ("1 John" .. ).
    pub(crate) numbered: [Option<BookId>; 4],
    /// The name is also an ordinary English word ("Mark", "Job", "Acts").
    prose: bool,
    /// In lower case the name is an English word ("gal", "col").
    lower: bool,
    /// The name counts in prose only with chapter *and* verse ("Song 3:2").
    verse: bool,
    /// Never a target of tolerant matching.
    exact: bool,
}

impl NameInfo {
    const NONE: Self = Self {
        plain: None,
        numbered: [None; 4],
        prose: false,
        lower: false,
        verse: false,
        exact: false,
    };

    /// Whether two names mean the same books.
    fn same_books(&self, other: &Self) -> bool {
        self.plain == other.plain && self.numbered == other.numbered
    }
}

/// A book name found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BookMatch {
    pub(crate) book: BookId,
    /// Byte offset where the name starts (at the ordinal or prefix, if any).
    pub(crate) start: usize,
    /// Byte offset just after the name.
    pub(crate) end: usize,
    /// An ordinal was part of the match.
    pub(crate) numbered: bool,
    /// With only a chapter the name is no citation when "of" follows
    /// ("Numbers 4 of the list", "Acts 2 of the play").
    pub(crate) prose: bool,
    /// The name counts in prose only with chapter and verse ("Song 3:2").
    pub(crate) needs_verse: bool,
    /// Written in lower case, the name is an English word or misspelled
    /// ("acts", "gal", "ecclesiastis"): it needs chapter and verse in prose.
    pub(crate) lower_word: bool,
    /// A lower-case name of one or two letters ("ex", "ph", "jn"): in prose
    /// these are other words ("pH 7.4") and never count.
    pub(crate) weak: bool,
    /// The name was misspelled (matched tolerantly).
    pub(crate) tolerant: bool,
}

/// `a`..`z`, a space (any run of whitespace in the text) and `.`.
const ALPHABET: usize = 28;
const SPACE: u8 = 26;
const DOT: u8 = 27;

/// A trie over the symbols above, stored as a flat table.
struct Trie {
    /// `next[node * ALPHABET + symbol]`, 0 = no edge (node 0 is the root and
    /// never a target).
    next: Vec<u16>,
    /// Per node: a value + 1, or 0.
    value: Vec<u16>,
}

impl Trie {
    fn new() -> Self {
        Self {
            next: vec![0; ALPHABET],
            value: vec![0],
        }
    }

    /// Inserts a name; the first value given for a name stays. Returns false
    /// when the table is full (a unit test checks that it never is).
    fn insert(&mut self, symbols: impl Iterator<Item = u8>, value: u16) -> bool {
        let mut node = 0usize;
        for s in symbols {
            let slot = node * ALPHABET + usize::from(s);
            if self.next[slot] == 0 {
                let Ok(id) = u16::try_from(self.value.len()) else {
                    return false;
                };
                self.value.push(0);
                self.next.extend([0; ALPHABET]);
                self.next[slot] = id;
            }
            node = usize::from(self.next[slot]);
        }
        if self.value[node] == 0 {
            self.value[node] = value;
        }
        true
    }

    fn step(&self, node: usize, symbol: u8) -> usize {
        usize::from(self.next[node * ALPHABET + usize::from(symbol)])
    }

    /// The value of the name that is exactly `symbols`.
    fn get(&self, symbols: impl Iterator<Item = u8>) -> Option<u16> {
        let mut node = 0;
        for s in symbols {
            node = self.step(node, s);
            if node == 0 {
                return None;
            }
        }
        self.value[node].checked_sub(1)
    }
}

/// A name that misspellings are measured against.
struct Target {
    /// Lower case, single spaces.
    name: &'static str,
    words: usize,
    /// How many letters it has (spaces and periods not counted).
    length: usize,
    /// The edits a misspelling of it may have.
    allowed: usize,
    /// Which letters occur in it (bit 0 = `a`): a cheap first test.
    letters: u32,
    /// The letters among its first two and first three characters.
    heads: [u32; 2],
    /// Its plain book has one chapter (Obadiah, Philemon, Jude, ...).
    one_chapter: bool,
    /// Index into `Names::infos`.
    info: u16,
}

/// The most words a tolerant match looks back over ("song of the three holy
/// children" has six).
const MAX_WORDS: usize = 6;
/// The longest name, in bytes, that tolerant matching handles.
const MAX_TOLERANT_LEN: usize = 48;

pub(crate) struct Names {
    infos: Vec<NameInfo>,
    forward: Trie,
    backward: Trie,
    /// Prefixes read backwards; values index `prefix_books`.
    prefixes: Trie,
    /// Per prefix row: the books (bit = book number) it may stand before.
    prefix_books: Vec<u128>,
    /// Sorted by word count, then letter count.
    targets: Vec<Target>,
    /// `shapes[words][letters]`: the range of `targets` of that shape.
    shapes: Vec<Vec<std::ops::Range<usize>>>,
    /// The last words of targets of several words, with their letter sets.
    tails: Vec<(&'static str, u32)>,
    /// The words before those ("of" in "letter of jeremiah").
    penults: Vec<&'static str>,
    /// The books in some row of prefixes (bit = book number).
    prefixed_books: u128,
    /// The books whose names end a target of several words ("Jeremiah" of
    /// "Letter of Jeremiah"; bit = book number).
    tail_books: u128,
    /// Sorted.
    lookalikes: Vec<&'static str>,
}

fn symbol(b: u8) -> Option<u8> {
    match b {
        b'a'..=b'z' => Some(b - b'a'),
        b'A'..=b'Z' => Some(b - b'A'),
        b'.' => Some(DOT),
        _ => None,
    }
}

fn name_symbols(name: &str) -> impl DoubleEndedIterator<Item = u8> + '_ {
    name.bytes().map(|b| symbol(b).unwrap_or(SPACE))
}

/// One row of a names file.
#[derive(Debug)]
enum Row<'a> {
    Names { info: NameInfo, names: &'a str },
    Prefix { books: u128, names: &'a str },
}

/// Parses one line of a names file; `Ok(None)` for comments and blank lines.
fn parse_row(line: &str) -> Result<Option<Row<'_>>, String> {
    if line.trim().is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let mut columns = line.split('\t');
    let (Some(books), Some(flags), Some(names), None) = (
        columns.next(),
        columns.next(),
        columns.next(),
        columns.next(),
    ) else {
        return Err(format!("not three tab-separated columns: {line:?}"));
    };
    // A prefix may end with a period ("st."); a name may not.
    let prefix = books == "prefix";
    let valid_name = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b' ' || b == b'.')
            && !n.starts_with([' ', '.'])
            && !n.ends_with(' ')
            && (prefix || !n.ends_with('.'))
            && !n.contains("  ")
    };
    if let Some(bad) = names.split('|').find(|n| !valid_name(n)) {
        return Err(format!("bad name {bad:?} in {line:?}"));
    }
    if prefix {
        let mut set = 0u128;
        for osis in flags.split(' ') {
            let book = BookId::from_osis(osis).ok_or_else(|| format!("unknown book {osis}"))?;
            set |= 1 << book.number();
        }
        return Ok(Some(Row::Prefix { books: set, names }));
    }
    let mut info = NameInfo::NONE;
    for item in books.split(' ') {
        let (slot, osis) = match item.split_once('=') {
            Some((n, osis)) => match n {
                "1" | "2" | "3" | "4" => (n.as_bytes()[0] - b'0', osis),
                _ => return Err(format!("bad ordinal in {item:?}")),
            },
            None => (0, item),
        };
        let book = BookId::from_osis(osis).ok_or_else(|| format!("unknown book {osis:?}"))?;
        match slot {
            0 => info.plain = Some(book),
            n => info.numbered[usize::from(n - 1)] = Some(book),
        }
    }
    for flag in flags.split(',') {
        match flag {
            "-" => {}
            "prose" => info.prose = true,
            "lower" => info.lower = true,
            "verse" => info.verse = true,
            "exact" => info.exact = true,
            _ => return Err(format!("unknown flag {flag:?}")),
        }
    }
    Ok(Some(Row::Names { info, names }))
}

/// Letters of `name` as a bit set (bit 0 = `a`).
fn letter_set(name: &[u8]) -> u32 {
    name.iter()
        .filter(|b| b.is_ascii_lowercase())
        .fold(0, |set, b| set | 1 << (b - b'a'))
}

/// The letters among the first `edits + 1` characters of `name`.
fn head_set(name: &[u8], edits: usize) -> u32 {
    letter_set(&name[..name.len().min(edits + 1)])
}

fn letter_count(name: &[u8]) -> usize {
    name.iter().filter(|b| b.is_ascii_alphabetic()).count()
}

/// The edits a misspelling of a name of `letters` letters may have.
fn max_edits(letters: usize) -> usize {
    match letters {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

impl Names {
    fn build() -> Self {
        let mut names = Self {
            infos: Vec::new(),
            forward: Trie::new(),
            backward: Trie::new(),
            prefixes: Trie::new(),
            prefix_books: Vec::new(),
            targets: Vec::new(),
            shapes: Vec::new(),
            tails: Vec::new(),
            penults: Vec::new(),
            prefixed_books: 0,
            tail_books: 0,
            lookalikes: Vec::new(),
        };
        for (file, source) in [(BOOK_NAMES, true), (BCV_NAMES, false)] {
            // Rows that do not parse are reported by a unit test; skipping
            // them keeps a bad edit of the data from taking the server down.
            for row in file.lines().filter_map(|l| parse_row(l).ok().flatten()) {
                names.add(row, source);
            }
        }
        names.lookalikes = LOOKALIKES
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        names.lookalikes.sort_unstable();
        names.prefixed_books = names.prefix_books.iter().fold(0, |all, b| all | b);
        for t in &names.targets {
            if let Some((head, tail)) = t.name.rsplit_once(' ') {
                if !names.tails.iter().any(|&(w, _)| w == tail) {
                    names.tails.push((tail, letter_set(tail.as_bytes())));
                }
                let penult = head.rsplit(' ').next().unwrap_or(head);
                if !names.penults.contains(&penult) {
                    names.penults.push(penult);
                }
                if let Some(value) = names.forward.get(name_symbols(tail))
                    && let Some(book) = names.info(value + 1).plain
                {
                    names.tail_books |= 1 << book.number();
                }
            }
        }
        names.targets.sort_by_key(|t| (t.words, t.length));
        let shape = |t: &Target| (t.words, t.length);
        let longest = names.targets.iter().map(|t| shape(t).1).max().unwrap_or(0);
        names.shapes = vec![vec![0..0; longest + 1]; MAX_WORDS + 1];
        for (i, t) in names.targets.iter().enumerate() {
            let (w, l) = shape(t);
            let r = &mut names.shapes[w][l];
            if r.start == r.end {
                *r = i..i + 1;
            } else {
                r.end = i + 1;
            }
        }
        // Empty ranges sit where the next shape starts, so that a span of
        // letter counts is one range of `targets`.
        for w in 0..names.shapes.len() {
            let mut next = names.targets.partition_point(|t| t.words <= w);
            for r in names.shapes[w].iter_mut().rev() {
                if r.start == r.end {
                    *r = next..next;
                }
                next = r.start;
            }
        }
        names
    }

    /// Whether the word before `start` may be the word before the last of a
    /// target of several words ("of", "to"), misspelled by one letter at most.
    fn after_a_penult(&self, text: &str, start: usize, floor: usize) -> bool {
        let bytes = text.as_bytes();
        let end = start - ws_run_back(bytes, start);
        if end == start || end <= floor {
            return false;
        }
        let mut word = [0u8; 8];
        let mut i = end;
        while i > floor && bytes[i - 1].is_ascii_alphabetic() {
            i -= 1;
            if end - i > word.len() {
                return false;
            }
        }
        for (slot, b) in word.iter_mut().zip(&bytes[i..end]) {
            *slot = b.to_ascii_lowercase();
        }
        let word = &word[..end - i];
        !word.is_empty()
            && self
                .penults
                .iter()
                .any(|p| osa_distance(word, p.as_bytes(), 1).is_some())
    }

    /// Whether `word` (lower case) may be the last word of a target of
    /// several words, misspelled: only then are phrases worth measuring.
    fn near_a_tail(&self, word: &[u8]) -> bool {
        let set = letter_set(word);
        self.tails.iter().any(|&(tail, letters)| {
            let allowed = max_edits(tail.len());
            word.len().abs_diff(tail.len()) <= allowed
                && (set ^ letters).count_ones() as usize <= 2 * allowed
                && osa_distance(word, tail.as_bytes(), allowed).is_some()
        })
    }

    /// Adds a row; `ours` rows give the targets of tolerant matching.
    fn add(&mut self, row: Row<'static>, ours: bool) {
        match row {
            Row::Prefix { books, names } => {
                self.prefix_books.push(books);
                let value = u16::try_from(self.prefix_books.len()).unwrap_or(u16::MAX);
                for name in names.split('|') {
                    self.prefixes.insert(name_symbols(name).rev(), value);
                }
            }
            Row::Names { info, names } => {
                self.infos.push(info);
                let index = self.infos.len() - 1;
                let value = u16::try_from(self.infos.len()).unwrap_or(u16::MAX);
                for name in names.split('|') {
                    if self.forward.get(name_symbols(name)).is_some() {
                        continue; // an earlier row gave it
                    }
                    self.forward.insert(name_symbols(name), value);
                    self.backward.insert(name_symbols(name).rev(), value);
                    let letters = letter_count(name.as_bytes());
                    if ours
                        && !info.exact
                        && max_edits(letters) > 0
                        && name.len() <= MAX_TOLERANT_LEN
                    {
                        self.targets.push(Target {
                            name,
                            words: name.split(' ').count(),
                            length: letters,
                            allowed: max_edits(letters),
                            letters: letter_set(name.as_bytes()),
                            heads: [head_set(name.as_bytes(), 1), head_set(name.as_bytes(), 2)],
                            one_chapter: info
                                .plain
                                .is_some_and(|b| Versification::kjv().is_single_chapter(b)),
                            info: u16::try_from(index).unwrap_or(u16::MAX),
                        });
                    }
                }
            }
        }
    }

    fn info(&self, value: u16) -> NameInfo {
        self.infos
            .get(usize::from(value).wrapping_sub(1))
            .copied()
            .unwrap_or(NameInfo::NONE)
    }

    fn is_lookalike(&self, word: &[u8]) -> bool {
        self.lookalikes
            .binary_search_by(|w| w.as_bytes().cmp(word))
            .is_ok()
    }

    /// The name nearest to `query` (lower case, single spaces, `words`
    /// words) within the edits its length allows, if exactly one book is
    /// that near. Returns the info, the distance and the name's letter count.
    fn nearest(
        &self,
        query: &[u8],
        words: usize,
        one_chapter_only: bool,
    ) -> Option<(NameInfo, usize, usize)> {
        let q_letters = letter_count(query);
        let q_set = letter_set(query);
        let mut best: Option<(NameInfo, usize, usize)> = None;
        let mut tie = false;
        // The first k + 1 letters of a name and of its misspelling with k
        // edits share a letter.
        let heads = [head_set(query, 1), head_set(query, 2)];
        let shapes = self.shapes.get(words).map_or(&[][..], |s| &s[..]);
        let from = q_letters.saturating_sub(2).min(shapes.len());
        let to = (q_letters + 3).min(shapes.len());
        let range =
            shapes.get(from).map_or(0, |r| r.start)..shapes.get(to - 1).map_or(0, |r| r.end);
        for t in self.targets.get(range).unwrap_or(&[]) {
            if one_chapter_only && !t.one_chapter {
                continue;
            }
            let (t_letters, allowed) = (t.length, t.allowed);
            // Every edit changes the letter count by at most one and the set
            // of letters present by at most two.
            if (q_set ^ t.letters).count_ones() as usize > 2 * allowed
                || q_letters.abs_diff(t_letters) > allowed
                || heads[allowed - 1] & t.heads[allowed - 1] == 0
            {
                continue;
            }
            // A name and an "s" is a plural or a surname (Joshuas,
            // Daniels), not a misspelling ("Romanss" is one).
            if query.strip_suffix(b"s") == Some(t.name.as_bytes()) && !t.name.ends_with('s') {
                continue;
            }
            let Some(d) = osa_distance(query, t.name.as_bytes(), allowed) else {
                continue;
            };
            let info = self.info(t.info + 1);
            match best {
                Some((b, bd, _)) if d > bd || (d == bd && b.same_books(&info)) => {}
                Some((b, bd, _)) if d == bd && !b.same_books(&info) => tie = true,
                _ => {
                    best = Some((info, d, t_letters));
                    tie = false;
                }
            }
        }
        best.filter(|_| !tie)
    }
}

/// The optimal-string-alignment distance (Damerau–Levenshtein with adjacent
/// swaps) between `a` and `b`, if it is at most `max`. Only the diagonal band
/// of width `2 * max + 1` is computed: cells outside it exceed `max`.
fn osa_distance(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    const W: usize = MAX_TOLERANT_LEN + 2;
    const FAR: u8 = u8::MAX / 2;
    if a == b {
        return Some(0);
    }
    let (n, m) = (a.len(), b.len());
    if n + 1 >= W || m + 1 >= W || n.abs_diff(m) > max {
        return None;
    }
    // Rows i-2, i-1 and i of the dynamic programme, in turn; cells never
    // written stay FAR.
    let mut rows = [[FAR; W]; 3];
    let (mut before, mut last, mut cur) = (2, 0, 1);
    for (j, cell) in (0u8..).zip(rows[last].iter_mut().take(m.min(max) + 1)) {
        *cell = j;
    }
    for i in 1..=n {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(m);
        // The cell left of the band: column 0, or out of reach.
        rows[cur][lo - 1] = if lo == 1 {
            u8::try_from(i).unwrap_or(FAR)
        } else {
            FAR
        };
        let mut row_min = rows[cur][lo - 1];
        for j in lo..=hi {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[last][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[last][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[before][j - 2] + 1);
            }
            rows[cur][j] = d.min(FAR);
            row_min = row_min.min(d);
        }
        if usize::from(row_min) > max {
            return None;
        }
        (before, last, cur) = (last, cur, before);
    }
    let d = usize::from(rows[last][m]);
    (d <= max).then_some(d)
}

static NAME_TABLE: LazyLock<Names> = LazyLock::new(Names::build);

/// Force the tables to be built (e.g. before timing).
pub(crate) fn init() {
    LazyLock::force(&NAME_TABLE);
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

/// Walks a name backwards from `end` (exclusive), not going before `floor`;
/// fills `out` with every (info, start) whose start is a word boundary,
/// longest last, and returns how many.
fn base_backward(text: &str, end: usize, floor: usize, out: &mut [(NameInfo, usize); 4]) -> usize {
    walk_backward(
        &NAME_TABLE.backward,
        text,
        end,
        floor,
        |value, start, found| {
            let info = NAME_TABLE.info(value);
            if found == out.len() {
                out.rotate_left(1);
                out[found - 1] = (info, start);
                found
            } else {
                out[found] = (info, start);
                found + 1
            }
        },
    )
}

/// Walks `trie` backwards from `end`; calls `hit(value, start, found)` for
/// every name that starts at a word boundary and returns the last `found`.
fn walk_backward(
    trie: &Trie,
    text: &str,
    end: usize,
    floor: usize,
    mut hit: impl FnMut(u16, usize, usize) -> usize,
) -> usize {
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
        node = trie.step(node, sym);
        if node == 0 {
            break;
        }
        i -= len;
        let value = trie.value[node];
        // A digit may touch the name ("1Cor"); `book_before` then insists
        // that it is an ordinal.
        let letter_before = i > 0 && bytes[i - 1].is_ascii_alphabetic()
            || (i > 0 && !bytes[i - 1].is_ascii() && is_word_char_before(text, i));
        if value != 0 && sym != SPACE && !letter_before {
            found = hit(value, i, found);
        }
    }
    found
}

/// How an ordinal was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OrdinalForm {
    /// `1`, `2`, ...
    Digit,
    /// `1st`, `2ND`, ...
    Suffix,
    /// `I`, `II`, ...
    Roman,
    /// `First`, `SECOND`, ...
    Word,
}

/// An ordinal before a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ordinal {
    n: usize,
    start: usize,
    form: OrdinalForm,
    /// A period followed it ("1st. Kings", "II. Chronicles").
    dotted: bool,
}

impl Ordinal {
    /// Whether the ordinal may stand before a name that also means a book on
    /// its own. "1. John 3:16" and "I. John 3:16" are items of a numbered
    /// list or an outline as often as they are 1 John: only "1st.",
    /// "First." and the like are taken as ordinals there.
    fn fits(&self, info: &NameInfo) -> bool {
        !(self.dotted
            && matches!(self.form, OrdinalForm::Digit | OrdinalForm::Roman)
            && info.plain.is_some())
    }
}

fn ordinal_suffix(n: usize) -> &'static str {
    match n {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    }
}

fn ordinal_word(word: &str) -> Option<(usize, OrdinalForm)> {
    // Most words before a name are no ordinal: a cheap no first.
    if word.len() > 6
        || !matches!(
            word.as_bytes().first(),
            Some(b'i' | b'I' | b'f' | b'F' | b's' | b'S' | b't' | b'T')
        )
    {
        return None;
    }
    const WORDS: [[&str; 2]; 4] = [
        ["i", "first"],
        ["ii", "second"],
        ["iii", "third"],
        ["iv", "fourth"],
    ];
    WORDS
        .iter()
        .enumerate()
        .find_map(|(i, [roman, word_form])| {
            if word.eq_ignore_ascii_case(roman) {
                Some((i + 1, OrdinalForm::Roman))
            } else if word.eq_ignore_ascii_case(word_form) {
                Some((i + 1, OrdinalForm::Word))
            } else {
                None
            }
        })
}

/// Reads an ordinal word: `1`..`4`, `1st`.., `I`..`IV`, `First`.., with the
/// whitespace (and an optional period before it) that must follow all but a
/// bare digit. `word` is the alphanumeric run, `ws` the length of the
/// whitespace after it (period excluded).
fn ordinal_of(word: &str, ws: usize, dotted: bool) -> Option<(usize, OrdinalForm)> {
    match word.as_bytes() {
        [d @ b'1'..=b'4'] => Some((usize::from(d - b'0'), OrdinalForm::Digit)),
        [d @ b'1'..=b'4', rest @ ..] => {
            let n = usize::from(d - b'0');
            let suffix = std::str::from_utf8(rest).ok()?;
            (suffix.eq_ignore_ascii_case(ordinal_suffix(n)) && ws > 0)
                .then_some((n, OrdinalForm::Suffix))
        }
        _ if ws > 0 => ordinal_word(word),
        _ => None,
    }
    // A dotted ordinal needs the space after its period ("1.John" is not one),
    // and a dotted word its capital: "who acts first. John 3:1" ends a
    // sentence.
    .filter(|&(_, form)| {
        !dotted
            || (ws > 0
                && (matches!(form, OrdinalForm::Digit | OrdinalForm::Suffix)
                    || word.as_bytes()[0].is_ascii_uppercase()))
    })
}

/// Parses an ordinal at `start`; returns it and where the name after it
/// starts.
fn ordinal_forward(text: &str, start: usize) -> Option<(Ordinal, usize)> {
    let bytes = text.as_bytes();
    if is_word_char_before(text, start) {
        return None;
    }
    let mut word_end = start;
    while word_end < bytes.len() && bytes[word_end].is_ascii_alphanumeric() {
        word_end += 1;
    }
    // A digit ordinal may touch the name ("1Cor"), so it is its first digit.
    if let Some(&d @ b'1'..=b'4') = bytes.get(start)
        && !bytes.get(start + 1).is_some_and(u8::is_ascii_digit)
        && bytes.get(start + 1).is_some_and(u8::is_ascii_alphabetic)
        && !text[start + 1..word_end].eq_ignore_ascii_case(ordinal_suffix(usize::from(d - b'0')))
    {
        let ordinal = Ordinal {
            n: usize::from(d - b'0'),
            start,
            form: OrdinalForm::Digit,
            dotted: false,
        };
        return Some((ordinal, start + 1));
    }
    let dotted = bytes.get(word_end) == Some(&b'.');
    let after = word_end + usize::from(dotted);
    let ws = ws_run(bytes, after);
    let (n, form) = ordinal_of(&text[start..word_end], ws, dotted)?;
    let ordinal = Ordinal {
        n,
        start,
        form,
        dotted,
    };
    Some((ordinal, after + ws))
}

/// Parses an ordinal that ends at `end` (the start of the name, whitespace
/// between them included), not going before `floor`.
fn ordinal_backward(text: &str, end: usize, floor: usize) -> Option<Ordinal> {
    let bytes = text.as_bytes();
    let ws = ws_run_back(bytes, end);
    let mut word_end = end - ws;
    let dotted = word_end > floor && bytes[word_end - 1] == b'.';
    if dotted {
        word_end -= 1;
    }
    let mut word_start = word_end;
    while word_start > floor && bytes[word_start - 1].is_ascii_alphanumeric() {
        word_start -= 1;
    }
    if word_start == word_end || is_word_char_before(text, word_start) {
        return None;
    }
    let (n, form) = ordinal_of(&text[word_start..word_end], ws, dotted)?;
    Some(Ordinal {
        n,
        start: word_start,
        form,
        dotted,
    })
}

/// A name found in text, before deciding which book it means.
#[derive(Clone, Copy)]
struct Found {
    info: NameInfo,
    /// Where the base name starts and ends.
    start: usize,
    end: usize,
    ordinal: Option<Ordinal>,
    /// Where a prefix ("Saint", "The Gospel according to") starts, when one
    /// stands before the name of a book it belongs to.
    prefix: Option<usize>,
    tolerant: bool,
}

impl Found {
    fn new(text: &str, info: NameInfo, start: usize, end: usize, floor: usize) -> Self {
        Self {
            info,
            start,
            end,
            ordinal: ordinal_backward(text, start, floor),
            prefix: info
                .plain
                .filter(|b| NAME_TABLE.prefixed_books & (1 << b.number()) != 0)
                .and_then(|book| prefix_before(text, start, floor, book)),
            tolerant: false,
        }
    }

    /// The book the name means after its ordinal, if it has one that fits.
    fn numbered(&self, text: &str) -> Option<BookMatch> {
        let ordinal = self.ordinal.filter(|o| o.fits(&self.info))?;
        let book = self.info.numbered[ordinal.n - 1]?;
        Some(self.book_match(text, book, ordinal.start, true))
    }

    /// The book the name means on its own.
    fn plain(&self, text: &str) -> Option<BookMatch> {
        let book = self.info.plain?;
        Some(self.book_match(text, book, self.prefix.unwrap_or(self.start), false))
    }

    fn book_match(&self, text: &str, book: BookId, start: usize, numbered: bool) -> BookMatch {
        let info = self.info;
        let lowercase = text.as_bytes()[self.start].is_ascii_lowercase();
        // An ordinal or a prefix ("1 john", "saint mark") says it is a book.
        let plain_use = !numbered && self.prefix.is_none();
        BookMatch {
            book,
            start,
            end: self.end,
            numbered,
            prose: plain_use && (info.prose || self.tolerant),
            needs_verse: plain_use && info.verse,
            lower_word: plain_use && lowercase && (info.prose || info.lower || self.tolerant),
            weak: !numbered && lowercase && self.end - self.start <= 2,
            tolerant: self.tolerant,
        }
    }
}

/// Where a prefix of `book` ends just before `start` (whitespace between),
/// the longest one.
fn prefix_before(text: &str, start: usize, floor: usize, book: BookId) -> Option<usize> {
    let names = &*NAME_TABLE;
    let ws = ws_run_back(text.as_bytes(), start);
    if ws == 0 || start - ws < floor {
        return None;
    }
    let mut best = None;
    walk_backward(
        &names.prefixes,
        text,
        start - ws,
        floor,
        |value, s, found| {
            let books = names
                .prefix_books
                .get(usize::from(value) - 1)
                .copied()
                .unwrap_or(0);
            if books & (1 << book.number()) != 0 {
                best = Some(s);
            }
            found
        },
    );
    best
}

/// Candidates for the book whose name ends before a number, best first,
/// worked out one at a time: the first is nearly always the one.
pub(crate) struct Candidates<'t> {
    text: &'t str,
    end: usize,
    floor: usize,
    /// The names found, longest last; `left` of them not yet looked at.
    found: [(NameInfo, usize); 4],
    left: usize,
    /// The name last looked at, whose plain reading comes next when its
    /// ordinal turns out to be another reference's chapter.
    deferred: Option<Found>,
    /// Some name ended there, whether or not it gave a book.
    pub(crate) any_name: bool,
    /// The best name found is a book's that ends a longer name ("Jeremiah"
    /// of "Letter of Jeremiah"): the words before it may be that name,
    /// misspelled ([`tolerant_phrase_before`]).
    pub(crate) tail: bool,
}

impl Iterator for Candidates<'_> {
    type Item = BookMatch;

    fn next(&mut self) -> Option<BookMatch> {
        let text = self.text;
        if let Some(f) = self.deferred.take()
            && let Some(o) = f.ordinal
            && ends_a_reference(text, o.start, self.floor)
            && let Some(m) = f.plain(text)
        {
            return Some(m);
        }
        while self.left > 0 {
            self.left -= 1;
            let (info, start) = self.found[self.left];
            let f = Found::new(text, info, start, self.end, self.floor);
            if let Some(m) = f.numbered(text) {
                // The ordinal may be another reference's chapter ("Song 3
                // John 3:16"): the plain name after it, if this one fails.
                if f.ordinal.is_some_and(|o| o.form == OrdinalForm::Digit) {
                    self.deferred = Some(f);
                }
                return Some(m);
            }
            // A digit touching the name must be its ordinal ("1Cor"), unless
            // it ends the citation before ("Matt5John3").
            let glued = is_word_char_before(text, start) && start != self.floor;
            if !glued && let Some(m) = f.plain(text) {
                return Some(m);
            }
        }
        None
    }
}

/// The book names that end exactly at `end`, starting at or after `floor`,
/// best first: the longest name first ("Song of Songs" over "Songs", "1 John"
/// over "John"), and a name with its ordinal before the same name without.
///
/// The name without its ordinal is a candidate when the ordinal gives no book
/// ("5 John 3"), or when the ordinal is a number that ends a reference to
/// another book: in "Song 3 John 3:16" the 3 is Song's chapter, and the
/// extractor falls back to John when 3 John 3:16 does not exist.
pub(crate) fn book_before(text: &str, end: usize, floor: usize) -> Candidates<'_> {
    let mut found = [(NameInfo::NONE, 0); 4];
    let count = base_backward(text, end, floor, &mut found);
    let mut tail = false;
    if let Some(&(info, start)) = found[..count].last()
        && let Some(book) = info.plain
        && NAME_TABLE.tail_books & (1 << book.number()) != 0
        && text.as_bytes()[start..end]
            .iter()
            .all(u8::is_ascii_alphabetic)
        && ordinal_backward(text, start, floor).is_none()
    {
        tail = NAME_TABLE.after_a_penult(text, start, floor);
    }
    Candidates {
        text,
        end,
        floor,
        found,
        left: count,
        deferred: None,
        any_name: count > 0,
        tail,
    }
}

/// Whether the number that starts at `at` follows a book name and a space,
/// so that it is that book's chapter ("Song 3" in "Song 3 John 3:16").
fn ends_a_reference(text: &str, at: usize, floor: usize) -> bool {
    let ws = ws_run_back(text.as_bytes(), at);
    let mut found = [(NameInfo::NONE, 0); 4];
    ws > 0 && at - ws > floor && base_backward(text, at - ws, floor, &mut found) > 0
}

/// Which books a tolerant search may find.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tolerance {
    Any,
    /// Only books of one chapter: a lower-case word before a number without
    /// a verse ("obadiahh 3" is a verse; "chronicals 3" could not stand).
    OneChapterBooks,
}

/// A misspelled book name that ends exactly at `end` (see the module
/// documentation), starting at or after `floor`.
pub(crate) fn tolerant_before(
    text: &str,
    end: usize,
    floor: usize,
    tolerance: Tolerance,
) -> Option<BookMatch> {
    tolerant(text, end, floor, 1, tolerance)
}

/// A misspelled name of several words whose last word is a book's name as
/// written: "Leter of Jeremiah 12", "Additons to Esther 11:2". `book_before`
/// says when to ask ([`Candidates::tail`]).
pub(crate) fn tolerant_phrase_before(text: &str, end: usize, floor: usize) -> Option<BookMatch> {
    tolerant(text, end, floor, 2, Tolerance::Any)
}

/// Tolerant matching over the last `min_words` to [`MAX_WORDS`] words
/// before `end`: the nearest name wins, the longer on a tie.
fn tolerant(
    text: &str,
    end: usize,
    floor: usize,
    min_words: usize,
    tolerance: Tolerance,
) -> Option<BookMatch> {
    let names = &*NAME_TABLE;
    let bytes = text.as_bytes();
    // The words before `end`, lower case, filled in from the right.
    let mut buf = [0u8; MAX_TOLERANT_LEN];
    let mut len = 0;
    let mut i = end;
    // info, distance, letters of the name, start, a dictionary word
    let mut best: Option<(NameInfo, usize, usize, usize, bool)> = None;
    // Phrases are measured only when the last word may end one.
    let mut max_words = MAX_WORDS;
    for words in 1..=MAX_WORDS {
        if words > max_words {
            break;
        }
        let word_end = i;
        while i > floor && bytes[i - 1].is_ascii_alphabetic() {
            i -= 1;
        }
        let word = &bytes[i..word_end];
        let space = usize::from(words > 1);
        if word.is_empty()
            || len + word.len() + space > buf.len()
            || (!bytes.get(i.wrapping_sub(1)).is_none_or(u8::is_ascii)
                && is_word_char_before(text, i))
        {
            break;
        }
        let at = buf.len() - len - word.len() - space;
        for (slot, b) in buf[at..].iter_mut().zip(word) {
            *slot = b.to_ascii_lowercase();
        }
        if space == 1 {
            buf[buf.len() - len - 1] = b' ';
        }
        len += word.len() + space;
        let query = &buf[buf.len() - len..];
        if words == 1 && !names.near_a_tail(query) {
            if min_words > 1 || word.len() < 4 {
                return None;
            }
            max_words = 1;
        }
        let candidate = if words < min_words || (words == 1 && word.len() < 4) {
            None
        } else if tolerance == Tolerance::OneChapterBooks {
            // A quick search among books of one chapter, then all books, so
            // that a nearer or equally near other book still wins or ties.
            names
                .nearest(query, words, true)
                .and_then(|_| names.nearest(query, words, false))
                .filter(|(info, ..)| {
                    info.plain
                        .is_some_and(|b| Versification::kjv().is_single_chapter(b))
                })
        } else {
            names.nearest(query, words, false)
        };
        if let Some((info, d, letters)) = candidate
            && d > 0
            && best.is_none_or(|(_, bd, ..)| d <= bd)
        {
            let lookalike = words == 1 && names.is_lookalike(query);
            best = Some((info, d, letters, i, lookalike));
        }
        let ws = ws_run_back(bytes, i);
        if ws == 0 || i - ws <= floor {
            break;
        }
        i -= ws;
    }
    let (info, _, letters, start, lookalike) = best?;
    let f = Found {
        tolerant: true,
        // The shorter the name, the more words lie one edit away: a
        // misspelled name under seven letters needs chapter and verse.
        info: NameInfo {
            verse: info.verse || letters < 7,
            ..info
        },
        ..Found::new(text, info, start, end, floor)
    };
    // A dictionary word is a book's name only after that book's ordinal
    // ("1 Kongs 17:21"; never "Games 3:1"), and after an ordinal only a
    // numbered book is meant ("1 ePter" is no Letter of Jeremiah).
    f.numbered(text).or_else(|| {
        let glued = is_word_char_before(text, start) && start != floor;
        let ordinal = f.ordinal.is_some_and(|o| o.fits(&f.info));
        if glued || lookalike || ordinal {
            None
        } else {
            f.plain(text)
        }
    })
}

/// The book name (with its ordinal) that starts exactly at `start`. A digit
/// may touch it ("Matt5John3"), a letter may not.
pub(crate) fn book_at(text: &str, start: usize) -> Option<BookMatch> {
    let bytes = text.as_bytes();
    if start > 0
        && (bytes[start - 1].is_ascii_alphabetic()
            || (!bytes[start - 1].is_ascii() && is_word_char_before(text, start)))
    {
        return None;
    }
    if let Some((ordinal, name_start)) = ordinal_forward(text, start)
        && let Some((info, end)) = base_forward(text, name_start)
    {
        let f = Found {
            info,
            start: name_start,
            end,
            ordinal: Some(ordinal),
            prefix: None,
            tolerant: false,
        };
        if let Some(m) = f.numbered(text) {
            return Some(m);
        }
    }
    let (info, end) = base_forward(text, start)?;
    let f = Found {
        info,
        start,
        end,
        ordinal: None,
        prefix: None,
        tolerant: false,
    };
    f.plain(text)
}

#[cfg(test)]
mod unit {
    use super::*;
    use std::collections::HashMap;

    fn rows() -> impl Iterator<Item = (&'static str, usize, Result<Option<Row<'static>>, String>)> {
        [("book-names.txt", BOOK_NAMES), ("bcv-names.txt", BCV_NAMES)]
            .into_iter()
            .flat_map(|(file, text)| {
                text.lines()
                    .enumerate()
                    .map(move |(i, l)| (file, i + 1, parse_row(l)))
            })
    }

    #[test]
    fn every_row_of_the_name_files_parses() {
        for (file, line, row) in rows() {
            assert!(row.is_ok(), "{file}:{line}: {row:?}");
        }
    }

    #[test]
    fn no_name_means_two_things() {
        let mut seen: HashMap<&str, (NameInfo, &str, usize)> = HashMap::new();
        for (file, line, row) in rows() {
            if let Ok(Some(Row::Names { info, names })) = row {
                for name in names.split('|') {
                    if let Some((first, f, l)) = seen.get(name) {
                        panic!("{file}:{line}: {name:?} already given at {f}:{l} ({first:?})");
                    }
                    seen.insert(name, (info, file, line));
                }
            }
        }
    }

    #[test]
    fn the_tables_fit() {
        let names = &*NAME_TABLE;
        for trie in [&names.forward, &names.backward, &names.prefixes] {
            assert!(trie.value.len() < usize::from(u16::MAX));
        }
        let count = rows()
            .filter_map(|(_, _, r)| match r {
                Ok(Some(Row::Names { names, .. })) => Some(names.split('|').count()),
                _ => None,
            })
            .sum::<usize>();
        let stored = names.forward.value.iter().filter(|&&v| v != 0).count();
        assert_eq!(stored, count, "every name is in the trie");
    }

    #[test]
    fn every_book_has_a_name() {
        let names = &*NAME_TABLE;
        for book in BookId::all() {
            if book.osis() == "Ps151" {
                continue; // reached as Psalm 151
            }
            let found = names
                .infos
                .iter()
                .any(|i| i.plain == Some(book) || i.numbered.contains(&Some(book)));
            assert!(found, "{book}");
        }
    }

    #[test]
    fn lookalikes_are_sorted_words_within_reach_of_a_name() {
        let names = &*NAME_TABLE;
        let listed: Vec<&str> = LOOKALIKES
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert!(listed.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        for word in listed {
            assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "{word:?}");
            assert!(
                names.nearest(word.as_bytes(), 1, false).is_some(),
                "{word:?} is not near any name: remove it (data/README.md)"
            );
        }
    }

    /// Writes `data/lookalikes.txt` from the word lists named in
    /// `ABIDE_DICTIONARIES` (colon-separated paths); see `data/README.md`.
    #[test]
    #[ignore = "regenerates data/lookalikes.txt from dictionaries"]
    fn regenerate_lookalikes() {
        let paths = std::env::var("ABIDE_DICTIONARIES").expect("ABIDE_DICTIONARIES");
        let names = &*NAME_TABLE;
        let mut found = std::collections::BTreeSet::new();
        for path in paths.split(':') {
            let text = std::fs::read_to_string(path).expect(path);
            for word in text.lines() {
                let word = word.trim().to_ascii_lowercase();
                if word.len() < 4 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
                    continue;
                }
                if names.forward.get(name_symbols(&word)).is_some() {
                    continue; // a name: matched exactly
                }
                if names.nearest(word.as_bytes(), 1, false).is_some() {
                    found.insert(word);
                }
            }
        }
        let mut out = String::from(LOOKALIKES_HEADER);
        for w in found {
            out.push_str(&w);
            out.push('\n');
        }
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/data/lookalikes.txt");
        std::fs::write(file, out).expect(file);
    }

    const LOOKALIKES_HEADER: &str = "\
# English words and names within tolerant reach of a book name (one edit from
# a name of five to seven letters, two from a longer one): tolerant matching
# never takes them for a book ('Games 3:1', 'Either 3 or 4', 'Daniels 3').
# Generated from dictionaries by the test names::unit::regenerate_lookalikes;
# see README.md. Exact names are not listed: they are matched as names.
";

    #[test]
    #[ignore = "prints what tolerant matching makes of ABIDE_WORDS"]
    fn show_nearest() {
        let names = &*NAME_TABLE;
        for w in std::env::var("ABIDE_WORDS").unwrap_or_default().split(',') {
            let found = names.targets.iter().filter_map(|t| {
                let d = osa_distance(w.as_bytes(), t.name.as_bytes(), 2)?;
                Some(format!("{} ({d})", t.name))
            });
            let near = names.nearest(w.as_bytes(), 1, false);
            println!(
                "{w}: {:?} {:?}",
                near.map(|(i, d, _)| (i.plain, i.numbered, d)),
                found.collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn osa_distance_counts_drops_doubles_swaps_and_changes() {
        let d = |a: &str, b: &str| osa_distance(a.as_bytes(), b.as_bytes(), 3);
        assert_eq!(d("genesis", "genesis"), Some(0));
        assert_eq!(d("genesis", "gensis"), Some(1));
        assert_eq!(d("genesis", "geneesis"), Some(1));
        assert_eq!(d("genesis", "gneesis"), Some(1));
        assert_eq!(d("genesis", "genisis"), Some(1));
        assert_eq!(d("hebrews", "heebrewws"), Some(2));
        assert_eq!(d("abc", "xyzuvw"), None);
        assert_eq!(d("abc", "xyz"), Some(3));
        assert_eq!(d("ab", "ba"), Some(1));
        assert_eq!(d("song of solomon", "song of salomon"), Some(1));
        assert_eq!(osa_distance(b"ecclesiastes", b"ecclesiasts", 2), Some(1));
        assert_eq!(osa_distance(b"zechariah", b"zephaniah", 1), None);
        assert_eq!(osa_distance(b"zechariah", b"zephaniah", 2), Some(2));
        assert_eq!(osa_distance(b"romans", b"romero", 1), None);
    }

    /// The full-matrix optimal string alignment distance, for comparison.
    fn osa_full(a: &[u8], b: &[u8]) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn the_banded_distance_agrees_with_the_full_matrix() {
        // Words over a small alphabet, so that many pairs are near.
        let mut seed = 0x2545_f491_u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for _ in 0..20_000 {
            let word = |len: u32, r: &mut dyn FnMut() -> u32| -> Vec<u8> {
                (0..len).map(|_| b"abc "[(r() % 4) as usize]).collect()
            };
            let la = next() % 9;
            let lb = next() % 9;
            let a = word(la, &mut next);
            let b = word(lb, &mut next);
            let full = osa_full(&a, &b);
            for max in 0..4 {
                let expected = (full <= max).then_some(full);
                assert_eq!(osa_distance(&a, &b, max), expected, "{a:?} {b:?} {max}");
            }
        }
    }

    #[test]
    fn tolerant_matching_finds_misspelled_names() {
        for (text, osis) in [
            ("Ecclesiastis 3", "Eccl"),
            ("COLOSSANS 1", "Col"),
            ("Phillippans 4", "Phil"),
            ("2 Corinthans 5", "2Cor"),
            ("Song of Solomn 2", "Song"),
        ] {
            let end = text.rfind(' ').unwrap();
            let m =
                tolerant_before(text, end, 0, Tolerance::Any).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(
                (m.book.osis(), m.start, m.tolerant),
                (osis, 0, true),
                "{text}"
            );
        }
        for text in [
            "Games 3",
            "Either 3",
            "Romero 3",
            "Markham 4",
            "Johnson 3",
            "Jame 3",
        ] {
            let end = text.rfind(' ').unwrap();
            assert_eq!(
                tolerant_before(text, end, 0, Tolerance::Any),
                None,
                "{text}"
            );
        }
    }

    #[test]
    fn backwards_prefers_the_longest_name() {
        let text = "read 1 John 3";
        let m = book_before(text, 11, 0).next().unwrap();
        assert_eq!((m.book.osis(), m.start), ("1John", 5));
        let text = "Song of Songs 2";
        let m = book_before(text, 13, 0).next().unwrap();
        assert_eq!((m.book.osis(), m.start, m.needs_verse), ("Song", 0, false));
    }

    #[test]
    fn an_ordinal_that_is_a_chapter_can_be_dropped() {
        let text = "Song 3 John 3";
        let books: Vec<_> = book_before(text, 11, 0).map(|m| m.book.osis()).collect();
        assert_eq!(books, ["3John", "John"]);
        let text = "read 3 John 3";
        let books: Vec<_> = book_before(text, 11, 0).map(|m| m.book.osis()).collect();
        assert_eq!(books, ["3John"]);
    }

    #[test]
    fn forwards_matches_ordinals_in_every_written_form() {
        for (text, osis) in [
            ("1 Cor 13", "1Cor"),
            ("1Cor 13", "1Cor"),
            ("I Cor 13", "1Cor"),
            ("II Kings 2", "2Kgs"),
            ("II. Kings 2", "2Kgs"),
            ("First Corinthians 13", "1Cor"),
            ("FIRST Corinthians 13", "1Cor"),
            ("First. Corinthians 13", "1Cor"),
            ("3rd John 4", "3John"),
            ("2ND. JOHN 4", "2John"),
            ("1st. Kings 4", "1Kgs"),
            ("3 Kingdoms 4", "1Kgs"),
            ("IV Kingdoms 4", "2Kgs"),
            ("John 3", "John"),
            // A numbered list, not 1 John.
            ("1. John 3", "John"),
        ] {
            let m = book_at(text, 0).or_else(|| book_at(text, 3)).unwrap();
            assert_eq!(m.book.osis(), osis, "{text}");
        }
        assert!(book_at("Johnson 3", 0).is_none());
        assert!(book_at("Kings 3", 0).is_none());
        assert!(book_at("1.John 3", 0).is_none());
    }

    #[test]
    fn one_name_is_looked_up_exactly() {
        assert_eq!(BookId::from_name("Genesis").map(BookId::osis), Some("Gen"));
        assert_eq!(
            BookId::from_name(" 1 cor. ").map(BookId::osis),
            Some("1Cor")
        );
        assert_eq!(
            BookId::from_name("II Kings").map(BookId::osis),
            Some("2Kgs")
        );
        assert_eq!(
            BookId::from_name("Song of Songs").map(BookId::osis),
            Some("Song")
        );
        assert_eq!(BookId::from_name("Genesis 1"), None);
        assert_eq!(BookId::from_name("Genesys"), None);
        assert_eq!(BookId::from_name("Kings"), None);
    }

    #[test]
    fn prefixes_belong_to_their_books() {
        let text = "The Gospel according to St. John 3";
        let m = book_before(text, 32, 0).next().unwrap();
        assert_eq!((m.book.osis(), m.start), ("John", 0));
        let text = "Saint Mark 3";
        let m = book_before(text, 10, 0).next().unwrap();
        assert_eq!((m.book.osis(), m.start, m.prose), ("Mark", 0, false));
        let text = "Saint Romans 3";
        let m = book_before(text, 12, 0).next().unwrap();
        assert_eq!((m.book.osis(), m.start), ("Rom", 6));
    }
}
