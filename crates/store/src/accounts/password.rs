//! Passwords, for those who want one beside emailed links: argon2id with the
//! crate's defaults (19 MiB, two passes, one lane: the OWASP recommendation),
//! stored as PHC strings so that the parameters travel with each hash and can
//! be raised later without breaking old ones.
//!
//! Both functions take tens of milliseconds of CPU and 19 MiB of memory by
//! design. They are synchronous: call them off the async threads (the web
//! layer runs them on its heavy-work gate, the command line may call them
//! directly), or a burst of sign-ins stalls every request of the server.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

/// The longest password accepted, in bytes. Argon2 would take more, but a
/// bound keeps a megabyte "password" from costing anything to refuse.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a password could not be hashed or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordError {
    /// An empty password.
    #[error("the password is empty")]
    Empty,
    /// Longer than [`MAX_PASSWORD_BYTES`].
    #[error("the password is longer than {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    /// A stored hash that is not an argon2 PHC string: damaged data.
    #[error("the stored password hash is not readable: {0}")]
    BadHash(String),
    /// Hashing failed (no randomness for the salt).
    #[error("cannot hash the password: {0}")]
    Hashing(String),
}

/// Hashes `password` with argon2id and a fresh random salt, as a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). CPU-heavy: run it off the
/// async threads.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    check_length(password)?;
    let hash: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| PasswordError::Hashing(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `password` matches `stored` (a PHC string from [`hash_password`]).
/// A password over the length bound never matches and costs nothing.
/// CPU-heavy: run it off the async threads.
pub fn verify_password(password: &str, stored: &str) -> Result<bool, PasswordError> {
    if password.is_empty() || password.len() > MAX_PASSWORD_BYTES {
        return Ok(false);
    }
    match Argon2::default().verify_password(password.as_bytes(), stored) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
        Err(e) => Err(PasswordError::BadHash(e.to_string())),
    }
}

fn check_length(password: &str) -> Result<(), PasswordError> {
    if password.is_empty() {
        Err(PasswordError::Empty)
    } else if password.len() > MAX_PASSWORD_BYTES {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("be still and know").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(verify_password("be still and know", &hash).unwrap());
        assert!(!verify_password("be still and knew", &hash).unwrap());
        assert!(!verify_password("", &hash).unwrap());
        // Salted: the same password hashes differently each time.
        assert_ne!(hash, hash_password("be still and know").unwrap());
    }

    #[test]
    fn lengths_are_bounded() {
        assert_eq!(hash_password(""), Err(PasswordError::Empty));
        let long = "x".repeat(MAX_PASSWORD_BYTES + 1);
        assert_eq!(hash_password(&long), Err(PasswordError::TooLong));
        let hash = hash_password(&long[1..]).unwrap();
        assert!(verify_password(&long[1..], &hash).unwrap());
        assert!(!verify_password(&long, &hash).unwrap());
    }

    #[test]
    fn a_damaged_hash_is_an_error_not_a_match() {
        assert!(matches!(
            verify_password("pw", "not a hash"),
            Err(PasswordError::BadHash(_))
        ));
    }
}
