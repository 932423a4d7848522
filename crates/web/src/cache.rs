//! Rendered pages, kept in memory and served again until something they depend
//! on changes: imported content or settings (seen through the settings table's
//! last change, so every node of a PostgreSQL cluster notices another node's
//! import), or the moment the next scheduled entry appears. Each page carries a
//! strong ETag and a Last-Modified date, answers conditional requests with 304,
//! and keeps its gzip and brotli forms once made, so a warm page costs a hash
//! lookup and a copy.

use std::hash::{DefaultHasher, Hasher};
use std::io::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use abide_bible::Library;
use abide_store::{SiteSettings, Store, StoreError};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::state::AppState;

/// Query parameters that change a page, besides `translation` (which counts
/// through the translation it chooses): the cache keeps one copy per value.
/// Every other parameter is ignored, by the pages and by the cache, so
/// `/?x=1`, `/?x=2`, ... are one page. A handler that reads a new parameter
/// must add it here.
const PAGE_PARAMS: &[&str] = &["ref"];

/// Bytes a page costs the cache beyond its body: key, headers, bookkeeping.
const PAGE_OVERHEAD: u64 = 512;

pub(crate) struct PageCache {
    /// Pages by key, weighed in bytes and evicted past the byte budget.
    pages: quick_cache::sync::Cache<String, Arc<CachedPage>, PageWeight>,
    /// Largest page kept (an eighth of the budget): one page never crowds
    /// out the rest.
    max_page_bytes: usize,
    /// The site settings every page shows, read once per change.
    site: RwLock<Option<Arc<SiteSettings>>>,
    /// What the pages were rendered against: (last change, next publish time).
    basis: RwLock<(i64, Option<i64>)>,
    /// The next publish time, again, readable without a lock on every request
    /// (`i64::MAX` when nothing is scheduled).
    next_publish: AtomicI64,
    last_check: AtomicI64,
    check_every: Duration,
}

/// A page's weight: its body, room for its two compressed forms (each made
/// at most once, never larger than the body in practice), and the overhead.
#[derive(Clone)]
struct PageWeight;

impl quick_cache::Weighter<String, Arc<CachedPage>> for PageWeight {
    fn weight(&self, key: &String, page: &Arc<CachedPage>) -> u64 {
        (key.len() as u64) + 2 * (page.body.len() as u64) + PAGE_OVERHEAD
    }
}

struct CachedPage {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    body: Bytes,
    etag: HeaderValue,
    last_modified: HeaderValue,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl PageCache {
    pub(crate) fn new(check_every: Duration, budget_bytes: u64) -> Self {
        let budget = budget_bytes.max(1 << 20);
        // The typical page is around 10 KB.
        let estimated_pages = usize::try_from(budget / 10_000).unwrap_or(1 << 16).max(64);
        Self {
            pages: quick_cache::sync::Cache::with_weighter(estimated_pages, budget, PageWeight),
            max_page_bytes: usize::try_from(budget / 8).unwrap_or(usize::MAX),
            site: RwLock::new(None),
            basis: RwLock::new((i64::MIN, None)),
            next_publish: AtomicI64::new(i64::MAX),
            last_check: AtomicI64::new(i64::MIN),
            check_every,
        }
    }

    fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        self.pages.get(key)
    }

    fn put(&self, key: String, page: CachedPage) -> Arc<CachedPage> {
        let page = Arc::new(page);
        self.pages.insert(key, Arc::clone(&page));
        page
    }

    fn clear(&self) {
        self.pages.clear();
        if let Ok(mut site) = self.site.write() {
            *site = None;
        }
    }

    /// The bytes the cached pages weigh now.
    #[cfg(test)]
    fn weight(&self) -> u64 {
        self.pages.weight()
    }

    /// The site settings, from memory; read from the store after a change.
    pub(crate) async fn site_settings(
        &self,
        store: &Store,
    ) -> Result<Arc<SiteSettings>, StoreError> {
        if let Some(site) = self.site.read().ok().and_then(|s| s.clone()) {
            return Ok(site);
        }
        let site = Arc::new(store.site_settings().await?);
        if let Ok(mut slot) = self.site.write() {
            *slot = Some(Arc::clone(&site));
        }
        Ok(site)
    }

