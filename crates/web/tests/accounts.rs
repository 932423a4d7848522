//! Accounts over HTTP: signing up and in by a link read from the real SMTP
//! server, passwords, sessions, and what an attacker can and cannot learn or do.

use std::time::Duration;

use abide_store::{Clock, Email, NewUser, Role, Store};
use abide_testkit::{Mailbox, TestDb, store_test};
use abide_web::{AppState, Theme, WebConfig};
use axum::http::StatusCode;
use jiff::SignedDuration;

use crate::agent::{Agent, link_in};
use crate::util::library;

/// A site whose mail goes to the SMTP test server, on a simulated clock.
pub(crate) fn site(store: &Store) -> (AppState, Clock) {
    let clock = Clock::simulated("2027-03-01T09:00:00Z".parse().unwrap());
    let store = store.with_clock(clock.clone());
    let smtp = std::env::var("ABIDE_TEST_SMTP").expect("the SMTP test server (ABIDE_TEST_SMTP)");
    let config = WebConfig {
        base_url: crate::agent::ORIGIN.into(),
        request_timeout: Duration::from_secs(10),
        max_body_bytes: 1 << 20,
        cache_check_every: Duration::ZERO,
        mail: Some(abide_mail::MailerConfig {
            smtp_url: format!("smtp://{smtp}"),
            from: "Abide Tests <tests@abide.test>".into(),
            timeout: Duration::from_secs(10),
            dkim: None,
        }),
        ..WebConfig::default()
    };
    (
        AppState::new(store, library(), Theme::load(None).unwrap(), config),
        clock,
    )
}

/// The token of a mailed link.
pub(crate) fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or_else(|| panic!("no token in {link}"))
        .to_owned()
}

