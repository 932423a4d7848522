//! The canon: which books exist, in which order, under which OSIS ids and
//! names, and how many chapters and verses each has in the default
//! (KJV-style) versification.
//!
//! The verse counts were written from the published chapter and verse
//! numbering of the King James Version (with its Apocrypha for the
//! deuterocanonical books); `tests/canon.rs` checks the totals.

use std::fmt;

/// A book of the canon, identified by its position in the default book order
/// (Genesis = 1, Revelation = 66, then the deuterocanonical books from 67).
///
/// The number is the `BB` part of a verse key (see [`VerseRef::key`]).
///
/// [`VerseRef::key`]: crate::VerseRef::key
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BookId(u8);

impl BookId {
    /// The book with this number, if there is one.
    pub fn from_number(number: u8) -> Option<Self> {
        (1..=BOOKS.len())
            .contains(&usize::from(number))
            .then_some(Self(number))
    }

    /// The book's number in the default order (Genesis = 1).
    pub fn number(self) -> u8 {
        self.0
    }

    /// The book whose OSIS id is `osis` (case-sensitive, as OSIS is), e.g. `"1Kgs"`.
    pub fn from_osis(osis: &str) -> Option<Self> {
        let found = BOOKS.iter().position(|b| b.osis == osis);
        // `AddPs` is the OSIS 2.1 name of Psalm 151; accept it as well.
        let found = found.or_else(|| (osis == "AddPs").then_some(BOOKS.len() - 1));
        found.and_then(|i| u8::try_from(i + 1).ok()).map(Self)
    }

    /// The book a book name stands for, as a source's table of books or a
    /// file's book field writes it: any name or abbreviation the reference
    /// parser knows, with its ordinal (`"Genesis"`, `"1 Kings"`, `"II Kings"`,
    /// `"Song of Solomon"`, `"Rev"`, and `"Psalm 151"`), ASCII
    /// case-insensitive, surrounding blanks and a final period ignored. `None`
    /// for anything else, a reference included (`"John 3"`). For a string
    /// that is a reference, see [`parse`](crate::parse). Never tolerant of
    /// misspellings: those are recognised only in prose, where a chapter
    /// follows.
    ///
    /// ```
    /// use abide_scripture::BookId;
    /// assert_eq!(BookId::from_name("1 Kings").map(BookId::osis), Some("1Kgs"));
    /// assert_eq!(BookId::from_name("song of solomon").map(BookId::osis), Some("Song"));
    /// assert_eq!(BookId::from_name("Psalm 151").map(BookId::osis), Some("Ps151"));
    /// assert_eq!(BookId::from_name("John 3"), None);
    /// assert_eq!(BookId::from_name("Genesys"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        let name = name.strip_suffix('.').unwrap_or(name);
        let found = crate::names::book_at(name, 0).filter(|m| m.start == 0)?;
        match name[found.end..].trim_start() {
            "" => Some(found.book),
            // Psalm 151 is a book of its own, named as if a psalm.
            "151" if found.book.osis() == "Ps" => Self::from_osis("Ps151"),
            _ => None,
        }
    }

    /// The book's static data: names and OSIS id.
    pub fn book(self) -> &'static Book {
        &BOOKS[usize::from(self.0) - 1]
    }

    /// The book's OSIS id, e.g. `"Gen"`, `"1Kgs"`, `"Ps"`.
    pub fn osis(self) -> &'static str {
        self.book().osis
    }

    /// Every book of the canon, in the default order.
    pub fn all() -> impl DoubleEndedIterator<Item = BookId> + ExactSizeIterator {
        (1..=BOOK_COUNT).map(Self)
    }

    pub(crate) const fn new_unchecked(number: u8) -> Self {
        Self(number)
    }
}

impl fmt::Display for BookId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osis())
    }
}

/// Which part of the canon a book belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Testament {
    /// Genesis to Malachi.
    Old,
    /// Matthew to Revelation.
    New,
    /// The deuterocanonical books (the Apocrypha of the KJV, and Psalm 151).
    Deuterocanon,
}

