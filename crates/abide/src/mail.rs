//! `abide send`: a newsletter from a Markdown file, to an audience chosen by
//! preference and tag, now, at a time, or as a test to one address.

use std::path::PathBuf;
use std::process::ExitCode;

use abide_store::{Audience, Email, NewMessage};
use anyhow::Context as _;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub(crate) struct SendArgs {
    /// The newsletter, in Markdown. A first line `# Title` is the subject
    /// unless --subject is given.
    file: PathBuf,
    /// The subject line.
    #[arg(long)]
    subject: Option<String>,
    /// Who receives it: subscribers who want `newsletters` or `events`.
    #[arg(long, default_value = "newsletters")]
    audience: String,
    /// Only subscribers with this tag (repeat for any of several).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// When it goes out (RFC 3339, e.g. 2027-03-05T18:00:00+01:00); default now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Send one copy to this address only (it need not be a subscriber).
    #[arg(long, value_name = "EMAIL")]
    test: Option<String>,
}

/// The subject and body of a Markdown newsletter.
fn split_subject(text: &str, subject: Option<String>) -> (String, String) {
    if let Some(subject) = subject {
        return (subject, text.to_owned());
    }
    let trimmed = text.trim_start();
    if let Some(rest) = trimmed.strip_prefix("# ") {
        let (title, body) = rest.split_once('\n').unwrap_or((rest, ""));
        return (title.trim().to_owned(), body.trim_start().to_owned());
    }
    (String::new(), text.to_owned())
}

