//! Helpers shared by the test modules.

use std::path::PathBuf;

/// The path of a fixture file.
pub(crate) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The text of a fixture file.
pub(crate) fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The OSIS strings of every citation in `text`, comma-joined as `abide refs` prints them.
pub(crate) fn osis_line(text: &str) -> String {
    let found: Vec<String> = abide_scripture::extract(text)
        .iter()
        .map(abide_scripture::Citation::osis)
        .collect();
    found.join(",")
}

/// Table-driven fixtures: `input<TAB>expected` lines; `#` starts a comment
/// line, blank lines are skipped. Returns `(line number, input, expected)`.
pub(crate) fn cases(name: &str) -> Vec<(usize, String, String)> {
    read_fixture(name)
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let (input, expected) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("{name}:{}: no tab in {l:?}", i + 1));
            (i + 1, input.to_owned(), expected.to_owned())
        })
        .collect()
}
