//! Every form that changes something passes here first: it must come from a
//! page of this site (its `Origin`, see [`from_this_site`]) and carry the
//! anti-forgery token of the browser that loaded the form (a random value in
//! a cookie, repeated in a hidden field: another site can make a browser send
//! the cookie but cannot read it to copy it into the form). The body must be
//! a URL-encoded form of at most [`MAX_FORM_BYTES`], valid UTF-8 once decoded,
//! or, on the routes that take files only, an upload (`crate::uploads`),
//! whose token is checked before its file is read.

use std::sync::Arc;

use abide_store::{RawToken, StoreError};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::cookies;
use crate::error::AppError;
use crate::handlers::preferences::from_this_site;
use crate::state::AppState;

/// The hidden field that repeats the token.
pub(crate) const CSRF_FIELD: &str = "csrf";

/// The largest form accepted, in bytes: a journal answer of 20,000
/// characters, percent-encoded, fits.
pub(crate) const MAX_FORM_BYTES: usize = 256 * 1024;

/// The anti-forgery token of this request, for the forms of the page.
#[derive(Debug, Clone)]
pub(crate) struct CsrfToken(pub(crate) Arc<str>);

/// The cookie's name: over HTTPS with the `__Host-` prefix, which browsers
/// accept only from this very host, so a sibling subdomain cannot plant one.
fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-abide_csrf"
    } else {
        "abide_csrf"
    }
}

/// The browser's anti-forgery token, or a new one (`true`: the response must
/// set it, see [`token_cookie`]). Also for pages outside the guarded routes
/// that show a member a form (an entry's journal).
pub(crate) fn page_token(headers: &HeaderMap, https: bool) -> Result<(String, bool), AppError> {
    let sent = cookies::get(headers, cookie_name(https)).filter(|t| {
        t.len() == 43
            && t.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    });
    Ok(match sent {
        Some(token) => (token.to_owned(), false),
        None => (
            RawToken::random()
                .map_err(StoreError::from)?
                .expose()
                .to_owned(),
            true,
        ),
    })
}

/// The `Set-Cookie` that hands a browser its token.
pub(crate) fn token_cookie(token: &str, https: bool) -> Option<HeaderValue> {
    cookies::set(cookie_name(https), token, 365 * 24 * 3600, https)
}

/// Middleware of the routes with forms: checks unsafe requests, hands the
/// token to the handler, marks the response private.
pub(crate) async fn guard(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let https = state.config().is_https();
    let (token, fresh) = page_token(request.headers(), https)?;
    let mut request = request;
    if !request.method().is_safe() {
        if !from_this_site(request.headers(), &state.config().base_url) {
            return Err(AppError::refused(
                StatusCode::FORBIDDEN,
                "Form refused",
                "This form was sent from another site, so it was not accepted. Open the page on this site and send it from there.",
            ));
        }
        let (mut parts, body) = request.into_parts();
        // A file upload, on the routes that take one only: read with its
        // own bound, the token checked before the file (see `uploads`).
        if crate::uploads::is_multipart(&parts.headers)
            && crate::uploads::accepts_uploads(parts.uri.path())
        {
            let checked = crate::uploads::read(&parts.headers, body, CSRF_FIELD, |f| {
                !fresh && same(f.as_bytes(), token.as_bytes())
            })
            .await;
            let upload = match checked {
                Ok(upload) => upload,
                Err(crate::uploads::UploadError::Token) => return Err(expired()),
                Err(crate::uploads::UploadError::Refused(e)) => return Err(e),
            };
            parts.extensions.insert(upload);
            request = Request::from_parts(parts, Body::empty());
            return Ok(finish(request, next, token, fresh, https).await);
        }
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Form refused",
                "This address takes forms from the site's own pages only.",
            ));
        }
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| {
                AppError::refused(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Too long",
                    "The form was longer than this site accepts. Shorten what you wrote and send it again.",
                )
            })?;
        let fields = decode_form(&bytes).ok_or_else(|| {
            AppError::refused(
                StatusCode::BAD_REQUEST,
                "Form refused",
                "The form contained characters that are not valid text (not UTF-8), so nothing was saved.",
            )
        })?;
        let field = fields
            .iter()
            .find(|(name, _)| name == CSRF_FIELD)
            .map(|(_, value)| value.as_str());
        if fresh || !field.is_some_and(|f| same(f.as_bytes(), token.as_bytes())) {
            return Err(expired());
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }
    Ok(finish(request, next, token, fresh, https).await)
}

/// A form without this browser's token.
fn expired() -> AppError {
    AppError::refused(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "The page was open for a long time, or your browser blocks this site's cookies. Reload the page and send the form again.",
    )
}

/// Runs the handler with the token, sets the cookie when it is new, marks
/// the response private.
async fn finish(
    mut request: Request,
    next: Next,
    token: String,
    fresh: bool,
    https: bool,
) -> Response {
    request
        .extensions_mut()
        .insert(CsrfToken(Arc::from(token.as_str())));
    let mut response = next.run(request).await;
    if fresh {
        cookies::append(response.headers_mut(), token_cookie(&token, https));
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// Equality that takes as long whatever the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The fields of a URL-encoded form, or `None` when a name or a value is not
/// UTF-8 once decoded (where a lenient decoder would silently substitute
/// U+FFFD and store damaged text).
pub(crate) fn decode_form(body: &[u8]) -> Option<Vec<(String, String)>> {
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |&b| b == b'=');
            let name = decode(halves.next().unwrap_or_default())?;
            let value = decode(halves.next().unwrap_or_default())?;
            Some((name, value))
        })
        .collect()
}

fn decode(part: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        match part[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = part
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    // A stray `%` stands for itself, as browsers read it.
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_and_invalid_utf8_is_refused() {
        assert_eq!(
            decode_form(b"a=1&b=hello+world&c=%E2%9C%9D&&d").unwrap(),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "hello world".into()),
                ("c".into(), "✝".into()),
                ("d".into(), String::new()),
            ]
        );
        assert_eq!(
            decode_form(b"a=100%").unwrap(),
            vec![("a".into(), "100%".into())]
        );
        assert!(decode_form(b"a=%FF%FE").is_none());
        assert!(decode_form(b"%C0=x").is_none());
        assert!(decode_form(b"a=\xff").is_none());
    }

    proptest::proptest! {
        #[test]
        fn whatever_a_browser_encodes_decodes_back(
            fields in proptest::collection::vec((".{0,12}", ".{0,40}"), 0..6)
        ) {
            let mut encoder = form_urlencoded::Serializer::new(String::new());
            for (name, value) in &fields {
                encoder.append_pair(name, value);
            }
            proptest::prop_assert_eq!(decode_form(encoder.finish().as_bytes()), Some(fields));
        }

        #[test]
        fn any_bytes_decode_or_are_refused_without_panic(body in proptest::collection::vec(0u8..=255, 0..200)) {
            if let Some(fields) = decode_form(&body) {
                // What is accepted is text, and no longer than what came in.
                let total: usize = fields.iter().map(|(n, v)| n.len() + v.len()).sum();
                proptest::prop_assert!(total <= body.len());
            }
        }
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
