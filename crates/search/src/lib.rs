//! Search of a site's entries, by words and by scripture, and the entries
//! related to one: a [tantivy] index kept beside the database and fed from it.
//!
//! The database is the source of truth; this crate only indexes the
//! [`Document`]s it is given and answers queries. [`SearchIndex::plan`] says
//! which documents are missing or stale against the database's `(id,
//! version)` pairs, [`SearchIndex::apply`] writes them in one commit, so a
//! reader sees the index before a change or after it, never half-way.
//!
//! A query ([`parse_query`]) is words, quoted phrases and at most one
//! scripture reference, found by the reference engine wherever it stands
//! ("thirsty psalm 63", "jn 15 5"). Words match stemmed (`stillness` finds
//! `still`), the word being typed also as the start of a longer one, and
//! words of five letters or more with one typo (two from nine letters).
//! A reference matches the entries whose citations overlap it, key-passage
//! citations ranked first. Words must all match; when together they match
//! nothing, any of them will do and the results say so.
//!
//! Members-only text is indexed in fields of its own that a guest's query
//! never names: it cannot match, be counted or show in a snippet for a
//! guest. What a guest may read of such an entry (title, summary, tags,
//! journey, author, key passage) is searchable by everyone.

mod highlight;
mod query;
mod schema;

use std::collections::HashMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock};

use abide_scripture::{Range, Versification};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, MoreLikeThisQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use query::{
    MAX_QUERY_BYTES, MAX_TERMS, ParsedQuery, QueryReference, parse_query, truncate_query,
};

use highlight::Matcher;
use schema::{Fields, TextField};

/// Memory the index writer may use before it flushes a segment.
const WRITER_BYTES: usize = 30_000_000;
/// Most results one request may ask for.
pub const MAX_LIMIT: usize = 50;
/// Deepest result one request may page to.
pub const MAX_OFFSET: usize = 1_000;
/// The file beside tantivy's that says which schema made the index.
const MARKER: &str = "abide-search.json";

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Another process holds the index (a server is running on it).
    #[error(
        "the search index at {0} is in use by another process (stop the server that uses it, or run this on the server)"
    )]
    Busy(PathBuf),
    /// The index could not be read or written.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A file of the index could not be read or written.
    #[error("search index at {path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A stored document is not what this version wrote.
    #[error("search index: a stored document cannot be read: {0}")]
    Stored(#[from] serde_json::Error),
}

/// A citation of an entry, as verse keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cited {
    /// First verse key (`BBCCCVVV`).
    pub start: u32,
    /// Last verse key.
    pub end: u32,
    /// Whether it is the entry's key passage.
    pub key: bool,
}

/// An entry as the index takes it in. The caller leaves out what nobody may
/// find (entries of unlisted journeys).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// What a search result shows.
    pub card: Card,
    /// Changes whenever anything indexed changes (see [`SearchIndex::plan`]).
    pub version: i64,
    /// The reflection, Going Deeper, practices and questions, as plain text.
    pub text: String,
    /// Its tags' names (their slugs are on the card).
    pub tag_names: Vec<String>,
    /// Its citations.
    pub citations: Vec<Cited>,
}

/// An entry as a result shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// Row id of the entry.
    pub id: i64,
    /// The journey's slug.
    pub journey_slug: String,
    /// The journey's title.
    pub journey_title: String,
    /// The entry's slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// The summary everyone may read.
    pub summary: String,
    /// Key passage as written.
    pub key_passage: Option<String>,
    /// Key passage as OSIS.
    pub key_osis: Option<String>,
    /// Week number.
    pub week: i64,
    /// Day within the week.
    pub day: i64,
    /// Publish time (ms); a result appears only from then on.
    pub publish_at: i64,
    /// Whether only members may read its text (the entry, or its journey).
    pub members_only: bool,
    /// Tag slugs.
    pub tags: Vec<String>,
    /// The author's name.
    pub author: Option<String>,
}

impl Card {
    /// The entry's address on the site.
    pub fn path(&self) -> String {
        format!("/journeys/{}/{}", self.journey_slug, self.slug)
    }
}

/// What is stored with each indexed entry.
#[derive(Serialize, Deserialize)]
struct Stored {
    card: Card,
    text: String,
    citations: Vec<Cited>,
}

