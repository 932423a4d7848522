//! The line contract of `abide refs` (DESIGN.md, "Interfaces that other tools
//! rely on"), tested on `run` directly; `tests/refs.rs` runs the command.

use super::{run, write_line};
use proptest::prelude::*;
use serde_json::Value;
use std::cell::RefCell;
use std::io::{self, BufRead, Read, Write};
use std::rc::Rc;

fn refs(input: &[u8], json: bool) -> String {
    let mut out = Vec::new();
    run(input, &mut out, json).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn one_line_out_per_line_in() {
    let input = "James 4:8\n\nno citation\nLuke 15; John 21\nGenesis 21:16-19\n1 Kings 19:12\nJude 5\nPsalm 3\nthe book of Genesis\n";
    assert_eq!(
        refs(input.as_bytes(), false),
        "Jas.4.8\n\n\nLuke.15,John.21\nGen.21.16-Gen.21.19\n1Kgs.19.12\nJude.1.5\nPs.3\nGen\n"
    );
}

#[test]
fn lines_in_lines_out() {
    let input = "Draw near (James 4:8).\nnothing here\nGenesis 21:16-19; Luke 15\n";
    assert_eq!(
        refs(input.as_bytes(), false),
        "Jas.4.8\n\nGen.21.16-Gen.21.19,Luke.15\n"
    );
    let mut out = String::new();
    write_line("Luke 15; John 21", false, &mut out);
    assert_eq!(out, "Luke.15,John.21");
}

#[test]
fn the_seed_page_line_by_line() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripture/tests/fixtures");
    let text = std::fs::read_to_string(format!("{fixtures}/seed.txt")).unwrap();
    let expected: Vec<String> = std::fs::read_to_string(format!("{fixtures}/seed.expected"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split_once('\t').unwrap().1.to_owned())
        .collect();
    let out = refs(text.as_bytes(), false);
    assert_eq!(out.lines().count(), text.lines().count());
    let all: Vec<&str> = out.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(all.join(","), expected.join(","));
}

#[test]
fn the_examples_of_the_contract() {
    assert_eq!(refs(b"John 15:5\n", false), "John.15.5\n");
    assert_eq!(refs(b"Genesis 21:16-19\n", false), "Gen.21.16-Gen.21.19\n");
    assert_eq!(refs(b"Luke 15\n", false), "Luke.15\n");
    assert_eq!(refs(b"1 Kings 19:12\n", false), "1Kgs.19.12\n");
    assert_eq!(refs(b"Jude 5\n", false), "Jude.1.5\n");
    assert_eq!(refs(b"Ps 3\n", false), "Ps.3\n");
    assert_eq!(refs(b"the book of Genesis\n", false), "Gen\n");
}

#[test]
fn line_endings() {
    assert_eq!(refs(b"", false), "");
    assert_eq!(refs(b"\n", false), "\n");
    assert_eq!(refs(b"John 3:16", false), "John.3.16\n");
    assert_eq!(
        refs(b"John 3:16\r\nLuke 15\r\n", false),
        "John.3.16\nLuke.15\n"
    );
    assert_eq!(refs(b"\n\n\n", false), "\n\n\n");
    assert_eq!(refs(b"a\rLuke 15\n", false), "Luke.15\n");
}

#[test]
fn context_does_not_cross_lines() {
    assert_eq!(refs(b"Revelation 3:20\n(v. 17)\n", false), "Rev.3.20\n\n");
    assert_eq!(
        refs(b"Revelation 3:20 (v. 17)\n", false),
        "Rev.3.20,Rev.3.17\n"
    );
}

#[test]
fn invalid_utf8_is_read_as_replacement_characters() {
    let out = refs(b"\xff\xfe John 3:16 \xc3\n", true);
    let v: Value = serde_json::from_str(out.trim_end()).unwrap();
    // U+FFFD takes three bytes: two of them, then the space.
    assert_eq!(v[0]["span"], serde_json::json!([7, 16]));
    assert_eq!(refs(b"\xff\xfe John 3:16 \xc3\n", false), "John.3.16\n");
}

#[test]
fn json_lines() {
    let out = refs(
        "Draw near (James 4:8).\nnothing\nSee John 3:16, 18; Rom 8:28 and (v. 30)\n".as_bytes(),
        true,
    );
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        serde_json::json!([{
            "span": [11, 20],
            "text": "James 4:8",
            "osis": "Jas.4.8",
            "contextual": false,
            "ranges": [{
                "osis": "Jas.4.8",
                "start": {"book": "Jas", "chapter": 4, "verse": 8, "key": 59_004_008},
                "end": {"book": "Jas", "chapter": 4, "verse": 8, "key": 59_004_008}
            }]
        }])
    );
    assert_eq!(lines[1], serde_json::json!([]));
    let third = lines[2].as_array().unwrap();
    assert_eq!(third.len(), 2);
    assert_eq!(third[0]["text"], "John 3:16, 18; Rom 8:28");
    assert_eq!(third[0]["osis"], "John.3.16,John.3.18,Rom.8.28");
    assert_eq!(third[0]["ranges"].as_array().unwrap().len(), 3);
    assert_eq!(third[1]["text"], "v. 30");
    assert_eq!(third[1]["osis"], "Rom.8.30");
    assert_eq!(third[1]["contextual"], true);
}

