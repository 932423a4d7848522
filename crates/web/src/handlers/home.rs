use axum::extract::State;
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;

use crate::account::session::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

/// `GET /`: today's reading, the current journey, the latest entries.
pub(crate) async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Html<String>, AppError> {
    let now = state.now_ms();
    let store = state.store();
    let today = store.todays_entry(now).await?;
    let journey = match &today {
        Some(entry) => store.journey(&entry.journey_slug, now).await?,
        None => None,
    };
    let latest = store.latest_entries(now, 7).await?;
    let latest: Vec<_> = latest
        .into_iter()
        .filter(|e| today.as_ref().is_none_or(|t| t.id != e.id))
        .take(6)
        .collect();
    let journeys = store.journeys(now).await?;
    // A member's own day comes first: each journey they follow.
    let followed = match signed_in.session() {
        Some(session) => {
            let today = store.local_date(&session.user.time_zone)?;
            Some(store.enrolments(session.user.id, today).await?)
        }
        None => None,
    };
    let member = signed_in.session().map(|s| Serde(&s.user));
    state
        .page(
            "home.html",
            context! {
                path => "/",
                today => Serde(today),
                journey => Serde(journey),
                latest => Serde(latest),
                journeys => Serde(journeys),
                followed => Serde(followed),
                member,
            },
        )
        .await
}

/// Any address that no route claims.
pub(crate) async fn not_found() -> AppError {
    AppError::NotFound
}
