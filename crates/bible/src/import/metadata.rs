//! What an import is told, and the translation's metadata it makes from that
//! and from what the source says about itself.

use super::Format;
use super::collect::Mapped;
use super::hints::Hints;
use crate::translation::{TranslationInfo, store};

/// What an import is told; what is not given is taken from the source
/// (its title, language, rights), or defaults.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ImportOptions {
    /// The new translation's id (see [`is_valid_id`](crate::is_valid_id)), e.g. `"web"`.
    pub id: String,
    /// Its full name.
    pub name: Option<String>,
    /// Its abbreviation (default: the id in capitals).
    pub abbreviation: Option<String>,
    /// Its language (default: from the source, else `en`).
    pub language: Option<String>,
    /// The licence in a few words, e.g. `"Public domain"` or `"Used by permission"`.
    pub licence: Option<String>,
    /// The rights statement to show with the text.
    pub statement: Option<String>,
    /// The format; `None` guesses it (see [`Format::detect`]).
    pub format: Option<Format>,
    /// Replace a translation with the same id.
    pub replace: bool,
}

impl ImportOptions {
    /// Options with this id and everything else from the source.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }
}

/// A text read from a source, mapped onto the default versification, not
/// yet written anywhere.
#[derive(Debug)]
pub struct ImportedText {
    mapped: Mapped,
    hints: Hints,
}

impl ImportedText {
    pub(crate) fn new(mapped: Mapped, hints: Hints) -> Self {
        Self { mapped, hints }
    }

    /// The number of verses with text.
    pub fn verse_count(&self) -> usize {
        self.mapped.verse_count
    }

    /// What was mapped or left out.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = self.hints.notes.clone();
        notes.extend(self.mapped.notes.iter().cloned());
        notes
    }

    /// The translation in memory, without writing a file: to look at an
    /// import before keeping it (and for the fuzz target).
    pub fn into_translation(
        self,
        options: &ImportOptions,
    ) -> Result<crate::Translation, crate::OpenError> {
        let (_, bytes) = self.into_file(options);
        crate::Translation::from_bytes(bytes)
    }

    /// Builds the translation file: metadata and compressed books.
    pub(crate) fn into_file(self, options: &ImportOptions) -> (TranslationInfo, Vec<u8>) {
        let notes = self.notes();
        let hints = self.hints;
        let info = TranslationInfo {
            id: options.id.clone(),
            name: options
                .name
                .clone()
                .or(hints.name)
                .unwrap_or_else(|| options.id.to_ascii_uppercase()),
            abbreviation: options
                .abbreviation
                .clone()
                .or(hints.abbreviation)
                .unwrap_or_else(|| options.id.to_ascii_uppercase()),
            language: options
                .language
                .clone()
                .or(hints.language)
                .unwrap_or_else(|| "en".to_owned()),
            licence: options
                .licence
                .clone()
                .or(hints.licence)
                .unwrap_or_default(),
            statement: options
                .statement
                .clone()
                .or(hints.rights)
                .unwrap_or_default(),
            source: hints.source.unwrap_or_default(),
            versification: "kjv".to_owned(),
            versification_notes: notes,
            absent: self.mapped.absent,
            books: self
                .mapped
                .books
                .iter()
                .filter_map(|b| abide_scripture::BookId::from_number(b.number))
                .map(|b| b.osis().to_owned())
                .collect(),
            verse_count: u32::try_from(self.mapped.verse_count).unwrap_or(u32::MAX),
            bundled: false,
        };
        let meta = serde_json::to_string(&info).unwrap_or_default();
        let bytes = store::write(&meta, &self.mapped.books);
        (info, bytes)
    }
}
