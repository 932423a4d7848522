use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use crate::state::AppState;

/// `GET /healthz`: the process is alive and serving. Touches nothing else, so a
/// slow database does not get a healthy node restarted.
pub(crate) async fn live() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: the node can do its work: the database answers and every
/// migration this binary ships is applied. 503 otherwise, with the reason.
pub(crate) async fn ready(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let store = state.store();
    if let Err(e) = store.ping().await {
        tracing::warn!(error = %e, "not ready: database");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "database": "unreachable" })),
        );
    }
    match store.migration_status().await {
        Ok(status) if status.is_current() => (
            StatusCode::OK,
            Json(json!({
                "status": "ready",
                "database": store.backend().name(),
                "schema_version": status.applied.last().copied().unwrap_or(0),
            })),
        ),
        Ok(status) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "unavailable",
                "database": store.backend().name(),
                "pending_migrations": status.pending,
            })),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: migrations");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "error": e.to_string() })),
            )
        }
    }
}
