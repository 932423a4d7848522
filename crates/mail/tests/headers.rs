//! The headers of list mail, and that no value can add a header of its own.

use std::time::Duration;

use abide_mail::{MailError, OutgoingMessage, Unsubscribe};
use abide_testkit::Mailbox;

use crate::util::mailer;

/// A change that makes a message unsendable.
type Change = fn(&mut OutgoingMessage);

fn message(to: &str) -> OutgoingMessage {
    OutgoingMessage {
        to: to.into(),
        subject: "Week 1 recap".into(),
        text: "Six truths.\n".into(),
        html: None,
        message_id: Some("<recap-1.week-1@stillwaters.test>".into()),
        list_id: Some("Still Waters <weekly.stillwaters.test>".into()),
        unsubscribe: Some(Unsubscribe {
            url: "https://stillwaters.test/u/abc?list=weekly".into(),
            mailto: None,
        }),
    }
}

#[tokio::test]
async fn list_headers_arrive() {
    let mailbox = Mailbox::from_env();
    let to = format!("list-{}@example.test", std::process::id());
    let mut msg = message(&to);
    mailer(&mailbox.smtp_addr, None)
        .send_message(&msg)
        .await
        .unwrap();
    // The same without an unsubscribe: no List-Unsubscribe headers at all.
    let to_plain = format!("list-plain-{}@example.test", std::process::id());
    msg.to = to_plain.clone();
    msg.unsubscribe = None;
    msg.list_id = None;
    msg.message_id = None;
    mailer(&mailbox.smtp_addr, None)
        .send_message(&msg)
        .await
        .unwrap();

    let mail = &mailbox.wait_for(&to, 1, Duration::from_secs(10)).await[0];
    assert_eq!(
        mail.header("Message-ID").unwrap(),
        "<recap-1.week-1@stillwaters.test>"
    );
    assert_eq!(
        mail.header("List-Id").unwrap(),
        "Still Waters <weekly.stillwaters.test>"
    );
    assert_eq!(
        mail.header("List-Unsubscribe").unwrap(),
        "<https://stillwaters.test/u/abc?list=weekly>"
    );
    assert_eq!(
        mail.header("List-Unsubscribe-Post").unwrap(),
        "List-Unsubscribe=One-Click"
    );
    assert_eq!(mail.text().trim_end(), "Six truths.");

    let plain = &mailbox
        .wait_for(&to_plain, 1, Duration::from_secs(10))
        .await[0];
    assert!(plain.header("List-Unsubscribe").is_none());
    assert!(plain.header("List-Unsubscribe-Post").is_none());
    assert!(plain.header("List-Id").is_none());
    assert!(plain.header("Message-ID").is_some());
}

#[tokio::test]
async fn line_breaks_cannot_add_headers() {
    let mailbox = Mailbox::from_env();
    let mailer = mailer(&mailbox.smtp_addr, None);
    let to = format!("inject-{}@example.test", std::process::id());
    let evil = format!("evil-{}@example.test", std::process::id());

    // A subject is any text: it is encoded, and arrives as one header.
    let mut msg = message(&to);
    msg.subject = format!("Hello\r\nBcc: {evil}\r\nX-Injected: yes\nX-Also: 1");
    mailer.send_message(&msg).await.unwrap();
    let mail = &mailbox.wait_for(&to, 1, Duration::from_secs(10)).await[0];
    let headers = mail.raw.split("\n\n").next().unwrap().to_owned()
        + mail.raw.split("\r\n\r\n").next().unwrap();
    for injected in ["\nBcc:", "\nX-Injected:", "\nX-Also:"] {
        assert!(!headers.contains(injected), "{injected:?} in:\n{headers}");
    }
    assert!(mail.subject().contains("X-Injected"));
    assert_eq!(mail.rcpt_to, vec![to.clone()]);

    // The values that cannot be encoded are refused, with the header's name.
    let cases: [(&str, Change); 5] = [
        ("List-Unsubscribe", |m| {
            m.unsubscribe.as_mut().unwrap().url = "https://x.test/u\r\nBcc: a@x.test".into();
        }),
        ("List-Unsubscribe", |m| {
            m.unsubscribe.as_mut().unwrap().mailto = Some("a@x.test>\r\nBcc: <b@x.test".into());
        }),
        ("List-Id", |m| {
            m.list_id = Some("List <l.x.test>\r\nBcc: a@x.test".into());
        }),
        ("Message-ID", |m| {
            m.message_id = Some("<a@x.test>\r\nBcc: a@x.test".into());
        }),
        ("Message-ID", |m| {
            m.message_id = Some("no-brackets@x.test".into())
        }),
    ];
    for (header, change) in cases {
        let mut msg = message(&to);
        change(&mut msg);
        let err = mailer.send_message(&msg).await.unwrap_err();
        assert!(
            matches!(&err, MailError::BadHeader { header: h, .. } if *h == header),
            "{err}"
        );
        assert!(!err.is_transient());
    }
    // A recipient with a line break is not an address.
    let mut msg = message(&to);
    msg.to = format!("{to}\r\nBcc: {evil}");
    assert!(matches!(
        mailer.send_message(&msg).await.unwrap_err(),
        MailError::BadAddress { .. }
    ));
    assert!(mailbox.messages_to(&evil).is_empty());
    assert_eq!(mailbox.messages_to(&to).len(), 1);
}
