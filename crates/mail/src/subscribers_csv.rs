//! Subscriber lists as CSV: [`read`] takes the exports of common newsletter
//! services (Mailchimp, Substack, listmonk, Kit/ConvertKit, Buttondown, Ghost,
//! MailerLite) or Abide's own, and [`write()`] writes Abide's own.
//!
//! Reading never stops at a bad row: each valid row is kept, each invalid one
//! is reported by the line it starts on ([`RowProblem`]). It never panics and
//! never holds more than the input plus the rows it returns; [`CsvLimits`]
//! bounds the size of the file, the number of rows and the length of a field.
//!
//! Columns are found by name, ignoring case, spaces, `_`, `-` and `.`:
//!
//! | what | columns (first found wins) |
//! | --- | --- |
//! | email | `email`, `Email Address` (Mailchimp), `email_address`, `e-mail`, `mail`, `Subscriber` (MailerLite) |
//! | name | `name`, `full_name`, `display_name`; else `First Name` + `Last Name` (`first_name`, `fname`, `last_name`, `lname`, `surname`) |
//! | time zone | `time_zone`, `timezone` (Mailchimp `TIMEZONE`), `tz`: an IANA name, else ignored |
//! | tags | `tags` (Mailchimp `"a","b"`; `a;b`; `a, b`), `labels` (Ghost), `groups` |
//! | consent time | `consent_at`, `CONFIRM_TIME`, `OPTIN_TIME` (Mailchimp), `subscribed_at`, `subscription_date`, `subscribed` (MailerLite, when a date), …; only when the file has none of these: `created_at` (Substack, Ghost, Kit, listmonk), `creation_date` (Buttondown), `date_added`, … |
//! | status | `status` (listmonk), `state` (Kit), `subscriber_type` (Buttondown); `subscribed_to_emails` (Ghost), `email_disabled` (Substack), `subscribed` (when a yes/no); a non-empty `UNSUB_TIME` or `CLEAN_TIME` (Mailchimp's unsubscribed and cleaned files) |
//!
//! Dates are RFC 3339, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS` (UTC,
//! optional fractions), `YYYY-MM-DD` (midnight UTC) or Unix seconds or
//! milliseconds. A date that does not read leaves the next column of the list
//! to try, then `None`: the row is kept.

use std::collections::HashSet;
use std::io::Write;

/// Bounds on what [`read`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvLimits {
    /// Bytes of input read; the rest is reported and ignored.
    pub max_bytes: usize,
    /// Data rows read (valid or not); the rest is reported and ignored.
    pub max_rows: usize,
    /// Longest value accepted in a column that is read (email, name, tags, …);
    /// a row with a longer one is reported.
    pub max_field_bytes: usize,
}

impl Default for CsvLimits {
    /// 50 MiB, 1,000,000 rows, 4 KiB per field.
    fn default() -> Self {
        Self {
            max_bytes: 50 << 20,
            max_rows: 1_000_000,
            max_field_bytes: 4 << 10,
        }
    }
}

/// What [`read`] found: the valid rows, in file order, and the problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvReport {
    /// The valid rows, each email once (the first row that has it).
    pub rows: Vec<ImportRow>,
    /// Rows left out and why, and problems with the whole file (line 1 for
    /// the header; the line where reading stopped for the limits).
    pub problems: Vec<RowProblem>,
}

/// One subscriber from an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The line of the file the row starts on (1 is the header).
    pub line: u64,
    /// The address, trimmed, its domain lower-cased.
    pub email: String,
    /// The name, or first and last name joined; whitespace runs and control
    /// characters become one space.
    pub name: Option<String>,
    /// An IANA time zone known to this machine, e.g. `Europe/Berlin`.
    pub time_zone: Option<String>,
    /// Tags, trimmed, without empty or repeated ones, in file order (a `;`
    /// inside one becomes `,`).
    pub tags: Vec<String>,
    /// When the subscriber consented (or, failing a consent column, joined),
    /// UTC milliseconds since the Unix epoch.
    pub consent_at: Option<i64>,
    /// What the export says of the subscription, when it says: one of
    /// `subscribed`, `unconfirmed`, `unsubscribed`, `cleaned` (bounced,
    /// complained or blocked).
    pub status: Option<String>,
}

