//! Test helpers: DKIM keys made by `openssl` at test time, and DKIM
//! verification by an independent implementation (dkimpy, Debian's
//! `python3-dkim`) that is handed the public key instead of asking DNS.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use abide_mail::{DkimConfig, Mailer, MailerConfig};

/// The kinds of key a [`DkimConfig`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// RSA 2048, `BEGIN RSA PRIVATE KEY`.
    RsaPkcs1,
    /// RSA 2048, `BEGIN PRIVATE KEY`.
    RsaPkcs8,
    /// Ed25519, `BEGIN PRIVATE KEY`.
    Ed25519,
}

/// A freshly generated key pair: the private PEM for the mailer and the DNS
/// TXT record publishing its public half.
pub(crate) struct TestKey {
    pub private_pem: String,
    pub txt_record: String,
    _dir: tempfile::TempDir,
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?} (is openssl installed?): {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn base64(bytes: &[u8]) -> String {
    let mut child = Command::new("base64")
        .arg("-w0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Generates a key with `openssl` (never a key committed to the repository).
pub(crate) fn generate_key(kind: KeyKind) -> TestKey {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    let key_arg = key.to_str().unwrap();
    match kind {
        KeyKind::RsaPkcs8 | KeyKind::RsaPkcs1 => run(Command::new("openssl").args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            key_arg,
        ])),
        KeyKind::Ed25519 => {
            run(Command::new("openssl").args(["genpkey", "-algorithm", "ED25519", "-out", key_arg]))
        }
    };
    let private_pem = if kind == KeyKind::RsaPkcs1 {
        String::from_utf8(run(Command::new("openssl").args([
            "pkey",
            "-in",
            key_arg,
            "-traditional",
        ])))
        .unwrap()
    } else {
        std::fs::read_to_string(&key).unwrap()
    };
    let public_der =
        run(Command::new("openssl").args(["pkey", "-in", key_arg, "-pubout", "-outform", "DER"]));
    let txt_record = match kind {
        KeyKind::RsaPkcs1 | KeyKind::RsaPkcs8 => {
            format!("v=DKIM1; k=rsa; p={}", base64(&public_der))
        }
        // RFC 8463: the bare 32-byte key, not its SubjectPublicKeyInfo.
        KeyKind::Ed25519 => format!(
            "v=DKIM1; k=ed25519; p={}",
            base64(&public_der[public_der.len() - 32..])
        ),
    };
    match kind {
        KeyKind::RsaPkcs1 => assert!(private_pem.contains("BEGIN RSA PRIVATE KEY")),
        _ => assert!(private_pem.contains("BEGIN PRIVATE KEY")),
    }
    TestKey {
        private_pem,
        txt_record,
        _dir: dir,
    }
}

pub(crate) const DKIM_DOMAIN: &str = "stillwaters.test";
pub(crate) const DKIM_SELECTOR: &str = "abide2026";

/// A mailer for `smtp_addr` (connected lazily), signing with `key` if given.
pub(crate) fn mailer(smtp_addr: &str, key: Option<&TestKey>) -> Mailer {
    Mailer::new(&MailerConfig {
        smtp_url: format!("smtp://{smtp_addr}"),
        from: "Still Waters <devotions@stillwaters.test>".into(),
        timeout: Duration::from_secs(10),
        dkim: key.map(|k| DkimConfig {
            domain: DKIM_DOMAIN.into(),
            selector: DKIM_SELECTOR.into(),
            private_key_pem: k.private_pem.clone(),
        }),
    })
    .unwrap()
}

/// dkimpy, given `txt` as the only DNS answer (for the expected name).
const VERIFY_PY: &str = r#"
import sys, dkim, logging
logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format='dkimpy: %(message)s')
txt_path, expected = sys.argv[1], sys.argv[2]
txt = open(txt_path, 'rb').read().strip()
msg = sys.stdin.buffer.read()
if b'\r\n' not in msg:
    # A Maildir stores the message with the machine's line ends.
    msg = msg.replace(b'\n', b'\r\n')
asked = []
def dnsfunc(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    asked.append(name)
    return txt if name.rstrip('.') == expected else None
ok = dkim.verify(msg, logger=logging.getLogger('dkim'), dnsfunc=dnsfunc)
print('asked', asked)
print('PASS' if ok else 'FAIL')
"#;

/// Whether dkimpy finds a valid DKIM signature on `message` from
/// [`DKIM_DOMAIN`], with `key` published at [`DKIM_SELECTOR`]. Fails the test
/// (never skips) when python3-dkim is missing.
pub(crate) fn dkim_verifies(message: &[u8], key: &TestKey) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let txt: PathBuf = dir.path().join("txt");
    std::fs::write(&txt, &key.txt_record).unwrap();
    verify_with(message, &txt)
}

fn verify_with(message: &[u8], txt: &Path) -> bool {
    let mut child = Command::new("/usr/bin/python3")
        .args(["-c", VERIFY_PY])
        .arg(txt)
        .arg(format!("{DKIM_SELECTOR}._domainkey.{DKIM_DOMAIN}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is needed to verify DKIM signatures");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), message).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named 'dkim'"),
        "dkimpy is missing: scripts/test installs it (apt-get install python3-dkim)"
    );
    assert!(
        out.status.success(),
        "the DKIM verifier failed: {stdout}{stderr}"
    );
    let ok = stdout.contains("PASS");
    if !ok {
        eprintln!("{stdout}");
    }
    ok
}
