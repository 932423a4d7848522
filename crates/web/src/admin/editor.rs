//! The entry editor: the entry's parts as form fields, a preview that is the
//! reader's page, the citations found as the author types, and saving, which
//! imports the journey with the one file changed.
//!
//! `journey.toml` is edited as text, checked the same way before it is kept.

use abide_content::{
    ContentError, EntryForm, EntryKind, Journey, JourneySource, PracticeForm, is_entry_path,
    load_entry_preview, load_journey_source, slugify,
};
use abide_store::{
    AuthorView, EntryCard, EntryView, ImportOptions, JourneyCard, Origin, PracticeView, StoreError,
    StoredSource, TagRef,
};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::Serialize;

use super::dashboard::load_options;
use super::{Staff, content_changed, page, stored_journey};
use crate::account::forms::{CsrfToken, decode_form};
use crate::error::AppError;
use crate::passage::{PassageView, view};
use crate::state::AppState;

/// Practice and question rows the form offers beyond those written, for
/// browsers without JavaScript (with it, rows are added as needed).
const SPARE_ROWS: usize = 1;

/// The most practices or questions an entry may have.
const MAX_ROWS: usize = 50;

/// `GET /admin/journeys/{id}/edit/{*path}`.
pub(crate) async fn edit(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path((id, path)): Path<(i64, String)>,
    uri: Uri,
) -> Result<Response, AppError> {
    let stored = stored_journey(&state, id).await?;
    let bytes = stored.source.files.get(&path).ok_or(AppError::NotFound)?;
    let base = JourneySource::hash_of(bytes);
    let text = stored.source.text(&path).unwrap_or_default().to_owned();
    let saved = uri.query().is_some_and(|q| q.contains("saved=1"));
    let notice = saved.then_some("Saved.");
    if !is_entry_path(&path) {
        if path != "journey.toml" {
            return Err(AppError::NotFound);
        }
        return text_editor(
            &state,
            &staff,
            &csrf,
            &stored,
            &path,
            &text,
            &base,
            &[],
            notice,
            StatusCode::OK,
        )
        .await;
    }
    match EntryForm::from_file(&text) {
        Ok(form) => {
            let editor = Editor {
                stored: &stored,
                path: &path,
                form,
                base: &base,
                problems: Vec::new(),
                notice,
                new: false,
            };
            editor.render(&state, &staff, &csrf, StatusCode::OK).await
        }
        // A file the form cannot show (written by hand, with a mistake):
        // edit it as text.
        Err(e) => {
            let problems = vec![format!(
                "This file cannot be shown as a form ({e}); edit it as text."
            )];
            text_editor(
                &state,
                &staff,
                &csrf,
                &stored,
                &path,
                &text,
                &base,
                &problems,
                None,
                StatusCode::OK,
            )
            .await
        }
    }
}

/// `GET /admin/journeys/{id}/new`: the editor for a new entry.
pub(crate) async fn new_entry(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let stored = stored_journey(&state, id).await?;
    let (week, day) = next_place(&stored);
    let editor = Editor {
        stored: &stored,
        path: "",
        form: EntryForm {
            week,
            day: Some(day),
            draft: true,
            ..EntryForm::default()
        },
        base: "",
        problems: Vec::new(),
        notice: None,
        new: true,
    };
    editor.render(&state, &staff, &csrf, StatusCode::OK).await
}

