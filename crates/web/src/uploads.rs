//! File uploads (`multipart/form-data`): which routes take them, how large
//! they may be, and reading them, for the forms guard
//! (`account::forms::guard`), which alone reads them, after the origin check
//! and with the anti-forgery token read **before** the file: a form without
//! the token never gets its file read. A handler finds the parsed form as an
//! [`Upload`] extension; no route reads a multipart body itself.
//!
//! Every other route keeps the site's small body limit ([`body_limit`]).

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;

/// The largest file accepted in one upload, in bytes (10 MiB).
pub(crate) const MAX_UPLOAD_BYTES: usize = 10 << 20;

/// The largest upload request: the file, the form's other fields and the
/// multipart framing.
pub(crate) const MAX_UPLOAD_BODY: usize = MAX_UPLOAD_BYTES + (64 << 10);

/// The largest text field of an upload form, in bytes.
const MAX_TEXT_FIELD: u64 = 16 << 10;

/// The routes that take a file: only these may be sent `multipart/form-data`.
pub(crate) const UPLOAD_PATHS: &[&str] = &["/admin/media"];

/// Whether `path` takes uploads.
pub(crate) fn accepts_uploads(path: &str) -> bool {
    UPLOAD_PATHS.contains(&path)
}

/// The site's limit on request bodies: `max_body_bytes` from the
/// configuration for every route but the upload routes, which may be sent
/// [`MAX_UPLOAD_BODY`] (the guard refuses more with a page that says so).
/// Replaces tower-http's `RequestBodyLimitLayer`, which has one limit for all.
pub(crate) async fn body_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let limit = if accepts_uploads(request.uri().path()) {
        // A little over the guard's own limit, so that the guard (inside
        // the themed error pages) is the one that refuses.
        MAX_UPLOAD_BODY + (1 << 20)
    } else {
        state.config().max_body_bytes
    };
    if declared_length(request.headers()).is_some_and(|n| n > limit as u64) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response();
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// The `Content-Length` a request declares.
pub(crate) fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Whether a request says it carries `multipart/form-data`.
pub(crate) fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.get(..19)
                .is_some_and(|t| t.eq_ignore_ascii_case("multipart/form-data"))
        })
}

/// The file of an upload.
#[derive(Debug, Clone)]
pub(crate) struct UploadedFile {
    /// The name the browser gave (anything at all: display only, once
    /// sanitised).
    pub(crate) name: String,
    /// Its bytes, at most [`MAX_UPLOAD_BYTES`].
    pub(crate) bytes: Bytes,
}

/// An upload form, read and checked by the guard.
#[derive(Debug, Clone, Default)]
pub(crate) struct Upload {
    /// Its text fields, in order.
    pub(crate) fields: Vec<(String, String)>,
    /// Its file, if one was chosen (a form sent without a file has a file
    /// part with no name and no bytes: that is `None`).
    pub(crate) file: Option<UploadedFile>,
}

impl Upload {
    /// A text field, trimmed, or `""`.
    pub(crate) fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.trim())
    }
}

fn refused(status: StatusCode, message: &'static str) -> AppError {
    AppError::refused(status, "Upload refused", message)
}

fn too_large() -> AppError {
    AppError::refused(
        StatusCode::PAYLOAD_TOO_LARGE,
        "File too large",
        "Files of at most 10 MB are accepted. Make the image smaller (a photo of 2,000 pixels a side is plenty) and upload it again.",
    )
}

/// What went wrong reading an upload.
#[derive(Debug)]
pub(crate) enum UploadError {
    /// The anti-forgery token was missing, wrong, or came after the file.
    Token,
    /// Refused with a page.
    Refused(AppError),
}

/// Reads an upload: `csrf_ok` is asked about the token field, which must
/// come before any file; one file at most, of at most [`MAX_UPLOAD_BYTES`].
pub(crate) async fn read(
    headers: &HeaderMap,
    body: Body,
    csrf_field: &str,
    csrf_ok: impl Fn(&str) -> bool,
) -> Result<Upload, UploadError> {
    if declared_length(headers).is_some_and(|n| n > MAX_UPLOAD_BODY as u64) {
        return Err(UploadError::Refused(too_large()));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        UploadError::Refused(refused(
            StatusCode::BAD_REQUEST,
            "The form could not be read (no multipart boundary). Reload the page and send it again.",
        ))
    })?;
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(MAX_UPLOAD_BODY as u64)
            .per_field(MAX_UPLOAD_BYTES as u64),
    );
    let mut multipart =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut upload = Upload::default();
    let mut token_seen = false;
    let damaged = |e: multer::Error| match e {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            UploadError::Refused(too_large())
        }
        _ => UploadError::Refused(refused(
            StatusCode::BAD_REQUEST,
            "The form arrived incomplete or could not be read. Send it again.",
        )),
    };
    while let Some(mut field) = multipart.next_field().await.map_err(damaged)? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                if !token_seen {
                    return Err(UploadError::Token);
                }
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(damaged)? {
                    bytes.extend_from_slice(&chunk);
                }
                // A form sent with no file chosen has an empty, nameless part.
                if file_name.is_empty() && bytes.is_empty() {
                    continue;
                }
                if upload.file.is_some() {
                    return Err(UploadError::Refused(refused(
                        StatusCode::BAD_REQUEST,
                        "One file at a time, please: send each image with its own description.",
                    )));
                }
                upload.file = Some(UploadedFile {
                    name: file_name,
                    bytes: Bytes::from(bytes),
                });
            }
            None => {
                let mut value = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(damaged)? {
                    value.extend_from_slice(&chunk);
                    if value.len() as u64 > MAX_TEXT_FIELD {
                        return Err(UploadError::Refused(refused(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "A field of the form was longer than this site accepts. Shorten it and send the form again.",
                        )));
                    }
                }
                let value = String::from_utf8(value).map_err(|_| {
                    UploadError::Refused(refused(
                        StatusCode::BAD_REQUEST,
                        "The form contained characters that are not valid text (not UTF-8), so nothing was saved.",
                    ))
                })?;
                if name == csrf_field {
                    if !csrf_ok(&value) {
                        return Err(UploadError::Token);
                    }
                    token_seen = true;
                }
                upload.fields.push((name, value));
            }
        }
    }
    if !token_seen {
        return Err(UploadError::Token);
    }
    Ok(upload)
}
