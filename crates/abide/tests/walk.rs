//! A reader's journey end to end, in headless Chromium against a real server
//! on a simulated clock: sign up with the link read from the SMTP test
//! server, start the demo journey, mark today done, write a journal answer,
//! miss two days and catch up; a second member finds nothing of the first's
//! journal at any address. The pages a member sees are screenshotted at a
//! phone's and a desktop's width and checked with axe-core.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use abide_content::{LoadOptions, load_journey};
use abide_store::{Clock, Store};
use abide_testkit::{Browser, Mailbox, TestDb, store_test};
use abide_web::{AppState, Theme, WebConfig};
use fantoccini::Locator;
use jiff::SignedDuration;

/// The demo journey begins on 2026-01-05 (its journey.toml); ten days on,
/// every day of its first week is out.
const NOW: &str = "2026-01-15T09:00:00Z";

struct Site {
    url: String,
    clock: Clock,
    stop: tokio_util::sync::CancellationToken,
}

async fn start(db: &TestDb) -> Site {
    let clock = Clock::simulated(NOW.parse().unwrap());
    let store: Store = db.store.with_clock(clock.clone());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/come-and-rest");
    let options = LoadOptions {
        now: clock.now(),
        ..LoadOptions::default()
    };
    store
        .import_journeys(&[load_journey(&dir, &options).unwrap()])
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let smtp = std::env::var("ABIDE_TEST_SMTP").expect("the SMTP test server (ABIDE_TEST_SMTP)");
    let config = WebConfig {
        base_url: url.clone(),
        mail: Some(abide_mail::MailerConfig {
            smtp_url: format!("smtp://{smtp}"),
            from: "Still Waters <devotions@abide.test>".into(),
            timeout: Duration::from_secs(10),
            dkim: None,
        }),
        ..WebConfig::default()
    };
    let state = AppState::new(
        store,
        Arc::new(abide_bible::Library::bundled()),
        Theme::load(None).unwrap(),
        config,
    );
    let stop = tokio_util::sync::CancellationToken::new();
    let stopped = stop.clone();
    tokio::spawn(abide_web::serve(listener, state, async move {
        stopped.cancelled().await;
    }));
    Site { url, clock, stop }
}

/// An address no other test uses.
fn address(who: &str) -> String {
    format!(
        "{who}-{}-{}@example.org",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    )
}

async fn goto(browser: &Browser, site: &Site, path: &str) {
    browser
        .client
        .goto(&format!("{}{path}", site.url))
        .await
        .unwrap();
}

