//! Reading bounces: delivery status notifications (RFC 3464) and abuse
//! reports (ARF, RFC 5965) that come back to the sender, as [`Report`]s.
//!
//! [`parse`] takes the raw bytes of one incoming message (RFC 5322) and tells
//! whether it is a `multipart/report` of type `delivery-status` or
//! `feedback-report`; if so, it reads each recipient's Final-Recipient,
//! Original-Recipient, Action, Status, Diagnostic-Code and Remote-MTA, the
//! Feedback-Type of a complaint, and the `Message-ID` of the message that
//! bounced (from the returned `text/rfc822-headers` or `message/rfc822`
//! part). [`Report::bounces`] classifies what that means for each address:
//! [`BounceClass::Hard`] (failed with a 5.x.x status), [`BounceClass::Soft`]
//! (failed with 4.x.x), [`BounceClass::Delayed`] and
//! [`BounceClass::Complaint`].
//!
//! The MIME reader here is small on purpose and reads only what a report
//! needs: unfolded, case-insensitive headers; `Content-Type` parameters,
//! quoted or not, with comments; multipart bodies split on their boundary;
//! base64 and quoted-printable parts. Input is bounded ([`MAX_REPORT_BYTES`],
//! a number of parts, headers and recipients) and nothing recurses deeper
//! than the report's own parts, so arbitrary bytes never panic nor run long.
//!
//! ```
//! let raw = b"From: MAILER-DAEMON@mx.example\r\n\
//! Message-ID: <r1@mx.example>\r\n\
//! Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\
//! \r\n\
//! --b\r\n\
//! Content-Type: text/plain\r\n\r\nIt did not arrive.\r\n\
//! --b\r\n\
//! Content-Type: message/delivery-status\r\n\r\n\
//! Reporting-MTA: dns; mx.example\r\n\r\n\
//! Final-Recipient: rfc822; gone@example.org\r\n\
//! Action: failed\r\n\
//! Status: 5.1.1\r\n\
//! --b\r\n\
//! Content-Type: text/rfc822-headers\r\n\r\n\
//! Message-ID: <abc@site.example>\r\n\
//! --b--\r\n";
//! let report = abide_mail::dsn::parse(raw).unwrap().unwrap();
//! let bounce = &report.bounces()[0];
//! assert_eq!(bounce.email, "gone@example.org");
//! assert_eq!(bounce.class, abide_mail::dsn::BounceClass::Hard);
//! assert_eq!(bounce.original_message_id.as_deref(), Some("<abc@site.example>"));
//! ```

use std::fmt;

/// The largest message [`parse`] reads (10 MiB); a bounce carrying a whole
/// large message back is cut to its headers long before this.
pub const MAX_REPORT_BYTES: usize = 10 << 20;
/// Parts of the report looked at; the rest are ignored.
const MAX_PARTS: usize = 32;
/// Header fields read from one header block.
const MAX_FIELDS: usize = 500;
/// Recipients read from one report.
const MAX_RECIPIENTS: usize = 100;
/// Characters kept of a free-text field (a diagnostic, an MTA name).
const MAX_TEXT: usize = 1000;

/// Why a message could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DsnError {
    /// More than [`MAX_REPORT_BYTES`].
    TooLarge,
    /// No header section: not an email message.
    NotAMessage,
}

impl fmt::Display for DsnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge => write!(f, "the message is larger than {MAX_REPORT_BYTES} bytes"),
            Self::NotAMessage => f.write_str("not an email message (no header fields)"),
        }
    }
}

impl std::error::Error for DsnError {}

/// Which kind of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// A delivery status notification (RFC 3464).
    DeliveryStatus,
    /// An abuse or other feedback report (ARF, RFC 5965).
    Feedback,
}

/// What the reporting MTA did for one recipient (RFC 3464 §2.3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Not delivered; the MTA gave up.
    Failed,
    /// Not delivered yet; the MTA keeps trying.
    Delayed,
    /// Delivered.
    Delivered,
    /// Handed on to a system that sends no reports.
    Relayed,
    /// Delivered and forwarded to several addresses.
    Expanded,
    /// Missing or not one of the above.
    Unknown,
}

