//! A member's own walk through a journey: the Today page, following a
//! journey, marking days done, catching up, the progress page, the private
//! journal and its exports, and the member's data (download, deletion).
//!
//! Every page and action here is the member's alone: each query is keyed by
//! the signed-in member's id, so no address leads to another member's
//! journal or progress (a guest is sent to sign in, anyone else gets their
//! own, or a 404).

use abide_store::{ReadingError, StoreError};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::account::forms::CsrfToken;
use crate::account::pages::page;
use crate::account::session::{Member, clear_session_cookie, safe_next};
use crate::cookies;
use crate::error::AppError;
use crate::state::AppState;

/// Journal items on one page of `/journal`.
const JOURNAL_PAGE: u32 = 20;

/// The member's date today, in their time zone.
fn today(state: &AppState, member: &Member) -> Result<Date, AppError> {
    Ok(state.store().local_date(&member.user().time_zone)?)
}

/// A reading error as the member sees it: unknown things are 404, the rest a
/// sentence on a 422 page.
fn refused(e: StoreError) -> AppError {
    match e {
        StoreError::Reading(
            ReadingError::UnknownJourney(_) | ReadingError::UnknownEntry { .. },
        ) => AppError::NotFound,
        StoreError::Reading(ReadingError::NotFollowing(_)) => AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not following this journey",
            "Start the journey first: its page has a button to begin today or on a date you choose.",
        ),
        StoreError::Reading(ReadingError::NotAStep { .. }) => AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not a day of the journey",
            "Introductions and recaps are read alongside the days; only days are marked done.",
        ),
        StoreError::Reading(ReadingError::DateOutOfRange(_)) => AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That date cannot be used",
            "Choose a start date in the years 1000 to 9000, for instance today.",
        ),
        StoreError::Reading(ReadingError::TooLong { .. }) => AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Too long to save",
            "A journal answer can be up to 20,000 characters. Shorten it and save again.",
        ),
        StoreError::Reading(ReadingError::NoSuchItem { .. } | ReadingError::BadItem(_)) => {
            AppError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "That could not be saved",
                "The form answers a question or practice this reading does not have (it may have changed). Reload the page and write again.",
            )
        }
        StoreError::Reading(ReadingError::ControlCharacter(_)) => AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That could not be saved",
            "The text contains an invisible control character. Remove it (retyping the line helps) and save again.",
        ),
        StoreError::Reading(_) => AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That could not be saved",
            "Something in the form was not what this page expects. Reload the page and try again.",
        ),
        e => AppError::Store(e),
    }
}

/// `GET /today`: the day of each journey the member follows.
pub(crate) async fn today_page(
    State(state): State<AppState>,
    member: Member,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
) -> Result<Response, AppError> {
    let today = today(&state, &member)?;
    let followed = state.store().enrolments(member.id(), today).await?;
    let journeys = if followed.is_empty() {
        state.store().journeys(state.now_ms()).await?
    } else {
        Vec::new()
    };
    page(
        &state,
        StatusCode::OK,
        "today.html",
        &csrf,
        Some(member.user()),
        context! {
            path => "/today",
            today => today.to_string(),
            followed => Serde(&followed),
            journeys => Serde(&journeys),
            streak_rule => abide_store::STREAK_RULE,
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct FollowForm {
    /// `YYYY-MM-DD`; empty: today.
    #[serde(default)]
    start: String,
}

/// `POST /journeys/{journey}/follow`: start today or on a chosen date (a
/// journey followed already keeps its done days).
pub(crate) async fn follow(
    State(state): State<AppState>,
    member: Member,
    Path(journey): Path<String>,
    Form(form): Form<FollowForm>,
) -> Result<Response, AppError> {
    begin(&state, &member, &journey, &form.start, false).await
}

/// `POST /journeys/{journey}/restart`: begin again, from a date, with no day done.
pub(crate) async fn restart(
    State(state): State<AppState>,
    member: Member,
    Path(journey): Path<String>,
    Form(form): Form<FollowForm>,
) -> Result<Response, AppError> {
    begin(&state, &member, &journey, &form.start, true).await
}

/// Follows `journey` from the typed date (empty: today), clearing the done
/// days when `afresh`, then shows the progress.
async fn begin(
    state: &AppState,
    member: &Member,
    journey: &str,
    typed: &str,
    afresh: bool,
) -> Result<Response, AppError> {
    let start = start_date(state, member, typed)?;
    let store = state.store();
    let begun = if afresh {
        store.restart_journey(member.id(), journey, start).await
    } else {
        store.start_journey(member.id(), journey, start).await
    };
    begun.map_err(refused)?;
    Ok(Redirect::to(&format!("/journeys/{journey}/progress")).into_response())
}

fn start_date(state: &AppState, member: &Member, typed: &str) -> Result<Date, AppError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return today(state, member);
    }
    typed.parse::<Date>().map_err(|_| {
        AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That date cannot be used",
            "Give the start date as year-month-day, like 2027-03-01, or leave it empty to begin today.",
        )
    })
}