/// A row left out, or a problem with the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The line the row starts on.
    pub line: u64,
    /// Why, in words for the person importing.
    pub reason: String,
}

/// One subscriber for [`write()`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    /// The address.
    pub email: String,
    /// The name, if known.
    pub name: Option<String>,
    /// The IANA time zone, if known.
    pub time_zone: Option<String>,
    /// The subscription's status, e.g. `subscribed` or `unsubscribed`.
    pub status: Option<String>,
    /// Tags (a `;` inside a tag is written as `,`).
    pub tags: Vec<String>,
    /// When the subscriber consented, UTC milliseconds.
    pub consent_at: Option<i64>,
    /// When the subscriber was added, UTC milliseconds.
    pub created_at: i64,
}

/// The header [`write()`] writes.
pub const EXPORT_HEADER: [&str; 7] = [
    "email",
    "name",
    "time_zone",
    "status",
    "tags",
    "consent_at",
    "created_at",
];

/// Writes `rows` as CSV with the header [`EXPORT_HEADER`]: times in RFC 3339
/// (UTC), tags joined by `;` in one field. [`read`] reads it back. A value
/// that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
/// `@`) is written after a `'`, which [`read`] removes.
pub fn write(rows: impl Iterator<Item = ExportRow>, out: impl Write) -> std::io::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(EXPORT_HEADER)?;
    for row in rows {
        let tags: Vec<String> = row
            .tags
            .iter()
            .map(|t| t.replace(';', ",").trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        let mut tags = tags.join(";");
        if tags.starts_with('"') {
            // Not Mailchimp's `"a","b"`: a leading `;` says so (`read` drops
            // the empty tag before it).
            tags.insert(0, ';');
        } else if !tags.contains(';') && tags.contains(',') {
            // One tag with a comma: a trailing `;` tells `read` that `;`, not
            // `,`, separates the tags of this field.
            tags.push(';');
        }
        writer.write_record([
            defuse(&row.email),
            defuse(row.name.as_deref().unwrap_or("")),
            defuse(row.time_zone.as_deref().unwrap_or("")),
            defuse(row.status.as_deref().unwrap_or("")),
            defuse(&tags),
            row.consent_at.map(rfc3339).unwrap_or_default(),
            rfc3339(row.created_at),
        ])?;
    }
    writer.flush()
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Characters that make a spreadsheet read a cell as a formula.
fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

fn defuse(value: &str) -> String {
    match value.chars().next() {
        Some(c) if is_formula_start(c) || c == '\'' => format!("'{value}"),
        _ => value.to_owned(),
    }
}

fn undefuse(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c| is_formula_start(c) || c == '\'') => rest,
        _ => value,
    }
}

