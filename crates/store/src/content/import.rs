use std::collections::{HashMap, HashSet};

use abide_content::{Entry, Journey, Tag};
use sqlx::{AnyConnection, Row};

use super::slugs::{
    EntrySlug, change_entry_slug, change_journey_slug, claim_entry_slug, claim_journey_slug,
    retire_entry,
};
use super::sources::{Origin, SourceWrite, write_sources};
use crate::db::Store;
use crate::error::StoreError;

/// How an import treats what is already stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The owner says so: a slug once published for one journey or entry may
    /// be given to another (whose old links then lead to the new one).
    pub reuse_slugs: bool,
    /// Where the journeys' files come from.
    pub origin: Origin,
    /// A folder import may replace files last saved in the browser (their
    /// revisions stay, to restore).
    pub overwrite_browser_edits: bool,
    /// A browser save: the version of the journey's files it built on.
    pub expect_version: Option<i64>,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Journeys imported (new or updated or unchanged).
    pub journeys: usize,
    /// Entries that did not exist.
    pub created: usize,
    /// Entries whose file changed.
    pub updated: usize,
    /// Entries whose file did not change.
    pub unchanged: usize,
    /// Entries that are no longer in their journey's folder.
    pub deleted: usize,
    /// Journeys and entries whose slug changed (their old addresses answer
    /// 301 to the new ones); an entry renamed counts as updated too.
    pub renamed: usize,
    /// Journeys new or whose files changed (`journey.toml` alone counts).
    pub journeys_changed: usize,
}

impl ImportReport {
    /// True when the import changed anything.
    pub fn changed(&self) -> bool {
        self.created + self.updated + self.deleted + self.renamed + self.journeys_changed > 0
    }
}

/// The settings key of the content version, bumped by every import that
/// changes something, so that every node's page cache knows to drop its pages.
pub(crate) const CONTENT_VERSION_KEY: &str = "content_version";

impl Store {
    /// [`Store::import_journeys_with`] with the default options.
    pub async fn import_journeys(&self, journeys: &[Journey]) -> Result<ImportReport, StoreError> {
        self.import_journeys_with(journeys, ImportOptions::default())
            .await
    }

    /// Imports validated journeys in one transaction: all or nothing. Entries
    /// whose file did not change are left alone, entries gone from the folder
    /// are deleted. Importing the same folders twice changes nothing the
    /// second time.
    ///
    /// What is the same journey or entry as one stored, so that a new slug is
    /// a rename (the old address answers 301) rather than a deletion and a
    /// new page:
    /// - a journey: the one with its slug, else the one imported from a folder
    ///   of the same name (unless that one's slug is in this import too);
    /// - an entry of the journey, each rule over the entries no earlier rule
    ///   matched: the one with its slug, else the one from the same file
    ///   (path within the journey folder), else the one at the same place
    ///   (week, kind and day: the step a member's schedule knows it as), else
    ///   the one that had its slug before (a rename back).
    ///
    /// A new slug that was published for another journey or entry fails the
    /// import ([`StoreError::SlugReserved`]) unless `options.reuse_slugs`.
    pub async fn import_journeys_with(
        &self,
        journeys: &[Journey],
        options: ImportOptions,
    ) -> Result<ImportReport, StoreError> {
        self.import_noted(journeys, options, None).await
    }

    /// [`Store::import_journeys_with`], with what the files' revisions say
    /// happened ("restored revision 12").
    pub async fn import_noted(
        &self,
        journeys: &[Journey],
        options: ImportOptions,
        note: Option<&str>,
    ) -> Result<ImportReport, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut report = ImportReport::default();
        let now = self.now_ms();
        let mut ctx = ImportCtx {
            now,
            options,
            slugs: journeys.iter().map(|j| j.slug.as_str()).collect(),
            done: HashSet::new(),
            note,
        };
        for journey in journeys {
            import_journey(&mut tx, journey, &mut ctx, &mut report).await?;
        }
        if report.changed() {
            bump_content_version(&mut tx, now).await?;
        }
        tx.commit().await?;
        // Whatever the report says: an outline costs little to read again.
        self.forget_content();
        Ok(report)
    }

    /// A number that changes whenever imported content changes.
    pub async fn content_version(&self) -> Result<i64, StoreError> {
        Ok(self.setting::<i64>(CONTENT_VERSION_KEY).await?.unwrap_or(0))
    }
}

