//! Revisions: every version of a file, the differences between two, and
//! restoring one (a save like any other, so it is a revision too).

use abide_content::JourneySource;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::{Staff, page, stored_journey};
use crate::account::forms::CsrfToken;
use crate::error::AppError;
use crate::state::AppState;

/// `GET /admin/journeys/{id}/history/{*path}`: the file's revisions.
pub(crate) async fn list(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path((id, path)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let stored = stored_journey(&state, id).await?;
    let revisions = state.store().revisions(id, &path).await?;
    if revisions.is_empty() {
        return Err(AppError::NotFound);
    }
    page(
        &state,
        StatusCode::OK,
        "admin/history.html",
        &staff,
        &csrf,
        context! {
            path => format!("/admin/journeys/{id}/history/{path}"),
            journey => context! { id, slug => &stored.slug, title => &stored.title },
            current => stored.source.files.get(&path).map(|b| JourneySource::hash_of(b)),
            file => path,
            revisions => Serde(&revisions),
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct Against {
    against: Option<i64>,
}

/// `GET /admin/revisions/{rev}?against=OTHER`: what changed from `OTHER`
/// (by default the revision before it) to `rev`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(rev): Path<i64>,
    Query(q): Query<Against>,
) -> Result<Response, AppError> {
    let store = state.store();
    let revision = store.revision(rev).await?.ok_or(AppError::NotFound)?;
    let info = &revision.info;
    let all = store.revisions(info.journey_id, &info.path).await?;
    let against_id = q
        .against
        .or_else(|| all.iter().find(|r| r.id < rev).map(|r| r.id));
    let against = match against_id {
        Some(other) => {
            let other = store.revision(other).await?.ok_or(AppError::NotFound)?;
            // Only two versions of the same file are compared.
            if other.info.journey_id != info.journey_id || other.info.path != info.path {
                return Err(AppError::NotFound);
            }
            Some(other)
        }
        None => None,
    };
    let text = |bytes: &Option<Vec<u8>>| {
        bytes
            .as_deref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    };
    let binary = |bytes: &Option<Vec<u8>>| {
        bytes
            .as_deref()
            .is_some_and(|b| std::str::from_utf8(b).is_err())
    };
    let is_binary = binary(&revision.bytes) || against.as_ref().is_some_and(|a| binary(&a.bytes));
    let lines = if is_binary {
        Vec::new()
    } else {
        super::diff::lines(
            &against.as_ref().map(|a| text(&a.bytes)).unwrap_or_default(),
            &text(&revision.bytes),
        )
    };
    let stored = stored_journey(&state, info.journey_id).await?;
    let current = stored
        .source
        .files
        .get(&info.path)
        .map(|b| JourneySource::hash_of(b));
    page(
        &state,
        StatusCode::OK,
        "admin/revision.html",
        &staff,
        &csrf,
        context! {
            path => format!("/admin/revisions/{rev}"),
            journey => context! { id => info.journey_id, slug => &stored.slug, title => &stored.title },
            revision => Serde(info),
            against => against.as_ref().map(|a| Serde(&a.info)),
            others => Serde(&all),
            lines => Serde(&lines),
            binary => is_binary,
            is_current => current.as_deref() == Some(info.hash.as_str()),
        },
    )
    .await
}

/// `POST /admin/revisions/{rev}/restore`: makes the revision the file's
/// current version, if the journey loads with it.
pub(crate) async fn restore(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(rev): Path<i64>,
) -> Result<Response, AppError> {
    let store = state.store();
    let revision = store.revision(rev).await?.ok_or(AppError::NotFound)?;
    let info = revision.info.clone();
    let Some(bytes) = revision.bytes else {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nothing to restore",
            "This revision records that the file was removed. Restore an earlier one instead.",
        ));
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not restored here",
            "This revision is an image, not text; import the folder that has it to bring it back.",
        ));
    };
    let stored = stored_journey(&state, info.journey_id).await?;
    let base = stored
        .source
        .files
        .get(&info.path)
        .map(|b| JourneySource::hash_of(b));
    let note = format!("restored revision {rev}");
    match super::editor::save_text(&state, &staff, info.journey_id, &info.path, text, base.as_deref(), &note).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/journeys/{}/history/{}",
            info.journey_id, info.path
        ))
        .into_response()),
        Err(problems) => {
            page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                "admin/restore-failed.html",
                &staff,
                &csrf,
                context! {
                    path => format!("/admin/revisions/{rev}"),
                    journey => context! { id => info.journey_id, slug => &stored.slug, title => &stored.title },
                    revision => Serde(&info),
                    problems,
                },
            )
            .await
        }
    }
}
