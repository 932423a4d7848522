//! The back office, `/admin`: where a ministry's editors and owner write,
//! schedule and look after the site in the browser.
//!
//! Every route of it is listed once, in `admin_routes!`, which makes both
//! the router and [`paths`] (what the tests walk, so that no route can be
//! added without its guard). In front of them all, `require_staff`: a guest
//! is sent to sign in, anyone signed in below editor gets the site's 404 (the
//! back office does not tell them it exists). Behind it, the forms guard:
//! every form carries the anti-forgery token and comes from this site.
//!
//! What is edited is the journey's files, in the folder format (see
//! `abide_content::EntryForm`): a save is an import of the journey with one
//! file changed, so pages, the citation index, slug history and revisions
//! all follow the one path a folder import takes.

mod dashboard;
mod diff;
mod editor;
mod history;
mod images;
mod media;
mod site;

use std::sync::Arc;

use abide_store::{Role, Session};
use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::value::Serde;
use minijinja::{Value, context};

use crate::account::forms::CsrfToken;
use crate::account::session::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

/// The role the back office starts at.
const STAFF: Role = Role::Editor;

/// Lists the back office's routes once: the router, and [`paths`].
macro_rules! admin_routes {
    ($($path:literal => $method:expr,)*) => {
        /// Every route of the back office, as the router has it.
        pub fn paths() -> &'static [&'static str] {
            &[$($path),*]
        }

        fn router() -> Router<AppState> {
            Router::new()$(.route($path, $method))*
        }
    };
}

admin_routes! {
    "/admin" => get(dashboard::show),
    "/admin/journeys" => post(dashboard::create_journey),
    "/admin/journeys/{id}" => get(dashboard::journey),
    "/admin/journeys/{id}/new" => get(editor::new_entry).post(editor::create_entry),
    "/admin/journeys/{id}/edit/{*path}" => get(editor::edit).post(editor::save),
    "/admin/journeys/{id}/preview/{*path}" => post(editor::preview),
    "/admin/journeys/{id}/move/{*path}" => post(dashboard::move_entry),
    "/admin/journeys/{id}/history/{*path}" => get(history::list),
    "/admin/revisions/{rev}" => get(history::show),
    "/admin/revisions/{rev}/restore" => post(history::restore),
    "/admin/settings" => get(site::settings).post(site::save_settings),
    "/admin/users" => get(site::users).post(site::invite),
    "/admin/users/{user}" => post(site::change),
    "/admin/audit" => get(site::audit),
    "/admin/media" => get(media::library).post(media::upload),
    "/admin/media/{id}/alt" => post(media::save_alt),
    "/admin/media/{id}/delete" => post(media::delete),
}

/// The back office's routes, each behind `require_staff` and the forms
/// guard.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    router()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::account::forms::guard,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_staff,
        ))
}

/// Someone signed in who may use the back office, as the handlers see them.
#[derive(Debug, Clone)]
pub(crate) struct Staff(pub(crate) Arc<Session>);

impl Staff {
    pub(crate) fn id(&self) -> i64 {
        self.0.user.id
    }
}

/// In front of every admin route: a guest goes to sign in (and comes back
/// to the page asked for), a signed-in member below editor gets 404.
async fn require_staff(signed_in: SignedIn, mut request: Request, next: Next) -> Response {
    let Some(session) = signed_in.0 else {
        let back = if request.method() == Method::GET {
            request
                .uri()
                .path_and_query()
                .map_or("/admin", |p| p.as_str())
                .to_owned()
        } else {
            request.uri().path().to_owned()
        };
        let to = format!(
            "/sign-in?next={}",
            form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
        );
        return Redirect::to(&to).into_response();
    };
    if !session.user.role.at_least(STAFF) || session.user.disabled {
        return AppError::NotFound.into_response();
    }
    request.extensions_mut().insert(Staff(session));
    next.run(request).await
}

/// Renders a back-office page with what each one needs: the person, the
/// token for its forms.
pub(crate) async fn page(
    state: &AppState,
    status: StatusCode,
    template: &str,
    staff: &Staff,
    csrf: &CsrfToken,
    ctx: Value,
) -> Result<Response, AppError> {
    let html = state
        .page(
            template,
            context! {
                csrf => &*csrf.0,
                member => Serde(&staff.0.user),
                staff => Serde(&staff.0.user),
                ..ctx
            },
        )
        .await?;
    let mut response = (status, html).into_response();
    response.headers_mut().insert(
        axum::http::header::HeaderName::from_static("x-robots-tag"),
        axum::http::HeaderValue::from_static("noindex"),
    );
    Ok(response)
}

/// The journey's files, or 404; `409` when the journey was imported before
/// files were kept.
pub(crate) async fn stored_journey(
    state: &AppState,
    id: i64,
) -> Result<abide_store::StoredSource, AppError> {
    let stored = state
        .store()
        .journey_source(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if stored.source.files.is_empty() {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "Not editable here yet",
            "This journey was imported by an older version of Abide, which did not keep its files. Import its folder once more (abide import) and it can be edited here.",
        ));
    }
    Ok(stored)
}

/// After a change: this node's pages and search index follow at once (other
/// nodes at their next check).
pub(crate) fn content_changed(state: &AppState) {
    state.cache().clear();
    state.store().forget_content();
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = state.sync_search().await {
            tracing::warn!(error = %e, "search index after a save in the back office");
        }
    });
}
