//! DKIM signing (RFC 6376; Ed25519 per RFC 8463) with lettre's signer, from a
//! key in the formats operators have: what `openssl genpkey` and
//! `opendkim-genkey` write.

use base64ct::{Base64, Encoding};
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig as LettreDkimConfig,
    DkimSigningAlgorithm, DkimSigningKey,
};
use lettre::message::header::HeaderName;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, LineEnding, ObjectIdentifier, PrivateKeyInfo, SecretDocument};
use rsa::traits::PublicKeyParts;

use crate::MailError;

/// How every message is signed, when the operator publishes a DKIM key.
#[derive(Clone)]
pub struct DkimConfig {
    /// The signing domain (`d=`), e.g. `example.org`: normally the domain of
    /// the `From:` address, so that DMARC aligns.
    pub domain: String,
    /// The selector (`s=`): the public key is published as a TXT record at
    /// `<selector>._domainkey.<domain>`.
    pub selector: String,
    /// The private key, PEM: RSA as PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8
    /// (`BEGIN PRIVATE KEY`), or Ed25519 as PKCS#8 (`BEGIN PRIVATE KEY`) or as
    /// the bare base64 of its 32-byte seed. RSA keys need at least 1024 bits
    /// (2048 is what receivers expect today). Ed25519 signatures are short and
    /// fast, but not every receiver checks them yet: publish an RSA key too
    /// where that matters.
    pub private_key_pem: String,
}

impl std::fmt::Debug for DkimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("DkimConfig")
            .field("domain", &self.domain)
            .field("selector", &self.selector)
            .finish_non_exhaustive()
    }
}

