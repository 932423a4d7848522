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

/// The SWORD module of the 2020 World English Bible (Debian `sword-text-web`).
pub(crate) const WEB_MODULE: &str = "engWEB2015eb";

/// The World English Bible, imported from its installed SWORD module once
/// per test run (the file is read into memory, then its folder removed).
/// Fails with what to install when the module is missing: it does not skip.
pub(crate) fn web() -> &'static abide_bible::Translation {
    static WEB: std::sync::OnceLock<abide_bible::Translation> = std::sync::OnceLock::new();
    WEB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let options = abide_bible::ImportOptions::new("web");
        let report =
            abide_bible::import_sword(WEB_MODULE, &options, dir.path()).unwrap_or_else(|e| {
                panic!(
                    "this test reads the World English Bible from its SWORD module, which \
                     cannot be imported: {e}\nscripts/test installs it \
                     (apt-get install sword-text-web libsword-utils)"
                )
            });
        abide_bible::Translation::open(&report.path).unwrap()
    })
}

/// The bundled translation `id`.
pub(crate) fn bundled(id: &str) -> &'static abide_bible::Translation {
    static LIBRARY: std::sync::OnceLock<abide_bible::Library> = std::sync::OnceLock::new();
    LIBRARY
        .get_or_init(abide_bible::Library::bundled)
        .get(id)
        .unwrap_or_else(|| panic!("no bundled translation {id}"))
}

/// The verses of a reference in a translation.
pub(crate) fn verses(t: &abide_bible::Translation, reference: &str) -> Vec<abide_bible::Verse> {
    let citation = abide_scripture::parse(reference).unwrap();
    t.passage(&citation.ranges)
        .unwrap_or_else(|e| panic!("{reference} in {}: {e}", t.id()))
        .verses
}

/// The text of one verse.
pub(crate) fn text(t: &abide_bible::Translation, reference: &str) -> String {
    let v = verses(t, reference);
    assert_eq!(v.len(), 1, "{reference} in {}", t.id());
    v[0].text.clone()
}