/// The columns of the file that [`read`] uses, by index.
#[derive(Debug, Default)]
struct Columns {
    email: Option<usize>,
    name: Option<usize>,
    first_name: Option<usize>,
    last_name: Option<usize>,
    time_zone: Option<usize>,
    tags: Option<usize>,
    /// Consent columns, in the order they are tried.
    consent: Vec<usize>,
    /// Creation columns, tried only when there is no consent column.
    created: Vec<usize>,
    status: Option<usize>,
    /// Yes/no columns: (index, what "yes" means).
    flags: Vec<(usize, Flag)>,
    /// Columns whose non-empty value sets a status (Mailchimp's UNSUB_TIME…).
    status_when_set: Vec<(usize, &'static str)>,
    /// `subscribed`: a date (consent) or a yes/no.
    subscribed: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
enum Flag {
    /// "yes" = subscribed, "no" = unsubscribed.
    Subscribed,
    /// "yes" = unsubscribed.
    Disabled,
}

/// A column name without case, spaces, `_`, `-`, `.` nor quotes.
fn normalise(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '"' | '\'') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

impl Columns {
    fn from_header(header: &[String]) -> Self {
        let names: Vec<String> = header.iter().map(|h| normalise(h)).collect();
        let find = |aliases: &[&str]| {
            aliases
                .iter()
                .find_map(|alias| names.iter().position(|n| n == alias))
        };
        let all = |aliases: &[&str]| -> Vec<usize> {
            aliases
                .iter()
                .filter_map(|alias| names.iter().position(|n| n == alias))
                .collect()
        };
        let mut flags = Vec::new();
        if let Some(i) = find(&["subscribedtoemails", "subscribedtoemail", "emailsubscribed"]) {
            flags.push((i, Flag::Subscribed));
        }
        if let Some(i) = find(&["emaildisabled", "unsubscribed"]) {
            flags.push((i, Flag::Disabled));
        }
        let mut status_when_set = Vec::new();
        if let Some(i) = find(&["cleantime", "bouncedat"]) {
            status_when_set.push((i, "cleaned"));
        }
        if let Some(i) = find(&["unsubtime", "unsubscribedat", "unsubscribetime"]) {
            status_when_set.push((i, "unsubscribed"));
        }
        Self {
            email: find(&[
                "email",
                "emailaddress",
                "subscriberemail",
                "useremail",
                "mail",
                "subscriber",
            ]),
            name: find(&["name", "fullname", "displayname", "subscribername"]),
            first_name: find(&["firstname", "fname", "first", "givenname"]),
            last_name: find(&["lastname", "lname", "last", "surname", "familyname"]),
            time_zone: find(&["timezone", "tz"]),
            tags: find(&["tags", "labels", "tag", "label", "groups"]),
            consent: all(&[
                "consentat",
                "consenttime",
                "consentdate",
                "confirmtime",
                "confirmedat",
                "optintime",
                "optinat",
                "optedinat",
                "subscribedat",
                "subscriptiondate",
                "subscribedon",
                "datesubscribed",
            ]),
            created: all(&[
                "createdat",
                "creationdate",
                "created",
                "datecreated",
                "dateadded",
                "addedat",
                "signupdate",
                "joinedat",
            ]),
            status: find(&["status", "state", "subscribertype", "subscriptionstatus"]),
            flags,
            status_when_set,
            subscribed: find(&["subscribed"]),
        }
    }
}

/// The separator of the file: `,`, `;` or tab, whichever the header line
/// (outside quotes) has most of; `,` when it has none.
fn sniff_delimiter(input: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in input.iter().take(64 << 10) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let (best, _) = [b',', b';', b'\t']
        .into_iter()
        .zip(counts)
        .fold(
            (b',', 0),
            |acc, (d, n)| if n > acc.1 { (d, n) } else { acc },
        );
    best
}

/// Reads a subscriber CSV (see the module doc for the columns understood).
pub fn read(input: &[u8], limits: &CsvLimits) -> CsvReport {
    let mut report = CsvReport::default();
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let input = if input.len() > limits.max_bytes {
        // Stop at the last whole line within the limit.
        let cut = input[..limits.max_bytes]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + line_breaks(input, 0, cut);
        report.problems.push(RowProblem {
            line,
            reason: format!(
                "the file is larger than {} bytes: rows from this line on were not read",
                limits.max_bytes
            ),
        });
        &input[..cut]
    } else {
        input
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(input))
        .from_reader(input);
    let mut record = csv::ByteRecord::new();

    // The header, or a first row that is already an address (a bare list).
    let header: Vec<String> = match reader.read_byte_record(&mut record) {
        Ok(true) => record.iter().map(|f| lossy(f).into_owned()).collect(),
        Ok(false) => {
            report.problems.insert(
                0,
                RowProblem {
                    line: 1,
                    reason: "the file is empty".into(),
                },
            );
            return report;
        }
        Err(e) => {
            report.problems.insert(
                0,
                RowProblem {
                    line: 1,
                    reason: format!("the header does not read: {e}"),
                },
            );
            return report;
        }
    };
    let mut columns = Columns::from_header(&header);
    let mut first_row_is_data = false;
    if columns.email.is_none() {
        if let Some(i) = header.iter().position(|f| check_email(f.trim()).is_ok()) {
            // No header: a bare list of addresses.
            columns = Columns {
                email: Some(i),
                ..Columns::default()
            };
            first_row_is_data = true;
        } else {
            report.problems.insert(
                0,
                RowProblem {
                    line: 1,
                    reason: "no email column: the header needs a column named email (or \
                             Email Address, email_address, e-mail, Subscriber)"
                        .into(),
                },
            );
            return report;
        }
    }

    let mut lines = LineCounter::new(input);
    let mut seen: HashSet<String> = HashSet::new();
    let mut count = 0usize;
    let mut pending = first_row_is_data;
    loop {
        if !pending {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = lines.line_at(e.position().map_or(0, csv::Position::byte));
                    report.problems.push(RowProblem {
                        line,
                        reason: format!("the row does not read: {e}"),
                    });
                    count += 1;
                    if count >= limits.max_rows {
                        break;
                    }
                    continue;
                }
            }
        }
        pending = false;
        let line = lines.line_at(record.position().map_or(0, csv::Position::byte));
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        if count >= limits.max_rows {
            report.problems.push(RowProblem {
                line,
                reason: format!(
                    "more than {} rows: rows from this line on were not read",
                    limits.max_rows
                ),
            });
            break;
        }
        count += 1;
        match row(&record, &columns, limits) {
            Ok(mut row) => {
                row.line = line;
                if seen.insert(row.email.to_lowercase()) {
                    report.rows.push(row);
                } else {
                    report.problems.push(RowProblem {
                        line,
                        reason: format!("{} appears earlier in the file", row.email),
                    });
                }
            }
            Err(reason) => report.problems.push(RowProblem { line, reason }),
        }
    }
    report.problems.sort_by_key(|p| p.line);
    report
}