impl Action {
    fn parse(s: &str) -> Self {
        // "failed (bad mailbox)": a comment may follow.
        let word = s.split(['(', ' ', '\t']).next().unwrap_or("");
        match word.to_ascii_lowercase().as_str() {
            "failed" => Self::Failed,
            "delayed" => Self::Delayed,
            "delivered" => Self::Delivered,
            "relayed" => Self::Relayed,
            "expanded" => Self::Expanded,
            _ => Self::Unknown,
        }
    }
}

/// An enhanced status code, `class.subject.detail` (RFC 3463): 2 success,
/// 4 persistent transient failure, 5 permanent failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// 2, 4 or 5.
    pub class: u16,
    /// The subject (1 address, 2 mailbox, ...).
    pub subject: u16,
    /// The detail.
    pub detail: u16,
}

impl Status {
    /// The first `x.y.z` at the start of `s` (a comment may follow).
    pub fn parse(s: &str) -> Option<Self> {
        let code = s
            .trim()
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()?;
        let mut it = code.split('.');
        let class = it.next()?.parse().ok()?;
        let subject = it.next()?.parse().ok()?;
        let detail = it.next()?.parse().ok()?;
        (it.next().is_none() && matches!(class, 2 | 4 | 5)).then_some(Self {
            class,
            subject,
            detail,
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// One per-recipient section of a delivery status notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The address the report is about, without its `rfc822;` type.
    pub final_recipient: String,
    /// The address as the sender gave it, when reported.
    pub original_recipient: Option<String>,
    /// What happened.
    pub action: Action,
    /// The enhanced status code, when readable.
    pub status: Option<Status>,
    /// What the remote server said (`smtp;` dropped).
    pub diagnostic_code: Option<String>,
    /// The server that said it (`dns;` dropped).
    pub remote_mta: Option<String>,
}

/// A report read by [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Delivery status or feedback.
    pub kind: ReportKind,
    /// The report's own `Message-ID`, when it has one: the same report read
    /// twice is known by it.
    pub report_message_id: Option<String>,
    /// The `Message-ID` of the message that bounced or was reported, from
    /// the returned headers.
    pub original_message_id: Option<String>,
    /// The `To` of the returned message (a complaint's recipient when the
    /// report names no Original-Rcpt-To).
    pub original_to: Option<String>,
    /// The MTA that wrote a delivery status notification (`dns;` dropped).
    pub reporting_mta: Option<String>,
    /// The recipients of a delivery status notification.
    pub recipients: Vec<Recipient>,
    /// A feedback report's Feedback-Type, lower-cased (`abuse`, `fraud`,
    /// `virus`, `other`, `not-spam`, `auth-failure`).
    pub feedback_type: Option<String>,
    /// A feedback report's Original-Rcpt-To addresses.
    pub feedback_recipients: Vec<String>,
}

/// What a report means for one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BounceClass {
    /// Delivery failed for good (a 5.x.x status): stop mailing the address.
    Hard,
    /// Delivery failed for a passing reason (4.x.x): the MTA gave up this
    /// time, the address may work later.
    Soft,
    /// Not delivered yet; the MTA still tries.
    Delayed,
    /// The recipient reported the message as spam (or fraud, a virus).
    Complaint,
}

impl BounceClass {
    /// A short name: `hard`, `soft`, `delayed`, `complaint`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hard => "hard",
            Self::Soft => "soft",
            Self::Delayed => "delayed",
            Self::Complaint => "complaint",
        }
    }
}

/// One address's bounce or complaint, from [`Report::bounces`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// The address, as reported (trimmed, without `<>`).
    pub email: String,
    /// What it means.
    pub class: BounceClass,
    /// The enhanced status code (none for a complaint).
    pub status: Option<Status>,
    /// A line for people: the status and the server's words, or the
    /// feedback type.
    pub detail: String,
    /// The `Message-ID` of the message that bounced, when returned.
    pub original_message_id: Option<String>,
}

