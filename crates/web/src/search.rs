//! The search index of this node, following the database.
//!
//! Each node keeps its own index (in memory, or on disk in its data folder)
//! and brings it up to date from the database: at start, whenever the
//! content version (bumped by every import that changes something, on any
//! node) moves, and when a search notices that it has moved. Bringing it up
//! to date compares every findable entry's `(id, version)` with the index's
//! and (re)indexes only what differs, in commits that readers see whole.
//! Until the first one ends, searches are answered "getting ready" (503),
//! never from a half-built index.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use abide_search::{Card, Cited, Document, SearchIndex};
use abide_store::{SearchSource, Store};

use crate::error::AppError;
use crate::handlers::search::GuestAnswers;
use crate::state::AppState;

/// Entries read from the database and indexed per commit.
const CHUNK: usize = 1_000;

/// This node's index and what it was last brought up to date with.
pub(crate) struct SearchState {
    index: Arc<SearchIndex>,
    /// Held while the index is being brought up to date; holds the content
    /// version it was last brought up to date with.
    synced: tokio::sync::Mutex<Option<i64>>,
    /// When a search last asked the database for the content version (ms).
    last_check: AtomicI64,
    /// Recent guests' answers, valid for the index's current generation.
    answers: GuestAnswers,
}

/// What one bringing up to date did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchSync {
    /// Entries (re)indexed.
    pub indexed: usize,
    /// Entries taken out.
    pub removed: usize,
}

impl SearchState {
    pub(crate) fn new(index: Arc<SearchIndex>) -> Self {
        Self {
            index,
            synced: tokio::sync::Mutex::new(None),
            last_check: AtomicI64::new(i64::MIN),
            answers: GuestAnswers::new(),
        }
    }

    pub(crate) fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    pub(crate) fn answers(&self) -> &GuestAnswers {
        &self.answers
    }
}

impl AppState {
    /// Brings this node's search index up to date with the database, if the
    /// content changed since it last did (or it never did). One at a time:
    /// a second caller waits for the first and then finds nothing to do.
    pub async fn sync_search(&self) -> Result<SearchSync, AppError> {
        let search = self.search();
        let mut synced = search.synced.lock().await;
        // Read before the entries: a change made while they are read moves
        // it again, and the next check catches that change.
        let version = self.store().content_version().await?;
        if *synced == Some(version) {
            return Ok(SearchSync::default());
        }
        let done = bring_up_to_date(self.store(), search.index()).await?;
        *synced = Some(version);
        let first = !search.index().is_ready();
        search.index().mark_ready();
        if done != SearchSync::default() {
            // Stale already (another generation): free their memory now.
            search.answers().clear();
        }
        if first || done != SearchSync::default() {
            // Pages list related readings from the index (none before it
            // was ready): render them again.
            self.cache().clear();
        }
        if done != SearchSync::default() {
            tracing::info!(
                indexed = done.indexed,
                removed = done.removed,
                entries = search.index().len(),
                "search index brought up to date"
            );
        }
        Ok(done)
    }

    /// Starts bringing the index up to date in the background when the
    /// content version may have moved (asked at most once a
    /// `cache_check_every`). A search does not wait for it.
    pub(crate) fn nudge_search(&self) {
        let search = self.search();
        let now = self.now_ms();
        let every = i64::try_from(self.config().cache_check_every.as_millis()).unwrap_or(i64::MAX);
        let last = search.last_check.load(Ordering::Relaxed);
        if last != i64::MIN && now.saturating_sub(last) < every {
            return;
        }
        if search
            .last_check
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        let state = self.clone();
        tokio::spawn(async move {
            if let Err(e) = state.sync_search().await {
                tracing::warn!(error = %e, "cannot bring the search index up to date");
            }
        });
    }
}

/// Compares the index with the database and applies the difference.
async fn bring_up_to_date(store: &Store, index: &Arc<SearchIndex>) -> Result<SearchSync, AppError> {
    let versions = store.search_versions().await?;
    let plan = index.plan(&versions);
    let mut done = SearchSync::default();
    for ids in plan.stale.chunks(CHUNK) {
        let docs: Vec<Document> = store
            .search_sources(ids)
            .await?
            .into_iter()
            .map(document)
            .collect();
        done.indexed += docs.len();
        let index = Arc::clone(index);
        apply(move || index.apply(&docs, &[])).await?;
    }
    if !plan.gone.is_empty() {
        done.removed = plan.gone.len();
        let index = Arc::clone(index);
        let gone = plan.gone;
        apply(move || index.apply(&[], &gone)).await?;
    }
    Ok(done)
}

