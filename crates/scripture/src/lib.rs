//! Scripture as data: the canon and its versification, the reference parser and
//! extractor, OSIS ids and human formatting, and (later) translations and passage
//! lookup. This crate knows nothing of HTTP, databases or mail.
#![deny(missing_docs)]
