//! Abide's domain: devotional journeys made of weeks of daily entries, with their
//! sections (reflection, Going Deeper, Application practices, Questions), tags
//! and authors; the authoring format (a folder per journey: `journey.toml` and
//! one Markdown file with TOML front matter per entry); validation that reports
//! every problem with its file and line; and rendering of Markdown to HTML with
//! every scripture citation linked and collected for the citation index.
//!
//! Main items: [`load_journey`] reads and validates a journey folder into a
//! [`Journey`] (with its [`Week`]s, [`Entry`]s and [`Author`]s);
//! [`render_markdown`] turns Markdown into [`Rendered`] HTML plus the
//! [`FoundCitation`]s in it; [`ContentError`] is one problem at one place.
//! This crate knows nothing of HTTP, databases or mail.

pub mod check;
mod error;
mod fingerprint;
mod form;
mod load;
mod markdown;
mod model;
mod slug;
mod source;

pub use error::{ContentError, ContentErrors};
pub use fingerprint::Fingerprint;
pub use form::{EntryForm, FormError, PracticeForm, new_journey_toml};
pub use load::{LoadOptions, load_entry_preview, load_journey, load_journey_source};
pub use markdown::{FoundCitation, Rendered, plain_text, render_markdown, render_markdown_after};
pub use model::{
    Author, CitationKind, Entry, EntryCitation, EntryKind, ImageFile, Journey, Practice, Tag,
    Visibility, Week,
};
pub use slug::{RESERVED_ENTRY_SLUGS, slugify};
pub use source::{
    JourneySource, MAX_SOURCE_FILE_BYTES, MAX_SOURCE_FILES, WeekTheme, is_entry_path, is_safe_path,
};