/// The static facts about one book: its ids and names.
#[derive(Debug, PartialEq, Eq)]
pub struct Book {
    /// The book's id.
    pub id: BookId,
    /// OSIS id, e.g. `"1Cor"`.
    pub osis: &'static str,
    /// Full English name, e.g. `"1 Corinthians"`.
    pub name: &'static str,
    /// Short (SBL-style) abbreviation, e.g. `"1 Cor"`.
    pub short: &'static str,
    /// Which part of the canon it is in.
    pub testament: Testament,
}

/// Chapter and verse counts of every book: the versification that verse keys
/// and validity checks use. Only the default (KJV-style) one exists for now;
/// translations with another numbering map onto it.
#[derive(Debug)]
pub struct Versification {
    name: &'static str,
    /// Per book (index = number - 1): the number of the first chapter and the
    /// verse count of each chapter from there on.
    chapters: &'static [(u16, &'static [u8])],
}

impl Versification {
    /// The default versification: the King James Version's chapter and verse
    /// numbering (31,102 verses in 1,189 chapters for the 66 books).
    pub fn kjv() -> &'static Versification {
        &KJV
    }

    /// The name of this versification, e.g. `"kjv"`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The number of the first chapter of `book`: 1, except for the
    /// Additions to Esther, which are numbered 10–16 as in the KJV.
    pub fn first_chapter(&self, book: BookId) -> u16 {
        self.entry(book).0
    }

    /// The number of the last chapter of `book`.
    pub fn last_chapter(&self, book: BookId) -> u16 {
        let (first, verses) = self.entry(book);
        first + verses.len() as u16 - 1
    }

    /// The number of chapters of `book`.
    pub fn chapter_count(&self, book: BookId) -> u16 {
        self.entry(book).1.len() as u16
    }

    /// The number of verses in `chapter` of `book`, or `None` if the book has
    /// no such chapter.
    pub fn verse_count(&self, book: BookId, chapter: u16) -> Option<u16> {
        let (first, verses) = self.entry(book);
        let index = usize::from(chapter.checked_sub(first)?);
        verses.get(index).map(|&n| u16::from(n))
    }

    /// Whether `book` has exactly one chapter (Obadiah, Philemon, 2–3 John,
    /// Jude, and several deuterocanonical books).
    pub fn is_single_chapter(&self, book: BookId) -> bool {
        self.entry(book).1.len() == 1
    }

    fn entry(&self, book: BookId) -> (u16, &'static [u8]) {
        self.chapters[usize::from(book.number()) - 1]
    }
}

const BOOK_COUNT: u8 = 84;

macro_rules! books {
    ($($n:literal $osis:literal $name:literal $short:literal $t:ident;)*) => {
        /// Every book in the default order.
        pub(crate) static BOOKS: [Book; BOOK_COUNT as usize] = [
            $(Book { id: BookId($n), osis: $osis, name: $name, short: $short, testament: Testament::$t },)*
        ];
    };
}

