//! Arbitrary bytes through the subscriber CSV reader, with small limits: no
//! panic, no more rows than the limit, every row an address kept once, lines
//! in order and within the file; and the rows it keeps, written back out, read
//! back the same.
//!
//! ```sh
//! cargo +nightly fuzz run subscribers_csv   # from crates/mail
//! ```
//! The same properties run on stable in `tests/subscribers_csv.rs`.
#![no_main]

use abide_mail::subscribers_csv::{CsvLimits, ExportRow, read, write};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = CsvLimits {
        max_bytes: 16 << 10,
        max_rows: 200,
        max_field_bytes: 256,
    };
    let report = read(data, &limits);
    assert!(report.rows.len() <= limits.max_rows);
    // Lines end with LF, CRLF or a lone CR.
    let lines = 1 + data
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && data.get(i + 1) != Some(&b'\n')))
        .count() as u64;
    let mut last = 0;
    let mut seen = std::collections::HashSet::new();
    for row in &report.rows {
        assert!(row.line > last && row.line <= lines);
        last = row.line;
        assert!(row.email.contains('@') && row.email.len() <= 254);
        assert!(seen.insert(row.email.to_lowercase()));
    }

    let mut out = Vec::new();
    write(
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
    .expect("writing to memory");
    let again = read(&out, &CsvLimits::default());
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    assert_eq!(again.rows.len(), report.rows.len());
    for (a, b) in again.rows.iter().zip(&report.rows) {
        assert_eq!(
            (&a.email, &a.name, &a.time_zone, &a.status, &a.tags, a.consent_at),
            (&b.email, &b.name, &b.time_zone, &b.status, &b.tags, b.consent_at)
        );
    }
});
