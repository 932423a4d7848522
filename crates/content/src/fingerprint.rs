//! Stable fingerprints: the same bytes give the same fingerprint on every
//! build, Rust release and platform, so a fingerprint may be stored (a
//! journey's source hash, a migration's checksum) or put in a URL or an ETag
//! and still mean the same after an upgrade. `std`'s `DefaultHasher` promises
//! none of that.
//!
//! The function is 64-bit FNV-1a: simple, stable by definition and fast
//! enough for what it reads here (pages and files of at most a few hundred
//! kilobytes). It is not a cryptographic hash: it tells versions of our own
//! content apart, it does not defend against someone crafting collisions.
//!
//! ```
//! use abide_content::Fingerprint;
//!
//! assert_eq!(Fingerprint::of(b"").hex(), "cbf29ce484222325");
//! assert_eq!(Fingerprint::of(b"a").hex(), "af63dc4c8601ec8c");
//! // Written in pieces or at once, the bytes are what counts.
//! assert_eq!(Fingerprint::new().with(b"ab").with(b"c"), Fingerprint::of(b"abc"));
//! // Fields of a record keep their bounds.
//! let (mut a, mut b) = (Fingerprint::new(), Fingerprint::new());
//! a.field(b"ab");
//! a.field(b"c");
//! b.field(b"a");
//! b.field(b"bc");
//! assert_ne!(a, b);
//! ```

/// A running or finished fingerprint of some bytes (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(u64);

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

impl Fingerprint {
    /// The fingerprint of nothing, to write bytes into.
    #[must_use]
    pub const fn new() -> Self {
        Self(OFFSET)
    }

    /// The fingerprint of `bytes`.
    #[must_use]
    pub fn of(bytes: &[u8]) -> Self {
        Self::new().with(bytes)
    }

    /// Adds `bytes`, as if appended to everything written so far.
    pub fn write(&mut self, bytes: &[u8]) {
        let mut hash = self.0;
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
        self.0 = hash;
    }

    /// Adds one field of a record: its length, then its bytes, so that
    /// `("ab", "c")` and `("a", "bc")` differ.
    pub fn field(&mut self, bytes: &[u8]) {
        self.write(&(bytes.len() as u64).to_le_bytes());
        self.write(bytes);
    }

    /// [`write`](Self::write), by value.
    #[must_use]
    pub fn with(mut self, bytes: &[u8]) -> Self {
        self.write(bytes);
        self
    }

    /// All 64 bits, as a signed number (for a database or index column).
    #[must_use]
    pub const fn to_i64(self) -> i64 {
        i64::from_ne_bytes(self.0.to_ne_bytes())
    }

    /// All 64 bits as 16 lower-case hex digits.
    #[must_use]
    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }

    /// The low 40 bits as 10 hex digits: enough to tell versions of one file
    /// apart in a URL.
    #[must_use]
    pub fn short_hex(self) -> String {
        format!("{:010x}", self.0 & 0xff_ffff_ffff)
    }
}

impl Default for Fingerprint {
    fn default() -> Self {
        Self::new()
    }
}
