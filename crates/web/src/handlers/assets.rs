use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;

/// `GET /static/{*path}`: a file of the theme. Under its fingerprinted name
/// (`abide.1a2b3c4d5e.css`, as templates link it) it is cacheable for a year;
/// under its plain name, for five minutes, with an ETag for revalidation.
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (asset, immutable) = state
        .theme()
        .assets()
        .lookup(&path)
        .ok_or(AppError::NotFound)?;
    let etag = format!("\"{}\"", asset.hash);
    let cache = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        asset.bytes.clone().into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(response)
}

/// The only types `/media/` ever sends: raster images, which no browser
/// runs as a document.
const MEDIA_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp", "image/gif"];

/// `GET /media/{*path}`: an image that came with content (a journey's cover)
/// or was uploaded to the media library. Its path carries a fingerprint of
/// its bytes, so it may be cached for ever. Only [`MEDIA_TYPES`] are sent,
/// with their stored type, and a policy that forbids scripts and sandboxes
/// the response: even a file that were mislabelled could run nothing.
pub(crate) async fn media(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<Response, AppError> {
    let (content_type, bytes) = state
        .store()
        .media(&path)
        .await?
        .ok_or(AppError::NotFound)?;
    if !MEDIA_TYPES.contains(&content_type.as_str()) {
        tracing::warn!(%path, %content_type, "a stored media file of a type never served");
        return Err(AppError::NotFound);
    }
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}
