//! DKIM signatures, checked by dkimpy (an independent implementation) on the
//! rendered bytes and on the copy the SMTP test server received.

use std::time::Duration;

use abide_mail::{DkimConfig, MailError, Mailer, MailerConfig, OutgoingMessage, Unsubscribe};
use abide_testkit::Mailbox;

use crate::util::{KeyKind, dkim_verifies, generate_key, mailer};

fn daily(to: &str) -> OutgoingMessage {
    OutgoingMessage {
        to: format!("Ruth Reader <{to}>"),
        subject: "Day 3: Be still — Psalm 46:10".into(),
        text: "Be still, and know that I am God.\n\nRead on: https://stillwaters.test/day/3\n"
            .into(),
        html: Some(
            "<p>Be still, and know that I am God.</p>\n<p>   Trailing spaces   </p>\n".into(),
        ),
        message_id: Some("<delivery-42.day-3@stillwaters.test>".into()),
        // Non-ASCII travels encoded (RFC 2047) and is signed as encoded.
        list_id: Some("Still Waters — daily <daily.stillwaters.test>".into()),
        unsubscribe: Some(Unsubscribe {
            url: "https://stillwaters.test/unsubscribe/tok-42".into(),
            mailto: Some("unsubscribe@stillwaters.test?subject=42".into()),
        }),
    }
}

#[tokio::test]
async fn every_key_kind_signs_what_dkimpy_verifies() {
    for kind in [KeyKind::RsaPkcs1, KeyKind::RsaPkcs8, KeyKind::Ed25519] {
        let key = generate_key(kind);
        // Nothing listens there: rendering needs no server.
        let mailer = mailer("127.0.0.1:9", Some(&key));
        let raw = mailer.render(&daily("ruth@example.test")).unwrap();
        let text = String::from_utf8(raw.clone()).unwrap();
        let signature = text
            .split("\r\n")
            .skip_while(|l| !l.starts_with("DKIM-Signature:"))
            .take_while(|l| l.starts_with("DKIM-Signature:") || l.starts_with([' ', '\t']))
            .collect::<String>();
        assert!(signature.contains("d=stillwaters.test"), "{signature}");
        assert!(signature.contains("c=relaxed/relaxed"), "{signature}");
        // RFC 8058: both list headers are signed.
        assert!(
            signature.contains("list-unsubscribe:list-unsubscribe-post"),
            "{signature}"
        );
        assert!(dkim_verifies(&raw, &key), "{kind:?}:\n{text}");

        // The verifier really checks: a changed subject or body fails.
        let tampered = text.replace("Day 3: Be still", "Day 3: Be quick");
        assert_ne!(tampered, text);
        assert!(!dkim_verifies(tampered.as_bytes(), &key), "{kind:?}");
        let tampered = text.replacen("know that", "know what", 1);
        assert!(!dkim_verifies(tampered.as_bytes(), &key), "{kind:?}");
        // Nor does another key verify it.
        let other = generate_key(kind);
        assert!(!dkim_verifies(&raw, &other), "{kind:?}");
    }
}

#[tokio::test]
async fn the_received_copy_verifies() {
    let mailbox = Mailbox::from_env();
    let key = generate_key(KeyKind::RsaPkcs8);
    let mailer = mailer(&mailbox.smtp_addr, Some(&key));

    // Built and sent in one call.
    let to = format!("dkim-{}@example.test", std::process::id());
    mailer.send_message(&daily(&to)).await.unwrap();
    // Rendered once, stored, sent later as these exact bytes.
    let to_raw = format!("dkim-raw-{}@example.test", std::process::id());
    let mut msg = daily(&to_raw);
    msg.message_id = Some("<delivery-43.day-3@stillwaters.test>".into());
    let raw = mailer.render(&msg).unwrap();
    mailer.send_raw(&to_raw, &raw).await.unwrap();

    for address in [&to, &to_raw] {
        let received = mailbox.wait_for(address, 1, Duration::from_secs(10)).await;
        assert_eq!(received.len(), 1);
        let mail = &received[0];
        // The server added headers of its own (X-Peer, X-MailFrom, X-RcptTo).
        assert!(mail.header("X-RcptTo").is_some());
        assert!(mail.header("DKIM-Signature").is_some());
        assert!(
            dkim_verifies(mail.raw.as_bytes(), &key),
            "the received copy does not verify:\n{}",
            mail.raw
        );
        assert_eq!(mail.subject(), "Day 3: Be still — Psalm 46:10");
    }
    assert_eq!(
        mailbox.messages_to(&to_raw)[0]
            .header("Message-ID")
            .unwrap(),
        "<delivery-43.day-3@stillwaters.test>"
    );
}

#[tokio::test]
async fn a_bad_key_is_an_error_at_start_not_a_panic() {
    let config = |key: &str| MailerConfig {
        smtp_url: "smtp://127.0.0.1:9".into(),
        from: "devotions@stillwaters.test".into(),
        timeout: Duration::from_secs(1),
        dkim: Some(DkimConfig {
            domain: "stillwaters.test".into(),
            selector: "abide".into(),
            private_key_pem: key.into(),
        }),
    };
    // A real key, but too small to sign with SHA-256 (lettre would panic).
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small.pem");
    let out = std::process::Command::new("openssl")
        .args(["genrsa", "-traditional", "-out"])
        .arg(&small)
        .arg("512")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let small = std::fs::read_to_string(small).unwrap();
    let key = generate_key(KeyKind::RsaPkcs8);
    let truncated = &key.private_pem[..key.private_pem.len() / 2];
    for (pem, expect) in [
        (small.as_str(), "512 bits"),
        (truncated, "does not parse"),
        ("not a key", "not a PEM"),
    ] {
        let err = Mailer::new(&config(pem)).unwrap_err();
        assert!(matches!(err, MailError::BadDkimKey { .. }), "{err}");
        assert!(err.to_string().contains(expect), "{err}");
        // The key never appears in the message.
        assert!(!err.to_string().contains("MII"), "{err}");
    }
}

#[test]
fn the_longest_headers_sign_and_longer_ones_are_refused() {
    const STACK: usize = 256 << 10;
    // lettre's relaxed header canonicalisation recurses once per character:
    // the bounds on the headers' lengths keep that within a small stack.
    let key = generate_key(KeyKind::Ed25519);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = runtime.enter();
    let mailer = mailer("127.0.0.1:9", Some(&key));
    let mut msg = daily("ruth@example.test");
    msg.subject = "é".repeat(1000);
    msg.to = format!("{} <ruth@example.test>", "ü".repeat(490));
    let long_path = "a/".repeat(430);
    msg.unsubscribe = Some(Unsubscribe {
        url: format!("https://stillwaters.test/{long_path}"),
        mailto: Some(format!("u@stillwaters.test?subject={long_path}")),
    });
    let raw = std::thread::Builder::new()
        // An eighth of the 2 MiB a Tokio worker thread gets.
        .stack_size(STACK)
        .spawn({
            let (mailer, msg) = (mailer.clone(), msg.clone());
            move || mailer.render(&msg).unwrap()
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(dkim_verifies(&raw, &key));
    let mut too_long = msg.clone();
    too_long.to = format!("{} <ruth@example.test>", "u".repeat(1000));
    assert!(matches!(
        mailer.render(&too_long).unwrap_err(),
        MailError::BadHeader { header: "To", .. }
    ));
    msg.subject.push('x');
    assert!(matches!(
        mailer.render(&msg).unwrap_err(),
        MailError::BadHeader {
            header: "Subject",
            ..
        }
    ));
}
