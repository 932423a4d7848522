//! `abide bounces read` over a real Maildir and an mbox file: reports
//! applied once, read messages moved to cur/ flagged seen, unreadable ones
//! left and counted.

use std::path::Path;
use std::time::Duration;

use abide_store::{
    Email, Preferences, Store, StoreOptions, Subscribed, SubscriptionRequest,
    outbox_message_id_local,
};

use crate::util::run;

fn fixture(name: &str) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mail/tests/fixtures/dsn");
    std::fs::read(dir.join(name)).unwrap()
}

/// Subscribes `email` and marks its confirmation sent; returns the
/// confirmation's Message-ID.
async fn mailed(store: &Store, email: &str) -> String {
    let outcome = store
        .subscribe(SubscriptionRequest {
            email: Email::parse(email).unwrap(),
            preferences: Preferences::default(),
            journey: None,
            tags: Vec::new(),
            member: None,
        })
        .await
        .unwrap();
    assert_eq!(outcome, Subscribed::ConfirmationQueued);
    let claimed = store.claim_mail(10, Duration::from_secs(60)).await.unwrap();
    assert!(store.mail_sent(&claimed[0]).await.unwrap());
    format!(
        "<{}@localhost>",
        outbox_message_id_local(&claimed[0].idempotency_key)
    )
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn read(dir: &Path, env: &[(&str, &str)], path: &Path) -> (String, String) {
    let out = run(dir, &["bounces", "read", path.to_str().unwrap()], env);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (stdout, stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bounces_are_read_from_a_maildir_and_an_mbox() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_str = data.to_str().unwrap().to_owned();
    let env = [("ABIDE_DATA_DIR", data_str.as_str())];
    assert!(run(dir.path(), &["migrate"], &env).status.success());
    let url = format!("sqlite://{}", data.join("abide.db").display());
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    let message_id = mailed(&store, "gone@example.org").await;

    let maildir = dir.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let ours = String::from_utf8(fixture("postfix_hard.eml"))
        .unwrap()
        .replace("martha.gone@parish.example", "gone@example.org")
        .replace("Martha.Gone@parish.example", "gone@example.org")
        .replace(
            "<3f1c0c4ad1e05e2b9a7d5c81e4f2a6b0@abide.example>",
            &message_id,
        )
        .replace("4Q7XkP2cZbz9sWn@mx1", "ours@mx1");
    let new = maildir.join("new");
    let cur = maildir.join("cur");
    std::fs::write(new.join("1700000001.M1P1.mx"), ours).unwrap();
    std::fs::write(new.join("1700000002.M2P1.mx"), fixture("arf_complaint.eml")).unwrap();
    std::fs::write(new.join("1700000003.M3P1.mx"), fixture("autoreply.eml")).unwrap();
    std::fs::write(new.join("1700000004.M4P1.mx"), b"").unwrap();
    // Seen already: not read again. Not seen yet, in cur/: read.
    std::fs::write(
        cur.join("1600000000.M0P1.mx:2,S"),
        fixture("postfix_hard.eml"),
    )
    .unwrap();
    std::fs::write(
        cur.join("1600000005.M5P1.mx:2,"),
        fixture("google_hard.eml"),
    )
    .unwrap();

    let (stdout, stderr) = read(dir.path(), &env, &maildir);
    assert_eq!(
        stdout.trim(),
        "3 reports: 3 bounces applied (2 hard, 0 soft, 0 delayed, 1 complaints), \
         0 already applied, 3 addresses suppressed; 1 not reports; 1 unreadable"
    );
    assert!(stderr.contains("1700000004.M4P1.mx"), "{stderr}");
    assert_eq!(names(&new), ["1700000004.M4P1.mx"]);
    assert_eq!(
        names(&cur),
        [
            "1600000000.M0P1.mx:2,S",
            "1600000005.M5P1.mx:2,S",
            "1700000001.M1P1.mx:2,S",
            "1700000002.M2P1.mx:2,S",
            "1700000003.M3P1.mx:2,S",
        ]
    );
    for suppressed in [
        "gone@example.org",
        "annoyed@mail.example",
        "no.such.reader@gmail.com",
    ] {
        assert!(
            store.is_suppressed(suppressed).await.unwrap(),
            "{suppressed}"
        );
    }
    assert!(
        !store
            .is_suppressed("martha.gone@parish.example")
            .await
            .unwrap()
    );
    assert_eq!(store.outbox_counts(None).await.unwrap().bounced, 1);

    // Again: only the unreadable one is left, and left.
    let (stdout, _) = read(dir.path(), &env, &maildir);
    assert!(stdout.starts_with("0 reports:"), "{stdout}");
    assert!(stdout.trim().ends_with("1 unreadable"), "{stdout}");

    // An mbox: one report new, one applied from the Maildir already.
    let mut mbox = b"From MAILER-DAEMON Tue Mar  2 06:00:14 2027\n".to_vec();
    mbox.extend(fixture("postfix_hard.eml"));
    mbox.extend(b"\nFrom mailer-daemon@googlemail.com Thu Mar  4 14:00:09 2027\n");
    mbox.extend(fixture("google_hard.eml"));
    let file = dir.path().join("bounces.mbox");
    std::fs::write(&file, mbox).unwrap();
    let (stdout, _) = read(dir.path(), &env, &file);
    assert!(
        stdout.starts_with("2 reports: 1 bounces applied (1 hard,"),
        "{stdout}"
    );
    assert!(stdout.contains("1 already applied"), "{stdout}");
    assert!(
        store
            .is_suppressed("martha.gone@parish.example")
            .await
            .unwrap()
    );
    let (stdout, _) = read(dir.path(), &env, &file);
    assert!(
        stdout.starts_with("2 reports: 0 bounces applied"),
        "{stdout}"
    );
    assert!(stdout.contains("2 already applied"), "{stdout}");
    store.close().await;
}
