use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::state::AppState;

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
    if !from_this_site(&headers, &state.config().base_url) {
        return (StatusCode::FORBIDDEN, "cross-site form refused").into_response();
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
    let mut response = Redirect::to(&back).into_response();
    crate::cookies::append(
        response.headers_mut(),
        crate::cookies::set(
            "translation",
            &translation.info().id,
            365 * 24 * 3600,
            state.config().is_https(),
        ),
    );
    response
}

/// Whether a form was sent from a page of this site: its `Origin` is the
/// site's own (scheme, host and port of the configured base URL); browsers
/// that send no `Origin` are judged by `Sec-Fetch-Site`, then `Referer`. A
/// request with none of them is refused: every browser that can post this
/// form sends at least one.
pub(crate) fn from_this_site(headers: &HeaderMap, base_url: &str) -> bool {
    let own = origin_of(base_url);
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(origin) = header(header::ORIGIN) {
        return origin != "null" && origin.eq_ignore_ascii_case(own);
    }
    if let Some(site) = header(HeaderName::from_static("sec-fetch-site")) {
        return site == "same-origin";
    }
    header(header::REFERER).is_some_and(|referer| {
        referer
            .get(..own.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(own))
            && matches!(
                referer.as_bytes().get(own.len()),
                None | Some(b'/' | b'?' | b'#')
            )
    })
}

/// `https://example.org` of `https://example.org/devotions`.
fn origin_of(base_url: &str) -> &str {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after_scheme..].find('/') {
        Some(i) => &base_url[..after_scheme + i],
        None => base_url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn only_the_sites_own_origin_may_post() {
        let base = "https://devotions.example.org";
        assert!(from_this_site(&headers(&[("origin", base)]), base));
        assert!(!from_this_site(
            &headers(&[("origin", "http://devotions.example.org")]),
            base
        ));
        assert!(!from_this_site(
            &headers(&[("origin", "https://evil.example")]),
            base
        ));
        assert!(!from_this_site(&headers(&[("origin", "null")]), base));
        assert!(!from_this_site(&headers(&[]), base));
        assert!(from_this_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            base
        ));
        assert!(!from_this_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            base
        ));
        assert!(from_this_site(
            &headers(&[("referer", "https://devotions.example.org/bible/Ps.23")]),
            base
        ));
        assert!(!from_this_site(
            &headers(&[("referer", "https://devotions.example.org.evil/")]),
            base
        ));
        // A base URL with a path: the origin is scheme, host and port.
        assert!(from_this_site(
            &headers(&[("origin", "https://example.org:8443")]),
            "https://example.org:8443/devotions"
        ));
    }
}
