//! What a source says about itself: names, language, rights, and notes on
//! what the import left out.

/// What a source says about itself.
#[derive(Clone, Debug, Default)]
pub(crate) struct Hints {
    pub(crate) name: Option<String>,
    pub(crate) abbreviation: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) rights: Option<String>,
    pub(crate) licence: Option<String>,
    pub(crate) identifier: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) notes: Vec<String>,
}

impl Hints {
    /// Notes the books of the source that Abide's canon does not have.
    pub(crate) fn left_out_books<S: std::fmt::Display>(
        &mut self,
        books: impl IntoIterator<Item = S>,
    ) {
        for book in books {
            self.notes
                .push(format!("book {book}: not in Abide's canon; left out"));
        }
    }
}
