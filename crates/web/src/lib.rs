//! Abide's HTTP side: the router and its handlers, sessions (later), and the
//! default theme's templates and static files, overridable from a theme folder.
//!
//! Main items: [`router`] builds the whole application as an axum `Router` from
//! an [`AppState`] (the store, the [`Theme`], the [`WebConfig`]), so that tests
//! drive it without a socket; [`serve`] runs it on a listener until shut down.
//! Handlers are thin: extract, authorise, call the store or the domain, render.

mod cache;
mod error;
mod filters;
mod handlers;
mod middleware;
mod passage;
mod router;
mod state;
mod theme;

pub use error::AppError;
pub use router::router;
pub use state::{AppState, WebConfig};
pub use theme::{Theme, ThemeError};

use std::future::Future;

/// Serves `state`'s site on `listener` until `shutdown` resolves, then stops
/// accepting connections and lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
