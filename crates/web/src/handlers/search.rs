//! `GET /search` (a page that works without JavaScript), `GET /api/search`
//! (the same answer as JSON, which the page's script uses for results as you
//! type) and `GET /opensearch.xml` (so browsers can add the site's search).
//!
//! One query is answered three ways at once: the entries it finds (words and
//! the passage it names, see `abide_search`), the passage itself when it
//! names one, and the verses of the default translation whose words match,
//! found by the very search `abide bible search` runs.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use abide_scripture::{Style, Versification};
use abide_search::{Hit, SearchRequest};

use crate::account::session::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

/// Entries per page.
const PER_PAGE: usize = 10;
/// Verses shown beside the entries.
const VERSES: usize = 5;
/// Verses of a passage named by the query shown before "read it all".
const PASSAGE_VERSES: u32 = 3;
/// Deepest page.
const MAX_PAGE: usize = abide_search::MAX_OFFSET / PER_PAGE;

/// The query string. Every field is text, read leniently: a page number or
/// date that does not parse is ignored rather than refused.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Params {
    #[serde(default)]
    q: String,
    journey: Option<String>,
    tag: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

/// A verse whose words match.
#[derive(Debug, Serialize)]
struct VerseHit {
    reference: String,
    url: String,
    /// HTML, the matching words in `<mark>`.
    html: String,
}

/// The passage the query names.
#[derive(Debug, Serialize)]
struct PassageHit {
    reference: String,
    url: String,
    /// Its first verses, plain.
    text: String,
    /// Whether there is more than `text` shows.
    more: bool,
    translation: String,
}

/// The whole answer, for the page and the JSON alike: the query as asked,
/// and what was found for it (which a guest may share with other guests).
#[derive(Debug, Serialize)]
struct Answer {
    query: String,
    #[serde(flatten)]
    found: Shared,
}

/// What a query finds, kept for guests by [`GuestAnswers`].
#[derive(Debug, Serialize)]
pub(crate) struct Found {
    total: usize,
    relaxed: bool,
    page: usize,
    pages: usize,
    entries: Vec<EntryHit>,
    passage: Option<PassageHit>,
    verses: Vec<VerseHit>,
    verses_total: usize,
    /// The translation verses are searched in.
    verses_translation: String,
}

#[derive(Debug, Clone)]
struct Shared(Arc<Found>);

impl Serialize for Shared {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Bytes the guest answers may take in all.
const GUEST_ANSWER_BYTES: u64 = 8 << 20;
/// Most guest answers kept.
const GUEST_ANSWERS: u64 = 4096;
/// Longest a guest answer is kept, in ms, even when nothing changes (a
/// bound on any staleness this cache has not foreseen).
const GUEST_ANSWER_MS: i64 = 60_000;

/// A query, normalised, as the answer cache tells queries apart: what
/// `answer` reads of the parameters, and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct AnswerKey {
    /// The query as `abide_search::parse_query` reads it; see [`query_key`].
    q: String,
    journey: Option<String>,
    tag: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
    page: usize,
}

/// The query text as the search reads it: cut to the bytes it reads, without
/// the leading spaces it ignores, with trailing spaces (which say that the
/// last word is finished) made one. Between words, spaces are kept as they
/// are: inside a quoted phrase they are part of the phrase.
fn query_key(q: &str) -> String {
    let q = abide_search::truncate_query(q).trim_start();
    let words = q.trim_end();
    if words.len() < q.len() {
        format!("{words} ")
    } else {
        words.to_owned()
    }
}

struct Kept {
    found: Arc<Found>,
    /// The index generation it was found in.
    generation: u64,
    /// Until when it holds (ms): the next scheduled entry appears then.
    until: i64,
}

/// The answers of recent guest queries: a guest's answer is every guest's,
/// since guests all see the same entries. Kept until the index changes (its
/// generation), the next scheduled entry appears, or `GUEST_ANSWER_MS`
/// passes; bounded in entries and bytes. A signed-in reader's answer is
/// never kept nor served from here: members see members-only entries.
pub(crate) struct GuestAnswers {
    kept: quick_cache::sync::Cache<AnswerKey, Arc<Kept>, KeptWeight>,
}

/// An answer's weight in bytes, at least the share (`.0`) of one answer.
#[derive(Clone)]
struct KeptWeight(u64);

impl quick_cache::Weighter<AnswerKey, Arc<Kept>> for KeptWeight {
    fn weight(&self, key: &AnswerKey, kept: &Arc<Kept>) -> u64 {
        // At least one share of the budget, so that there are never more
        // answers than shares.
        (key.q.len() as u64 + kept.found.bytes()).max(self.0)
    }
}

