//! `abide refs`: the line contract (DESIGN.md, "Interfaces that other tools
//! rely on"), apart from argument parsing.
//!
//! One output line per input line, in order, written as soon as the input
//! that produced it has been read:
//!
//! - plain: the OSIS references found in the line, comma-joined in order of
//!   appearance (`John.15.5`, `Gen.21.16-Gen.21.19`, `Luke.15`, `Gen`); an
//!   empty line when there is none;
//! - `--json`: a JSON array with one object per citation:
//!   `{"span":[start,end],"text":…,"osis":…,"contextual":bool,"ranges":[{"osis":…,
//!   "start":{"book":…,"chapter":…,"verse":…,"key":…},"end":{…}}]}`. `span`
//!   holds byte offsets into the line (without its line ending).
//!
//! Lines end with `\n` (a `\r` before it is dropped). Bytes that are not
//! UTF-8 are read as U+FFFD, so spans count those as three bytes. Each line
//! is a text of its own: `v. 17` is resolved only against citations earlier
//! in the same line. Memory use does not grow with the input, only with the
//! longest line.

use abide_scripture::{Citation, Extractor, VerseRef};
use std::fmt::Write as _;
use std::io::{self, BufRead, BufWriter, Write};

/// Reads lines from `input` until it ends and writes one line of results per
/// input line to `output` (see the [module documentation](self)). Output is
/// flushed whenever the input has no more data ready, so the command can be
/// driven line by line through a pipe.
pub(crate) fn run(mut input: impl BufRead, output: impl Write, json: bool) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, output);
    let mut carry: Vec<u8> = Vec::new();
    let mut scratch = String::new();
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let len = buf.len();
        let mut start = 0;
        while let Some(nl) = memchr::memchr(b'\n', &buf[start..]) {
            let end = start + nl;
            if carry.is_empty() {
                write_raw_line(&buf[start..end], json, &mut scratch, &mut out)?;
            } else {
                carry.extend_from_slice(&buf[start..end]);
                write_raw_line(&carry, json, &mut scratch, &mut out)?;
                carry.clear();
            }
            start = end + 1;
        }
        carry.extend_from_slice(&buf[start..]);
        input.consume(len);
        out.flush()?;
    }
    if !carry.is_empty() {
        write_raw_line(&carry, json, &mut scratch, &mut out)?;
    }
    out.flush()
}

fn write_raw_line(
    line: &[u8],
    json: bool,
    scratch: &mut String,
    out: &mut impl Write,
) -> io::Result<()> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // The strict check is much faster than the lossy one; most input is valid.
    let text = match std::str::from_utf8(line) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(line),
    };
    scratch.clear();
    write_line(&text, json, scratch);
    scratch.push('\n');
    out.write_all(scratch.as_bytes())
}

/// Appends the result for one line (without a line ending) to `out`.
pub(crate) fn write_line(line: &str, json: bool, out: &mut String) {
    if json {
        out.push('[');
    }
    for (i, citation) in Extractor::new(line).enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Writing to a String cannot fail.
        let _ = if json {
            write_json(out, &citation)
        } else {
            citation.write_osis(out)
        };
    }
    if json {
        out.push(']');
    }
}

fn write_json(out: &mut String, c: &Citation<'_>) -> std::fmt::Result {
    write!(
        out,
        "{{\"span\":[{},{}],\"text\":",
        c.span.start, c.span.end
    )?;
    write_json_string(out, c.text);
    out.push_str(",\"osis\":\"");
    c.write_osis(out)?;
    write!(out, "\",\"contextual\":{},\"ranges\":[", c.contextual)?;
    for (i, r) in c.ranges.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"osis\":\"");
        out.push_str(&abide_scripture::to_osis(std::slice::from_ref(r)));
        out.push_str("\",\"start\":");
        write_verse(out, r.start)?;
        out.push_str(",\"end\":");
        write_verse(out, r.end)?;
        out.push('}');
    }
    out.push_str("]}");
    Ok(())
}

fn write_verse(out: &mut String, v: VerseRef) -> std::fmt::Result {
    write!(
        out,
        "{{\"book\":\"{}\",\"chapter\":{},\"verse\":{},\"key\":{}}}",
        v.book.osis(),
        v.chapter,
        v.verse,
        v.key()
    )
}

fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests;
