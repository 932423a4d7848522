//! SWORD modules, the format of Linux Bible software (Debian packages
//! `sword-text-*`): read through `mod2imp` from Debian's `libsword-utils`.
//!
//! Why not read the zText files directly: the index maps entries to verses
//! only through the module's versification (the WEB module uses NRSVA;
//! others KJVA, Catholic, LXX, Vulgate, ...), whose tables live in libsword,
//! and modules may be compressed three ways or enciphered. `mod2imp` prints
//! every entry under its own reference in the module's raw markup (OSIS for
//! modern modules), losslessly, in a third of a second for the WEB; Abide
//! parses that OSIS itself, with the same reader as OSIS files. (`mod2osis`
//! would force a KJV frame and lose entries, `diatheke -f plain` glues the
//! words around notes together.) The numbering is then mapped like any
//! other source's.

use std::path::Path;
use std::process::Command;

use abide_scripture::BookId;

use super::collect::Collector;
use super::osis::Osis;
use super::xml;
use super::{Hints, ImportError, ImportedText, Located};
use crate::sword::Conf;

fn find_conf(module: &str) -> Result<Conf, ImportError> {
    crate::sword::find_conf(module).map_err(|installed| {
        let message = if installed.is_empty() {
            "not installed, and no SWORD module is (on Debian: apt-get install sword-text-web)"
                .to_owned()
        } else {
            format!("not installed; installed modules: {}", installed.join(", "))
        };
        ImportError::Sword {
            module: module.to_owned(),
            message,
        }
    })
}

/// SWORD's English book names that [`BookId::from_name`] does not read as they are.
fn book(name: &str) -> Option<BookId> {
    let osis = match name {
        "Revelation of John" => "Rev",
        "Additional Psalm" => "Ps151",
        "Prayer of Manasses" | "Prayer of Manasseh" => "PrMan",
        "Wisdom" => "Wis",
        "Esther (Greek)" => return None,
        "Letter of Jeremiah" | "Epistle of Jeremiah" => "EpJer",
        "Song of Solomon" => "Song",
        "Prayer of Azariah" => "PrAzar",
        "I Esdras" => "1Esd",
        "II Esdras" => "2Esd",
        _ => return BookId::from_name(name),
    };
    BookId::from_osis(osis)
}

