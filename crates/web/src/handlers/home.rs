use axum::extract::State;
use axum::response::Html;
use minijinja::context;

use crate::error::AppError;
use crate::state::AppState;

/// `GET /`: the site's front page.
pub(crate) async fn show(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    state.page("home.html", context! {}).await
}

/// Any address that no route claims.
pub(crate) async fn not_found() -> AppError {
    AppError::NotFound
}
