//! `POST /mail/bounces`: an MTA hands over a bounce it received, e.g. from a
//! pipe alias: `curl --data-binary @- -H 'Authorization: Bearer TOKEN'`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest as _, Sha256};

use crate::bounces::{BounceError, apply_report};
use crate::error::AppError;
use crate::state::AppState;

/// Largest report accepted: a bounce returns headers, or a message cut short.
pub(crate) const MAX_BOUNCE_BYTES: usize = 1 << 20;

/// 204: applied; 202: not a report, ignored; 400: not a message; 401: no or
/// a wrong token; 404: no `mail.bounce_token` configured.
pub(crate) async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let Some(expected) = state
        .config()
        .bounce_token
        .as_deref()
        .filter(|t| !t.is_empty())
    else {
        return Err(AppError::NotFound);
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(given.trim(), expected) {
        return Ok((
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a bounce token is required\n",
        )
            .into_response());
    }
    match apply_report(state.store(), &body).await {
        Ok(summary) if summary.reports > 0 => {
            tracing::info!(
                applied = summary.applied,
                duplicates = summary.duplicates,
                suppressed = summary.suppressed,
                "bounce report applied"
            );
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Ok(_) => Ok((
            StatusCode::ACCEPTED,
            "not a delivery or feedback report; ignored\n",
        )
            .into_response()),
        Err(BounceError::Unreadable(e)) => {
            Ok((StatusCode::BAD_REQUEST, format!("{e}\n")).into_response())
        }
        Err(BounceError::Store(e)) => Err(e.into()),
    }
}

/// Compares digests, so the time taken says nothing about how much of the
/// token was right.
fn same_secret(given: &str, expected: &str) -> bool {
    let a = Sha256::digest(given.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}
