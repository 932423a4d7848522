//! The back office (issue 14): every admin route behind its guard, writing
//! and scheduling an entry, revisions, conflicts, and the round trip between
//! the browser and the folder format.

use std::path::Path;

use abide_content::{LoadOptions, load_journey};
use abide_store::{Email, Role, Store};
use abide_testkit::{Engine, TestDb, engine_test, store_test};
use abide_web::AppState;
use axum::http::StatusCode;
use jiff::SignedDuration;

use crate::accounts::{address, sign_up, site};
use crate::agent::Agent;

const J: &str = "learning-to-wait";
const DAY: &str = "01-day-one.md";

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey")
}

async fn import_fixture(store: &Store) -> i64 {
    let journey = load_journey(&fixture(), &LoadOptions::default()).unwrap();
    store.import_journeys(&[journey]).await.unwrap();
    store.journey(J, i64::MAX).await.unwrap().unwrap().id
}

/// A signed-in account with `role`.
async fn person(state: &AppState, store: &Store, who: &str, role: Role) -> Agent {
    let email = address(who);
    let agent = sign_up(state, &email, who).await;
    let user = store
        .user_by_email(&Email::parse(&email).unwrap())
        .await
        .unwrap()
        .unwrap();
    store.set_role(user.id, role).await.unwrap();
    agent
}

/// Every route of the router's admin list, with its parameters filled in.
fn admin_addresses(journey: i64, revision: i64) -> Vec<String> {
    abide_web::admin::paths()
        .iter()
        .map(|p| {
            p.replace("{id}", &journey.to_string())
                .replace("{rev}", &revision.to_string())
                .replace("{*path}", DAY)
                .replace("{user}", "1")
        })
        .collect()
}

async fn every_admin_route_refuses_members_and_sends_guests_to_sign_in(db: TestDb) {
    let store = &db.store;
    let journey = import_fixture(store).await;
    let (state, _) = site(store);
    let revision = store.revisions(journey, DAY).await.unwrap()[0].id;
    let addresses = admin_addresses(journey, revision);
    assert!(addresses.len() >= 8, "{addresses:?}");

    let mut guest = Agent::new(&state);
    guest.get("/sign-in").await; // a token, so that forms pass the guard
    let mut member = person(&state, store, "member", Role::Member).await;
    let mut moderator = person(&state, store, "moderator", Role::Moderator).await;
    let mut editor = person(&state, store, "editor", Role::Editor).await;
    for address in &addresses {
        let page = guest.get(address).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "guest GET {address}");
        let to = page.location.unwrap();
        assert!(to.starts_with("/sign-in?next=%2Fadmin"), "{address}: {to}");
        let page = guest.post(address, &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "guest POST {address}");
        for (who, agent) in [("member", &mut member), ("moderator", &mut moderator)] {
            let page = agent.get(address).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{who} GET {address}");
            assert!(!page.html.contains("Back office"), "{who} GET {address}");
            let page = agent.post(address, &[]).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{who} POST {address}");
            // Without the form's token too: nothing says the route exists.
            let page = agent
                .post_raw(address, b"a=1".to_vec(), Some(crate::agent::ORIGIN))
                .await;
            assert_eq!(
                page.status,
                StatusCode::NOT_FOUND,
                "{who} bare POST {address}"
            );
        }
        // The editor's forms are guarded: no token, no change.
        let page = editor
            .post_raw(address, b"a=1".to_vec(), Some(crate::agent::ORIGIN))
            .await;
        assert_ne!(
            page.status,
            StatusCode::SEE_OTHER,
            "editor tokenless POST {address}"
        );
        assert!(
            matches!(
                page.status,
                StatusCode::FORBIDDEN | StatusCode::METHOD_NOT_ALLOWED
            ),
            "editor tokenless POST {address}: {}",
            page.status
        );
        let page = editor
            .post_raw(address, b"a=1".to_vec(), Some("https://elsewhere.example"))
            .await;
        assert!(
            matches!(
                page.status,
                StatusCode::FORBIDDEN | StatusCode::METHOD_NOT_ALLOWED
            ),
            "cross-site POST {address}: {}",
            page.status
        );
    }
    // The pages an editor reads.
    for address in [
        "/admin".to_owned(),
        format!("/admin/journeys/{journey}"),
        format!("/admin/journeys/{journey}/new"),
        format!("/admin/journeys/{journey}/edit/{DAY}"),
        format!("/admin/journeys/{journey}/edit/journey.toml"),
        format!("/admin/journeys/{journey}/history/{DAY}"),
        format!("/admin/revisions/{revision}"),
    ] {
        let page = editor.get(&address).await;
        assert_eq!(page.status, StatusCode::OK, "{address}: {}", page.html);
        assert!(page.html.contains("Back office"), "{address}");
        assert_eq!(
            page.headers.get("cache-control").unwrap(),
            "private, no-store",
            "{address}"
        );
    }
    // What is not there is not there, for editors too.
    for address in [
        format!("/admin/journeys/{journey}/edit/../../etc/passwd"),
        format!("/admin/journeys/{journey}/edit/nothing.md"),
        "/admin/journeys/999999".to_owned(),
        "/admin/revisions/999999".to_owned(),
        "/admin/nothing".to_owned(),
    ] {
        let page = editor.get(&address).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{address}");
    }
}
store_test!(every_admin_route_refuses_members_and_sends_guests_to_sign_in);