/// Headers the signature covers. Each is listed once whether or not the
/// message has it: a listed header that is absent is signed as absent, so it
/// cannot be added on the way (RFC 6376 §5.4). RFC 8058 requires both
/// `List-Unsubscribe` headers to be signed.
const SIGNED_HEADERS: &[&str] = &[
    "From",
    "Reply-To",
    "Subject",
    "Date",
    "To",
    "Cc",
    "Message-ID",
    "MIME-Version",
    // Not `Content-Type`: lettre writes a multipart message's Content-Type
    // with the body, after signing, so it cannot be in the signed set (the
    // signature would never verify). The body hash covers the parts.
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// lettre's signer for `config`, or why the key or names are unusable.
pub(crate) fn signer(config: &DkimConfig) -> Result<LettreDkimConfig, MailError> {
    let bad = |reason: String| MailError::BadDkimKey { reason };
    // The names go into the DKIM-Signature header as they are.
    for (what, name) in [("domain", &config.domain), ("selector", &config.selector)] {
        let ok = !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
        if !ok {
            return Err(bad(format!("the DKIM {what} {name:?} is not a DNS name")));
        }
    }
    let key = signing_key(config.private_key_pem.trim()).map_err(bad)?;
    Ok(LettreDkimConfig::new(
        config.selector.clone(),
        config.domain.clone(),
        key,
        SIGNED_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect(),
        // Relaxed both ways: relays may re-fold headers or trim spaces at line
        // ends, and the signature should survive that.
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    ))
}

fn signing_key(pem: &str) -> Result<DkimSigningKey, String> {
    if pem.contains("-----BEGIN RSA PRIVATE KEY-----") {
        let key = rsa::RsaPrivateKey::from_pkcs1_pem(pem)
            .map_err(|e| format!("the RSA key (PKCS#1) does not parse: {e}"))?;
        return rsa_key(&key);
    }
    if pem.contains("-----BEGIN PRIVATE KEY-----") {
        let (_, doc) = SecretDocument::from_pem(pem)
            .map_err(|e| format!("the PKCS#8 key does not parse: {e}"))?;
        let info = PrivateKeyInfo::try_from(doc.as_bytes())
            .map_err(|e| format!("the PKCS#8 key does not parse: {e}"))?;
        let oid = info.algorithm.oid;
        if oid == OID_RSA {
            let key = rsa::RsaPrivateKey::from_pkcs8_der(doc.as_bytes())
                .map_err(|e| format!("the RSA key (PKCS#8) does not parse: {e}"))?;
            return rsa_key(&key);
        }
        if oid == OID_ED25519 {
            // RFC 8410: the private key is an OCTET STRING holding the seed.
            let seed = match info.private_key {
                [0x04, 0x20, seed @ ..] if seed.len() == 32 => seed,
                _ => return Err("the Ed25519 key is not a 32-byte seed".into()),
            };
            return ed25519_key(&Base64::encode_string(seed));
        }
        return Err(format!(
            "the key's algorithm ({oid}) is neither RSA nor Ed25519"
        ));
    }
    if pem.contains("-----BEGIN") {
        return Err(
            "not an unencrypted RSA or Ed25519 private key (expected BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)"
                .into(),
        );
    }
    ed25519_key(pem)
        .map_err(|_| "not a PEM private key (nor the base64 of an Ed25519 seed)".to_owned())
}

// The private-key operations of `rsa` 0.9, the version lettre uses, are not
// constant-time (advisory RUSTSEC-2023-0071). Here they only sign outgoing
// mail in a background worker, whose timing a remote party sees only through
// SMTP and queue delays; an operator who wants none of it uses Ed25519.
fn rsa_key(key: &rsa::RsaPrivateKey) -> Result<DkimSigningKey, String> {
    // lettre's signer panics on a key too small for a SHA-256 signature;
    // RFC 8301 forbids keys under 1024 bits anyway.
    if key.size() < 1024 / 8 {
        return Err(format!(
            "the RSA key has {} bits; DKIM needs at least 1024 (use 2048)",
            key.size() * 8
        ));
    }
    let pkcs1 = key
        .to_pkcs1_pem(LineEnding::LF)
        .map_err(|e| format!("the RSA key cannot be re-encoded: {e}"))?;
    DkimSigningKey::new(&pkcs1, DkimSigningAlgorithm::Rsa)
        .map_err(|e| format!("the RSA key is refused: {e}"))
}

fn ed25519_key(seed_base64: &str) -> Result<DkimSigningKey, String> {
    let seed = Base64::decode_vec(seed_base64.trim()).map_err(|e| format!("not base64: {e}"))?;
    if seed.len() != 32 {
        return Err("an Ed25519 seed has 32 bytes".into());
    }
    DkimSigningKey::new(seed_base64.trim(), DkimSigningAlgorithm::Ed25519)
        .map_err(|e| format!("the Ed25519 key is refused: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(key: &str) -> DkimConfig {
        DkimConfig {
            domain: "stillwaters.test".into(),
            selector: "abide".into(),
            private_key_pem: key.into(),
        }
    }

    #[test]
    fn bad_keys_are_clear_errors() {
        for (key, expect) in [
            ("", "not a PEM"),
            ("hello", "not a PEM"),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
                "PKCS#1",
            ),
            (
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                "PKCS#8",
            ),
            (
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
                "unencrypted",
            ),
            ("AAAA", "not a PEM"),
        ] {
            let err = signer(&config(key)).unwrap_err();
            assert!(matches!(err, MailError::BadDkimKey { .. }), "{err}");
            assert!(err.to_string().contains(expect), "{key:?}: {err}");
        }
    }

    #[test]
    fn names_must_be_dns_names() {
        let seed = Base64::encode_string(&[7u8; 32]);
        assert!(signer(&config(&seed)).is_ok());
        let mut c = config(&seed);
        c.selector = "a; b=evil".into();
        assert!(signer(&c).is_err());
        let mut c = config(&seed);
        c.domain = "example.org\r\nX: y".into();
        assert!(signer(&c).is_err());
    }

    #[test]
    fn the_key_stays_out_of_debug_output() {
        let c = config("-----BEGIN PRIVATE KEY-----\nSECRET\n-----END PRIVATE KEY-----");
        assert!(!format!("{c:?}").contains("SECRET"));
    }
}
