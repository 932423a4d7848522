use abide_store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Every way a request can fail. Known cases map to their status code; for the
/// rest the visitor sees a generic page and the cause goes to the log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// Nothing lives at this address.
    #[error("not found")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A template failed to render.
    #[error("template: {0:#}")]
    Template(#[from] minijinja::Error),
    /// A handler panicked (the panic itself is logged where it happened).
    #[error("a handler panicked")]
    Panic,
    /// Too much heavy work is waiting already: 503, try again shortly.
    #[error("busy")]
    Busy,
}

/// Marks a response as an error page to be rendered by the theme (see
/// `middleware::error_pages`), which needs the state that `IntoResponse` lacks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorPage;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Store(_) | Self::Template(_) | Self::Panic => {
                tracing::error!(error = %self, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
        };
        let mut response = status.into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("2"),
            );
        }
        response.extensions_mut().insert(ErrorPage);
        response
    }
}
