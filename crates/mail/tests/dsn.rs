//! Bounces: reports in the styles of common MTAs read right; arbitrary bytes
//! never panic; a generated report reads back what it was made of.

use abide_mail::dsn::{self, Action, BounceClass, DsnError, ReportKind, Status};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/dsn/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap()
}

fn report(name: &str) -> dsn::Report {
    dsn::parse(&fixture(name)).unwrap().unwrap()
}

#[test]
fn postfix_hard_bounce() {
    let r = report("postfix_hard.eml");
    assert_eq!(r.kind, ReportKind::DeliveryStatus);
    assert_eq!(
        r.report_message_id.as_deref(),
        Some("<20270302060014.4Q7XkP2cZbz9sWn@mx1.parish.example>")
    );
    assert_eq!(r.reporting_mta.as_deref(), Some("mx1.parish.example"));
    assert_eq!(r.recipients.len(), 1);
    let rcpt = &r.recipients[0];
    assert_eq!(rcpt.final_recipient, "martha.gone@parish.example");
    assert_eq!(
        rcpt.original_recipient.as_deref(),
        Some("Martha.Gone@parish.example")
    );
    assert_eq!(rcpt.action, Action::Failed);
    assert_eq!(rcpt.status, Status::parse("5.1.1"));
    assert_eq!(rcpt.remote_mta.as_deref(), Some("mail.parish.example"));
    // The folded diagnostic, unfolded.
    assert_eq!(
        rcpt.diagnostic_code.as_deref(),
        Some(
            "550 5.1.1 <martha.gone@parish.example>: Recipient address rejected: User unknown in virtual mailbox table"
        )
    );
    let b = r.bounces();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].class, BounceClass::Hard);
    assert_eq!(
        b[0].original_message_id.as_deref(),
        Some("<3f1c0c4ad1e05e2b9a7d5c81e4f2a6b0@abide.example>")
    );
    assert!(
        b[0].detail.starts_with("5.1.1 550 5.1.1"),
        "{}",
        b[0].detail
    );
}

#[test]
fn postfix_delay_warning() {
    let b = report("postfix_delayed.eml").bounces();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].email, "slow@retreat.example");
    assert_eq!(b[0].class, BounceClass::Delayed);
    assert_eq!(b[0].status, Status::parse("4.4.1"));
}

#[test]
fn exim_soft_bounce_returns_the_whole_message() {
    let r = report("exim_soft.eml");
    let b = r.bounces();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].email, "full.box@fellowship.example");
    assert_eq!(b[0].class, BounceClass::Soft);
    assert_eq!(
        b[0].original_message_id.as_deref(),
        Some("<5d2e9b1f0a4c6e8d7b3a2f1e0d9c8b7a@abide.example>")
    );
    assert_eq!(
        r.original_to.as_deref(),
        Some("full.box@fellowship.example")
    );
}

#[test]
fn google_bounce_with_nested_human_part() {
    let r = report("google_hard.eml");
    let b = r.bounces();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].email, "no.such.reader@gmail.com");
    assert_eq!(b[0].class, BounceClass::Hard);
    assert_eq!(
        b[0].original_message_id.as_deref(),
        Some("<9b8a7c6d5e4f30211a2b3c4d5e6f7081@abide.example>")
    );
    assert!(
        r.recipients[0]
            .diagnostic_code
            .as_deref()
            .unwrap()
            .ends_with("?p=NoSuchUser")
    );
}

#[test]
fn microsoft_bounce_crlf_base64_folded_message_id() {
    let r = report("microsoft_hard.eml");
    assert_eq!(
        r.report_message_id.as_deref(),
        Some("<a1b2c3d4-e5f6-4711-8899-aabbccddeeff@AM9PR04MB0002.eurprd04.prod.outlook.example>")
    );
    let b = r.bounces();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].email, "Former.Member@outlook.example");
    assert_eq!(b[0].class, BounceClass::Hard);
    assert_eq!(b[0].status, Status::parse("5.1.10"));
    assert!(b[0].detail.contains("RESOLVER.ADR.RecipientNotFound"));
    assert_eq!(
        b[0].original_message_id.as_deref(),
        Some("<0f9e8d7c6b5a49382716059483726150@abide.example>")
    );
}