/// A search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest<'q> {
    /// As typed.
    pub text: &'q str,
    /// Whether a member asks (members read members-only text).
    pub member: bool,
    /// Now (ms): entries published later are not found.
    pub now: i64,
    /// Only this journey (slug).
    pub journey: Option<&'q str>,
    /// Only entries with this tag (slug).
    pub tag: Option<&'q str>,
    /// Only entries published at or after (ms).
    pub from: Option<i64>,
    /// Only entries published at or before (ms).
    pub to: Option<i64>,
    /// Results to skip (at most [`MAX_OFFSET`]).
    pub offset: usize,
    /// Results to return (at most [`MAX_LIMIT`]).
    pub limit: usize,
}

/// One entry found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The entry.
    pub card: Card,
    /// Relevance; comparable within one result list.
    pub score: f32,
    /// The title as HTML, the matching words in `<mark>`.
    pub title_html: String,
    /// A stretch of the text the viewer may read, as HTML with `<mark>`s.
    pub snippet_html: String,
    /// How it cites the passage searched for, if it does: `key` or `inline`.
    pub cites: Option<&'static str>,
}

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// How the query was read.
    #[serde(skip)]
    pub parsed: ParsedQuery,
    /// Entries found in all.
    pub total: usize,
    /// The page asked for, best first.
    pub hits: Vec<Hit>,
    /// True when no entry held every word, and these hold some of them.
    pub relaxed: bool,
}

/// How [`SearchIndex::open`] found the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// As left, with this many entries.
    Existing(usize),
    /// Made empty: there was none.
    Created,
    /// Made empty again, for this reason (damaged, or by another version).
    Reset(String),
}

/// What [`SearchIndex::plan`] found to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Entries to (re)index: new, or changed since indexed.
    pub stale: Vec<i64>,
    /// Entries indexed that the database no longer holds (or hides).
    pub gone: Vec<i64>,
}

impl Plan {
    /// Whether the index is current.
    pub fn is_empty(&self) -> bool {
        self.stale.is_empty() && self.gone.is_empty()
    }
}