/// Physical line numbers of byte offsets, counted once from the start: csv's
/// own count is off by one after a CRLF, and ignores a lone CR.
struct LineCounter<'a> {
    input: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the record that starts at `byte` (offsets only grow).
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.input.len());
        // A record "starts" at the `\n` left over from the CRLF before it.
        while byte < self.input.len() && matches!(self.input[byte], b'\n' | b'\r') {
            byte += 1;
        }
        if byte > self.offset {
            self.line += line_breaks(self.input, self.offset, byte);
            self.offset = byte;
        }
        self.line
    }
}

/// Line breaks (`\n`, `\r\n` or a lone `\r`, as csv reads them) that end in
/// `input[from..to]`.
fn line_breaks(input: &[u8], from: usize, to: usize) -> u64 {
    (from..to)
        .filter(|&i| match input[i] {
            b'\n' => true,
            b'\r' => input.get(i + 1) != Some(&b'\n'),
            _ => false,
        })
        .count() as u64
}

fn lossy(field: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(field)
}

/// One row's fields, checked.
fn row(
    record: &csv::ByteRecord,
    columns: &Columns,
    limits: &CsvLimits,
) -> Result<ImportRow, String> {
    let field = |index: Option<usize>, what: &str| -> Result<Option<String>, String> {
        let Some(bytes) = index.and_then(|i| record.get(i)) else {
            return Ok(None);
        };
        if bytes.len() > limits.max_field_bytes {
            return Err(format!(
                "the {what} is longer than {} bytes",
                limits.max_field_bytes
            ));
        }
        let value = lossy(bytes);
        let value = undefuse(value.trim()).trim();
        Ok((!value.is_empty()).then(|| value.to_owned()))
    };
    let email = field(columns.email, "email")?.ok_or("no email address")?;
    let email = check_email(&email)?;

    let name = match field(columns.name, "name")? {
        Some(name) => Some(name),
        None => {
            let first = field(columns.first_name, "first name")?;
            let last = field(columns.last_name, "last name")?;
            match (first, last) {
                (Some(f), Some(l)) => Some(format!("{f} {l}")),
                (f, l) => f.or(l),
            }
        }
    }
    .map(|n| clean_name(&n))
    .filter(|n| !n.is_empty());

    // Spelled as the time zone database spells it (`europe/berlin` →
    // `Europe/Berlin`).
    let time_zone = field(columns.time_zone, "time zone")?
        .filter(|tz| tz.len() <= 64)
        .and_then(|tz| jiff::tz::TimeZone::get(&tz).ok())
        .and_then(|tz| tz.iana_name().map(str::to_owned));

    let tags = field(columns.tags, "tags")?
        .map(|t| split_tags(&t))
        .unwrap_or_default();

    let subscribed = field(columns.subscribed, "subscribed")?;
    let mut consent_at = None;
    for &i in &columns.consent {
        if let Some(t) = field(Some(i), "date")?.and_then(|v| parse_time(&v)) {
            consent_at = Some(t);
            break;
        }
    }
    if consent_at.is_none() {
        consent_at = subscribed.as_deref().and_then(parse_time);
    }
    if consent_at.is_none() && columns.consent.is_empty() {
        for &i in &columns.created {
            if let Some(t) = field(Some(i), "date")?.and_then(|v| parse_time(&v)) {
                consent_at = Some(t);
                break;
            }
        }
    }

    let mut status = field(columns.status, "status")?.and_then(|s| normalise_status(&s));
    for &(i, flag) in &columns.flags {
        if let Some(yes) = field(Some(i), "yes/no")?.and_then(|v| parse_bool(&v)) {
            let unsubscribed = match flag {
                Flag::Subscribed => !yes,
                Flag::Disabled => yes,
            };
            if unsubscribed {
                status = Some("unsubscribed".into());
            } else if status.is_none() {
                status = Some("subscribed".into());
            }
        }
    }
    if let Some(yes) = subscribed.as_deref().and_then(parse_bool) {
        if !yes {
            status = Some("unsubscribed".into());
        } else if status.is_none() {
            status = Some("subscribed".into());
        }
    }
    for &(i, what) in &columns.status_when_set {
        if field(Some(i), "date")?.is_some() {
            status = Some(what.into());
            break;
        }
    }

    Ok(ImportRow {
        line: 0,
        email,
        name,
        time_zone,
        tags,
        consent_at,
        status,
    })
}

