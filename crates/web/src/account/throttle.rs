//! Rate limits on what costs the site (mail sent, password checks) or helps
//! a guesser: counted per client address and per email address, in the
//! database so every node shares them. An email address is counted under its
//! SHA-256, so the counters name nobody, and whether the address has an
//! account changes nothing: the limits answer alike for both.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use abide_store::{Email, RateLimit};
use axum::extract::ConnectInfo;
use axum::http::request::Parts;

use crate::error::AppError;
use crate::proxy::TrustedProxies;
use crate::state::AppState;

/// What is being limited, with its bounds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Action {
    /// Emailed links of every kind (sign-in, sign-up, reset, new address).
    Link,
    /// Password attempts.
    Password,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Password => "password",
        }
    }

    /// (per client address, per email address, window)
    fn bounds(self) -> (u32, u32, Duration) {
        match self {
            // A person asks for a link or two; a household behind one address
            // a few more.
            Self::Link => (20, 5, Duration::from_secs(3600)),
            // Typos happen; guessing needs thousands.
            Self::Password => (30, 10, Duration::from_secs(15 * 60)),
        }
    }
}

/// The client's address: the connection's, or behind a trusted proxy the
/// one its forwarding header names (see [`crate::proxy`]). IPv6 clients are
/// counted by their /64, which one household or one attacker gets whole.
pub(crate) fn client(parts: &Parts, proxies: &TrustedProxies) -> String {
    match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(peer)) => key(proxies.client(peer.ip(), &parts.headers)),
        None => "unknown".into(),
    }
}

/// How an address is counted.
fn key(ip: IpAddr) -> String {
    match crate::proxy::canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Counts one `action` by `client` for `email` (when the form had a valid
/// one); refuses with 429 and `Retry-After` beyond either bound.
pub(crate) async fn check(
    state: &AppState,
    action: Action,
    client: &str,
    email: Option<&Email>,
) -> Result<(), AppError> {
    let (per_client, per_email, window) = action.bounds();
    let store = state.store();
    let mut keys = vec![(format!("{}:ip:{client}", action.name()), per_client)];
    if let Some(email) = email {
        keys.push((
            abide_store::email_rate_limit_key(action.name(), email),
            per_email,
        ));
    }
    for (key, limit) in keys {
        if let RateLimit::Limited { retry_after } =
            store.hit_rate_limit(&key, limit, window).await?
        {
            return Err(AppError::TooMany { retry_after });
        }
    }
    Ok(())
}

/// The client's address (see [`client`]), as an extractor.
#[derive(Debug, Clone)]
pub(crate) struct Client(pub(crate) String);

impl axum::extract::FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client(parts, &state.config().trusted_proxies)))
    }
}