/// The index of a site's entries.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// Indexed entries and their versions.
    versions: RwLock<HashMap<i64, i64>>,
    /// Whether it has been brought up to date with the database once since
    /// it was opened (until then searches are refused, never half-answered).
    ready: AtomicBool,
    dir: Option<PathBuf>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("entries", &self.len())
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// An index in memory (tests, and sites without a data folder).
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, fields) = schema::build();
        Self::with_index(Index::create_in_ram(schema), fields, None)
    }

    /// Opens the index in `dir`, creating it when there is none, and making it
    /// anew (empty) when it is damaged or was made by another version; the
    /// caller then fills it from the database ([`plan`](Self::plan)).
    pub fn open(dir: &Path) -> Result<(Self, Opened), SearchError> {
        let io = |source| SearchError::Io {
            path: dir.to_owned(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let marker = dir.join(MARKER);
        let expected = serde_json::json!({ "schema": schema::SCHEMA_VERSION }).to_string();
        let has_files = std::fs::read_dir(dir).map_err(io)?.next().is_some();
        let reason = match std::fs::read_to_string(&marker) {
            Ok(found) if found == expected => None,
            Ok(_) => Some("it was made by another version".to_owned()),
            Err(_) if has_files => Some("it is incomplete".to_owned()),
            Err(_) => None,
        };
        if reason.is_none() && has_files {
            // A damaged file can make tantivy panic rather than fail: that
            // too is damage, and the index is made anew.
            let opened =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Self::open_existing(dir)))
                    .unwrap_or_else(|_| {
                        Err(tantivy::TantivyError::SystemError("reading it panicked".into()).into())
                    });
            match opened {
                Ok(index) => {
                    let n = index.len();
                    return Ok((index, Opened::Existing(n)));
                }
                Err(SearchError::Busy(p)) => return Err(SearchError::Busy(p)),
                Err(e) => {
                    return Self::reset(dir, &marker, &expected, format!("it is damaged ({e})"));
                }
            }
        }
        match reason {
            Some(reason) => Self::reset(dir, &marker, &expected, reason),
            None => {
                let index = Self::create(dir, &marker, &expected)?;
                Ok((index, Opened::Created))
            }
        }
    }

    fn open_existing(dir: &Path) -> Result<Self, SearchError> {
        let (schema, fields) = schema::build();
        let directory = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
        let index = Index::open(directory)?;
        if index.schema() != schema {
            return Err(tantivy::TantivyError::SchemaError("another schema".into()).into());
        }
        let damaged = index.validate_checksum()?;
        if !damaged.is_empty() {
            return Err(tantivy::TantivyError::SystemError(format!(
                "{} file(s) fail their checksum",
                damaged.len()
            ))
            .into());
        }
        Self::with_index(index, fields, Some(dir.to_owned()))
    }

    fn create(dir: &Path, marker: &Path, expected: &str) -> Result<Self, SearchError> {
        let (schema, fields) = schema::build();
        let directory = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
        let index = Index::create(directory, schema, tantivy::IndexSettings::default())?;
        let made = Self::with_index(index, fields, Some(dir.to_owned()))?;
        std::fs::write(marker, expected).map_err(|source| SearchError::Io {
            path: marker.to_owned(),
            source,
        })?;
        Ok(made)
    }

    fn reset(
        dir: &Path,
        marker: &Path,
        expected: &str,
        reason: String,
    ) -> Result<(Self, Opened), SearchError> {
        tracing::warn!(dir = %dir.display(), %reason, "making the search index anew");
        std::fs::remove_dir_all(dir)
            .and_then(|()| std::fs::create_dir_all(dir))
            .map_err(|source| SearchError::Io {
                path: dir.to_owned(),
                source,
            })?;
        let index = Self::create(dir, marker, expected)?;
        Ok((index, Opened::Reset(reason)))
    }

    fn with_index(index: Index, fields: Fields, dir: Option<PathBuf>) -> Result<Self, SearchError> {
        index
            .tokenizers()
            .register(schema::STEM, schema::stem_analyzer());
        index
            .tokenizers()
            .register(schema::RAW, schema::raw_analyzer());
        let writer = match index.writer_with_num_threads(1, WRITER_BYTES) {
            Ok(w) => w,
            Err(tantivy::TantivyError::LockFailure(..)) => {
                return Err(SearchError::Busy(dir.unwrap_or_default()));
            }
            Err(e) => return Err(e.into()),
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let made = Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            versions: RwLock::new(HashMap::new()),
            ready: AtomicBool::new(false),
            dir,
        };
        let versions = made.read_versions()?;
        *made.versions.write().unwrap_or_else(|e| e.into_inner()) = versions;
        Ok(made)
    }

    /// Every indexed entry's version, read from the index.
    fn read_versions(&self) -> Result<HashMap<i64, i64>, SearchError> {
        let searcher = self.reader.searcher();
        let mut out = HashMap::new();
        for segment in searcher.segment_readers() {
            let ids = segment.fast_fields().i64("id")?;
            let versions = segment.fast_fields().i64("version")?;
            for doc in segment.doc_ids_alive() {
                if let (Some(id), Some(v)) = (ids.first(doc), versions.first(doc)) {
                    out.insert(id, v);
                }
            }
        }
        Ok(out)
    }

    /// Entries indexed.
    pub fn len(&self) -> usize {
        self.versions.read().map_or(0, |v| v.len())
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where the index lives, when on disk.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Which state of the index searches see now: it changes with every
    /// change searches can see, so an answer kept from an earlier
    /// generation may be out of date.
    pub fn generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    /// Whether it has been brought up to date once since it was opened.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Says that the index is up to date with the database: searches may
    /// be answered from now on.
    pub fn mark_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }

    /// What to do to follow the database, given every entry it holds that
    /// may be found, with its version.
    pub fn plan(&self, current: &[(i64, i64)]) -> Plan {
        let indexed = self.versions.read().unwrap_or_else(|e| e.into_inner());
        let mut plan = Plan::default();
        let mut live = std::collections::HashSet::with_capacity(current.len());
        for &(id, version) in current {
            live.insert(id);
            if indexed.get(&id) != Some(&version) {
                plan.stale.push(id);
            }
        }
        plan.gone = indexed
            .keys()
            .filter(|id| !live.contains(id))
            .copied()
            .collect();
        plan.gone.sort_unstable();
        plan
    }

    /// Indexes `upsert` (replacing what was indexed for them) and removes
    /// `remove`, in one commit.
    pub fn apply(&self, upsert: &[Document], remove: &[i64]) -> Result<(), SearchError> {
        if upsert.is_empty() && remove.is_empty() {
            return Ok(());
        }
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        for id in remove.iter().chain(upsert.iter().map(|d| &d.card.id)) {
            writer.delete_term(Term::from_field_i64(self.fields.id, *id));
        }
        for doc in upsert {
            writer.add_document(self.tantivy_doc(doc)?)?;
        }
        if let Err(e) = writer.commit() {
            let _ = writer.rollback();
            return Err(e.into());
        }
        self.reader.reload()?;
        let mut versions = self.versions.write().unwrap_or_else(|e| e.into_inner());
        for id in remove {
            versions.remove(id);
        }
        for doc in upsert {
            versions.insert(doc.card.id, doc.version);
        }
        Ok(())
    }

    /// Empties the index and indexes `docs`, in one commit: until it ends,
    /// searches see the index as it was. `progress` hears of each document.
    pub fn rebuild(
        &self,
        docs: impl IntoIterator<Item = Document>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        writer.delete_all_documents()?;
        let mut versions = HashMap::new();
        for (i, doc) in docs.into_iter().enumerate() {
            writer.add_document(self.tantivy_doc(&doc)?)?;
            versions.insert(doc.card.id, doc.version);
            progress(i + 1);
        }
        if let Err(e) = writer.commit() {
            let _ = writer.rollback();
            return Err(e.into());
        }
        self.reader.reload()?;
        *self.versions.write().unwrap_or_else(|e| e.into_inner()) = versions;
        Ok(())
    }

    fn tantivy_doc(&self, doc: &Document) -> Result<TantivyDocument, SearchError> {
        let f = &self.fields;
        let card = &doc.card;
        let mut d = TantivyDocument::new();
        d.add_i64(f.id, card.id);
        d.add_i64(f.version, doc.version);
        d.add_i64(f.publish_at, card.publish_at);
        d.add_text(f.journey, &card.journey_slug);
        for tag in &card.tags {
            d.add_text(f.tag, tag);
        }
        let mut add = |field: TextField, text: &str| {
            d.add_text(field.stem, text);
            d.add_text(field.raw, text);
        };
        add(f.title, &card.title);
        let mut teaser = card.summary.clone();
        for extra in doc
            .tag_names
            .iter()
            .chain([&card.journey_title])
            .chain(card.author.as_ref())
            .chain(card.key_passage.as_ref())
        {
            teaser.push_str(" \n ");
            teaser.push_str(extra);
        }
        add(f.teaser, &teaser);
        add(if card.members_only { f.secret } else { f.body }, &doc.text);
        let v = Versification::kjv();
        let mut budget = schema::MAX_CITED_KEYS;
        let (mut kc, mut kv, mut cc, mut cv) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for c in &doc.citations {
            let Some(range) = Range::from_keys(c.start, c.end) else {
                continue;
            };
            if c.key {
                schema::cited_keys(range, v, &mut kc, &mut kv, &mut budget);
            } else {
                schema::cited_keys(range, v, &mut cc, &mut cv, &mut budget);
            }
        }
        for (field, keys) in [
            (f.key_chapter, kc),
            (f.key_verse, kv),
            (f.cite_chapter, cc),
            (f.cite_verse, cv),
        ] {
            let mut keys = keys;
            keys.sort_unstable();
            keys.dedup();
            for k in keys {
                d.add_u64(field, k);
            }
        }
        let stored = Stored {
            card: card.clone(),
            text: doc.text.clone(),
            citations: doc.citations.clone(),
        };
        d.add_text(f.stored, serde_json::to_string(&stored)?);
        Ok(d)
    }

    fn analyzer(&self, name: &str) -> TextAnalyzer {
        self.index.tokenizers().get(name).unwrap_or_else(|| {
            if name == schema::STEM {
                schema::stem_analyzer()
            } else {
                schema::raw_analyzer()
            }
        })
    }

    /// The text fields a viewer's query may name.
    fn text_fields(&self, member: bool) -> Vec<TextField> {
        let f = &self.fields;
        let mut out = vec![f.title, f.teaser, f.body];
        if member {
            out.push(f.secret);
        }
        out
    }

    /// Answers a search. Empty when the query holds nothing to search for.
    pub fn search(&self, req: &SearchRequest<'_>) -> Result<SearchResults, SearchError> {
        let parsed = parse_query(req.text);
        let limit = req.limit.min(MAX_LIMIT);
        let offset = req.offset.min(MAX_OFFSET);
        let mut stem = self.analyzer(schema::STEM);
        let mut raw = self.analyzer(schema::RAW);
        let fields = self.text_fields(req.member);

        let mut matcher = Matcher::default();
        let mut word_clauses: Vec<Box<dyn Query>> = Vec::new();
        let n_words = parsed.words.len();
        for (i, word) in parsed.words.iter().enumerate() {
            let last = i + 1 == n_words && parsed.last_is_prefix;
            for (s, r) in analyzed(&mut stem, &mut raw, word) {
                word_clauses.push(word_query(&fields, &s, &r, last, &mut matcher));
            }
        }
        for phrase in &parsed.phrases {
            let stems: Vec<String> = analyzed(&mut stem, &mut raw, phrase)
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            match stems.len() {
                0 => {}
                1 => {
                    matcher.stems.insert(stems[0].clone());
                    word_clauses.push(exact_word(&fields, &stems[0]));
                }
                _ => {
                    let per_field: Vec<Box<dyn Query>> = fields
                        .iter()
                        .map(|f| {
                            let terms = stems
                                .iter()
                                .map(|s| Term::from_field_text(f.stem, s))
                                .collect();
                            Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), f.weight))
                                as Box<dyn Query>
                        })
                        .collect();
                    matcher.stems.extend(stems);
                    word_clauses.push(Box::new(BooleanQuery::union(per_field)));
                }
            }
        }
        let reference = parsed
            .reference
            .as_ref()
            .map(|r| self.passage_query(&r.ranges));
        if word_clauses.is_empty() && reference.is_none() {
            return Ok(SearchResults {
                parsed,
                total: 0,
                hits: Vec::new(),
                relaxed: false,
            });
        }
        let filters = self.filters(req);
        let searcher = self.reader.searcher();
        let mut relaxed = false;
        let attempt = |all_words: bool| -> Result<_, SearchError> {
            let words: Option<Box<dyn Query>> = match word_clauses.len() {
                0 => None,
                _ if all_words => Some(Box::new(BooleanQuery::intersection(
                    word_clauses.iter().map(|q| q.box_clone()).collect(),
                ))),
                _ => Some(Box::new(BooleanQuery::union(
                    word_clauses.iter().map(|q| q.box_clone()).collect(),
                ))),
            };
            let matching: Box<dyn Query> = match (&reference, words) {
                (Some(r), None) => r.box_clone(),
                (None, Some(w)) => w,
                // Both: either may match; entries matching both rank first.
                (Some(r), Some(w)) => {
                    let both = BooleanQuery::intersection(vec![r.box_clone(), w.box_clone()]);
                    Box::new(BooleanQuery::union(vec![
                        r.box_clone(),
                        w,
                        Box::new(BoostQuery::new(Box::new(both), 2.0)),
                    ]))
                }
                // Not reached: a query without either returned above.
                (None, None) => Box::new(tantivy::query::EmptyQuery),
            };
            let mut clauses = vec![(Occur::Must, matching)];
            clauses.extend(filters.iter().map(|q| (Occur::Must, q.box_clone())));
            let query = BooleanQuery::new(clauses);
            let (total, top) = searcher.search(
                &query,
                &(
                    Count,
                    TopDocs::with_limit(limit.max(1))
                        .and_offset(offset)
                        .order_by_score(),
                ),
            )?;
            Ok((total, top))
        };
        let (mut total, mut top) = attempt(true)?;
        if total == 0 && word_clauses.len() > 1 {
            (total, top) = attempt(false)?;
            relaxed = total > 0;
        }
        if limit == 0 {
            top.clear();
        }
        let wanted = parsed.reference.as_ref().map(|r| {
            r.ranges
                .iter()
                .map(|range| range.keys())
                .collect::<Vec<_>>()
        });
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(stored) = doc.get_first(self.fields.stored).and_then(|v| v.as_str()) else {
                continue;
            };
            let stored: Stored = serde_json::from_str(stored)?;
            let readable = req.member || !stored.card.members_only;
            let snippet_html = readable
                .then(|| highlight::snippet(&stored.text, &mut stem, &mut raw, &matcher, 160))
                .flatten()
                .or_else(|| {
                    highlight::snippet(&stored.card.summary, &mut stem, &mut raw, &matcher, 160)
                })
                .unwrap_or_else(|| {
                    let mut html = String::new();
                    let source = if readable && stored.card.summary.is_empty() {
                        &stored.text
                    } else {
                        &stored.card.summary
                    };
                    highlight::escape_into(query::truncate(source, 240), &mut html);
                    if source.len() > 240 {
                        html.push('…');
                    }
                    html
                });
            let cites = wanted.as_ref().and_then(|wanted| {
                let overlaps = |c: &&Cited| wanted.iter().any(|&(s, e)| c.start <= e && c.end >= s);
                let found: Vec<&Cited> = stored.citations.iter().filter(overlaps).collect();
                if found.iter().any(|c| c.key) {
                    Some("key")
                } else if found.is_empty() {
                    None
                } else {
                    Some("inline")
                }
            });
            hits.push(Hit {
                title_html: highlight::mark_all(&stored.card.title, &mut stem, &mut raw, &matcher),
                snippet_html,
                cites,
                score,
                card: stored.card,
            });
        }
        Ok(SearchResults {
            parsed,
            total,
            hits,
            relaxed,
        })
    }

    /// Entries citing any verse of `ranges`: key-passage citations weigh
    /// most. Constant scores, so that a passage ranks by how it is cited.
    fn passage_query(&self, ranges: &[Range]) -> Box<dyn Query> {
        let f = &self.fields;
        let mut parts: Vec<Box<dyn Query>> = Vec::new();
        for range in ranges {
            let (start, end) = range.keys();
            let chapters = (
                u64::from(schema::chapter_of(start)),
                u64::from(schema::chapter_of(end)),
            );
            let verses = (u64::from(start), u64::from(end));
            for (field, (a, b), score) in [
                (f.key_verse, verses, 20.0),
                (f.key_chapter, chapters, 20.0),
                (f.cite_verse, verses, 8.0),
                (f.cite_chapter, chapters, 8.0),
            ] {
                let q = RangeQuery::new(
                    Bound::Included(Term::from_field_u64(field, a)),
                    Bound::Included(Term::from_field_u64(field, b)),
                );
                parts.push(Box::new(ConstScoreQuery::new(Box::new(q), score)));
            }
        }
        // A key citation also counts as a citation: the best of the two.
        Box::new(tantivy::query::DisjunctionMaxQuery::new(parts))
    }

    fn filters(&self, req: &SearchRequest<'_>) -> Vec<Box<dyn Query>> {
        let f = &self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let upper = req.to.map_or(req.now, |to| to.min(req.now));
        let lower = req.from.map_or(Bound::Unbounded, |from| {
            Bound::Included(Term::from_field_i64(f.publish_at, from))
        });
        out.push(Box::new(RangeQuery::new(
            lower,
            Bound::Included(Term::from_field_i64(f.publish_at, upper)),
        )));
        if let Some(journey) = req.journey {
            out.push(Box::new(TermQuery::new(
                Term::from_field_text(f.journey, journey),
                IndexRecordOption::Basic,
            )));
        }
        if let Some(tag) = req.tag {
            out.push(Box::new(TermQuery::new(
                Term::from_field_text(f.tag, tag),
                IndexRecordOption::Basic,
            )));
        }
        out
    }

    /// Entries related to entry `id`: those citing the same passages (its key
    /// passage most), sharing its tags, and whose words are like its own;
    /// published by `now`, at most `limit`. A guest's list is chosen from
    /// what a guest may read of each entry.
    pub fn related(
        &self,
        id: i64,
        member: bool,
        now: i64,
        limit: usize,
    ) -> Result<Vec<Card>, SearchError> {
        let limit = limit.min(MAX_LIMIT);
        let searcher = self.reader.searcher();
        let this = TermQuery::new(
            Term::from_field_i64(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let found = searcher.search(&this, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = found.first() else {
            return Ok(Vec::new());
        };
        let doc: TantivyDocument = searcher.doc(*address)?;
        let Some(stored) = doc.get_first(self.fields.stored).and_then(|v| v.as_str()) else {
            return Ok(Vec::new());
        };
        let stored: Stored = serde_json::from_str(stored)?;
        let f = &self.fields;
        let mut should: Vec<Box<dyn Query>> = Vec::new();
        for c in &stored.citations {
            if let Some(range) = Range::from_keys(c.start, c.end) {
                let boost = if c.key { 3.0 } else { 1.0 };
                should.push(Box::new(BoostQuery::new(
                    self.passage_query(&[range]),
                    boost,
                )));
            }
        }
        for tag in &stored.card.tags {
            should.push(Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(f.tag, tag),
                    IndexRecordOption::Basic,
                )),
                15.0,
            )));
        }
        let readable = member || !stored.card.members_only;
        let mut like = vec![(
            f.title.stem,
            vec![OwnedValue::Str(stored.card.title.clone())],
        )];
        like.push((
            f.teaser.stem,
            vec![OwnedValue::Str(stored.card.summary.clone())],
        ));
        if readable {
            let field = if stored.card.members_only {
                f.secret.stem
            } else {
                f.body.stem
            };
            like.push((field, vec![OwnedValue::Str(stored.text.clone())]));
        }
        should.push(Box::new(BoostQuery::new(
            Box::new(
                MoreLikeThisQuery::builder()
                    .with_min_doc_frequency(1)
                    .with_min_term_frequency(1)
                    .with_max_query_terms(25)
                    .with_min_word_length(3)
                    .with_document_fields(like),
            ),
            1.0,
        )));
        let request = SearchRequest {
            member,
            now,
            ..SearchRequest::default()
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::union(should))),
            (Occur::MustNot, Box::new(this)),
        ];
        clauses.extend(self.filters(&request).into_iter().map(|q| (Occur::Must, q)));
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit.max(1)).order_by_score(),
        )?;
        let mut out = Vec::new();
        for (_, address) in top.into_iter().take(limit) {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(s) = doc.get_first(self.fields.stored).and_then(|v| v.as_str()) {
                out.push(serde_json::from_str::<Stored>(s)?.card);
            }
        }
        Ok(out)
    }
}

