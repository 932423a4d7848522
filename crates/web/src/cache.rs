//! Rendered pages, kept in memory and served again until something they depend
//! on changes: imported content or settings (seen through the settings table's
//! last change, so every node of a PostgreSQL cluster notices another node's
//! import), or the moment the next scheduled entry appears. Each page carries a
//! strong ETag and a Last-Modified date, answers conditional requests with 304,
//! and keeps its gzip and brotli forms once made, so a warm page costs a hash
//! lookup and a copy. Concurrent misses of one page wait for a single render,
//! and large pages are compressed on the heavy-work threads.
//!
//! The cache holds the guest's view only. A request that carries a session
//! cookie (see `viewer::may_be_member`) is neither answered from it nor kept
//! in it, and its page goes out as `private, no-store`; nor is a response
//! that sets a cookie or says it is private kept.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use abide_bible::Library;
use abide_store::{SiteSettings, Store, StoreError};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::handlers::entries::EntryParts;
use crate::limits::Heavy;
use crate::state::AppState;
use crate::viewer::may_be_member;

/// Query parameters that change a page, besides `translation` (which counts
/// through the translation it chooses): the cache keeps one copy per value.
/// Every other parameter is ignored, by the pages and by the cache, so
/// `/?x=1`, `/?x=2`, ... are one page. A handler that reads a new parameter
/// must add it here.
const PAGE_PARAMS: &[&str] = &["ref"];

/// Bytes a page costs the cache beyond its body: key, headers, bookkeeping.
const PAGE_OVERHEAD: u64 = 512;

/// The longest a request waits for another request's render of the same page
/// before rendering it itself.
const FLIGHT_WAIT: Duration = Duration::from_secs(20);

/// Bodies up to this size are compressed where they are served (well under a
/// millisecond); larger ones on the heavy-work threads.
const INLINE_COMPRESS_BYTES: usize = 16 * 1024;

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
    /// Renders under way, by key: a request that misses while its page is
    /// being rendered waits for that render instead of starting another, so
    /// a burst on one uncached page costs one render. Holds one entry per
    /// distinct page being rendered, so no more than the requests in flight.
    inflight: Mutex<HashMap<String, tokio::sync::watch::Receiver<()>>>,
    /// What members see of an entry's page besides their own part, by
    /// entry and translation: made only for entries that exist, dropped
    /// with the pages, and weighed against the same byte budget.
    member_entries: quick_cache::sync::Cache<String, Arc<EntryParts>, PartsWeight>,
}

/// A member entry's weight: its text and the overhead.
#[derive(Clone)]
struct PartsWeight;

impl quick_cache::Weighter<String, Arc<EntryParts>> for PartsWeight {
    fn weight(&self, key: &String, parts: &Arc<EntryParts>) -> u64 {
        (key.len() as u64) + parts.weight()
    }
}

/// A request's part in rendering a page nobody has cached.
enum Flight<'c> {
    /// This request renders it; the others wait until the guard drops.
    Lead(FlightGuard<'c>),
    /// Another request is rendering it: wait for that one to finish.
    Wait(tokio::sync::watch::Receiver<()>),
}

/// Ends a render's flight when dropped (finished, failed, panicked or
/// cancelled alike): the entry leaves the map, then the sender drops and
/// wakes every waiter.
struct FlightGuard<'c> {
    cache: &'c PageCache,
    key: String,
    _done: tokio::sync::watch::Sender<()>,
}

