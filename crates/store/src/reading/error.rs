use jiff::civil::Date;

/// Why an operation on a member's journey, journal or practice log was
/// refused. Nothing is written when one of these is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadingError {
    /// No journey has this slug, or none of its entries is published yet.
    #[error("no published journey {0:?}")]
    UnknownJourney(String),
    /// The member does not follow this journey.
    #[error("you do not follow the journey {0:?}")]
    NotFollowing(String),
    /// The journey has no published entry with this slug.
    #[error("the journey {journey:?} has no published entry {entry:?}")]
    UnknownEntry {
        /// The journey's slug.
        journey: String,
        /// The entry's slug.
        entry: String,
    },
    /// The entry is an introduction or a recap, not a day of the journey.
    #[error("{entry:?} is not one of the days of the journey {journey:?}")]
    NotAStep {
        /// The journey's slug.
        journey: String,
        /// The entry's slug.
        entry: String,
    },
    /// A date outside the years 1000 to 9000.
    #[error("the date {0} is out of range")]
    DateOutOfRange(Date),
    /// A journal item that is not `q<n>`, `p<n>` or `note`.
    #[error(
        "unknown journal item {0:?}: expected q1, q2, ... (a question), p1, ... (a practice) or note"
    )]
    BadItem(String),
    /// A question or practice the entry does not have.
    #[error(
        "the entry {entry:?} has no {item} (it has {questions} question(s) and {practices} practice(s))"
    )]
    NoSuchItem {
        /// The entry's slug.
        entry: String,
        /// What was asked for, e.g. `q3`.
        item: String,
        /// How many questions the entry has.
        questions: usize,
        /// How many practices it has.
        practices: usize,
    },
    /// A journal text longer than [`MAX_JOURNAL_CHARS`](crate::MAX_JOURNAL_CHARS).
    #[error("the text is too long: at most {max} characters")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A journal text with a control character other than a line break or a tab.
    #[error("the text contains a control character (U+{0:04X})")]
    ControlCharacter(u32),
    /// A practice time outside one second to one day.
    #[error("a practice lasts from 1 second to 86400 seconds (a day), not {0}")]
    BadDuration(i64),
}
