//! Arbitrary bytes as an SMTP server's answers: the reply reader takes them
//! one reply at a time, as the client does. No panic; each reply uses bytes
//! that are there, within the line and line-count bounds, with one code from
//! 200 to 599; a reply is "not yet" for every strict prefix of itself. And the
//! same bytes as a message body: dot-stuffing never lets a lone "." line
//! through (it would end the message early).
//!
//! ```sh
//! cargo +nightly fuzz run smtp_reply   # from crates/mail
//! ```
#![no_main]

use abide_mail::smtp::dot_stuff;
use abide_mail::smtp::reply::{MAX_LINE, MAX_LINES, parse_reply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    while let Ok(Some((reply, used))) = parse_reply(rest) {
        assert!(used > 0 && used <= rest.len());
        assert!((200..600).contains(&reply.code));
        assert!(!reply.lines.is_empty() && reply.lines.len() <= MAX_LINES);
        assert!(reply.lines.iter().all(|l| l.len() <= MAX_LINE * 3));
        assert!(matches!(parse_reply(&rest[..used - 1]), Ok(None)));
        rest = &rest[used..];
    }

    let wire = dot_stuff(data);
    assert!(wire.ends_with(b"\r\n"));
    assert!(!wire.starts_with(b".\r\n"));
    assert!(!wire.windows(5).any(|w| w == b"\r\n.\r\n"));
});