async fn apply(
    work: impl FnOnce() -> Result<(), abide_search::SearchError> + Send + 'static,
) -> Result<(), AppError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the search index cannot be written");
            Err(AppError::Panic)
        }
        Err(_) => Err(AppError::Panic),
    }
}

/// Rebuilds `index` from the database, all of it in one commit (for `abide
/// search reindex`). `progress` hears of (done, total).
pub async fn rebuild_search(
    store: &Store,
    index: Arc<SearchIndex>,
    mut progress: impl FnMut(usize, usize) + Send + 'static,
) -> Result<usize, RebuildError> {
    let ids: Vec<i64> = store
        .search_versions()
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let total = ids.len();
    let mut docs = Vec::with_capacity(total);
    for chunk in ids.chunks(CHUNK) {
        docs.extend(store.search_sources(chunk).await?.into_iter().map(document));
        progress(docs.len() / 2, total);
    }
    let n = docs.len();
    tokio::task::spawn_blocking(move || {
        index.rebuild(docs, &mut |i| {
            if i % 100 == 0 || i == n {
                progress((n + i) / 2, total);
            }
        })
    })
    .await
    .map_err(|e| RebuildError::Other(e.to_string()))??;
    Ok(n)
}

/// Why [`rebuild_search`] failed.
#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    /// The database.
    #[error(transparent)]
    Store(#[from] abide_store::StoreError),
    /// The index.
    #[error(transparent)]
    Search(#[from] abide_search::SearchError),
    /// The indexing thread.
    #[error("{0}")]
    Other(String),
}

/// An entry as the index takes it in.
pub(crate) fn document(s: SearchSource) -> Document {
    let mut text = html_text(&s.body_html);
    if let Some(deeper) = &s.going_deeper_html {
        text.push_str("\n\n");
        text.push_str(&html_text(deeper));
    }
    for html in json_html(&s.practices_json, true)
        .into_iter()
        .chain(json_html(&s.questions_json, false))
    {
        text.push_str("\n\n");
        text.push_str(&html_text(&html));
    }
    Document {
        card: Card {
            id: s.id,
            journey_slug: s.journey_slug,
            journey_title: s.journey_title,
            slug: s.slug,
            title: s.title,
            summary: s.summary,
            key_passage: s.key_passage,
            key_osis: s.key_osis,
            week: s.week,
            day: s.day,
            publish_at: s.publish_at,
            members_only: s.members_only,
            tags: s.tags.iter().map(|(slug, _)| slug.clone()).collect(),
            author: s.author,
        },
        version: s.version,
        text: text.trim().to_owned(),
        tag_names: s.tags.into_iter().map(|(_, name)| name).collect(),
        citations: s
            .citations
            .into_iter()
            .map(|(start, end, key)| Cited { start, end, key })
            .collect(),
    }
}

/// The HTML strings of a stored JSON list: practices (`[{"html": ...}]`) or
/// questions (`["..."]`). Anything else reads as nothing.
fn json_html(json: &str, objects: bool) -> Vec<String> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str(json) else {
        return Vec::new();
    };
    items
        .into_iter()
        .filter_map(|item| {
            if objects {
                item.get("html")?.as_str().map(str::to_owned)
            } else {
                item.as_str().map(str::to_owned)
            }
        })
        .collect()
}

/// The text of HTML that Abide rendered itself: tags dropped (block ends
/// become spaces), entities decoded.
pub(crate) fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let tag = &rest[..end];
            let name = tag
                .trim_start_matches(['<', '/'])
                .split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or("");
            if matches!(
                name,
                "p" | "br"
                    | "li"
                    | "ul"
                    | "ol"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "blockquote"
                    | "div"
                    | "tr"
                    | "td"
                    | "th"
                    | "pre"
            ) {
                out.push(' ');
            }
            rest = &rest[end..];
        } else {
            // `;` is ASCII: its byte position is a character boundary.
            let end = rest.as_bytes()[..rest.len().min(12)]
                .iter()
                .position(|&b| b == b';');
            let decoded = end.and_then(|e| entity(&rest[1..e]));
            match (end, decoded) {
                (Some(e), Some(c)) => {
                    out.push(c);
                    rest = &rest[e + 1..];
                }
                _ => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_of_html() {
        assert_eq!(
            html_text(
                "<p>Be <em>still</em> &amp; know (<a href=\"/bible/Ps.46.10\">Ps 46:10</a>).</p><p>Rest&#8217;s &#x2014; here</p>"
            ),
            " Be still & know (Ps 46:10).  Rest’s — here "
        );
        assert_eq!(html_text("a & b &unknown; <"), "a & b &unknown; ");
    }

    proptest::proptest! {
        #[test]
        fn text_of_any_html_never_panics(s in "\\PC{0,200}") {
            let _ = html_text(&s);
        }
    }
}
