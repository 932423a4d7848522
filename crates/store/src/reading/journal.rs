use std::fmt;

use serde::Serialize;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::{Store, Tx};
use crate::error::StoreError;
use crate::reading::error::ReadingError;
use crate::reading::practice::PracticeLogItem;

/// The longest journal text, in characters (after line breaks are
/// normalised).
pub const MAX_JOURNAL_CHARS: usize = 20_000;

/// Most journal items one page of [`Store::journal`] returns.
pub const MAX_JOURNAL_PAGE: u32 = 100;

/// What a journal item answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JournalKey {
    /// The entry's n-th question, from 1 (`q1`).
    Question(u32),
    /// A note on the entry's n-th practice, from 1 (`p1`).
    Practice(u32),
    /// A free note on the entry (`note`).
    Note,
}

impl JournalKey {
    /// Reads `q<n>`, `p<n>` (n from 1, no leading zero) or `note`.
    pub fn parse(item: &str) -> Result<Self, ReadingError> {
        let bad = || ReadingError::BadItem(item.chars().take(20).collect());
        if item == "note" {
            return Ok(Self::Note);
        }
        let (make, digits): (fn(u32) -> Self, &str) = match item.split_at_checked(1) {
            Some(("q", n)) => (Self::Question, n),
            Some(("p", n)) => (Self::Practice, n),
            _ => return Err(bad()),
        };
        if digits.is_empty()
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        digits.parse().map(make).map_err(|_| bad())
    }
}

impl fmt::Display for JournalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Question(n) => write!(f, "q{n}"),
            Self::Practice(n) => write!(f, "p{n}"),
            Self::Note => f.write_str("note"),
        }
    }
}

impl Serialize for JournalKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One thing a member wrote in their journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalItem {
    /// The journey's slug.
    pub journey_slug: String,
    /// The journey's title.
    pub journey_title: String,
    /// The entry's slug.
    pub entry_slug: String,
    /// The entry's title; `None` when the entry is gone from its journey.
    pub entry_title: Option<String>,
    /// What it answers.
    pub item: JournalKey,
    /// The text.
    pub body: String,
    /// First written (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
}

/// What a member wrote and logged on one entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct EntryJournal {
    /// Answers and notes: questions in order, then practices, then the note.
    pub items: Vec<JournalItem>,
    /// Time given to the entry's practices, oldest first.
    pub practice_log: Vec<PracticeLogItem>,
}

/// One page of a member's journal, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalPage {
    /// The items.
    pub items: Vec<JournalItem>,
    /// The offset of the next page, when there is one.
    pub next_offset: Option<u32>,
}

/// A published entry that a member writes about.
pub(crate) struct EntryTarget {
    pub(crate) journey_id: i64,
    pub(crate) journey_title: String,
    pub(crate) entry_title: String,
    pub(crate) questions: usize,
    pub(crate) practices: usize,
}

/// A journal text as typed, normalised (`\r\n` and lone `\r` to `\n`,
/// trimmed), or why it cannot be kept.
fn journal_text(body: &str) -> Result<String, ReadingError> {
    let too_long = ReadingError::TooLong {
        max: MAX_JOURNAL_CHARS,
    };
    // Bound the work before copying: normalising at most halves the length.
    if body.len() > 4 * 2 * MAX_JOURNAL_CHARS {
        return Err(too_long);
    }
    if let Some(c) = body
        .chars()
        .find(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ReadingError::ControlCharacter(u32::from(c)));
    }
    let text = body.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    if text.chars().count() > MAX_JOURNAL_CHARS {
        return Err(too_long);
    }
    Ok(text.to_owned())
}

/// `item` and `body` as they will be stored for `target`, or why not.
fn checked_item(
    target: &EntryTarget,
    entry_slug: &str,
    item: &str,
    body: &str,
) -> Result<(JournalKey, String), ReadingError> {
    let key = JournalKey::parse(item)?;
    let body = journal_text(body)?;
    let (questions, practices) = (target.questions, target.practices);
    let exists = match key {
        JournalKey::Question(n) => usize::try_from(n).is_ok_and(|n| n <= questions),
        JournalKey::Practice(n) => usize::try_from(n).is_ok_and(|n| n <= practices),
        JournalKey::Note => true,
    };
    if !exists {
        return Err(ReadingError::NoSuchItem {
            entry: entry_slug.to_owned(),
            item: key.to_string(),
            questions,
            practices,
        });
    }
    Ok((key, body))
}

