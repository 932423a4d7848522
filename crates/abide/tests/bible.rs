//! `abide bible` as a person runs it: the default translation (the World
//! English Bible, imported on first use from its installed SWORD module),
//! passages, search, import, the verse of the day, and one-line errors.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use crate::util::run;

/// A data folder whose translations folder has the WEB imported, shared by
/// the tests (they only read it). Fails, naming the packages, when the WEB
/// cannot be imported.
fn data_with_web() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = bible(dir.path(), &["list"]);
        let web = dir.path().join("translations/web.bible");
        assert!(
            out.status.success() && web.is_file(),
            "the World English Bible was not imported from the SWORD module engWEB2015eb; \
             scripts/test installs it (apt-get install sword-text-web libsword-utils): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
    .path()
}

/// `abide bible ARGS` with `data` as its data folder.
fn bible(data: &Path, args: &[&str]) -> Output {
    let mut all = vec!["bible"];
    all.extend_from_slice(args);
    let cwd = tempfile::tempdir().unwrap();
    run(
        cwd.path(),
        &all,
        &[("ABIDE_DATA_DIR", data.to_str().unwrap())],
    )
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A fresh data folder with the shared WEB copied in (no second import).
fn fresh_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let translations = dir.path().join("translations");
    std::fs::create_dir_all(&translations).unwrap();
    std::fs::copy(
        data_with_web().join("translations/web.bible"),
        translations.join("web.bible"),
    )
    .unwrap();
    dir
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../bible/tests/fixtures")
        .join(name)
}

#[test]
fn the_seed_key_verses_print_from_the_default_translation() {
    for (reference, heading, start) in [
        (
            "James 4:8",
            "James 4:8 (WEB)",
            "  8  Draw near to God, and he will draw near to you.",
        ),
        (
            "Psalm 46:10",
            "Psalm 46:10 (WEB)",
            " 10  “Be still, and know that I am God.",
        ),
        (
            "Psalm 63:1",
            "Psalm 63:1 (WEB)",
            "  1  God, you are my God.",
        ),
        (
            "Revelation 3:20",
            "Revelation 3:20 (WEB)",
            " 20  Behold, I stand at the door and knock.",
        ),
        (
            "John 15:5",
            "John 15:5 (WEB)",
            "  5  I am the vine. You are the branches.",
        ),
        (
            "Psalm 34:18",
            "Psalm 34:18 (WEB)",
            " 18  Yahweh is near to those who have a broken heart,",
        ),
    ] {
        let out = stdout(&bible(data_with_web(), &["show", reference]));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], heading, "{out}");
        assert!(
            lines.iter().any(|l| l.starts_with(start)),
            "{reference}:\n{out}"
        );
        assert!(
            out.trim_end()
                .ends_with("World English Bible with Deuterocanon (WEB), public domain"),
            "{out}"
        );
    }
}

#[test]
fn a_passage_shows_titles_poetry_and_footnotes() {
    let out = stdout(&bible(data_with_web(), &["show", "Psalm 3:1-2"]));
    assert_eq!(
        out,
        "Psalm 3:1–2 (WEB)\n\
         \n     A Psalm by David, when he fled from Absalom his son.\n\
         \n  1  Yahweh, how my adversaries have increased!\n\
         \x20      Many are those who rise up against me.\n\
         \x20 2  Many there are who say of my soul,\n\
         \x20      “There is no help for him in God.”[a]\n\
         \x20      Selah.\n\
         \n  [a] 3:2 The Hebrew word rendered “God” is “אֱלֹהִ֑ים” (Elohim).\n\
         \nWorld English Bible with Deuterocanon (WEB), public domain\n"
    );
    let kjv = stdout(&bible(
        data_with_web(),
        &["show", "John 11:35", "--translation", "kjv"],
    ));
    assert_eq!(
        kjv,
        "John 11:35 (KJV)\n\n 35  Jesus wept.\n\nKing James Version (KJV), public domain\n"
    );
    // Gaps and chapter changes are labelled.
    let list = stdout(&bible(
        data_with_web(),
        &["show", "John 3:16, 18; Rom 8:28", "-t", "kjv"],
    ));
    let labels: Vec<&str> = list.lines().filter(|l| l.starts_with("     ")).collect();
    assert_eq!(labels, ["     … John 3", "     … Romans 8"], "{list}");
    let across = stdout(&bible(
        data_with_web(),
        &["show", "John 3:36-4:1", "-t", "kjv"],
    ));
    assert!(
        across.contains("\n     John 4\n\n  1  When therefore"),
        "{across}"
    );
}

