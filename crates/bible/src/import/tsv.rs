//! Verse per line, tab-separated: `REF<TAB>TEXT` with an OSIS reference
//! (`Gen.1.1`), or `BOOK<TAB>CHAPTER<TAB>VERSE<TAB>TEXT` with the book as an
//! OSIS id, a USFM code or an English name. Blank lines and lines starting
//! with `#` are skipped, and so is a header line (`book<TAB>...` or
//! `ref<TAB>...`). A text starting with `¶` starts a paragraph. The text is
//! plain: no headings, notes or words of Jesus.

use abide_scripture::BookId;

use super::collect::{self, Collector};
use super::{Hints, Located, book_from_usfm};

fn book(name: &str) -> Option<BookId> {
    BookId::from_osis(name)
        .or_else(|| book_from_usfm(name))
        .or_else(|| BookId::from_name(name))
}

fn number(s: &str, what: &str) -> Result<u16, String> {
    collect::number(s).ok_or_else(|| format!("expected a {what} number, found {s:?}"))
}

/// Reads a TSV text into `c`.
pub(crate) fn read(src: &str, c: &mut Collector) -> Result<Hints, Located> {
    let mut at = 0;
    let mut first = true;
    for line in src.split_inclusive('\n') {
        let here = at;
        at += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if std::mem::take(&mut first) {
            let head = fields[0].trim().to_ascii_lowercase();
            if head == "book" || head == "ref" || head == "reference" {
                continue;
            }
        }
        let err = |message: String| Located { at: here, message };
        let (b, ch, v, text) = match fields.as_slice() {
            [reference, text] => {
                let mut parts = reference.trim().split('.');
                let (Some(b), Some(ch), Some(v), None) =
                    (parts.next(), parts.next(), parts.next(), parts.next())
                else {
                    return Err(err(format!(
                        "expected an OSIS reference like Gen.1.1, found {reference:?}"
                    )));
                };
                let id = BookId::from_osis(b)
                    .ok_or_else(|| err(format!("unknown OSIS book id {b:?}")))?;
                (
                    id,
                    number(ch, "chapter").map_err(err)?,
                    number(v, "verse").map_err(err)?,
                    *text,
                )
            }
            [b, ch, v, text] => {
                let id = book(b.trim()).ok_or_else(|| err(format!("unknown book {b:?}")))?;
                (
                    id,
                    number(ch, "chapter").map_err(err)?,
                    number(v, "verse").map_err(err)?,
                    *text,
                )
            }
            _ => {
                return Err(err(format!(
                    "expected REF<TAB>TEXT or BOOK<TAB>CHAPTER<TAB>VERSE<TAB>TEXT, found {} field(s)",
                    fields.len()
                )));
            }
        };
        let (paragraph, text) = match text.trim_start().strip_prefix('¶') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if paragraph {
            c.end_verse();
            c.paragraph();
        }
        c.start_verse(b, ch, v, here)
            .map_err(|d| err(d.message(&format!("{} {ch}:{v}", b.osis()))))?;
        c.text(text);
        c.end_verse();
    }
    Ok(Hints::default())
}

#[cfg(test)]
mod tests {
    use super::book;

    #[test]
    fn books_by_osis_id_usfm_code_or_name() {
        for (name, osis) in [
            ("1Kgs", "1Kgs"),
            ("1KI", "1Kgs"),
            ("1 Kings", "1Kgs"),
            ("Song of Solomon", "Song"),
            ("Psalm 151", "Ps151"),
        ] {
            assert_eq!(book(name).map(|b| b.osis()), Some(osis), "{name}");
        }
        assert_eq!(book("Kings 1"), None);
    }
}
