//! The stillness timer in headless Chromium: it counts down from the clock,
//! pauses, ends, hands the time to the log form; the page passes axe-core
//! with and without scripts, and leaves screenshots to look at.

use std::path::Path;
use std::time::Duration;

use abide_content::{LoadOptions, load_journey};
use abide_store::{Email, NewUser, Role};
use abide_testkit::{Browser, Engine, TestDb};
use abide_web::{AppState, Theme, WebConfig};
use fantoccini::Locator;
use serde_json::Value;
use tokio::net::TcpListener;

use crate::util::library;

const PAGE: &str = "/journeys/learning-to-wait/the-long-night/practice/1";
const EMAIL: &str = "mary@example.org";
const PASSWORD: &str = "a quiet place";
const PHONE: (&str, u32, u32) = ("phone", 390, 844);
const DESKTOP: (&str, u32, u32) = ("desktop", 1280, 900);

/// The test journey and a member with a password, on a real socket;
/// returns the site's address and the database (which must outlive it).
async fn serve() -> (String, TestDb) {
    let db = TestDb::new(Engine::Sqlite).await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey");
    let journey = load_journey(&dir, &LoadOptions::default()).unwrap();
    db.store.import_journeys(&[journey]).await.unwrap();
    let mut member = NewUser::new(Email::parse(EMAIL).unwrap(), Role::Member);
    member.password_hash = Some(abide_store::hash_password(PASSWORD).unwrap());
    db.store.create_user(&member).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let config = WebConfig {
        // Forms are accepted from the address the browser uses.
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
    (url, db)
}

/// Signs in through the sign-in page, with a password; lands on the practice.
async fn sign_in(browser: &Browser, url: &str) {
    crate::util::sign_in_with_password(browser, url, EMAIL, PASSWORD, PAGE).await;
}

async fn js(browser: &Browser, script: &str) -> Value {
    browser.client.execute(script, vec![]).await.unwrap()
}

async fn click(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn check_axe(browser: &Browser, what: &str, failures: &mut Vec<String>) {
    for violation in browser.axe().await {
        failures.push(format!("{what}: {violation}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timer_counts_down_pauses_ends_and_fills_the_log() {
    let (url, db) = serve().await;
    let mut failures = Vec::new();
    for (device, width, height) in [PHONE, DESKTOP] {
        // Without scripts: the plain page (the timer stays hidden, see the
        // practices tests; axe-core needs scripts).
        let browser = Browser::start_without_javascript(width, height).await;
        browser.client.goto(&format!("{url}{PAGE}")).await.unwrap();
        browser
            .screenshot(&format!("practice-guest-nojs-{device}"))
            .await;
        browser.close().await;

        let browser = Browser::start(width, height).await;
        browser.client.goto(&format!("{url}{PAGE}")).await.unwrap();
        browser
            .screenshot(&format!("practice-guest-{device}"))
            .await;
        check_axe(&browser, &format!("{device} guest"), &mut failures).await;
        sign_in(&browser, &url).await;
        for theme in ["light", "dark"] {
            js(
                &browser,
                &format!("localStorage.setItem('abide-theme', '{theme}'); return true"),
            )
            .await;
            browser.client.goto(&format!("{url}{PAGE}")).await.unwrap();
            assert_eq!(
                js(
                    &browser,
                    "return document.querySelector('[data-timer]').hidden"
                )
                .await,
                false,
                "the script shows the timer"
            );
            assert_eq!(
                js(
                    &browser,
                    "return document.querySelector('[data-timer-clock]').textContent"
                )
                .await,
                "05:00"
            );
            browser
                .screenshot(&format!("practice-{device}-{theme}"))
                .await;
            check_axe(&browser, &format!("{device} {theme} ready"), &mut failures).await;

            // Running: the clock moves, the circle breathes.
            click(&browser, "[data-timer-start]").await;
            tokio::time::sleep(Duration::from_millis(1600)).await;
            let clock = js(
                &browser,
                "return document.querySelector('[data-timer-clock]').textContent",
            )
            .await;
            assert!(clock.as_str().unwrap().starts_with("04:5"), "{clock}");
            assert_eq!(
                js(
                    &browser,
                    "return getComputedStyle(document.querySelector('.timer-breath')).animationName"
                )
                .await,
                "breathe"
            );
            // ... unless the reader asks for less motion: a rule of the served
            // stylesheet stills the running circle (WebDriver cannot switch
            // the preference itself).
            assert_eq!(
                js(
                    &browser,
                    "for (const sheet of document.styleSheets) for (const rule of sheet.cssRules) {
                       if (!rule.media || rule.conditionText !== '(prefers-reduced-motion: reduce)') continue;
                       for (const inner of rule.cssRules) {
                         if (document.querySelector('.timer-breath').matches(inner.selectorText)) return inner.style.animationName;
                       }
                     }
                     return null"
                )
                .await,
                "none"
            );
            browser
                .screenshot(&format!("practice-{device}-{theme}-running"))
                .await;
            check_axe(
                &browser,
                &format!("{device} {theme} running"),
                &mut failures,
            )
            .await;

            // Paused: the time so far goes to the form.
            click(&browser, "[data-timer-pause]").await;
            let seconds = js(
                &browser,
                "return document.querySelector('[data-timer-seconds]').value",
            )
            .await;
            let seconds: i64 = seconds.as_str().unwrap().parse().unwrap();
            // Checking and screenshots take time too.
            assert!((1..60).contains(&seconds), "{seconds}");
            let status = js(
                &browser,
                "return document.querySelector('[data-timer-status]').textContent",
            )
            .await;
            let status = status.as_str().unwrap();
            assert!(
                status.starts_with("Paused, 4 minutes ") && status.ends_with(" seconds left."),
                "{status}"
            );
            click(&browser, "[data-timer-resume]").await;

            // An hour in the background: the clock, not the ticks, decides.
            js(
                &browser,
                "var now = performance.now.bind(performance);
                 performance.now = function () { return now() + 3600000; };
                 return true",
            )
            .await;
            tokio::time::sleep(Duration::from_millis(600)).await;
            assert_eq!(
                js(
                    &browser,
                    "return document.querySelector('[data-timer-clock]').textContent"
                )
                .await,
                "00:00"
            );
            assert_eq!(
                js(
                    &browser,
                    "return document.querySelector('[data-timer-status]').textContent"
                )
                .await,
                "Time is up. Rest here a moment before you go on."
            );
            assert_eq!(
                js(&browser, "return [document.querySelector('[data-timer-seconds]').value, document.querySelector('#minutes').value]").await,
                serde_json::json!(["300", "5"])
            );
            browser
                .screenshot(&format!("practice-{device}-{theme}-done"))
                .await;
            check_axe(&browser, &format!("{device} {theme} done"), &mut failures).await;
        }

        // Logging what the timer measured.
        click(&browser, "[data-timer-log] button[type=submit]").await;
        let notice = browser
            .client
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css(".notice"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(notice, "Logged: 5 minutes. Well done.");
        browser
            .screenshot(&format!("practice-{device}-logged"))
            .await;
        browser.close().await;
    }
    let user = db
        .store
        .user_by_email(&Email::parse(EMAIL).unwrap())
        .await
        .unwrap()
        .unwrap();
    let log = db
        .store
        .journal_for_entry(user.id, "learning-to-wait", "the-long-night")
        .await
        .unwrap()
        .practice_log;
    assert_eq!(
        log.iter()
            .map(|l| (l.practice, l.seconds))
            .collect::<Vec<_>>(),
        [(1, 300), (1, 300)]
    );
    assert!(
        failures.is_empty(),
        "axe-core violations:\n{}",
        failures.join("\n")
    );
}
