use abide_store::EntryCard;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;
use serde_json::json;

use crate::error::AppError;
use crate::state::AppState;
use crate::viewer::Viewer;

const FEED_LENGTH: i64 = 30;

/// An entry of a feed, and whether it is only a teaser.
#[derive(Serialize)]
struct FeedItem {
    #[serde(flatten)]
    entry: EntryCard,
    locked: bool,
}

/// The latest entries as a feed shows them. Feed readers fetch without the
/// reader's cookies, and a feed is shared by everyone who subscribes: it is
/// always the guest's view, whoever asks. A teaser shows the title, the
/// authored summary and the key passage, marked as for members.
async fn feed_items(state: &AppState) -> Result<Vec<FeedItem>, AppError> {
    let entries = state
        .store()
        .latest_entries(state.now_ms(), FEED_LENGTH)
        .await?;
    Ok(entries
        .into_iter()
        .map(|entry| FeedItem {
            locked: !Viewer::Guest.may_read(entry.members_only, entry.visibility),
            entry,
        })
        .collect())
}

fn with_type(body: String, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// `GET /feed.xml`: RSS 2.0 of the latest entries.
pub(crate) async fn rss(State(state): State<AppState>) -> Result<Response, AppError> {
    let entries = feed_items(&state).await?;
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
    let entries = feed_items(&state).await?;
    let updated = entries
        .iter()
        .map(|e| e.entry.updated_at.max(e.entry.publish_at))
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
    let entries = feed_items(&state).await?;
    let site = state.site().await?;
    let base = &state.config().base_url;
    let items: Vec<_> = entries
        .iter()
        .map(|FeedItem { entry: e, locked }| {
            let url = format!("{base}/journeys/{}/{}", e.journey_slug, e.slug);
            let mut text = e.summary.clone();
            let mut tags = vec![e.journey_title.as_str()];
            if *locked {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&members_note(&site.title, &url));
                tags.push("Members");
            }
            json!({
                "id": url,
                "url": url,
                "title": e.title,
                "summary": e.summary,
                "content_text": text,
                "date_published": crate::filters::isodate(e.publish_at).unwrap_or_default(),
                "date_modified": crate::filters::isodate(e.updated_at.max(e.publish_at)).unwrap_or_default(),
                "tags": tags,
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

/// What a feed says of a reading for members, after its summary.
fn members_note(site: &str, url: &str) -> String {
    format!("For members of {site}: sign in to read it at {url}")
}

/// `GET /sitemap.xml`: public pages only. A members-only reading, or a
/// members-only journey, is left out: its address answers a guest with a
/// teaser, which is no page for a search engine to index.
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