impl Report {
    /// What the report means for each address it names; recipients that
    /// were delivered, relayed or expanded are left out, and so is a
    /// feedback report that is not a complaint (`not-spam`, `auth-failure`).
    pub fn bounces(&self) -> Vec<Bounce> {
        match self.kind {
            ReportKind::DeliveryStatus => self
                .recipients
                .iter()
                .filter_map(|r| {
                    let class = classify(r)?;
                    let mut detail = r.status.map(|s| s.to_string()).unwrap_or_default();
                    if let Some(diag) = &r.diagnostic_code {
                        if !detail.is_empty() {
                            detail.push(' ');
                        }
                        detail.push_str(diag);
                    }
                    if detail.is_empty() {
                        detail = format!("{:?}", r.action).to_lowercase();
                    }
                    Some(Bounce {
                        email: r.final_recipient.clone(),
                        class,
                        status: r.status,
                        detail: clip(&detail),
                        original_message_id: self.original_message_id.clone(),
                    })
                })
                .collect(),
            ReportKind::Feedback => {
                let kind = self.feedback_type.as_deref().unwrap_or("");
                if !matches!(kind, "abuse" | "fraud" | "virus" | "other") {
                    return Vec::new();
                }
                let mut to: Vec<String> = self.feedback_recipients.clone();
                if to.is_empty() {
                    to.extend(self.original_to.clone());
                }
                to.into_iter()
                    .map(|email| Bounce {
                        email,
                        class: BounceClass::Complaint,
                        status: None,
                        detail: format!("complaint: {kind}"),
                        original_message_id: self.original_message_id.clone(),
                    })
                    .collect()
            }
        }
    }
}

/// Hard for a failure with a 5.x.x status, soft for one with 4.x.x; without
/// a readable status, the SMTP reply code in the diagnostic decides, and
/// when nothing tells, soft: an address is never suppressed on a guess.
fn classify(r: &Recipient) -> Option<BounceClass> {
    match r.action {
        Action::Failed => {
            let class = r.status.map(|s| s.class).or_else(|| {
                let diag = r.diagnostic_code.as_deref()?;
                let code = diag.split_whitespace().next()?;
                match code.as_bytes() {
                    [b'5', b'0'..=b'9', b'0'..=b'9'] => Some(5),
                    [b'4', b'0'..=b'9', b'0'..=b'9'] => Some(4),
                    _ => None,
                }
            });
            Some(if class == Some(5) {
                BounceClass::Hard
            } else {
                BounceClass::Soft
            })
        }
        Action::Delayed => Some(BounceClass::Delayed),
        // A status of 5.x.x says "failed" even where the action is garbled.
        Action::Unknown if r.status.is_some_and(|s| s.class == 5) => Some(BounceClass::Hard),
        Action::Unknown if r.status.is_some_and(|s| s.class == 4) => Some(BounceClass::Soft),
        _ => None,
    }
}

/// Reads one incoming message. `Ok(None)` when it is a message but not a
/// delivery status or feedback report (an auto-reply, a person's answer, an
/// old-style bounce without a report part).
pub fn parse(raw: &[u8]) -> Result<Option<Report>, DsnError> {
    if raw.len() > MAX_REPORT_BYTES {
        return Err(DsnError::TooLarge);
    }
    let raw = skip_mbox_from(raw);
    let (head, body) = split_head(raw);
    let headers = Headers::parse(head);
    if headers.fields.is_empty() {
        return Err(DsnError::NotAMessage);
    }
    let Some(ct) = headers.get("content-type").map(ContentType::parse) else {
        return Ok(None);
    };
    if ct.mime != "multipart/report" {
        return Ok(None);
    }
    let kind = match ct
        .param("report-type")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("delivery-status") => ReportKind::DeliveryStatus,
        Some("feedback-report") => ReportKind::Feedback,
        _ => return Ok(None),
    };
    let Some(boundary) = ct.param("boundary") else {
        return Ok(None);
    };
    let mut report = Report {
        kind,
        report_message_id: headers.get("message-id").map(message_id),
        original_message_id: None,
        original_to: None,
        reporting_mta: None,
        recipients: Vec::new(),
        feedback_type: None,
        feedback_recipients: Vec::new(),
    };
    let mut saw_status = false;
    for part in split_multipart(body, boundary.as_bytes()) {
        let (head, body) = split_head(part);
        let headers = Headers::parse(head);
        let mime = headers
            .get("content-type")
            .map_or_else(|| "text/plain".to_owned(), |v| ContentType::parse(v).mime);
        let body = decode_body(&headers, body);
        match (kind, mime.as_str()) {
            (
                ReportKind::DeliveryStatus,
                "message/delivery-status" | "message/global-delivery-status",
            ) if !saw_status => {
                saw_status = true;
                read_delivery_status(&body, &mut report);
            }
            (ReportKind::Feedback, "message/feedback-report") if !saw_status => {
                saw_status = true;
                read_feedback(&body, &mut report);
            }
            (
                _,
                "text/rfc822-headers"
                | "message/rfc822"
                | "message/global"
                | "message/global-headers",
            ) if report.original_message_id.is_none() && report.original_to.is_none() => {
                let returned = Headers::parse(split_head(skip_mbox_from(&body)).0);
                report.original_message_id = returned.get("message-id").map(message_id);
                report.original_to = returned.get("to").and_then(address);
            }
            _ => {}
        }
    }
    if !saw_status {
        return Ok(None);
    }
    Ok(Some(report))
}