books! {
    1 "Gen" "Genesis" "Gen" Old;
    2 "Exod" "Exodus" "Exod" Old;
    3 "Lev" "Leviticus" "Lev" Old;
    4 "Num" "Numbers" "Num" Old;
    5 "Deut" "Deuteronomy" "Deut" Old;
    6 "Josh" "Joshua" "Josh" Old;
    7 "Judg" "Judges" "Judg" Old;
    8 "Ruth" "Ruth" "Ruth" Old;
    9 "1Sam" "1 Samuel" "1 Sam" Old;
    10 "2Sam" "2 Samuel" "2 Sam" Old;
    11 "1Kgs" "1 Kings" "1 Kgs" Old;
    12 "2Kgs" "2 Kings" "2 Kgs" Old;
    13 "1Chr" "1 Chronicles" "1 Chr" Old;
    14 "2Chr" "2 Chronicles" "2 Chr" Old;
    15 "Ezra" "Ezra" "Ezra" Old;
    16 "Neh" "Nehemiah" "Neh" Old;
    17 "Esth" "Esther" "Esth" Old;
    18 "Job" "Job" "Job" Old;
    19 "Ps" "Psalms" "Ps" Old;
    20 "Prov" "Proverbs" "Prov" Old;
    21 "Eccl" "Ecclesiastes" "Eccl" Old;
    22 "Song" "Song of Songs" "Song" Old;
    23 "Isa" "Isaiah" "Isa" Old;
    24 "Jer" "Jeremiah" "Jer" Old;
    25 "Lam" "Lamentations" "Lam" Old;
    26 "Ezek" "Ezekiel" "Ezek" Old;
    27 "Dan" "Daniel" "Dan" Old;
    28 "Hos" "Hosea" "Hos" Old;
    29 "Joel" "Joel" "Joel" Old;
    30 "Amos" "Amos" "Amos" Old;
    31 "Obad" "Obadiah" "Obad" Old;
    32 "Jonah" "Jonah" "Jonah" Old;
    33 "Mic" "Micah" "Mic" Old;
    34 "Nah" "Nahum" "Nah" Old;
    35 "Hab" "Habakkuk" "Hab" Old;
    36 "Zeph" "Zephaniah" "Zeph" Old;
    37 "Hag" "Haggai" "Hag" Old;
    38 "Zech" "Zechariah" "Zech" Old;
    39 "Mal" "Malachi" "Mal" Old;
    40 "Matt" "Matthew" "Matt" New;
    41 "Mark" "Mark" "Mark" New;
    42 "Luke" "Luke" "Luke" New;
    43 "John" "John" "John" New;
    44 "Acts" "Acts" "Acts" New;
    45 "Rom" "Romans" "Rom" New;
    46 "1Cor" "1 Corinthians" "1 Cor" New;
    47 "2Cor" "2 Corinthians" "2 Cor" New;
    48 "Gal" "Galatians" "Gal" New;
    49 "Eph" "Ephesians" "Eph" New;
    50 "Phil" "Philippians" "Phil" New;
    51 "Col" "Colossians" "Col" New;
    52 "1Thess" "1 Thessalonians" "1 Thess" New;
    53 "2Thess" "2 Thessalonians" "2 Thess" New;
    54 "1Tim" "1 Timothy" "1 Tim" New;
    55 "2Tim" "2 Timothy" "2 Tim" New;
    56 "Titus" "Titus" "Titus" New;
    57 "Phlm" "Philemon" "Phlm" New;
    58 "Heb" "Hebrews" "Heb" New;
    59 "Jas" "James" "Jas" New;
    60 "1Pet" "1 Peter" "1 Pet" New;
    61 "2Pet" "2 Peter" "2 Pet" New;
    62 "1John" "1 John" "1 John" New;
    63 "2John" "2 John" "2 John" New;
    64 "3John" "3 John" "3 John" New;
    65 "Jude" "Jude" "Jude" New;
    66 "Rev" "Revelation" "Rev" New;
    67 "Tob" "Tobit" "Tob" Deuterocanon;
    68 "Jdt" "Judith" "Jdt" Deuterocanon;
    69 "AddEsth" "Additions to Esther" "Add Esth" Deuterocanon;
    70 "Wis" "Wisdom of Solomon" "Wis" Deuterocanon;
    71 "Sir" "Sirach" "Sir" Deuterocanon;
    72 "Bar" "Baruch" "Bar" Deuterocanon;
    73 "EpJer" "Letter of Jeremiah" "Ep Jer" Deuterocanon;
    74 "PrAzar" "Prayer of Azariah" "Pr Azar" Deuterocanon;
    75 "Sus" "Susanna" "Sus" Deuterocanon;
    76 "Bel" "Bel and the Dragon" "Bel" Deuterocanon;
    77 "1Macc" "1 Maccabees" "1 Macc" Deuterocanon;
    78 "2Macc" "2 Maccabees" "2 Macc" Deuterocanon;
    79 "3Macc" "3 Maccabees" "3 Macc" Deuterocanon;
    80 "4Macc" "4 Maccabees" "4 Macc" Deuterocanon;
    81 "PrMan" "Prayer of Manasseh" "Pr Man" Deuterocanon;
    82 "1Esd" "1 Esdras" "1 Esd" Deuterocanon;
    83 "2Esd" "2 Esdras" "2 Esd" Deuterocanon;
    84 "Ps151" "Psalm 151" "Ps 151" Deuterocanon;
}