#[test]
fn arf_abuse_report_is_a_complaint() {
    let r = report("arf_complaint.eml");
    assert_eq!(r.kind, ReportKind::Feedback);
    assert_eq!(r.feedback_type.as_deref(), Some("abuse"));
    let b = r.bounces();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].email, "annoyed@mail.example");
    assert_eq!(b[0].class, BounceClass::Complaint);
    assert_eq!(
        b[0].original_message_id.as_deref(),
        Some("<1234567890abcdef1234567890abcdef@abide.example>")
    );

    // A not-spam report names nobody; without Original-Rcpt-To the
    // returned message's To is the complainant.
    let raw = String::from_utf8(fixture("arf_complaint.eml")).unwrap();
    let not_spam = raw.replace("Feedback-Type: abuse", "Feedback-Type: not-spam");
    let r = dsn::parse(not_spam.as_bytes()).unwrap().unwrap();
    assert!(r.bounces().is_empty());
    let no_rcpt = raw.replace("Original-Rcpt-To: <annoyed@mail.example>\n", "");
    let b = dsn::parse(no_rcpt.as_bytes()).unwrap().unwrap().bounces();
    assert_eq!(b[0].email, "annoyed@mail.example");
}

#[test]
fn what_is_not_a_report() {
    assert_eq!(dsn::parse(&fixture("autoreply.eml")), Ok(None));
    assert_eq!(dsn::parse(b""), Err(DsnError::NotAMessage));
    assert_eq!(dsn::parse(b"\x00\xff garbage"), Err(DsnError::NotAMessage));
    // A report of another type.
    let other = b"Content-Type: multipart/report; report-type=disposition-notification; boundary=x\n\n--x\n\n--x--\n";
    assert_eq!(dsn::parse(other), Ok(None));
    // A delivery-status report without its status part.
    let empty = b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\nContent-Type: text/plain\n\nhi\n--x--\n";
    assert_eq!(dsn::parse(empty), Ok(None));
    let big = vec![b'a'; dsn::MAX_REPORT_BYTES + 1];
    assert_eq!(dsn::parse(&big), Err(DsnError::TooLarge));
}

#[test]
fn case_and_mbox_from_line_and_crlf() {
    let raw = String::from_utf8(fixture("postfix_hard.eml")).unwrap();
    let shouting = raw
        .replace(
            "Content-Type: multipart/report; report-type=delivery-status",
            "CONTENT-TYPE: Multipart/Report; Report-Type=Delivery-Status",
        )
        .replace("Final-Recipient:", "FINAL-RECIPIENT:")
        .replace("Action: failed", "action: FAILED")
        .replace("rfc822; martha", "RFC822; martha");
    let crlf = format!(
        "From MAILER-DAEMON Tue Mar  2 06:00:14 2027\n{}",
        shouting.replace('\n', "\r\n")
    );
    let b = dsn::parse(crlf.as_bytes()).unwrap().unwrap().bounces();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].email, "martha.gone@parish.example");
    assert_eq!(b[0].class, BounceClass::Hard);
}

#[test]
fn quoted_printable_status_part_and_several_recipients() {
    let raw = "Message-ID: <r@mx.example>\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"=_b 1\"\n\
\n\
--=_b 1\n\
Content-Type: message/delivery-status\n\
Content-Transfer-Encoding: quoted-printable\n\
\n\
Reporting-MTA: dns; mx.example\n\
\n\
Final-Recipient: rfc822; a@one.example\n\
Action: failed\n\
Status: 5.7.1\n\
Diagnostic-Code: smtp; 550 5.7.1 Message rejected as spam by Content Filtering=\n\x20\
policy =3D strict\n\
\n\
Final-Recipient: rfc822; b@two.example\n\
Action: delivered\n\
Status: 2.0.0\n\
\n\
Final-Recipient: rfc822; c@three.example\n\
Action: failed\n\
Diagnostic-Code: smtp; 421 try later\n\
--=_b 1--\n";
    let r = dsn::parse(raw.as_bytes()).unwrap().unwrap();
    assert_eq!(r.recipients.len(), 3);
    assert_eq!(
        r.recipients[0].diagnostic_code.as_deref(),
        Some("550 5.7.1 Message rejected as spam by Content Filtering policy = strict")
    );
    let b = r.bounces();
    let classes: Vec<_> = b.iter().map(|b| (b.email.as_str(), b.class)).collect();
    assert_eq!(
        classes,
        [
            ("a@one.example", BounceClass::Hard),
            ("c@three.example", BounceClass::Soft)
        ]
    );
    assert_eq!(b[0].original_message_id, None);
}