fn read_delivery_status(body: &[u8], report: &mut Report) {
    for group in field_groups(body) {
        let fields = Headers::parse(group);
        if let Some(final_recipient) = fields.get("final-recipient").and_then(address) {
            if report.recipients.len() >= MAX_RECIPIENTS {
                break;
            }
            report.recipients.push(Recipient {
                final_recipient,
                original_recipient: fields.get("original-recipient").and_then(address),
                action: fields.get("action").map_or(Action::Unknown, Action::parse),
                status: fields.get("status").and_then(Status::parse),
                diagnostic_code: fields.get("diagnostic-code").map(typed_text),
                remote_mta: fields.get("remote-mta").map(typed_text),
            });
        } else if let Some(mta) = fields.get("reporting-mta") {
            report.reporting_mta.get_or_insert_with(|| typed_text(mta));
        }
    }
}

fn read_feedback(body: &[u8], report: &mut Report) {
    // One group of fields; a stray blank line must not hide the rest.
    for group in field_groups(body) {
        let fields = Headers::parse(group);
        if let Some(kind) = fields.get("feedback-type") {
            report.feedback_type.get_or_insert_with(|| {
                kind.split(['(', ' ', '\t', ';'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
            });
        }
        for (name, value) in &fields.fields {
            if name == "original-rcpt-to" && report.feedback_recipients.len() < MAX_RECIPIENTS {
                report.feedback_recipients.extend(address(value));
            }
        }
    }
}

/// The address in `rfc822; <a@b>`, `a@b`, `Name <a@b>`: type and brackets
/// dropped. None when nothing address-like remains.
fn address(value: &str) -> Option<String> {
    let value = strip_comments(value);
    let mut s = value.trim();
    // An address type (rfc822, utf-8, x-...): a token before ';'.
    if let Some((kind, rest)) = s.split_once(';')
        && !kind.contains('@')
    {
        s = rest.trim();
    }
    if let (Some(open), Some(close)) = (s.rfind('<'), s.rfind('>'))
        && open < close
    {
        s = &s[open + 1..close];
    }
    let s = s.trim().trim_matches('"').trim();
    (s.contains('@') && s.len() <= 320 && !s.chars().any(|c| c.is_whitespace() || c.is_control()))
        .then(|| s.to_owned())
}

/// `smtp; 550 ...` → `550 ...`; `dns; mx.example` → `mx.example`.
fn typed_text(value: &str) -> String {
    let s = match value.split_once(';') {
        Some((kind, rest))
            if !kind.is_empty()
                && kind
                    .trim()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            rest
        }
        _ => value,
    };
    clip(s.trim())
}

/// The `<...>` of a Message-ID field (the whole trimmed value when there are
/// no brackets).
fn message_id(value: &str) -> String {
    let s = value.trim();
    let id = match (s.find('<'), s.find('>')) {
        (Some(open), Some(close)) if open < close => &s[open..=close],
        _ => s,
    };
    clip(id)
}

fn clip(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_TEXT)
        .collect();
    s.trim().to_owned()
}

fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => escaped = true,
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// An mbox `From ` line is not a header; a message read from an mbox or
/// handed on by some MTAs starts with one.
fn skip_mbox_from(raw: &[u8]) -> &[u8] {
    if raw.starts_with(b"From ") {
        match raw.iter().position(|&b| b == b'\n') {
            Some(i) => &raw[i + 1..],
            None => &[],
        }
    } else {
        raw
    }
}