/// `POST /admin/journeys/{id}/new`: saves a new entry in a file of its own.
pub(crate) async fn create_entry(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = decode_form(&body).unwrap_or_default();
    let form = form_from_fields(&fields);
    let stored = stored_journey(&state, id).await?;
    if field(&fields, "action") == "preview" {
        let editor = Editor::again(&stored, "", form, "", Vec::new(), true);
        return editor.render(&state, &staff, &csrf, StatusCode::OK).await;
    }
    let path = new_path(&stored, &form);
    let saved = save_form(&state, &staff, id, &path, &form, None, "created").await?;
    match saved {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/journeys/{id}/edit/{path}?saved=1")).into_response())
        }
        Err(problems) => {
            let editor = Editor::again(&stored, "", form, "", problems, true);
            editor
                .render(&state, &staff, &csrf, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    }
}

/// `POST /admin/journeys/{id}/edit/{*path}`: save (or, with
/// `action=preview`, show the preview: browsers without JavaScript).
pub(crate) async fn save(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path((id, path)): Path<(i64, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = decode_form(&body).unwrap_or_default();
    let base = field(&fields, "base").to_owned();
    let stored = stored_journey(&state, id).await?;
    if !stored.source.files.contains_key(&path) {
        return Err(AppError::NotFound);
    }
    let preview = field(&fields, "action") == "preview";
    if !is_entry_path(&path) {
        if path != "journey.toml" {
            return Err(AppError::NotFound);
        }
        let text = field(&fields, "text").replace("\r\n", "\n");
        if preview {
            return text_editor(
                &state,
                &staff,
                &csrf,
                &stored,
                &path,
                &text,
                &base,
                &[],
                None,
                StatusCode::OK,
            )
            .await;
        }
        let errors = blocking(&abide_content::check::check_journey_toml(&text));
        let saved = if errors.is_empty() {
            save_file(
                &state,
                &staff,
                id,
                &path,
                text.clone(),
                Some(&base),
                "saved",
            )
            .await?
        } else {
            Err(errors)
        };
        return match saved {
            Ok(()) => Ok(
                Redirect::to(&format!("/admin/journeys/{id}/edit/{path}?saved=1")).into_response(),
            ),
            Err(problems) => {
                text_editor(
                    &state,
                    &staff,
                    &csrf,
                    &stored,
                    &path,
                    &text,
                    &base,
                    &problems,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        };
    }
    let form = form_from_fields(&fields);
    if preview {
        let editor = Editor::again(&stored, &path, form, &base, Vec::new(), false);
        return editor.render(&state, &staff, &csrf, StatusCode::OK).await;
    }
    let saved = save_form(&state, &staff, id, &path, &form, Some(&base), "saved").await?;
    match saved {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/journeys/{id}/edit/{path}?saved=1")).into_response())
        }
        Err(problems) => {
            let editor = Editor::again(&stored, &path, form, &base, problems, false);
            editor
                .render(&state, &staff, &csrf, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    }
}

/// `POST /admin/journeys/{id}/preview/{*path}`: the preview and the
/// citations of the form as it stands, as HTML for the editor's page to
/// put in place (its script asks as the author types). `path` is `new` for
/// an entry not yet saved.
pub(crate) async fn preview(
    State(state): State<AppState>,
    Extension(_staff): Extension<Staff>,
    Path((id, path)): Path<(i64, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = decode_form(&body).unwrap_or_default();
    let form = form_from_fields(&fields);
    let stored = stored_journey(&state, id).await?;
    let path = if stored.source.files.contains_key(&path) && is_entry_path(&path) {
        path
    } else {
        new_path(&stored, &form)
    };
    let preview = build_preview(&state, &stored, &path, &form).await?;
    let html = state
        .render(
            "admin/preview.html",
            context! { preview => Serde(&preview) },
        )
        .await?;
    Ok(Html(html).into_response())
}

/// What the editor shows.
struct Editor<'a> {
    stored: &'a StoredSource,
    /// The file; empty for a new entry.
    path: &'a str,
    form: EntryForm,
    /// The fingerprint of the file when the editor was opened.
    base: &'a str,
    problems: Vec<String>,
    notice: Option<&'static str>,
    new: bool,
}

impl<'a> Editor<'a> {
    /// The editor shown again after a form was sent (a preview, or a save
    /// that did not go through).
    fn again(
        stored: &'a StoredSource,
        path: &'a str,
        form: EntryForm,
        base: &'a str,
        problems: Vec<String>,
        new: bool,
    ) -> Self {
        Self {
            stored,
            path,
            form,
            base,
            problems,
            notice: None,
            new,
        }
    }

    async fn render(
        self,
        state: &AppState,
        staff: &Staff,
        csrf: &CsrfToken,
        status: StatusCode,
    ) -> Result<Response, AppError> {
        let id = self.stored.journey_id;
        let preview_path = if self.new {
            new_path(self.stored, &self.form)
        } else {
            self.path.to_owned()
        };
        let preview = build_preview(state, self.stored, &preview_path, &self.form).await?;
        let (authors, weeks) = journey_lists(self.stored);
        let mut form = self.form;
        let spare = SPARE_ROWS.min(MAX_ROWS.saturating_sub(form.practices.len()));
        form.practices
            .extend(std::iter::repeat_n(PracticeForm::default(), spare));
        let spare = SPARE_ROWS.min(MAX_ROWS.saturating_sub(form.questions.len()));
        form.questions
            .extend(std::iter::repeat_n(String::new(), spare));
        let action = if self.new {
            format!("/admin/journeys/{id}/new")
        } else {
            format!("/admin/journeys/{id}/edit/{}", self.path)
        };
        let preview_url = format!(
            "/admin/journeys/{id}/preview/{}",
            if self.new { "new" } else { self.path }
        );
        page(
            state,
            status,
            "admin/editor.html",
            staff,
            csrf,
            context! {
                path => action.clone(),
                action,
                preview_url,
                journey => context! { id, slug => &self.stored.slug, title => &self.stored.title },
                file => self.path,
                new => self.new,
                form => Serde(&form),
                publish_local => publish_input(&form.publish),
                tags => form.tags.join(", "),
                base => self.base,
                problems => self.problems,
                notice => self.notice,
                week_known => weeks.iter().any(|(n, _)| *n == form.week),
                author_known => authors.iter().any(|(slug, _)| *slug == form.author),
                authors,
                weeks,
                preview => Serde(&preview),
            },
        )
        .await
    }
}

/// The raw editor, for `journey.toml` (and entry files the form cannot show).
#[allow(clippy::too_many_arguments)]
async fn text_editor(
    state: &AppState,
    staff: &Staff,
    csrf: &CsrfToken,
    stored: &StoredSource,
    path: &str,
    text: &str,
    base: &str,
    problems: &[String],
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let id = stored.journey_id;
    page(
        state,
        status,
        "admin/text-editor.html",
        staff,
        csrf,
        context! {
            path => format!("/admin/journeys/{id}/edit/{path}"),
            action => format!("/admin/journeys/{id}/edit/{path}"),
            journey => context! { id, slug => &stored.slug, title => &stored.title },
            file => path,
            text,
            base,
            problems => problems.to_vec(),
            notice,
        },
    )
    .await
}

/// Saves the entry `form` as the file at `path`, unless the content check
/// finds an error (its messages are the problems then).
async fn save_form(
    state: &AppState,
    staff: &Staff,
    id: i64,
    path: &str,
    form: &EntryForm,
    base: Option<&str>,
    note: &str,
) -> Result<Result<(), Vec<String>>, AppError> {
    let text = form.to_file();
    let errors = blocking(&check_text(state, path, &text, None).await?);
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    save_file(state, staff, id, path, text, base, note).await
}

/// [`save_file`] for the other pages of the back office (restoring a
/// revision). `base: None` here means the file does not exist now.
pub(crate) async fn save_text(
    state: &AppState,
    staff: &Staff,
    id: i64,
    path: &str,
    text: String,
    base: Option<&str>,
    note: &str,
) -> Result<Result<(), Vec<String>>, AppError> {
    save_file(state, staff, id, path, text, base, note).await
}

/// Writes `text` as the file at `path` of journey `id` and imports the
/// journey: `Ok(Err(problems))` when the journey does not load with it, or
/// the file changed since the editor opened it (`base`; `None`: a new file,
/// which must not exist yet). A save that raced another is tried again on
/// the other's files.
async fn save_file(
    state: &AppState,
    staff: &Staff,
    id: i64,
    path: &str,
    text: String,
    base: Option<&str>,
    note: &str,
) -> Result<Result<(), Vec<String>>, AppError> {
    save_with(state, staff, id, path, note, |stored| {
        let current = stored.source.files.get(path);
        let info = stored.files.iter().find(|f| f.path == path);
        match (base, current) {
            (Some(base), Some(bytes)) if JourneySource::hash_of(bytes) != base => {
                let who = info
                    .and_then(|i| i.updated_by.clone())
                    .unwrap_or_else(|| "an import of the folder".into());
                Err(vec![format!(
                    "This file was changed by {who} after you opened it. Your text is below, not saved: open the file again in another tab, bring your changes over, and save there."
                )])
            }
            (Some(_), None) => Err(vec![
                "This file was removed after you opened it; nothing was saved.".into(),
            ]),
            (None, Some(_)) => Err(vec![format!(
                "A file named {path} exists already; nothing was saved. Change the title or the day."
            )]),
            _ => Ok(vec![(path.to_owned(), text.clone().into_bytes())]),
        }
    })
    .await
}

/// Applies the changes `edit` makes to the journey's files as kept (path,
/// new bytes) and imports the journey with them: `Ok(Err(problems))` when
/// `edit` refuses or the journey does not load with them. `edit` is asked
/// again on the other's files when the save raced another (three times at
/// most). `focus` is the file whose problems are listed first.
pub(crate) async fn save_with(
    state: &AppState,
    staff: &Staff,
    id: i64,
    focus: &str,
    note: &str,
    edit: impl Fn(&StoredSource) -> Result<Vec<(String, Vec<u8>)>, Vec<String>>,
) -> Result<Result<(), Vec<String>>, AppError> {
    let store = state.store();
    for _ in 0..3 {
        let stored = stored_journey(state, id).await?;
        let changes = match edit(&stored) {
            Ok(changes) => changes,
            Err(problems) => return Ok(Err(problems)),
        };
        let mut source = stored.source.clone();
        for (path, bytes) in changes {
            source.files.insert(path, bytes);
        }
        let options = load_options(state).await?;
        let journey =
            match tokio::task::spawn_blocking(move || load_journey_source(source, &options))
                .await
                .map_err(|_| AppError::Panic)?
            {
                Ok(journey) => journey,
                Err(errors) => return Ok(Err(problem_lines(&errors.0, focus))),
            };
        if journey.slug != stored.slug
            && let Some(other) = store.journey(&journey.slug, i64::MAX).await?
            && other.id != id
        {
            return Ok(Err(vec![format!(
                "The slug {:?} belongs to the journey {:?}; choose another.",
                journey.slug, other.title
            )]));
        }
        let options = ImportOptions {
            origin: Origin::Browser {
                user_id: staff.id(),
            },
            expect_version: Some(stored.version),
            ..Default::default()
        };
        match store.import_noted(&[journey], options, Some(note)).await {
            Ok(_) => {
                content_changed(state);
                return Ok(Ok(()));
            }
            Err(StoreError::SourceChanged { .. }) => continue,
            Err(e @ (StoreError::SlugReserved { .. } | StoreError::BadSlug { .. })) => {
                return Ok(Err(vec![e.to_string()]));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Err(vec![
        "Others are saving this journey right now; nothing was saved. Save again in a moment."
            .into(),
    ]))
}

/// Problems as the editor lists them: those of this file first, each with
/// its line.
fn problem_lines(errors: &[ContentError], path: &str) -> Vec<String> {
    let mut lines: Vec<(bool, String)> = errors
        .iter()
        .map(|e| {
            let here = e.file == std::path::Path::new(path);
            let line = match (here, e.line) {
                (true, Some(line)) => format!("Line {line} of the file: {}", e.message),
                (true, None) => e.message.clone(),
                (false, _) => format!("In {e}"),
            };
            (!here, line)
        })
        .collect();
    lines.sort_by_key(|(elsewhere, _)| *elsewhere);
    lines.into_iter().map(|(_, l)| l).collect()
}

/// A citation as the editor lists it.
#[derive(Debug, Serialize)]
struct FoundCitation {
    /// As written.
    text: String,
    /// As the site names it ("Psalm 46:10").
    resolved: String,
    osis: String,
    key: bool,
    /// The site's translation lacks it (or part of it).
    missing: bool,
}

/// The preview of an entry (the reader's page, as it will read once
/// published), its citations, and the problems that keep it from loading.
#[derive(Debug, Serialize)]
struct Preview {
    /// The article, HTML; none when the entry does not load.
    html: Option<String>,
    citations: Vec<FoundCitation>,
    problems: Vec<String>,
    /// The content check's findings: errors block saving, warnings do not.
    warnings: Vec<abide_content::check::Finding>,
    translation: String,
}

async fn build_preview(
    state: &AppState,
    stored: &StoredSource,
    path: &str,
    form: &EntryForm,
) -> Result<Preview, AppError> {
    let text = form.to_file();
    let options = load_options(state).await?;
    let translation = state.translation_for(&axum::http::HeaderMap::new(), "");
    let translation_name = translation.info().abbreviation.clone();
    let journey = match load_entry_preview(&stored.source, path, &text, &options) {
        Ok(journey) => journey,
        Err(errors) => {
            return Ok(Preview {
                html: None,
                citations: Vec::new(),
                problems: problem_lines(&errors.0, path),
                warnings: check_text(state, path, &text, None).await?,
                translation: translation_name,
            });
        }
    };
    let Some(entry) = journey.entries.first() else {
        return Ok(Preview {
            html: None,
            citations: Vec::new(),
            problems: vec!["Nothing to preview yet.".into()],
            warnings: Vec::new(),
            translation: translation_name,
        });
    };
    let mut citations: Vec<FoundCitation> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for c in &entry.citations {
        if !seen.insert((c.span, c.kind == abide_content::CitationKind::Key)) {
            continue;
        }
        let Ok(ranges) = abide_scripture::parse_osis(&c.osis) else {
            continue;
        };
        let written = match c.kind {
            abide_content::CitationKind::Key => form.key_passage.trim().to_owned(),
            abide_content::CitationKind::Inline => {
                text.get(c.span.0..c.span.1).unwrap_or(&c.osis).to_owned()
            }
        };
        citations.push(FoundCitation {
            text: written,
            resolved: abide_scripture::format_ranges(&ranges, abide_scripture::Style::Full),
            missing: view(translation, &ranges).is_err(),
            osis: c.osis.clone(),
            key: c.kind == abide_content::CitationKind::Key,
        });
    }
    let html = render_article(state, &journey, entry, translation).await?;
    let address = format!("/journeys/{}/{}", journey.slug, entry.slug);
    Ok(Preview {
        html: Some(html),
        citations,
        problems: Vec::new(),
        warnings: check_text(state, path, &text, Some(&address)).await?,
        translation: translation_name,
    })
}

/// The content check of an entry file as the editor would save it, with the
/// site's translation and the site's addresses (`address`: the entry's own,
/// which relative links start from).
async fn check_text(
    state: &AppState,
    path: &str,
    text: &str,
    address: Option<&str>,
) -> Result<Vec<abide_content::check::Finding>, AppError> {
    use abide_content::check::{CheckContext, SitePaths, VerseText, check_entry_file, resolve};
    let translation = state.translation_for(&axum::http::HeaderMap::new(), "");
    let mut site = SitePaths::of(std::iter::empty());
    for page in state.store().content_paths().await? {
        site.add(page);
    }
    let base = address.unwrap_or("/journeys/-/-").to_owned();
    let verse_text = |osis: &str| -> Option<VerseText> {
        let ranges = abide_scripture::parse_osis(osis).ok()?;
        let passage = translation.passage(&ranges).ok()?;
        Some(VerseText {
            translation: translation.info().abbreviation.clone(),
            text: passage.plain_text(),
        })
    };
    let link_exists = |link: &str| site.exists(&resolve(&base, link));
    let ctx = CheckContext {
        verse_text: &verse_text,
        link_exists: &link_exists,
    };
    Ok(check_entry_file(path, text, &ctx))
}

/// The errors of the content check, as the editor lists problems (the
/// lines of the file it writes are not the form's, so they are left out).
fn blocking(findings: &[abide_content::check::Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.severity == abide_content::check::Severity::Error)
        .map(|f| f.message.clone())
        .collect()
}

/// The entry's article, rendered by the theme's own template for it.
async fn render_article(
    state: &AppState,
    journey: &Journey,
    entry: &abide_content::Entry,
    translation: &abide_bible::Translation,
) -> Result<String, AppError> {
    let now = state.now_ms();
    let card = EntryCard {
        id: 0,
        journey_slug: journey.slug.clone(),
        journey_title: journey.title.clone(),
        slug: entry.slug.clone(),
        week: i64::from(entry.week),
        kind: entry.kind,
        day: i64::from(entry.day),
        title: entry.title.clone(),
        summary: entry.summary.clone(),
        key_passage: entry.key_passage.clone(),
        key_osis: entry.key_osis.clone(),
        publish_at: entry.publish_at.as_millisecond(),
        updated_at: now,
        members_only: entry.members_only,
        visibility: journey.visibility,
    };
    let view_of_entry = EntryView {
        card,
        week_theme: journey
            .weeks
            .iter()
            .find(|w| w.number == entry.week)
            .map(|w| w.theme.clone())
            .unwrap_or_default(),
        body_html: entry.body_html.clone(),
        going_deeper_html: entry.going_deeper_html.clone(),
        practices: entry
            .practices
            .iter()
            .map(|p| PracticeView {
                html: p.html.clone(),
                minutes: p.minutes,
            })
            .collect(),
        questions: entry.questions.clone(),
        tags: entry
            .tags
            .iter()
            .map(|t| TagRef {
                slug: t.slug.clone(),
                name: t.name.clone(),
            })
            .collect(),
        author: entry.author.as_ref().and_then(|slug| {
            journey
                .authors
                .iter()
                .find(|a| &a.slug == slug)
                .map(|a| AuthorView {
                    slug: a.slug.clone(),
                    name: a.name.clone(),
                    bio_html: a.bio_html.clone(),
                })
        }),
        word_count: i64::try_from(entry.word_count).unwrap_or(i64::MAX),
    };
    let journey_card = JourneyCard {
        id: 0,
        slug: journey.slug.clone(),
        title: journey.title.clone(),
        summary: journey.summary.clone(),
        cover_image: journey.cover_image.clone(),
        visibility: journey.visibility,
        published: 0,
        total: 0,
        starts_at: None,
        latest_at: None,
        updated_at: now,
        tags: Vec::new(),
    };
    let key: Option<PassageView> = entry.key_osis.as_deref().and_then(|osis| {
        let ranges = abide_scripture::parse_osis(osis).ok()?;
        view(translation, &ranges).ok()
    });
    state
        .render(
            "entry-article.html",
            context! {
                path => format!("/journeys/{}/{}", journey.slug, entry.slug),
                entry => Serde(&view_of_entry),
                journey => Serde(&journey_card),
                key => Serde(&key),
                locked => false,
                walk => Value::from(()),
            },
        )
        .await
}

/// The authors `journey.toml` describes and its weeks, for the form's
/// choices.
fn journey_lists(stored: &StoredSource) -> (Vec<(String, String)>, Vec<abide_content::WeekTheme>) {
    stored.source.authors_and_weeks()
}

/// The place after the last day of the journey: its last week's next day,
/// or the next week's first.
fn next_place(stored: &StoredSource) -> (u32, u32) {
    let mut last = (1, 0);
    for path in stored.source.entry_paths() {
        if let Some(form) = stored
            .source
            .text(path)
            .and_then(|t| EntryForm::from_file(t).ok())
            && form.kind == EntryKind::Day
        {
            last = last.max((form.week, form.day.unwrap_or(0)));
        }
    }
    let weeks: Vec<u32> = journey_lists(stored).1.iter().map(|(n, _)| *n).collect();
    match last {
        (week, day) if day < 7 => (week, day + 1),
        (week, _) if weeks.contains(&(week + 1)) => (week + 1, 1),
        (week, day) => (week, day),
    }
}

/// The file a new entry is written to: beside the entries of its week
/// (`week-2/03-title.md`), named by its day and title, never an existing
/// file's name.
fn new_path(stored: &StoredSource, form: &EntryForm) -> String {
    let folder = stored
        .source
        .entry_paths()
        .find(|p| {
            stored
                .source
                .text(p)
                .and_then(|t| EntryForm::from_file(t).ok())
                .is_some_and(|f| f.week == form.week)
        })
        .and_then(|p| p.rsplit_once('/').map(|(dir, _)| format!("{dir}/")))
        .unwrap_or_else(|| {
            if form.week <= 1 {
                String::new()
            } else {
                format!("week-{}/", form.week)
            }
        });
    let number = match form.kind {
        EntryKind::Introduction => 0,
        EntryKind::Day => form.day.unwrap_or(1),
        EntryKind::Recap => 9,
    };
    let mut stem = slugify(&form.title);
    if stem.is_empty() {
        stem = "entry".into();
    }
    stem.truncate(60);
    let stem = stem.trim_end_matches('-');
    let mut path = format!("{folder}{number:02}-{stem}.md");
    let mut n = 2;
    while stored.source.files.contains_key(&path) {
        path = format!("{folder}{number:02}-{stem}-{n}.md");
        n += 1;
    }
    path
}

/// The value of field `name` (the first, if given twice).
fn field<'f>(fields: &'f [(String, String)], name: &str) -> &'f str {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Every value of field `name`, in order.
fn all<'f>(fields: &'f [(String, String)], name: &'f str) -> impl Iterator<Item = &'f str> {
    fields
        .iter()
        .filter(move |(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The entry as the form describes it.
fn form_from_fields(fields: &[(String, String)]) -> EntryForm {
    let number = |name: &str| field(fields, name).trim().parse::<u32>().ok();
    let kind = EntryKind::parse(field(fields, "kind")).unwrap_or(EntryKind::Day);
    let texts: Vec<&str> = all(fields, "practice_text").collect();
    let minutes: Vec<&str> = all(fields, "practice_minutes").collect();
    let practices = texts
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.trim().is_empty())
        .take(MAX_ROWS)
        .map(|(i, t)| PracticeForm {
            text: t.trim().to_owned(),
            minutes: minutes
                .get(i)
                .and_then(|m| m.trim().parse::<u32>().ok())
                .filter(|m| *m > 0),
        })
        .collect();
    let questions = all(fields, "question")
        .filter(|q| !q.trim().is_empty())
        .take(MAX_ROWS)
        .map(|q| q.trim().to_owned())
        .collect();
    EntryForm {
        title: field(fields, "title").trim().to_owned(),
        slug: field(fields, "slug").trim().to_owned(),
        kind,
        week: number("week").unwrap_or(1),
        day: (kind == EntryKind::Day).then(|| number("day").unwrap_or(1)),
        key_passage: field(fields, "key_passage").trim().to_owned(),
        summary: field(fields, "summary").trim().to_owned(),
        publish: publish_from_input(field(fields, "publish")),
        tags: field(fields, "tags")
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        author: field(fields, "author").trim().to_owned(),
        members_only: !field(fields, "members_only").is_empty(),
        draft: !field(fields, "draft").is_empty(),
        reflection: field(fields, "reflection").to_owned(),
        going_deeper: field(fields, "going_deeper").to_owned(),
        practices,
        questions,
    }
}

/// A `datetime-local` input's value (`2026-12-01T06:00`) as a TOML local
/// time (`2026-12-01T06:00:00`); anything else as typed.
fn publish_from_input(value: &str) -> String {
    let value = value.trim();
    let bytes = value.as_bytes();
    if value.len() == 16 && bytes[10] == b'T' && bytes[13] == b':' {
        format!("{value}:00")
    } else {
        value.to_owned()
    }
}

/// A `publish` value as a `datetime-local` input shows it: a date is its
/// midnight; an instant with an offset cannot be shown (empty: the file's
/// value is kept as text below the input).
fn publish_input(publish: &str) -> String {
    let p = publish.trim();
    let time = p.get(11..).unwrap_or("");
    if p.len() == 10 {
        format!("{p}T00:00")
    } else if p.len() >= 16
        && p.as_bytes()[10] == b'T'
        && !p.ends_with('Z')
        && !time.contains(['+', '-'])
    {
        // Not sliced blindly: the text comes from a file, any characters.
        p.get(..16).map(str::to_owned).unwrap_or_default()
    } else {
        String::new()
    }
}

impl std::fmt::Debug for Editor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Editor").field("path", &self.path).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_times_go_between_input_and_file() {
        assert_eq!(
            publish_from_input("2026-12-01T06:00"),
            "2026-12-01T06:00:00"
        );
        assert_eq!(publish_from_input(""), "");
        assert_eq!(publish_input("2026-12-01"), "2026-12-01T00:00");
        assert_eq!(publish_input("2026-12-01T06:00:00"), "2026-12-01T06:00");
        assert_eq!(publish_input("2026-12-01T06:00:00Z"), "");
        assert_eq!(publish_input("2026-12-01T06:00:00-05:00"), "");
        // Text from a file, not a time: never a panic.
        assert_eq!(publish_input("2026-12-01T06:0éé"), "");
        assert_eq!(publish_input("2026-12-01é"), "");
    }

    #[test]
    fn forms_read_their_rows() {
        let fields: Vec<(String, String)> = [
            ("title", " Be still "),
            ("kind", "day"),
            ("week", "2"),
            ("day", "3"),
            ("practice_text", "Sit"),
            ("practice_minutes", "5"),
            ("practice_text", ""),
            ("practice_minutes", ""),
            ("question", "Why?"),
            ("question", " "),
            ("tags", "Rest, , Prayer"),
            ("draft", "on"),
        ]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
        let form = form_from_fields(&fields);
        assert_eq!(form.title, "Be still");
        assert_eq!((form.week, form.day), (2, Some(3)));
        assert_eq!(form.practices.len(), 1);
        assert_eq!(form.practices[0].minutes, Some(5));
        assert_eq!(form.questions, ["Why?"]);
        assert_eq!(form.tags, ["Rest", "Prayer"]);
        assert!(form.draft);
    }
}
