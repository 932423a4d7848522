//! The list headers lettre does not type: `List-Id` (RFC 2919),
//! `List-Unsubscribe` (RFC 2369) and `List-Unsubscribe-Post` (RFC 8058).
//!
//! Every value is checked when it is made ([`Header::parse`] and the
//! constructors): no control characters at all, so no CR/LF can end the header
//! early and start another one.

use lettre::message::header::{Header, HeaderName, HeaderValue};

/// Longest URL accepted in `List-Unsubscribe`. lettre folds header lines only
/// at spaces and a URL has none, so a longer one would break the 998-byte line
/// limit of RFC 5322.
const MAX_URL_LEN: usize = 900;
/// Longest `List-Id` value accepted.
const MAX_LIST_ID_LEN: usize = 300;

/// lettre's error type for [`Header::parse`] (the alias is private there).
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a header value was refused.
pub(crate) type Reason = String;

/// `List-Id: Still Waters <daily.example.org>`: which list a message belongs
/// to, so that mail clients can filter and label it (RFC 2919).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListId(String);

impl ListId {
    /// Checks and formats `value`: an optional description followed by the
    /// list's identifier in angle brackets, e.g. `Still Waters
    /// <daily.example.org>`, or just `<daily.example.org>`. A description with
    /// punctuation is quoted.
    pub fn new(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.len() > MAX_LIST_ID_LEN {
            return Err(format!("longer than {MAX_LIST_ID_LEN} bytes"));
        }
        if value.chars().any(char::is_control) {
            return Err("contains a control character (such as a line break)".into());
        }
        let Some(rest) = value.strip_suffix('>') else {
            return Err(
                "must end with the list identifier in angle brackets, e.g. <daily.example.org>"
                    .into(),
            );
        };
        let Some((phrase, id)) = rest.rsplit_once('<') else {
            return Err(
                "must end with the list identifier in angle brackets, e.g. <daily.example.org>"
                    .into(),
            );
        };
        if !is_dot_atom(id) || !id.contains('.') {
            return Err(format!(
                "the list identifier {id:?} must be dotted words such as daily.example.org"
            ));
        }
        let phrase = phrase.trim();
        if phrase.contains(['<', '>']) {
            return Err("the description contains angle brackets".into());
        }
        Ok(Self(if phrase.is_empty() {
            format!("<{id}>")
        } else if phrase.contains(is_special) {
            format!("{} <{id}>", quote(phrase))
        } else {
            format!("{phrase} <{id}>")
        }))
    }
}

impl Header for ListId {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Id")
    }

    fn parse(s: &str) -> Result<Self, BoxError> {
        Ok(Self::new(s)?)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe: <https://…>, <mailto:…>`: where a reader's mail client
/// unsubscribes them (RFC 2369). Sent with [`ListUnsubscribePost`], the URL is
/// a one-click unsubscribe (RFC 8058).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListUnsubscribe(String);

impl ListUnsubscribe {
    /// Checks and formats an `http(s)` URL and, when given, a `mailto:`
    /// address (with or without its `mailto:` prefix). RFC 8058 asks for an
    /// `https` URL; plain `http` is accepted for local sites and tests.
    pub fn new(url: &str, mailto: Option<&str>) -> Result<Self, String> {
        let url = url.trim();
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            return Err(format!("the unsubscribe URL must be https: {url:?}"));
        }
        check_uri(url)?;
        let mut value = format!("<{url}>");
        if let Some(mailto) = mailto {
            let mailto = mailto.trim();
            let address = if mailto.len() >= 7 && mailto[..7].eq_ignore_ascii_case("mailto:") {
                &mailto[7..]
            } else {
                mailto
            };
            if !address.contains('@') {
                return Err(format!(
                    "the unsubscribe mailto is not an address: {mailto:?}"
                ));
            }
            check_uri(address)?;
            value.push_str(", <mailto:");
            value.push_str(address);
            value.push('>');
        }
        Ok(Self(value))
    }
}

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, BoxError> {
        let mut parts = s.split(',').map(|p| {
            p.trim()
                .strip_prefix('<')
                .and_then(|p| p.strip_suffix('>'))
                .ok_or_else(|| format!("not a list of <URI>: {s:?}"))
        });
        let url = parts.next().ok_or("empty")??;
        let mailto = parts.next().transpose()?;
        if parts.next().is_some() {
            return Err("more than one URL and one mailto".into());
        }
        Ok(Self::new(url, mailto)?)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the mail
/// client may unsubscribe with one POST to the `List-Unsubscribe` URL, without
/// opening a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListUnsubscribePost;

const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(s: &str) -> Result<Self, BoxError> {
        if s.trim() == ONE_CLICK {
            Ok(Self)
        } else {
            Err(format!("expected {ONE_CLICK:?}").into())
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), ONE_CLICK.to_owned())
    }
}

