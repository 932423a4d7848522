use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;

use crate::error::AppError;
use crate::passage::view;
use crate::state::AppState;
use crate::viewer::{Viewer, entry_for};

/// `GET /journeys/{journey}/{entry}`: one day, introduction or recap; for a
/// viewer who may not read it, its teaser (still 200: the page exists, and
/// says how to read it).
pub(crate) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((journey, slug)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Html<String>, AppError> {
    let now = state.now_ms();
    let store = state.store();
    let entry = store
        .entry(&journey, &slug, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let journey = store
        .journey(&journey, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let (prev, next) = store.neighbours(&entry.card, now).await?;
    let key = entry.card.key_osis.as_deref().and_then(|osis| {
        let ranges = abide_scripture::parse_osis(osis).ok()?;
        let translation = state.translation_for(&headers, uri.query().unwrap_or(""));
        view(translation, &ranges).ok()
    });
    let (entry, readable) = entry_for(viewer, entry);
    state
        .page(
            "entry.html",
            context! {
                path => format!("/journeys/{}/{}", journey.slug, entry.card.slug),
                entry => Serde(entry),
                journey => Serde(journey),
                prev => Serde(prev),
                next => Serde(next),
                locked => !readable,
                key => Serde(key),
            },
        )
        .await
}
