use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::account::pages;
use crate::error::AppError;
use crate::handlers::{
    assets, authors, bounces, entries, feeds, health, home, journeys, passages, practices,
    preferences, search, subscribe, tags,
};
use crate::middleware::{SECURITY_HEADERS, error_pages};
use crate::reader;
use crate::state::AppState;

/// The whole site: every route, and the layers around them.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    // Pages: rendered once, then served from the cache until content changes
    // (only responses of these routes are marked cacheable).
    let pages = Router::new()
        .route("/", get(home::show))
        .route("/journeys", get(journeys::index))
        .route("/journeys/{journey}", get(journeys::show))
        .route("/journeys/{journey}/{entry}", get(entries::show))
        .route("/tags", get(tags::index))
        .route("/tags/{tag}", get(tags::show))
        .route("/authors/{author}", get(authors::show))
        .route("/feed.xml", get(feeds::rss))
        .route("/atom.xml", get(feeds::atom))
        .route("/feed.json", get(feeds::json_feed))
        .route("/sitemap.xml", get(feeds::sitemap))
        .route("/robots.txt", get(feeds::robots))
        .route("/opensearch.xml", get(search::opensearch))
        .route("/bible", get(passages::index))
        .route("/bible/{osis}", get(passages::show))
        .route("/api/passages/{osis}", get(passages::api))
        .layer(axum::middleware::map_response(crate::cache::mark_cacheable));
    // Pages of one person (never cached), whose forms pass the guard.
    let accounts = Router::new()
        .route("/sign-in", get(pages::sign_in_form).post(pages::sign_in))
        .route("/sign-up", get(pages::sign_up_form).post(pages::sign_up))
        .route("/reset", get(pages::reset_form).post(pages::reset))
        .route("/link/{kind}", get(pages::link_page).post(pages::use_link))
        .route("/sign-out", post(pages::sign_out))
        .route("/sign-out-everywhere", post(pages::sign_out_everywhere))
        .route("/account", get(pages::account))
        .route("/account/profile", post(pages::save_profile))
        .route("/account/password", post(pages::save_password))
        .route("/account/email", post(pages::change_email))
        .route("/account/verify", post(pages::send_verification))
        .route("/account/sessions/end", post(pages::end_session))
        .route("/account/data", get(reader::export_data))
        .route("/account/delete", post(reader::delete_account))
        .route("/today", get(reader::today_page))
        .route("/journal", get(reader::journal))
        .route("/journal/export.md", get(reader::export_markdown))
        .route("/journal/export.json", get(reader::export_json))
        .route("/journeys/{journey}/follow", post(reader::follow))
        .route("/journeys/{journey}/restart", post(reader::restart))
        .route("/journeys/{journey}/stop", post(reader::stop))
        .route("/journeys/{journey}/catch-up", post(reader::catch_up))
        .route("/journeys/{journey}/progress", get(reader::progress))
        .route("/journeys/{journey}/{entry}/done", post(reader::mark_done))
        .route(
            "/journeys/{journey}/{entry}/journal",
            post(reader::save_journal),
        )
        .route(
            "/journeys/{journey}/{entry}/practice/{n}",
            get(practices::show),
        )
        .route(
            "/journeys/{journey}/{entry}/practice/{n}/log",
            post(practices::log),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::account::forms::guard,
        ));
    let routes = pages
        .merge(accounts)
        // The back office: staff only, every form guarded (see `admin`).
        .merge(crate::admin::routes(&state))
        .route("/preferences", post(preferences::remember))
        // Subscriptions: checked by origin (the footer's form is on cached
        // pages) or by the subscriber's link key; see handlers::subscribe.
        .route(
            "/subscribe",
            get(subscribe::form).post(subscribe::subscribe),
        )
        .route(
            "/subscribe/confirm/{token}",
            get(subscribe::confirm_page).post(subscribe::confirm),
        )
        .route(
            "/email/{key}",
            get(subscribe::preferences).post(subscribe::save_preferences),
        )
        .route(
            "/unsubscribe/{key}",
            get(subscribe::unsubscribe_page).post(subscribe::unsubscribe),
        )
        // Bounces from the MTA: a bearer token, not a session; not found
        // unless configured.
        .route(
            "/mail/bounces",
            post(bounces::receive).layer(DefaultBodyLimit::max(bounces::MAX_BOUNCE_BYTES)),
        )
        // Search answers by who asks (members find members' text): never
        // kept in the page cache, and bounded by the heavy-work gate.
        .route("/search", get(search::page))
        .route("/api/search", get(search::api))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/static/{*path}", get(assets::show))
        .route("/media/{*path}", get(assets::media))
        .fallback(home::not_found);

    let mut app = routes
        // Innermost first: a panic becomes a themed 500 page.
        .layer(CatchPanicLayer::custom(|_| AppError::Panic.into_response()))
        // Inside the error pages: a 404 it turns into a 301 or a 410 is
        // themed (the 410) or left alone (the 301).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::moved::old_addresses,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error_pages,
        ))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        // `max_body_bytes`, but for the upload routes (see `uploads`).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::uploads::body_limit,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout.max(Duration::from_millis(1)),
        ))
        // A page already rendered is answered here, before the layers that
        // only a handler at work needs (timeout, limits, error pages).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::cache::cached_pages,
        ))
        .layer(CompressionLayer::new());
    for (name, value) in SECURITY_HEADERS {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    if config.is_https() {
        // Served over TLS (by Abide's proxy): browsers should never try plain HTTP.
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    app.layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The span of one request in the logs: method and path, never the query
/// (sign-in links carry their token there) nor the secret of a path that is
/// one (a subscriber's preference or unsubscribe key, a confirmation link).
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %logged_path(request.uri().path()),
    )
}

/// `path` with the secret segment of a link route replaced by `…`.
pub(crate) fn logged_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in ["/subscribe/confirm/", "/email/", "/unsubscribe/"] {
        if path.starts_with(prefix) && path.len() > prefix.len() {
            return format!("{prefix}…").into();
        }
    }
    path.into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_stay_out_of_the_logs() {
        use super::logged_path;
        assert_eq!(logged_path("/email/abc123"), "/email/…");
        assert_eq!(logged_path("/unsubscribe/k"), "/unsubscribe/…");
        assert_eq!(
            logged_path("/subscribe/confirm/t0k"),
            "/subscribe/confirm/…"
        );
        assert_eq!(logged_path("/subscribe"), "/subscribe");
        assert_eq!(
            logged_path("/journeys/psalms/day-1"),
            "/journeys/psalms/day-1"
        );
    }
}