/// A delivery status notification made of the given recipients, with the
/// returned message's headers.
fn generated(
    boundary: &str,
    message_id: &str,
    recipients: &[(String, &str, (u16, u16, u16))],
    crlf: bool,
    base64_status: bool,
) -> Vec<u8> {
    let mut status = String::from("Reporting-MTA: dns; mx.example\n\n");
    for (email, action, (c, s, d)) in recipients {
        status.push_str(&format!(
            "Final-Recipient: rfc822; {email}\nAction: {action}\nStatus: {c}.{s}.{d}\nDiagnostic-Code: smtp; {c}{s}{d} no\n\n"
        ));
    }
    let (cte, status) = if base64_status {
        use base64ct::Encoding as _;
        let b64 = base64ct::Base64::encode_string(status.as_bytes());
        let lines: Vec<String> = b64
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        ("Content-Transfer-Encoding: base64\n", lines.join("\n"))
    } else {
        ("", status)
    };
    let msg = format!(
        "From: MAILER-DAEMON@mx.example\nContent-Type: multipart/report;\n report-type=delivery-status;\n boundary=\"{boundary}\"\n\n\
         --{boundary}\nContent-Type: text/plain\n\nSorry.\n\
         --{boundary}\nContent-Type: message/delivery-status\n{cte}\n{status}\n\
         --{boundary}\nContent-Type: text/rfc822-headers\n\nMessage-ID: {message_id}\nSubject: x\n\n\
         --{boundary}--\n"
    );
    if crlf {
        msg.replace('\n', "\r\n").into_bytes()
    } else {
        msg.into_bytes()
    }
}

proptest! {
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = dsn::parse(&bytes);
    }

    #[test]
    fn never_panics_on_mangled_reports(
        cut in 0usize..3000,
        flips in proptest::collection::vec((0usize..3000, any::<u8>()), 0..8),
    ) {
        let mut raw = std::fs::read(format!(
            "{}/tests/fixtures/dsn/google_hard.eml",
            env!("CARGO_MANIFEST_DIR")
        )).unwrap();
        for (at, byte) in flips {
            let len = raw.len();
            raw[at % len] = byte;
        }
        raw.truncate(cut.min(raw.len()));
        if let Ok(Some(r)) = dsn::parse(&raw) {
            let _ = r.bounces();
        }
    }

    #[test]
    fn generated_reports_round_trip(
        boundary in "[A-Za-z0-9'()+_,./:=?-]{1,40}[A-Za-z0-9]",
        id in "[a-f0-9]{32}",
        recipients in proptest::collection::vec((
            "[a-z0-9._+-]{1,20}@[a-z0-9-]{1,12}\\.example",
            prop_oneof![Just("failed"), Just("delayed"), Just("delivered"), Just("relayed")],
            (prop_oneof![Just(2u16), Just(4u16), Just(5u16)], 0u16..8, 0u16..20),
        ), 1..5),
        crlf in any::<bool>(),
        base64_status in any::<bool>(),
    ) {
        let message_id = format!("<{id}@site.example>");
        let raw = generated(&boundary, &message_id, &recipients, crlf, base64_status);
        let r = dsn::parse(&raw).unwrap().unwrap();
        prop_assert_eq!(r.recipients.len(), recipients.len());
        prop_assert_eq!(r.original_message_id.as_deref(), Some(message_id.as_str()));
        for (got, (email, action, (c, s, d))) in r.recipients.iter().zip(&recipients) {
            prop_assert_eq!(&got.final_recipient, email);
            prop_assert_eq!(format!("{:?}", got.action).to_lowercase(), *action);
            prop_assert_eq!(got.status, Some(Status { class: *c, subject: *s, detail: *d }));
            let diag = format!("{c}{s}{d} no");
            prop_assert_eq!(got.diagnostic_code.as_deref(), Some(diag.as_str()));
        }
        let expected: Vec<(String, BounceClass)> = recipients
            .iter()
            .filter_map(|(email, action, (c, _, _))| {
                let class = match *action {
                    "failed" if *c == 5 => BounceClass::Hard,
                    "failed" => BounceClass::Soft,
                    "delayed" => BounceClass::Delayed,
                    _ => return None,
                };
                Some((email.clone(), class))
            })
            .collect();
        let got: Vec<(String, BounceClass)> =
            r.bounces().into_iter().map(|b| (b.email, b.class)).collect();
        prop_assert_eq!(got, expected);
    }
}
