//! Reading the cookies a browser sent and writing the ones Abide sets. Every
//! cookie of Abide is `HttpOnly` (no script reads them), `SameSite=Lax`,
//! `Path=/`, and `Secure` when the site is served over HTTPS.

use axum::http::{HeaderMap, HeaderValue, header};

/// The value of the cookie `name`, if the request carries it.
pub(crate) fn get<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value for `name=value` lasting `max_age` seconds (`0`
/// removes the cookie). `value` must be cookie-safe (ids, base64url tokens).
pub(crate) fn set(name: &str, value: &str, max_age: u64, https: bool) -> Option<HeaderValue> {
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax; HttpOnly{secure}"
    ))
    .ok()
}

/// Appends a `Set-Cookie` to `headers` (several cookies can be set at once).
pub(crate) fn append(headers: &mut HeaderMap, cookie: Option<HeaderValue>) {
    if let Some(cookie) = cookie {
        headers.append(header::SET_COOKIE, cookie);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_several_headers_and_pairs() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; translation=kjv"),
        );
        h.append(
            header::COOKIE,
            HeaderValue::from_static("abide_session=xyz"),
        );
        assert_eq!(get(&h, "translation"), Some("kjv"));
        assert_eq!(get(&h, "abide_session"), Some("xyz"));
        assert_eq!(get(&h, "missing"), None);
        assert_eq!(get(&h, "transl"), None);
    }

    #[test]
    fn cookies_are_http_only_and_secure_over_https() {
        let c = set("abide_session", "t", 60, true).unwrap();
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("Secure") && c.contains("SameSite=Lax"));
        assert!(
            !set("a", "b", 0, false)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("Secure")
        );
    }
}