impl GuestAnswers {
    pub(crate) fn new() -> Self {
        Self::with_budget(GUEST_ANSWERS, GUEST_ANSWER_BYTES)
    }

    fn with_budget(entries: u64, bytes: u64) -> Self {
        Self {
            kept: quick_cache::sync::Cache::with_weighter(
                usize::try_from(entries).unwrap_or(1024),
                bytes,
                KeptWeight(bytes / entries.max(1)),
            ),
        }
    }

    fn get(&self, key: &AnswerKey, generation: u64, now: i64) -> Option<Arc<Found>> {
        let kept = self.kept.get(key)?;
        if kept.generation == generation && now < kept.until {
            Some(Arc::clone(&kept.found))
        } else {
            self.kept.remove(key);
            None
        }
    }

    fn put(&self, key: AnswerKey, found: Arc<Found>, generation: u64, until: i64) {
        self.kept.insert(
            key,
            Arc::new(Kept {
                found,
                generation,
                until,
            }),
        );
    }

    /// Drops every answer (they are stale once the index changed).
    pub(crate) fn clear(&self) {
        self.kept.clear();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.kept.len()
    }

    #[cfg(test)]
    fn weight(&self) -> u64 {
        self.kept.weight()
    }
}

impl Found {
    /// About the bytes it takes in memory.
    fn bytes(&self) -> u64 {
        let entries: usize = self
            .entries
            .iter()
            .map(|e| {
                e.url.len()
                    + e.title_html.len()
                    + e.snippet_html.len()
                    + e.journey_title.len()
                    + e.journey_url.len()
                    + e.key_passage.as_ref().map_or(0, String::len)
                    + 96
            })
            .sum();
        let verses: usize = self
            .verses
            .iter()
            .map(|v| v.reference.len() + v.url.len() + v.html.len() + 72)
            .sum();
        let passage = self.passage.as_ref().map_or(0, |p| {
            p.reference.len() + p.url.len() + p.text.len() + p.translation.len() + 104
        });
        (entries + verses + passage + self.verses_translation.len() + 256) as u64
    }
}

#[derive(Debug, Serialize)]
struct EntryHit {
    url: String,
    title_html: String,
    snippet_html: String,
    journey_title: String,
    journey_url: String,
    key_passage: Option<String>,
    publish_at: i64,
    members_only: bool,
    cites: Option<&'static str>,
}

impl EntryHit {
    fn of(hit: Hit) -> Self {
        Self {
            url: hit.card.path(),
            journey_url: format!("/journeys/{}", hit.card.journey_slug),
            title_html: hit.title_html,
            snippet_html: hit.snippet_html,
            journey_title: hit.card.journey_title,
            key_passage: hit.card.key_passage,
            publish_at: hit.card.publish_at,
            members_only: hit.card.members_only,
            cites: hit.cites,
        }
    }
}

/// The start (`end == false`) or end of a `YYYY-MM-DD` day in the site's
/// time zone, in ms; `None` for anything else.
fn day_bound(day: Option<&str>, zone: &str, end: bool) -> Option<i64> {
    let date: jiff::civil::Date = day?.trim().parse().ok()?;
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let day = if end { date.tomorrow().ok()? } else { date };
    let at = day.to_zoned_datetime(tz).ok()?.timestamp().as_millisecond();
    let at = if end { at - 1 } else { at };
    Some(at)
}

/// Answers `params` for this viewer: a guest from the answers kept for
/// guests when it can.
async fn answer(state: &AppState, member: bool, params: &Params) -> Result<Answer, AppError> {
    let page = params
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGE);
    let site = state.site().await?;
    let key = AnswerKey {
        q: query_key(&params.q),
        journey: params
            .journey
            .clone()
            .filter(|j| !j.is_empty() && j.len() <= 200),
        tag: params
            .tag
            .clone()
            .filter(|t| !t.is_empty() && t.len() <= 200),
        from: day_bound(params.from.as_deref(), &site.time_zone, false),
        to: day_bound(params.to.as_deref(), &site.time_zone, true),
        page,
    };
    let answers = state.search().answers();
    let now = state.now_ms();
    // Read before the search: an answer found while the index changes is
    // kept under the older generation, so it is never served.
    let generation = state.search().index().generation();
    if !member && let Some(found) = answers.get(&key, generation, now) {
        return Ok(Answer {
            query: params.q.clone(),
            found: Shared(found),
        });
    }
    let found = Arc::new(find(state, member, &params.q, key.clone(), now).await?);
    if !member && let Some(next) = state.cache().next_publish() {
        let until = next.min(now.saturating_add(GUEST_ANSWER_MS));
        if now < until {
            answers.put(key, Arc::clone(&found), generation, until);
        }
    }
    Ok(Answer {
        query: params.q.clone(),
        found: Shared(found),
    })
}

