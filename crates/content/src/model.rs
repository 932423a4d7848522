use jiff::Timestamp;
use serde::Serialize;

/// Who may see a journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Everyone; listed on the site and in feeds.
    Public,
    /// Reachable by its address, but not listed, not in feeds or the sitemap.
    Unlisted,
    /// Members only (signed-in readers).
    Members,
}

impl Visibility {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Unlisted => "unlisted",
            Self::Members => "members",
        }
    }

    /// The visibility with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "public" => Self::Public,
            "unlisted" => Self::Unlisted,
            "members" => Self::Members,
            _ => return None,
        })
    }
}

/// What an entry is within its week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// The week's opening.
    Introduction,
    /// One day's reading.
    Day,
    /// The week's recap.
    Recap,
}

impl EntryKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Introduction => "introduction",
            Self::Day => "day",
            Self::Recap => "recap",
        }
    }

    /// The kind with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "introduction" | "intro" => Self::Introduction,
            "day" => Self::Day,
            "recap" => Self::Recap,
            _ => return None,
        })
    }
}

/// A tag: its display name and its slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Tag {
    /// The slug, for URLs (`/tags/stillness`).
    pub slug: String,
    /// As the author wrote it.
    pub name: String,
}

impl Tag {
    /// A tag named `name`, with its slug.
    pub fn new(name: &str) -> Self {
        Self {
            slug: crate::slugify(name),
            name: name.trim().to_owned(),
        }
    }
}

/// A person who writes entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    /// The slug, for URLs (`/authors/ruth-miller`).
    pub slug: String,
    /// The name shown.
    pub name: String,
    /// A short biography, rendered HTML.
    pub bio_html: String,
}

/// A practice a reader can do and log: "Five minutes of stillness".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Practice {
    /// The practice, rendered inline HTML.
    pub html: String,
    /// A suggested duration, in minutes.
    pub minutes: Option<u32>,
}

/// How a citation appears in an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CitationKind {
    /// The entry's key passage.
    Key,
    /// Cited in the text.
    Inline,
}

impl CitationKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Key => "key",
            Self::Inline => "inline",
        }
    }

    /// The kind with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "key" => Self::Key,
            "inline" => Self::Inline,
            _ => return None,
        })
    }
}

/// One citation of an entry, for the citation index: a closed range of verse
/// keys (`BBCCCVVV`), its kind, and where it stands in the entry's source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryCitation {
    /// First verse key.
    pub start: u32,
    /// Last verse key.
    pub end: u32,
    /// Key passage or inline.
    pub kind: CitationKind,
    /// Byte span in the entry's source file.
    pub span: (usize, usize),
    /// The citation's OSIS (the whole citation it belongs to).
    pub osis: String,
}

/// A day, an introduction or a recap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The slug, unique within the journey.
    pub slug: String,
    /// The week it belongs to (1-based).
    pub week: u32,
    /// Introduction, day or recap.
    pub kind: EntryKind,
    /// The day within the week (1-based) for days; 0 for an introduction, and
    /// one past the last day for a recap.
    pub day: u32,
    /// The title.
    pub title: String,
    /// One or two sentences for lists, feeds and link previews (plain text).
    pub summary: String,
    /// The key passage as the author wrote it ("James 4:8").
    pub key_passage: Option<String>,
    /// The key passage as OSIS ("Jas.4.8").
    pub key_osis: Option<String>,
    /// The reflection, rendered HTML with citations linked.
    pub body_html: String,
    /// Going Deeper, rendered HTML, if any.
    pub going_deeper_html: Option<String>,
    /// The Application's practices.
    pub practices: Vec<Practice>,
    /// The Questions, rendered inline HTML.
    pub questions: Vec<String>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// The author's slug, if any.
    pub author: Option<String>,
    /// When it appears on the site.
    pub publish_at: Timestamp,
    /// Only for signed-in members.
    pub members_only: bool,
    /// Every citation, key passage first.
    pub citations: Vec<EntryCitation>,
    /// The file it came from, relative to the journey folder.
    pub source_path: String,
    /// A fingerprint of the file, to notice changes.
    pub source_hash: String,
    /// Number of words of the reflection, Going Deeper and questions.
    pub word_count: usize,
}

/// An image file from a journey folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFile {
    /// The file name, e.g. `cover.jpg`.
    pub name: String,
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub content_type: &'static str,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// One week of a journey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Week {
    /// 1-based.
    pub number: u32,
    /// The week's theme, shown as its title.
    pub theme: String,
    /// An introduction, rendered HTML (may be empty).
    pub introduction_html: String,
}

/// A devotional journey: weeks of daily entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Journey {
    /// The slug (`/journeys/intimacy-with-god`).
    pub slug: String,
    /// The title.
    pub title: String,
    /// A paragraph about it (plain text).
    pub summary: String,
    /// The cover image given as a URL (`https://…` or a path on the site).
    pub cover_image: Option<String>,
    /// The cover image given as a file of the journey folder.
    #[serde(skip)]
    pub cover_file: Option<ImageFile>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Who may see it.
    pub visibility: Visibility,
    /// Its weeks, in order.
    pub weeks: Vec<Week>,
    /// Its entries, in reading order.
    pub entries: Vec<Entry>,
    /// The authors its entries name.
    pub authors: Vec<Author>,
    /// A fingerprint of the whole folder.
    pub source_hash: String,
    /// The name of its folder (`come-and-rest`): what identifies the journey
    /// when its slug changes.
    #[serde(skip)]
    pub folder: String,
    /// The files it was loaded from, which the store keeps.
    #[serde(skip)]
    pub source: crate::source::JourneySource,
}
