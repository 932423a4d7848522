//! The index's fields and analyzers.
//!
//! Each text is indexed twice: stemmed with positions (`still`, `stillness`
//! and `stilled` are one word, and phrases match), and as written in lower
//! case without accents (for the start of a word being typed, and for
//! misspellings). The text of an entry that only members may read goes to
//! fields of its own (`secret`), which a guest's query never names, so it
//! cannot match, count or show for a guest.
//!
//! Citations are indexed as the verses they cover (`BBCCCVVV` keys) and, for
//! chapters they cover whole, as chapters (`BBCCC`): a passage query is two
//! range queries, exact however long the cited passage.

use abide_scripture::{Range, VerseRef, Versification};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

/// Names of the two analyzers, as registered on the index.
pub(crate) const STEM: &str = "abide_stem";
pub(crate) const RAW: &str = "abide_raw";

/// The version of this schema and of the analyzers: an index made by another
/// version is rebuilt.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Most chapter or verse keys indexed for one entry's citations.
pub(crate) const MAX_CITED_KEYS: usize = 20_000;

/// English words, stemmed.
pub(crate) fn stem_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Words as written, lower case, without accents.
pub(crate) fn raw_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// A text searched by words: its stemmed and its raw field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextField {
    pub(crate) stem: Field,
    pub(crate) raw: Field,
    /// How much a match here weighs against one in the reflection.
    pub(crate) weight: f32,
}

/// Every field, by name.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) version: Field,
    pub(crate) publish_at: Field,
    pub(crate) journey: Field,
    pub(crate) tag: Field,
    pub(crate) title: TextField,
    pub(crate) teaser: TextField,
    pub(crate) body: TextField,
    pub(crate) secret: TextField,
    pub(crate) key_verse: Field,
    pub(crate) key_chapter: Field,
    pub(crate) cite_verse: Field,
    pub(crate) cite_chapter: Field,
    /// The result card and the texts snippets come from, as JSON.
    pub(crate) stored: Field,
}

pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stem = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(STEM)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let raw = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(RAW)
            .set_index_option(IndexRecordOption::Basic),
    );
    let mut text = |name: &str, weight: f32| TextField {
        stem: b.add_text_field(name, stem.clone()),
        raw: b.add_text_field(&format!("{name}_raw"), raw.clone()),
        weight,
    };
    let title = text("title", 3.0);
    let teaser = text("teaser", 1.5);
    let body = text("body", 1.0);
    let secret = text("secret", 1.0);
    let fields = Fields {
        title,
        teaser,
        body,
        secret,
        id: b.add_i64_field("id", INDEXED | FAST),
        version: b.add_i64_field("version", FAST),
        publish_at: b.add_i64_field("publish_at", INDEXED | FAST),
        journey: b.add_text_field("journey", STRING),
        tag: b.add_text_field("tag", STRING),
        key_verse: b.add_u64_field("key_verse", INDEXED),
        key_chapter: b.add_u64_field("key_chapter", INDEXED),
        cite_verse: b.add_u64_field("cite_verse", INDEXED),
        cite_chapter: b.add_u64_field("cite_chapter", INDEXED),
        stored: b.add_text_field("stored", STORED),
    };
    (b.build(), fields)
}

/// The chapter key (`BBCCC`) of a verse key.
pub(crate) fn chapter_of(key: u32) -> u32 {
    key / 1000
}

/// The keys a cited range is indexed under: whole chapters it covers, and the
/// verses of chapters it covers in part. At most `budget` keys in all.
pub(crate) fn cited_keys(
    range: Range,
    v: &Versification,
    chapters: &mut Vec<u64>,
    verses: &mut Vec<u64>,
    budget: &mut usize,
) {
    let (start, end) = range.keys();
    let mut chapter = chapter_of(start);
    while chapter <= chapter_of(end) && *budget > 0 {
        let book = abide_scripture::BookId::from_number(u8::try_from(chapter / 1000).unwrap_or(0));
        let number = u16::try_from(chapter % 1000).unwrap_or(0);
        let last = book
            .and_then(|b| VerseRef::chapter_end(b, number, v))
            .map(VerseRef::key);
        match last {
            Some(last) => {
                let first = chapter * 1000 + 1;
                let (a, z) = (start.max(first), end.min(last));
                if a <= first && z >= last {
                    chapters.push(u64::from(chapter));
                    *budget -= 1;
                } else {
                    for key in a..=z {
                        if *budget == 0 {
                            break;
                        }
                        verses.push(u64::from(key));
                        *budget -= 1;
                    }
                }
                chapter += 1;
            }
            // Past the book's last chapter: on to the next book.
            None => chapter = (chapter / 1000 + 1) * 1000 + 1,
        }
        if chapter / 1000 > 99 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(osis: &str) -> (Vec<u64>, Vec<u64>) {
        let (mut c, mut v, mut budget) = (Vec::new(), Vec::new(), MAX_CITED_KEYS);
        for r in abide_scripture::parse_osis(osis).unwrap() {
            cited_keys(r, Versification::kjv(), &mut c, &mut v, &mut budget);
        }
        (c, v)
    }

    #[test]
    fn whole_chapters_and_partial_ones() {
        assert_eq!(keys("Ps.46"), (vec![19_046], vec![]));
        assert_eq!(keys("Ps.46.10"), (vec![], vec![19_046_010]));
        let (c, v) = keys("Ps.46.10-Ps.48.2");
        assert_eq!(c, [19_047]);
        assert_eq!(v.first(), Some(&19_046_010));
        assert_eq!(v.last(), Some(&19_048_002));
        assert_eq!(v.len(), 2 + 2);
        // A book citation runs to its last chapter, then stops.
        let (c, v) = keys("Jude");
        assert_eq!((c, v.len()), (vec![65_001], 0));
        let (c, _) = keys("Gen.50-Exod.2");
        assert_eq!(c, [1_050, 2_001, 2_002]);
    }
}
