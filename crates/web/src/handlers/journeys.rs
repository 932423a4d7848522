use axum::extract::{Path, State};
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;

use crate::error::AppError;
use crate::state::AppState;

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

/// `GET /journeys/{journey}`: a journey, its weeks and their days.
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let now = state.now_ms();
    let journey = state
        .store()
        .journey(&slug, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let weeks = state.store().journey_weeks(journey.id, now).await?;
    let first = weeks.iter().flat_map(|w| w.entries.first()).next().cloned();
    state
        .page(
            "journey.html",
            context! {
                path => format!("/journeys/{}", journey.slug),
                journey => Serde(journey),
                weeks => Serde(weeks),
                first => Serde(first),
            },
        )
        .await
}
