//! Each message of the outbox rendered for its recipient: HTML (inline
//! styles, readable in dark mode and without images) and plain text, with the
//! links every subscriber message carries (preferences, one-click
//! unsubscribe) and a Message-ID that follows from the message's idempotency
//! key, so a copy sent twice after a crash is recognisably the same message.

use std::collections::HashMap;

use abide_mail::{OutgoingMessage, Unsubscribe};
use abide_store::{ClaimedMail, MailKind, MailMessage, Subscriber};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use crate::error::AppError;
use crate::passage::view;
use crate::search::html_text;
use crate::state::AppState;

/// Why a message could not be rendered: the recipient or what it points at
/// is gone (not worth retrying), or the database or a template failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ComposeError {
    #[error("{0}")]
    Gone(String),
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Store(#[from] abide_store::StoreError),
}

/// What one batch of messages shares, rendered at once by several tasks:
/// each newsletter is read from the database once.
#[derive(Default, Clone)]
pub(crate) struct BatchCache {
    messages: std::sync::Arc<tokio::sync::Mutex<HashMap<i64, MailMessage>>>,
}

#[derive(Debug, Serialize)]
struct Button {
    label: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct Listed {
    title: String,
    url: String,
    summary: String,
}

/// The host of the site's URL, for Message-IDs and List-Ids.
fn host(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    host.rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(h, _)| h)
}

/// Site-relative links made absolute, for a message read outside the site.
fn absolute(html: &str, base: &str) -> String {
    html.replace("href=\"/", &format!("href=\"{base}/"))
        .replace("src=\"/", &format!("src=\"{base}/"))
}

/// `<hash@host>`: the same for every send of the same (recipient, message).
/// The local part is the store's [`abide_store::outbox_message_id_local`],
/// by which a bounce finds the message it answers.
pub(crate) fn message_id(key: &str, base_url: &str) -> String {
    let local = abide_store::outbox_message_id_local(key);
    format!("<{local}@{}>", host(base_url))
}

