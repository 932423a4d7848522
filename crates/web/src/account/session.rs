//! Who is asking: the session cookie, looked up once per request.

use std::sync::Arc;
use std::time::Duration;

use abide_store::{RawToken, Session};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::cookies;
use crate::error::AppError;
use crate::state::AppState;

/// The cookie that keeps a member signed in. It carries a random token; the
/// database keeps only its hash.
pub(crate) const SESSION_COOKIE: &str = "abide_session";

/// How long a session lasts after signing in.
pub(crate) const SESSION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// The signed-in member of a request, if any. Extracting it twice in one
/// request costs one lookup.
#[derive(Debug, Clone, Default)]
pub(crate) struct SignedIn(pub(crate) Option<Arc<Session>>);

impl SignedIn {
    /// The session, if someone is signed in.
    pub(crate) fn session(&self) -> Option<&Session> {
        self.0.as_deref()
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(known) = parts.extensions.get::<Self>() {
            return Ok(known.clone());
        }
        let found = match session_token(&parts.headers) {
            Some(token) => state.store().session(&token).await?.map(Arc::new),
            None => None,
        };
        let signed_in = Self(found);
        parts.extensions.insert(signed_in.clone());
        Ok(signed_in)
    }
}

/// The token of the request's session cookie, if it carries one.
pub(crate) fn session_token(headers: &HeaderMap) -> Option<RawToken> {
    cookies::get(headers, SESSION_COOKIE)
        .filter(|t| !t.is_empty())
        .map(RawToken::from_client)
}

/// A signed-in member, for pages only members see: anyone else is sent to
/// the sign-in page, and comes back here afterwards.
#[derive(Debug, Clone)]
pub(crate) struct Member(pub(crate) Arc<Session>);

impl Member {
    /// The member's account id.
    pub(crate) fn id(&self) -> i64 {
        self.0.user.id
    }

    /// The member's account.
    pub(crate) fn user(&self) -> &abide_store::User {
        &self.0.user
    }
}

impl FromRequestParts<AppState> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match SignedIn::from_request_parts(parts, state).await {
            Ok(SignedIn(Some(session))) => Ok(Self(session)),
            Ok(SignedIn(None)) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_owned();
                // A form posted after the session ended cannot be replayed:
                // the member signs in and starts again from the page.
                let next = if parts.method == axum::http::Method::GET {
                    next
                } else {
                    parts.uri.path().to_owned()
                };
                let to = format!(
                    "/sign-in?next={}",
                    form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                Err(Redirect::to(&to).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

/// Where to go after signing in: a path of this site, else `fallback`. A
/// `next` from a link must not send anyone to another site.
pub(crate) fn safe_next(next: Option<&str>, fallback: &str) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && n.len() <= 512
            && n.bytes().all(|c| c.is_ascii_graphic() && c != b'\\')
    })
    .unwrap_or(fallback)
    .to_owned()
}

/// The `Set-Cookie` that signs a browser in with `token` until `expires_at`.
pub(crate) fn session_cookie(
    state: &AppState,
    token: &RawToken,
    expires_at: i64,
) -> Option<axum::http::HeaderValue> {
    let seconds = (expires_at - state.now_ms()).max(0) / 1000;
    cookies::set(
        SESSION_COOKIE,
        token.expose(),
        u64::try_from(seconds).unwrap_or(0),
        state.config().is_https(),
    )
}

/// The `Set-Cookie` that signs a browser out.
pub(crate) fn clear_session_cookie(state: &AppState) -> Option<axum::http::HeaderValue> {
    cookies::set(SESSION_COOKIE, "", 0, state.config().is_https())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/today"), "/"), "/today");
        assert_eq!(safe_next(Some("/journeys/a?b=c"), "/"), "/journeys/a?b=c");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "",
            "/a b",
        ] {
            assert_eq!(safe_next(Some(bad), "/"), "/", "{bad}");
        }
        assert_eq!(safe_next(None, "/today"), "/today");
    }
}
