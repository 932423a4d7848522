//! `abide user` on both engines: the process runs against the test's database.

use std::process::Output;
use std::time::Duration;

use abide_store::{Email, Role};
use abide_testkit::{TestDb, store_test};

use crate::util::{assert_one_clear_line, run};

/// Runs `abide user ARGS` on the test's database.
fn user(db: &TestDb, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["user"];
    all.extend_from_slice(args);
    run(dir.path(), &all, &[("ABIDE_DATABASE_URL", &db.url)])
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn the_first_owner_is_added_and_listed(db: TestDb) {
    let added = stdout(&user(
        &db,
        &[
            "add",
            "Ruth@Example.org",
            "--role",
            "owner",
            "--name",
            "Ruth Miller",
        ],
    ));
    assert_eq!(added, "added owner ruth@example.org (Ruth Miller)\n");
    stdout(&user(&db, &["add", "abel@example.org"]));

    let listed = stdout(&user(&db, &["list"]));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    assert!(
        lines[0].starts_with("EMAIL") && lines[0].ends_with("NAME"),
        "{listed}"
    );
    let columns = |line: &str| {
        line.split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        columns(lines[1]),
        ["abel@example.org", "member", "unverified", "abel"]
    );
    assert_eq!(
        columns(lines[2]),
        ["ruth@example.org", "owner", "unverified", "Ruth", "Miller"]
    );

    let ruth = db
        .store
        .user_by_email(&Email::parse("ruth@example.org").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((ruth.role, ruth.time_zone.as_str()), (Role::Owner, "UTC"));
}
store_test!(the_first_owner_is_added_and_listed);

async fn bad_input_is_one_line_and_writes_nothing(db: TestDb) {
    stdout(&user(&db, &["add", "ruth@example.org", "--role", "owner"]));

    assert_one_clear_line(
        &user(&db, &["add", "RUTH@example.org "]),
        "a user with email ruth@example.org already exists",
    );
    assert_one_clear_line(
        &user(&db, &["add", "abel@example.org", "--role", "admin"]),
        "unknown role \"admin\": expected member, moderator, editor or owner",
    );
    assert_one_clear_line(
        &user(&db, &["add", "abel.example.org"]),
        "invalid email \"abel.example.org\": it needs exactly one @",
    );
    assert_one_clear_line(
        &user(
            &db,
            &["add", "abel@example.org", "--name", "Abel\u{1b}[31m"],
        ),
        "invalid display name",
    );
    assert_one_clear_line(
        &user(&db, &["role", "abel@example.org", "editor"]),
        "no user abel@example.org",
    );
    assert_one_clear_line(
        &user(&db, &["role", "ruth@example.org", "pope"]),
        "unknown role \"pope\"",
    );
    assert_one_clear_line(
        &user(&db, &["disable", "nobody@example.org"]),
        "no user nobody@example.org",
    );
    assert_one_clear_line(&user(&db, &["enable", "not an address"]), "invalid email");

    let users = db.store.users().await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].role, Role::Owner);
}
store_test!(bad_input_is_one_line_and_writes_nothing);

async fn roles_change_and_disabling_signs_out(db: TestDb) {
    stdout(&user(&db, &["add", "abel@example.org"]));
    assert_eq!(
        stdout(&user(&db, &["role", "ABEL@example.org", "Moderator"])),
        "abel@example.org is now moderator\n"
    );
    let abel = db
        .store
        .user_by_email(&Email::parse("abel@example.org").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(abel.role, Role::Moderator);

    let session = db
        .store
        .create_session(abel.id, Duration::from_secs(3600), None)
        .await
        .unwrap()
        .token;
    stdout(&user(&db, &["disable", "abel@example.org"]));
    assert!(db.store.session(&session).await.unwrap().is_none());
    let listed = stdout(&user(&db, &["list"]));
    assert!(
        listed.lines().nth(1).unwrap().contains(" disabled "),
        "{listed}"
    );

    stdout(&user(&db, &["enable", "abel@example.org"]));
    assert!(!db.store.user(abel.id).await.unwrap().unwrap().disabled);
}
store_test!(roles_change_and_disabling_signs_out);