/// `text`'s words as (stem, raw) pairs.
fn analyzed(stem: &mut TextAnalyzer, raw: &mut TextAnalyzer, text: &str) -> Vec<(String, String)> {
    let mut raws = Vec::new();
    let mut r = raw.token_stream(text);
    while let Some(t) = r.next() {
        raws.push(t.text.clone());
    }
    let mut out = Vec::new();
    let mut s = stem.token_stream(text);
    let mut i = 0;
    while let Some(t) = s.next() {
        out.push((
            t.text.clone(),
            raws.get(i).cloned().unwrap_or_else(|| t.text.clone()),
        ));
        i += 1;
    }
    out
}

/// A word matched only as itself (stemmed), in every field given.
fn exact_word(fields: &[TextField], stem: &str) -> Box<dyn Query> {
    Box::new(BooleanQuery::union(
        fields
            .iter()
            .map(|f| {
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.stem, stem),
                        IndexRecordOption::WithFreqs,
                    )),
                    f.weight,
                )) as Box<dyn Query>
            })
            .collect(),
    ))
}

/// One word of a query: its stem (full score), the start of a longer word when
/// it is being typed, and near misses for longer words (lower scores).
fn word_query(
    fields: &[TextField],
    stem: &str,
    raw: &str,
    typing: bool,
    m: &mut Matcher,
) -> Box<dyn Query> {
    m.stems.insert(stem.to_owned());
    let mut parts: Vec<Box<dyn Query>> = vec![exact_word(fields, stem)];
    let letters = raw.chars().count();
    let distance: u8 = match letters {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    };
    if typing && letters >= 2 {
        m.prefix = Some(raw.to_owned());
        for f in fields {
            let q = FuzzyTermQuery::new_prefix(Term::from_field_text(f.raw, raw), 0, true);
            parts.push(Box::new(BoostQuery::new(Box::new(q), 0.5 * f.weight)));
        }
    }
    if distance > 0 {
        m.fuzzy.push((raw.to_owned(), distance));
        for f in fields {
            let q = FuzzyTermQuery::new(Term::from_field_text(f.raw, raw), distance, true);
            parts.push(Box::new(BoostQuery::new(Box::new(q), 0.3 * f.weight)));
        }
    }
    Box::new(BooleanQuery::union(parts))
}