static KJV: Versification = Versification {
    name: "kjv",
    chapters: &[
        // Genesis
        (
            1,
            &[
                31, 25, 24, 26, 32, 22, 24, 22, 29, 32, 32, 20, 18, 24, 21, 16, 27, 33, 38, 18, 34,
                24, 20, 67, 34, 35, 46, 22, 35, 43, 55, 32, 20, 31, 29, 43, 36, 30, 23, 23, 57, 38,
                34, 34, 28, 34, 31, 22, 33, 26,
            ],
        ),
        // Exodus
        (
            1,
            &[
                22, 25, 22, 31, 23, 30, 25, 32, 35, 29, 10, 51, 22, 31, 27, 36, 16, 27, 25, 26, 36,
                31, 33, 18, 40, 37, 21, 43, 46, 38, 18, 35, 23, 35, 35, 38, 29, 31, 43, 38,
            ],
        ),
        // Leviticus
        (
            1,
            &[
                17, 16, 17, 35, 19, 30, 38, 36, 24, 20, 47, 8, 59, 57, 33, 34, 16, 30, 37, 27, 24,
                33, 44, 23, 55, 46, 34,
            ],
        ),
        // Numbers
        (
            1,
            &[
                54, 34, 51, 49, 31, 27, 89, 26, 23, 36, 35, 16, 33, 45, 41, 50, 13, 32, 22, 29, 35,
                41, 30, 25, 18, 65, 23, 31, 40, 16, 54, 42, 56, 29, 34, 13,
            ],
        ),
        // Deuteronomy
        (
            1,
            &[
                46, 37, 29, 49, 33, 25, 26, 20, 29, 22, 32, 32, 18, 29, 23, 22, 20, 22, 21, 20, 23,
                30, 25, 22, 19, 19, 26, 68, 29, 20, 30, 52, 29, 12,
            ],
        ),
        // Joshua
        (
            1,
            &[
                18, 24, 17, 24, 15, 27, 26, 35, 27, 43, 23, 24, 33, 15, 63, 10, 18, 28, 51, 9, 45,
                34, 16, 33,
            ],
        ),
        // Judges
        (
            1,
            &[
                36, 23, 31, 24, 31, 40, 25, 35, 57, 18, 40, 15, 25, 20, 20, 31, 13, 31, 30, 48, 25,
            ],
        ),
        // Ruth
        (1, &[22, 23, 18, 22]),
        // 1 Samuel
        (
            1,
            &[
                28, 36, 21, 22, 12, 21, 17, 22, 27, 27, 15, 25, 23, 52, 35, 23, 58, 30, 24, 42, 15,
                23, 29, 22, 44, 25, 12, 25, 11, 31, 13,
            ],
        ),
        // 2 Samuel
        (
            1,
            &[
                27, 32, 39, 12, 25, 23, 29, 18, 13, 19, 27, 31, 39, 33, 37, 23, 29, 33, 43, 26, 22,
                51, 39, 25,
            ],
        ),
        // 1 Kings
        (
            1,
            &[
                53, 46, 28, 34, 18, 38, 51, 66, 28, 29, 43, 33, 34, 31, 34, 34, 24, 46, 21, 43, 29,
                53,
            ],
        ),
        // 2 Kings
        (
            1,
            &[
                18, 25, 27, 44, 27, 33, 20, 29, 37, 36, 21, 21, 25, 29, 38, 20, 41, 37, 37, 21, 26,
                20, 37, 20, 30,
            ],
        ),
        // 1 Chronicles
        (
            1,
            &[
                54, 55, 24, 43, 26, 81, 40, 40, 44, 14, 47, 40, 14, 17, 29, 43, 27, 17, 19, 8, 30,
                19, 32, 31, 31, 32, 34, 21, 30,
            ],
        ),
        // 2 Chronicles
        (
            1,
            &[
                17, 18, 17, 22, 14, 42, 22, 18, 31, 19, 23, 16, 22, 15, 19, 14, 19, 34, 11, 37, 20,
                12, 21, 27, 28, 23, 9, 27, 36, 27, 21, 33, 25, 33, 27, 23,
            ],
        ),
        // Ezra
        (1, &[11, 70, 13, 24, 17, 22, 28, 36, 15, 44]),
        // Nehemiah
        (1, &[11, 20, 32, 23, 19, 19, 73, 18, 38, 39, 36, 47, 31]),
        // Esther
        (1, &[22, 23, 15, 17, 14, 14, 10, 17, 32, 3]),
        // Job
        (
            1,
            &[
                22, 13, 26, 21, 27, 30, 21, 22, 35, 22, 20, 25, 28, 22, 35, 22, 16, 21, 29, 29, 34,
                30, 17, 25, 6, 14, 23, 28, 25, 31, 40, 22, 33, 37, 16, 33, 24, 41, 30, 24, 34, 17,
            ],
        ),
        // Psalms
        (
            1,
            &[
                6, 12, 8, 8, 12, 10, 17, 9, 20, 18, 7, 8, 6, 7, 5, 11, 15, 50, 14, 9, 13, 31, 6,
                10, 22, 12, 14, 9, 11, 12, 24, 11, 22, 22, 28, 12, 40, 22, 13, 17, 13, 11, 5, 26,
                17, 11, 9, 14, 20, 23, 19, 9, 6, 7, 23, 13, 11, 11, 17, 12, 8, 12, 11, 10, 13, 20,
                7, 35, 36, 5, 24, 20, 28, 23, 10, 12, 20, 72, 13, 19, 16, 8, 18, 12, 13, 17, 7, 18,
                52, 17, 16, 15, 5, 23, 11, 13, 12, 9, 9, 5, 8, 28, 22, 35, 45, 48, 43, 13, 31, 7,
                10, 10, 9, 8, 18, 19, 2, 29, 176, 7, 8, 9, 4, 8, 5, 6, 5, 6, 8, 8, 3, 18, 3, 3, 21,
                26, 9, 8, 24, 13, 10, 7, 12, 15, 21, 10, 20, 14, 9, 6,
            ],
        ),
        // Proverbs
        (
            1,
            &[
                33, 22, 35, 27, 23, 35, 27, 36, 18, 32, 31, 28, 25, 35, 33, 33, 28, 24, 29, 30, 31,
                29, 35, 34, 28, 28, 27, 28, 27, 33, 31,
            ],
        ),
        // Ecclesiastes
        (1, &[18, 26, 22, 16, 20, 12, 29, 17, 18, 20, 10, 14]),
        // Song of Songs
        (1, &[17, 17, 11, 16, 16, 13, 13, 14]),
        // Isaiah
        (
            1,
            &[
                31, 22, 26, 6, 30, 13, 25, 22, 21, 34, 16, 6, 22, 32, 9, 14, 14, 7, 25, 6, 17, 25,
                18, 23, 12, 21, 13, 29, 24, 33, 9, 20, 24, 17, 10, 22, 38, 22, 8, 31, 29, 25, 28,
                28, 25, 13, 15, 22, 26, 11, 23, 15, 12, 17, 13, 12, 21, 14, 21, 22, 11, 12, 19, 12,
                25, 24,
            ],
        ),
        // Jeremiah
        (
            1,
            &[
                19, 37, 25, 31, 31, 30, 34, 22, 26, 25, 23, 17, 27, 22, 21, 21, 27, 23, 15, 18, 14,
                30, 40, 10, 38, 24, 22, 17, 32, 24, 40, 44, 26, 22, 19, 32, 21, 28, 18, 16, 18, 22,
                13, 30, 5, 28, 7, 47, 39, 46, 64, 34,
            ],
        ),
        // Lamentations
        (1, &[22, 22, 66, 22, 22]),
        // Ezekiel
        (
            1,
            &[
                28, 10, 27, 17, 17, 14, 27, 18, 11, 22, 25, 28, 23, 23, 8, 63, 24, 32, 14, 49, 32,
                31, 49, 27, 17, 21, 36, 26, 21, 26, 18, 32, 33, 31, 15, 38, 28, 23, 29, 49, 26, 20,
                27, 31, 25, 24, 23, 35,
            ],
        ),
        // Daniel
        (1, &[21, 49, 30, 37, 31, 28, 28, 27, 27, 21, 45, 13]),
        // Hosea
        (1, &[11, 23, 5, 19, 15, 11, 16, 14, 17, 15, 12, 14, 16, 9]),
        // Joel
        (1, &[20, 32, 21]),
        // Amos
        (1, &[15, 16, 15, 13, 27, 14, 17, 14, 15]),
        // Obadiah
        (1, &[21]),
        // Jonah
        (1, &[17, 10, 10, 11]),
        // Micah
        (1, &[16, 13, 12, 13, 15, 16, 20]),
        // Nahum
        (1, &[15, 13, 19]),
        // Habakkuk
        (1, &[17, 20, 19]),
        // Zephaniah
        (1, &[18, 15, 20]),
        // Haggai
        (1, &[15, 23]),
        // Zechariah
        (1, &[21, 13, 10, 14, 11, 15, 14, 23, 17, 12, 17, 14, 9, 21]),
        // Malachi
        (1, &[14, 17, 18, 6]),
        // Matthew
        (
            1,
            &[
                25, 23, 17, 25, 48, 34, 29, 34, 38, 42, 30, 50, 58, 36, 39, 28, 27, 35, 30, 34, 46,
                46, 39, 51, 46, 75, 66, 20,
            ],
        ),
        // Mark
        (
            1,
            &[
                45, 28, 35, 41, 43, 56, 37, 38, 50, 52, 33, 44, 37, 72, 47, 20,
            ],
        ),
        // Luke
        (
            1,
            &[
                80, 52, 38, 44, 39, 49, 50, 56, 62, 42, 54, 59, 35, 35, 32, 31, 37, 43, 48, 47, 38,
                71, 56, 53,
            ],
        ),
        // John
        (
            1,
            &[
                51, 25, 36, 54, 47, 71, 53, 59, 41, 42, 57, 50, 38, 31, 27, 33, 26, 40, 42, 31, 25,
            ],
        ),
        // Acts
        (
            1,
            &[
                26, 47, 26, 37, 42, 15, 60, 40, 43, 48, 30, 25, 52, 28, 41, 40, 34, 28, 41, 38, 40,
                30, 35, 27, 27, 32, 44, 31,
            ],
        ),
        // Romans
        (
            1,
            &[
                32, 29, 31, 25, 21, 23, 25, 39, 33, 21, 36, 21, 14, 23, 33, 27,
            ],
        ),
        // 1 Corinthians
        (
            1,
            &[
                31, 16, 23, 21, 13, 20, 40, 13, 27, 33, 34, 31, 13, 40, 58, 24,
            ],
        ),
        // 2 Corinthians
        (1, &[24, 17, 18, 18, 21, 18, 16, 24, 15, 18, 33, 21, 14]),
        // Galatians
        (1, &[24, 21, 29, 31, 26, 18]),
        // Ephesians
        (1, &[23, 22, 21, 32, 33, 24]),
        // Philippians
        (1, &[30, 30, 21, 23]),
        // Colossians
        (1, &[29, 23, 25, 18]),
        // 1 Thessalonians
        (1, &[10, 20, 13, 18, 28]),
        // 2 Thessalonians
        (1, &[12, 17, 18]),
        // 1 Timothy
        (1, &[20, 15, 16, 16, 25, 21]),
        // 2 Timothy
        (1, &[18, 26, 17, 22]),
        // Titus
        (1, &[16, 15, 15]),
        // Philemon
        (1, &[25]),
        // Hebrews
        (1, &[14, 18, 19, 16, 14, 20, 28, 13, 28, 39, 40, 29, 25]),
        // James
        (1, &[27, 26, 18, 17, 20]),
        // 1 Peter
        (1, &[25, 25, 22, 19, 14]),
        // 2 Peter
        (1, &[21, 22, 18]),
        // 1 John
        (1, &[10, 29, 24, 21, 21]),
        // 2 John
        (1, &[13]),
        // 3 John
        (1, &[14]),
        // Jude
        (1, &[25]),
        // Revelation
        (
            1,
            &[
                20, 29, 22, 11, 14, 17, 17, 13, 21, 11, 19, 17, 18, 20, 8, 21, 18, 24, 21, 15, 27,
                21,
            ],
        ),
        // Tobit
        (1, &[22, 14, 17, 21, 22, 17, 18, 21, 6, 12, 19, 22, 18, 15]),
        // Judith
        (
            1,
            &[
                16, 28, 10, 15, 24, 21, 32, 36, 14, 23, 23, 20, 20, 19, 13, 25,
            ],
        ),
        // Additions to Esther: KJV chapters 10 (verses 4-13 continue Esther 10:1-3) to 16.
        (10, &[13, 12, 6, 18, 19, 16, 24]),
        // Wisdom of Solomon
        (
            1,
            &[
                16, 24, 19, 20, 23, 25, 30, 21, 18, 21, 26, 27, 19, 31, 19, 29, 21, 25, 22,
            ],
        ),
        // Sirach
        (
            1,
            &[
                30, 18, 31, 31, 15, 37, 36, 19, 18, 31, 34, 18, 26, 27, 20, 30, 32, 33, 30, 32, 28,
                27, 28, 34, 26, 29, 30, 26, 28, 25, 31, 24, 31, 26, 20, 26, 31, 34, 35, 30, 24, 25,
                33, 23, 26, 20, 25, 25, 16, 29, 30,
            ],
        ),
        // Baruch (KJV Baruch 6 is the Letter of Jeremiah, a book of its own in OSIS)
        (1, &[22, 35, 37, 37, 9]),
        // Letter of Jeremiah
        (1, &[73]),
        // Prayer of Azariah (with the Song of the Three Holy Children)
        (1, &[68]),
        // Susanna
        (1, &[64]),
        // Bel and the Dragon
        (1, &[42]),
        // 1 Maccabees
        (
            1,
            &[
                64, 70, 60, 61, 68, 63, 50, 32, 73, 89, 74, 53, 53, 49, 41, 24,
            ],
        ),
        // 2 Maccabees
        (
            1,
            &[36, 32, 40, 50, 27, 31, 42, 36, 29, 38, 38, 45, 26, 46, 39],
        ),
        // 3 Maccabees
        (1, &[29, 33, 30, 21, 51, 41, 23]),
        // 4 Maccabees
        (
            1,
            &[
                35, 24, 21, 26, 38, 35, 23, 29, 32, 21, 27, 19, 27, 20, 32, 25, 24, 24,
            ],
        ),
        // Prayer of Manasseh
        (1, &[15]),
        // 1 Esdras
        (1, &[58, 30, 24, 63, 73, 34, 15, 96, 55]),
        // 2 Esdras
        (
            1,
            &[
                40, 48, 36, 52, 56, 59, 70, 63, 47, 59, 46, 51, 58, 48, 63, 78,
            ],
        ),
        // Psalm 151
        (1, &[7]),
    ],
};
