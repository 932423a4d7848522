use axum::extract::{Path, State};
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;

use crate::error::AppError;
use crate::state::AppState;

/// `GET /authors/{author}`: an author and their entries.
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let (author, entries) = state
        .store()
        .author(&slug, state.now_ms())
        .await?
        // An author with nothing published yet has no page.
        .filter(|(_, entries)| !entries.is_empty())
        .ok_or(AppError::NotFound)?;
    state
        .page(
            "author.html",
            context! {
                path => format!("/authors/{}", author.slug),
                author => Serde(author),
                entries => Serde(entries),
            },
        )
        .await
}