/// Searches: entries, the passage named, matching verses.
async fn find(
    state: &AppState,
    member: bool,
    q: &str,
    key: AnswerKey,
    now: i64,
) -> Result<Found, AppError> {
    let query = abide_search::parse_query(q);
    let AnswerKey {
        journey,
        tag,
        from,
        to,
        page,
        ..
    } = key;
    let text = q.to_owned();
    let st = state.clone();
    let words = query.words_text();
    let reference = query.reference.clone();
    // Entries and verses are CPU work: a few at a time, the rest refused.
    let (results, verses, passage) = state
        .heavy()
        .run(move || {
            let index = st.search().index();
            let results = index.search(&SearchRequest {
                text: &text,
                member,
                now,
                journey: journey.as_deref(),
                tag: tag.as_deref(),
                from,
                to,
                offset: (page - 1) * PER_PAGE,
                limit: PER_PAGE,
            });
            let translation = st.library().default_translation();
            let verses = if words.trim().is_empty() {
                None
            } else {
                translation.search(&words, VERSES).ok()
            };
            let passage = reference.and_then(|r| {
                let v = Versification::kjv();
                let first = abide_scripture::first_verses(&r.ranges, PASSAGE_VERSES, v);
                let all: u32 = r.ranges.iter().map(|range| range.verse_count(v)).sum();
                let shown = translation.passage(&first).ok()?;
                let text = shown
                    .verses
                    .iter()
                    .map(|verse| verse.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                Some(PassageHit {
                    reference: abide_scripture::format_ranges(&r.ranges, Style::Full),
                    url: format!("/bible/{}", abide_scripture::to_osis(&r.ranges)),
                    text,
                    more: all > PASSAGE_VERSES,
                    translation: translation.info().attribution(),
                })
            });
            (results, verses, passage)
        })
        .await?;
    let results = results.map_err(|e| {
        tracing::error!(error = %e, "search failed");
        AppError::Panic
    })?;
    let (verses, verses_total) = match verses {
        Some(found) => (
            found
                .hits
                .iter()
                .map(|h| {
                    let mut html = String::new();
                    let mut at = 0;
                    for span in &h.highlights {
                        html.push_str(&crate::filters::escape_html(&h.text[at..span.start]));
                        html.push_str("<mark>");
                        html.push_str(&crate::filters::escape_html(&h.text[span.clone()]));
                        html.push_str("</mark>");
                        at = span.end;
                    }
                    html.push_str(&crate::filters::escape_html(&h.text[at..]));
                    let range = abide_scripture::Range::verse(h.reference);
                    VerseHit {
                        reference: abide_scripture::format_range(range, Style::Full),
                        url: format!("/bible/{}", h.reference),
                        html,
                    }
                })
                .collect(),
            found.total,
        ),
        None => (Vec::new(), 0),
    };
    let pages = results.total.div_ceil(PER_PAGE).min(MAX_PAGE);
    Ok(Found {
        total: results.total,
        relaxed: results.relaxed,
        page,
        pages,
        entries: results.hits.into_iter().map(EntryHit::of).collect(),
        passage,
        verses,
        verses_total,
        verses_translation: state.library().default_translation().info().name.clone(),
    })
}

/// Refuses while the index has not yet been brought up to date once.
fn ready(state: &AppState) -> Result<(), AppError> {
    state.nudge_search();
    if state.search().index().is_ready() {
        Ok(())
    } else {
        Err(AppError::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "Search is getting ready",
            "The search index is being built. Please try again in a moment.",
        ))
    }
}

/// `GET /search`.
pub(crate) async fn page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Result<Response, AppError> {
    let member = signed_in.session();
    let asked = !params.q.trim().is_empty();
    let found = if asked {
        ready(&state)?;
        Some(answer(&state, member.is_some(), &params).await?)
    } else {
        None
    };
    let now = state.now_ms();
    let journeys = state.store().journeys(now).await?;
    let tags = state.store().tags(now).await?;
    let html = state
        .render(
            "search.html",
            context! {
                path => "/search",
                q => params.q.trim(),
                journey => params.journey,
                tag => params.tag,
                from => params.from,
                to => params.to,
                found => found.map(Serde),
                journeys => journeys.iter().map(|j| context! { slug => &j.slug, title => &j.title }).collect::<Vec<_>>(),
                tags => tags.iter().map(|(t, _)| context! { slug => &t.slug, name => &t.name }).collect::<Vec<_>>(),
                member => member.map(|s| Serde(&s.user)),
            },
        )
        .await?;
    Ok(with_policy(Html(html).into_response(), &headers))
}

