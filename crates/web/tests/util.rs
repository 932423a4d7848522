use std::time::Duration;

use std::sync::{Arc, OnceLock};

use abide_bible::Library;
use abide_store::Store;
use abide_web::{AppState, Theme, WebConfig, router};
use axum::body::Body;
use axum::http::{Request, Response};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The bundled translations (ASV, KJV), opened once for all tests.
pub(crate) fn library() -> Arc<Library> {
    static LIBRARY: OnceLock<Arc<Library>> = OnceLock::new();
    Arc::clone(LIBRARY.get_or_init(|| Arc::new(Library::bundled())))
}

pub(crate) fn state(store: &Store) -> AppState {
    // Tests change content between requests: check on every request.
    state_with(store, Duration::ZERO)
}

pub(crate) fn state_with(store: &Store, cache_check_every: Duration) -> AppState {
    let config = WebConfig {
        base_url: "http://abide.test".into(),
        request_timeout: Duration::from_secs(5),
        max_body_bytes: 1024,
        cache_check_every,
        ..WebConfig::default()
    };
    AppState::new(store.clone(), library(), Theme::load(None).unwrap(), config)
}

/// Sends `request` through the whole router.
pub(crate) async fn send(state: &AppState, request: Request<Body>) -> Response<Body> {
    router(state.clone()).oneshot(request).await.unwrap()
}

pub(crate) async fn get(state: &AppState, uri: &str) -> Response<Body> {
    send(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub(crate) async fn text(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

pub(crate) fn header<'a>(response: &'a Response<Body>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

/// Signs in through the sign-in page of the server at `url` with a password,
/// asking to come back to `path`, and waits until the browser is there
/// (checking a password is slow work in a debug build).
pub(crate) async fn sign_in_with_password(
    browser: &abide_testkit::Browser,
    url: &str,
    email: &str,
    password: &str,
    path: &str,
) {
    use fantoccini::Locator;
    let next = form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
    browser
        .client
        .goto(&format!("{url}/sign-in?next={next}"))
        .await
        .unwrap();
    let find = |css: &'static str| browser.client.find(Locator::Css(css));
    find("#email")
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    find("#password")
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    find("button[value=password]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for _ in 0..300 {
        if browser.client.current_url().await.unwrap().path() == path {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("not signed in:\n{}", browser.client.source().await.unwrap());
}
