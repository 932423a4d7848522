//! Byte-level helpers for scanning UTF-8 text without decoding it.

/// Length in bytes of the whitespace character at `i`, or 0. Besides ASCII
/// blanks this knows the no-break and thin spaces that word processors put
/// between a book and its chapter.
pub(crate) fn ws_len(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i..) {
        Some([b' ' | b'\t' | b'\n' | b'\r', ..]) => 1,
        Some([0xC2, 0xA0, ..]) => 2,
        // U+2002..U+200A (en space .. hair space), U+202F narrow no-break space
        Some([0xE2, 0x80, 0x82..=0x8A | 0xAF, ..]) => 3,
        _ => 0,
    }
}

/// Length in bytes of the whitespace character that ends just before `i`, or 0.
pub(crate) fn ws_len_back(bytes: &[u8], i: usize) -> usize {
    match bytes.get(..i) {
        Some([.., b' ' | b'\t' | b'\n' | b'\r']) => 1,
        Some([.., 0xC2, 0xA0]) => 2,
        Some([.., 0xE2, 0x80, 0x82..=0x8A | 0xAF]) => 3,
        _ => 0,
    }
}

/// Skips whitespace forwards from `i`.
pub(crate) fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    loop {
        let n = ws_len(bytes, i);
        if n == 0 {
            return i;
        }
        i += n;
    }
}

/// Length of a range dash at `i` (hyphen, en dash, em dash, minus, the
/// Unicode hyphens), or 0.
pub(crate) fn dash_len(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i..) {
        Some([b'-', ..]) => 1,
        // U+2010 hyphen, U+2011 non-breaking hyphen, U+2012 figure dash,
        // U+2013 en dash, U+2014 em dash, U+2015 horizontal bar
        Some([0xE2, 0x80, 0x90..=0x95, ..]) => 3,
        // U+2212 minus sign
        Some([0xE2, 0x88, 0x92, ..]) => 3,
        _ => 0,
    }
}

/// Whether the character just before `i` is a letter or digit (so `i` does
/// not start a word).
pub(crate) fn is_word_char_before(text: &str, i: usize) -> bool {
    match text.as_bytes().get(..i) {
        None | Some([]) => false,
        Some([.., b]) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text
            .get(..i)
            .and_then(|t| t.chars().next_back())
            .is_some_and(char::is_alphanumeric),
    }
}

/// Whether the character at `i` is a letter (so `i` does not end a word;
/// a digit may follow a book name directly, as in `John3:16`).
pub(crate) fn is_word_char_after(text: &str, i: usize) -> bool {
    match text.as_bytes().get(i) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphabetic(),
        Some(_) => text
            .get(i..)
            .and_then(|t| t.chars().next())
            .is_some_and(char::is_alphabetic),
    }
}

/// Whether the word at `i` is `word` (ASCII case-insensitive) followed by a
/// non-letter; returns its end.
pub(crate) fn word_at(text: &str, i: usize, word: &str) -> Option<usize> {
    let end = i + word.len();
    let candidate = text.as_bytes().get(i..end)?;
    (candidate.eq_ignore_ascii_case(word.as_bytes()) && !is_word_char_after(text, end))
        .then_some(end)
}

/// The position of the first ASCII digit at or after `from`.
///
/// This is the extractor's hot loop: it looks at eight bytes at a time.
pub(crate) fn find_digit(bytes: &[u8], from: usize) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while i + 8 <= bytes.len() {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(&bytes[i..i + 8]);
        let x = u64::from_le_bytes(chunk);
        // Per byte (with its high bit clear): b + (0x80 - 0x30) has the high
        // bit set when b >= 0x30, and b + (0x80 - 0x3A) when b >= 0x3A; a
        // digit is in the first set and not the second. Bytes with the high
        // bit set (UTF-8 continuation and lead bytes) are never digits.
        let low7 = x & !HI;
        let ge_0 = low7.wrapping_add(LO * (0x80 - 0x30));
        let ge_colon = low7.wrapping_add(LO * (0x80 - 0x3A));
        let digits = ge_0 & !ge_colon & !x & HI;
        if digits != 0 {
            return Some(i + (digits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i.min(bytes.len())..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|p| i + p)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn find_digit_agrees_with_a_plain_scan() {
        let samples: [&[u8]; 6] = [
            b"",
            b"no digits here at all, none",
            b"abcdefgh9",
            b"0",
            b"\xff\xb0\xb9/:9 tail",
            "é John 3:16 – 4:2 ½ ٣".as_bytes(),
        ];
        for s in samples {
            for from in 0..=s.len() {
                let expected = s[from..]
                    .iter()
                    .position(u8::is_ascii_digit)
                    .map(|p| p + from);
                assert_eq!(find_digit(s, from), expected, "{s:?} from {from}");
            }
        }
        for b in 0..=255u8 {
            let s = [b'x', b'x', b'x', b, b'x', b'x', b'x', b'x', b'x'];
            assert_eq!(find_digit(&s, 0), b.is_ascii_digit().then_some(3), "{b}");
        }
    }
}