/// `POST /journeys/{journey}/stop`.
pub(crate) async fn stop(
    State(state): State<AppState>,
    member: Member,
    Path(journey): Path<String>,
) -> Result<Response, AppError> {
    state
        .store()
        .stop_following(member.id(), &journey)
        .await
        .map_err(refused)?;
    Ok(Redirect::to("/today").into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct BackForm {
    back: Option<String>,
    #[serde(default)]
    undo: String,
}

/// `POST /journeys/{journey}/catch-up`: the missed days vanish from the
/// schedule; the first day not done is today's.
pub(crate) async fn catch_up(
    State(state): State<AppState>,
    member: Member,
    Path(journey): Path<String>,
    Form(form): Form<BackForm>,
) -> Result<Response, AppError> {
    let today = today(&state, &member)?;
    state
        .store()
        .catch_up(member.id(), &journey, today)
        .await
        .map_err(refused)?;
    Ok(Redirect::to(&safe_next(form.back.as_deref(), "/today")).into_response())
}

/// `POST /journeys/{journey}/{entry}/done`: mark the day done (or, with
/// `undo`, not done).
pub(crate) async fn mark_done(
    State(state): State<AppState>,
    member: Member,
    Path((journey, entry)): Path<(String, String)>,
    Form(form): Form<BackForm>,
) -> Result<Response, AppError> {
    let store = state.store();
    if form.undo.is_empty() {
        let today = today(&state, &member)?;
        store
            .mark_done(member.id(), &journey, &entry, today)
            .await
            .map_err(refused)?;
    } else {
        store
            .mark_not_done(member.id(), &journey, &entry)
            .await
            .map_err(refused)?;
    }
    let fallback = format!("/journeys/{journey}/{entry}");
    Ok(Redirect::to(&safe_next(form.back.as_deref(), &fallback)).into_response())
}

/// `POST /journeys/{journey}/{entry}/journal`: saves every answer and note
/// of the entry's journal form (`q1`.., `p1`.., `note`); an emptied one is
/// deleted. All are saved, or (when one is refused) none.
pub(crate) async fn save_journal(
    State(state): State<AppState>,
    member: Member,
    Path((journey, entry)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let items: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "csrf" | "back"))
        .map(|(name, body)| (name.as_str(), body.as_str()))
        .collect();
    // A form of this site has a few fields; hundreds are not a journal.
    if items.len() > 64 {
        return Err(refused(ReadingError::BadItem(String::new()).into()));
    }
    state
        .store()
        .save_journal_items(member.id(), &journey, &entry, &items)
        .await
        .map_err(refused)?;
    Ok(Redirect::to(&format!(
        "/journeys/{journey}/{entry}?saved=journal#journal"
    ))
    .into_response())
}

/// `GET /journeys/{journey}/progress`.
pub(crate) async fn progress(
    State(state): State<AppState>,
    member: Member,
    Path(journey): Path<String>,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
) -> Result<Response, AppError> {
    let today = today(&state, &member)?;
    let Some(detail) = state
        .store()
        .journey_progress(member.id(), &journey, today)
        .await?
    else {
        // Not followed (or no such journey): its page offers to start it.
        return match state.store().journey(&journey, state.now_ms()).await? {
            Some(_) => Ok(Redirect::to(&format!("/journeys/{journey}")).into_response()),
            None => Err(AppError::NotFound),
        };
    };
    page(
        &state,
        StatusCode::OK,
        "progress.html",
        &csrf,
        Some(member.user()),
        context! {
            path => format!("/journeys/{journey}/progress"),
            today => today.to_string(),
            journey => Serde(&detail),
            streak_rule => abide_store::STREAK_RULE,
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct JournalQuery {
    #[serde(default)]
    offset: u32,
}

/// `GET /journal`: everything the member wrote, newest first.
pub(crate) async fn journal(
    State(state): State<AppState>,
    member: Member,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Query(q): Query<JournalQuery>,
) -> Result<Response, AppError> {
    let journal = state
        .store()
        .journal(member.id(), JOURNAL_PAGE, q.offset)
        .await?;
    page(
        &state,
        StatusCode::OK,
        "journal.html",
        &csrf,
        Some(member.user()),
        context! {
            path => "/journal",
            journal => Serde(&journal),
            offset => q.offset,
        },
    )
    .await
}

/// Every journal item of the member, oldest page last.
async fn whole_journal(
    state: &AppState,
    member: &Member,
) -> Result<Vec<abide_store::JournalItem>, AppError> {
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page = state
            .store()
            .journal(member.id(), abide_store::MAX_JOURNAL_PAGE, offset)
            .await?;
        all.extend(page.items);
        match page.next_offset {
            Some(next) => offset = next,
            None => return Ok(all),
        }
    }
}

/// A download: `body` as `filename`, private.
fn download(body: String, content_type: &'static str, filename: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// `GET /journal/export.md`.
pub(crate) async fn export_markdown(
    State(state): State<AppState>,
    member: Member,
) -> Result<Response, AppError> {
    let items = whole_journal(&state, &member).await?;
    let site = state.site().await?;
    let mut md = format!(
        "# Journal of {}\n\nFrom {}, exported {}.\n",
        member.user().display_name,
        site.title,
        today(&state, &member)?
    );
    let mut heading = (String::new(), String::new());
    for item in &items {
        let this = (item.journey_slug.clone(), item.entry_slug.clone());
        if this != heading {
            md.push_str(&format!(
                "\n## {} · {}\n",
                item.journey_title,
                item.entry_title.as_deref().unwrap_or(&item.entry_slug)
            ));
            heading = this;
        }
        md.push_str(&format!(
            "\n### {}\n\n{}\n",
            item_label(&item.item.to_string()),
            item.body
        ));
    }
    Ok(download(md, "text/markdown; charset=utf-8", "journal.md"))
}

/// `GET /journal/export.json`.
pub(crate) async fn export_json(
    State(state): State<AppState>,
    member: Member,
) -> Result<Response, AppError> {
    let items = whole_journal(&state, &member).await?;
    let json = serde_json::to_string_pretty(&serde_json::json!({ "journal": items }))
        .map_err(|_| AppError::Panic)?;
    Ok(download(json, "application/json", "journal.json"))
}

/// "Question 2" for `q2`, "Practice 1" for `p1`, "Note" for `note`.
pub(crate) fn item_label(item: &str) -> String {
    match item.split_at_checked(1) {
        Some(("q", n)) => format!("Question {n}"),
        Some(("p", n)) => format!("Practice {n}"),
        _ => "Note".to_owned(),
    }
}

/// `GET /account/data`: everything Abide holds about the member, one file.
pub(crate) async fn export_data(
    State(state): State<AppState>,
    member: Member,
) -> Result<Response, AppError> {
    let data = state.store().export_user_data(member.id()).await?;
    let json = serde_json::to_string_pretty(&data).map_err(|_| AppError::Panic)?;
    let today = today(&state, &member)?;
    Ok(download(
        json,
        "application/json",
        &format!("abide-data-{today}.json"),
    ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /account/delete`: the account and everything that names the
/// member, gone. The member types "delete" to confirm.
pub(crate) async fn delete_account(
    State(state): State<AppState>,
    member: Member,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, AppError> {
    if !form.confirm.trim().eq_ignore_ascii_case("delete") {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nothing was deleted",
            "To delete your account, type the word delete in the box, then press the button.",
        ));
    }
    state.store().delete_user(member.id()).await?;
    let mut response = page(
        &state,
        StatusCode::OK,
        "goodbye.html",
        &csrf,
        None,
        context! { path => "/account/delete" },
    )
    .await?;
    cookies::append(response.headers_mut(), clear_session_cookie(&state));
    Ok(response)
}

/// What a page outside the guarded routes (an entry, a journey, the home
/// page) needs to show a signed-in member their own part: who they are, and
/// the anti-forgery token for its forms.
pub(crate) struct MemberView {
    pub(crate) session: std::sync::Arc<abide_store::Session>,
    pub(crate) csrf: String,
    fresh: bool,
}

impl MemberView {
    /// The member of this request, if one is signed in.
    pub(crate) fn of(
        state: &AppState,
        signed_in: &crate::account::session::SignedIn,
        headers: &axum::http::HeaderMap,
    ) -> Result<Option<Self>, AppError> {
        let Some(session) = signed_in.0.clone() else {
            return Ok(None);
        };
        let (csrf, fresh) = crate::account::forms::page_token(headers, state.config().is_https())?;
        Ok(Some(Self {
            session,
            csrf,
            fresh,
        }))
    }

    /// The member's date today.
    pub(crate) fn today(&self, state: &AppState) -> Result<Date, AppError> {
        Ok(state.store().local_date(&self.session.user.time_zone)?)
    }

    /// Hands the browser its token when it had none.
    pub(crate) fn finish(&self, state: &AppState, response: &mut Response) {
        if self.fresh {
            cookies::append(
                response.headers_mut(),
                crate::account::forms::token_cookie(&self.csrf, state.config().is_https()),
            );
        }
    }
}
