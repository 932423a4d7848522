//! The files each journey was loaded from, kept in the folder format: what
//! the back office edits, what `abide export` writes, and every version of
//! each (revisions) to compare and restore.
//!
//! An import writes a journey's files in the same transaction as its pages
//! (see [`write_sources`]): the pages are always those of the files kept.

use std::collections::BTreeMap;

use abide_content::{Journey, JourneySource};
use serde::Serialize;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::db::Store;
use crate::error::StoreError;

/// The most revisions kept of one file; older ones are dropped as new ones
/// come, so a file edited all day costs a bounded amount of storage.
pub const REVISIONS_KEPT: i64 = 100;

/// Where an import's files come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    /// A folder (`abide import`, the demo, `abide serve --watch`).
    #[default]
    Folder,
    /// A save in the back office, by this account.
    Browser {
        /// Who saved.
        user_id: i64,
    },
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Self::Folder => "folder",
            Self::Browser { .. } => "browser",
        }
    }

    fn user_id(self) -> Option<i64> {
        match self {
            Self::Folder => None,
            Self::Browser { user_id } => Some(user_id),
        }
    }
}

/// One file of a journey as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceFileInfo {
    /// Relative path in the journey folder.
    pub path: String,
    /// Fingerprint of its bytes.
    pub hash: String,
    /// `folder` or `browser`.
    pub origin: String,
    /// Last change (ms).
    pub updated_at: i64,
    /// Who changed it last in the browser, by address.
    pub updated_by: Option<String>,
}

/// A journey's files as kept, with the version saves build on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSource {
    /// The journey's row id.
    pub journey_id: i64,
    /// Its slug now.
    pub slug: String,
    /// Its title now.
    pub title: String,
    /// The files (`source.folder` is the journey's folder name).
    pub source: JourneySource,
    /// About each file.
    pub files: Vec<SourceFileInfo>,
    /// Bumped by every change of the files.
    pub version: i64,
}

/// One version of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionInfo {
    /// Row id.
    pub id: i64,
    /// The journey's row id.
    pub journey_id: i64,
    /// The journey's slug now.
    pub journey_slug: String,
    /// Relative path in the journey folder.
    pub path: String,
    /// Fingerprint of the bytes.
    pub hash: String,
    /// `folder` or `browser`.
    pub origin: String,
    /// When (ms).
    pub created_at: i64,
    /// Who saved it in the browser, by address.
    pub user: Option<String>,
    /// What happened ("saved", "restored revision 12", "imported from folder").
    pub note: String,
    /// The file was deleted.
    pub deleted: bool,
}

/// A revision with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// About it.
    pub info: RevisionInfo,
    /// The file's bytes then (`None`: deleted).
    pub bytes: Option<Vec<u8>>,
}

