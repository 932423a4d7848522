use abide_testkit::Browser;
use fantoccini::Locator;

use crate::util::Server;

/// The home page of a running `abide serve --demo`, in headless Chromium at a
/// phone's and a desktop's width: it renders with its stylesheet (under the
/// strict CSP) and a screenshot is saved for people to look at.
#[tokio::test]
async fn the_home_page_renders_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--demo"], &[]);
    for (name, width, height) in [("home-phone", 390, 844), ("home-desktop", 1280, 900)] {
        let browser = Browser::start(width, height).await;
        browser
            .client
            .goto(&format!("{}/", server.url))
            .await
            .unwrap();
        let heading = browser.client.find(Locator::Css("h1")).await.unwrap();
        assert_eq!(heading.text().await.unwrap(), "Still Waters");
        assert_eq!(browser.client.title().await.unwrap(), "Still Waters");
        // The theme's stylesheet loaded: the page has its background colour.
        let background = browser
            .client
            .execute(
                "return getComputedStyle(document.body).backgroundColor",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(background, "rgb(251, 249, 244)");
        let viewport = browser
            .client
            .execute("return window.innerWidth", vec![])
            .await
            .unwrap();
        assert_eq!(viewport, width);
        let png = browser.screenshot(name).await;
        let bytes = std::fs::read(&png).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{}", png.display());
        browser.close().await;
    }
}
