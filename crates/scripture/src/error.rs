//! Errors of this crate.

use thiserror::Error;

/// Why a string is not one scripture reference (see [`crate::parse`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input was empty or only whitespace.
    #[error("empty reference")]
    Empty,
    /// The input does not start with a book name.
    #[error("no book name at the start of {0:?}")]
    NoBook(String),
    /// A book was named but what follows is not chapter and verse.
    #[error("cannot read {rest:?} after the reference")]
    Trailing {
        /// The text that could not be read.
        rest: String,
    },
    /// The reference names a chapter or verse that does not exist, e.g.
    /// `John 22:1` or `Ps 152`.
    #[error("{0:?} names a chapter or verse that does not exist")]
    NotInVersification(String),
}

/// Why a string is not an OSIS reference (see [`crate::parse_osis`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum OsisError {
    /// Not of the form `Book`, `Book.C` or `Book.C.V`, optionally `-` another.
    #[error("not an OSIS reference: {0:?}")]
    Syntax(String),
    /// The book id is not one of the canon's OSIS ids.
    #[error("unknown OSIS book id {0:?}")]
    UnknownBook(String),
    /// The chapter or verse does not exist in the default versification.
    #[error("{0:?} does not exist in the default versification")]
    NotInVersification(String),
    /// The end comes before the start.
    #[error("{0:?} ends before it starts")]
    Reversed(String),
}
