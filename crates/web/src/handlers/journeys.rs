use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;

use crate::account::session::SignedIn;
use crate::error::AppError;
use crate::reader::MemberView;
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
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
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
    // A member follows it (their progress) or may start it (today or later).
    let member = MemberView::of(&state, &signed_in, &headers)?;
    let walk = match &member {
        Some(member) => {
            let today = member.today(&state)?;
            let progress = state
                .store()
                .journey_progress(member.session.user.id, &journey.slug, today)
                .await?;
            Some(context! {
                today => today.to_string(),
                progress => Serde(progress.map(|p| p.progress)),
                csrf => member.csrf.as_str(),
            })
        }
        None => None,
    };
    let mut response = state
        .page(
            "journey.html",
            context! {
                path => format!("/journeys/{}", journey.slug),
                journey => Serde(journey),
                weeks => Serde(weeks),
                first => Serde(first),
                locked,
                member => member.as_ref().map(|m| Serde(&m.session.user)),
                walk,
            },
        )
        .await?
        .into_response();
    if let Some(member) = &member {
        member.finish(&state, &mut response);
    }
    Ok(response)
}
