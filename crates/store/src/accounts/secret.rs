use std::fmt;
use std::fmt::Write as _;

use base64ct::{Base64UrlUnpadded, Encoding as _};
use rand::TryRngCore as _;
use rand::rngs::OsRng;
use sha2::{Digest as _, Sha256};

use crate::accounts::error::AccountError;

/// Bytes of randomness in a token: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;

/// The longest token worth looking up: an encoded one is 43 characters, so
/// anything much longer is not ours and is refused before it is hashed.
const MAX_TOKEN_CHARS: usize = 128;

/// A secret as handed to a browser (a session cookie) or mailed in a link: 32
/// bytes from the operating system's random source, URL-safe base64 without
/// padding. It exists only in the caller's hands; the database keeps its
/// SHA-256. `Debug` does not show it, so it cannot leak into a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct RawToken(String);

impl RawToken {
    /// A fresh random token, and the hash to store in its place.
    pub(crate) fn generate() -> Result<(Self, String), AccountError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| AccountError::Randomness(e.to_string()))?;
        let token = Base64UrlUnpadded::encode_string(&bytes);
        let hash = hash_hex(token.as_bytes());
        Ok((Self(token), hash))
    }

    /// A fresh random token that is never stored (a form's anti-forgery
    /// token, kept in a cookie beside the form).
    pub fn random() -> Result<Self, AccountError> {
        Self::generate().map(|(token, _)| token)
    }

    /// The token as text, for the cookie or the link. Handle with care.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The token a browser sent back, as text.
    pub fn from_client(token: &str) -> Self {
        Self(token.to_owned())
    }

    /// What the database stores in its place, or `None` for text too long to be
    /// one of ours.
    pub(crate) fn hash(&self) -> Option<String> {
        (self.0.len() <= MAX_TOKEN_CHARS).then(|| hash_hex(self.0.as_bytes()))
    }
}

impl fmt::Debug for RawToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RawToken(***)")
    }
}

/// SHA-256 as lowercase hex. A fast hash is enough here, unlike for passwords:
/// the input is 256 random bits, which no amount of guessing covers.
pub(crate) fn hash_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest.iter() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_url_safe_and_hashed() {
        let (a, stored) = RawToken::generate().unwrap();
        let (b, _) = RawToken::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43);
        assert!(
            a.expose()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'),
            "{}",
            a.expose()
        );
        let hash = a.hash().unwrap();
        assert_eq!(hash, stored);
        assert_eq!(hash.len(), 64);
        assert_eq!(Some(hash), RawToken::from_client(a.expose()).hash());
        assert_eq!(format!("{a:?}"), "RawToken(***)");
        assert_eq!(RawToken::from_client(&"x".repeat(129)).hash(), None);
    }

    #[test]
    fn the_hash_is_sha256() {
        assert_eq!(
            hash_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
