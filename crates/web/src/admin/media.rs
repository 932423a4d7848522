//! The media library, `/admin/media`: every image uploaded, with its alt
//! text, sizes, who uploaded it and when, the Markdown to paste into an entry
//! and the value for a journey's `cover`; the upload form; alt text edited
//! afterwards; deleting an image no file uses.
//!
//! The upload itself is read by the forms guard (origin, then the token, then
//! the file: see `crate::uploads`); here it is checked by its content and
//! kept in its sizes (see [`super::images`]).

use abide_store::{MAX_ALT_CHARS, MediaItem, NewMedia};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::images::{self, COVER};
use super::{Staff, page};
use crate::account::forms::{CsrfToken, decode_form};
use crate::error::AppError;
use crate::state::AppState;
use crate::uploads::{MAX_UPLOAD_BYTES, Upload};

/// An image as the library page shows it.
#[derive(Debug, Serialize)]
struct MediaRow {
    #[serde(flatten)]
    item: MediaItem,
    /// What the page shows as a preview: the size for text.
    preview: String,
    /// `![alt](/media/…)`, to paste into an entry.
    markdown: String,
    /// `cover = "/media/…"`, for `journey.toml`.
    cover: String,
    /// The cover is smaller than link previews want.
    small_cover: bool,
}

impl MediaRow {
    fn new(item: MediaItem) -> Self {
        let url = |name: &str| item.size(name).map(abide_store::MediaSize::url);
        let preview = url("w800").or_else(|| url("cover")).unwrap_or_default();
        let cover_url = url("cover").unwrap_or_default();
        let small_cover = item
            .size("cover")
            .is_some_and(|c| c.width < COVER.0 || c.height < COVER.1);
        Self {
            markdown: format!("![{}]({preview})", markdown_text(&item.alt)),
            cover: format!("cover = \"{cover_url}\""),
            preview,
            small_cover,
            item,
        }
    }
}

/// Alt text as Markdown's image text: brackets and backslashes escaped.
fn markdown_text(alt: &str) -> String {
    let mut out = String::with_capacity(alt.len());
    for c in alt.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Alt text as kept: whitespace (line breaks too) collapsed to single spaces.
fn clean_alt(alt: &str) -> String {
    alt.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why alt text cannot be kept.
fn alt_problem(alt: &str) -> Option<String> {
    if alt.is_empty() {
        Some("Describe the image in a sentence (its alt text): readers who cannot see it hear this instead. An image without one is not kept.".into())
    } else if alt.chars().count() > MAX_ALT_CHARS {
        Some(format!(
            "The alt text is at most {MAX_ALT_CHARS} characters; say what the image shows in a sentence."
        ))
    } else {
        None
    }
}

/// What the library page shows besides the images.
#[derive(Default)]
struct Shown<'a> {
    notice: Option<String>,
    /// A problem with the upload form, and the alt text typed.
    upload_problem: Option<String>,
    upload_alt: &'a str,
    /// A problem with the alt text of one image: its id, the problem, what
    /// was typed.
    alt_problem: Option<(i64, String, &'a str)>,
    /// An image not deleted, and the files that use it.
    in_use: Option<(i64, Vec<abide_store::MediaUse>)>,
}

async fn render(
    state: &AppState,
    staff: &Staff,
    csrf: &CsrfToken,
    status: StatusCode,
    shown: Shown<'_>,
) -> Result<Response, AppError> {
    let rows: Vec<MediaRow> = state
        .store()
        .media_library()
        .await?
        .into_iter()
        .map(MediaRow::new)
        .collect();
    let (alt_id, alt_problem, alt_typed) = shown
        .alt_problem
        .map_or((None, None, ""), |(id, p, t)| (Some(id), Some(p), t));
    let (in_use_id, in_use) = shown
        .in_use
        .map_or((None, Vec::new()), |(id, uses)| (Some(id), uses));
    page(
        state,
        status,
        "admin/media.html",
        staff,
        csrf,
        context! {
            path => "/admin/media",
            items => Serde(&rows),
            notice => shown.notice,
            upload_problem => shown.upload_problem,
            upload_alt => shown.upload_alt,
            alt_id,
            alt_problem,
            alt_typed,
            in_use_id,
            in_use => Serde(&in_use),
            max_alt => MAX_ALT_CHARS,
            max_mb => MAX_UPLOAD_BYTES >> 20,
            max_side => images::MAX_SIDE,
            cover_size => format!("{}×{}", COVER.0, COVER.1),
        },
    )
    .await
}

/// `GET /admin/media`.
pub(crate) async fn library(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    uri: Uri,
) -> Result<Response, AppError> {
    let query = uri.query().unwrap_or_default();
    let notice = if query.starts_with("added=") {
        Some("Uploaded: the image is below, first in the list, with what to paste where it goes.")
    } else if query.starts_with("saved=") {
        Some("Alt text saved.")
    } else if query.starts_with("deleted=") {
        Some("Deleted: the image is no longer in the library nor on the site.")
    } else {
        None
    };
    let shown = Shown {
        notice: notice.map(str::to_owned),
        ..Shown::default()
    };
    render(&state, &staff, &csrf, StatusCode::OK, shown).await
}

/// `POST /admin/media`: an upload (read by the guard), or a form sent
/// without one (a browser that lost the file: said so).
pub(crate) async fn upload(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    upload: Option<Extension<Upload>>,
) -> Result<Response, AppError> {
    let upload = upload.map(|Extension(u)| u).unwrap_or_default();
    let alt = clean_alt(upload.field("alt"));
    let problem = match &upload.file {
        None => Some("Choose an image file to upload.".to_owned()),
        Some(_) => alt_problem(&alt),
    };
    let refuse = |status: StatusCode, problem: String| {
        let alt = alt.clone();
        let (state, staff, csrf) = (&state, &staff, &csrf);
        async move {
            let shown = Shown {
                upload_problem: Some(problem),
                upload_alt: &alt,
                ..Shown::default()
            };
            render(state, staff, csrf, status, shown).await
        }
    };
    if let Some(problem) = problem {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, problem).await;
    }
    let Some(file) = upload.file else {
        return Err(AppError::NotFound);
    };
    let bytes = file.bytes.clone();
    // Decoding and resizing are CPU work: a few at a time, the rest refused.
    let processed = state.heavy().run(move || images::process(&bytes)).await?;
    let processed = match processed {
        Ok(p) => p,
        Err(refusal) => {
            tracing::info!(name = %abide_store::media_display_name(&file.name), ?refusal, "an upload refused");
            return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, refusal.message()).await;
        }
    };
    let item = state
        .store()
        .add_media(&NewMedia {
            original_name: file.name.clone(),
            alt,
            width: processed.width,
            height: processed.height,
            files: processed.files,
            uploaded_by: Some(staff.id()),
        })
        .await?;
    Ok(Redirect::to(&format!("/admin/media?added={}#media-{}", item.id, item.id)).into_response())
}

