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
