use abide_testkit::Browser;
use fantoccini::Locator;

use crate::util::{Server, http_get};

const PHONE: (&str, u32, u32) = ("phone", 390, 844);
const DESKTOP: (&str, u32, u32) = ("desktop", 1280, 900);

/// The demo's pages in headless Chromium at a phone's and a desktop's width:
/// each renders with its stylesheet (under the strict CSP), passes axe-core
/// with no violations, and leaves a screenshot for people to look at.
#[tokio::test]
async fn the_demo_pages_render_and_pass_axe() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--demo"], &[]);
    let pages = [
        ("home", "/", "Still Waters"),
        ("journeys", "/journeys", "Journeys"),
        ("journey", "/journeys/come-and-rest", "Come and Rest"),
        ("entry", "/journeys/come-and-rest/be-still", "Be Still"),
        ("tags", "/tags", "Topics"),
        ("tag", "/tags/rest", "Rest"),
        ("author", "/authors/miriam-hale", "Miriam Hale"),
        ("not-found", "/no/such/page", "Page not found"),
        ("bible", "/bible", "Bible"),
        ("passage", "/bible/Ps.46", "Psalm 46"),
        ("sign-in", "/sign-in", "Sign in"),
        ("sign-up", "/sign-up", "Join Still Waters"),
    ];
    let mut failures = Vec::new();
    for (device, width, height) in [PHONE, DESKTOP] {
        let browser = Browser::start(width, height).await;
        for (name, path, heading) in pages {
            browser
                .client
                .goto(&format!("{}{path}", server.url))
                .await
                .unwrap();
            let h1 = browser
                .client
                .find(Locator::Css("h1"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if !heading.is_empty() {
                assert_eq!(h1, heading, "{path}");
            }
            // The theme's stylesheet loaded: the page has its background colour.
            let background = browser
                .client
                .execute(
                    "return getComputedStyle(document.body).backgroundColor",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(background, "rgb(251, 249, 244)", "{path}");
            let viewport = browser
                .client
                .execute("return window.innerWidth", vec![])
                .await
                .unwrap();
            assert_eq!(viewport, width, "{path}");
            let png = browser.screenshot(&format!("{name}-{device}")).await;
            assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
            for violation in browser.axe().await {
                failures.push(format!("{device} {path}: {violation}"));
            }
        }
        browser.close().await;
    }
    assert!(
        failures.is_empty(),
        "axe-core violations:\n{}",
        failures.join("\n")
    );
}

/// The dark theme: chosen with the toggle, remembered across pages.
#[tokio::test]
async fn the_theme_toggle_switches_and_remembers() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--demo"], &[]);
    let browser = Browser::start(DESKTOP.1, DESKTOP.2).await;
    browser
        .client
        .goto(&format!("{}/journeys/come-and-rest/be-still", server.url))
        .await
        .unwrap();
    let toggle = browser
        .client
        .find(Locator::Css("[data-theme-toggle]"))
        .await
        .unwrap();
    assert!(
        toggle.is_displayed().await.unwrap(),
        "shown when scripts run"
    );
    toggle.click().await.unwrap();
    let background = |b: &Browser| {
        let client = b.client.clone();
        async move {
            client
                .execute(
                    "return getComputedStyle(document.body).backgroundColor",
                    vec![],
                )
                .await
                .unwrap()
        }
    };
    assert_eq!(background(&browser).await, "rgb(23, 26, 24)");
    browser
        .client
        .goto(&format!("{}/", server.url))
        .await
        .unwrap();
    assert_eq!(background(&browser).await, "rgb(23, 26, 24)", "remembered");
    browser.screenshot("home-dark").await;
    let violations = browser.axe().await;
    assert!(violations.is_empty(), "dark theme: {violations:?}");
    browser.close().await;
}

/// Without JavaScript every page still works: it renders (screenshot), the
/// controls that need scripts are hidden in the HTML itself, and links are
/// plain links. (WebDriver's own element commands run JavaScript, so the
/// page's HTML is checked over HTTP rather than through the browser.)
#[tokio::test]
async fn pages_work_without_javascript() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--demo"], &[]);
    let browser = Browser::start_without_javascript(PHONE.1, PHONE.2).await;
    browser
        .client
        .goto(&format!("{}/journeys/come-and-rest/be-still", server.url))
        .await
        .unwrap();
    let png = browser.screenshot("entry-phone-no-js").await;
    assert!(
        std::fs::read(&png).unwrap().len() > 10_000,
        "a rendered page, not a blank one"
    );
    browser.close().await;

    let (status, _, html) = http_get(&server.url, "/journeys/come-and-rest/be-still").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("data-theme-toggle hidden"),
        "no dead toggle without scripts"
    );
    assert!(
        html.contains("data-copy=\"") && html.contains("hidden>Copy link"),
        "no dead copy button"
    );
    let next = html
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.ends_with("/the-quiet-place"))
        .unwrap();
    let (status, _, html) = http_get(&server.url, next).await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1 id=\"entry-title\">The Quiet Place</h1>"));
}