/// `POST /admin/media/{id}/alt`: new alt text.
pub(crate) async fn save_alt(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = decode_form(&body).unwrap_or_default();
    let typed = fields
        .iter()
        .find(|(n, _)| n == "alt")
        .map_or("", |(_, v)| v.as_str());
    let alt = clean_alt(typed);
    if let Some(problem) = alt_problem(&alt) {
        if state.store().media_item(id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let shown = Shown {
            alt_problem: Some((id, problem, typed)),
            ..Shown::default()
        };
        return render(
            &state,
            &staff,
            &csrf,
            StatusCode::UNPROCESSABLE_ENTITY,
            shown,
        )
        .await;
    }
    if !state.store().set_media_alt(id, &alt).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!("/admin/media?saved={id}#media-{id}")).into_response())
}

/// `POST /admin/media/{id}/delete`: refused (409, naming the files) while a
/// journey's file still uses one of its sizes; once deleted, its addresses
/// answer 404.
pub(crate) async fn delete(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let store = state.store();
    let item = store.media_item(id).await?.ok_or(AppError::NotFound)?;
    let paths: Vec<String> = item.sizes.iter().map(|s| s.path.clone()).collect();
    let uses = store.media_uses(&paths).await?;
    if !uses.is_empty() {
        let shown = Shown {
            in_use: Some((id, uses)),
            ..Shown::default()
        };
        return render(&state, &staff, &csrf, StatusCode::CONFLICT, shown).await;
    }
    store.delete_media(id).await?;
    // Pages are not affected (none uses it), but keep the cache honest.
    state.cache().clear();
    Ok(Redirect::to("/admin/media?deleted=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alt_text_is_safe_in_markdown() {
        assert_eq!(markdown_text("a [b] c\\d *e*"), "a \\[b\\] c\\\\d \\*e\\*");
        assert_eq!(clean_alt("  two\nlines\t here "), "two lines here");
        assert!(alt_problem("").is_some());
        assert!(alt_problem(&"x".repeat(MAX_ALT_CHARS + 1)).is_some());
        assert!(alt_problem(&"é".repeat(MAX_ALT_CHARS)).is_none());
    }
}
