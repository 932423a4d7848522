use axum::extract::{Path, State};
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;

use crate::error::AppError;
use crate::state::AppState;

/// `GET /tags`: every tag in use.
pub(crate) async fn index(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let tags = state.store().tags(state.now_ms()).await?;
    let tags: Vec<_> = tags
        .into_iter()
        .map(|(tag, count)| context! { slug => tag.slug, name => tag.name, count })
        .collect();
    state
        .page("tags.html", context! { path => "/tags", tags })
        .await
}

/// `GET /tags/{tag}`: the entries with a tag.
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let (tag, entries) = state
        .store()
        .tag(&slug, state.now_ms())
        .await?
        // A tag whose entries are not yet published (or unlisted) has no page.
        .filter(|(_, entries)| !entries.is_empty())
        .ok_or(AppError::NotFound)?;
    state
        .page(
            "tag.html",
            context! {
                path => format!("/tags/{}", tag.slug),
                tag => Serde(tag),
                entries => Serde(entries),
            },
        )
        .await
}