/// The address if it is one (lettre's parser, at most 254 bytes), with its
/// domain lower-cased.
fn check_email(email: &str) -> Result<String, String> {
    let email = email.trim();
    let email = email
        .strip_prefix("mailto:")
        .or_else(|| email.strip_prefix("MAILTO:"))
        .unwrap_or(email);
    if email.len() > 254 {
        return Err("the email address is longer than 254 bytes".into());
    }
    let address: lettre::Address = email
        .parse()
        .map_err(|e| format!("{email:?} is not an email address: {e}"))?;
    Ok(format!(
        "{}@{}",
        address.user(),
        address.domain().to_lowercase()
    ))
}

fn clean_name(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Tags from one field: Mailchimp's `"a","b"`, or split on `;` when the field
/// has one, else on `,`; whitespace as in [`clean_name`].
fn split_tags(field: &str) -> Vec<String> {
    let parts: Vec<String> = if field.starts_with('"') {
        quoted_list(field)
    } else if field.contains(';') {
        field.split(';').map(str::to_owned).collect()
    } else {
        field.split(',').map(str::to_owned).collect()
    };
    let mut tags: Vec<String> = Vec::with_capacity(parts.len());
    for tag in parts {
        // A tag never holds `;`, which separates tags in Abide's export.
        let tag = clean_name(&tag.replace(';', ","));
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// Mailchimp's `"a","b ""c""",d`: quoted (quotes doubled) or bare items
/// between commas.
fn quoted_list(field: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = field.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                item.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => items.push(std::mem::take(&mut item)),
            c => item.push(c),
        }
    }
    items.push(item);
    items
}

fn normalise_status(value: &str) -> Option<String> {
    let status = match normalise(value).as_str() {
        "subscribed" | "active" | "enabled" | "confirmed" | "regular" | "premium" | "paid"
        | "free" | "optedin" | "optin" => "subscribed",
        "unconfirmed" | "pending" | "unactivated" | "notconfirmed" => "unconfirmed",
        "unsubscribed" | "inactive" | "cancelled" | "canceled" | "optedout" | "optout"
        | "removed" | "unsubscribe" => "unsubscribed",
        "cleaned" | "bounced" | "bounce" | "complained" | "complaint" | "blocklisted"
        | "blacklisted" | "blocked" | "spam" | "undeliverable" | "junk" => "cleaned",
        _ => return None,
    };
    Some(status.to_owned())
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" => Some(true),
        "false" | "no" | "n" | "0" | "f" => Some(false),
        _ => None,
    }
}