    /// Drops every page when what they were rendered against has moved. Asks the
    /// database at most once per `check_every`. When the check itself fails
    /// (the database is down or its pool is exhausted), the pages are kept:
    /// they could not be rendered again anyway, and dropping them would turn
    /// a busy database into a site that is down.
    pub(crate) async fn revalidate(&self, state: &AppState) {
        let now = state.now_ms();
        let every = i64::try_from(self.check_every.as_millis()).unwrap_or(i64::MAX);
        let last = self.last_check.load(Ordering::Relaxed);
        if last != i64::MIN && now.saturating_sub(last) < every {
            // Between checks, a scheduled entry still appears on time.
            if self.next_publish.load(Ordering::Relaxed) > now {
                return;
            }
        }
        if self
            .last_check
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return; // another request is checking
        }
        match state.store().freshness(now).await {
            Ok(basis) => {
                let changed = self.basis.read().map(|b| *b != basis).unwrap_or(true);
                if changed {
                    self.clear();
                    self.next_publish
                        .store(basis.1.unwrap_or(i64::MAX), Ordering::Relaxed);
                    if let Ok(mut b) = self.basis.write() {
                        *b = basis;
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot check whether cached pages are current; keeping them");
            }
        }
    }
}

impl CachedPage {
    fn new(
        content_type: HeaderValue,
        cache_control: Option<HeaderValue>,
        body: Bytes,
        now_ms: i64,
    ) -> Self {
        let mut hasher = DefaultHasher::new();
        hasher.write(&body);
        let etag = format!("\"{:016x}\"", hasher.finish());
        Self {
            content_type,
            // A page's own caching policy (the passage API's max-age) is kept.
            cache_control: cache_control.unwrap_or(HeaderValue::from_static("public, no-cache")),
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
            last_modified: HeaderValue::from_str(&http_date(now_ms))
                .unwrap_or(HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT")),
            body,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    fn not_modified(&self, headers: &HeaderMap) -> bool {
        if let Some(tags) = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        {
            let etag = self.etag.to_str().unwrap_or("");
            return tags
                .split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*");
        }
        headers
            .get(header::IF_MODIFIED_SINCE)
            .is_some_and(|since| since == self.last_modified)
    }

    fn respond(&self, method: &Method, headers: &HeaderMap) -> Response {
        let mut response = if self.not_modified(headers) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let (encoding, body) = self.encoded(headers);
            let mut response = if *method == Method::HEAD {
                Response::new(Body::empty())
            } else {
                Response::new(Body::from(body))
            };
            let h = response.headers_mut();
            h.insert(header::CONTENT_TYPE, self.content_type.clone());
            if let Some(encoding) = encoding {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            response
        };
        let h = response.headers_mut();
        h.insert(
            header::VARY,
            HeaderValue::from_static("accept-encoding, cookie"),
        );
        h.insert(header::CACHE_CONTROL, self.cache_control.clone());
        h.insert(header::ETAG, self.etag.clone());
        h.insert(header::LAST_MODIFIED, self.last_modified.clone());
        response
    }

    /// The body in the best encoding the client accepts, made once.
    fn encoded(&self, headers: &HeaderMap) -> (Option<&'static str>, Bytes) {
        let accepts = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let accepts = |name: &str| {
            accepts.split(',').any(|part| {
                let mut it = part.split(';');
                let coding = it.next().unwrap_or("").trim();
                let refused =
                    it.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
                coding.eq_ignore_ascii_case(name) && !refused
            })
        };
        if self.body.len() < 256 {
            return (None, self.body.clone());
        }
        if accepts("br") {
            let body = self.brotli.get_or_init(|| compress_brotli(&self.body));
            return (Some("br"), body.clone());
        }
        if accepts("gzip") {
            let body = self.gzip.get_or_init(|| compress_gzip(&self.body));
            return (Some("gzip"), body.clone());
        }
        (None, self.body.clone())
    }
}

fn compress_gzip(body: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    Bytes::from(encoder.finish().unwrap_or_default())
}

fn compress_brotli(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 22,
        ..Default::default()
    };
    match brotli::BrotliCompress(&mut &body[..], &mut out, &params) {
        Ok(_) => Bytes::from(out),
        Err(_) => Bytes::copy_from_slice(body),
    }
}

/// An instant as an HTTP date: `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Marks a response of a page route as one the cache may keep: other routes
/// (health, readiness, static files, forms) never are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cacheable;

pub(crate) async fn mark_cacheable(mut response: Response) -> Response {
    response.extensions_mut().insert(Cacheable);
    response
}

/// Serves pages from the cache, and keeps the successful ones it renders.
pub(crate) async fn cached_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return next.run(request).await;
    }
    let cache = state.cache();
    let key = page_key(state.library(), &request);
    // Only a page about to be served again needs the freshness check (and its
    // database query); health checks, files and misses go straight on (a
    // page rendered now checks through `AppState::site`).
    if cache.get(&key).is_some() {
        cache.revalidate(&state).await;
        if let Some(page) = cache.get(&key) {
            return page.respond(&method, request.headers());
        }
    }
    // What answering needs of the request, kept before it moves on.
    let mut headers = HeaderMap::new();
    for name in [
        header::ACCEPT_ENCODING,
        header::IF_NONE_MATCH,
        header::IF_MODIFIED_SINCE,
    ] {
        if let Some(value) = request.headers().get(&name) {
            headers.insert(name, value.clone());
        }
    }
    let response = next.run(request).await;
    let cacheable = response.status() == StatusCode::OK
        && response.extensions().get::<Cacheable>().is_some()
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && response
            .headers()
            .get(header::CACHE_CONTROL)
            .is_none_or(|v| !v.as_bytes().starts_with(b"no-store"));
    if !cacheable {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Some(content_type) = parts.headers.get(header::CONTENT_TYPE).cloned() else {
        return Response::from_parts(parts, body);
    };
    match body.collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            if bytes.len() > cache.max_page_bytes {
                return Response::from_parts(parts, Body::from(bytes));
            }
            let cache_control = parts.headers.get(header::CACHE_CONTROL).cloned();
            let page = CachedPage::new(content_type, cache_control, bytes, state.now_ms());
            let page = cache.put(key, page);
            page.respond(&method, &headers)
        }
        Err(e) => {
            tracing::error!(error = %e, "could not read a rendered page");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// What a page depends on: its path, the translation it quotes scripture
/// in (only one that exists: any other choice falls back to the same
/// default), and the values of [`PAGE_PARAMS`]. Nothing else a client sends
/// makes a new entry.
fn page_key(library: &Library, request: &Request) -> String {
    let uri = request.uri();
    let query = uri.query().unwrap_or("");
    let translation = crate::state::translation_for(library, request.headers(), query);
    let mut key = String::with_capacity(uri.path().len() + 16);
    key.push_str(uri.path());
    key.push('\n');
    key.push_str(translation.id());
    if !query.is_empty() {
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if PAGE_PARAMS.contains(&name.as_ref()) {
                key.push('\n');
                key.push_str(&name);
                key.push('=');
                key.push_str(&value);
            }
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(uri: &str, cookie: Option<&str>) -> String {
        let mut request = Request::get(uri);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        page_key(&Library::bundled(), &request.body(Body::empty()).unwrap())
    }

    #[test]
    fn only_what_changes_a_page_makes_a_new_entry() {
        // Query strings that no page reads are one page.
        assert_eq!(key("/", None), key("/?x=1", None));
        assert_eq!(key("/?x=1", None), key("/?x=2&utm_source=mail", None));
        // A translation that does not exist is the default one.
        assert_eq!(key("/", None), key("/", Some("translation=t123")));
        assert_eq!(
            key("/bible/Ps.23", None),
            key("/bible/Ps.23?translation=nope", None)
        );
        // The default named is the default.
        assert_eq!(key("/", None), key("/", Some("translation=asv")));
        // Real choices are pages of their own.
        assert_ne!(key("/", None), key("/", Some("translation=kjv")));
        assert_ne!(
            key("/bible/Ps.23", None),
            key("/bible/Ps.23?translation=kjv", None)
        );
        assert_eq!(
            key("/bible/Ps.23?translation=kjv", None),
            key("/bible/Ps.23", Some("translation=kjv"))
        );
        assert_ne!(key("/bible?ref=Ps+23", None), key("/bible?ref=Ps+24", None));
    }

    #[test]
    fn a_flood_of_pages_stays_within_the_budget() {
        let budget = 2 << 20;
        let cache = PageCache::new(Duration::from_secs(1), budget);
        let body = Bytes::from(vec![b'x'; 10_000]);
        for n in 0..5_000 {
            let page =
                CachedPage::new(HeaderValue::from_static("text/html"), None, body.clone(), 0);
            cache.put(format!("/bible/Ps.{n}\nasv"), page);
            assert!(
                cache.weight() <= budget,
                "{} bytes after {n} pages",
                cache.weight()
            );
        }
        assert!(
            cache.weight() > budget / 2,
            "the cache should still be in use"
        );
    }

    #[test]
    fn http_dates_are_imf_fixdate() {
        assert_eq!(http_date(784_111_777_000), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn compression_round_trips() {
        let text = "Be still, and know that I am God. ".repeat(100);
        let gz = compress_gzip(text.as_bytes());
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out)
            .unwrap();
        assert_eq!(out, text);
        let br = compress_brotli(text.as_bytes());
        assert!(br.len() < text.len() / 10);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut out).unwrap();
        assert_eq!(out, text.as_bytes());
    }
}
