use std::fmt;

use serde::Serialize;

/// The longest address accepted, in bytes (RFC 5321's limit on a path, less
/// the angle brackets).
pub const MAX_EMAIL_BYTES: usize = 254;

/// Longest local part (before the `@`), in bytes (RFC 5321).
const MAX_LOCAL_BYTES: usize = 64;

/// An email address as accounts store it: trimmed and lower-cased, so that one
/// address is one account whatever case it was typed in.
///
/// Deliberately simple: one `@`, something on each side, a dot inside the
/// domain, no spaces, control characters or the characters that need quoting
/// in a mail header. Whether mail arrives is for the confirmation link to
/// find out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// Why an address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmailError {
    /// Nothing but spaces.
    #[error("invalid email: it is empty")]
    Empty,
    /// Longer than [`MAX_EMAIL_BYTES`], or a local part over 64 bytes.
    #[error("invalid email: it is too long")]
    TooLong,
    /// No `@`, or more than one.
    #[error("invalid email {0:?}: it needs exactly one @")]
    At(String),
    /// Nothing before the `@`.
    #[error("invalid email {0:?}: nothing before the @")]
    NoLocalPart(String),
    /// The domain has no dot, an empty label, or a dot or hyphen at an end.
    #[error("invalid email {0:?}: the part after the @ is not a domain like example.org")]
    Domain(String),
    /// A space, a control character or one of `"(),:;<>[\]`.
    #[error("invalid email {0:?}: it contains a space or a character an address cannot have")]
    Character(String),
}

impl Email {
    /// Checks and normalises an address as typed: surrounding white space is
    /// removed and the whole address lower-cased.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        // Checked before lower-casing, which can make a string longer.
        if trimmed.len() > MAX_EMAIL_BYTES {
            return Err(EmailError::TooLong);
        }
        let email = trimmed.to_lowercase();
        if email.len() > MAX_EMAIL_BYTES {
            return Err(EmailError::TooLong);
        }
        // Quote a bounded, lower-cased copy: it goes into messages and logs.
        let shown = || email.clone();
        if email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"(),:;<>[\\]".contains(c))
        {
            return Err(EmailError::Character(shown()));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(EmailError::At(shown()));
        };
        if domain.contains('@') {
            return Err(EmailError::At(shown()));
        }
        if local.is_empty() {
            return Err(EmailError::NoLocalPart(shown()));
        }
        if local.len() > MAX_LOCAL_BYTES {
            return Err(EmailError::TooLong);
        }
        let labels_ok = domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if !domain.contains('.') || !labels_ok {
            return Err(EmailError::Domain(shown()));
        }
        Ok(Self(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`: a first display name for someone who gave none.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or(&self.0, |(local, _)| local)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Email {
    type Err = EmailError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        let email = Email::parse("  Ruth.Miller+abide@Example.ORG \n").unwrap();
        assert_eq!(email.as_str(), "ruth.miller+abide@example.org");
        assert_eq!(email.local_part(), "ruth.miller+abide");
    }

    #[test]
    fn bad_addresses_say_why() {
        assert_eq!(Email::parse("  "), Err(EmailError::Empty));
        for (input, expected) in [
            ("ruth", "exactly one @"),
            ("ruth@a@example.org", "exactly one @"),
            ("@example.org", "nothing before the @"),
            ("ruth@localhost", "not a domain"),
            ("ruth@example..org", "not a domain"),
            ("ruth@.example.org", "not a domain"),
            ("ruth@example.org.", "not a domain"),
            ("ruth@-example.org", "not a domain"),
            ("ruth miller@example.org", "a space"),
            ("ruth@example.org\r\nBcc: all@example.org", "a space"),
            ("<ruth@example.org>", "a space"),
        ] {
            let err = Email::parse(input).unwrap_err().to_string();
            assert!(err.contains(expected), "{input:?}: {err}");
        }
        let long = format!("{}@example.org", "a".repeat(65));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        let long = format!("ruth@{}.org", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }
}
