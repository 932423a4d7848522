//! A browser in miniature for tests: keeps cookies, sends forms from the
//! site's own origin with the page's anti-forgery token.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use abide_web::AppState;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode};

use crate::util::{send, text};

/// The origin of the test site (`util::state` sets this base URL).
pub(crate) const ORIGIN: &str = "http://abide.test";

pub(crate) struct Agent {
    pub(crate) state: AppState,
    pub(crate) cookies: BTreeMap<String, String>,
    /// The address the requests come from, as the server would see the
    /// connection's (none: as in most tests, no address at all).
    pub(crate) peer: Option<SocketAddr>,
    /// Headers sent with every request.
    pub(crate) headers: Vec<(&'static str, String)>,
}

/// A page as the agent got it.
pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) html: String,
    pub(crate) headers: axum::http::HeaderMap,
}

impl Agent {
    pub(crate) fn new(state: &AppState) -> Self {
        Self {
            state: state.clone(),
            cookies: BTreeMap::new(),
            peer: None,
            headers: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn keep(&mut self, response: Response<Body>) -> Page {
        for value in response.headers().get_all("set-cookie") {
            let value = value.to_str().unwrap();
            let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
            let (name, v) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), v.to_owned());
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let headers = response.headers().clone();
        Page {
            status,
            location,
            html: text(response).await,
            headers,
        }
    }

    /// `request` with the agent's cookies, headers and address.
    fn dress(&self, mut request: axum::http::request::Builder) -> axum::http::request::Builder {
        request = request.header("cookie", self.cookie_header());
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        if let Some(peer) = self.peer {
            request = request.extension(ConnectInfo(peer));
        }
        request
    }

    pub(crate) async fn get(&mut self, uri: &str) -> Page {
        let request = self.dress(Request::get(uri)).body(Body::empty()).unwrap();
        let response = send(&self.state, request).await;
        self.keep(response).await
    }

    /// Posts `fields` as a form, adding the anti-forgery token of the
    /// agent's cookie.
    pub(crate) async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let body = form(&all);
        self.post_raw(uri, body.into_bytes(), Some(ORIGIN)).await
    }

    /// Posts `body` as it is, from `origin`.
    pub(crate) async fn post_raw(
        &mut self,
        uri: &str,
        body: Vec<u8>,
        origin: Option<&str>,
    ) -> Page {
        let mut request = self
            .dress(Request::post(uri))
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = send(&self.state, request.body(Body::from(body)).unwrap()).await;
        self.keep(response).await
    }

    /// The anti-forgery token: the cookie's value (loads a page to get one).
    pub(crate) fn csrf(&self) -> String {
        self.cookies
            .get("abide_csrf")
            .cloned()
            .expect("load a page with a form first")
    }

    pub(crate) fn session(&self) -> Option<&str> {
        self.cookies.get("abide_session").map(String::as_str)
    }
}

pub(crate) fn form(fields: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        s.append_pair(k, v);
    }
    s.finish()
}

/// The first link to `base` + `path_start` in a text.
pub(crate) fn link_in(text: &str, path_start: &str) -> String {
    let start = text
        .find(&format!("{ORIGIN}{path_start}"))
        .unwrap_or_else(|| panic!("no {path_start} link in {text}"));
    text[start + ORIGIN.len()..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}
