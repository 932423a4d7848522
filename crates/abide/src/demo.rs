//! The demo site: its settings and its journey, "Come and Rest", compiled into
//! the binary from `crates/abide/demo/`.

use std::path::{Path, PathBuf};

use abide_store::{SiteSettings, SocialLink, Store};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "demo/"]
struct DemoFiles;

/// How many days ago the demo journey starts, so that today is day four of
/// week one: some readings published, the rest visibly scheduled.
const STARTED_DAYS_AGO: i64 = 3;

/// Writes the demo journeys under `dir` (fresh each time) and returns the
/// folder to import. The journey's `start` is moved so that "today" falls
/// inside it.
pub(crate) fn write_journeys(dir: &Path, today: jiff::civil::Date) -> anyhow::Result<PathBuf> {
    let root = dir.join("demo-journeys");
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    let start = today.checked_sub(jiff::Span::new().days(STARTED_DAYS_AGO))?;
    for name in DemoFiles::iter() {
        let Some(file) = DemoFiles::get(&name) else {
            continue;
        };
        let path = root.join(name.as_ref());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut bytes = file.data.into_owned();
        if name.ends_with("journey.toml") {
            let text = String::from_utf8(bytes)?;
            let moved: Vec<String> = text
                .lines()
                .map(|line| {
                    if line.starts_with("start = ") {
                        format!("start = {start}")
                    } else {
                        line.to_owned()
                    }
                })
                .collect();
            bytes = (moved.join("\n") + "\n").into_bytes();
        }
        std::fs::write(&path, bytes)?;
    }
    Ok(root)
}

/// The demo's site settings, unless some were set already.
pub(crate) async fn seed_settings(store: &Store) -> anyhow::Result<()> {
    if store
        .setting::<serde_json::Value>(SiteSettings::KEY)
        .await?
        .is_some()
    {
        return Ok(());
    }
    store
        .set_site_settings(&SiteSettings {
            title: "Still Waters".into(),
            tagline: "Daily devotional journeys through scripture".into(),
            description: "A small community reading the Bible together, one day at a time: \
                          a key verse each morning, a reflection, a practice to try and a \
                          question to carry through the day."
                .into(),
            social_links: vec![SocialLink {
                name: "Facebook".into(),
                url: "https://www.facebook.com/".into(),
            }],
            ..SiteSettings::default()
        })
        .await?;
    Ok(())
}

/// The demo's owner, who signs in by emailed link to try the back office.
pub(crate) const DEMO_OWNER: &str = "owner@example.org";

/// Creates the demo's owner account unless there is one.
pub(crate) async fn seed_owner(store: &Store) -> anyhow::Result<()> {
    let email = abide_store::Email::parse(DEMO_OWNER)?;
    if store.user_by_email(&email).await?.is_none() {
        let mut owner = abide_store::NewUser::new(email, abide_store::Role::Owner);
        owner.display_name = "Demo owner".into();
        store.create_user(&owner).await?;
    }
    tracing::info!(
        "the back office is at /admin: sign in as {DEMO_OWNER} with \"Email me a link\" (the demo's mail shows the link)"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_journey_is_valid_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let today: jiff::civil::Date = "2026-11-25".parse().unwrap();
        let root = write_journeys(dir.path(), today).unwrap();
        let journey = abide_content::load_journey(
            &root.join("come-and-rest"),
            &abide_content::LoadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        // The seed's shape: an introduction, six days, a recap; then week two.
        let week1: Vec<_> = journey.entries.iter().filter(|e| e.week == 1).collect();
        assert_eq!(week1.len(), 8);
        assert_eq!(week1[0].kind, abide_content::EntryKind::Introduction);
        assert_eq!(week1[7].kind, abide_content::EntryKind::Recap);
        for e in &journey.entries {
            assert!(
                e.key_passage.is_some() || e.kind == abide_content::EntryKind::Introduction,
                "{}",
                e.slug
            );
            assert!(
                e.citations
                    .iter()
                    .filter(|c| c.kind == abide_content::CitationKind::Inline)
                    .count()
                    >= 1,
                "{} cites nothing in its text",
                e.slug
            );
        }
        // Day four is today.
        let day4 = journey
            .entries
            .iter()
            .find(|e| e.week == 1 && e.day == 4)
            .unwrap();
        let expected = today
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp();
        assert_eq!(day4.publish_at, expected);
    }
}
