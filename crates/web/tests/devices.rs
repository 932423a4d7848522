//! The account page's list of devices in headless Chromium: it passes
//! axe-core, signs another device out, and leaves screenshots to look at.

use std::time::Duration;

use abide_store::{Email, NewUser, Role};
use abide_testkit::{Browser, Engine, TestDb};
use abide_web::{AppState, Theme, WebConfig};
use fantoccini::Locator;
use tokio::net::TcpListener;

use crate::util::library;

const EMAIL: &str = "lydia@example.org";
const PASSWORD: &str = "purple cloth";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_page_lists_devices_and_signs_one_out() {
    let db = TestDb::new(Engine::Sqlite).await;
    let mut member = NewUser::new(Email::parse(EMAIL).unwrap(), Role::Member);
    member.display_name = "Lydia".into();
    member.password_hash = Some(abide_store::hash_password(PASSWORD).unwrap());
    let lydia = db.store.create_user(&member).await.unwrap();
    for agent in ["Safari on iPhone", "Firefox on Windows"] {
        db.store
            .create_session(lydia.id, Duration::from_secs(3600), Some(agent))
            .await
            .unwrap();
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let config = WebConfig {
        base_url: url.clone(),
        ..WebConfig::default()
    };
    let state = AppState::new(
        db.store.clone(),
        library(),
        Theme::load(None).unwrap(),
        config,
    );
    tokio::spawn(abide_web::serve(listener, state, std::future::pending()));

    let mut failures = Vec::new();
    for (device, width, height) in [("phone", 390, 844), ("desktop", 1280, 900)] {
        let browser = Browser::start(width, height).await;
        let find = |css: &'static str| browser.client.find(Locator::Css(css));
        crate::util::sign_in_with_password(&browser, &url, EMAIL, PASSWORD, "/account").await;
        let list = find(".sessions").await.unwrap();
        browser
            .client
            .execute(
                "document.getElementById('sessions-title').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        browser
            .screenshot(&format!("account-devices-{device}"))
            .await;
        for violation in browser.axe().await {
            failures.push(format!("{device}: {violation}"));
        }
        let text = list.text().await.unwrap();
        assert!(text.to_lowercase().contains("this device"), "{text}");
        // This browser, and two others: the two stored at first, then the
        // phone's browser and the stored one the phone did not sign out.
        let items = browser
            .client
            .find_all(Locator::Css(".sessions li"))
            .await
            .unwrap();
        assert_eq!(items.len(), 3, "{text}");
        // Sign the first other device out.
        find(".sessions form button")
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let mut signed_out = false;
        for _ in 0..100 {
            let at = browser.client.current_url().await.unwrap();
            if at.query() == Some("changed=session") {
                signed_out = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(signed_out, "{}", browser.client.source().await.unwrap());
        let notice = find(".notice").await.unwrap().text().await.unwrap();
        assert_eq!(notice, "That device is signed out.");
        let items = browser
            .client
            .find_all(Locator::Css(".sessions li"))
            .await
            .unwrap();
        assert_eq!(items.len(), 2);
        browser
            .client
            .execute(
                "document.getElementById('sessions-title').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        browser
            .screenshot(&format!("account-devices-{device}-signed-out"))
            .await;
        browser.close().await;
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // One of the two stored sessions ended per run, and the browsers' own
    // two remain.
    assert_eq!(db.store.live_sessions(lydia.id).await.unwrap(), 2);
}
