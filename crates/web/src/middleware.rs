use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;

use crate::error::ErrorPage;
use crate::state::AppState;

/// Renders the theme's error page for responses marked [`ErrorPage`]. If that
/// fails too (the database is down), a plain page says so without detail.
pub(crate) async fn error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    // A clone of the URI shares its bytes: no copy on the common, error-free path.
    let uri = request.uri().clone();
    let response = next.run(request).await;
    if response.extensions().get::<ErrorPage>().is_none() {
        return response;
    }
    let status = response.status();
    let explained = response
        .extensions()
        .get::<crate::error::Explained>()
        .copied();
    let (heading, message) = match (status, explained) {
        (_, Some(e)) => (e.heading, e.message),
        (StatusCode::TOO_MANY_REQUESTS, _) => (
            "Too many attempts",
            "That was tried too many times in a short while. Please wait a few minutes, then try again.",
        ),
        (StatusCode::NOT_FOUND, _) => (
            "Page not found",
            "There is nothing at this address. It may have moved, or the link may be mistyped.",
        ),
        (StatusCode::SERVICE_UNAVAILABLE, _) => (
            "Busy just now",
            "Many people are reading at this moment. Please try again in a few seconds.",
        ),
        _ => (
            "Something went wrong",
            "The page could not be shown just now. Please try again in a moment.",
        ),
    };
    let ctx =
        context! { status => status.as_u16(), heading, message, path => shown_path(uri.path()) };
    let body = match state.page("error.html", ctx).await {
        Ok(html) => html,
        Err(e) => {
            tracing::error!(error = %e, "the error page itself failed");
            Html(format!(
                "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>{heading}</title><h1>{heading}</h1><p>{message}</p>"
            ))
        }
    };
    let mut themed = (status, body).into_response();
    let headers = themed.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(retry) = response.headers().get(header::RETRY_AFTER) {
        headers.insert(header::RETRY_AFTER, retry.clone());
    }
    themed
}

/// Longest part of a requested path that an error page repeats: a 64 KB
/// address must not make a 64 KB page.
const SHOWN_PATH_CHARS: usize = 120;

fn shown_path(path: &str) -> String {
    match path.char_indices().nth(SHOWN_PATH_CHARS) {
        Some((cut, _)) => format!("{}…", &path[..cut]),
        None => path.to_owned(),
    }
}

/// Headers every response carries: no sniffing, no framing, a strict content
/// security policy (the theme loads nothing from elsewhere), no referrer leaks.
pub(crate) const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    (
        "content-security-policy",
        "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
    ),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
];