/// Checks a caller's `Message-ID`: `<local@domain>`, both sides dotted words.
pub(crate) fn check_message_id(id: &str) -> Result<(), Reason> {
    let inner = id
        .strip_prefix('<')
        .and_then(|i| i.strip_suffix('>'))
        .ok_or_else(|| format!("{id:?} is not of the form <local@domain>"))?;
    let (left, right) = inner
        .split_once('@')
        .ok_or_else(|| format!("{id:?} has no @"))?;
    if id.len() > 250 || !is_dot_atom(left) || !is_dot_atom(right) {
        return Err(format!(
            "{id:?} is not of the form <local@domain> (letters, digits, dots and -_+=)"
        ));
    }
    Ok(())
}

/// A URI inside `<…>`: visible ASCII only, none of the characters that would end
/// it (`<`, `>`) or the list (`,`, which RFC 2369 asks to escape as `%2C`).
fn check_uri(uri: &str) -> Result<(), Reason> {
    if uri.len() > MAX_URL_LEN {
        return Err(format!(
            "the unsubscribe URL is longer than {MAX_URL_LEN} bytes"
        ));
    }
    if let Some(c) = uri
        .chars()
        .find(|c| !c.is_ascii_graphic() || matches!(c, '<' | '>' | ','))
    {
        return Err(format!(
            "the unsubscribe URL contains {c:?}: only visible ASCII without <>, (percent-encode the rest)"
        ));
    }
    Ok(())
}

/// RFC 5322 `dot-atom-text`: atoms of `atext` joined by single dots.
fn is_dot_atom(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b))
        })
}

/// RFC 5322 `specials`, which a phrase may hold only inside quotes.
fn is_special(c: char) -> bool {
    matches!(
        c,
        '(' | ')' | '<' | '>' | '[' | ']' | ':' | ';' | '@' | '\\' | ',' | '.' | '"'
    )
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_id_forms() {
        assert_eq!(
            ListId::new("Still Waters <daily.example.org>").unwrap().0,
            "Still Waters <daily.example.org>"
        );
        assert_eq!(
            ListId::new("<daily.example.org>").unwrap().0,
            "<daily.example.org>"
        );
        assert_eq!(
            ListId::new("St. John's \"daily\" <daily.example.org>")
                .unwrap()
                .0,
            r#""St. John's \"daily\"" <daily.example.org>"#
        );
        for bad in [
            "daily.example.org",
            "Still <daily>",
            "Still <daily.example.org>\r\nBcc: x@example.org",
            "A\r\nBcc: x@example.org <daily.example.org>",
            "<a b.example.org>",
        ] {
            assert!(ListId::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn list_unsubscribe_forms() {
        let h = ListUnsubscribe::new("https://ex.org/u/abc", Some("unsub@ex.org")).unwrap();
        assert_eq!(h.0, "<https://ex.org/u/abc>, <mailto:unsub@ex.org>");
        assert_eq!(ListUnsubscribe::parse(&h.0).unwrap(), h);
        let h = ListUnsubscribe::new(
            "https://ex.org/u/abc",
            Some("mailto:unsub@ex.org?subject=x"),
        )
        .unwrap();
        assert_eq!(
            h.0,
            "<https://ex.org/u/abc>, <mailto:unsub@ex.org?subject=x>"
        );
        for bad in [
            "ftp://ex.org/u",
            "https://ex.org/u\r\nBcc: x@example.org",
            "https://ex.org/u>, <https://evil.example",
            "https://ex.org/a,b",
            "https://ex.org/ä",
        ] {
            assert!(ListUnsubscribe::new(bad, None).is_err(), "{bad:?}");
        }
        assert!(ListUnsubscribe::new("https://ex.org/u", Some("x\r\n@ex.org")).is_err());
        assert!(ListUnsubscribe::new("https://ex.org/u", Some("nobody")).is_err());
        assert!(
            ListUnsubscribe::new(&format!("https://ex.org/{}", "a".repeat(900)), None).is_err()
        );
    }

    #[test]
    fn message_ids() {
        assert!(check_message_id("<job-42.r7@daily.example.org>").is_ok());
        for bad in [
            "job@example.org",
            "<job@example.org",
            "<job@@example.org>",
            "<a b@example.org>",
            "<job@example.org>\r\nBcc: x@example.org",
            "<@example.org>",
            "<a..b@example.org>",
        ] {
            assert!(check_message_id(bad).is_err(), "{bad:?}");
        }
    }
}