#[test]
fn a_reference_that_does_not_exist_is_one_clear_line() {
    for (reference, message) in [
        (
            "John 22:1",
            "error: \"John 22:1\" names a chapter or verse that does not exist",
        ),
        (
            "Psalm 152",
            "error: \"Psalm 152\" names a chapter or verse that does not exist",
        ),
        (
            "Hezekiah 3:1",
            "error: no book name at the start of \"Hezekiah 3:1\"",
        ),
    ] {
        let out = bible(data_with_web(), &["show", reference]);
        assert!(!out.status.success(), "{reference}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), format!("{message}\n"));
        assert!(out.stdout.is_empty());
    }
    let out = bible(
        data_with_web(),
        &["show", "Acts 8:37", "--translation", "asv"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: Acts 8:37 is not in the ASV\n"
    );
    let out = bible(
        data_with_web(),
        &["show", "John 1:1", "--translation", "nope"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: no translation \"nope\"; there are: asv, kjv, web\n"
    );
}

#[test]
fn list_marks_the_default() {
    let out = stdout(&bible(data_with_web(), &["list"]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("  id"), "{out}");
    assert!(lines[1].starts_with("  asv  ASV"), "{out}");
    assert!(lines[2].starts_with("  kjv  KJV"), "{out}");
    assert!(
        lines[3].starts_with("* web  WEB    World English Bible"),
        "{out}"
    );
    assert!(lines[1].ends_with("Public domain (bundled)"), "{out}");
    // A copy this Abide cannot read (an older format, a damaged file) is
    // imported again from the module.
    let old = fresh_data();
    let web = old.path().join("translations/web.bible");
    std::fs::write(&web, b"ABIDEBIB\x00\x00\x00\x00").unwrap();
    let out = bible(old.path(), &["list"]);
    assert!(stdout(&out).contains("* web"));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("imported the World English Bible"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::metadata(&web).unwrap().len() > 1_000_000);
}

#[test]
fn search_prints_ranked_verses() {
    let out = stdout(&bible(
        data_with_web(),
        &["search", "be still", "--limit", "3"],
    ));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("verses of the World English Bible with Deuterocanon (WEB) match \"be still\"; the 3 best:"),
        "{out}"
    );
    assert!(lines[2].starts_with("Psalm 46:10"), "{out}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("  ")).count(),
        3,
        "{out}"
    );
    let none = stdout(&bible(data_with_web(), &["search", "qqqq zzzz"]));
    assert!(
        none.starts_with("no verse of the World English Bible"),
        "{none}"
    );
}

#[test]
fn an_imported_file_can_be_shown_and_a_broken_one_names_its_line() {
    let data = fresh_data();
    let sample = fixture("bible/sample.osis.xml");
    let out = stdout(&bible(
        data.path(),
        &[
            "import",
            sample.to_str().unwrap(),
            "--id",
            "atb",
            "--licence",
            "Public domain",
        ],
    ));
    assert!(
        out.starts_with("imported atb: Abide Test Bible (ATB), 11 verses in 3 books"),
        "{out}"
    );
    let shown = stdout(&bible(data.path(), &["show", "John 15:1-2", "-t", "atb"]));
    assert!(shown.contains("  1  I am the true vine"), "{shown}");
    assert!(shown.contains("     The vine and the branches"), "{shown}");
    // The same id again is refused; --replace replaces.
    let again = bible(
        data.path(),
        &["import", sample.to_str().unwrap(), "--id", "atb"],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--replace"));

    let broken = fixture("invalid/unclosed-note.usfm");
    let out = bible(
        data.path(),
        &["import", broken.to_str().unwrap(), "--id", "broken"],
    );
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {}:5: footnote not closed: expected \\f* before \\v\n",
            broken.display()
        )
    );
    let files: Vec<String> = std::fs::read_dir(data.path().join("translations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!files.iter().any(|f| f.contains("broken")), "{files:?}");
}

#[test]
fn the_verse_of_the_day_follows_the_operators_list() {
    let data = fresh_data();
    let first = stdout(&bible(data.path(), &["votd", "--date", "2026-11-25"]));
    assert_eq!(
        first,
        stdout(&bible(data.path(), &["votd", "--date", "2026-11-25"]))
    );
    assert!(
        first.starts_with("Verse of the day, 2026-11-25:\n"),
        "{first}"
    );
    std::fs::write(
        data.path().join("translations/verse-of-the-day.txt"),
        "Psalm 46:10\n",
    )
    .unwrap();
    let ours = stdout(&bible(data.path(), &["votd", "--date", "2026-11-25"]));
    assert!(ours.contains("Psalm 46:10 (WEB)"), "{ours}");
    let out = bible(data.path(), &["votd", "--date", "yesterday"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().count(),
        1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A module library that only `$SWORD_PATH` names is where SWORD looks
/// first; `abide bible import --sword` finds the module there, and
/// `mod2imp` reads it (the WEB's data, under another module name).
#[test]
fn sword_path_names_a_module_library() {
    let web = abide_bible::find_sword_module("engWEB2015eb").expect(
        "the SWORD module engWEB2015eb is installed (apt-get install sword-text-web libsword-utils)",
    );
    let installed = web.conf.parent().and_then(Path::parent).unwrap();
    let library = tempfile::tempdir().unwrap();
    std::fs::create_dir(library.path().join("mods.d")).unwrap();
    let conf = std::fs::read_to_string(&web.conf)
        .unwrap()
        .replace("[engWEB2015eb]", "[AbideTestWEB]");
    std::fs::write(library.path().join("mods.d/abidetestweb.conf"), conf).unwrap();
    std::os::unix::fs::symlink(installed.join("modules"), library.path().join("modules")).unwrap();

    let import = |sword_path: Option<&Path>| {
        let data = tempfile::tempdir().unwrap();
        let mut envs = vec![("ABIDE_DATA_DIR", data.path().to_str().unwrap().to_owned())];
        if let Some(p) = sword_path {
            envs.push(("SWORD_PATH", p.to_str().unwrap().to_owned()));
        }
        let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let args = [
            "bible",
            "import",
            "--sword",
            "AbideTestWEB",
            "--id",
            "testweb",
        ];
        run(data.path(), &args, &envs)
    };
    let out = import(Some(library.path()));
    let text = stdout(&out);
    assert!(text.starts_with("imported testweb: "), "{text}");
    let out = import(None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("AbideTestWEB: not installed"), "{err}");
}