/// Clicks a button that sends a form, and waits for the page it leads to.
async fn click(browser: &Browser, css: &str) {
    // A mark on the old page: gone once the browser shows the next one.
    browser
        .client
        .execute("window.abideOldPage = true; return true;", vec![])
        .await
        .unwrap();
    let button = browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    // Scrolled into view first: an emulated phone's tap misses a button
    // below the fold otherwise.
    let button = serde_json::to_value(button).unwrap();
    browser
        .client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click(); return true;",
            vec![button],
        )
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let loaded = browser
            .client
            .execute(
                "return window.abideOldPage === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            .unwrap_or_default();
        if loaded == serde_json::Value::Bool(true) {
            return;
        }
        if std::time::Instant::now() >= deadline {
            browser.screenshot("debug-no-new-page").await;
            let url = browser.client.current_url().await.unwrap();
            let source = browser.client.source().await.unwrap();
            let start = source.find("id=\"journal\"").unwrap_or(0);
            panic!(
                "{css}: no new page at {url}: {}",
                &source[start..(start + 3000).min(source.len())]
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn type_into(browser: &Browser, css: &str, text: &str) {
    let field = browser.client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// The main part's text as shown, lower-cased (styles capitalise labels).
async fn body_text(browser: &Browser) -> String {
    browser
        .client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .to_lowercase()
}

/// Signs up through the pages and the mailed link; the browser ends on Today.
async fn sign_up(browser: &Browser, site: &Site, email: &str, name: &str) {
    goto(browser, site, "/sign-up").await;
    type_into(browser, "#email", email).await;
    click(browser, "form[action='/sign-up'] button[type=submit]").await;
    assert!(body_text(browser).await.contains("check your email"));
    let mail = Mailbox::from_env()
        .wait_for(email, 1, Duration::from_secs(20))
        .await;
    let text = mail[0].text();
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{}/link/sign-up", site.url)))
        .unwrap_or_else(|| panic!("no sign-up link in {text}"));
    browser.client.goto(link).await.unwrap();
    type_into(browser, "#name", name).await;
    type_into(browser, "#time_zone", "Europe/London").await;
    click(browser, "form[action='/link/sign-up'] button[type=submit]").await;
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/today");
}

/// A screenshot at this width, and no axe-core violation.
async fn look(browser: &Browser, name: &str, failures: &mut Vec<String>) {
    browser.screenshot(name).await;
    for violation in browser.axe().await {
        failures.push(format!("{name}: {violation}"));
    }
}

async fn a_reader_walks_the_demo_journey_in_a_browser(db: TestDb) {
    let site = start(&db).await;
    let mut failures = Vec::new();
    for (device, width, height) in [("phone", 390, 844), ("desktop", 1280, 900)] {
        let browser = Browser::start(width, height).await;
        let first = address("ruth");
        sign_up(&browser, &site, &first, "Ruth").await;
        assert!(
            body_text(&browser)
                .await
                .contains("not following a journey yet")
        );
        click(
            &browser,
            "form[action='/journeys/come-and-rest/follow'] button",
        )
        .await;
        // Today: day 1 waits.
        goto(&browser, &site, "/today").await;
        let today = body_text(&browser).await;
        assert!(today.contains("day 1 of"), "{today}");
        click(&browser, "form[action$='/done'] button").await;
        assert!(body_text(&browser).await.contains("done ✓"));
        // A journal answer on the day's page, with a citation that becomes a link.
        goto(&browser, &site, "/journeys/come-and-rest/be-still").await;
        type_into(
            &browser,
            "#q1",
            "Morning, before the house wakes. Like Psalm 46:10 says.",
        )
        .await;
        click(&browser, "form.journal-form button[type=submit]").await;
        assert!(body_text(&browser).await.contains("your journal is saved."));
        look(&browser, &format!("entry-member-{device}"), &mut failures).await;
        goto(&browser, &site, "/account").await;
        look(&browser, &format!("account-{device}"), &mut failures).await;
        goto(&browser, &site, "/journal").await;
        let link = browser
            .client
            .find(Locator::Css(".writing a.ref"))
            .await
            .unwrap();
        assert_eq!(
            link.attr("href").await.unwrap().as_deref(),
            Some("/bible/Ps.46.10")
        );
        look(&browser, &format!("journal-{device}"), &mut failures).await;
        // Two days go by without a reading.
        site.clock.advance(SignedDuration::from_hours(72)).unwrap();
        goto(&browser, &site, "/today").await;
        let today = body_text(&browser).await;
        assert!(today.contains("2 days went by"), "{today}");
        look(&browser, &format!("today-missed-{device}"), &mut failures).await;
        goto(&browser, &site, "/journeys/come-and-rest/progress").await;
        look(&browser, &format!("progress-{device}"), &mut failures).await;
        goto(&browser, &site, "/today").await;
        click(&browser, "form[action$='/catch-up'] button").await;
        let today = body_text(&browser).await;
        assert!(!today.contains("went by"), "{today}");
        assert!(today.contains("day 2 of"), "{today}");
        look(&browser, &format!("today-{device}"), &mut failures).await;
        // Back to the clock's start for the next width.
        site.clock.set(NOW.parse().unwrap()).unwrap();
        browser.close().await;

        // A second member, in a browser of their own, finds nothing of it.
        let other = Browser::start(width, height).await;
        sign_up(&other, &site, &address("boaz"), "Boaz").await;
        for path in [
            "/journal",
            "/journal/export.md",
            "/journal/export.json",
            "/journeys/come-and-rest/be-still",
            "/journeys/come-and-rest/progress",
            "/today",
            "/account",
            "/",
        ] {
            goto(&other, &site, path).await;
            let source = other.client.source().await.unwrap();
            assert!(
                !source.contains("before the house wakes"),
                "{path} shows Ruth's journal"
            );
            assert!(!source.contains(&first), "{path} shows Ruth's address");
        }
        other.close().await;
    }
    site.stop.cancel();
    assert!(
        failures.is_empty(),
        "axe-core violations:\n{}",
        failures.join("\n")
    );
}
store_test!(a_reader_walks_the_demo_journey_in_a_browser);