impl Store {
    /// The files kept of journey `journey_id`, or `None` when there is no such
    /// journey. A journey imported before files were kept has none until its
    /// folder is imported again.
    pub async fn journey_source(
        &self,
        journey_id: i64,
    ) -> Result<Option<StoredSource>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let Some(row) = sqlx::query(
            "SELECT id, slug, title, folder, source_version FROM journeys WHERE id = $1",
        )
        .bind(journey_id)
        .fetch_optional(&mut *conn)
        .await?
        else {
            return Ok(None);
        };
        let mut source = JourneySource {
            folder: row
                .try_get::<Option<String>, _>("folder")?
                .unwrap_or_default(),
            files: BTreeMap::new(),
        };
        let mut files = Vec::new();
        for file in sqlx::query(
            "SELECT f.path, f.bytes, f.hash, f.origin, f.updated_at, u.email
             FROM source_files f LEFT JOIN users u ON u.id = f.updated_by
             WHERE f.journey_id = $1 ORDER BY f.path",
        )
        .bind(journey_id)
        .fetch_all(&mut *conn)
        .await?
        {
            let path: String = file.try_get("path")?;
            source.files.insert(path.clone(), file.try_get("bytes")?);
            files.push(SourceFileInfo {
                path,
                hash: file.try_get("hash")?,
                origin: file.try_get("origin")?,
                updated_at: file.try_get("updated_at")?,
                updated_by: file.try_get("email")?,
            });
        }
        Ok(Some(StoredSource {
            journey_id,
            slug: row.try_get("slug")?,
            title: row.try_get("title")?,
            source,
            files,
            version: row.try_get("source_version")?,
        }))
    }

    /// Every journey's files, for `abide export`.
    pub async fn all_sources(&self) -> Result<Vec<StoredSource>, StoreError> {
        let ids: Vec<i64> = {
            sqlx::query_scalar("SELECT id FROM journeys ORDER BY slug")
                .fetch_all(self.pool())
                .await?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(source) = self.journey_source(id).await? {
                out.push(source);
            }
        }
        Ok(out)
    }

    /// The revisions of one file, newest first.
    pub async fn revisions(
        &self,
        journey_id: i64,
        path: &str,
    ) -> Result<Vec<RevisionInfo>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{REVISION} WHERE r.journey_id = $1 AND r.path = $2 ORDER BY r.id DESC"
        )))
        .bind(journey_id)
        .bind(path)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(revision_info).collect()
    }

    /// The newest changes across journeys, newest first.
    pub async fn recent_revisions(&self, limit: i64) -> Result<Vec<RevisionInfo>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{REVISION} ORDER BY r.id DESC LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(revision_info).collect()
    }

    /// One revision with its bytes.
    pub async fn revision(&self, id: i64) -> Result<Option<Revision>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{REVISION} WHERE r.id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            Ok(Revision {
                info: revision_info(&row)?,
                bytes: row.try_get("bytes")?,
            })
        })
        .transpose()
    }
}

const REVISION: &str = "SELECT r.id, r.journey_id, j.slug AS journey_slug, r.path, r.bytes, r.hash, \
     r.origin, r.created_at, u.email, r.note \
     FROM revisions r JOIN journeys j ON j.id = r.journey_id LEFT JOIN users u ON u.id = r.user_id";

fn revision_info(row: &sqlx::any::AnyRow) -> Result<RevisionInfo, StoreError> {
    Ok(RevisionInfo {
        id: row.try_get("id")?,
        journey_id: row.try_get("journey_id")?,
        journey_slug: row.try_get("journey_slug")?,
        path: row.try_get("path")?,
        hash: row.try_get("hash")?,
        origin: row.try_get("origin")?,
        created_at: row.try_get("created_at")?,
        user: row.try_get("email")?,
        note: row.try_get("note")?,
        deleted: row.try_get::<Option<Vec<u8>>, _>("bytes")?.is_none(),
    })
}

/// What [`write_sources`] needs of the import.
pub(super) struct SourceWrite<'a> {
    pub(super) origin: Origin,
    /// A folder import may replace files last saved in the browser.
    pub(super) overwrite_browser_edits: bool,
    /// The version the save built on (browser saves).
    pub(super) expect_version: Option<i64>,
    /// What the revisions say happened.
    pub(super) note: &'a str,
    pub(super) now: i64,
}