/// Focusing a scripture link shows its verses in a popover (keyboard and
/// screen readers: the link is described by it); Escape closes it; the link
/// itself still leads to the passage page.
#[tokio::test]
async fn the_verse_popover_opens_on_focus() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--demo"], &[]);
    let browser = Browser::start(DESKTOP.1, DESKTOP.2).await;
    browser
        .client
        .goto(&format!("{}/journeys/come-and-rest/be-still", server.url))
        .await
        .unwrap();
    let link = browser
        .client
        .find(Locator::Css(".prose a.ref[data-osis='Ps.46.2-Ps.46.6']"))
        .await
        .unwrap();
    browser
        .client
        .execute(
            "arguments[0].focus()",
            vec![serde_json::to_value(&link).unwrap()],
        )
        .await
        .unwrap();
    let popover = browser
        .client
        .wait()
        .for_element(Locator::Css(".passage-popover .popover-text"))
        .await
        .unwrap();
    let text = popover.text().await.unwrap();
    assert!(
        text.contains("mountains"),
        "the verses of Psalm 46:2-6: {text}"
    );
    let described = link.attr("aria-describedby").await.unwrap();
    assert_eq!(described.as_deref(), Some("passage-popover"));
    browser.screenshot("entry-popover").await;
    let violations = browser.axe().await;
    assert!(
        violations.is_empty(),
        "with the popover open: {violations:?}"
    );

    browser
        .client
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}))",
            vec![],
        )
        .await
        .unwrap();
    let open = browser
        .client
        .execute(
            "return document.querySelectorAll('.passage-popover').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(open, 0, "Escape closes it");

    // The link is a link: following it opens the passage page.
    let href = link.attr("href").await.unwrap().unwrap();
    assert_eq!(href, "/bible/Ps.46.2-Ps.46.6");
    browser
        .client
        .goto(&format!("{}{href}", server.url))
        .await
        .unwrap();
    let h1 = browser
        .client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Psalm 46:2–6");
    browser.close().await;
}

/// Waits until `script` returns true in the page, or fails after 20 s.
pub(crate) async fn wait_until(browser: &Browser, script: &str, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let done = browser
            .client
            .execute(script, vec![])
            .await
            .unwrap_or_default();
        if done == serde_json::Value::Bool(true) {
            return;
        }
        if std::time::Instant::now() >= deadline {
            browser.screenshot(&format!("debug-{what}")).await;
            panic!("{what}: never true: {script}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The search page with JavaScript: results follow typing without a page
/// load, the address follows the query, the status line is said, Arrow
/// Down reaches the first result; axe-core finds nothing at either width.
#[tokio::test]
async fn search_results_follow_typing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--demo"], &[]);
    // The index is built in the background at start.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while http_get(&server.url, "/api/search?q=still").await.0 != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "the index never got ready"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut failures = Vec::new();
    for (device, width, height) in [PHONE, DESKTOP] {
        let browser = Browser::start(width, height).await;
        browser
            .client
            .goto(&format!("{}/search", server.url))
            .await
            .unwrap();
        browser
            .client
            .execute("window.abideSamePage = true; return true;", vec![])
            .await
            .unwrap();
        let field = browser
            .client
            .find(Locator::Css("#search-q"))
            .await
            .unwrap();
        field.send_keys("thirs").await.unwrap();
        wait_until(
            &browser,
            "return !!document.querySelector('.search-hits') && document.querySelector('.search-hits').textContent.includes('Thirsty');",
            "results-for-thirs",
        )
        .await;
        field.clear().await.unwrap();
        field.send_keys("psalm 46").await.unwrap();
        wait_until(
            &browser,
            "return !!document.querySelector('.search-passage') && document.querySelector('.search-hits').textContent.includes('Be Still') && location.search.includes('psalm+46');",
            "results-for-psalm-46",
        )
        .await;
        let same = browser
            .client
            .execute("return window.abideSamePage === true;", vec![])
            .await
            .unwrap();
        assert_eq!(
            same,
            serde_json::Value::Bool(true),
            "results came without a page load"
        );
        let said = browser
            .client
            .execute(
                "return document.querySelector('[data-search-announce]').textContent;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(said, "1 reading.", "{device}");
        field
            .send_keys(fantoccini::key::Key::Down.to_string().as_str())
            .await
            .unwrap();
        let focused = browser
            .client
            .execute("return document.activeElement.textContent;", vec![])
            .await
            .unwrap();
        assert_eq!(
            focused, "Be Still",
            "{device}: Arrow Down reaches the first result"
        );
        browser.screenshot(&format!("search-{device}")).await;
        for violation in browser.axe().await {
            failures.push(format!("{device} /search: {violation}"));
        }
        browser.close().await;
    }
    assert!(
        failures.is_empty(),
        "axe-core violations:\n{}",
        failures.join("\n")
    );
}
