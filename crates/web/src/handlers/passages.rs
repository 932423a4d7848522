use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use serde_json::json;

use abide_scripture::{Range, Style, Versification};

use crate::error::AppError;
use crate::limits::Limits;
use crate::passage::{TranslationView, view};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub(crate) struct TranslationQuery {
    translation: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct LookupQuery {
    #[serde(rename = "ref")]
    reference: Option<String>,
}

/// Passages up to this many verses are built on the async thread that asked;
/// larger ones go through the heavy-work gate.
const INLINE_VERSES: u32 = 200;

/// Most entries listed as citing a passage.
const CITING_LIMIT: usize = 100;

/// Ranges in their canonical form (each verse once), or why a page will not
/// show them: too many separate ranges, or too many verses.
fn bounded(ranges: &[Range], limits: &Limits) -> Result<(Vec<Range>, u32), String> {
    let v = Versification::kjv();
    let ranges = abide_scripture::normalize_ranges(ranges, v);
    if ranges.len() > limits.passage_ranges {
        return Err(format!(
            "That asks for {} separate passages; a page shows up to {}.",
            grouped(ranges.len() as u64),
            grouped(limits.passage_ranges as u64)
        ));
    }
    let verses: u32 = ranges.iter().map(|r| r.verse_count(v)).sum();
    if verses > limits.passage_verses {
        return Err(format!(
            "{} has {} verses; a page shows up to {}. Read it a chapter at a time.",
            abide_scripture::format_ranges(&ranges, Style::Full),
            grouped(u64::from(verses)),
            grouped(u64::from(limits.passage_verses))
        ));
    }
    Ok((ranges, verses))
}

/// 31102 as "31,102".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `GET /bible`: the verse of the day, a box to look up any passage, and the
/// translations. `?ref=John 3:16` goes to that passage.
pub(crate) async fn index(
    State(state): State<AppState>,
    Query(query): Query<LookupQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let mut problem = None;
    if let Some(reference) = query
        .reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        match abide_scripture::parse(reference) {
            Ok(citation) => match bounded(&citation.ranges, &state.config().limits) {
                Ok((ranges, _)) => {
                    let osis = abide_scripture::to_osis(&ranges);
                    return Ok(Redirect::to(&format!("/bible/{osis}")).into_response());
                }
                Err(why) => problem = Some(why),
            },
            Err(e) => problem = Some(e.to_string()),
        }
    }
    let site = state.site().await?;
    let now = state.store().clock().now();
    let today = now
        .in_tz(&site.time_zone)
        .unwrap_or_else(|_| now.to_zoned_datetime(jiff::tz::TimeZone::UTC))
        .date();
    let range = state.library().verse_of_the_day(
        i32::from(today.year()),
        today.month().unsigned_abs(),
        today.day().unsigned_abs(),
    );
    let translation = state.translation_for(&headers, uri.query().unwrap_or(""));
    let verse = view(translation, &[range]).ok();
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = state
        .render(
            "bible.html",
            context! {
                path => "/bible",
                verse => Serde(verse),
                problem,
                asked => query.reference,
            },
        )
        .await?;
    Ok((status, Html(html)).into_response())
}

