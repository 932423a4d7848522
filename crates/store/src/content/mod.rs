//! Published content: importing journeys (one transaction, idempotent) and the
//! read side the pages use. SQL that is more than a line lives in `sql/`.

mod admin;
mod import;
mod outline;
mod query;
mod search;
mod slugs;
mod sources;

pub use admin::{EntryAdmin, JourneyAdmin, StoredSourceRef};
pub use import::{ImportOptions, ImportReport};
pub(crate) use outline::{Outline, Outlines};
pub use query::{
    AuthorView, CitingEntry, EntryCard, EntryView, JourneyCard, PracticeView, SitemapItem, TagRef,
    WeekView,
};
pub use search::SearchSource;
pub use slugs::Moved;
pub use sources::{Origin, REVISIONS_KEPT, Revision, RevisionInfo, SourceFileInfo, StoredSource};
