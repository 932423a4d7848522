//! Email through the real binary: a reader subscribes in headless Chromium,
//! confirms from the SMTP server's copy, changes their preferences, receives
//! a day of the journey and a newsletter, and unsubscribes with the one-click
//! header.

use std::path::Path;
use std::time::Duration;

use abide_testkit::{Browser, Mailbox, ReceivedMail};
use fantoccini::Locator;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::browser::wait_until;
use crate::util::{Server, run};

const PHONE: (&str, u32, u32) = ("phone", 390, 844);
const DESKTOP: (&str, u32, u32) = ("desktop", 1280, 900);

fn smtp_env() -> Vec<(&'static str, String)> {
    let smtp = std::env::var("ABIDE_TEST_SMTP").expect("the SMTP test server (ABIDE_TEST_SMTP)");
    vec![
        ("ABIDE_MAIL_SMTP_URL", format!("smtp://{smtp}")),
        (
            "ABIDE_MAIL_FROM",
            "Still Waters <devotions@abide.test>".into(),
        ),
    ]
}

fn unique(who: &str) -> String {
    format!(
        "{who}-{}-{}@example.org",
        std::process::id(),
        jiff::Timestamp::now().as_millisecond()
    )
}

/// The first link starting `prefix` in `text`.
fn link(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {text}"));
    text[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .next()
        .unwrap()
        .to_owned()
}

/// POSTs `body` to `url` (http://host:port/path) as a mail client's
/// one-click unsubscribe would; returns the status code.
async fn one_click(url: &str) -> u16 {
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap();
    let body = "List-Unsubscribe=One-Click";
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!(
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nOrigin: https://mail.example\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap()
}

/// Shows a received message's HTML in the browser and keeps a screenshot.
async fn screenshot_mail(mail: &ReceivedMail, name: &str, dir: &Path) {
    let html = mail.html().expect("an HTML part");
    let file = dir.join(format!("{name}.html"));
    std::fs::write(&file, html).unwrap();
    for (device, width, height) in [PHONE, DESKTOP] {
        let browser = Browser::start(width, height).await;
        browser
            .client
            .goto(&format!("file://{}", file.display()))
            .await
            .unwrap();
        browser.screenshot(&format!("{name}-{device}")).await;
        browser.close().await;
    }
}

#[tokio::test]
async fn a_reader_subscribes_confirms_chooses_and_unsubscribes_in_one_click() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let env = smtp_env();
    let envs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Server::start(dir.path(), &["--demo", "--data", &data], &envs);
    let mailbox = Mailbox::from_env();
    let email = unique("reader");
    let browser = Browser::start(PHONE.1, PHONE.2).await;

    // The footer's form on the home page.
    browser
        .client
        .goto(&format!("{}/", server.url))
        .await
        .unwrap();
    let field = browser
        .client
        .find(Locator::Css("#footer-email"))
        .await
        .unwrap();
    field.send_keys(&email).await.unwrap();
    browser
        .client
        .find(Locator::Css(".footer-subscribe button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(
        &browser,
        "return document.querySelector('h1').textContent === 'Check your email';",
        "the check-your-email page",
    )
    .await;
    let violations = browser.axe().await;
    assert!(
        violations.is_empty(),
        "axe-core on the check-your-email page: {violations:?}"
    );

    // The confirmation, as the SMTP server received it.
    let confirm = mailbox.wait_for(&email, 1, Duration::from_secs(20)).await;
    let confirm_link = link(
        &confirm[0].text(),
        &format!("{}/subscribe/confirm/", server.url),
    );
    browser.client.goto(&confirm_link).await.unwrap();
    browser
        .client
        .find(Locator::Css(".account-form form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(
        &browser,
        "return !!document.querySelector('.email-preferences .notice');",
        "the preference centre",
    )
    .await;
    let mut failures: Vec<String> = browser
        .axe()
        .await
        .into_iter()
        .map(|v| format!("preferences: {v}"))
        .collect();
    browser.screenshot("email-preferences-phone").await;

    // Day 1 in a minute from now, in the zone the browser filled in; no
    // newsletters.
    let zone = browser
        .client
        .execute("return document.getElementById('p-zone').value;", vec![])
        .await
        .unwrap();
    let zone = zone.as_str().unwrap().to_owned();
    let soon = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(61))
        .unwrap()
        .in_tz(&zone)
        .unwrap()
        .strftime("%H:%M")
        .to_string();
    browser
        .client
        .execute(
            &format!("document.getElementById('p-time').value = '{soon}'; document.querySelector('input[name=newsletters]').checked = false; return true;"),
            vec![],
        )
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css(
            "form[data-time-zone-form] button[type=submit]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(
        &browser,
        "return location.search.includes('saved=1');",
        "saved preferences",
    )
    .await;
    let value = browser
        .client
        .execute("return document.getElementById('p-time').value;", vec![])
        .await
        .unwrap();
    assert_eq!(value.as_str(), Some(soon.as_str()));
    browser.close().await;

    // A newsletter to those who want newsletters does not reach them; an
    // events announcement does.
    let note = dir.path().join("gathering.md");
    std::fs::write(
        &note,
        "# Evening prayer on Friday\n\nCome and **rest** with us, Psalm 46:10.\n",
    )
    .unwrap();
    let sent = run(
        dir.path(),
        &["send", note.to_str().unwrap()],
        &[("ABIDE_DATA_DIR", &data)],
    );
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let sent = run(
        dir.path(),
        &["send", note.to_str().unwrap(), "--audience", "events"],
        &[("ABIDE_DATA_DIR", &data)],
    );
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let mails = mailbox.wait_for(&email, 2, Duration::from_secs(20)).await;
    assert_eq!(mails[1].subject(), "Evening prayer on Friday");

    // The day, at the chosen minute.
    let mails = mailbox.wait_for(&email, 3, Duration::from_secs(150)).await;
    let day = &mails[2];
    assert!(day.subject().starts_with("Day 1: "), "{}", day.subject());
    screenshot_mail(day, "email-daily", dir.path()).await;
    let header = day
        .header("List-Unsubscribe")
        .expect("a List-Unsubscribe header");
    assert_eq!(
        day.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let url = header
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        url.starts_with(&format!("{}/unsubscribe/", server.url)),
        "{url}"
    );
    assert_eq!(one_click(&url).await, 200);

    // Unsubscribed at once: a newsletter now reaches nobody at this address.
    let sent = run(
        dir.path(),
        &["send", note.to_str().unwrap(), "--audience", "events"],
        &[("ABIDE_DATA_DIR", &data)],
    );
    assert!(
        String::from_utf8_lossy(&sent.stdout).contains("queued for 0 subscriber(s)"),
        "{}",
        String::from_utf8_lossy(&sent.stdout)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(mailbox.messages_to(&email).len(), 3);

    // The unsubscribed page, at both widths, passes axe.
    for (device, width, height) in [PHONE, DESKTOP] {
        let browser = Browser::start(width, height).await;
        browser.client.goto(&url).await.unwrap();
        let h1 = browser
            .client
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(h1, "Unsubscribe?");
        browser.screenshot(&format!("unsubscribe-{device}")).await;
        failures.extend(
            browser
                .axe()
                .await
                .into_iter()
                .map(|v| format!("{device} unsubscribe: {v}")),
        );
        browser.close().await;
    }
    assert!(
        failures.is_empty(),
        "axe-core violations:\n{}",
        failures.join("\n")
    );
}

/// `abide subscribers import`, `export` and `list` through the binary, on a
/// Mailchimp-style export with a bad row.
#[test]
fn subscribers_come_in_from_another_service_and_go_out_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let env = [("ABIDE_DATA_DIR", data.as_str())];
    assert!(run(dir.path(), &["migrate"], &env).status.success());
    let csv = dir.path().join("members.csv");
    std::fs::write(
        &csv,
        "\u{feff}Email Address,First Name,Last Name,OPTIN_TIME,TAGS\r\n\
         ann@example.org,Ann,Lee,2024-01-02 03:04:05,\"youth,choir\"\r\n\
         not an address,Bad,Row,,\r\n\
         bob@example.org,Bob,,2023-05-06,\r\n\
         ANN@example.org,Ann,Again,,\r\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "subscribers",
            "import",
            csv.to_str().unwrap(),
            "--tag",
            "imported",
        ],
        &env,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("2 added, 0 already here"), "{stdout}");
    assert!(
        stderr.contains("members.csv:3:"),
        "the bad row by line: {stderr}"
    );
    assert!(
        stderr.contains("members.csv:5:"),
        "the repeated address by line: {stderr}"
    );
    let out = run(dir.path(), &["subscribers", "export"], &env);
    let csv_out = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = csv_out.lines().collect();
    assert_eq!(
        lines[0],
        "email,name,time_zone,status,tags,consent_at,created_at"
    );
    assert_eq!(lines.len(), 3, "{csv_out}");
    assert!(
        lines[1].starts_with("ann@example.org,Ann Lee,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("2024-01-02T03:04:05Z"),
        "consent kept: {}",
        lines[1]
    );
    assert!(lines[1].contains("choir;imported;youth"), "{}", lines[1]);
    // The export reads back in: nothing new.
    let back = dir.path().join("back.csv");
    std::fs::write(&back, csv_out.as_bytes()).unwrap();
    let out = run(
        dir.path(),
        &["subscribers", "import", back.to_str().unwrap()],
        &env,
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("0 added, 2 already here"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run(dir.path(), &["subscribers", "list", "--tag", "youth"], &env);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.starts_with("ann@example.org\tactive\t"));
}