/// `GET /bible/{osis}`: the passage in the reader's translation (or
/// `?translation=`), and every entry that cites any verse of it, key-passage
/// citations first. One address per passage: repeated or overlapping ranges
/// are merged and the request redirected there.
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(osis): Path<String>,
    Query(query): Query<TranslationQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let asked = abide_scripture::parse_osis(&osis).map_err(|_| AppError::NotFound)?;
    if asked.is_empty() {
        return Err(AppError::NotFound);
    }
    let translation = state.translation_for(&headers, uri.query().unwrap_or(""));
    let current = translation.id().to_owned();
    let limits = &state.config().limits;
    let (ranges, verses) = match bounded(&asked, limits) {
        Ok(bounded) => bounded,
        Err(why) => return refused(&state, &asked, &why).await,
    };
    let canonical = abide_scripture::to_osis(&ranges);
    if canonical != osis {
        // One address per passage; a translation kept only if we have it.
        let target = match query
            .translation
            .as_deref()
            .and_then(abide_bible::normalize_id)
            .filter(|t| state.library().get(t).is_some())
        {
            Some(t) => format!("/bible/{canonical}?translation={t}"),
            None => format!("/bible/{canonical}"),
        };
        return Ok(Redirect::permanent(&target).into_response());
    }
    let reference = abide_scripture::format_ranges(&ranges, Style::Full);

    // The text: large passages off the async threads, a few at a time.
    let passage = if verses <= INLINE_VERSES {
        view(translation, &ranges)
    } else {
        let (st, id, r) = (state.clone(), current.clone(), ranges.clone());
        state
            .heavy()
            .run(move || {
                let t = st
                    .library()
                    .get(&id)
                    .unwrap_or_else(|| st.library().default_translation());
                view(t, &r)
            })
            .await?
    };
    let missing = passage.as_ref().err().map(ToString::to_string);

    // Entries citing any verse of the passage, in one query.
    let keys: Vec<(u32, u32)> = ranges.iter().map(|r| r.keys()).collect();
    let citing = state
        .store()
        .entries_citing_any(&keys, state.now_ms(), CITING_LIMIT)
        .await?;

    // The whole chapter, and the chapters around it, for a one-chapter passage.
    let first = ranges[0].start;
    let last = ranges[ranges.len() - 1].end;
    let one_chapter = first.book == last.book && first.chapter == last.chapter;
    let versification = Versification::kjv();
    let chapter_osis = |book: abide_scripture::BookId, chapter: u16| {
        Range::chapter(book, chapter, versification).map(|r| abide_scripture::to_osis(&[r]))
    };
    let whole_chapter = one_chapter
        .then(|| chapter_osis(first.book, first.chapter))
        .flatten();
    let is_whole_chapter = whole_chapter.as_deref() == Some(canonical.as_str());
    let prev_chapter = (is_whole_chapter && first.chapter > 1)
        .then(|| chapter_osis(first.book, first.chapter - 1))
        .flatten();
    let next_chapter = is_whole_chapter
        .then(|| chapter_osis(first.book, first.chapter + 1))
        .flatten();

    let html = state
        .render(
            "passage.html",
            context! {
                path => format!("/bible/{canonical}"),
                osis => canonical,
                reference,
                passage => Serde(passage.ok()),
                missing,
                current,
                citing => Serde(citing),
                whole_chapter => if is_whole_chapter { None } else { whole_chapter },
                prev_chapter,
                next_chapter,
            },
        )
        .await?;
    Ok(Html(html).into_response())
}

/// The passage page for a passage too large to show: why, and where to start.
async fn refused(state: &AppState, asked: &[Range], why: &str) -> Result<Response, AppError> {
    let v = Versification::kjv();
    let first = asked[0].start;
    let start = Range::chapter(first.book, first.chapter, v).map(|r| {
        (
            abide_scripture::to_osis(&[r]),
            abide_scripture::format_range(r, Style::Full),
        )
    });
    let html = state
        .render(
            "passage.html",
            context! {
                path => "/bible",
                status => 422,
                reference => "Too long for one page",
                missing => why,
                start => start.as_ref().map(|s| &s.0),
                start_reference => start.as_ref().map(|s| &s.1),
            },
        )
        .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

/// Longest passage the popover shows before pointing to the passage page.
const POPOVER_VERSES: u32 = 8;

/// `GET /api/passages/{osis}`: the passage as JSON, for verse popovers and
/// other tools: reference, translation, verses (number and plain text). Only
/// the verses sent are looked up.
pub(crate) async fn api(
    State(state): State<AppState>,
    Path(osis): Path<String>,
    Query(query): Query<TranslationQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let Ok(asked) = abide_scripture::parse_osis(&osis) else {
        return api_error(
            StatusCode::NOT_FOUND,
            &format!("{osis:?} is not a passage (expected OSIS like John.3.16)"),
        );
    };
    if let Some(id) = &query.translation
        && state.library().get(id).is_none()
    {
        return api_error(StatusCode::NOT_FOUND, &format!("no translation {id:?}"));
    }
    let v = Versification::kjv();
    let ranges = abide_scripture::normalize_ranges(&asked, v);
    let limits = &state.config().limits;
    if ranges.len() > limits.passage_ranges {
        return api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!(
                "{} separate passages; at most {} in one request",
                ranges.len(),
                limits.passage_ranges
            ),
        );
    }
    let translation = state.translation_for(&headers, uri.query().unwrap_or(""));
    let verses: u32 = ranges.iter().map(|r| r.verse_count(v)).sum();
    let shown = abide_scripture::first_verses(&ranges, POPOVER_VERSES, v);
    let canonical = abide_scripture::to_osis(&ranges);
    match translation.passage(&shown) {
        Ok(passage) => {
            let verses_json: Vec<_> = passage
                .verses
                .iter()
                .map(|v| {
                    json!({
                        "osis": abide_scripture::to_osis(&[Range::verse(v.reference)]),
                        "number": v.number,
                        "text": v.text.replace('\n', " "),
                    })
                })
                .collect();
            let body = json!({
                "osis": canonical,
                "reference": abide_scripture::format_ranges(&ranges, Style::Full),
                "translation": TranslationView::of(translation.info()),
                "verses": verses_json,
                "truncated": verses > POPOVER_VERSES,
                "url": format!("/bible/{canonical}"),
            });
            let mut response = Json(body).into_response();
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            response
        }
        Err(e) => api_error(StatusCode::NOT_FOUND, &e.to_string()),
    }
}

fn api_error(status: StatusCode, message: &str) -> Response {
    let mut response = (status, Json(json!({ "error": message }))).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
