use std::collections::HashSet;

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use serde_json::json;

use crate::error::AppError;
use crate::passage::{TranslationView, choose, view};
use crate::state::{AppState, now_ms, reader_translation};

#[derive(Debug, Deserialize)]
pub(crate) struct TranslationQuery {
    translation: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct LookupQuery {
    #[serde(rename = "ref")]
    reference: Option<String>,
}

/// `GET /bible`: the verse of the day, a box to look up any passage, and the
/// translations. `?ref=John 3:16` goes to that passage.
pub(crate) async fn index(
    State(state): State<AppState>,
    Query(query): Query<LookupQuery>,
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
            Ok(citation) => {
                return Ok(Redirect::to(&format!("/bible/{}", citation.osis())).into_response());
            }
            Err(e) => problem = Some(e.to_string()),
        }
    }
    let today = jiff::ZonedDateTime::now();
    let site = state.store().site_settings().await?;
    let today = jiff::Timestamp::now()
        .in_tz(&site.time_zone)
        .map(|z| z.date())
        .unwrap_or_else(|_| today.date());
    let range = state.library().verse_of_the_day(
        i32::from(today.year()),
        today.month().unsigned_abs(),
        today.day().unsigned_abs(),
    );
    let translation = choose(state.library(), reader_translation(&headers).as_deref());
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
/// citations first.
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(osis): Path<String>,
    Query(query): Query<TranslationQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let ranges = abide_scripture::parse_osis(&osis).map_err(|_| AppError::NotFound)?;
    if ranges.is_empty() {
        return Err(AppError::NotFound);
    }
    let canonical = abide_scripture::to_osis(&ranges);
    if canonical != osis {
        // One address per passage.
        let target = match query
            .translation
            .as_deref()
            .and_then(abide_bible::normalize_id)
        {
            Some(t) => format!("/bible/{canonical}?translation={t}"),
            None => format!("/bible/{canonical}"),
        };
        return Ok(Redirect::permanent(&target).into_response());
    }
    let wanted = query
        .translation
        .clone()
        .or_else(|| reader_translation(&headers));
    let translation = choose(state.library(), wanted.as_deref());
    let passage = view(translation, &ranges);
    let reference = abide_scripture::format_ranges(&ranges, abide_scripture::Style::Full);
    let missing = passage.as_ref().err().map(ToString::to_string);

    // Entries citing any verse of the passage; each once, key citations first.
    let now = now_ms();
    let mut citing = Vec::new();
    let mut seen = HashSet::new();
    for range in &ranges {
        let (start, end) = range.keys();
        for c in state.store().entries_citing(start, end, now).await? {
            if seen.insert(c.entry.id) {
                citing.push(c);
            }
        }
    }
    citing.sort_by_key(|c| c.kind != "key");

    // The whole chapter, and the chapters around it, for a one-chapter passage.
    let first = ranges[0].start;
    let last = ranges[ranges.len() - 1].end;
    let one_chapter = first.book == last.book && first.chapter == last.chapter;
    let versification = abide_scripture::Versification::kjv();
    let chapter_osis = |book: abide_scripture::BookId, chapter: u16| {
        abide_scripture::Range::chapter(book, chapter, versification)
            .map(|r| abide_scripture::to_osis(&[r]))
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
                current => TranslationView::of(translation.info()).id,
                citing => Serde(citing),
                whole_chapter => if is_whole_chapter { None } else { whole_chapter },
                prev_chapter,
                next_chapter,
            },
        )
        .await?;
    Ok(Html(html).into_response())
}

/// Longest passage the popover shows before pointing to the passage page.
const POPOVER_VERSES: usize = 8;

/// `GET /api/passages/{osis}`: the passage as JSON, for verse popovers and
/// other tools: reference, translation, verses (number and plain text).
pub(crate) async fn api(
    State(state): State<AppState>,
    Path(osis): Path<String>,
    Query(query): Query<TranslationQuery>,
    headers: HeaderMap,
) -> Response {
    let Ok(ranges) = abide_scripture::parse_osis(&osis) else {
        return api_error(
            StatusCode::NOT_FOUND,
            &format!("{osis:?} is not a passage (expected OSIS like John.3.16)"),
        );
    };
    let wanted = query
        .translation
        .clone()
        .or_else(|| reader_translation(&headers));
    if let Some(id) = &query.translation
        && state.library().get(id).is_none()
    {
        return api_error(StatusCode::NOT_FOUND, &format!("no translation {id:?}"));
    }
    let translation = choose(state.library(), wanted.as_deref());
    match translation.passage(&ranges) {
        Ok(passage) => {
            let truncated = passage.verses.len() > POPOVER_VERSES;
            let verses: Vec<_> = passage
                .verses
                .iter()
                .take(POPOVER_VERSES)
                .map(|v| {
                    json!({
                        "osis": abide_scripture::to_osis(&[abide_scripture::Range::verse(v.reference)]),
                        "number": v.number,
                        "text": v.text.replace('\n', " "),
                    })
                })
                .collect();
            let body = json!({
                "osis": abide_scripture::to_osis(&passage.ranges),
                "reference": passage.reference,
                "translation": TranslationView::of(translation.info()),
                "verses": verses,
                "truncated": truncated,
                "url": format!("/bible/{}", abide_scripture::to_osis(&passage.ranges)),
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

#[derive(Debug, Deserialize)]
pub(crate) struct Preference {
    translation: String,
    back: Option<String>,
}

/// `POST /preferences`: remember the reader's translation in a cookie, then go
/// back to the page they were on.
pub(crate) async fn remember(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Preference>,
) -> Response {
    // Only forms of this site may set it.
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin_host != host {
            return (StatusCode::FORBIDDEN, "cross-site form refused").into_response();
        }
    }
    let Some(translation) = state.library().get(&form.translation) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "unknown translation").into_response();
    };
    // Back to a page of this site only; and only what a Location header can hold.
    let back = form
        .back
        .filter(|b| {
            b.starts_with('/')
                && !b.starts_with("//")
                && b.bytes().all(|c| c.is_ascii_graphic() && c != b'\\')
        })
        .unwrap_or_else(|| "/".into());
    let cookie = format!(
        "translation={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        translation.info().id
    );
    let mut response = Redirect::to(&back).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}
