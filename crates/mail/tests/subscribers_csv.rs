//! Subscriber CSV: never a panic, whatever the input; the export reads back.

use abide_mail::subscribers_csv::{self, CsvLimits, ExportRow};
use proptest::prelude::*;

const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Pacific/Auckland",
    "UTC",
];
const STATUSES: &[&str] = &["subscribed", "unconfirmed", "unsubscribed", "cleaned"];

/// Text as it comes back from `read`: trimmed, one space between words, no
/// control characters; quotes, commas, `'`, `=`, non-ASCII welcome.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-zA-Z0-9éßא'=+@\"<>,.-]{1,8}", 1..4).prop_map(|w| w.join(" "))
}

fn email() -> impl Strategy<Value = String> {
    // Local parts with the characters spreadsheets and CSV care about.
    ("[a-z0-9=+'-][a-z0-9._+=-]{0,15}", "[a-z0-9]{1,10}").prop_filter_map(
        "lettre accepts it",
        |(local, domain)| {
            let email = format!("{local}@{domain}.example");
            (email.parse::<lettre::Address>().is_ok()
                && !local.ends_with('.')
                && !local.contains(".."))
            .then_some(email)
        },
    )
}

fn export_row() -> impl Strategy<Value = ExportRow> {
    (
        email(),
        proptest::option::of(text()),
        proptest::option::of(proptest::sample::select(ZONES)),
        proptest::option::of(proptest::sample::select(STATUSES)),
        proptest::collection::vec(text().prop_map(|t| t.replace(';', ",")), 0..4),
        proptest::option::of(0i64..4_102_444_800_000),
        0i64..4_102_444_800_000,
    )
        .prop_map(
            |(email, name, zone, status, tags, consent_at, created_at)| ExportRow {
                email,
                name,
                time_zone: zone.map(str::to_owned),
                status: status.map(str::to_owned),
                tags,
                consent_at,
                created_at,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_bytes(input in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let limits = CsvLimits { max_bytes: 1024, max_rows: 20, max_field_bytes: 64 };
        let report = subscribers_csv::read(&input, &limits);
        prop_assert!(report.rows.len() <= 20);
    }

    #[test]
    fn never_panics_on_csv_like_text(
        input in "(email|Email Address|name|First Name|tags|TIMEZONE|created_at|status|europe/berlin|unsubscribed|\"|,|;|\t|\r\n|\n| |a@b.example|c@B.example|x|2024-01-02|1704153600|=|'|\u{feff})*"
    ) {
        let limits = CsvLimits { max_bytes: 4096, max_rows: 50, max_field_bytes: 128 };
        let report = subscribers_csv::read(input.as_bytes(), &limits);
        let mut last = 0;
        for row in &report.rows {
            prop_assert!(row.email.contains('@'));
            prop_assert!(row.line > last);
            last = row.line;
        }
        // Whatever was read, written out, reads back the same.
        let mut out = Vec::new();
        subscribers_csv::write(
            report.rows.iter().map(|r| ExportRow {
                email: r.email.clone(),
                name: r.name.clone(),
                time_zone: r.time_zone.clone(),
                status: r.status.clone(),
                tags: r.tags.clone(),
                consent_at: r.consent_at,
                created_at: 0,
            }),
            &mut out,
        )
        .unwrap();
        let again = subscribers_csv::read(&out, &CsvLimits::default());
        prop_assert_eq!(&again.problems, &vec![]);
        let key = |r: &subscribers_csv::ImportRow| {
            (r.email.clone(), r.name.clone(), r.time_zone.clone(), r.status.clone(), r.tags.clone(), r.consent_at)
        };
        prop_assert_eq!(
            again.rows.iter().map(key).collect::<Vec<_>>(),
            report.rows.iter().map(key).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_export_reads_back(rows in proptest::collection::vec(export_row(), 0..20)) {
        // One row per address, as in a real export.
        let mut seen = std::collections::HashSet::new();
        let rows: Vec<ExportRow> = rows
            .into_iter()
            .filter(|r| seen.insert(r.email.to_lowercase()))
            .collect();
        let mut out = Vec::new();
        subscribers_csv::write(rows.clone().into_iter(), &mut out).unwrap();
        let report = subscribers_csv::read(&out, &CsvLimits::default());
        prop_assert_eq!(&report.problems, &vec![]);
        prop_assert_eq!(report.rows.len(), rows.len());
        for (read, written) in report.rows.iter().zip(&rows) {
            prop_assert_eq!(&read.email, &written.email);
            prop_assert_eq!(&read.name, &written.name);
            prop_assert_eq!(&read.time_zone, &written.time_zone);
            prop_assert_eq!(&read.status, &written.status);
            let mut tags: Vec<String> = Vec::new();
            for t in &written.tags {
                if !tags.contains(t) {
                    tags.push(t.clone());
                }
            }
            prop_assert_eq!(&read.tags, &tags);
            prop_assert_eq!(read.consent_at, written.consent_at);
        }
    }
}

#[test]
fn quoted_newlines_report_the_first_line() {
    let csv = "email;name;tags\r\n\"a@x.example\";\"Ann\r\nof two lines\";x\r\nbroken;\"B\";y\r\n";
    let report = subscribers_csv::read(csv.as_bytes(), &CsvLimits::default());
    assert_eq!(report.rows.len(), 1);
    assert_eq!(report.rows[0].line, 2);
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].line, 4);
}