impl Drop for FlightGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut inflight) = self.cache.inflight.lock() {
            inflight.remove(&self.key);
        }
    }
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
            inflight: Mutex::new(HashMap::new()),
            member_entries: quick_cache::sync::Cache::with_weighter(
                estimated_pages,
                budget,
                PartsWeight,
            ),
        }
    }

    /// What members see of an entry's page, if kept.
    pub(crate) fn member_entry(&self, key: &str) -> Option<Arc<EntryParts>> {
        self.member_entries.get(key)
    }

    /// Keeps what members see of an entry's page.
    pub(crate) fn keep_member_entry(&self, key: String, parts: Arc<EntryParts>) {
        self.member_entries.insert(key, parts);
    }

    /// Joins the render of `key` under way, or leads a new one.
    fn flight(&self, key: &str) -> Flight<'_> {
        let Ok(mut inflight) = self.inflight.lock() else {
            // A poisoned map: every request renders on its own, as without it.
            let (done, _) = tokio::sync::watch::channel(());
            return Flight::Lead(FlightGuard {
                cache: self,
                key: String::new(),
                _done: done,
            });
        };
        if let Some(done) = inflight.get(key) {
            return Flight::Wait(done.clone());
        }
        let (done, waiting) = tokio::sync::watch::channel(());
        inflight.insert(key.to_owned(), waiting);
        Flight::Lead(FlightGuard {
            cache: self,
            key: key.to_owned(),
            _done: done,
        })
    }

    fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        self.pages.get(key)
    }

    fn put(&self, key: String, page: CachedPage) -> Arc<CachedPage> {
        let page = Arc::new(page);
        self.pages.insert(key, Arc::clone(&page));
        page
    }

    pub(crate) fn clear(&self) {
        self.pages.clear();
        self.member_entries.clear();
        if let Ok(mut site) = self.site.write() {
            *site = None;
        }
    }

    /// The next publish time, as of the last check of what pages depend on;
    /// `i64::MAX` when nothing is scheduled, `None` before any check came
    /// back. Something kept until then shows each entry when it appears.
    pub(crate) fn next_publish(&self) -> Option<i64> {
        let checked = self.basis.read().is_ok_and(|b| b.0 != i64::MIN);
        checked.then(|| self.next_publish.load(Ordering::Relaxed))
    }

    /// The bytes the cached pages weigh now.
    #[cfg(test)]
    fn weight(&self) -> u64 {
        self.pages.weight()
    }

    /// The site's default translation as the settings last read say, if it
    /// names one (without a read: the pages' cache key needs it at once).
    pub(crate) fn default_translation(&self) -> Option<String> {
        self.site
            .read()
            .ok()
            .and_then(|s| s.as_ref().map(|s| s.default_translation.clone()))
            .filter(|id| !id.is_empty())
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
                    // Content may have changed on another node or process:
                    // the store's outlines of journeys go with the pages.
                    state.store().forget_content();
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
        let etag = format!("\"{}\"", abide_content::Fingerprint::of(&body).hex());
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

    async fn respond(
        self: &Arc<Self>,
        heavy: &Heavy,
        method: &Method,
        headers: &HeaderMap,
    ) -> Response {
        let mut response = if self.not_modified(headers) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let (encoding, body) = self.encoded(heavy, headers).await;
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

    /// The body in the best encoding the client accepts, made once: small
    /// bodies here, large ones on the heavy-work threads (and sent as they
    /// are when those are all busy).
    async fn encoded(
        self: &Arc<Self>,
        heavy: &Heavy,
        headers: &HeaderMap,
    ) -> (Option<&'static str>, Bytes) {
        let Some(coding) = Coding::chosen(headers, self.body.len()) else {
            return (None, self.body.clone());
        };
        if let Some(body) = self.compressed(coding).get() {
            return (Some(coding.name()), body.clone());
        }
        if self.body.len() <= INLINE_COMPRESS_BYTES {
            return (Some(coding.name()), self.compress(coding));
        }
        let page = Arc::clone(self);
        match heavy.run(move || page.compress(coding)).await {
            Ok(body) => (Some(coding.name()), body),
            Err(_) => (None, self.body.clone()),
        }
    }

    fn compressed(&self, coding: Coding) -> &OnceLock<Bytes> {
        match coding {
            Coding::Brotli => &self.brotli,
            Coding::Gzip => &self.gzip,
        }
    }

    fn compress(&self, coding: Coding) -> Bytes {
        self.compressed(coding)
            .get_or_init(|| match coding {
                Coding::Brotli => compress_brotli(&self.body),
                Coding::Gzip => compress_gzip(&self.body),
            })
            .clone()
    }
}

/// A content coding the cache makes.
#[derive(Debug, Clone, Copy)]
enum Coding {
    Brotli,
    Gzip,
}

impl Coding {
    /// The coding to send a body of `len` bytes in, from the client's
    /// Accept-Encoding: brotli first, then gzip; none for tiny bodies.
    fn chosen(headers: &HeaderMap, len: usize) -> Option<Self> {
        if len < 256 {
            return None;
        }
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
        if accepts("br") {
            Some(Self::Brotli)
        } else if accepts("gzip") {
            Some(Self::Gzip)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gzip",
        }
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
    if may_be_member(request.headers()) {
        // Perhaps a member's page: theirs alone. Not served from the cache,
        // not kept in it, and no cache on the way may keep it either.
        let mut response = next.run(request).await;
        if response.extensions().get::<Cacheable>().is_some() {
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
        }
        return response;
    }
    let cache = state.cache();
    let site_default = state.cache().default_translation();
    let key = page_key(state.library(), site_default.as_deref(), &request);
    // Only a page about to be served again needs the freshness check (and its
    // database query); health checks, files and misses go straight on (a
    // page rendered now checks through `AppState::site`).
    if cache.get(&key).is_some() {
        cache.revalidate(&state).await;
        if let Some(page) = cache.get(&key) {
            return page
                .respond(state.heavy(), &method, request.headers())
                .await;
        }
    }
    let flight = match cache.flight(&key) {
        Flight::Lead(guard) => Some(guard),
        Flight::Wait(mut done) => {
            // Resolves when the render under way ends, however it ends.
            let _ = tokio::time::timeout(FLIGHT_WAIT, done.changed()).await;
            if let Some(page) = cache.get(&key) {
                return page
                    .respond(state.heavy(), &method, request.headers())
                    .await;
            }
            // That render was not kept (an error, a page too large): render
            // this one as before.
            None
        }
    };
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
    if !storable(&response) {
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
            drop(flight); // the waiters may serve it now
            page.respond(state.heavy(), &method, &headers).await
        }
        Err(e) => {
            tracing::error!(error = %e, "could not read a rendered page");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Whether the cache may keep a response: a page route's 200, not already
/// encoded, that sets no cookie and does not forbid shared caching.
fn storable(response: &Response) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && response.extensions().get::<Cacheable>().is_some()
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CONTENT_ENCODING)
        && headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| {
                !v.split(',').any(|directive| {
                    let name = directive.split('=').next().unwrap_or("").trim();
                    name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("private")
                })
            })
}

/// What a page depends on: its path, the translation it quotes scripture
/// in (only one that exists: any other choice falls back to the same
/// default), and the values of [`PAGE_PARAMS`]. Nothing else a client sends
/// makes a new entry.
fn page_key(library: &Library, site_default: Option<&str>, request: &Request) -> String {
    let uri = request.uri();
    let query = uri.query().unwrap_or("");
    let translation =
        crate::state::translation_for(library, site_default, request.headers(), query);
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
        page_key(
            &Library::bundled(),
            None,
            &request.body(Body::empty()).unwrap(),
        )
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

    fn response(headers: &[(&'static str, &'static str)], cacheable: bool) -> Response {
        let mut response = Response::new(Body::from("page"));
        for (name, value) in headers {
            response.headers_mut().insert(
                header::HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        if cacheable {
            response.extensions_mut().insert(Cacheable);
        }
        response
    }

    #[test]
    fn only_shareable_pages_are_kept() {
        const HTML: (&str, &str) = ("content-type", "text/html; charset=utf-8");
        assert!(storable(&response(&[HTML], true)));
        assert!(storable(&response(
            &[HTML, ("cache-control", "public, max-age=3600")],
            true
        )));
        // Not a page route (files, health, forms).
        assert!(!storable(&response(&[HTML], false)));
        // A cookie set is for one client only.
        assert!(!storable(&response(
            &[HTML, ("set-cookie", "translation=kjv")],
            true
        )));
        // A page that says it is private or not to be stored.
        for policy in ["no-store", "private, no-store", "private", "Private=\"x\""] {
            assert!(
                !storable(&response(&[HTML, ("cache-control", policy)], true)),
                "{policy}"
            );
        }
        let mut missing = response(&[HTML], true);
        *missing.status_mut() = StatusCode::NOT_FOUND;
        assert!(!storable(&missing));
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
