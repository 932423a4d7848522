use axum::extract::{Path, State};
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;

use crate::error::AppError;
use crate::state::AppState;
use crate::viewer::{Viewer, weeks_for};

/// `GET /journeys`: every listed journey.
pub(crate) async fn index(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let journeys = state.store().journeys(state.now_ms()).await?;
    state
        .page(
            "journeys.html",
            context! { path => "/journeys", journeys => Serde(journeys) },
        )
        .await
}

/// `GET /journeys/{journey}`: a journey, its weeks and their days. A
/// members-only journey shows a guest its summary and its days' titles.
pub(crate) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let now = state.now_ms();
    let journey = state
        .store()
        .journey(&slug, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let weeks = state.store().journey_weeks(journey.id, now).await?;
    let locked = !viewer.may_read(false, journey.visibility);
    let weeks = weeks_for(viewer, journey.visibility, weeks);
    let first = weeks.iter().flat_map(|w| w.entries.first()).next().cloned();
    state
        .page(
            "journey.html",
            context! {
                path => format!("/journeys/{}", journey.slug),
                journey => Serde(journey),
                weeks => Serde(weeks),
                first => Serde(first),
                locked,
            },
        )
        .await
}