/// The fields of the editor's form for an entry.
fn entry_fields<'a>(
    title: &'a str,
    reflection: &'a str,
    publish: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("kind", "day"),
        ("week", "2"),
        ("day", "3"),
        ("key_passage", "Ps 46:10"),
        ("reflection", reflection),
        ("practice_text", "Sit in silence"),
        ("practice_minutes", "5"),
        ("question", "Where will you be still today?"),
        ("publish", publish),
        ("tags", "Rest, Stillness"),
        ("action", "save"),
    ]
}

async fn an_editor_writes_schedules_and_restores_an_entry(db: TestDb) {
    let store = &db.store;
    let journey = import_fixture(store).await;
    let (state, clock) = site(store);
    let mut editor = person(&state, store, "writer", Role::Editor).await;
    let page = editor.get(&format!("/admin/journeys/{journey}/new")).await;
    assert_eq!(page.status, StatusCode::OK);

    // As the author types: citations resolved, the mistyped one flagged.
    let reflection = "Be still (Ps 46:10), says the psalm; Elijah heard the whisper (1 Kgs 19:12) \
                      and Jesus rose early to pray (Mark 1:35). Compare John 22:1.";
    let page = editor
        .post(
            &format!("/admin/journeys/{journey}/preview/new"),
            &entry_fields("Stillness Again", reflection, ""),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    for resolved in ["Psalm 46:10", "1 Kings 19:12", "Mark 1:35"] {
        assert!(page.html.contains(resolved), "{resolved}: {}", page.html);
    }
    assert!(
        page.html.contains("class=\"entry\""),
        "the reader's article"
    );
    assert!(
        page.html.contains("Be still, and know"),
        "the key verse's text"
    );
    assert!(
        page.html.contains("John has 21 chapters"),
        "the mistyped one flagged"
    );

    // A mistyped citation is an error of the content check: not saved.
    let page = editor
        .post(
            &format!("/admin/journeys/{journey}/new"),
            &entry_fields("Stillness Again", reflection, "2027-03-02T06:00"),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("John has 21 chapters"), "{}", page.html);
    let reflection = reflection.replace("John 22:1", "John 21:1");
    let reflection = reflection.as_str();

    // Saved, scheduled for tomorrow morning: not on the site until then.
    let page = editor
        .post(
            &format!("/admin/journeys/{journey}/new"),
            &entry_fields("Stillness Again", reflection, "2027-03-02T06:00"),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let edit = page.location.unwrap();
    assert!(
        edit.starts_with(&format!("/admin/journeys/{journey}/edit/")),
        "{edit}"
    );
    let url = format!("/journeys/{J}/stillness-again");
    let mut reader = Agent::new(&state);
    assert_eq!(reader.get(&url).await.status, StatusCode::NOT_FOUND);
    let page = editor.get(&edit).await;
    assert!(page.html.contains("Saved."), "{}", page.html);
    assert!(page.html.contains("value=\"2027-03-02T06:00\""));
    clock.advance(SignedDuration::from_hours(24)).unwrap();
    let page = reader.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Stillness Again"));
    assert!(page.html.contains("Sit in silence"));

    // Renamed in the browser: the old address leads to the new one.
    let path = edit
        .rsplit_once("/edit/")
        .unwrap()
        .1
        .trim_end_matches("?saved=1")
        .to_owned();
    let base = base_of(
        &editor
            .get(&format!("/admin/journeys/{journey}/edit/{path}"))
            .await
            .html,
    );
    let mut fields = entry_fields("Stillness Once More", reflection, "2027-03-02T06:00");
    fields.push(("base", &base));
    let page = editor
        .post(&format!("/admin/journeys/{journey}/edit/{path}"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let page = reader.get(&url).await;
    assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        page.location.as_deref(),
        Some(format!("/journeys/{J}/stillness-once-more").as_str())
    );

    // Saving on the old version (another tab) is refused, nothing lost.
    let mut stale = entry_fields("Stillness From An Old Tab", reflection, "");
    stale.push(("base", &base));
    let page = editor
        .post(&format!("/admin/journeys/{journey}/edit/{path}"), &stale)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("changed by"), "{}", page.html);
    assert!(
        page.html.contains("Stillness From An Old Tab"),
        "the text is kept in the form"
    );

    // History: two versions, their differences, and the first restored.
    let revisions = store.revisions(journey, &path).await.unwrap();
    assert_eq!(revisions.len(), 2);
    let page = editor
        .get(&format!("/admin/revisions/{}", revisions[0].id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Stillness Once More") && page.html.contains("class=\"removed\""));
    let page = editor
        .post(
            &format!("/admin/revisions/{}/restore", revisions[1].id),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert_eq!(
        reader.get(&url).await.status,
        StatusCode::OK,
        "the first title again"
    );
    assert_eq!(store.revisions(journey, &path).await.unwrap().len(), 3);

    // A save that does not load says why, and changes nothing.
    let base = base_of(
        &editor
            .get(&format!("/admin/journeys/{journey}/edit/{path}"))
            .await
            .html,
    );
    let mut broken = entry_fields("Broken", "", "");
    broken.push(("base", &base));
    let page = editor
        .post(&format!("/admin/journeys/{journey}/edit/{path}"), &broken)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("no text"), "{}", page.html);
    assert_eq!(store.revisions(journey, &path).await.unwrap().len(), 3);
}
store_test!(an_editor_writes_schedules_and_restores_an_entry);

/// The `base` hidden field of an editor page.
fn base_of(html: &str) -> String {
    let at = html.find("name=\"base\" value=\"").expect("a base field") + 19;
    html[at..].split('"').next().unwrap().to_owned()
}

/// Every page of the site at `paths`, as a guest sees it.
async fn pages(state: &AppState, paths: &[String]) -> Vec<(String, StatusCode, String)> {
    let mut out = Vec::new();
    let mut guest = Agent::new(state);
    for path in paths {
        let page = guest.get(path).await;
        out.push((path.clone(), page.status, page.html));
    }
    out
}

async fn export_then_import_gives_identical_pages(engine: Engine) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../abide/demo/come-and-rest");
    let a = TestDb::new(engine).await;
    let b = TestDb::new(engine).await;
    let options = LoadOptions {
        now: "2026-01-10T00:00:00Z".parse().unwrap(),
        ..LoadOptions::default()
    };
    // Both imported at the same instant: their pages' dates agree.
    let clock = abide_store::Clock::simulated("2026-01-10T00:00:00Z".parse().unwrap());
    a.store
        .with_clock(clock.clone())
        .import_journeys(&[load_journey(&demo, &options).unwrap()])
        .await
        .unwrap();
    // Exported as `abide export` does, and imported into another site.
    let out = tempfile::tempdir().unwrap();
    for stored in a.store.all_sources().await.unwrap() {
        stored
            .source
            .write(&out.path().join(&stored.source.folder))
            .unwrap();
    }
    let exported = load_journey(&out.path().join("come-and-rest"), &options).unwrap();
    b.store
        .with_clock(clock)
        .import_journeys(&[exported])
        .await
        .unwrap();
    let (site_a, _) = site(&a.store);
    let (site_b, _) = site(&b.store);
    let mut paths = vec![
        "/".to_owned(),
        "/journeys".into(),
        "/feed.xml".into(),
        "/tags".into(),
    ];
    let sitemap = pages(&site_a, &["/sitemap.xml".to_owned()])
        .await
        .remove(0)
        .2;
    for loc in sitemap.split("<loc>").skip(1) {
        let url = loc.split("</loc>").next().unwrap();
        paths.push(url.trim_start_matches(crate::agent::ORIGIN).to_owned());
    }
    assert!(paths.len() > 10, "{paths:?}");
    let (left, right) = (pages(&site_a, &paths).await, pages(&site_b, &paths).await);
    for ((path, status_a, html_a), (_, status_b, html_b)) in left.iter().zip(&right) {
        assert_eq!(status_a, &StatusCode::OK, "{path}");
        assert_eq!((status_a, html_a), (status_b, html_b), "{path} differs");
    }
}
engine_test!(export_then_import_gives_identical_pages);

/// The editor in headless Chromium: an editor signs in by the link the SMTP
/// server received, writes an entry with citations and a mistyped one, sees
/// them resolved and the bad one flagged as they type, schedules it, and
/// finds it on the site at its time on the simulated clock. Screenshots of
/// the dashboard and the editor at both widths; axe-core on every page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_writes_an_entry_in_the_browser() {
    use abide_testkit::{Browser, Mailbox};
    use fantoccini::Locator;
    use std::time::Duration;

    let db = TestDb::new(Engine::Sqlite).await;
    let journey = import_fixture(&db.store).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let clock = abide_store::Clock::simulated("2027-03-01T09:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    let smtp = std::env::var("ABIDE_TEST_SMTP").expect("the SMTP test server (ABIDE_TEST_SMTP)");
    let config = abide_web::WebConfig {
        base_url: url.clone(),
        cache_check_every: Duration::ZERO,
        mail: Some(abide_mail::MailerConfig {
            smtp_url: format!("smtp://{smtp}"),
            from: "Abide Tests <tests@abide.test>".into(),
            timeout: Duration::from_secs(10),
            dkim: None,
        }),
        ..abide_web::WebConfig::default()
    };
    let state = AppState::new(
        store.clone(),
        crate::util::library(),
        abide_web::Theme::load(None).unwrap(),
        config,
    );
    tokio::spawn(abide_web::serve(listener, state, std::future::pending()));
    let email = address("miriam");
    let mut editor = abide_store::NewUser::new(Email::parse(&email).unwrap(), Role::Editor);
    editor.display_name = "Miriam".into();
    store.create_user(&editor).await.unwrap();
    let mailbox = Mailbox::from_env();

    let mut failures = Vec::new();
    let mut links = 0;
    for (device, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let browser = Browser::start(width, height).await;
        let client = &browser.client;
        let find = |css: &'static str| client.find(Locator::Css(css));
        // Signing in by the mailed link.
        client.goto(&format!("{url}/admin")).await.unwrap();
        assert!(client.current_url().await.unwrap().path() == "/sign-in");
        find("#email")
            .await
            .unwrap()
            .send_keys(&email)
            .await
            .unwrap();
        find("button[value=link]")
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        links += 1;
        let mail = mailbox
            .wait_for(&email, links, Duration::from_secs(20))
            .await;
        let text = mail.last().unwrap().text();
        let link =
            crate::agent::link_in(&text.replace(&url, crate::agent::ORIGIN), "/link/sign-in");
        client.goto(&format!("{url}{link}")).await.unwrap();
        find("form[action='/link/sign-in'] button")
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_path(client, "/admin").await;
        browser
            .screenshot(&format!("admin-dashboard-{device}"))
            .await;
        for v in browser.axe().await {
            failures.push(format!("dashboard {device}: {v}"));
        }

        // A new entry: the preview and the citations follow typing.
        client
            .goto(&format!("{url}/admin/journeys/{journey}/new"))
            .await
            .unwrap();
        let title = format!("Be Still on the {device}");
        find("#title")
            .await
            .unwrap()
            .send_keys(&title)
            .await
            .unwrap();
        find("#key_passage")
            .await
            .unwrap()
            .send_keys("Ps 46:10")
            .await
            .unwrap();
        find("#reflection")
            .await
            .unwrap()
            .send_keys(
                "Elijah heard a gentle whisper (1 Kgs 19:12). Jesus rose early to pray \
                 (Mark 1:35), and he said: remain in me (John 15:4). Compare John 22:1.",
            )
            .await
            .unwrap();
        find("#question-1")
            .await
            .unwrap()
            .send_keys("Where will you be still today?")
            .await
            .unwrap();
        let check = wait_for_text(client, "#preview .check", "John has 21 chapters").await;
        for resolved in ["Psalm 46:10", "1 Kings 19:12", "Mark 1:35", "John 15:4"] {
            assert!(check.contains(resolved), "{resolved}: {check}");
        }
        wait_for_text(client, "#preview .preview-frame", "Be still, and know").await;
        client
            .execute(
                "document.getElementById('preview').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        browser.screenshot(&format!("admin-editor-{device}")).await;
        for v in browser.axe().await {
            failures.push(format!("editor {device}: {v}"));
        }
        // The typo mended; scheduled for the next morning, and published
        // (not a draft).
        client
            .execute(
                "const r = document.getElementById('reflection');\
                 r.value = r.value.replace('John 22:1', 'John 21:1');\
                 document.getElementById('publish').value = '2027-03-02T06:00';\
                 document.getElementById('draft').checked = false;",
                vec![],
            )
            .await
            .unwrap();
        find("button[value=save]")
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        for _ in 0..100 {
            if client.current_url().await.unwrap().query() == Some("saved=1") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let notice = find(".notice").await.unwrap().text().await.unwrap();
        assert_eq!(notice, "Saved.", "{}", client.source().await.unwrap());
        // Every other page of the back office passes axe-core too (the
        // owner's pages once this editor is made owner).
        let revision = store.revisions(journey, DAY).await.unwrap()[0].id;
        let user = store
            .user_by_email(&Email::parse(&email).unwrap())
            .await
            .unwrap()
            .unwrap();
        store.set_role(user.id, Role::Owner).await.unwrap();
        for page in [
            format!("/admin/journeys/{journey}"),
            format!("/admin/journeys/{journey}/edit/{DAY}"),
            format!("/admin/journeys/{journey}/edit/journey.toml"),
            format!("/admin/journeys/{journey}/history/{DAY}"),
            format!("/admin/revisions/{revision}"),
            "/admin/media".to_owned(),
            "/admin/settings".to_owned(),
            "/admin/users".to_owned(),
            "/admin/audit".to_owned(),
        ] {
            client.goto(&format!("{url}{page}")).await.unwrap();
            for v in browser.axe().await {
                failures.push(format!("{page} {device}: {v}"));
            }
        }
        store.set_role(user.id, Role::Editor).await.unwrap();
        browser.close().await;
    }
    assert!(failures.is_empty(), "{failures:#?}");

    // Not on the site before its time; there at its time.
    let page = format!("{url}/journeys/{J}/be-still-on-the-desktop");
    let status = |u: String| async move { reqwest_status(&u).await };
    assert_eq!(status(page.clone()).await, 404);
    clock.advance(SignedDuration::from_hours(21)).unwrap();
    assert_eq!(status(page).await, 200);
}

/// The status of a GET, over a plain TCP connection (HTTP/1.0).
async fn reqwest_status(url: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream
        .write_all(format!("GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut head = vec![0; 12];
    stream.read_exact(&mut head).await.unwrap();
    std::str::from_utf8(&head[9..12]).unwrap().parse().unwrap()
}

async fn wait_for_path(client: &fantoccini::Client, path: &str) {
    for _ in 0..200 {
        if client.current_url().await.unwrap().path() == path {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never at {path}: {}", client.source().await.unwrap());
}

/// Waits until the element at `css` holds `needle`; returns its text.
async fn wait_for_text(client: &fantoccini::Client, css: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..200 {
        if let Ok(element) = client.find(fantoccini::Locator::Css(css)).await {
            last = element.text().await.unwrap_or_default();
            if last.contains(needle) {
                return last;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {needle:?}: {last}");
}

async fn a_revision_that_no_longer_fits_is_not_restored(db: TestDb) {
    let store = &db.store;
    let journey = import_fixture(store).await;
    let (state, _) = site(store);
    let mut editor = person(&state, store, "restorer", Role::Editor).await;
    let first = store.revisions(journey, DAY).await.unwrap()[0].id;
    // Day one moves to day five; a new entry takes day one.
    let edit = format!("/admin/journeys/{journey}/edit/{DAY}");
    let page = editor.get(&edit).await;
    let base = base_of(&page.html);
    let text = store.journey_source(journey).await.unwrap().unwrap();
    let form = abide_content::EntryForm::from_file(text.source.text(DAY).unwrap()).unwrap();
    let moved = abide_content::EntryForm {
        day: Some(5),
        ..form
    };
    let fields = form_fields(&moved, &base);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let page = editor.post(&edit, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let mut new = entry_fields("A New First Day", "A reflection on beginnings.", "");
    new.retain(|(name, _)| !matches!(*name, "week" | "day"));
    new.extend([("week", "1"), ("day", "1")]);
    let page = editor
        .post(&format!("/admin/journeys/{journey}/new"), &new)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    // The first version of day one would be a second day one.
    let page = editor
        .post(&format!("/admin/revisions/{first}/restore"), &[])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("was not restored"), "{}", page.html);
    assert!(
        page.html.contains("week 1 day 1 is already"),
        "{}",
        page.html
    );
    assert_eq!(
        store.revisions(journey, DAY).await.unwrap().len(),
        2,
        "nothing written"
    );
}
store_test!(a_revision_that_no_longer_fits_is_not_restored);

/// The editor's fields for `form`, as its page would send them.
fn form_fields(form: &abide_content::EntryForm, base: &str) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("base", base.to_owned()),
        ("title", form.title.clone()),
        ("kind", form.kind.as_str().to_owned()),
        ("week", form.week.to_string()),
        ("day", form.day.map(|d| d.to_string()).unwrap_or_default()),
        ("key_passage", form.key_passage.clone()),
        ("summary", form.summary.clone()),
        ("publish", form.publish.clone()),
        ("tags", form.tags.join(", ")),
        ("author", form.author.clone()),
        ("reflection", form.reflection.clone()),
        ("going_deeper", form.going_deeper.clone()),
        ("action", "save".to_owned()),
    ];
    for p in &form.practices {
        fields.push(("practice_text", p.text.clone()));
        fields.push((
            "practice_minutes",
            p.minutes.map(|m| m.to_string()).unwrap_or_default(),
        ));
    }
    for q in &form.questions {
        fields.push(("question", q.clone()));
    }
    fields
}

async fn the_owner_changes_settings_and_people_and_the_log_keeps_it(db: TestDb) {
    let store = &db.store;
    let journey = import_fixture(store).await;
    let (state, _) = site(store);
    let mut owner = person(&state, store, "owner", Role::Owner).await;
    let mut editor = person(&state, store, "editor", Role::Editor).await;
    // Editors do not see the owner's pages.
    for address in ["/admin/settings", "/admin/users", "/admin/audit"] {
        assert_eq!(
            editor.get(address).await.status,
            StatusCode::NOT_FOUND,
            "{address}"
        );
    }
    assert_eq!(
        editor
            .post("/admin/settings", &[("title", "Mine now")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Settings: checked, then kept, shown at once, and logged.
    let page = owner.get("/admin/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    let good = [
        ("title", "Still Waters"),
        ("tagline", "Daily readings"),
        ("description", "A small community."),
        ("language", "en"),
        ("time_zone", "America/Chicago"),
        ("logo", "/media/logo.png"),
        ("default_translation", "kjv"),
        ("link_name", "Facebook"),
        ("link_url", "https://www.facebook.com/stillwaters"),
        ("link_name", ""),
        ("link_url", ""),
    ];
    for (name, bad) in [
        ("time_zone", "Mars/Olympus"),
        ("logo", "javascript:alert(1)"),
        ("link_url", "javascript:alert(1)"),
        ("default_translation", "esv"),
        ("title", ""),
    ] {
        let fields: Vec<(&str, &str)> = good
            .iter()
            .map(|&(n, v)| if n == name { (n, bad) } else { (n, v) })
            .collect();
        let page = owner.post("/admin/settings", &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name} = {bad}"
        );
    }
    assert_eq!(
        store.audit_log(10, None).await.unwrap().len(),
        0,
        "nothing kept"
    );
    let page = owner.post("/admin/settings", &good).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let home = Agent::new(&state).get("/").await.html;
    assert!(home.contains("Still Waters") && home.contains("facebook.com/stillwaters"));
    assert!(home.contains("src=\"/media/logo.png\""));
    // The default translation: the key verse in the KJV now.
    let entry = Agent::new(&state)
        .get(&format!("/journeys/{J}/the-long-night"))
        .await
        .html;
    assert!(entry.contains("KJV"), "{entry}");
    let log = store.audit_log(10, None).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "settings");
    assert!(log[0].after.as_deref().unwrap().contains("Still Waters"));
    let page = owner.get("/admin/audit").await;
    assert!(
        page.html.contains("Still Waters") && page.html.contains("time zone"),
        "{}",
        page.html
    );

    // People: an invitation by mail, a role changed, the last owner kept.
    let invited = address("invited");
    let page = owner
        .post("/admin/users", &[("email", &invited), ("role", "editor")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let mail = abide_testkit::Mailbox::from_env()
        .wait_for(&invited, 1, std::time::Duration::from_secs(10))
        .await;
    assert!(
        mail[0].subject().contains("invited"),
        "{}",
        mail[0].subject()
    );
    let link = crate::agent::link_in(&mail[0].text(), "/link/sign-in");
    assert!(link.contains("next=%2Fadmin"), "{link}");
    let mut newcomer = Agent::new(&state);
    newcomer.get(&link).await;
    let token = crate::accounts::token_of(&link);
    let page = newcomer
        .post("/link/sign-in", &[("token", &token), ("next", "/admin")])
        .await;
    assert_eq!(page.location.as_deref(), Some("/admin"), "{}", page.html);
    assert_eq!(newcomer.get("/admin").await.status, StatusCode::OK);
    let me = store
        .user_by_email(&Email::parse(&owner_email(store).await).unwrap())
        .await
        .unwrap()
        .unwrap();
    let page = owner
        .post(&format!("/admin/users/{}", me.id), &[("role", "editor")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "the last owner stays");
    let page = owner
        .post(&format!("/admin/users/{}", me.id), &[("state", "disable")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let newcomer_user = store
        .user_by_email(&Email::parse(&invited).unwrap())
        .await
        .unwrap()
        .unwrap();
    let page = owner
        .post(
            &format!("/admin/users/{}", newcomer_user.id),
            &[("state", "disable")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        newcomer.get("/admin").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    let log = store.audit_log(10, None).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["user.disable", "user.invite", "settings"]);

    // No route edits the log: everything posted everywhere leaves it as it was.
    let before = store.audit_log(500, None).await.unwrap();
    let revision = store.revisions(journey, DAY).await.unwrap()[0].id;
    for address in admin_addresses(journey, revision) {
        let address = address.replace("{user}", &me.id.to_string());
        for fields in [
            vec![
                ("id", "1"),
                ("action", "settings"),
                ("before", "x"),
                ("after", "y"),
            ],
            vec![("delete", "1"), ("audit", "1")],
        ] {
            owner.post(&address, &fields).await;
        }
        owner.get(&format!("{address}?delete=1")).await;
    }
    let after = store.audit_log(500, None).await.unwrap();
    assert_eq!(
        &after[after.len() - before.len()..],
        &before[..],
        "earlier entries unchanged"
    );
}
store_test!(the_owner_changes_settings_and_people_and_the_log_keeps_it);

async fn owner_email(store: &Store) -> String {
    store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.role == Role::Owner)
        .unwrap()
        .email
}

async fn days_move_within_their_week(db: TestDb) {
    let store = &db.store;
    let journey = import_fixture(store).await;
    let (state, _) = site(store);
    let mut editor = person(&state, store, "mover", Role::Editor).await;
    editor.get("/admin").await;
    let days = |entries: Vec<abide_store::EntryAdmin>| -> Vec<(String, i64)> {
        entries
            .into_iter()
            .filter(|e| e.card.kind == abide_content::EntryKind::Day)
            .map(|e| (e.card.slug, e.card.day))
            .collect()
    };
    let before = days(store.journey_entries_admin(journey).await.unwrap());
    assert_eq!(before[0].1, 1);
    let second = &before[1].0;
    let path = "02-day-two.md";
    let page = editor
        .post(
            &format!("/admin/journeys/{journey}/move/{path}"),
            &[("direction", "earlier")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let after = days(store.journey_entries_admin(journey).await.unwrap());
    assert_eq!(after[0], (second.clone(), 1), "{after:?}");
    assert_eq!(after[1], (before[0].0.clone(), 2));
    let page = editor
        .post(
            &format!("/admin/journeys/{journey}/move/{path}"),
            &[("direction", "earlier")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("already the first day"), "{}", page.html);
}
store_test!(days_move_within_their_week);