/// Plain text of an HTML fragment, a blank line between its paragraphs.
fn mail_text(html: &str) -> String {
    let mut marked = html.to_owned();
    for end in [
        "</p>",
        "</li>",
        "</pre>",
        "</blockquote>",
        "</h1>",
        "</h2>",
        "</h3>",
        "</h4>",
        "<br>",
        "<br/>",
        "<br />",
    ] {
        marked = marked.replace(end, "\u{1}");
    }
    html_text(&marked)
        .split('\u{1}')
        .map(|part| part.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn payload(mail: &ClaimedMail) -> serde_json::Value {
    serde_json::from_str(&mail.payload).unwrap_or_default()
}

fn text_of(payload: &serde_json::Value, field: &str) -> Option<String> {
    payload
        .get(field)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// Renders `mail`, or says why it cannot be.
pub(crate) async fn compose(
    state: &AppState,
    cache: &BatchCache,
    mail: &ClaimedMail,
) -> Result<OutgoingMessage, ComposeError> {
    let store = state.store();
    let base = state.config().base_url.trim_end_matches('/').to_owned();
    let site = state.site().await?;
    let subscriber: Option<Subscriber> = match mail.subscriber_id {
        Some(id) => Some(
            store
                .subscriber(id)
                .await?
                .ok_or_else(|| ComposeError::Gone(format!("subscriber {id} was deleted")))?,
        ),
        None => None,
    };
    let data = payload(mail);
    let greeting = subscriber
        .as_ref()
        .map(|s| s.preferences.name.clone())
        .filter(|n| !n.is_empty());
    let mut subject;
    let mut preheader = String::new();
    let mut heading;
    let mut paragraphs: Vec<String> = Vec::new();
    let mut button: Option<Button> = None;
    let mut entry_ctx = minijinja::Value::UNDEFINED;
    let mut listed: Vec<Listed> = Vec::new();
    let mut body_html: Option<String> = None;
    let list;
    let mut note: Option<String> = None;
    match mail.kind {
        MailKind::Confirm | MailKind::ChangeEmail => {
            let token = text_of(&data, "token")
                .ok_or_else(|| ComposeError::Gone("the link was not kept".into()))?;
            let confirm = mail.kind == MailKind::Confirm;
            subject = if confirm {
                format!("Confirm your subscription to {}", site.title)
            } else {
                format!("Confirm your new address for {}", site.title)
            };
            heading = if confirm {
                "One click to confirm".to_owned()
            } else {
                "Confirm your new address".to_owned()
            };
            paragraphs.push(if confirm {
                format!(
                    "Someone, we hope you, asked to receive mail from {} at this address. Confirm, and it begins; nothing is sent until you do.",
                    site.title
                )
            } else {
                format!(
                    "You asked to receive mail from {} at this address instead. Confirm, and it moves here.",
                    site.title
                )
            });
            button = Some(Button {
                label: if confirm {
                    "Confirm my subscription".into()
                } else {
                    "Confirm this address".into()
                },
                url: format!("{base}/subscribe/confirm/{token}"),
            });
            note = Some(
                "The link works for seven days. If you did not ask for this, ignore this message: you will not hear from us again."
                    .into(),
            );
            preheader = "Confirm your address: nothing is sent until you do.".into();
            list = "confirm";
        }
        MailKind::Notice => {
            subject = format!("You are subscribed to {} already", site.title);
            heading = "You are already subscribed".into();
            paragraphs.push(
                "Someone asked to subscribe this address again. Nothing was changed. To change what you receive, or when, open your preferences."
                    .into(),
            );
            list = "notice";
        }
        MailKind::Daily => {
            // By id first: the entry may have been renamed since.
            let address = match data.get("entry_id").and_then(serde_json::Value::as_i64) {
                Some(id) => store.entry_address(id).await?,
                None => None,
            };
            let (journey, slug) = address.unwrap_or_else(|| {
                (
                    text_of(&data, "journey").unwrap_or_default(),
                    text_of(&data, "entry").unwrap_or_default(),
                )
            });
            let step = data.get("step").and_then(|v| v.as_i64()).unwrap_or(1);
            let steps = data.get("steps").and_then(|v| v.as_i64()).unwrap_or(step);
            let entry = store
                .entry(&journey, &slug, state.now_ms())
                .await?
                .ok_or_else(|| ComposeError::Gone(format!("entry {journey}/{slug} is gone")))?;
            let url = format!("{base}/journeys/{journey}/{slug}");
            subject = format!("Day {step}: {}", entry.card.title);
            heading = entry.card.title.clone();
            preheader = entry.card.summary.clone();
            list = "daily";
            let member = subscriber.as_ref().and_then(|s| s.user_id).is_some();
            let locked = entry.card.members_only && !member;
            let key = entry.card.key_osis.as_deref().and_then(|osis| {
                let ranges = abide_scripture::parse_osis(osis).ok()?;
                let translation = state.library().default_translation();
                view(translation, &ranges).ok()
            });
            entry_ctx = context! {
                journey_title => &entry.card.journey_title,
                step, steps,
                url => &url,
                key_reference => key.as_ref().map(|k| k.reference.clone()).or(entry.card.key_passage.clone()),
                key_html => key.as_ref().map(|k| k.html.clone()),
                key_plain => key.as_ref().map(|k| k.plain.clone()),
                key_attribution => key.as_ref().map(|k| k.translation.attribution.clone()),
                key_url => entry.card.key_osis.as_ref().map(|o| format!("{base}/bible/{o}")),
                locked,
                body_html => (!locked).then(|| absolute(&entry.body_html, &base)),
                body_text => (!locked).then(|| mail_text(&entry.body_html)),
                practices => (!locked).then(|| entry.practices.iter().map(|p| context! {
                    html => absolute(&p.html, &base), text => mail_text(&p.html), minutes => p.minutes,
                }).collect::<Vec<_>>()),
                questions => (!locked).then(|| entry.questions.iter().map(|q| context! {
                    html => absolute(q, &base), text => mail_text(q),
                }).collect::<Vec<_>>()),
                summary => &entry.card.summary,
            };
            button = Some(Button {
                label: if locked {
                    "Sign in to read today's reflection".into()
                } else {
                    "Read it on the site".into()
                },
                url,
            });
        }
        MailKind::Digest => {
            let from = data.get("from").and_then(|v| v.as_i64()).unwrap_or(0);
            let to = data.get("to").and_then(|v| v.as_i64()).unwrap_or(0);
            let entries = store.published_between(from, to, 50).await?;
            if entries.is_empty() {
                return Err(ComposeError::Gone("nothing was published that week".into()));
            }
            subject = format!("This week at {}", site.title);
            heading = "This week".into();
            paragraphs.push(format!(
                "What {} published in the last seven days:",
                site.title
            ));
            listed = entries
                .into_iter()
                .map(|card| Listed {
                    url: format!("{base}/journeys/{}/{}", card.journey_slug, card.slug),
                    title: card.title,
                    summary: card.summary,
                })
                .collect();
            list = "digest";
        }
        MailKind::Newsletter => {
            let id = mail.message_id.ok_or_else(|| {
                ComposeError::Gone("a newsletter copy without its newsletter".into())
            })?;
            let message = {
                let mut messages = cache.messages.lock().await;
                match messages.entry(id) {
                    std::collections::hash_map::Entry::Occupied(found) => found.get().clone(),
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        let message = store.message(id).await?.ok_or_else(|| {
                            ComposeError::Gone(format!("newsletter {id} was deleted"))
                        })?;
                        slot.insert(message).clone()
                    }
                }
            };
            subject = message.subject.clone();
            heading = message.subject.clone();
            let rendered = abide_content::render_markdown(&message.body, 0);
            body_html = Some(absolute(&rendered.html, &base));
            list = if message.audience.preference == "events" {
                "events"
            } else {
                "news"
            };
            if data.get("test").is_some() {
                subject = format!("[Test] {subject}");
            }
        }
    }
    if subject.chars().count() > 200 {
        subject = subject.chars().take(200).collect();
    }
    if heading.is_empty() {
        heading.clone_from(&subject);
    }
    let links = subscriber.as_ref().map(|s| {
        context! {
            preferences => format!("{base}/email/{}", s.link_key),
            unsubscribe => format!("{base}/unsubscribe/{}", s.link_key),
        }
    });
    let ctx = context! {
        base_url => &base,
        site_title => &site.title,
        subject => &subject,
        preheader,
        heading,
        greeting,
        paragraphs,
        button => button.as_ref().map(Serde),
        entry => entry_ctx,
        listed => Serde(&listed),
        body_html,
        body_text => None::<String>,
        note,
        links,
        reason => format!("You receive this because you subscribed to {} at {}.", site.title, mail.email),
    };
    let body_text = ctx
        .get_attr("body_html")
        .ok()
        .and_then(|v| v.as_str().map(mail_text));
    let ctx = context! { body_text, ..ctx };
    let html = state.render("mail.html", ctx.clone()).await?;
    let text = state.render("mail.txt", ctx).await?;
    let unsubscribe = subscriber
        .as_ref()
        .filter(|_| mail.kind.needs_consent())
        .map(|s| Unsubscribe {
            url: format!("{base}/unsubscribe/{}", s.link_key),
            mailto: None,
        });
    Ok(OutgoingMessage {
        to: mail.email.clone(),
        subject,
        text,
        html: Some(html),
        message_id: Some(message_id(&mail.idempotency_key, &base)),
        list_id: Some(format!(
            "{} <{list}.{}>",
            site.title.replace(['<', '>', '"', '\r', '\n'], ""),
            host(&base)
        )),
        unsubscribe,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_ids() {
        assert_eq!(host("https://example.org"), "example.org");
        assert_eq!(host("http://127.0.0.1:8080/sub"), "127.0.0.1");
        let a = message_id("daily:1:2:2027-03-02:1", "https://example.org");
        assert_eq!(
            a,
            message_id("daily:1:2:2027-03-02:1", "https://example.org")
        );
        assert_ne!(
            a,
            message_id("daily:1:2:2027-03-02:2", "https://example.org")
        );
        assert!(a.starts_with('<') && a.ends_with("@example.org>"));
        assert_eq!(
            mail_text("<p>One\n two.</p><ul><li>A</li><li>B</li></ul>"),
            "One two.\n\nA\n\nB"
        );
        assert_eq!(
            absolute(
                "<a href=\"/bible/Ps.46.10\">x</a> <a href=\"https://o/\">y</a>",
                "https://s"
            ),
            "<a href=\"https://s/bible/Ps.46.10\">x</a> <a href=\"https://o/\">y</a>"
        );
    }
}