/// An address no other test uses, so the shared mailbox tells them apart.
pub(crate) fn address(who: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{who}-{}-{}@example.org",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Signs up `email` through the pages and the mailed link; returns the agent,
/// signed in.
pub(crate) async fn sign_up(state: &AppState, email: &str, name: &str) -> Agent {
    sign_up_with(Agent::new(state), email, name).await
}

/// [`sign_up`] with an agent that may hold cookies already.
async fn sign_up_with(mut agent: Agent, email: &str, name: &str) -> Agent {
    let mailbox = Mailbox::from_env();
    let page = agent.get("/sign-up").await;
    assert_eq!(page.status, StatusCode::OK);
    let page = agent.post("/sign-up", &[("email", email)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("Check your email"), "{}", page.html);
    let mail = mailbox.wait_for(email, 1, Duration::from_secs(10)).await;
    let link = link_in(&mail[0].text(), "/link/sign-up");
    let page = agent.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Welcome"), "{}", page.html);
    let token = token_of(&link);
    let page = agent
        .post(
            "/link/sign-up",
            &[
                ("token", &token),
                ("name", name),
                ("time_zone", "Europe/London"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert_eq!(page.location.as_deref(), Some("/today"));
    assert!(agent.session().is_some());
    agent
}

async fn signing_up_by_emailed_link_creates_a_verified_member(db: TestDb) {
    let (state, _) = site(&db.store);
    let email = address("ruth");
    let mut agent = Agent::new(&state);
    // A guest's translation preference carries over to the new account.
    agent.cookies.insert("translation".into(), "kjv".into());
    let mut agent = sign_up_with(agent, &email, "Ruth <b>M</b>").await;
    let user = db
        .store
        .user_by_email(&Email::parse(&email).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, Role::Member);
    assert!(user.email_verified_at.is_some());
    assert_eq!(user.time_zone, "Europe/London");
    assert_eq!(user.translation.as_deref(), Some("kjv"));
    let page = agent.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    // The name is shown, escaped.
    assert!(
        page.html.contains("Ruth &lt;b&gt;M&lt;/b&gt;"),
        "{}",
        page.html
    );
    assert!(!page.html.contains("<b>M</b>"));
    assert_eq!(
        page.headers.get("cache-control").unwrap(),
        "private, no-store"
    );
}
store_test!(signing_up_by_emailed_link_creates_a_verified_member);

async fn links_work_once_expire_and_are_stored_hashed(db: TestDb) {
    let (state, clock) = site(&db.store);
    let mailbox = Mailbox::from_env();
    let email = address("naomi");
    sign_up(&state, &email, "Naomi").await;
    let mut guest = Agent::new(&state);
    guest.get("/sign-in").await;
    let page = guest
        .post("/sign-in", &[("email", &email), ("method", "link")])
        .await;
    assert!(page.html.contains("Check your email"));
    let mail = mailbox.wait_for(&email, 2, Duration::from_secs(10)).await;
    let link = link_in(&mail[1].text(), "/link/sign-in");
    let token = token_of(&link);
    // The database holds no copy of the token.
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM login_tokens")
        .fetch_all(db.store.pool())
        .await
        .unwrap();
    assert!(!stored.is_empty());
    assert!(stored.iter().all(|h| h != &token && h.len() == 64));
    // Opening the link changes nothing; its button signs in, once.
    let page = guest.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(guest.session().is_none());
    let page = guest.post("/link/sign-in", &[("token", &token)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(guest.session().is_some());
    let mut other = Agent::new(&state);
    other.get("/sign-in").await;
    let page = other.post("/link/sign-in", &[("token", &token)]).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.html.contains("used already"), "{}", page.html);
    assert!(other.session().is_none());
    // A link older than 15 minutes does not work.
    other
        .post("/sign-in", &[("email", &email), ("method", "link")])
        .await;
    let mail = mailbox.wait_for(&email, 3, Duration::from_secs(10)).await;
    let link = link_in(&mail[2].text(), "/link/sign-in");
    let token = token_of(&link);
    clock.advance(SignedDuration::from_mins(16)).unwrap();
    let page = other.post("/link/sign-in", &[("token", &token)]).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.html.contains("expired"), "{}", page.html);
    // A made-up token.
    let page = other
        .post("/link/sign-in", &[("token", "not-a-token")])
        .await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(other.session().is_none());
}
store_test!(links_work_once_expire_and_are_stored_hashed);

async fn no_page_tells_whether_an_address_has_an_account(db: TestDb) {
    let (state, _) = site(&db.store);
    let known = address("known");
    sign_up(&state, &known, "Known").await;
    let mut agent = Agent::new(&state);
    agent.cookies.insert("abide_csrf".into(), {
        let mut probe = Agent::new(&state);
        probe.get("/sign-in").await;
        probe.csrf()
    });
    let unknown = address("unknown");
    // Password attempts run argon2 for an unknown address too: same answer.
    for (route, fields) in [
        ("/sign-in", vec![("method", "link")]),
        (
            "/sign-in",
            vec![("method", "password"), ("password", "wrong password")],
        ),
        ("/sign-up", vec![]),
        ("/reset", vec![]),
    ] {
        let mut answers = Vec::new();
        for email in [&known, &unknown] {
            let mut all = vec![("email", email.as_str())];
            all.extend(fields.iter().copied());
            let page = agent.post(route, &all).await;
            answers.push((page.status, page.html.replace(email.as_str(), "EMAIL")));
        }
        assert_eq!(answers[0], answers[1], "{route} {fields:?} differs");
    }
}
store_test!(no_page_tells_whether_an_address_has_an_account);

async fn passwords_sign_in_and_a_planted_session_is_replaced(db: TestDb) {
    let (state, _) = site(&db.store);
    let email = address("boaz");
    let mut member = sign_up(&state, &email, "Boaz").await;
    // Fresh from a link, no current password is needed to set one.
    let page = member
        .post("/account/password", &[("password", "the threshing floor")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    // An attacker plants a session cookie of their own before the victim signs in.
    let attacker = sign_up(&state, &address("mallory"), "Mallory").await;
    let planted = attacker.session().unwrap().to_owned();
    let mut victim = Agent::new(&state);
    victim
        .cookies
        .insert("abide_session".into(), planted.clone());
    victim.get("/sign-in").await;
    let page = victim
        .post(
            "/sign-in",
            &[
                ("email", &email),
                ("method", "password"),
                ("password", "wrong"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("do not match"));
    let page = victim
        .post(
            "/sign-in",
            &[
                ("email", &email),
                ("method", "password"),
                ("password", "the threshing floor"),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert_eq!(page.location.as_deref(), Some("/account"));
    let fresh = victim.session().unwrap().to_owned();
    assert_ne!(fresh, planted);
    // The planted token no longer signs anyone in.
    let mut stale = Agent::new(&state);
    stale.cookies.insert("abide_session".into(), planted);
    let page = stale.get("/account").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location.as_deref(), Some("/sign-in?next=%2Faccount"));
    let page = victim.get("/account").await;
    assert!(page.html.contains("Boaz"));
    // A `next` pointing elsewhere is ignored.
    let page = victim.get("/sign-in?next=//evil.example/").await;
    assert_eq!(page.location.as_deref(), Some("/today"));
}
store_test!(passwords_sign_in_and_a_planted_session_is_replaced);

async fn signing_out_everywhere_ends_every_session(db: TestDb) {
    let (state, _) = site(&db.store);
    let mailbox = Mailbox::from_env();
    let email = address("orpah");
    let mut phone = sign_up(&state, &email, "Orpah").await;
    let mut laptop = Agent::new(&state);
    laptop.get("/sign-in").await;
    laptop.post("/sign-in", &[("email", &email)]).await;
    let mail = mailbox.wait_for(&email, 2, Duration::from_secs(10)).await;
    let link = link_in(&mail[1].text(), "/link/sign-in");
    let token = token_of(&link);
    laptop.post("/link/sign-in", &[("token", &token)]).await;
    let page = laptop.get("/account").await;
    assert!(
        page.html.contains("signed in on 2 devices"),
        "{}",
        page.html
    );
    let page = phone.post("/sign-out-everywhere", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(phone.session().is_none());
    assert_eq!(laptop.get("/account").await.status, StatusCode::SEE_OTHER);
}
store_test!(signing_out_everywhere_ends_every_session);

const FIREFOX_ANDROID: &str =
    "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0";
const CHROME_LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/// The handle the account page gives `agent`'s session.
async fn handle_of(state: &AppState, agent: &Agent) -> String {
    state
        .store()
        .session(&abide_store::RawToken::from_client(
            agent.session().unwrap(),
        ))
        .await
        .unwrap()
        .unwrap()
        .handle
}

async fn a_member_sees_their_devices_and_signs_one_out(db: TestDb) {
    let (state, clock) = site(&db.store);
    let mailbox = Mailbox::from_env();
    let email = address("hannah");
    let mut phone = Agent::new(&state);
    phone.headers.push(("user-agent", FIREFOX_ANDROID.into()));
    let mut phone = sign_up_with(phone, &email, "Hannah").await;
    clock.advance(SignedDuration::from_hours(2)).unwrap();
    let mut laptop = Agent::new(&state);
    laptop.headers.push(("user-agent", CHROME_LINUX.into()));
    laptop.get("/sign-in").await;
    laptop.post("/sign-in", &[("email", &email)]).await;
    let mail = mailbox.wait_for(&email, 2, Duration::from_secs(10)).await;
    let token = token_of(&link_in(&mail[1].text(), "/link/sign-in"));
    laptop.post("/link/sign-in", &[("token", &token)]).await;
    assert!(laptop.session().is_some());
    // A session stored before descriptions came from a fixed vocabulary.
    let hannah = db
        .store
        .user_by_email(&Email::parse(&email).unwrap())
        .await
        .unwrap()
        .unwrap();
    state
        .store()
        .create_session(
            hannah.id,
            Duration::from_secs(3600),
            Some("<img src=x onerror=alert(1)>"),
        )
        .await
        .unwrap();
    let mut mallory = sign_up(&state, &address("mallory"), "Mallory").await;

    let page = phone.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.html;
    assert!(html.contains("signed in on 3 devices"), "{html}");
    assert!(
        html.contains(
            "<strong>Firefox on Android</strong> <span class=\"badge\">This device</span>"
        ),
        "{html}"
    );
    assert!(html.contains("<strong>Chrome on Linux</strong>"), "{html}");
    assert_eq!(html.matches("This device").count(), 1, "{html}");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(!html.contains("<img src=x"), "{html}");
    // Hannah signed up in London, on the simulated clock.
    assert!(
        html.contains(
            "last seen <time datetime=\"2027-03-01T11:00:00Z\">Mar 1, 2027, 11:00</time>"
        ),
        "{html}"
    );
    // A form to sign out each other device, none for this one.
    let laptops = handle_of(&state, &laptop).await;
    let phones = handle_of(&state, &phone).await;
    assert!(
        html.contains(&format!("name=\"session\" value=\"{laptops}\"")),
        "{html}"
    );
    assert!(!html.contains(&format!("value=\"{phones}\"")), "{html}");
    assert_eq!(html.matches("action=\"/account/sessions/end\"").count(), 2);

    // Mallory cannot sign Hannah's laptop out: not found, nothing changes.
    mallory.get("/account").await;
    let page = mallory
        .post("/account/sessions/end", &[("session", &laptops)])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(laptop.get("/account").await.status, StatusCode::OK);
    assert_eq!(mallory.get("/account").await.status, StatusCode::OK);
    // Nor do this device's handle, or garbage.
    for handle in [phones.as_str(), "", &"0".repeat(10_000)] {
        let page = phone
            .post("/account/sessions/end", &[("session", handle)])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }
    assert!(
        phone
            .get("/account")
            .await
            .html
            .contains("signed in on 3 devices")
    );

    // Hannah signs her laptop out from her phone.
    let page = phone
        .post("/account/sessions/end", &[("session", &laptops)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert_eq!(page.location.as_deref(), Some("/account?changed=session"));
    let page = laptop.get("/account").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = phone.get("/account?changed=session").await;
    assert!(page.html.contains("That device is signed out."));
    assert!(
        page.html.contains("signed in on 2 devices"),
        "{}",
        page.html
    );
    assert!(!page.html.contains("Chrome on Linux"));
    // Twice is not found.
    let page = phone
        .post("/account/sessions/end", &[("session", &laptops)])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
store_test!(a_member_sees_their_devices_and_signs_one_out);

async fn forms_need_the_sites_origin_and_token(db: TestDb) {
    let (state, _) = site(&db.store);
    let mut member = sign_up(&state, &address("eli"), "Eli").await;
    let routes = [
        "/sign-in",
        "/sign-up",
        "/reset",
        "/link/sign-in",
        "/sign-out",
        "/sign-out-everywhere",
        "/account/sessions/end",
        "/account/profile",
        "/account/password",
        "/account/email",
        "/account/verify",
    ];
    for route in routes {
        // No token.
        let body = crate::agent::form(&[("email", "eli@example.org")]).into_bytes();
        let page = member
            .post_raw(route, body, Some(crate::agent::ORIGIN))
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{route}");
        // Another token.
        let body = crate::agent::form(&[("csrf", "A".repeat(43).as_str())]).into_bytes();
        let page = member
            .post_raw(route, body, Some(crate::agent::ORIGIN))
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{route}");
        // The right token, from another site.
        let csrf = member.csrf();
        let body = crate::agent::form(&[("csrf", csrf.as_str())]).into_bytes();
        let page = member
            .post_raw(route, body, Some("http://evil.example"))
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{route}");
    }
    // Still signed in: nothing was done.
    assert_eq!(member.get("/account").await.status, StatusCode::OK);
}
store_test!(forms_need_the_sites_origin_and_token);

async fn hostile_input_is_refused_and_nothing_broken_is_stored(db: TestDb) {
    let (state, _) = site(&db.store);
    let mut member = sign_up(&state, &address("hostile"), "Hostile").await;
    let before = member.get("/account").await.html;
    // Invalid UTF-8 in a form.
    let csrf = member.csrf();
    let mut body = format!("csrf={csrf}&name=").into_bytes();
    body.extend_from_slice(b"%FF%FE&time_zone=UTC");
    let page = member
        .post_raw("/account/profile", body, Some(crate::agent::ORIGIN))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.html.contains("not valid text"), "{}", page.html);
    // A time zone that does not exist.
    let page = member
        .post(
            "/account/profile",
            &[("name", "Someone"), ("time_zone", "Mars/Olympus_Mons")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("not a time zone we know"));
    // A control character in a name.
    let page = member
        .post(
            "/account/profile",
            &[("name", "A\u{7}B"), ("time_zone", "UTC")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A huge body.
    let huge = "x".repeat(300 * 1024);
    let page = member
        .post("/account/profile", &[("name", &huge), ("time_zone", "UTC")])
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A script in the name is kept as text and shown escaped.
    let page = member
        .post(
            "/account/profile",
            &[
                ("name", "<script>alert(1)</script>"),
                ("time_zone", "America/Chicago"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let after = member.get("/account").await.html;
    assert!(after.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!after.contains("<script>alert(1)"));
    assert_ne!(before, after);
    // A bad email on sign-up.
    let mut guest = Agent::new(&state);
    guest.get("/sign-up").await;
    let page = guest.post("/sign-up", &[("email", "not an address")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("Please enter an email address"));
}
store_test!(hostile_input_is_refused_and_nothing_broken_is_stored);

async fn asking_for_links_too_often_is_refused_with_retry_after(db: TestDb) {
    let (state, clock) = site(&db.store);
    let email = address("limit");
    let mut guest = Agent::new(&state);
    guest.get("/sign-in").await;
    // Five links an hour per address, known or not.
    for _ in 0..5 {
        let page = guest.post("/sign-in", &[("email", &email)]).await;
        assert_eq!(page.status, StatusCode::OK);
    }
    let page = guest.post("/sign-in", &[("email", &email)]).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = page.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    assert!(page.html.contains("Too many attempts"));
    // Password guesses: ten per address in 15 minutes.
    let target = address("target");
    for _ in 0..10 {
        let page = guest
            .post(
                "/sign-in",
                &[
                    ("email", &target),
                    ("method", "password"),
                    ("password", "guess"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let page = guest
        .post(
            "/sign-in",
            &[
                ("email", &target),
                ("method", "password"),
                ("password", "guess"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    // The window passes.
    clock.advance(SignedDuration::from_hours(1)).unwrap();
    let page = guest.post("/sign-in", &[("email", &email)]).await;
    assert_eq!(page.status, StatusCode::OK);
}
store_test!(asking_for_links_too_often_is_refused_with_retry_after);

async fn a_disabled_member_cannot_sign_in(db: TestDb) {
    let (state, _) = site(&db.store);
    let email = Email::parse(&address("disabled")).unwrap();
    let mut new = NewUser::new(email.clone(), Role::Member);
    new.password_hash = Some(abide_store::hash_password("a long password").unwrap());
    let user = db.store.create_user(&new).await.unwrap();
    db.store.set_disabled(user.id, true).await.unwrap();
    let mut guest = Agent::new(&state);
    guest.get("/sign-in").await;
    let page = guest
        .post(
            "/sign-in",
            &[
                ("email", email.as_str()),
                ("method", "password"),
                ("password", "a long password"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(guest.session().is_none());
}
store_test!(a_disabled_member_cannot_sign_in);

async fn a_new_address_is_confirmed_at_the_new_address(db: TestDb) {
    let (state, _) = site(&db.store);
    let mailbox = Mailbox::from_env();
    let old = address("old");
    let new = address("new");
    let mut member = sign_up(&state, &old, "Moving").await;
    let page = member.post("/account/email", &[("email", &new)]).await;
    assert_eq!(
        page.location.as_deref(),
        Some("/account?changed=email-sent")
    );
    // Nothing changes until the link is followed.
    let page = member.get("/account").await;
    assert!(page.html.contains(&old), "{}", page.html);
    let mail = mailbox.wait_for(&new, 1, Duration::from_secs(10)).await;
    let link = link_in(&mail[0].text(), "/link/new-address");
    let token = token_of(&link);
    // Anyone holding the link may use it (it proves the new address), once.
    let mut other = Agent::new(&state);
    other.get(&link).await;
    let page = other.post("/link/new-address", &[("token", &token)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let page = member.get("/account").await;
    assert!(
        page.html.contains(&new) && !page.html.contains(&old),
        "{}",
        page.html
    );
    assert!(
        db.store
            .user_by_email(&Email::parse(&old).unwrap())
            .await
            .unwrap()
            .is_none()
    );
    // Asking to move to an address that has an account changes nothing and
    // answers the same; that address is told.
    let taken = address("taken");
    sign_up(&state, &taken, "Taken").await;
    let page = member.post("/account/email", &[("email", &taken)]).await;
    assert_eq!(
        page.location.as_deref(),
        Some("/account?changed=email-sent")
    );
    let mail = mailbox.wait_for(&taken, 2, Duration::from_secs(10)).await;
    assert!(
        mail[1].text().contains("nothing was changed"),
        "{}",
        mail[1].text()
    );
    let page = member.get("/account").await;
    assert!(page.html.contains(&new));
    // Confirming the address itself.
    let page = member.post("/account/verify", &[]).await;
    assert_eq!(
        page.location.as_deref(),
        Some("/account?changed=verify-sent")
    );
    let mail = mailbox.wait_for(&new, 2, Duration::from_secs(10)).await;
    let link = link_in(&mail[1].text(), "/link/verify");
    let token = token_of(&link);
    let page = member.post("/link/verify", &[("token", &token)]).await;
    assert_eq!(page.location.as_deref(), Some("/account?changed=verified"));
}
store_test!(a_new_address_is_confirmed_at_the_new_address);
