//! Writes the bundled translations (ASV, KJV) into `OUT_DIR` in Abide's own
//! translation format, from the texts of the `bible-lib` crate.
//!
//! `bible-lib` keeps its texts in private constants and its API cuts every
//! verse at the first colon ("Let there be light: and there was light" comes
//! back as "Let there be light"), so the texts are read from the crate's
//! source files instead: `cargo metadata` says where cargo unpacked it (this
//! works for registry, vendored and offline builds alike), or
//! `ABIDE_BIBLE_LIB_DIR` names the folder. The cleaning (markup, psalm
//! titles, missing spaces) is in `build/bundled.rs`; the canon's verse counts
//! come from `abide-scripture`, a build dependency.

#[path = "build/bundled.rs"]
mod bundled;
#[path = "src/translation/store.rs"]
#[expect(dead_code, reason = "the build script only writes translation files")]
mod store;

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=build/bundled.rs");
    println!("cargo::rerun-if-changed=src/translation/store.rs");
    println!("cargo::rerun-if-env-changed=ABIDE_BIBLE_LIB_DIR");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dir = bible_lib_dir().unwrap_or_else(|e| {
        panic!("cannot find the texts of the bible-lib crate: {e} (set ABIDE_BIBLE_LIB_DIR to its src/bible_translations folder)")
    });
    for t in &bundled::TRANSLATIONS {
        let path = dir.join(t.file);
        println!("cargo::rerun-if-changed={}", path.display());
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let bytes = bundled::build(t, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let target = out.join(format!("{}.bible", t.id));
        std::fs::write(&target, bytes).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
    }
}

/// The version of `bible-lib` whose texts are cleaned (pinned with `=` in the
/// workspace manifest; `build/bundled.rs` names it in each file's source line).
const BIBLE_LIB_VERSION: &str = "1.2.2";

/// The `src/bible_translations` folder of the `bible-lib` package.
///
/// `bible-lib` is a build dependency, so cargo has downloaded and unpacked it
/// before this script runs; what is left is to learn where. `cargo metadata`
/// on this workspace cannot say: it wants every package of `Cargo.lock`,
/// dev-only and other platforms' ones included, which a build of `abide`
/// never downloads (issue 9). So it is asked about a one-dependency manifest
/// written into `OUT_DIR`, offline: that resolves from the package cargo
/// has just unpacked, through the same configuration (vendored or mirrored
/// sources included), and needs nothing else.
fn bible_lib_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("ABIDE_BIBLE_LIB_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?);
    let probe = out.join("bible-lib-probe");
    std::fs::create_dir_all(&probe).map_err(|e| format!("{}: {e}", probe.display()))?;
    let manifest = probe.join("Cargo.toml");
    let write = |path: PathBuf, text: String| {
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(
        manifest.clone(),
        format!(
            "[package]\nname = \"abide-bible-lib-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             [lib]\npath = \"lib.rs\"\n\
             [dependencies]\nbible-lib = {{ version = \"={BIBLE_LIB_VERSION}\", default-features = false }}\n\
             # Not a member of the workspace whose target folder holds it.\n[workspace]\n"
        ),
    )?;
    write(probe.join("lib.rs"), String::new())?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // From the workspace folder, so that its cargo configuration applies.
    let workspace =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("no CARGO_MANIFEST_DIR")?);
    let output = Command::new(cargo)
        .current_dir(&workspace)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let package = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "bible-lib" && p["version"] == BIBLE_LIB_VERSION)
        .ok_or(format!(
            "bible-lib {BIBLE_LIB_VERSION} is not among the packages cargo has"
        ))?;
    let manifest_path = package["manifest_path"]
        .as_str()
        .ok_or("no manifest_path for bible-lib")?;
    let root = PathBuf::from(manifest_path);
    let root = root.parent().ok_or("manifest_path has no folder")?;
    Ok(root.join("src/bible_translations"))
}