#[test]
fn json_escapes_text() {
    let out = refs("\"John 3:16\"\tand \\ Luke 15\n".as_bytes(), true);
    let v: Value = serde_json::from_str(out.trim_end()).unwrap();
    assert_eq!(v[0]["text"], "John 3:16");
    assert_eq!(v[1]["text"], "Luke 15");
}

#[test]
fn large_input_keeps_the_line_count() {
    let line = "We began with James 4:8 and Psalm 46:10; then (v. 11) and nothing else.\n";
    let mut input = Vec::new();
    for i in 0..50_000 {
        if i % 7 == 0 {
            input.extend_from_slice(b"\n");
        } else {
            input.extend_from_slice(line.as_bytes());
        }
    }
    let out = refs(&input, false);
    assert_eq!(out.lines().count(), 50_000);
    assert_eq!(out.lines().nth(1), Some("Jas.4.8,Ps.46.10,Ps.46.11"));
    // A line longer than any read buffer.
    let long = format!("{}John 3:16\n", "word ".repeat(100_000));
    assert_eq!(refs(long.as_bytes(), false), "John.3.16\n");
}

/// A reader that hands out one line per read and checks, before each, that the
/// answer to the previous line has already been written: the command can be
/// driven through a pipe one line at a time.
struct Interactive {
    lines: Vec<&'static [u8]>,
    next: usize,
    offset: usize,
    written: Rc<RefCell<Vec<u8>>>,
}

impl Read for Interactive {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.fill_buf()?.len().min(buf.len());
        buf[..n].copy_from_slice(&self.fill_buf()?[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Interactive {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.offset == 0 && self.next > 0 {
            let answered = self
                .written
                .borrow()
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            assert_eq!(
                answered, self.next,
                "line {} not answered before reading on",
                self.next
            );
        }
        Ok(self
            .lines
            .get(self.next)
            .map_or(&[][..], |l| &l[self.offset..]))
    }

    fn consume(&mut self, amt: usize) {
        self.offset += amt;
        if self
            .lines
            .get(self.next)
            .is_some_and(|l| self.offset == l.len())
        {
            self.next += 1;
            self.offset = 0;
        }
    }
}

struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn answers_each_line_before_reading_the_next() {
    let written = Rc::new(RefCell::new(Vec::new()));
    let input = Interactive {
        lines: vec![b"John 3:16\n", b"Luke 15\n", b"nothing\n"],
        next: 0,
        offset: 0,
        written: Rc::clone(&written),
    };
    run(input, Shared(Rc::clone(&written)), false).unwrap();
    assert_eq!(
        String::from_utf8(written.borrow().clone()).unwrap(),
        "John.3.16\nLuke.15\n\n"
    );
}

proptest! {
    // 2,000 cases by default; `PROPTEST_CASES=200000` for a longer hunt.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2000)
    ))]

    /// Any bytes: one line out per line in, each a JSON array.
    #[test]
    fn any_bytes_one_line_each(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut out = Vec::new();
        run(&bytes[..], &mut out, true).unwrap();
        let lines = bytes.split(|&b| b == b'\n').count() - usize::from(bytes.last() == Some(&b'\n'));
        let out = String::from_utf8(out).unwrap();
        prop_assert_eq!(out.lines().count(), if bytes.is_empty() { 0 } else { lines });
        for line in out.lines() {
            prop_assert!(serde_json::from_str::<Vec<Value>>(line).is_ok(), "{}", line);
        }
    }
}
