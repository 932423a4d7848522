use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The `abide` binary, with a clean environment: no `ABIDE_*` configuration
/// leaks in from the test harness, and it runs in `dir` (so no stray
/// `abide.toml` is picked up).
pub(crate) fn abide(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_abide"));
    command.current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("ABIDE_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    command
}

/// Runs `abide` to completion.
pub(crate) fn run(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    abide(dir)
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .unwrap()
}

/// A running `abide serve`, stopped (SIGKILL) when dropped.
pub(crate) struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`
    pub(crate) url: String,
    /// The line it printed on start.
    pub(crate) banner: String,
}

impl Server {
    /// Starts `abide serve --addr 127.0.0.1:0 ARGS` and waits for its banner.
    pub(crate) fn start(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Self {
        let mut child = abide(dir)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        stdout.read_line(&mut banner).unwrap();
        if banner.is_empty() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("abide serve did not start: {err}");
        }
        let url = banner
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap()
            .trim_end_matches('/')
            .to_owned();
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in stdout.lines() {});
        Self {
            child: Some(child),
            url,
            banner,
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// Sends SIGTERM and waits for the process; returns its exit status and
    /// what it wrote to stderr.
    pub(crate) fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let mut child = self.child.take().unwrap();
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (child.wait().unwrap(), err)
    }
}

impl Drop for Server {
    /// Stops the server the way a supervisor would (SIGTERM, so that it removes
    /// its temporary demo folder), and kills it if it does not stop in time.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .ok();
            for _ in 0..100 {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            child.kill().ok();
            child.wait().ok();
        }
    }
}

/// A minimal HTTP/1.1 GET over a real socket: status, headers (lowercase
/// names) and body.
pub(crate) async fn http_get(url: &str, path: &str) -> (u16, Vec<(String, String)>, String) {
    let authority = url.strip_prefix("http://").unwrap();
    let mut stream = tokio::time::timeout(
        Duration::from_secs(10),
        tokio::net::TcpStream::connect(authority),
    )
    .await
    .unwrap()
    .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

/// An error is one line on stderr, "error: ...", exit status 1,
/// and no panic or backtrace.
pub(crate) fn assert_one_clear_line(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in {stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}