/// RTF-ish escapes of `About=` texts: `\par`, `\pard`, `\qc`, `\u8212?`.
fn plain_about(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let word_len = tail.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        let word = &tail[..word_len];
        let mut skip = word_len;
        if word == "u" {
            let digits = tail[1..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-')
                .count();
            if let Some(ch) = tail[1..1 + digits]
                .parse::<i32>()
                .ok()
                .and_then(|n| char::from_u32(n as u32 & 0xFFFF))
            {
                out.push(ch);
            }
            skip = 1 + digits + usize::from(tail[1 + digits..].starts_with('?'));
        } else if word == "par" || word == "line" {
            out.push('\n');
        } else if word_len == 0 {
            skip = tail.chars().next().map_or(0, char::len_utf8);
        }
        rest = &tail[skip..];
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    out.push_str(rest);
    out.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// The Debian package that installed `path`, if any.
fn debian_package(path: &Path) -> Option<String> {
    let out = Command::new("dpkg-query")
        .arg("-S")
        .arg(path)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let package = text.split(':').next()?.trim();
    (!package.is_empty() && out.status.success()).then(|| package.to_owned())
}

/// Reads an installed module.
pub(crate) fn read(module: &str) -> Result<ImportedText, ImportError> {
    let err = |message: String| ImportError::Sword {
        module: module.to_owned(),
        message,
    };
    let conf = find_conf(module)?;
    let driver = conf.get("ModDrv").unwrap_or("");
    if !["ztext", "rawtext", "ztext4", "rawtext4"].contains(&driver.to_ascii_lowercase().as_str()) {
        return Err(err(format!("not a Bible text (ModDrv={driver})")));
    }
    if conf
        .entries
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("CipherKey") && v.trim().is_empty())
    {
        return Err(err("locked: it needs an unlock key".into()));
    }
    let source_type = conf.get("SourceType").unwrap_or("Plaintext").to_owned();
    let osis = source_type.eq_ignore_ascii_case("OSIS");
    if !osis && !source_type.eq_ignore_ascii_case("Plaintext") {
        return Err(err(format!(
            "SourceType={source_type} is not supported (OSIS and plain-text modules are)"
        )));
    }
    let output = Command::new("mod2imp")
        .arg(&conf.name)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                err("mod2imp not found: install the Debian package libsword-utils".into())
            } else {
                err(format!("cannot run mod2imp: {e}"))
            }
        })?;
    if !output.status.success() {
        return Err(err(format!(
            "mod2imp failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let imp = String::from_utf8_lossy(&output.stdout);
    let mut c = Collector::new();
    let (skipped, damaged) = read_imp(&imp, &mut c, osis, false).map_err(|e| err(e.message))?;
    let mut hints = Hints {
        name: conf.get("Description").map(str::to_owned),
        abbreviation: conf.get("Abbreviation").map(str::to_owned),
        language: conf.get("Lang").map(str::to_owned),
        licence: conf
            .get("DistributionLicense")
            .or(conf.get("ShortCopyright"))
            .map(str::to_owned),
        rights: conf.get("About").map(plain_about),
        ..Hints::default()
    };
    let version = conf
        .get("Version")
        .map(|v| format!(", version {v}"))
        .unwrap_or_default();
    let package = debian_package(&conf.path)
        .map(|p| format!(" from the Debian package {p}"))
        .unwrap_or_default();
    hints.source = Some(format!(
        "SWORD module {}{version}{package}, read with mod2imp",
        conf.name
    ));
    if let Some(v) = conf.get("Versification") {
        hints
            .notes
            .push(format!("The module is numbered in the {v} versification."));
    }
    for entry in damaged {
        hints.notes.push(format!(
            "entry {entry}: damaged markup; the rest of the entry was left out"
        ));
    }
    hints.left_out_books(skipped);
    let path = conf.path.clone();
    super::finish(c, hints, &path, super::Format::Sword)
}

/// Reads `mod2imp` output: `$$$Book C:V` lines, each followed by the entry.
/// Returns the book names left out and the entries whose markup is damaged.
/// `strict` (a file given to import) makes damaged markup an error; a
/// module's data is read as far as it goes.
pub(crate) fn read_imp(
    imp: &str,
    c: &mut Collector,
    osis: bool,
    strict: bool,
) -> Result<(Vec<String>, Vec<String>), Located> {
    let mut skipped: Vec<String> = Vec::new();
    let mut damaged: Vec<String> = Vec::new();
    let mut reader = Osis::new(c, true);
    let mut offset = 0;
    let mut entries = imp.split("\n$$$");
    if let Some(first) = entries.next() {
        offset += first.len() + 4;
    }
    for entry in entries {
        let here = offset;
        offset += entry.len() + 4;
        let (key, body) = entry.split_once('\n').unwrap_or((entry, ""));
        let key = key.trim();
        if key.starts_with('[') {
            continue; // [ Module Heading ] and the like
        }
        let bad_key = || Located {
            at: here,
            message: format!("expected a key like $$$John 3:16, found $$${key}"),
        };
        let (name, cv) = key.rsplit_once(' ').ok_or_else(bad_key)?;
        let (ch, v) = cv.split_once(':').ok_or_else(bad_key)?;
        let (Ok(ch), Ok(v)) = (ch.parse::<u16>(), v.parse::<u16>()) else {
            return Err(bad_key());
        };
        let Some(book) = book(name) else {
            if !skipped.iter().any(|s| s == name) {
                skipped.push(name.to_owned());
            }
            reader.c.end_verse();
            continue;
        };
        reader.c.end_verse();
        reader.set_intro(ch == 0);
        if ch > 0 && v > 0 && ch <= 999 && v <= 999 {
            reader
                .c
                .start_verse(book, ch, v, here)
                .map_err(|d| Located {
                    at: here,
                    message: d.message(key),
                })?;
        }
        if osis {
            // Module data is not ours to fix: damaged markup ends the entry
            // (what came before it is kept) and is reported.
            let body_at = here + key.len() + 1;
            if let Err((at, m)) = xml::walk(body, |ev, at| reader.event(ev, at)) {
                if strict {
                    return Err(Located {
                        at: body_at + at,
                        message: m,
                    });
                }
                if ch > 0 && v > 0 {
                    damaged.push(format!("{key} ({m})"));
                }
            }
            reader.end_fragment();
        } else {
            reader.c.text(body);
        }
        reader.c.end_verse();
    }
    Ok((skipped, damaged))
}
