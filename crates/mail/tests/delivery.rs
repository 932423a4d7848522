use std::time::Duration;

use abide_mail::{Email, Mailer, MailerConfig};
use abide_testkit::Mailbox;

fn mailer(mailbox: &Mailbox) -> Mailer {
    Mailer::new(&MailerConfig {
        smtp_url: format!("smtp://{}", mailbox.smtp_addr),
        from: "Still Waters <devotions@stillwaters.test>".into(),
        timeout: Duration::from_secs(10),
        dkim: None,
    })
    .unwrap()
}

#[tokio::test]
async fn a_message_arrives_over_smtp() {
    let mailbox = Mailbox::from_env();
    let to = format!("reader-{}@example.test", std::process::id());
    let mailer = mailer(&mailbox);
    assert!(mailer.test_connection().await.unwrap());
    mailer
        .send(&Email {
            to: format!("Ruth Reader <{to}>"),
            subject: "Day 1: Draw near — James 4:8".into(),
            text: "Draw near to God, and he will draw near to you.\n".into(),
            html: Some("<p>Draw near to God, and he will draw near to you.</p>".into()),
        })
        .await
        .unwrap();

    let received = mailbox.wait_for(&to, 1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.mail_from, "devotions@stillwaters.test");
    assert_eq!(
        mail.header("To").unwrap(),
        format!("\"Ruth Reader\" <{to}>")
    );
    // Non-ASCII subjects travel encoded (RFC 2047) and decode back.
    assert!(mail.header("Subject").unwrap().contains("=?utf-8?"));
    assert_eq!(mail.subject(), "Day 1: Draw near — James 4:8");
    assert!(mail.header("Message-ID").is_some());
    assert!(mail.header("Date").is_some());
    let content_type = mail.header("Content-Type").unwrap();
    assert!(
        content_type.starts_with("multipart/alternative"),
        "{content_type}"
    );
    assert_eq!(
        mail.text(),
        "Draw near to God, and he will draw near to you.\n"
    );
    assert_eq!(
        mail.html().unwrap(),
        "<p>Draw near to God, and he will draw near to you.</p>"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_transient_error() {
    let port = abide_testkit::free_port();
    let mailer = Mailer::new(&MailerConfig {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "devotions@stillwaters.test".into(),
        timeout: Duration::from_secs(2),
        dkim: None,
    })
    .unwrap();
    let err = mailer
        .send(&Email {
            to: "someone@example.test".into(),
            subject: "x".into(),
            text: "x".into(),
            html: None,
        })
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err}");
}
