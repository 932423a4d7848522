use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::db::Store;
use crate::error::StoreError;

/// Site-wide settings that the ministry team changes while the site runs (as
/// opposed to the operator's configuration file). Stored as one JSON document
/// under the key `site`; a field missing from the stored document takes its
/// default, so adding a field needs no migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteSettings {
    /// The site's name, shown in the header, the page titles and link previews.
    pub title: String,
    /// One line under the title.
    pub tagline: String,
    /// A paragraph introducing the ministry on the home page and in link previews.
    pub description: String,
    /// The language of the site's pages, as a BCP 47 tag.
    pub language: String,
    /// The IANA time zone in which the ministry's days begin and end.
    pub time_zone: String,
    /// Links to the ministry elsewhere (Facebook, YouTube, ...), in the footer.
    pub social_links: Vec<SocialLink>,
    /// The site's logo beside its title: a path on the site (`/media/…`) or
    /// an `https://` URL; empty: the title alone.
    pub logo: String,
    /// The translation pages quote scripture in unless the reader chose
    /// another (an id of the installed translations); empty: the library's
    /// default (the World English Bible when installed).
    pub default_translation: String,
}

/// A link to the ministry on another site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialLink {
    /// What the link is called ("Facebook").
    pub name: String,
    /// Where it goes.
    pub url: String,
}

impl Default for SiteSettings {
    fn default() -> Self {
        Self {
            title: "Abide".into(),
            tagline: "Daily devotional journeys through scripture".into(),
            description: String::new(),
            language: "en".into(),
            time_zone: "UTC".into(),
            social_links: Vec::new(),
            logo: String::new(),
            default_translation: String::new(),
        }
    }
}

impl SiteSettings {
    /// The settings key under which this document is stored.
    pub const KEY: &'static str = "site";
}

impl Store {
    /// Reads the setting `key`, or `None` when it was never set.
    pub async fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        value
            .map(|v| serde_json::from_str(&v))
            .transpose()
            .map_err(|source| StoreError::Setting {
                key: key.to_owned(),
                source,
            })
    }

    /// Writes the setting `key`, replacing what was there.
    pub async fn set_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let json = serde_json::to_string(value).map_err(|source| StoreError::Setting {
            key: key.to_owned(),
            source,
        })?;
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(json)
        .bind(self.now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The site settings, with defaults for whatever was never set.
    pub async fn site_settings(&self) -> Result<SiteSettings, StoreError> {
        Ok(self.setting(SiteSettings::KEY).await?.unwrap_or_default())
    }

    /// Replaces the site settings.
    pub async fn set_site_settings(&self, settings: &SiteSettings) -> Result<(), StoreError> {
        self.set_setting(SiteSettings::KEY, settings).await
    }
}
