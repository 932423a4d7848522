//! `GET /search` (a page that works without JavaScript), `GET /api/search`
//! (the same answer as JSON, which the page's script uses for results as you
//! type) and `GET /opensearch.xml` (so browsers can add the site's search).
//!
//! One query is answered three ways at once: the entries it finds (words and
//! the passage it names, see `abide_search`), the passage itself when it
//! names one, and the verses of the default translation whose words match,
//! found by the very search `abide bible search` runs.

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

/// The whole answer, for the page and the JSON alike.
#[derive(Debug, Serialize)]
struct Answer {
    query: String,
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

/// Answers `params` for this viewer.
async fn answer(state: &AppState, member: bool, params: &Params) -> Result<Answer, AppError> {
    let query = abide_search::parse_query(&params.q);
    let page = params
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGE);
    let site = state.site().await?;
    let from = day_bound(params.from.as_deref(), &site.time_zone, false);
    let to = day_bound(params.to.as_deref(), &site.time_zone, true);
    let text = params.q.clone();
    let journey = params
        .journey
        .clone()
        .filter(|j| !j.is_empty() && j.len() <= 200);
    let tag = params
        .tag
        .clone()
        .filter(|t| !t.is_empty() && t.len() <= 200);
    let now = state.now_ms();
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
    Ok(Answer {
        query: params.q.clone(),
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
}