/// Writes one checked item in `tx`: an empty text deletes it. Returns its
/// created and updated times, `None` after a deletion.
async fn write_item(
    tx: &mut Tx,
    user_id: i64,
    target: &EntryTarget,
    entry_slug: &str,
    key: JournalKey,
    body: &str,
    now: i64,
) -> Result<Option<(i64, i64)>, StoreError> {
    if body.is_empty() {
        sqlx::query(
            "DELETE FROM journal
             WHERE user_id = $1 AND journey_id = $2 AND entry_slug = $3 AND item = $4",
        )
        .bind(user_id)
        .bind(target.journey_id)
        .bind(entry_slug)
        .bind(key.to_string())
        .execute(&mut **tx)
        .await?;
        return Ok(None);
    }
    let row = sqlx::query(include_str!("sql/save_journal.sql"))
        .bind(user_id)
        .bind(target.journey_id)
        .bind(entry_slug)
        .bind(key.to_string())
        .bind(body)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else {
        return Err(crate::AccountError::UnknownUser(format!("id {user_id}")).into());
    };
    Ok(Some((
        row.try_get("created_at")?,
        row.try_get("updated_at")?,
    )))
}

fn journal_item(row: &AnyRow) -> Result<JournalItem, StoreError> {
    let item: String = row.try_get("item")?;
    Ok(JournalItem {
        journey_slug: row.try_get("journey_slug")?,
        journey_title: row.try_get("journey_title")?,
        entry_slug: row.try_get("entry_slug")?,
        entry_title: row.try_get("entry_title")?,
        item: JournalKey::parse(&item).map_err(|_| StoreError::BadValue {
            column: "journal.item",
            value: item,
        })?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Store {
    /// Writes the member's journal item `item` (`q1`, `p1`, `note`, see
    /// [`JournalKey`]) on a published entry, replacing what was there; an
    /// empty text (once trimmed) deletes it. The text may have line breaks
    /// and tabs but no other control characters, and at most
    /// [`MAX_JOURNAL_CHARS`] characters; `\r\n` is stored as `\n`. The item
    /// must be one the entry has (its questions and practices are counted).
    /// Following the journey is not needed. Returns what is stored now,
    /// `None` after a deletion.
    pub async fn save_journal(
        &self,
        user_id: i64,
        journey_slug: &str,
        entry_slug: &str,
        item: &str,
        body: &str,
    ) -> Result<Option<JournalItem>, StoreError> {
        let target = self.published_entry(journey_slug, entry_slug).await?;
        let (key, body) = checked_item(&target, entry_slug, item, body)?;
        let mut tx = self.begin_write().await?;
        let written = write_item(
            &mut tx,
            user_id,
            &target,
            entry_slug,
            key,
            &body,
            self.now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(written.map(|(created_at, updated_at)| JournalItem {
            journey_slug: journey_slug.to_owned(),
            journey_title: target.journey_title,
            entry_slug: entry_slug.to_owned(),
            entry_title: Some(target.entry_title),
            item: key,
            body,
            created_at,
            updated_at,
        }))
    }

    /// Writes several journal items of one entry at once (a whole journal
    /// form), each as [`Store::save_journal`] would: all of them, or, when
    /// any is refused, none. Returns how many were written or deleted.
    pub async fn save_journal_items(
        &self,
        user_id: i64,
        journey_slug: &str,
        entry_slug: &str,
        items: &[(&str, &str)],
    ) -> Result<usize, StoreError> {
        let target = self.published_entry(journey_slug, entry_slug).await?;
        let checked = items
            .iter()
            .map(|(item, body)| checked_item(&target, entry_slug, item, body))
            .collect::<Result<Vec<_>, _>>()?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        for (key, body) in &checked {
            write_item(&mut tx, user_id, &target, entry_slug, *key, body, now).await?;
        }
        tx.commit().await?;
        Ok(checked.len())
    }

    /// What the member wrote and logged on one entry (published or gone):
    /// journal items in the entry's order (questions, practices, note) and
    /// the practice log. Empty for an unknown journey.
    pub async fn journal_for_entry(
        &self,
        user_id: i64,
        journey_slug: &str,
        entry_slug: &str,
    ) -> Result<EntryJournal, StoreError> {
        // The journey's id from its outline in memory: no query once read.
        let Some(journey_id) = self.outline_by_slug(journey_slug).await?.map(|o| o.id()) else {
            return Ok(EntryJournal::default());
        };
        let mut items = self
            .journal_rows(user_id, Some(journey_id), Some(entry_slug), i64::MAX, 0)
            .await?;
        items.sort_by_key(|i| i.item);
        let practice_log = self
            .practice_log_rows(user_id, Some(journey_id), Some(entry_slug))
            .await?;
        Ok(EntryJournal {
            items,
            practice_log,
        })
    }

    /// The member's journal across every journey, the most recently changed
    /// first, `limit` items (at most [`MAX_JOURNAL_PAGE`]) from `offset`.
    pub async fn journal(
        &self,
        user_id: i64,
        limit: u32,
        offset: u32,
    ) -> Result<JournalPage, StoreError> {
        let limit = limit.clamp(1, MAX_JOURNAL_PAGE);
        let mut items = self
            .journal_rows(user_id, None, None, i64::from(limit) + 1, i64::from(offset))
            .await?;
        let more = items.len() > limit as usize;
        items.truncate(limit as usize);
        Ok(JournalPage {
            items,
            next_offset: more.then(|| offset.saturating_add(limit)),
        })
    }

    pub(crate) async fn journal_rows(
        &self,
        user_id: i64,
        journey_id: Option<i64>,
        entry_slug: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<JournalItem>, StoreError> {
        let rows = sqlx::query(include_str!("sql/journal.sql"))
            .bind(user_id)
            .bind(journey_id)
            .bind(entry_slug)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(journal_item).collect()
    }

    /// A published entry of a published journey, with what a member may
    /// write about, or why there is none.
    pub(crate) async fn published_entry(
        &self,
        journey_slug: &str,
        entry_slug: &str,
    ) -> Result<EntryTarget, StoreError> {
        let row = sqlx::query(
            "SELECT j.id, j.title AS journey_title, e.title, e.questions, e.practices
             FROM journeys j JOIN entries e ON e.journey_id = j.id
             WHERE j.slug = $1 AND e.slug = $2 AND e.publish_at <= $3",
        )
        .bind(journey_slug)
        .bind(entry_slug)
        .bind(self.now_ms())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Err(ReadingError::UnknownEntry {
                journey: journey_slug.to_owned(),
                entry: entry_slug.to_owned(),
            }
            .into());
        };
        let count = |column: &str| -> Result<usize, StoreError> {
            let json: String = row.try_get(column)?;
            let list: Vec<serde_json::Value> =
                serde_json::from_str(&json).map_err(|source| StoreError::Json {
                    what: format!("entry {entry_slug} {column}"),
                    source,
                })?;
            Ok(list.len())
        };
        Ok(EntryTarget {
            journey_id: row.try_get("id")?,
            journey_title: row.try_get("journey_title")?,
            entry_title: row.try_get("title")?,
            questions: count("questions")?,
            practices: count("practices")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_questions_practices_or_the_note() {
        assert_eq!(JournalKey::parse("q1"), Ok(JournalKey::Question(1)));
        assert_eq!(JournalKey::parse("p12"), Ok(JournalKey::Practice(12)));
        assert_eq!(JournalKey::parse("note"), Ok(JournalKey::Note));
        for bad in [
            "",
            "q",
            "q0",
            "q01",
            "Q1",
            "q-1",
            "q1 ",
            "x1",
            "notes",
            "q99999999999",
            "é1",
        ] {
            assert!(JournalKey::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(JournalKey::Practice(3).to_string(), "p3");
        let mut keys = vec![
            JournalKey::Note,
            JournalKey::Practice(1),
            JournalKey::Question(2),
            JournalKey::Question(1),
        ];
        keys.sort();
        assert_eq!(
            keys,
            [
                JournalKey::Question(1),
                JournalKey::Question(2),
                JournalKey::Practice(1),
                JournalKey::Note
            ]
        );
    }

    #[test]
    fn texts_are_normalised_and_bounded() {
        assert_eq!(journal_text("  a\r\nb\rc\td \n").unwrap(), "a\nb\nc\td");
        assert_eq!(journal_text(" \n\t ").unwrap(), "");
        assert_eq!(
            journal_text("a\u{7}b"),
            Err(ReadingError::ControlCharacter(7))
        );
        assert!(journal_text("\u{85}").is_err());
        let max = "é".repeat(MAX_JOURNAL_CHARS);
        assert_eq!(
            journal_text(&max).unwrap().chars().count(),
            MAX_JOURNAL_CHARS
        );
        assert!(matches!(
            journal_text(&format!("{max}x")),
            Err(ReadingError::TooLong { .. })
        ));
        // Line breaks count once they are normalised.
        let crlf = "a\r\n".repeat(MAX_JOURNAL_CHARS / 2);
        assert!(journal_text(&crlf).is_ok());
        assert!(journal_text(&"x".repeat(10 * MAX_JOURNAL_CHARS)).is_err());
    }
}
