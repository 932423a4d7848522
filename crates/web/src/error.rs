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
    /// Too many attempts from this address or for this account: 429, with
    /// `Retry-After`.
    #[error("too many attempts")]
    TooMany {
        /// When the window closes.
        retry_after: std::time::Duration,
    },
    /// A request refused with a status and a sentence for the visitor (a
    /// forged form, a form that is not valid UTF-8).
    #[error("{status}: {message}")]
    Refused {
        /// 400, 403, 413, 415...
        status: StatusCode,
        /// The page's heading.
        heading: &'static str,
        /// What happened and what to do, in one or two sentences.
        message: &'static str,
    },
}

impl AppError {
    /// A refusal with this status, heading and sentence.
    pub(crate) fn refused(
        status: StatusCode,
        heading: &'static str,
        message: &'static str,
    ) -> Self {
        Self::Refused {
            status,
            heading,
            message,
        }
    }
}

/// The heading and sentence an error page shows when the error itself says
/// more than its status code.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Explained {
    pub(crate) heading: &'static str,
    pub(crate) message: &'static str,
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
            Self::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Refused { status, .. } => *status,
        };
        let mut response = status.into_response();
        let retry_after = match &self {
            Self::Busy => Some(2),
            // Whole seconds, rounded up: "0" would invite an instant retry.
            Self::TooMany { retry_after } => {
                Some(retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0))
            }
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds.max(1)),
            );
        }
        if let Self::Refused {
            heading, message, ..
        } = self
        {
            response
                .extensions_mut()
                .insert(Explained { heading, message });
        }
        response.extensions_mut().insert(ErrorPage);
        response
    }
}
