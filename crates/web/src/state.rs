use std::sync::Arc;
use std::time::Duration;

use abide_bible::{Library, Translation};
use abide_store::Store;
use axum::response::Html;
use minijinja::value::Serde;
use minijinja::{Value, context};

use crate::account::outbox::Outbox;
use crate::cache::PageCache;
use crate::error::AppError;
use crate::limits::{Heavy, Limits};
use crate::proxy::TrustedProxies;
use crate::search::SearchState;
use crate::theme::Theme;

/// What the HTTP layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The site's public URL without a trailing slash, e.g.
    /// `https://devotions.example.org`; used for absolute links.
    pub base_url: String,
    /// A request that takes longer is answered with 408.
    pub request_timeout: Duration,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How often the page cache asks the database whether content or settings
    /// changed (another node may have imported). Zero: on every request.
    pub cache_check_every: Duration,
    /// What one client can make the server spend.
    pub limits: Limits,
    /// Reverse proxies whose forwarding header names the client (for rate
    /// limits), and whose connections are not counted per address.
    pub trusted_proxies: TrustedProxies,
    /// Where mail goes (sign-in links); `None`: nowhere (a warning is logged
    /// for each message not sent).
    pub mail: Option<abide_mail::MailerConfig>,
    /// The bearer token an MTA gives to hand bounces to `POST
    /// /mail/bounces`; `None`: that address is not found.
    pub bounce_token: Option<String>,
    /// This node's search index; `None`: one in memory, filled at start.
    pub search_index: Option<Arc<abide_search::SearchIndex>>,
}

impl WebConfig {
    /// Whether the site is served over HTTPS (its base URL says so): cookies
    /// are then `Secure` and pages carry HSTS.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8080".into(),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 1 << 20,
            cache_check_every: Duration::from_secs(1),
            limits: Limits::default(),
            trusted_proxies: TrustedProxies::default(),
            mail: None,
            bounce_token: None,
            search_index: None,
        }
    }
}

/// Shared by every handler: cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    library: Arc<Library>,
    theme: Theme,
    config: WebConfig,
    cache: PageCache,
    heavy: Heavy,
    outbox: Outbox,
    search: SearchState,
}

impl AppState {
    /// Bundles what the handlers need.
    pub fn new(store: Store, library: Arc<Library>, theme: Theme, config: WebConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                library,
                theme,
                cache: PageCache::new(config.cache_check_every, config.limits.page_cache_bytes),
                heavy: Heavy::new(&config.limits),
                outbox: Outbox::start(config.mail.as_ref()),
                search: SearchState::new(config.search_index.clone().unwrap_or_else(|| {
                    // An index in memory cannot fail but for want of memory.
                    Arc::new(abide_search::SearchIndex::in_memory().expect("an index in memory"))
                })),
                config,
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The Bible translations.
    pub fn library(&self) -> &Library {
        &self.inner.library
    }

    /// The theme.
    pub fn theme(&self) -> &Theme {
        &self.inner.theme
    }

    pub(crate) fn cache(&self) -> &PageCache {
        &self.inner.cache
    }

    /// The gate of CPU-heavy work.
    pub(crate) fn heavy(&self) -> &Heavy {
        &self.inner.heavy
    }

    /// This node's search index.
    pub(crate) fn search(&self) -> &SearchState {
        &self.inner.search
    }

    /// Where mail that must leave at once goes.
    pub(crate) fn outbox(&self) -> &Outbox {
        &self.inner.outbox
    }

    /// The translation a request reads scripture in (see [`translation_for`]).
    pub(crate) fn translation_for(
        &self,
        headers: &axum::http::HeaderMap,
        query: &str,
    ) -> &Translation {
        let site = self.cache().default_translation();
        translation_for(self.library(), site.as_deref(), headers, query)
    }

    /// The current instant in stored form, from the store's clock: what
    /// "published" is measured against.
    pub(crate) fn now_ms(&self) -> i64 {
        self.store().now_ms()
    }

    /// The web configuration.
    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// The site settings, kept in memory until they change. Every render
    /// asks for them, so this is also where a page about to be rendered
    /// notices that content or settings changed (at most one query a
    /// `cache_check_every`).
    pub(crate) async fn site(&self) -> Result<Arc<abide_store::SiteSettings>, AppError> {
        self.cache().revalidate(self).await;
        Ok(self.cache().site_settings(self.store()).await?)
    }

    /// Renders a page of the theme: `ctx` plus what every page gets (`site`,
    /// `year`, `base_url`).
    pub(crate) async fn page(&self, template: &str, ctx: Value) -> Result<Html<String>, AppError> {
        Ok(Html(self.render(template, ctx).await?))
    }

    /// Renders any template of the theme (pages, feeds) with the common context.
    pub(crate) async fn render(&self, template: &str, ctx: Value) -> Result<String, AppError> {
        let site = self.site().await?;
        let ctx = context! {
            site => Serde(&*site),
            translations => Serde(self.library().list().iter().map(|t| crate::passage::TranslationView::of(t)).collect::<Vec<_>>()),
            year => self.store().clock().now().in_tz(&site.time_zone).map_or(1970, |now| now.year()),
            base_url => self.config().base_url.as_str(),
            ..ctx
        };
        Ok(self.theme().render(template, ctx)?)
    }
}

/// The translation a request reads scripture in: `?translation=` when it
/// names one, else the reader's cookie when it names one, else the site's
/// default (`site_default`, from the settings) when installed, else the
/// library's. Pages and the page cache both ask this, so they agree.
pub(crate) fn translation_for<'l>(
    library: &'l Library,
    site_default: Option<&str>,
    headers: &axum::http::HeaderMap,
    query: &str,
) -> &'l Translation {
    let asked = form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "translation")
        .and_then(|(_, id)| library.get(&id));
    asked
        .or_else(|| reader_translation(headers).and_then(|id| library.get(&id)))
        .or_else(|| site_default.and_then(|id| library.get(id)))
        .unwrap_or_else(|| library.default_translation())
}

/// The reader's chosen translation, from the `translation` cookie.
fn reader_translation(headers: &axum::http::HeaderMap) -> Option<String> {
    crate::cookies::get(headers, "translation").and_then(abide_bible::normalize_id)
}
