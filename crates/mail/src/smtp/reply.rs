//! SMTP replies (RFC 5321 §4.2): `250-first line`, …, `250 last line`.
//!
//! The server is outside input: a reply is read from a buffer that may hold
//! part of it, and every line and every reply is bounded, so that a server
//! (or whatever answers on its port) cannot make the client hold unbounded
//! memory or loop.

/// Longest reply line accepted, CRLF included. RFC 5321 allows 512; real
/// servers write longer lines in their EHLO and rejection texts.
pub const MAX_LINE: usize = 4096;
/// Most lines in one reply (a long EHLO answer has about twenty).
pub const MAX_LINES: usize = 100;

/// One reply: its code and its text, lines joined by `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit code.
    pub code: u16,
    /// The text of each line, without the code and separator.
    pub lines: Vec<String>,
}

impl Reply {
    /// 2xx or 3xx.
    pub fn is_positive(&self) -> bool {
        (200..400).contains(&self.code)
    }

    /// 5xx: the same request will fail again.
    pub fn is_permanent(&self) -> bool {
        self.code >= 500
    }

    /// The text of every line, joined by spaces.
    pub fn text(&self) -> String {
        self.lines.join(" ")
    }
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.text())
    }
}

/// A reply that breaks the protocol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// A line longer than [`MAX_LINE`].
    #[error("a reply line longer than {MAX_LINE} bytes")]
    LineTooLong,
    /// More than [`MAX_LINES`] lines.
    #[error("a reply of more than {MAX_LINES} lines")]
    TooManyLines,
    /// A line that does not start with a code from 200 to 599 and a space or
    /// hyphen, or whose code differs from the first line's.
    #[error("not an SMTP reply: {0:?}")]
    Malformed(String),
}

/// Reads one reply from the start of `buf`. `Ok(None)`: not all of it is
/// there yet. `Ok(Some((reply, used)))`: the reply and how many bytes of
/// `buf` it took. Lines end in CRLF (a bare LF is accepted too).
pub fn parse_reply(buf: &[u8]) -> Result<Option<(Reply, usize)>, ReplyError> {
    let mut at = 0;
    let mut code = None;
    let mut lines = Vec::new();
    loop {
        let rest = &buf[at..];
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            if rest.len() >= MAX_LINE {
                return Err(ReplyError::LineTooLong);
            }
            return Ok(None);
        };
        if end + 1 > MAX_LINE {
            return Err(ReplyError::LineTooLong);
        }
        let line = rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]);
        at += end + 1;
        let malformed = || ReplyError::Malformed(String::from_utf8_lossy(line).into_owned());
        let digits = line.get(..3).ok_or_else(malformed)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(malformed());
        }
        let this = digits
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
        if !(200..600).contains(&this) || code.is_some_and(|c| c != this) {
            return Err(malformed());
        }
        code = Some(this);
        let last = match line.get(3) {
            None | Some(b' ') => true,
            Some(b'-') => false,
            Some(_) => return Err(malformed()),
        };
        let text = line.get(4..).unwrap_or_default();
        lines.push(String::from_utf8_lossy(text).into_owned());
        if last {
            return Ok(Some((Reply { code: this, lines }, at)));
        }
        if lines.len() >= MAX_LINES {
            return Err(ReplyError::TooManyLines);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn single_and_multiline_replies() {
        let (reply, used) = parse_reply(b"250 2.0.0 Ok: queued\r\nextra")
            .unwrap()
            .unwrap();
        assert_eq!(
            (reply.code, reply.text(), used),
            (250, "2.0.0 Ok: queued".into(), 22)
        );
        let ehlo = b"250-mail.example.org\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
        let (reply, used) = parse_reply(ehlo).unwrap().unwrap();
        assert_eq!(reply.lines, ["mail.example.org", "PIPELINING", "8BITMIME"]);
        assert_eq!(used, ehlo.len());
        let (reply, _) = parse_reply(b"354\n").unwrap().unwrap();
        assert_eq!((reply.code, reply.lines.len()), (354, 1));
        assert!(parse_reply(b"250-a\r\n250 b").unwrap().is_none());
        assert!(parse_reply(b"").unwrap().is_none());
    }

    #[test]
    fn broken_replies_are_errors() {
        for bad in [
            &b"hello\r\n"[..],
            b"25\r\n",
            b"250-a\r\n251 b\r\n",
            b"2x0 a\r\n",
            b"250_a\r\n",
            b"199 a\r\n",
        ] {
            assert!(
                matches!(parse_reply(bad), Err(ReplyError::Malformed(_))),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_reply(&vec![b'2'; MAX_LINE]),
            Err(ReplyError::LineTooLong)
        );
        let many = "250-x\r\n".repeat(MAX_LINES + 1);
        assert_eq!(parse_reply(many.as_bytes()), Err(ReplyError::TooManyLines));
    }

    proptest! {
        #[test]
        fn never_panics_and_never_reads_past_the_buffer(buf in proptest::collection::vec(any::<u8>(), 0..600)) {
            if let Ok(Some((_, used))) = parse_reply(&buf) {
                prop_assert!(used <= buf.len());
            }
        }

        #[test]
        fn a_written_reply_reads_back(code in 200u16..600, lines in proptest::collection::vec("[ -~]{0,80}", 1..10), tail in proptest::collection::vec(any::<u8>(), 0..20)) {
            let mut wire = String::new();
            for (i, line) in lines.iter().enumerate() {
                let sep = if i + 1 == lines.len() { ' ' } else { '-' };
                wire.push_str(&format!("{code}{sep}{line}\r\n"));
            }
            let mut buf = wire.clone().into_bytes();
            buf.extend(&tail);
            let (reply, used) = parse_reply(&buf).unwrap().unwrap();
            prop_assert_eq!(used, wire.len());
            prop_assert_eq!(reply.code, code);
            prop_assert_eq!(reply.lines, lines);
            // Any prefix is "not yet".
            prop_assert!(parse_reply(&wire.as_bytes()[..wire.len() - 1]).unwrap().is_none());
        }
    }
}
