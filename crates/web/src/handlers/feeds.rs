use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde_json::json;

use crate::error::AppError;
use crate::state::AppState;

const FEED_LENGTH: i64 = 30;

fn with_type(body: String, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// `GET /feed.xml`: RSS 2.0 of the latest entries.
pub(crate) async fn rss(State(state): State<AppState>) -> Result<Response, AppError> {
    let entries = state
        .store()
        .latest_entries(state.now_ms(), FEED_LENGTH)
        .await?;
    let xml = state
        .render(
            "rss.xml",
            context! { path => "/feed.xml", entries => Serde(entries) },
        )
        .await?;
    Ok(with_type(xml, "application/rss+xml; charset=utf-8"))
}

/// `GET /atom.xml`: Atom of the latest entries.
pub(crate) async fn atom(State(state): State<AppState>) -> Result<Response, AppError> {
    let entries = state
        .store()
        .latest_entries(state.now_ms(), FEED_LENGTH)
        .await?;
    let updated = entries
        .iter()
        .map(|e| e.updated_at.max(e.publish_at))
        .max()
        .unwrap_or(0);
    let xml = state
        .render(
            "atom.xml",
            context! { path => "/atom.xml", entries => Serde(entries), updated },
        )
        .await?;
    Ok(with_type(xml, "application/atom+xml; charset=utf-8"))
}

/// `GET /feed.json`: JSON Feed 1.1 of the latest entries.
pub(crate) async fn json_feed(State(state): State<AppState>) -> Result<Response, AppError> {
    let entries = state
        .store()
        .latest_entries(state.now_ms(), FEED_LENGTH)
        .await?;
    let site = state.site().await?;
    let base = &state.config().base_url;
    let items: Vec<_> = entries
        .iter()
        .map(|e| {
            let url = format!("{base}/journeys/{}/{}", e.journey_slug, e.slug);
            json!({
                "id": url,
                "url": url,
                "title": e.title,
                "summary": e.summary,
                "content_text": e.summary,
                "date_published": crate::filters::isodate(e.publish_at).unwrap_or_default(),
                "date_modified": crate::filters::isodate(e.updated_at.max(e.publish_at)).unwrap_or_default(),
                "tags": [e.journey_title],
            })
        })
        .collect();
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.title,
        "description": site.tagline,
        "home_page_url": format!("{base}/"),
        "feed_url": format!("{base}/feed.json"),
        "language": site.language,
        "items": items,
    });
    let mut response = Json(feed).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/feed+json; charset=utf-8"),
    );
    Ok(response)
}

/// `GET /sitemap.xml`.
pub(crate) async fn sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    let items = state.store().sitemap(state.now_ms()).await?;
    let xml = state
        .render(
            "sitemap.xml",
            context! { path => "/sitemap.xml", items => Serde(items) },
        )
        .await?;
    Ok(with_type(xml, "application/xml; charset=utf-8"))
}

/// `GET /robots.txt`: everything may be crawled; here is the sitemap.
pub(crate) async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /api/\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        state.config().base_url
    );
    with_type(body, "text/plain; charset=utf-8")
}