/// Keeps the files of `journey` (stored as `journey_id`): a revision for each
/// file that changed, and the version bumped when any did.
///
/// A folder import that would replace or delete a file last saved in the
/// browser with different bytes fails ([`StoreError::SourceConflict`]) unless
/// told to overwrite; a save that built on another version than the one kept
/// fails ([`StoreError::SourceChanged`]). Either way nothing is written: the
/// caller's transaction is dropped.
pub(super) async fn write_sources(
    tx: &mut AnyConnection,
    journey_id: i64,
    journey: &Journey,
    how: &SourceWrite<'_>,
) -> Result<(), StoreError> {
    let files = &journey.source.files;
    if files.is_empty() {
        // A journey built in memory, not loaded from files: nothing to keep.
        return Ok(());
    }
    let mut kept: BTreeMap<String, (String, String)> = BTreeMap::new();
    for row in sqlx::query("SELECT path, hash, origin FROM source_files WHERE journey_id = $1")
        .bind(journey_id)
        .fetch_all(&mut *tx)
        .await?
    {
        kept.insert(
            row.try_get("path")?,
            (row.try_get("hash")?, row.try_get("origin")?),
        );
    }
    let hashes: BTreeMap<&str, String> = files
        .iter()
        .map(|(path, bytes)| (path.as_str(), JourneySource::hash_of(bytes)))
        .collect();
    if how.origin == Origin::Folder && !how.overwrite_browser_edits {
        let conflicts: Vec<String> = kept
            .iter()
            .filter(|(path, (hash, origin))| {
                origin == "browser" && hashes.get(path.as_str()) != Some(hash)
            })
            .map(|(path, _)| path.clone())
            .collect();
        if !conflicts.is_empty() {
            return Err(StoreError::SourceConflict {
                journey: journey.slug.clone(),
                paths: conflicts,
            });
        }
    }
    let mut changed = 0;
    for (path, bytes) in files {
        let hash = &hashes[path.as_str()];
        match kept.get(path) {
            Some((old, origin)) if old == hash => {
                // The same bytes: a folder that caught up with the browser's
                // edit (exported, then imported) now holds them.
                if origin.as_str() != how.origin.as_str() && how.origin == Origin::Folder {
                    sqlx::query(
                        "UPDATE source_files SET origin = $3 WHERE journey_id = $1 AND path = $2",
                    )
                    .bind(journey_id)
                    .bind(path)
                    .bind(how.origin.as_str())
                    .execute(&mut *tx)
                    .await?;
                }
                continue;
            }
            _ => {}
        }
        sqlx::query(
            "INSERT INTO source_files (journey_id, path, bytes, hash, origin, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (journey_id, path) DO UPDATE SET bytes = excluded.bytes,
                 hash = excluded.hash, origin = excluded.origin,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(journey_id)
        .bind(path)
        .bind(bytes.as_slice())
        .bind(hash)
        .bind(how.origin.as_str())
        .bind(how.now)
        .bind(how.origin.user_id())
        .execute(&mut *tx)
        .await?;
        add_revision(tx, journey_id, path, Some(bytes), hash, how).await?;
        changed += 1;
    }
    for path in kept.keys().filter(|p| !files.contains_key(p.as_str())) {
        sqlx::query("DELETE FROM source_files WHERE journey_id = $1 AND path = $2")
            .bind(journey_id)
            .bind(path)
            .execute(&mut *tx)
            .await?;
        add_revision(tx, journey_id, path, None, "", how).await?;
        changed += 1;
    }
    let bumped = sqlx::query(
        "UPDATE journeys SET source_version = source_version + $2
         WHERE id = $1 AND ($3 < 0 OR source_version = $3)",
    )
    .bind(journey_id)
    .bind(i64::from(changed > 0))
    .bind(how.expect_version.unwrap_or(-1))
    .execute(&mut *tx)
    .await?;
    if bumped.rows_affected() == 0 {
        return Err(StoreError::SourceChanged {
            journey: journey.slug.clone(),
        });
    }
    Ok(())
}

async fn add_revision(
    tx: &mut AnyConnection,
    journey_id: i64,
    path: &str,
    bytes: Option<&Vec<u8>>,
    hash: &str,
    how: &SourceWrite<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO revisions (journey_id, path, bytes, hash, origin, created_at, user_id, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(journey_id)
    .bind(path)
    .bind(bytes.map(Vec::as_slice))
    .bind(hash)
    .bind(how.origin.as_str())
    .bind(how.now)
    .bind(how.origin.user_id())
    .bind(how.note)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM revisions WHERE journey_id = $1 AND path = $2 AND id NOT IN (
             SELECT id FROM revisions WHERE journey_id = $1 AND path = $2
             ORDER BY id DESC LIMIT $3)",
    )
    .bind(journey_id)
    .bind(path)
    .bind(REVISIONS_KEPT)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
