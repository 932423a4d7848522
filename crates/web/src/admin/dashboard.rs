//! The dashboard (today's entry of each journey, drafts, what is scheduled,
//! recent changes), a journey's page (its entries, by week, with their
//! state), and a new journey.

use std::collections::BTreeMap;

use abide_content::{EntryForm, EntryKind, JourneySource, LoadOptions, load_journey_source};
use abide_store::{ImportOptions, Origin, StoreError};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{Staff, content_changed, page, stored_journey};
use crate::account::forms::{CsrfToken, decode_form};
use crate::error::AppError;
use crate::state::AppState;

/// Recent changes the dashboard lists.
const RECENT: i64 = 15;
/// Scheduled entries the dashboard lists.
const SCHEDULED: i64 = 10;

/// `GET /admin`.
pub(crate) async fn show(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
) -> Result<Response, AppError> {
    let store = state.store();
    let now = state.now_ms();
    let journeys = store.admin_journeys(now).await?;
    let drafts = store.drafts().await?;
    let scheduled = store.scheduled_entries(now, SCHEDULED).await?;
    let recent = store.recent_revisions(RECENT).await?;
    page(
        &state,
        StatusCode::OK,
        "admin/dashboard.html",
        &staff,
        &csrf,
        context! {
            path => "/admin",
            journeys => Serde(&journeys),
            drafts => Serde(&drafts),
            scheduled => Serde(&scheduled),
            recent => Serde(&recent),
            now,
        },
    )
    .await
}

/// An entry file of a journey as its page lists it.
#[derive(Debug, Serialize)]
struct FileRow {
    path: String,
    title: String,
    kind: EntryKind,
    week: u32,
    day: Option<u32>,
    draft: bool,
    /// `published`, `scheduled`, `draft` or `problem` (not on the site: the
    /// file does not load).
    state: &'static str,
    publish_at: Option<i64>,
    /// Its address on the site, once it is there.
    url: Option<String>,
    updated_at: i64,
    updated_by: Option<String>,
}

/// `GET /admin/journeys/{id}`: the journey's entries, week by week.
pub(crate) async fn journey(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    journey_page(&state, &staff, &csrf, id, &[], StatusCode::OK).await
}