/// A time in one of the forms of the module doc, as UTC milliseconds.
fn parse_time(value: &str) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() || value.len() > 64 {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Unix time: seconds (up to 11 digits) or milliseconds.
        let n: i64 = value.parse().ok()?;
        let ms = if value.len() <= 11 {
            n.checked_mul(1000)?
        } else {
            n
        };
        return jiff::Timestamp::from_millisecond(ms)
            .ok()
            .map(|t| t.as_millisecond());
    }
    if let Ok(t) = value.parse::<jiff::Timestamp>() {
        return Some(t.as_millisecond());
    }
    // Without an offset: UTC. jiff reads `T` or a space between date and time.
    let utc = |dt: jiff::civil::DateTime| {
        jiff::tz::TimeZone::UTC
            .to_timestamp(dt)
            .ok()
            .map(jiff::Timestamp::as_millisecond)
    };
    if let Ok(dt) = value.parse::<jiff::civil::DateTime>() {
        return utc(dt);
    }
    if let Ok(d) = value.parse::<jiff::civil::Date>() {
        return utc(d.into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> CsvReport {
        read(s.as_bytes(), &CsvLimits::default())
    }

    const JAN_2: i64 = 1_704_153_600_000; // 2024-01-02T00:00:00Z

    #[test]
    fn dates() {
        assert_eq!(parse_time("2024-01-02"), Some(JAN_2));
        assert_eq!(parse_time("2024-01-02 00:00:01"), Some(JAN_2 + 1000));
        assert_eq!(parse_time("2024-01-02T00:00:01"), Some(JAN_2 + 1000));
        assert_eq!(parse_time("2024-01-02T00:00:01.5Z"), Some(JAN_2 + 1500));
        assert_eq!(parse_time("2024-01-02T02:00:00+02:00"), Some(JAN_2));
        assert_eq!(parse_time("1704153600"), Some(JAN_2));
        assert_eq!(parse_time("1704153600000"), Some(JAN_2));
        assert_eq!(
            parse_time("2018-08-27T15:06:27.713Z"),
            Some(1_535_382_387_713)
        );
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "99999999999999999999",
            "1/2/2024",
        ] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn mailchimp_tags() {
        assert_eq!(
            split_tags(r#""a","b ""c""", d ,"e,f""#),
            vec!["a", "b \"c\"", "d", "e,f"]
        );
        assert_eq!(split_tags(r#""unclosed, x"#), vec!["unclosed, x"]);
        assert_eq!(split_tags(r#"";""#), vec![","]);
        assert_eq!(split_tags("x; y;;"), vec!["x", "y"]);
    }

    #[test]
    fn mailchimp_export() {
        let csv = "\u{feff}\"Email Address\",\"First Name\",\"Last Name\",MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS\r\n\
            Ruth@Example.ORG,Ruth,Reader,2,\"2024-01-01 10:00:00\",,\"2024-01-02 00:00:00\",1.2.3.4,,,,,Europe/Berlin,DE,,\"2024-01-03 00:00:00\",1,abc,,\"\"\"Daily\"\",\"\"Weekly, digest\"\"\"\r\n\
            boaz@example.org,,,2,,,,,,,,,Not/AZone,,,,,,,\r\n";
        let report = read_str(csv);
        assert_eq!(report.problems, vec![]);
        assert_eq!(
            report.rows[0],
            ImportRow {
                line: 2,
                email: "Ruth@example.org".into(),
                name: Some("Ruth Reader".into()),
                time_zone: Some("Europe/Berlin".into()),
                tags: vec!["Daily".into(), "Weekly, digest".into()],
                consent_at: Some(JAN_2),
                status: None,
            }
        );
        assert_eq!(report.rows[1].time_zone, None);
        assert_eq!(report.rows[1].name, None);
    }

    #[test]
    fn mailchimp_unsubscribed_and_cleaned_files() {
        let unsub = "Email Address,First Name,UNSUB_TIME,UNSUB_CAMPAIGN_TITLE\na@example.org,A,2024-01-02 00:00:00,Week 1\n";
        assert_eq!(
            read_str(unsub).rows[0].status.as_deref(),
            Some("unsubscribed")
        );
        let cleaned =
            "Email Address,CLEAN_TIME,CLEAN_CAMPAIGN_TITLE\na@example.org,2024-01-02 00:00:00,x\n";
        assert_eq!(read_str(cleaned).rows[0].status.as_deref(), Some("cleaned"));
    }

    #[test]
    fn substack_ghost_listmonk_kit_buttondown_mailerlite() {
        let substack = "email,active_subscription,expiry,email_disabled,created_at,stripe_customer_id,type\n\
            a@example.org,true,2021-07-06T16:20:44.000Z,false,2018-08-27T15:06:27.713Z,,free\n\
            b@example.org,true,,true,2018-08-27T15:02:18.223Z,,free\n";
        let r = read_str(substack);
        assert_eq!(r.rows[0].consent_at, Some(1_535_382_387_713));
        assert_eq!(r.rows[0].status.as_deref(), Some("subscribed"));
        assert_eq!(r.rows[1].status.as_deref(), Some("unsubscribed"));

        let ghost = "id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers\n\
            1,a@example.org,Ann,,true,false,,2024-01-02T00:00:00.000Z,,\"Weekly, Events\",\n\
            2,b@example.org,Bob,,false,false,,2024-01-02T00:00:00.000Z,,,\n";
        let r = read_str(ghost);
        assert_eq!(r.rows[0].tags, vec!["Weekly", "Events"]);
        assert_eq!(r.rows[0].consent_at, Some(JAN_2));
        assert_eq!(r.rows[1].status.as_deref(), Some("unsubscribed"));

        let listmonk = "uuid,email,name,attributes,status,created_at,updated_at\n\
            x,a@example.org,Ann,\"{\"\"city\"\": \"\"Bengaluru\"\"}\",blocklisted,2024-01-02 00:00:00.123+00,x\n";
        let r = read_str(listmonk);
        assert_eq!(r.rows[0].status.as_deref(), Some("cleaned"));
        assert_eq!(r.rows[0].consent_at, Some(JAN_2 + 123));

        let kit = "first_name,email_address,state,created_at,tags\nAnn,a@example.org,active,2024-01-02,\"A, B\"\n";
        let r = read_str(kit);
        assert_eq!(r.rows[0].name.as_deref(), Some("Ann"));
        assert_eq!(r.rows[0].status.as_deref(), Some("subscribed"));
        assert_eq!(r.rows[0].tags, vec!["A", "B"]);

        let buttondown = "email,creation_date,tags,notes,subscriber_type\na@example.org,2024-01-02,daily,,unactivated\n";
        let r = read_str(buttondown);
        assert_eq!(r.rows[0].status.as_deref(), Some("unconfirmed"));
        assert_eq!(r.rows[0].consent_at, Some(JAN_2));

        let mailerlite =
            "Subscriber;Name;Subscribed;Location\na@example.org;Ann;2024-01-02 00:00:00;Vilnius\n";
        let r = read_str(mailerlite);
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.rows[0].email, "a@example.org");
        assert_eq!(r.rows[0].consent_at, Some(JAN_2));
    }

    #[test]
    fn bad_and_duplicate_rows_are_reported_by_line() {
        let csv = "email,name\r\n\
            a@example.org,\"Ann\r\nSecond line\"\r\n\
            not an address,X\r\n\
            ,nobody\r\n\
            A@EXAMPLE.org,Again\r\n\
            ,,\r\n\
            b@example.org\r\n";
        let r = read_str(csv);
        assert_eq!(
            r.rows
                .iter()
                .map(|r| (r.line, r.email.as_str()))
                .collect::<Vec<_>>(),
            vec![(2, "a@example.org"), (8, "b@example.org")]
        );
        assert_eq!(r.rows[0].name.as_deref(), Some("Ann Second line"));
        assert_eq!(
            r.problems.iter().map(|p| p.line).collect::<Vec<_>>(),
            vec![4, 5, 6]
        );
        assert!(r.problems[2].reason.contains("earlier"), "{:?}", r.problems);
    }

    #[test]
    fn delimiters_and_bare_lists() {
        let r = read_str("email\tname\na@example.org\tAnn, Smith\n");
        assert_eq!(r.rows[0].name.as_deref(), Some("Ann, Smith"));
        let r = read_str("a@example.org\nb@example.org\n");
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].line, 1);
        let r = read_str("name,phone\nAnn,1\n");
        assert!(r.rows.is_empty());
        assert_eq!(r.problems[0].line, 1);
        assert!(r.problems[0].reason.contains("no email column"));
        assert_eq!(read_str("").problems[0].reason, "the file is empty");
    }

    #[test]
    fn limits() {
        let mut csv = String::from("email\n");
        for i in 0..10 {
            csv.push_str(&format!("r{i}@example.org\n"));
        }
        let r = read(
            csv.as_bytes(),
            &CsvLimits {
                max_rows: 4,
                ..CsvLimits::default()
            },
        );
        assert_eq!(r.rows.len(), 4);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].line, 6);
        let r = read(
            csv.as_bytes(),
            &CsvLimits {
                max_bytes: 40,
                ..CsvLimits::default()
            },
        );
        // "email\n" and two 15-byte rows fit in 40 bytes.
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.problems[0].line, 4);
        let r = read(
            format!(
                "email,name\na@example.org,{}\nb@example.org,B\n",
                "x".repeat(100)
            )
            .as_bytes(),
            &CsvLimits {
                max_field_bytes: 50,
                ..CsvLimits::default()
            },
        );
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.problems[0].line, 2);
    }

    #[test]
    fn the_export_reads_back_and_defuses_formulas() {
        let rows = vec![
            ExportRow {
                email: "a@example.org".into(),
                name: Some("=HYPERLINK(\"x\")".into()),
                time_zone: Some("Asia/Kolkata".into()),
                status: Some("subscribed".into()),
                tags: vec!["daily, weekly".into()],
                consent_at: Some(JAN_2 + 1),
                created_at: JAN_2,
            },
            ExportRow {
                email: "b@example.org".into(),
                name: None,
                time_zone: None,
                status: None,
                tags: vec!["a".into(), "b;c".into()],
                consent_at: None,
                created_at: JAN_2,
            },
        ];
        let mut out = Vec::new();
        write(rows.into_iter(), &mut out).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.starts_with("email,name,time_zone,status,tags,consent_at,created_at\r\n"));
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
        assert!(text.contains("2024-01-02T00:00:00.001Z"), "{text}");
        let r = read(&out, &CsvLimits::default());
        assert_eq!(r.problems, vec![]);
        assert_eq!(r.rows[0].name.as_deref(), Some("=HYPERLINK(\"x\")"));
        assert_eq!(r.rows[0].tags, vec!["daily, weekly"]);
        assert_eq!(r.rows[0].consent_at, Some(JAN_2 + 1));
        assert_eq!(r.rows[1].tags, vec!["a", "b,c"]);
        // An export's consent column is there, so an empty one stays empty.
        assert_eq!(r.rows[1].consent_at, None);
    }
}