/// The header section and the body, split at the first empty line (CRLF or
/// LF). No empty line: all header.
fn split_head(raw: &[u8]) -> (&[u8], &[u8]) {
    let mut start = 0;
    // A message (or part) may open with its empty line: no headers.
    for line_end in memchr_iter(b'\n', raw) {
        let line = &raw[start..line_end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return (&raw[..start], &raw[line_end + 1..]);
        }
        start = line_end + 1;
    }
    (raw, &[])
}

fn memchr_iter(needle: u8, hay: &[u8]) -> impl Iterator<Item = usize> + '_ {
    hay.iter()
        .enumerate()
        .filter_map(move |(i, &b)| (b == needle).then_some(i))
}

/// Header fields, names lower-cased, values unfolded, in order.
struct Headers {
    fields: Vec<(String, String)>,
}

impl Headers {
    fn parse(head: &[u8]) -> Self {
        let text = String::from_utf8_lossy(head);
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in text.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.starts_with([' ', '\t']) {
                // A folded line continues the field before it.
                if let Some((_, value)) = fields.last_mut()
                    && value.len() < 64 << 10
                {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                continue;
            }
            if fields.len() >= MAX_FIELDS {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                let name = name.trim_end();
                if !name.is_empty()
                    && name.len() <= 76
                    && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
                {
                    fields.push((name.to_ascii_lowercase(), value.trim().to_owned()));
                }
            }
        }
        Self { fields }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `type/subtype; name=value; name="quoted value"`, comments dropped.
struct ContentType {
    /// Lower-cased `type/subtype`.
    mime: String,
    params: Vec<(String, String)>,
}

impl ContentType {
    fn parse(value: &str) -> Self {
        let mut pieces = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut escaped = false;
        let mut depth = 0usize;
        for c in value.chars() {
            if escaped {
                escaped = false;
                if depth == 0 {
                    cur.push(c);
                }
                continue;
            }
            match c {
                '\\' if quoted || depth > 0 => escaped = true,
                '"' if depth == 0 => quoted = !quoted,
                '(' if !quoted => depth += 1,
                ')' if !quoted && depth > 0 => depth -= 1,
                ';' if !quoted && depth == 0 => pieces.push(std::mem::take(&mut cur)),
                _ if depth == 0 => cur.push(c),
                _ => {}
            }
        }
        pieces.push(cur);
        let mut pieces = pieces.into_iter();
        let mime: String = pieces
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let params = pieces
            .filter_map(|p| {
                let (name, value) = p.split_once('=')?;
                // Quotes were dropped while splitting; a quoted value keeps
                // its inner spaces, an unquoted one has none to lose.
                Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            })
            .collect();
        Self { mime, params }
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

/// The body parts between `--boundary` lines, up to the closing
/// `--boundary--` (or the end), at most [`MAX_PARTS`]. The line break before
/// a delimiter belongs to the delimiter.
fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    if boundary.is_empty() || boundary.len() > 200 {
        return parts;
    }
    let mut part_start: Option<usize> = None;
    let mut line_start = 0;
    while line_start <= body.len() {
        let line_end = body[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |i| line_start + i);
        let line = &body[line_start..line_end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(rest) = line
            .strip_prefix(b"--")
            .and_then(|l| l.strip_prefix(boundary))
        {
            let closing = rest.starts_with(b"--");
            let rest = if closing { &rest[2..] } else { rest };
            if rest.iter().all(|b| b.is_ascii_whitespace()) {
                if let Some(start) = part_start.take() {
                    // Drop the line break that precedes the delimiter.
                    let mut end = line_start;
                    if end > start && body[end - 1] == b'\n' {
                        end -= 1;
                        if end > start && body[end - 1] == b'\r' {
                            end -= 1;
                        }
                    }
                    parts.push(&body[start..end.max(start)]);
                    if parts.len() >= MAX_PARTS {
                        return parts;
                    }
                }
                if closing {
                    return parts;
                }
                part_start = Some((line_end + 1).min(body.len()));
            }
        }
        line_start = line_end + 1;
    }
    // No closing delimiter: the last part runs to the end.
    if let Some(start) = part_start
        && parts.len() < MAX_PARTS
    {
        parts.push(&body[start..]);
    }
    parts
}

/// The body with its Content-Transfer-Encoding undone.
fn decode_body(headers: &Headers, body: &[u8]) -> Vec<u8> {
    let encoding = headers
        .get("content-transfer-encoding")
        .map(|e| strip_comments(e).trim().to_ascii_lowercase());
    match encoding.as_deref() {
        Some("base64") => decode_base64(body),
        Some("quoted-printable") => decode_quoted_printable(body),
        _ => body.to_vec(),
    }
}

/// Lenient MIME base64: line breaks and stray characters skipped, padding
/// optional, stops at the first `=`.
fn decode_base64(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &b in input {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Quoted-printable: `=XX` bytes, `=` at a line's end joins lines; anything
/// malformed is kept as it is.
fn decode_quoted_printable(input: &[u8]) -> Vec<u8> {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'A'..=b'F' => Some(b - b'A' + 10),
            b'a'..=b'f' => Some(b - b'a' + 10),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        let rest = &input[i + 1..];
        // A soft line break: `=`, optional trailing blanks, then CRLF or LF.
        let blanks = rest
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
        match &rest[blanks..] {
            [b'\r', b'\n', ..] => i += 1 + blanks + 2,
            [b'\n', ..] => i += 1 + blanks + 1,
            [] => i = input.len(),
            [h, l, ..] if hex(*h).is_some() && hex(*l).is_some() => {
                out.push(hex(*h).unwrap_or(0) << 4 | hex(*l).unwrap_or(0));
                i += 3;
            }
            _ => {
                out.push(b'=');
                i += 1;
            }
        }
    }
    out
}

/// Groups of fields separated by empty lines, as in a delivery-status body.
fn field_groups(body: &[u8]) -> Vec<&[u8]> {
    let mut groups = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    while line_start < body.len() {
        let line_end = body[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |i| line_start + i);
        let line = &body[line_start..line_end];
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            if line_start > start {
                groups.push(&body[start..line_start]);
            }
            start = line_end + 1;
        }
        line_start = line_end + 1;
        if groups.len() > MAX_RECIPIENTS + 1 {
            return groups;
        }
    }
    if start < body.len() {
        groups.push(&body[start..]);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes() {
        assert_eq!(
            Status::parse("5.1.1 (bad destination mailbox address)"),
            Some(Status {
                class: 5,
                subject: 1,
                detail: 1
            })
        );
        assert_eq!(Status::parse("4.4.7").map(|s| s.class), Some(4));
        assert_eq!(Status::parse("5.1.10").map(|s| s.detail), Some(10));
        assert_eq!(Status::parse("550"), None);
        assert_eq!(Status::parse("9.1.1"), None);
        assert_eq!(Status::parse(""), None);
    }

    #[test]
    fn addresses() {
        assert_eq!(
            address("rfc822; a@b.example").as_deref(),
            Some("a@b.example")
        );
        assert_eq!(
            address("RFC822;<a@b.example>").as_deref(),
            Some("a@b.example")
        );
        assert_eq!(
            address("Ann <a@b.example> (home)").as_deref(),
            Some("a@b.example")
        );
        assert_eq!(
            address("utf-8; j\u{f6}@b.example").as_deref(),
            Some("j\u{f6}@b.example")
        );
        assert_eq!(address("rfc822; nobody"), None);
    }

    #[test]
    fn content_type_parameters() {
        let ct = ContentType::parse(
            "Multipart/Report (a comment; here);\r\n report-type=\"delivery-status\";\r\n\tboundary=\"=_x; y\\\"z\"",
        );
        assert_eq!(ct.mime, "multipart/report");
        assert_eq!(ct.param("report-type"), Some("delivery-status"));
        assert_eq!(ct.param("boundary"), Some("=_x; y\"z"));
    }

    #[test]
    fn transfer_encodings() {
        assert_eq!(decode_base64(b"aGVs\r\nbG8="), b"hello");
        assert_eq!(decode_base64(b"aGVsbG8"), b"hello");
        assert_eq!(
            decode_quoted_printable(b"a=3Db=\r\nc =\nd=ZZ="),
            b"a=bc d=ZZ"
        );
    }

    #[test]
    fn multipart_split() {
        let body = b"preamble\r\n--b\r\nA\r\n--b \r\n\r\nB\r\n--b--\r\nepilogue";
        assert_eq!(split_multipart(body, b"b"), vec![&b"A"[..], &b"\r\nB"[..]]);
        // No closing delimiter.
        assert_eq!(
            split_multipart(b"--b\nA\n--b\nB", b"b"),
            vec![&b"A"[..], &b"B"[..]]
        );
    }
}
