use std::time::Duration;

use abide_store::{
    AccountError, Email, NewUser, RateLimit, RawToken, Role, Store, StoreError, TokenPurpose, User,
};
use abide_testkit::{TestDb, store_test};
use jiff::SignedDuration;

use crate::util::on_a_simulated_clock;

const HOUR: Duration = Duration::from_secs(3600);

fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

async fn add(store: &Store, address: &str, role: Role) -> User {
    store
        .create_user(&NewUser::new(email(address), role))
        .await
        .unwrap()
}

fn account_error(result: Result<impl std::fmt::Debug, StoreError>) -> AccountError {
    match result {
        Err(StoreError::Account(e)) => e,
        other => panic!("expected an account error, got {other:?}"),
    }
}

/// A link of `purpose` for `user`, sent to their own address.
async fn link(store: &Store, purpose: TokenPurpose, user: &User, ttl: Duration) -> RawToken {
    store
        .issue_login_token(purpose, Some(user.id), &email(&user.email), ttl)
        .await
        .unwrap()
}

async fn count(store: &Store, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn one_account_per_address_whatever_its_case(db: TestDb) {
    let store = &db.store;
    let ruth = store
        .create_user(&NewUser {
            display_name: "  Ruth Miller ".into(),
            time_zone: "America/Chicago".into(),
            translation: Some("web".into()),
            ..NewUser::new(email(" Ruth.Miller@Example.ORG"), Role::Owner)
        })
        .await
        .unwrap();
    assert_eq!(ruth.email, "ruth.miller@example.org");
    assert_eq!(ruth.display_name, "Ruth Miller");
    assert_eq!(ruth.time_zone, "America/Chicago");
    assert_eq!(ruth.translation.as_deref(), Some("web"));
    assert_eq!(ruth.role, Role::Owner);
    assert!(!ruth.disabled && !ruth.has_password);
    assert_eq!(ruth.email_verified_at, None);

    let found = store
        .user_by_email(&email("RUTH.MILLER@example.org"))
        .await
        .unwrap();
    assert_eq!(found.as_ref(), Some(&ruth));
    assert_eq!(store.user(ruth.id).await.unwrap(), Some(ruth.clone()));

    let again = store
        .create_user(&NewUser::new(
            email("ruth.miller@EXAMPLE.org"),
            Role::Member,
        ))
        .await;
    assert!(
        matches!(account_error(again), AccountError::EmailTaken(e) if e == "ruth.miller@example.org")
    );
    assert_eq!(count(store, "users").await, 1);

    // Named after the address when no name is given; listed by address.
    let abel = add(store, "abel@example.org", Role::Member).await;
    assert_eq!(abel.display_name, "abel");
    let listed: Vec<String> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    assert_eq!(listed, ["abel@example.org", "ruth.miller@example.org"]);
    assert_eq!(
        store
            .user_by_email(&email("cain@example.org"))
            .await
            .unwrap(),
        None
    );
}
store_test!(one_account_per_address_whatever_its_case);

async fn bad_profiles_write_nothing(db: TestDb) {
    let store = &db.store;
    let bad_zone = NewUser {
        time_zone: "Mars/Olympus".into(),
        ..NewUser::new(email("ruth@example.org"), Role::Member)
    };
    let err = account_error(store.create_user(&bad_zone).await);
    assert!(matches!(err, AccountError::UnknownTimeZone(_)), "{err}");
    let bad_name = NewUser {
        display_name: "Ruth\u{7}".into(),
        ..NewUser::new(email("ruth@example.org"), Role::Member)
    };
    let err = account_error(store.create_user(&bad_name).await);
    assert!(matches!(err, AccountError::BadDisplayName(_)), "{err}");
    assert_eq!(count(store, "users").await, 0);
}
store_test!(bad_profiles_write_nothing);

async fn roles_are_stored_as_text_and_read_back(db: TestDb) {
    let store = &db.store;
    let ruth = add(store, "ruth@example.org", Role::Member).await;
    for role in Role::ALL {
        store.set_role(ruth.id, role).await.unwrap();
        assert_eq!(store.user(ruth.id).await.unwrap().unwrap().role, role);
        let stored: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
            .bind(ruth.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(stored, role.as_str());
    }
    let err = account_error(store.set_role(ruth.id + 100, Role::Owner).await);
    assert!(matches!(err, AccountError::UnknownUser(_)), "{err}");

    // A role this Abide does not know is an error, never a guess.
    sqlx::query("UPDATE users SET role = 'pope' WHERE id = $1")
        .bind(ruth.id)
        .execute(store.pool())
        .await
        .unwrap();
    let err = store.user(ruth.id).await.unwrap_err().to_string();
    assert_eq!(err, "unreadable value \"pope\" in users.role");
}
store_test!(roles_are_stored_as_text_and_read_back);

async fn sessions_keep_only_a_hash_of_their_token(db: TestDb) {
    let store = &db.store;
    let ruth = add(store, "ruth@example.org", Role::Member).await;
    let new = store
        .create_session(ruth.id, HOUR, Some("Firefox on Android"))
        .await
        .unwrap();
    let token = new.token.expose();
    assert_eq!(token.len(), 43);
    let (stored, user_agent): (String, Option<String>) =
        sqlx::query_as("SELECT token_hash, user_agent FROM sessions")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(stored.len(), 64, "SHA-256 in hex");
    assert!(!stored.contains(token) && stored != token);
    assert_eq!(user_agent.as_deref(), Some("Firefox on Android"));

    let session = store
        .session(&RawToken::from_client(token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.user, ruth);
    assert_eq!(session.expires_at, new.expires_at);
    // The hash itself does not open the session, nor does nonsense.
    for wrong in [stored.as_str(), "", "x", &"y".repeat(10_000)] {
        assert!(
            store
                .session(&RawToken::from_client(wrong))
                .await
                .unwrap()
                .is_none()
        );
    }
    // Unknown and disabled accounts get no session.
    let err = account_error(store.create_session(ruth.id + 100, HOUR, None).await);
    assert!(matches!(err, AccountError::UnknownUser(_)), "{err}");
}
store_test!(sessions_keep_only_a_hash_of_their_token);

async fn sessions_expire_on_the_clock(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let ruth = add(&store, "ruth@example.org", Role::Member).await;
    let token = store
        .create_session(ruth.id, HOUR, None)
        .await
        .unwrap()
        .token;
    clock.advance(SignedDuration::from_mins(59)).unwrap();
    assert!(store.session(&token).await.unwrap().is_some());
    clock.advance(SignedDuration::from_mins(1)).unwrap();
    assert!(store.session(&token).await.unwrap().is_none());
    assert_eq!(store.live_sessions(ruth.id).await.unwrap(), 0);
    assert!(store.rotate_session(&token, HOUR).await.unwrap().is_none());
}
store_test!(sessions_expire_on_the_clock);

async fn last_seen(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT last_seen_at FROM sessions")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn last_seen_is_written_at_most_once_a_minute(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let ruth = add(&store, "ruth@example.org", Role::Member).await;
    let start = store.now_ms();
    let token = store
        .create_session(ruth.id, HOUR, None)
        .await
        .unwrap()
        .token;
    clock.advance(SignedDuration::from_secs(59)).unwrap();
    assert_eq!(
        store.session(&token).await.unwrap().unwrap().last_seen_at,
        start
    );
    assert_eq!(last_seen(&store).await, start);
    clock.advance(SignedDuration::from_secs(1)).unwrap();
    let seen = store.session(&token).await.unwrap().unwrap().last_seen_at;
    assert_eq!(seen, start + 60_000);
    assert_eq!(last_seen(&store).await, start + 60_000);
    clock.advance(SignedDuration::from_secs(30)).unwrap();
    store.session(&token).await.unwrap().unwrap();
    assert_eq!(last_seen(&store).await, start + 60_000);
}
store_test!(last_seen_is_written_at_most_once_a_minute);

async fn signing_out_here_and_everywhere(db: TestDb) {
    let store = &db.store;
    let ruth = add(store, "ruth@example.org", Role::Member).await;
    let abel = add(store, "abel@example.org", Role::Member).await;
    let phone = store
        .create_session(ruth.id, HOUR, None)
        .await
        .unwrap()
        .token;
    let laptop = store
        .create_session(ruth.id, HOUR, None)
        .await
        .unwrap()
        .token;
    let tablet = store
        .create_session(ruth.id, HOUR, None)
        .await
        .unwrap()
        .token;
    let abels = store
        .create_session(abel.id, HOUR, None)
        .await
        .unwrap()
        .token;
    assert_eq!(store.live_sessions(ruth.id).await.unwrap(), 3);

    assert!(store.delete_session(&phone).await.unwrap());
    assert!(!store.delete_session(&phone).await.unwrap());
    assert!(store.session(&phone).await.unwrap().is_none());
    assert!(store.session(&laptop).await.unwrap().is_some());

    assert_eq!(store.delete_user_sessions(ruth.id).await.unwrap(), 2);
    for token in [&laptop, &tablet] {
        assert!(store.session(token).await.unwrap().is_none());
    }
    assert_eq!(
        store.session(&abels).await.unwrap().unwrap().user.id,
        abel.id
    );
}
store_test!(signing_out_here_and_everywhere);

async fn rotation_replaces_the_token(db: TestDb) {
    let store = &db.store;
    let ruth = add(store, "ruth@example.org", Role::Member).await;
    let old = store
        .create_session(ruth.id, HOUR, Some("Safari on iPhone"))
        .await
        .unwrap()
        .token;
    let new = store
        .rotate_session(&old, HOUR)
        .await
        .unwrap()
        .unwrap()
        .token;
    assert_ne!(old, new);
    assert!(store.session(&old).await.unwrap().is_none());
    let session = store.session(&new).await.unwrap().unwrap();
    assert_eq!(session.user.id, ruth.id);
    assert_eq!(session.user_agent.as_deref(), Some("Safari on iPhone"));
    assert!(store.rotate_session(&old, HOUR).await.unwrap().is_none());
    assert_eq!(store.live_sessions(ruth.id).await.unwrap(), 1);
}
store_test!(rotation_replaces_the_token);

async fn disabling_signs_out_and_voids_links(db: TestDb) {
    let store = &db.store;
    let ruth = add(store, "ruth@example.org", Role::Member).await;
    let session = store
        .create_session(ruth.id, HOUR, None)
        .await
        .unwrap()
        .token;
    let link = link(store, TokenPurpose::SignIn, &ruth, HOUR).await;

    store.set_disabled(ruth.id, true).await.unwrap();
    assert!(store.user(ruth.id).await.unwrap().unwrap().disabled);
    assert!(store.session(&session).await.unwrap().is_none());
    assert_eq!(count(store, "sessions").await, 0);
    let err = account_error(store.consume_login_token(&link, TokenPurpose::SignIn).await);
    assert!(matches!(err, AccountError::TokenUnknown), "{err}");
    let err = account_error(store.create_session(ruth.id, HOUR, None).await);
    assert!(matches!(err, AccountError::Disabled(_)), "{err}");
    let err = account_error(
        store
            .issue_login_token(
                TokenPurpose::SignIn,
                Some(ruth.id),
                &email("ruth@example.org"),
                HOUR,
            )
            .await,
    );
    assert!(matches!(err, AccountError::Disabled(_)), "{err}");

    // Enabled again: new sessions work; the old ones stay ended.
    store.set_disabled(ruth.id, false).await.unwrap();
    assert!(store.session(&session).await.unwrap().is_none());
    let again = store
        .create_session(ruth.id, HOUR, None)
        .await
        .unwrap()
        .token;
    assert!(store.session(&again).await.unwrap().is_some());
    let err = account_error(store.set_disabled(ruth.id + 100, true).await);
    assert!(matches!(err, AccountError::UnknownUser(_)), "{err}");
}
store_test!(disabling_signs_out_and_voids_links);

async fn a_link_works_once(db: TestDb) {
    let store = &db.store;
    let ruth = add(store, "ruth@example.org", Role::Member).await;
    let link = link(
        store,
        TokenPurpose::SignIn,
        &ruth,
        TokenPurpose::SignIn.default_ttl(),
    )
    .await;
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM login_tokens")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(stored.len(), 64);
    assert_ne!(stored, link.expose());

    let used = store
        .consume_login_token(&link, TokenPurpose::SignIn)
        .await
        .unwrap();
    assert_eq!(used.user_id, Some(ruth.id));
    assert_eq!(used.email, "ruth@example.org");
    // Using the link proved the address.
    let verified = store
        .user(ruth.id)
        .await
        .unwrap()
        .unwrap()
        .email_verified_at;
    assert!(verified.is_some());

    let err = account_error(store.consume_login_token(&link, TokenPurpose::SignIn).await);
    assert!(matches!(err, AccountError::TokenUsed), "{err}");
    let err = account_error(
        store
            .consume_login_token(&RawToken::from_client("made-up"), TokenPurpose::SignIn)
            .await,
    );
    assert!(matches!(err, AccountError::TokenUnknown), "{err}");
}
store_test!(a_link_works_once);

async fn a_link_expires(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let ruth = add(&store, "ruth@example.org", Role::Member).await;
    let ttl = TokenPurpose::SignIn.default_ttl();
    assert_eq!(ttl, Duration::from_secs(15 * 60));
    let address = email("ruth@example.org");
    let early = store
        .issue_login_token(TokenPurpose::SignIn, Some(ruth.id), &address, ttl)
        .await
        .unwrap();
    let late = store
        .issue_login_token(TokenPurpose::SignIn, Some(ruth.id), &address, ttl)
        .await
        .unwrap();
    clock.advance(SignedDuration::from_mins(14)).unwrap();
    store
        .consume_login_token(&early, TokenPurpose::SignIn)
        .await
        .unwrap();
    clock.advance(SignedDuration::from_mins(1)).unwrap();
    let err = account_error(store.consume_login_token(&late, TokenPurpose::SignIn).await);
    assert!(matches!(err, AccountError::TokenExpired), "{err}");
    // The used one still says "used", not "expired".
    let err = account_error(
        store
            .consume_login_token(&early, TokenPurpose::SignIn)
            .await,
    );
    assert!(matches!(err, AccountError::TokenUsed), "{err}");
}
store_test!(a_link_expires);

async fn a_link_for_something_else_is_not_spent(db: TestDb) {
    let store = &db.store;
    let ruth = add(store, "ruth@example.org", Role::Member).await;
    let link = link(store, TokenPurpose::VerifyEmail, &ruth, HOUR).await;
    let err = account_error(store.consume_login_token(&link, TokenPurpose::SignIn).await);
    assert!(matches!(err, AccountError::TokenUnknown), "{err}");
    let used = store
        .consume_login_token(&link, TokenPurpose::VerifyEmail)
        .await
        .unwrap();
    assert_eq!(used.purpose, TokenPurpose::VerifyEmail);

    // A link for an address that is not the account's is refused at issue.
    let err = account_error(
        store
            .issue_login_token(
                TokenPurpose::SignIn,
                Some(ruth.id),
                &email("abel@example.org"),
                HOUR,
            )
            .await,
    );
    assert!(matches!(err, AccountError::UnknownUser(_)), "{err}");
}
store_test!(a_link_for_something_else_is_not_spent);

async fn of_concurrent_uses_of_a_link_one_wins(db: TestDb) {
    let store = &db.store;
    let other = db.another_store().await;
    let ruth = add(store, "ruth@example.org", Role::Member).await;
    let link = link(store, TokenPurpose::SignIn, &ruth, HOUR).await;
    let tries = (0..8).map(|i| {
        let store = if i % 2 == 0 {
            store.clone()
        } else {
            other.clone()
        };
        let link = link.clone();
        tokio::spawn(async move { store.consume_login_token(&link, TokenPurpose::SignIn).await })
    });
    let mut wins = 0;
    for attempt in futures_join(tries).await {
        match attempt {
            Ok(_) => wins += 1,
            Err(StoreError::Account(AccountError::TokenUsed)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(wins, 1);
}
store_test!(of_concurrent_uses_of_a_link_one_wins);

/// Awaits spawned tasks, in order.
async fn futures_join<T: Send + 'static>(
    tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let tasks: Vec<_> = tasks.collect();
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

async fn a_change_of_address_is_confirmed_at_the_new_one(db: TestDb) {
    let store = &db.store;
    let ruth = add(store, "ruth@example.org", Role::Member).await;
    let new_address = email("ruth.m@example.net");
    let link = store
        .issue_login_token(TokenPurpose::ChangeEmail, Some(ruth.id), &new_address, HOUR)
        .await
        .unwrap();
    let taken = store
        .issue_login_token(
            TokenPurpose::ChangeEmail,
            Some(ruth.id),
            &email("abel@example.org"),
            HOUR,
        )
        .await
        .unwrap();
    store
        .consume_login_token(&link, TokenPurpose::ChangeEmail)
        .await
        .unwrap();
    let moved = store.user(ruth.id).await.unwrap().unwrap();
    assert_eq!(moved.email, "ruth.m@example.net");
    assert!(moved.email_verified_at.is_some());

    // The address was taken after the link went out: refused, nothing changed,
    // and the link not spent.
    add(store, "abel@example.org", Role::Member).await;
    let err = account_error(
        store
            .consume_login_token(&taken, TokenPurpose::ChangeEmail)
            .await,
    );
    assert!(matches!(err, AccountError::EmailTaken(_)), "{err}");
    assert_eq!(
        store.user(ruth.id).await.unwrap().unwrap().email,
        "ruth.m@example.net"
    );
    let used: Option<i64> =
        sqlx::query_scalar("SELECT used_at FROM login_tokens WHERE email = 'abel@example.org'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(used, None);
}
store_test!(a_change_of_address_is_confirmed_at_the_new_one);

async fn a_sign_up_link_carries_only_the_address(db: TestDb) {
    let store = &db.store;
    let address = email("new.reader@example.org");
    let link = store
        .issue_login_token(
            TokenPurpose::SignUp,
            None,
            &address,
            TokenPurpose::SignUp.default_ttl(),
        )
        .await
        .unwrap();
    let used = store
        .consume_login_token(&link, TokenPurpose::SignUp)
        .await
        .unwrap();
    assert_eq!(
        (used.user_id, used.email.as_str()),
        (None, "new.reader@example.org")
    );
    assert_eq!(count(store, "users").await, 0);

    let ruth = add(store, "ruth@example.org", Role::Member).await;
    let err = account_error(
        store
            .issue_login_token(TokenPurpose::SignUp, Some(ruth.id), &address, HOUR)
            .await,
    );
    assert!(matches!(err, AccountError::UnknownUser(_)), "{err}");
    let err = account_error(
        store
            .issue_login_token(TokenPurpose::SignIn, None, &address, HOUR)
            .await,
    );
    assert!(matches!(err, AccountError::UnknownUser(_)), "{err}");
}
store_test!(a_sign_up_link_carries_only_the_address);

async fn passwords_are_stored_as_argon2id(db: TestDb) {
    let store = &db.store;
    let ruth = add(store, "ruth@example.org", Role::Member).await;
    assert_eq!(store.password_hash(ruth.id).await.unwrap(), None);
    let hash = abide_store::hash_password("still small voice").unwrap();
    store.set_password_hash(ruth.id, Some(&hash)).await.unwrap();
    assert!(store.user(ruth.id).await.unwrap().unwrap().has_password);
    let stored = store.password_hash(ruth.id).await.unwrap().unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(abide_store::verify_password("still small voice", &stored).unwrap());
    assert!(!abide_store::verify_password("still small voices", &stored).unwrap());
    store.set_password_hash(ruth.id, None).await.unwrap();
    assert!(!store.user(ruth.id).await.unwrap().unwrap().has_password);
}
store_test!(passwords_are_stored_as_argon2id);

async fn rate_limits_count_per_key_and_window(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let minute = Duration::from_secs(60);
    let key = "sign-in:ip:203.0.113.9";
    for remaining in [2, 1, 0] {
        assert_eq!(
            store.hit_rate_limit(key, 3, minute).await.unwrap(),
            RateLimit::Allowed { remaining }
        );
    }
    clock.advance(SignedDuration::from_secs(20)).unwrap();
    assert_eq!(
        store.hit_rate_limit(key, 3, minute).await.unwrap(),
        RateLimit::Limited {
            retry_after: Duration::from_secs(40)
        }
    );
    // Another key has its own count.
    assert_eq!(
        store
            .hit_rate_limit("sign-in:ip:198.51.100.1", 3, minute)
            .await
            .unwrap(),
        RateLimit::Allowed { remaining: 2 }
    );
    // A new window starts once the old one closed.
    clock.advance(SignedDuration::from_secs(40)).unwrap();
    assert_eq!(
        store.hit_rate_limit(key, 3, minute).await.unwrap(),
        RateLimit::Allowed { remaining: 2 }
    );
}
store_test!(rate_limits_count_per_key_and_window);

async fn concurrent_hits_are_all_counted(db: TestDb) {
    let (store, _clock) = on_a_simulated_clock(&db);
    let other = db.another_store().await.with_clock(store.clock().clone());
    let hits = (0..20).map(|i| {
        let store = if i % 2 == 0 {
            store.clone()
        } else {
            other.clone()
        };
        tokio::spawn(async move {
            store
                .hit_rate_limit("magic-link:email:ruth@example.org", 10, HOUR)
                .await
                .unwrap()
        })
    });
    let allowed = futures_join(hits)
        .await
        .into_iter()
        .filter(|hit| matches!(hit, RateLimit::Allowed { .. }))
        .count();
    assert_eq!(allowed, 10);
}
store_test!(concurrent_hits_are_all_counted);

async fn housekeeping_removes_only_what_expired(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let ruth = add(&store, "ruth@example.org", Role::Member).await;
    let address = email("ruth@example.org");
    store.create_session(ruth.id, HOUR, None).await.unwrap();
    let lasting = store
        .create_session(ruth.id, 3 * HOUR, None)
        .await
        .unwrap()
        .token;
    store
        .issue_login_token(TokenPurpose::SignIn, Some(ruth.id), &address, HOUR)
        .await
        .unwrap();
    store.hit_rate_limit("k", 5, HOUR).await.unwrap();
    clock.advance(SignedDuration::from_hours(2)).unwrap();
    store.hit_rate_limit("fresh", 5, HOUR).await.unwrap();
    assert_eq!(store.purge_expired_sign_ins(HOUR).await.unwrap(), 3);
    assert!(store.session(&lasting).await.unwrap().is_some());
    assert_eq!(count(&store, "rate_limits").await, 1);
    assert_eq!(count(&store, "login_tokens").await, 0);
}
store_test!(housekeeping_removes_only_what_expired);

async fn a_member_lists_and_ends_only_their_own_sessions(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let ruth = add(&store, "ruth@example.org", Role::Member).await;
    let abel = add(&store, "abel@example.org", Role::Member).await;
    let phone = store
        .create_session(ruth.id, HOUR, Some("Firefox on Android"))
        .await
        .unwrap()
        .token;
    clock.advance(SignedDuration::from_mins(5)).unwrap();
    let laptop = store
        .create_session(ruth.id, 2 * HOUR, Some("<b>Chrome</b> on Linux"))
        .await
        .unwrap()
        .token;
    let abels = store
        .create_session(abel.id, HOUR, None)
        .await
        .unwrap()
        .token;
    // The phone is used later than the laptop: it comes first.
    clock.advance(SignedDuration::from_mins(5)).unwrap();
    let on_laptop = store.session(&laptop).await.unwrap().unwrap();
    clock.advance(SignedDuration::from_mins(5)).unwrap();
    let on_phone = store.session(&phone).await.unwrap().unwrap();
    let listed = store.user_sessions(ruth.id).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].handle, on_phone.handle);
    assert_eq!(listed[0].user_agent.as_deref(), Some("Firefox on Android"));
    assert_eq!(listed[0].last_seen_at, on_phone.last_seen_at);
    assert_eq!(listed[0].created_at, on_phone.created_at);
    assert_eq!(listed[1].handle, on_laptop.handle);
    assert_eq!(listed[1].last_seen_at, on_laptop.last_seen_at);
    assert_eq!(
        listed[1].user_agent.as_deref(),
        Some("<b>Chrome</b> on Linux")
    );
    assert!(listed[1].created_at > listed[0].created_at);
    assert_ne!(listed[0].handle, listed[1].handle);
    // A handle is neither the token nor its stored hash.
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(store.pool())
        .await
        .unwrap();
    for summary in &listed {
        assert_eq!(summary.handle.len(), 32);
        assert!(
            stored
                .iter()
                .all(|h| !h.contains(&summary.handle) && !summary.handle.contains(h.as_str()))
        );
        assert!(!summary.handle.contains(phone.expose()));
    }

    // Abel cannot end Ruth's session with its handle, nor can anyone with garbage.
    assert!(!store.end_session(abel.id, &on_laptop.handle).await.unwrap());
    assert!(!store.end_session(ruth.id, "").await.unwrap());
    assert!(
        !store
            .end_session(ruth.id, &"f".repeat(10_000))
            .await
            .unwrap()
    );
    assert!(store.session(&laptop).await.unwrap().is_some());
    assert_eq!(count(&store, "sessions").await, 3);

    // Ruth ends her laptop's from her phone.
    assert!(store.end_session(ruth.id, &on_laptop.handle).await.unwrap());
    assert!(!store.end_session(ruth.id, &on_laptop.handle).await.unwrap());
    assert!(store.session(&laptop).await.unwrap().is_none());
    assert!(store.session(&phone).await.unwrap().is_some());
    assert!(store.session(&abels).await.unwrap().is_some());
    assert_eq!(store.user_sessions(abel.id).await.unwrap().len(), 1);

    // Expired sessions are not listed.
    clock.advance(SignedDuration::from_hours(1)).unwrap();
    assert!(store.user_sessions(ruth.id).await.unwrap().is_empty());
}
store_test!(a_member_lists_and_ends_only_their_own_sessions);

async fn the_list_of_sessions_is_bounded(db: TestDb) {
    let (store, clock) = on_a_simulated_clock(&db);
    let ruth = add(&store, "ruth@example.org", Role::Member).await;
    let mut last = None;
    for _ in 0..abide_store::MAX_LISTED_SESSIONS + 5 {
        clock.advance(SignedDuration::from_secs(1)).unwrap();
        last = Some(
            store
                .create_session(ruth.id, HOUR, None)
                .await
                .unwrap()
                .token,
        );
    }
    let listed = store.user_sessions(ruth.id).await.unwrap();
    assert_eq!(listed.len(), abide_store::MAX_LISTED_SESSIONS);
    let newest = store.session(&last.unwrap()).await.unwrap().unwrap();
    assert_eq!(listed[0].handle, newest.handle);
    assert_eq!(
        store.live_sessions(ruth.id).await.unwrap(),
        i64::try_from(abide_store::MAX_LISTED_SESSIONS + 5).unwrap()
    );
}
store_test!(the_list_of_sessions_is_bounded);
