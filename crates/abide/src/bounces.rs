//! `abide bounces read PATH`: bounces from a mailbox, a Maildir (what is new
//! in it; each message read is moved to `cur/` and flagged seen) or an mbox
//! file (read whole each time: the same report applied twice changes
//! nothing).

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use abide_mail::dsn::MAX_REPORT_BYTES;
use abide_web::{BounceError, BounceSummary, apply_report};
use anyhow::Context as _;

use crate::config::Config;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum BouncesCommand {
    /// Read the delivery status notifications and abuse reports in a Maildir
    /// (its new messages, and those in cur/ not seen yet, which are then moved
    /// to cur/ flagged seen) or an mbox file; mark the messages they answer
    /// bounced and suppress hard bounces and complaints. Prints a summary.
    Read {
        /// A Maildir (a folder with new/ and cur/) or an mbox file.
        path: PathBuf,
    },
}

pub(crate) async fn run(config: &Config, command: BouncesCommand) -> anyhow::Result<ExitCode> {
    let BouncesCommand::Read { path } = command;
    let store = crate::serve::open_store(config).await?;
    let result = if path.is_dir() {
        read_maildir(&store, &path).await
    } else {
        read_mbox(&store, &path).await
    };
    store.close().await;
    let (summary, unreadable) = result?;
    println!(
        "{} reports: {} bounces applied ({} hard, {} soft, {} delayed, {} complaints), \
         {} already applied, {} addresses suppressed; {} not reports; {} unreadable",
        summary.reports,
        summary.applied,
        summary.hard,
        summary.soft,
        summary.delayed,
        summary.complaints,
        summary.duplicates,
        summary.suppressed,
        summary.not_reports,
        unreadable,
    );
    Ok(ExitCode::SUCCESS)
}

/// At most [`MAX_REPORT_BYTES`] and one byte: more is refused by the reader
/// without holding a huge file in memory.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(MAX_REPORT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Maildir: every file in new/, and those in cur/ without the seen flag.
/// A message applied (or found not to be a report) moves to cur/ with `S`
/// added to its flags; one that cannot be read stays where it is.
async fn read_maildir(
    store: &abide_store::Store,
    dir: &Path,
) -> anyhow::Result<(BounceSummary, usize)> {
    let cur = dir.join("cur");
    if !dir.join("new").is_dir() || !cur.is_dir() {
        anyhow::bail!("{}: not a Maildir (no new/ and cur/ in it)", dir.display());
    }
    let mut files = Vec::new();
    for sub in ["new", "cur"] {
        let mut names: Vec<_> = fs::read_dir(dir.join(sub))
            .with_context(|| format!("cannot list {}", dir.join(sub).display()))?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.'))
            .filter(|name| sub == "new" || !flags(name).contains('S'))
            .collect();
        names.sort();
        files.extend(names.into_iter().map(|n| (sub, n)));
    }
    let mut summary = BounceSummary::default();
    let mut unreadable = 0;
    for (sub, name) in files {
        let path = dir.join(sub).join(&name);
        let bytes = match read_bounded(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                unreadable += 1;
                continue;
            }
        };
        match apply_report(store, &bytes).await {
            Ok(s) => summary += s,
            Err(BounceError::Unreadable(e)) => {
                eprintln!("{}: {e}; left where it is", path.display());
                unreadable += 1;
                continue;
            }
            Err(e) => return Err(e.into()),
        }
        let seen = cur.join(seen_name(&name));
        fs::rename(&path, &seen)
            .with_context(|| format!("cannot move {} to {}", path.display(), seen.display()))?;
    }
    Ok((summary, unreadable))
}

/// The flags of a Maildir name (`unique:2,FLAGS`); none without an info part.
fn flags(name: &str) -> &str {
    name.rsplit_once(":2,").map_or("", |(_, f)| f)
}

/// The name with the seen flag: `unique:2,S`, other flags kept in order.
fn seen_name(name: &str) -> String {
    let (unique, flags) = name.rsplit_once(":2,").unwrap_or((name, ""));
    let mut flags: Vec<char> = flags.chars().filter(char::is_ascii_alphabetic).collect();
    if !flags.contains(&'S') {
        flags.push('S');
    }
    flags.sort_unstable();
    flags.dedup();
    format!("{unique}:2,{}", flags.into_iter().collect::<String>())
}

/// mbox: messages begin at lines starting `From ` (after an empty line, or
/// at the start); `>From ` quoting is undone.
async fn read_mbox(
    store: &abide_store::Store,
    file: &Path,
) -> anyhow::Result<(BounceSummary, usize)> {
    let bytes = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut summary = BounceSummary::default();
    let mut unreadable = 0;
    for (n, message) in split_mbox(&bytes).into_iter().enumerate() {
        match apply_report(store, &message).await {
            Ok(s) => summary += s,
            Err(BounceError::Unreadable(e)) => {
                eprintln!("{}: message {}: {e}", file.display(), n + 1);
                unreadable += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok((summary, unreadable))
}

fn split_mbox(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut messages: Vec<Vec<u8>> = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let mut previous_blank = true;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if previous_blank && line.starts_with(b"From ") {
            messages.extend(current.take());
            current = Some(Vec::new());
            previous_blank = false;
            continue;
        }
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        previous_blank = content.is_empty();
        let Some(message) = current.as_mut() else {
            continue;
        };
        // mboxrd: ">From " and ">>From " lose one '>'.
        let quoted = line.iter().take_while(|&&b| b == b'>').count();
        if quoted > 0 && line[quoted..].starts_with(b"From ") {
            message.extend_from_slice(&line[1..]);
        } else {
            message.extend_from_slice(line);
        }
    }
    messages.extend(current);
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maildir_names() {
        assert_eq!(seen_name("1700.M1P2.host"), "1700.M1P2.host:2,S");
        assert_eq!(seen_name("1700.M1P2.host:2,RF"), "1700.M1P2.host:2,FRS");
        assert_eq!(seen_name("1700.M1P2.host:2,S"), "1700.M1P2.host:2,S");
        assert_eq!(flags("a:2,RS"), "RS");
        assert_eq!(flags("a"), "");
    }

    #[test]
    fn mbox_messages() {
        let mbox = b"From a@b Mon Jan 1 00:00:00 2027\nSubject: one\n\n>From here\nFrom the text\n\nFrom c@d Mon Jan 1 00:00:01 2027\nSubject: two\n\nbody\n";
        let m = split_mbox(mbox);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], b"Subject: one\n\nFrom here\nFrom the text\n\n");
        assert_eq!(m[1], b"Subject: two\n\nbody\n");
    }
}