/// `GET /api/search`: the same answer as JSON.
pub(crate) async fn api(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Result<Response, AppError> {
    if params.q.trim().is_empty() {
        return Ok((
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": "say what to search for: ?q=" })),
        )
            .into_response());
    }
    if ready(&state).is_err() {
        let mut response = (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "error": "the search index is being built; try again shortly" })),
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        return Ok(response);
    }
    let found = answer(&state, signed_in.session().is_some(), &params).await?;
    Ok(with_policy(Json(found).into_response(), &headers))
}

/// A member's results are theirs alone; a guest's may be kept by a cache on
/// the way, asked again each time.
fn with_policy(mut response: Response, headers: &HeaderMap) -> Response {
    let policy = if crate::viewer::may_be_member(headers) {
        "private, no-store"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// `GET /opensearch.xml`.
pub(crate) async fn opensearch(State(state): State<AppState>) -> Result<Response, AppError> {
    let xml = state.render("opensearch.xml", context! {}).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/opensearchdescription+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_the_site_zone() {
        let start = day_bound(Some("2026-03-08"), "America/New_York", false).unwrap();
        let end = day_bound(Some("2026-03-08"), "America/New_York", true).unwrap();
        // The day of the spring change has 23 hours.
        assert_eq!(end - start + 1, 23 * 3600 * 1000);
        assert_eq!(day_bound(Some("yesterday"), "UTC", false), None);
        assert_eq!(day_bound(None, "UTC", false), None);
    }

    #[test]
    fn query_keys_keep_what_the_search_reads() {
        assert_eq!(query_key("  be still"), "be still");
        assert_eq!(query_key("be still \t "), "be still ");
        assert_eq!(query_key("\"be  still\""), "\"be  still\"");
        let long = "word ".repeat(100);
        assert_eq!(query_key(&long).len(), abide_search::MAX_QUERY_BYTES);
    }

    proptest::proptest! {
        /// A query reads as its key does, so queries with one key are one
        /// query to the search (the answer depends on nothing else of `q`).
        #[test]
        fn a_query_reads_as_its_key(
            q in "([ \t\u{3000}]{0,3}[\"“”]?(psalm|jn|[a-zé0-9:]{1,6})[ \t\u{3000}\"”]{0,3}){0,8}",
            repeat in 1usize..40,
        ) {
            for q in [q.clone(), q.repeat(repeat)] {
                let key = query_key(&q);
                proptest::prop_assert_eq!(
                    abide_search::parse_query(&q),
                    abide_search::parse_query(&key),
                    "{:?} as {:?}", q, key
                );
            }
        }
    }

    fn found(snippet: &str) -> Arc<Found> {
        Arc::new(Found {
            total: 1,
            relaxed: false,
            page: 1,
            pages: 1,
            entries: vec![EntryHit {
                url: "/journeys/j/e".into(),
                title_html: "Title".into(),
                snippet_html: snippet.into(),
                journey_title: "J".into(),
                journey_url: "/journeys/j".into(),
                key_passage: None,
                publish_at: 0,
                members_only: false,
                cites: None,
            }],
            passage: None,
            verses: Vec::new(),
            verses_total: 0,
            verses_translation: "ASV".into(),
        })
    }

    fn key(q: &str) -> AnswerKey {
        AnswerKey {
            q: query_key(q),
            journey: None,
            tag: None,
            from: None,
            to: None,
            page: 1,
        }
    }

    #[test]
    fn kept_answers_hold_for_their_generation_and_time() {
        let answers = GuestAnswers::new();
        answers.put(key("rest"), found("a"), 7, 1_000);
        assert!(answers.get(&key("  rest"), 7, 999).is_some());
        assert!(
            answers.get(&key("rest "), 7, 999).is_none(),
            "another query"
        );
        assert!(
            answers.get(&key("rest"), 8, 999).is_none(),
            "the index moved"
        );
        assert!(
            answers.get(&key("rest"), 7, 999).is_none(),
            "and it is gone"
        );
        answers.put(key("rest"), found("a"), 7, 1_000);
        assert!(answers.get(&key("rest"), 7, 1_000).is_none(), "time is up");
        answers.put(key("rest"), found("a"), 7, 1_000);
        answers.clear();
        assert_eq!(answers.len(), 0);
    }

    #[test]
    fn kept_answers_are_bounded_in_number_and_bytes() {
        let answers = GuestAnswers::with_budget(16, 64 * 1024);
        for i in 0..200 {
            answers.put(key(&format!("q{i}")), found("small"), 1, i64::MAX);
        }
        assert!(answers.len() <= 16, "{}", answers.len());
        let big = "x".repeat(16 * 1024);
        for i in 0..200 {
            answers.put(key(&format!("big{i}")), found(&big), 1, i64::MAX);
        }
        assert!(answers.weight() <= 64 * 1024, "{}", answers.weight());
        assert!(answers.len() <= 4, "{}", answers.len());
    }
}