pub(crate) async fn send(config: &Config, args: SendArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let (subject, body) = split_subject(&text, args.subject);
    if subject.is_empty() {
        anyhow::bail!("no subject: begin the file with `# Subject` or give --subject");
    }
    let send_at = match &args.at {
        Some(at) => Some(
            at.parse::<jiff::Timestamp>()
                .with_context(|| format!("--at {at:?}: expected a time like 2027-03-05T18:00:00Z"))?
                .as_millisecond(),
        ),
        None => None,
    };
    let store = crate::serve::open_store(config).await?;
    let message = store
        .create_message(&NewMessage {
            subject,
            body,
            audience: Audience {
                preference: args.audience,
                tags: args.tags,
            },
            send_at: if args.test.is_some() { None } else { send_at },
        })
        .await?;
    if let Some(address) = args.test {
        let email = Email::parse(&address)?;
        store.queue_test_message(message.id, &email).await?;
        println!(
            "test copy of newsletter {} queued for {email}; a running `abide serve` or `abide worker` sends it",
            message.id
        );
    } else if send_at.is_some() {
        println!(
            "newsletter {} scheduled for {}; its copies are made then",
            message.id,
            args.at.unwrap_or_default()
        );
    } else {
        let copies = store.queue_message(message.id).await?;
        println!(
            "newsletter {} queued for {copies} subscriber(s); a running `abide serve` or `abide worker` sends it",
            message.id
        );
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_heading_is_the_subject() {
        assert_eq!(
            split_subject("# Gathering\n\nCome.", None),
            ("Gathering".into(), "Come.".into())
        );
        assert_eq!(
            split_subject("Come.", Some("Hi".into())),
            ("Hi".into(), "Come.".into())
        );
        assert_eq!(split_subject("Come.", None).0, "");
    }
}

/// `abide subscribers ...`
#[derive(Debug, clap::Subcommand)]
pub(crate) enum SubscribersCommand {
    /// Import a CSV export of another newsletter service (Mailchimp,
    /// Substack, listmonk, Kit, Buttondown, Ghost, MailerLite, or any file
    /// with an email column). Consent is kept as the export records it;
    /// unsubscribed rows stay unsubscribed, cleaned ones are suppressed.
    /// Rows with problems are reported by line and left out.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Add this tag to every imported subscriber (repeat for more).
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// Time zone for rows without one (default: the site's).
        #[arg(long, value_name = "ZONE")]
        time_zone: Option<String>,
    },
    /// Write every subscriber as CSV (to FILE, or standard output).
    Export {
        /// Where to write; standard output when absent.
        file: Option<PathBuf>,
    },
    /// List subscribers, newest first.
    List {
        /// Only this status: pending, active, unsubscribed.
        #[arg(long)]
        status: Option<String>,
        /// Only with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Address or name containing this.
        #[arg(long)]
        search: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

/// A progress line on a terminal: `[#####     ] done/total`.
pub(crate) fn progress_line(done: usize, total: usize) {
    use std::io::{IsTerminal, Write};
    if total == 0 || !std::io::stderr().is_terminal() {
        return;
    }
    let width = 30;
    let filled = done.min(total) * width / total;
    eprint!(
        "\r[{}{}] {done}/{total}",
        "#".repeat(filled),
        " ".repeat(width - filled)
    );
    let _ = std::io::stderr().flush();
    if done >= total {
        eprintln!();
    }
}

fn millis_text(ms: Option<i64>) -> Option<String> {
    ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|t| t.to_string())
}

pub(crate) async fn subscribers(
    config: &Config,
    command: SubscribersCommand,
) -> anyhow::Result<ExitCode> {
    let store = crate::serve::open_store(config).await?;
    let code = match command {
        SubscribersCommand::Import {
            file,
            tags,
            time_zone,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let started = std::time::Instant::now();
            let report = abide_mail::subscribers_csv::read(
                &bytes,
                &abide_mail::subscribers_csv::CsvLimits::default(),
            );
            for problem in &report.problems {
                eprintln!("{}:{}: {}", file.display(), problem.line, problem.reason);
            }
            let mut rows = Vec::with_capacity(report.rows.len());
            for row in report.rows {
                match Email::parse(&row.email) {
                    Ok(email) => rows.push(abide_store::ImportedSubscriber {
                        email,
                        name: row.name,
                        time_zone: row.time_zone,
                        tags: row.tags,
                        consent_at: row.consent_at,
                        unsubscribed: row.status.as_deref() == Some("unsubscribed"),
                        cleaned: row.status.as_deref() == Some("cleaned"),
                    }),
                    Err(e) => eprintln!("{}:{}: {e}", file.display(), row.line),
                }
            }
            let zone = match time_zone {
                Some(zone) => zone,
                None => store.site_settings().await?.time_zone,
            };
            let total = rows.len();
            let summary = store
                .import_subscribers(&rows, &zone, &tags, |done| progress_line(done, total))
                .await?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{} added, {} already here, {} unsubscribed, {} suppressed; {} row(s) left out ({total} rows in {secs:.1} s)",
                summary.added,
                summary.updated,
                summary.unsubscribed,
                summary.suppressed,
                report.problems.len()
            );
            ExitCode::SUCCESS
        }
        SubscribersCommand::Export { file } => {
            let (sender, receiver) =
                std::sync::mpsc::channel::<abide_mail::subscribers_csv::ExportRow>();
            let writer: Box<dyn std::io::Write + Send> = match &file {
                Some(path) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("cannot write {}", path.display()))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout())),
            };
            let writing = std::thread::spawn(move || {
                abide_mail::subscribers_csv::write(receiver.into_iter(), writer)
            });
            let count = store
                .each_subscriber(|s| {
                    // A closed channel means the writer failed: its error is
                    // reported below.
                    let _ = sender.send(abide_mail::subscribers_csv::ExportRow {
                        email: s.email,
                        name: Some(s.preferences.name).filter(|n| !n.is_empty()),
                        time_zone: Some(s.preferences.time_zone),
                        status: Some(s.status.as_str().to_owned()),
                        tags: s.tags,
                        consent_at: s.consent_at,
                        created_at: s.created_at,
                    });
                    Ok(())
                })
                .await?;
            drop(sender);
            writing
                .join()
                .map_err(|_| anyhow::anyhow!("the CSV writer stopped"))??;
            if file.is_some() {
                println!("{count} subscriber(s) written");
            }
            ExitCode::SUCCESS
        }
        SubscribersCommand::List {
            status,
            tag,
            search,
            limit,
        } => {
            let status = match status.as_deref() {
                Some(s) => Some(abide_store::SubscriberStatus::parse(s).ok_or_else(|| {
                    anyhow::anyhow!("--status {s:?}: pending, active or unsubscribed")
                })?),
                None => None,
            };
            let (found, total) = store
                .subscribers(&abide_store::SubscriberFilter {
                    status,
                    tag,
                    search,
                    limit,
                    offset: 0,
                })
                .await?;
            for s in &found {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    s.email,
                    s.status.as_str(),
                    s.preferences.time_zone,
                    s.tags.join(";"),
                    millis_text(s.consent_at).unwrap_or_default()
                );
            }
            eprintln!("{} of {total} shown", found.len());
            ExitCode::SUCCESS
        }
    };
    store.close().await;
    Ok(code)
}
