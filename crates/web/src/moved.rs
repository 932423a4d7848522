//! Published addresses never break: an address under `/journeys/` that names
//! a journey's or an entry's old slug answers 301 to the current one (308 for
//! a form posted there; the rest of the path and the query kept), and one
//! whose entry was removed 410 Gone.
//!
//! Asked only when the routes found nothing (a 404), so current pages pay
//! nothing and a slug taken over by another entry serves that entry. The 301
//! is never kept in the page cache (only 200s are) and says `no-cache` to
//! browsers: a permanent redirect kept by a browser would loop when a slug
//! later comes back (A renamed B, then B renamed A).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use abide_store::Moved;

use crate::error::AppError;
use crate::state::AppState;

pub(crate) async fn old_addresses(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    // A form posted from a page shown before the rename (a journal answer
    // being typed) is sent on with its method and body: 308, not 301.
    let status = match method {
        Method::GET | Method::HEAD => StatusCode::MOVED_PERMANENTLY,
        Method::POST => StatusCode::PERMANENT_REDIRECT,
        _ => return response,
    };
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    let Some(tail) = uri.path().strip_prefix("/journeys/") else {
        return response;
    };
    let (journey, rest) = tail.split_once('/').map_or((tail, ""), |(j, r)| (j, r));
    let (entry, rest) = match rest {
        "" => (None, ""),
        r => match r.find('/') {
            Some(i) => (Some(&r[..i]), &r[i..]),
            None => (Some(r), ""),
        },
    };
    if journey.is_empty() || entry == Some("") {
        return response;
    }
    match state.store().moved(journey, entry).await {
        Ok(Some(Moved::To { journey, entry })) => {
            let mut location = format!("/journeys/{journey}");
            if let Some(entry) = entry {
                location.push('/');
                location.push_str(&entry);
            }
            location.push_str(rest);
            if let Some(query) = uri.query() {
                location.push('?');
                location.push_str(query);
            }
            redirect(status, &location).unwrap_or(response)
        }
        Ok(Some(Moved::Gone)) => AppError::refused(
            StatusCode::GONE,
            "This reading was removed",
            "It is no longer part of its journey. The journey's other days are still there.",
        )
        .into_response(),
        Ok(Some(_) | None) => response,
        Err(e) => {
            tracing::warn!(error = %e, path = uri.path(), "looking for a moved address");
            response
        }
    }
}

fn redirect(status: StatusCode, location: &str) -> Option<Response> {
    let mut response = status.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, HeaderValue::from_str(location).ok()?);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Some(response)
}