/// `POST /admin/journeys/{id}/move/{*path}`: moves a day one place earlier
/// or later in its week (`direction`), trading places (and publish times)
/// with the day there, if any.
pub(crate) async fn move_entry(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path((id, path)): Path<(i64, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = decode_form(&body).unwrap_or_default();
    let earlier = match fields
        .iter()
        .find(|(n, _)| n == "direction")
        .map(|(_, v)| v.as_str())
    {
        Some("earlier") => true,
        Some("later") => false,
        _ => return Err(AppError::NotFound),
    };
    let week = std::sync::Mutex::new(0);
    let done = super::editor::save_with(&state, &staff, id, &path, "moved", |stored| {
        let forms: Vec<(String, EntryForm)> = stored
            .source
            .entry_paths()
            .filter_map(|p| {
                let form = EntryForm::from_file(stored.source.text(p)?).ok()?;
                Some((p.to_owned(), form))
            })
            .collect();
        let Some((_, target)) = forms.iter().find(|(p, _)| *p == path) else {
            return Err(vec!["This entry is not in the journey any more.".into()]);
        };
        let (Some(day), EntryKind::Day) = (target.day, target.kind) else {
            return Err(vec![
                "Only days move within their week; an introduction comes first and a recap last."
                    .into(),
            ]);
        };
        if let Ok(mut w) = week.lock() {
            *w = target.week;
        }
        let days = forms.iter().filter(|(p, f)| {
            *p != path && f.kind == EntryKind::Day && f.week == target.week && f.day.is_some()
        });
        let other = if earlier {
            days.filter(|(_, f)| f.day < Some(day))
                .max_by_key(|(_, f)| f.day)
        } else {
            days.filter(|(_, f)| f.day > Some(day))
                .min_by_key(|(_, f)| f.day)
        };
        let mut moved = target.clone();
        match other {
            Some((other_path, other_form)) => {
                let mut swapped = other_form.clone();
                moved.day = other_form.day;
                swapped.day = Some(day);
                std::mem::swap(&mut moved.publish, &mut swapped.publish);
                Ok(vec![
                    (path.clone(), moved.to_file().into_bytes()),
                    (other_path.clone(), swapped.to_file().into_bytes()),
                ])
            }
            None if earlier && day > 1 => {
                moved.day = Some(day - 1);
                Ok(vec![(path.clone(), moved.to_file().into_bytes())])
            }
            None if !earlier && day < 7 => {
                moved.day = Some(day + 1);
                Ok(vec![(path.clone(), moved.to_file().into_bytes())])
            }
            None => Err(vec![format!(
                "Day {day} is already the {} day of week {}.",
                if earlier { "first" } else { "last" },
                target.week
            )]),
        }
    })
    .await?;
    match done {
        Ok(()) => {
            let week = week.lock().map(|w| *w).unwrap_or(0);
            Ok(Redirect::to(&format!("/admin/journeys/{id}#week-{week}")).into_response())
        }
        Err(problems) => {
            journey_page(
                &state,
                &staff,
                &csrf,
                id,
                &problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn journey_page(
    state: &AppState,
    staff: &Staff,
    csrf: &CsrfToken,
    id: i64,
    problems: &[String],
    status: StatusCode,
) -> Result<Response, AppError> {
    let state = state.clone();
    let stored = stored_journey(&state, id).await?;
    let now = state.now_ms();
    let entries = state.store().journey_entries_admin(id).await?;
    let by_path: BTreeMap<&str, &abide_store::EntryAdmin> = entries
        .iter()
        .map(|e| (e.source_path.as_str(), e))
        .collect();
    let mut rows = Vec::new();
    for info in &stored.files {
        if !abide_content::is_entry_path(&info.path) {
            continue;
        }
        let form = stored
            .source
            .text(&info.path)
            .and_then(|t| EntryForm::from_file(t).ok());
        let on_site = by_path.get(info.path.as_str());
        let state_name = match (on_site, &form) {
            (Some(e), _) if e.card.publish_at <= now => "published",
            (Some(_), _) => "scheduled",
            (None, Some(f)) if f.draft => "draft",
            (None, _) => "problem",
        };
        let form = form.unwrap_or_default();
        rows.push(FileRow {
            path: info.path.clone(),
            title: on_site.map_or(form.title.clone(), |e| e.card.title.clone()),
            kind: form.kind,
            week: on_site.map_or(form.week, |e| u32::try_from(e.card.week).unwrap_or(0)),
            day: on_site.map_or(form.day, |e| u32::try_from(e.card.day).ok()),
            draft: form.draft,
            state: state_name,
            publish_at: on_site.map(|e| e.card.publish_at),
            url: on_site.map(|e| format!("/journeys/{}/{}", e.card.journey_slug, e.card.slug)),
            updated_at: info.updated_at,
            updated_by: info.updated_by.clone(),
        });
    }
    rows.sort_by_key(|r| {
        let kind = match r.kind {
            EntryKind::Introduction => 0,
            EntryKind::Day => 1,
            EntryKind::Recap => 2,
        };
        (r.week, kind, r.day.unwrap_or(0), r.path.clone())
    });
    let mut weeks: BTreeMap<u32, Vec<FileRow>> = BTreeMap::new();
    for row in rows {
        weeks.entry(row.week).or_default().push(row);
    }
    let weeks: Vec<(u32, Vec<FileRow>)> = weeks.into_iter().collect();
    page(
        &state,
        status,
        "admin/journey.html",
        staff,
        csrf,
        context! {
            problems => problems.to_vec(),
            path => format!("/admin/journeys/{id}"),
            journey => context! {
                id,
                slug => &stored.slug,
                title => &stored.title,
                folder => &stored.source.folder,
                version => stored.version,
            },
            weeks => Serde(&weeks),
        },
    )
    .await
}

/// `POST /admin/journeys`: a new journey, from its title: a `journey.toml`
/// with one week, in a folder named after it; its entries are written next.
pub(crate) async fn create_journey(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = decode_form(&body).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.trim())
    };
    let title = field("title");
    let summary = field("summary");
    let slug = abide_content::slugify(title);
    let store = state.store();
    let problem = if title.is_empty() || slug.is_empty() {
        Some("Give the journey a title (letters or digits).".to_owned())
    } else if title.chars().count() > 200 || summary.chars().count() > 2_000 {
        Some("The title is at most 200 characters, the summary 2,000.".to_owned())
    } else if store.journey(&slug, i64::MAX).await?.is_some() {
        Some(format!(
            "A journey at /journeys/{slug} exists already: give this one another title."
        ))
    } else {
        None
    };
    if let Some(problem) = problem {
        let now = state.now_ms();
        return page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/dashboard.html",
            &staff,
            &csrf,
            context! {
                path => "/admin",
                journeys => Serde(&store.admin_journeys(now).await?),
                drafts => Serde(&store.drafts().await?),
                scheduled => Serde(&store.scheduled_entries(now, SCHEDULED).await?),
                recent => Serde(&store.recent_revisions(RECENT).await?),
                now,
                new_problem => problem,
                new_title => title,
                new_summary => summary,
            },
        )
        .await;
    }
    let today = state
        .store()
        .clock()
        .now()
        .in_tz(&state.site().await?.time_zone)
        .map(|z| z.date().to_string())
        .unwrap_or_else(|_| "2026-01-01".into());
    let toml = abide_content::new_journey_toml(title, summary, &today);
    let mut source = JourneySource {
        folder: slug.clone(),
        files: BTreeMap::new(),
    };
    source
        .files
        .insert("journey.toml".into(), toml.into_bytes());
    let options = load_options(&state).await?;
    let journey = load_journey_source(source, &options).map_err(|e| {
        tracing::error!(error = %e, "a new journey's own journey.toml does not load");
        AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Journey not created",
            "Its title or summary could not be written as a journey. Try simpler words.",
        )
    })?;
    let options = ImportOptions {
        origin: Origin::Browser {
            user_id: staff.id(),
        },
        ..Default::default()
    };
    match store
        .import_noted(&[journey], options, Some("created"))
        .await
    {
        Ok(_) => {}
        Err(StoreError::SlugReserved { .. }) => {
            return Err(AppError::refused(
                StatusCode::CONFLICT,
                "That address is taken",
                "A journey once published at that address still has its old links leading there. Give this one another title.",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    content_changed(&state);
    let id = store
        .journey(&slug, i64::MAX)
        .await?
        .ok_or(AppError::NotFound)?
        .id;
    Ok(Redirect::to(&format!("/admin/journeys/{id}")).into_response())
}

/// How files are read: in the site's time zone, at the clock's "now".
pub(crate) async fn load_options(state: &AppState) -> Result<LoadOptions, AppError> {
    let site = state.site().await?;
    Ok(LoadOptions {
        time_zone: jiff::tz::TimeZone::get(&site.time_zone).unwrap_or(jiff::tz::TimeZone::UTC),
        now: state.store().clock().now(),
    })
}