pub(crate) async fn bump_content_version(
    tx: &mut AnyConnection,
    now: i64,
) -> Result<(), StoreError> {
    // An instant, not a counter: unique enough, and no read-modify-write.
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(CONTENT_VERSION_KEY)
    .bind(now.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What one import knows across its journeys.
struct ImportCtx<'a> {
    now: i64,
    options: ImportOptions,
    /// The slugs of every journey of the import.
    slugs: HashSet<&'a str>,
    /// The journeys imported so far.
    done: HashSet<i64>,
    /// What the revisions say happened, when not the origin's default.
    note: Option<&'a str>,
}

/// Finds the stored journey that `journey` is (see
/// [`Store::import_journeys_with`]) and gives it the new slug if need be;
/// returns the old slug when it did.
async fn match_journey(
    tx: &mut AnyConnection,
    journey: &Journey,
    ctx: &ImportCtx<'_>,
) -> Result<Option<String>, StoreError> {
    let reuse = ctx.options.reuse_slugs;
    let same_slug: Option<i64> = sqlx::query_scalar("SELECT id FROM journeys WHERE slug = $1")
        .bind(&journey.slug)
        .fetch_optional(&mut *tx)
        .await?;
    if same_slug.is_some() {
        return Ok(None);
    }
    let mut same_folder = Vec::new();
    if !journey.folder.is_empty() {
        for row in sqlx::query("SELECT id, slug FROM journeys WHERE folder = $1")
            .bind(&journey.folder)
            .fetch_all(&mut *tx)
            .await?
        {
            let id: i64 = row.try_get("id")?;
            let slug: String = row.try_get("slug")?;
            if !ctx.done.contains(&id) && !ctx.slugs.contains(slug.as_str()) {
                same_folder.push((id, slug));
            }
        }
    }
    match same_folder.as_slice() {
        [(id, old)] => {
            change_journey_slug(tx, *id, old, &journey.slug, reuse, ctx.now).await?;
            Ok(Some(old.clone()))
        }
        // None, or two stored journeys from folders of that name (imported
        // from two places): neither is surely this one, so it is new.
        _ => {
            claim_journey_slug(tx, None, &journey.slug, reuse).await?;
            Ok(None)
        }
    }
}

/// A stored entry of the journey being imported.
struct StoredEntry {
    id: i64,
    slug: String,
    source_path: String,
    place: (i64, String, i64),
    /// The slugs it had once published.
    past: Vec<String>,
    source_hash: String,
    publish_at: i64,
}

/// Pairs each entry of the folder with the stored entry it is, if any (see
/// [`Store::import_journeys_with`]): one rule after the other, each over what
/// the earlier ones left, one to one.
fn match_entries(entries: &[Entry], stored: &[StoredEntry]) -> Vec<Option<usize>> {
    let mut matched: Vec<Option<usize>> = vec![None; entries.len()];
    let mut taken = vec![false; stored.len()];
    let rules: [fn(&Entry, &StoredEntry) -> bool; 4] =
        [same_slug, same_file, same_place, had_the_slug];
    for rule in rules {
        for (i, entry) in entries.iter().enumerate() {
            if matched[i].is_some() {
                continue;
            }
            if let Some(j) = (0..stored.len()).find(|&j| !taken[j] && rule(entry, &stored[j])) {
                matched[i] = Some(j);
                taken[j] = true;
            }
        }
    }
    matched
}

fn same_slug(entry: &Entry, stored: &StoredEntry) -> bool {
    entry.slug == stored.slug
}

fn same_file(entry: &Entry, stored: &StoredEntry) -> bool {
    entry.source_path == stored.source_path
}

fn same_place(entry: &Entry, stored: &StoredEntry) -> bool {
    (
        i64::from(entry.week),
        entry.kind.as_str(),
        i64::from(entry.day),
    ) == (stored.place.0, stored.place.1.as_str(), stored.place.2)
}

fn had_the_slug(entry: &Entry, stored: &StoredEntry) -> bool {
    stored.past.contains(&entry.slug)
}

async fn import_journey(
    tx: &mut AnyConnection,
    journey: &Journey,
    ctx: &mut ImportCtx<'_>,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    let now = ctx.now;
    let reuse = ctx.options.reuse_slugs;
    report.journeys += 1;
    let old_slug = match_journey(tx, journey, ctx).await?;
    let mut author_ids = HashMap::new();
    for author in &journey.authors {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO authors (slug, name, bio_html, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, bio_html = excluded.bio_html, updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(&author.slug)
        .bind(&author.name)
        .bind(&author.bio_html)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        author_ids.insert(author.slug.as_str(), id);
    }

    if let Some(old) = &old_slug {
        // Covers are stored under the journey's slug: the new one's from now.
        remove_covers(tx, old, None).await?;
        report.renamed += 1;
    }
    let cover = match &journey.cover_file {
        Some(image) => Some(store_cover(tx, &journey.slug, image, now).await?),
        None => {
            remove_covers(tx, &journey.slug, None).await?;
            journey.cover_image.clone()
        }
    };
    // A change of journey.toml alone (a title, a week's theme) changes no
    // entry, but every page that shows the journey.
    let old_hash: Option<String> =
        sqlx::query_scalar("SELECT source_hash FROM journeys WHERE slug = $1")
            .bind(&journey.slug)
            .fetch_optional(&mut *tx)
            .await?;
    if old_hash.as_deref() != Some(journey.source_hash.as_str()) {
        report.journeys_changed += 1;
    }
    let journey_id: i64 = sqlx::query_scalar(include_str!("sql/upsert_journey.sql"))
        .bind(&journey.slug)
        .bind(&journey.title)
        .bind(&journey.summary)
        .bind(cover.as_deref())
        .bind(journey.visibility.as_str())
        .bind(&journey.source_hash)
        .bind(now)
        .bind(&journey.folder)
        .fetch_one(&mut *tx)
        .await?;
    ctx.done.insert(journey_id);

    sqlx::query("DELETE FROM weeks WHERE journey_id = $1")
        .bind(journey_id)
        .execute(&mut *tx)
        .await?;
    for week in &journey.weeks {
        sqlx::query("INSERT INTO weeks (journey_id, number, theme, introduction_html) VALUES ($1, $2, $3, $4)")
            .bind(journey_id)
            .bind(i64::from(week.number))
            .bind(&week.theme)
            .bind(&week.introduction_html)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM journey_tags WHERE journey_id = $1")
        .bind(journey_id)
        .execute(&mut *tx)
        .await?;
    for tag in unique_tags(&journey.tags) {
        let tag_id = upsert_tag(tx, tag).await?;
        sqlx::query("INSERT INTO journey_tags (journey_id, tag_id) VALUES ($1, $2)")
            .bind(journey_id)
            .bind(tag_id)
            .execute(&mut *tx)
            .await?;
    }

    // Entries: compare with what is stored.
    let mut stored = Vec::new();
    for row in sqlx::query(
        "SELECT id, slug, source_path, week, kind, day, source_hash, publish_at
         FROM entries WHERE journey_id = $1 ORDER BY id",
    )
    .bind(journey_id)
    .fetch_all(&mut *tx)
    .await?
    {
        stored.push(StoredEntry {
            id: row.try_get("id")?,
            slug: row.try_get("slug")?,
            source_path: row.try_get("source_path")?,
            place: (
                row.try_get("week")?,
                row.try_get("kind")?,
                row.try_get("day")?,
            ),
            source_hash: row.try_get("source_hash")?,
            publish_at: row.try_get("publish_at")?,
            past: Vec::new(),
        });
    }
    for row in sqlx::query(
        "SELECT entry_id, slug FROM entry_slug_history
         WHERE journey_id = $1 AND entry_id IS NOT NULL ORDER BY slug",
    )
    .bind(journey_id)
    .fetch_all(&mut *tx)
    .await?
    {
        let id: i64 = row.try_get("entry_id")?;
        if let Some(entry) = stored.iter_mut().find(|e| e.id == id) {
            entry.past.push(row.try_get("slug")?);
        }
    }
    let matched = match_entries(&journey.entries, &stored);
    // Slugs first, so that every check sees the history as it will be: a new
    // slug is never a stored entry's current one (that entry would be the
    // match), so the renames cannot collide with each other.
    for (entry, m) in journey.entries.iter().zip(&matched) {
        let what = format!("{} in journey {}", entry.source_path, journey.slug);
        let mut slug = EntrySlug {
            journey_id,
            journey: &journey.slug,
            id: None,
            what: &what,
        };
        match m.map(|j| &stored[j]) {
            Some(old) if old.slug != entry.slug => {
                slug.id = Some(old.id);
                let published = old.publish_at <= now;
                change_entry_slug(tx, &slug, &old.slug, &entry.slug, published, reuse, now).await?;
                report.renamed += 1;
            }
            Some(_) => {}
            None => claim_entry_slug(tx, &slug, &entry.slug, reuse).await?,
        }
    }
    for (entry, m) in journey.entries.iter().zip(&matched) {
        let author_id = entry
            .author
            .as_deref()
            .and_then(|a| author_ids.get(a).copied());
        let publish_at = entry.publish_at.as_millisecond();
        match m.map(|j| &stored[j]) {
            Some(old)
                if old.source_hash == entry.source_hash
                    && old.publish_at == publish_at
                    && old.slug == entry.slug =>
            {
                report.unchanged += 1;
            }
            Some(old) => {
                write_entry(tx, Some(old.id), journey_id, entry, author_id, now).await?;
                report.updated += 1;
            }
            None => {
                write_entry(tx, None, journey_id, entry, author_id, now).await?;
                report.created += 1;
            }
        }
    }
    for (j, old) in stored.iter().enumerate() {
        if !matched.contains(&Some(j)) {
            retire_entry(
                tx,
                journey_id,
                old.id,
                &old.slug,
                old.publish_at <= now,
                now,
            )
            .await?;
            sqlx::query("DELETE FROM entries WHERE id = $1")
                .bind(old.id)
                .execute(&mut *tx)
                .await?;
            report.deleted += 1;
        }
    }
    let note = match (ctx.options.origin, ctx.note) {
        (_, Some(note)) => note,
        (Origin::Folder, None) => "imported from a folder",
        (Origin::Browser { .. }, None) => "saved",
    };
    let how = SourceWrite {
        origin: ctx.options.origin,
        overwrite_browser_edits: ctx.options.overwrite_browser_edits,
        expect_version: ctx.options.expect_version,
        note,
        now,
    };
    write_sources(tx, journey_id, journey, &how).await
}

/// Stores a journey's cover under a fingerprinted path and returns its URL;
/// older covers of the journey go.
async fn store_cover(
    tx: &mut AnyConnection,
    journey: &str,
    image: &abide_content::ImageFile,
    now: i64,
) -> Result<String, StoreError> {
    let fingerprint = abide_content::Fingerprint::of(&image.bytes).short_hex();
    let path = format!("journeys/{journey}/{fingerprint}-{}", image.name);
    remove_covers(tx, journey, Some(&path)).await?;
    sqlx::query(
        "INSERT INTO media (path, content_type, bytes, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (path) DO NOTHING",
    )
    .bind(&path)
    .bind(image.content_type)
    .bind(image.bytes.as_slice())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(format!("/media/{path}"))
}

async fn remove_covers(
    tx: &mut AnyConnection,
    journey: &str,
    keep: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM media WHERE path LIKE $1 AND path <> $2")
        .bind(format!("journeys/{journey}/%"))
        .bind(keep.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    Ok(())
}

fn unique_tags(tags: &[Tag]) -> impl Iterator<Item = &Tag> {
    let mut seen = HashSet::new();
    tags.iter()
        .filter(move |t| !t.slug.is_empty() && seen.insert(t.slug.clone()))
}

async fn upsert_tag(tx: &mut AnyConnection, tag: &Tag) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tags (slug, name) VALUES ($1, $2)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name
         RETURNING id",
    )
    .bind(&tag.slug)
    .bind(&tag.name)
    .fetch_one(&mut *tx)
    .await?)
}

/// Inserts an entry (`id` None) or replaces one, with its tags and citations.
async fn write_entry(
    tx: &mut AnyConnection,
    id: Option<i64>,
    journey_id: i64,
    entry: &Entry,
    author_id: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    let practices = serde_json::to_string(&entry.practices).map_err(|source| StoreError::Json {
        what: format!("entry {} practices", entry.slug),
        source,
    })?;
    let questions = serde_json::to_string(&entry.questions).map_err(|source| StoreError::Json {
        what: format!("entry {} questions", entry.slug),
        source,
    })?;
    let sql = match id {
        None => include_str!("sql/insert_entry.sql"),
        Some(_) => include_str!("sql/update_entry.sql"),
    };
    let entry_id: i64 = sqlx::query_scalar(sql)
        .bind(id.unwrap_or(0))
        .bind(journey_id)
        .bind(&entry.slug)
        .bind(i64::from(entry.week))
        .bind(entry.kind.as_str())
        .bind(i64::from(entry.day))
        .bind(&entry.title)
        .bind(&entry.summary)
        .bind(entry.key_passage.as_deref())
        .bind(entry.key_osis.as_deref())
        .bind(&entry.body_html)
        .bind(entry.going_deeper_html.as_deref())
        .bind(practices)
        .bind(questions)
        .bind(author_id)
        .bind(entry.publish_at.as_millisecond())
        .bind(i64::from(entry.members_only))
        .bind(i64::try_from(entry.word_count).unwrap_or(i64::MAX))
        .bind(&entry.source_path)
        .bind(&entry.source_hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;

    sqlx::query("DELETE FROM entry_tags WHERE entry_id = $1")
        .bind(entry_id)
        .execute(&mut *tx)
        .await?;
    for tag in unique_tags(&entry.tags) {
        let tag_id = upsert_tag(tx, tag).await?;
        sqlx::query("INSERT INTO entry_tags (entry_id, tag_id) VALUES ($1, $2)")
            .bind(entry_id)
            .bind(tag_id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM citations WHERE entry_id = $1")
        .bind(entry_id)
        .execute(&mut *tx)
        .await?;
    for c in &entry.citations {
        sqlx::query(
            "INSERT INTO citations (entry_id, start_key, end_key, kind, span_start, span_end, osis)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(entry_id)
        .bind(i64::from(c.start))
        .bind(i64::from(c.end))
        .bind(c.kind.as_str())
        .bind(i64::try_from(c.span.0).unwrap_or(i64::MAX))
        .bind(i64::try_from(c.span.1).unwrap_or(i64::MAX))
        .bind(&c.osis)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
