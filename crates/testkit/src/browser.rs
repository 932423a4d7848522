use std::path::{Path, PathBuf};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::env;

/// A headless Chromium session, driven over WebDriver through the ChromeDriver
/// that `scripts/test` started. Close it with [`Browser::close`].
pub struct Browser {
    /// The WebDriver client: navigate, find, execute scripts.
    pub client: Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts a fresh browser (an empty profile) with a viewport of `width` ×
    /// `height` CSS pixels; below 600 px wide it behaves as a phone (touch,
    /// mobile viewport).
    pub async fn start(width: u32, height: u32) -> Self {
        Self::launch(width, height, true).await
    }

    /// Like [`Browser::start`], with JavaScript turned off: what a reader with
    /// scripts disabled (or a failed download) sees.
    pub async fn start_without_javascript(width: u32, height: u32) -> Self {
        Self::launch(width, height, false).await
    }

    async fn launch(width: u32, height: u32, javascript: bool) -> Self {
        let webdriver = env::require(env::WEBDRIVER_URL, "ChromeDriver (headless Chromium)");
        let binary = std::env::var(env::CHROMIUM).unwrap_or_else(|_| "/usr/bin/chromium".into());
        let profile = tempfile::tempdir().expect("browser profile folder");
        // The flags keep Chromium from reaching for the network on its own (this
        // machine has none) and from needing a sandbox or GPU in a container.
        let args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--hide-scrollbars".to_owned(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = Capabilities::new();
        // Headless Chromium will not make a window narrower than 500 px, so a
        // phone's viewport is emulated (as the DevTools device mode does).
        let phone = width < 600;
        let options = serde_json::json!({
            "binary": binary,
            "args": args,
            "prefs": { "profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 } },
            "mobileEmulation": { "deviceMetrics": {
                "width": width, "height": height, "pixelRatio": 1.0,
                "mobile": phone, "touch": phone,
            }},
        });
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&webdriver)
            .await
            .unwrap_or_else(|e| panic!("start Chromium through ChromeDriver at {webdriver}: {e}"));
        Self {
            client,
            _profile: profile,
        }
    }

    /// Saves a PNG of the viewport under `target/screenshots/NAME.png` (or
    /// `$ABIDE_SCREENSHOTS/NAME.png`) and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("take a screenshot");
        let dir = std::env::var_os("ABIDE_SCREENSHOTS")
            .map(PathBuf::from)
            .unwrap_or_else(default_screenshot_dir);
        std::fs::create_dir_all(&dir).expect("create the screenshot folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// Runs axe-core on the current page and returns its violations (rule id,
    /// impact, help and the offending elements), empty when there are none.
    pub async fn axe(&self) -> Vec<serde_json::Value> {
        let path = env::require(env::AXE, "axe-core");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        self.client
            .execute(&format!("{source}\nreturn true;"), vec![])
            .await
            .expect("inject axe-core");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document).then(r => done(r.violations.map(v => ({
                     id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)
                 })))).catch(e => done([{ id: 'axe-error', help: String(e) }]));",
                vec![],
            )
            .await
            .expect("run axe-core");
        result.as_array().cloned().unwrap_or_default()
    }

    /// Ends the session and the browser.
    pub async fn close(self) {
        self.client.close().await.ok();
    }
}

fn default_screenshot_dir() -> PathBuf {
    // CARGO_TARGET_DIR when set, else the workspace's target folder.
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("screenshots")
}
