//! Rate limits behind a trusted reverse proxy: each client its own count,
//! named by the proxy's `X-Forwarded-For`; a client that is not a proxy
//! counted by its own address whatever header it sends.

use std::time::Duration;

use abide_store::Store;
use abide_testkit::{TestDb, store_test};
use abide_web::{AppState, ForwardedHeader, Theme, TrustedProxies, WebConfig};
use axum::http::StatusCode;

use crate::accounts::address;
use crate::agent::Agent;
use crate::util::library;

/// Emailed links a client may ask for in an hour (`throttle.rs`).
const LINKS_PER_CLIENT: usize = 20;

fn site(store: &Store) -> AppState {
    let config = WebConfig {
        base_url: crate::agent::ORIGIN.into(),
        request_timeout: Duration::from_secs(10),
        cache_check_every: Duration::ZERO,
        trusted_proxies: TrustedProxies::new(
            vec!["127.0.0.1".parse().unwrap(), "10.0.0.0/8".parse().unwrap()],
            ForwardedHeader::XForwardedFor,
        ),
        ..WebConfig::default()
    };
    AppState::new(store.clone(), library(), Theme::load(None).unwrap(), config)
}

/// An agent connecting from `peer` and sending `X-Forwarded-For: xff`.
async fn from(state: &AppState, peer: &str, xff: Option<&str>) -> Agent {
    let mut agent = Agent::new(state);
    agent.peer = Some(peer.parse().unwrap());
    if let Some(xff) = xff {
        agent.headers.push(("x-forwarded-for", xff.to_owned()));
    }
    assert_eq!(agent.get("/sign-in").await.status, StatusCode::OK);
    agent
}

/// Asks for a sign-in link for a fresh address (so only the per-client
/// count can refuse it); the answer's status.
async fn ask(agent: &mut Agent) -> StatusCode {
    let email = address("proxied");
    agent.post("/sign-in", &[("email", &email)]).await.status
}

async fn each_client_behind_a_trusted_proxy_has_its_own_limit(db: TestDb) {
    let state = site(&db.store);
    let mut ann = from(&state, "127.0.0.1:50000", Some("198.51.100.1")).await;
    for _ in 0..LINKS_PER_CLIENT {
        assert_eq!(ask(&mut ann).await, StatusCode::OK);
    }
    assert_eq!(ask(&mut ann).await, StatusCode::TOO_MANY_REQUESTS);
    // Another client through the same proxy (after another trusted hop) is
    // not held back by Ann.
    let mut ben = from(&state, "127.0.0.1:50003", Some("198.51.100.2, 10.0.0.3")).await;
    assert_eq!(ask(&mut ben).await, StatusCode::OK);
    // Ann cannot get a fresh count by claiming another address: the proxy
    // appends hers, and only that is read.
    ann.headers = vec![("x-forwarded-for", "203.0.113.99, 198.51.100.1".into())];
    assert_eq!(ask(&mut ann).await, StatusCode::TOO_MANY_REQUESTS);
    // IPv6 clients count by their /64.
    let mut v6 = from(&state, "127.0.0.1:50001", Some("2001:db8:1:2::1")).await;
    for _ in 0..LINKS_PER_CLIENT {
        assert_eq!(ask(&mut v6).await, StatusCode::OK);
    }
    v6.headers = vec![("x-forwarded-for", "[2001:db8:1:2:ffff::9]:443".into())];
    assert_eq!(ask(&mut v6).await, StatusCode::TOO_MANY_REQUESTS);
    // A proxy that forwards garbage: its clients share the proxy's count,
    // and nothing breaks.
    let mut odd = from(&state, "127.0.0.1:50002", Some("198.51.100.3, not-an-ip")).await;
    assert_eq!(ask(&mut odd).await, StatusCode::OK);
}
store_test!(each_client_behind_a_trusted_proxy_has_its_own_limit);

async fn an_untrusted_client_is_counted_by_its_own_address(db: TestDb) {
    let state = site(&db.store);
    let mut eve = from(&state, "203.0.113.5:40000", None).await;
    for n in 0..LINKS_PER_CLIENT {
        // A new address claimed for every request changes nothing.
        eve.headers = vec![("x-forwarded-for", format!("198.51.100.{n}"))];
        assert_eq!(ask(&mut eve).await, StatusCode::OK);
    }
    eve.headers = vec![("x-forwarded-for", "198.51.100.200".into())];
    assert_eq!(ask(&mut eve).await, StatusCode::TOO_MANY_REQUESTS);
    // Nor does the header a trusted proxy would write: Eve is not one.
    eve.headers = vec![("forwarded", "for=198.51.100.201".into())];
    assert_eq!(ask(&mut eve).await, StatusCode::TOO_MANY_REQUESTS);
    // The client she claimed to be still has its own count.
    let mut real = from(&state, "127.0.0.1:50000", Some("198.51.100.200")).await;
    assert_eq!(ask(&mut real).await, StatusCode::OK);
}
store_test!(an_untrusted_client_is_counted_by_its_own_address);
