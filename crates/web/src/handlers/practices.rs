//! A practice of an entry on its own page, with a stillness timer when it
//! has a suggested duration, and a form to log the time given to it.
//!
//! Only practices with minutes get the timer: the others ("Write down one
//! thing you are waiting for") take the time they take, and their page asks
//! how long it was. The page works without JavaScript; `timer.js` adds the
//! countdown.

use abide_store::{PracticeLogItem, ReadingError, StoreError};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::account::forms::CsrfToken;
use crate::account::pages::page;
use crate::account::session::{Member, SignedIn};
use crate::error::AppError;
use crate::state::AppState;
use crate::viewer::{Viewer, entry_for};

/// The most minutes one log line takes: a day.
const MAX_MINUTES: u32 = 24 * 60;

#[derive(Debug, Deserialize)]
pub(crate) struct Shown {
    logged: Option<String>,
}

/// `GET /journeys/{journey}/{entry}/practice/{n}`: the practice, numbered
/// from 1; for a viewer who may not read the entry, a teaser without it.
pub(crate) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    signed_in: SignedIn,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Path((journey, slug, n)): Path<(String, String, String)>,
    Query(shown): Query<Shown>,
) -> Result<Response, AppError> {
    let n = practice_number(&n).ok_or(AppError::NotFound)?;
    let logged = shown.logged.is_some();
    render(
        &state,
        viewer,
        &signed_in,
        &csrf,
        (&journey, &slug, n),
        StatusCode::OK,
        LogForm::default(),
        logged,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LogForm {
    /// Whole minutes, as typed.
    #[serde(default)]
    minutes: String,
    /// Seconds measured by the timer, when it ran; cleared by the script
    /// when the member types the minutes themselves.
    #[serde(default)]
    seconds: String,
}

/// `POST /journeys/{journey}/{entry}/practice/{n}/log`: logs the time given
/// to the practice, on the member's local date. Following the journey is
/// not needed.
pub(crate) async fn log(
    State(state): State<AppState>,
    member: Member,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Path((journey, slug, n)): Path<(String, String, String)>,
    Form(form): Form<LogForm>,
) -> Result<Response, AppError> {
    let n = practice_number(&n).ok_or(AppError::NotFound)?;
    let Some(seconds) = duration(&form) else {
        let viewer = Viewer::Member {
            user_id: member.id(),
            role: member.user().role,
        };
        return render(
            &state,
            viewer,
            &SignedIn(Some(member.0.clone())),
            &csrf,
            (&journey, &slug, n),
            StatusCode::UNPROCESSABLE_ENTITY,
            form,
            false,
        )
        .await;
    };
    let store = state.store();
    let today = store.local_date(&member.user().time_zone)?;
    match store
        .log_practice(member.id(), &journey, &slug, n, seconds, today)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/journeys/{journey}/{slug}/practice/{n}?logged=1#log"
        ))
        .into_response()),
        Err(StoreError::Reading(
            ReadingError::UnknownEntry { .. } | ReadingError::NoSuchItem { .. },
        )) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// The practice number of an address: 1, 2, ... (no sign, no zero).
fn practice_number(n: &str) -> Option<u32> {
    n.parse::<u32>()
        .ok()
        .filter(|p| *p >= 1 && p.to_string() == n)
}

/// The seconds to log: the timer's, or the typed minutes'.
fn duration(form: &LogForm) -> Option<i64> {
    let seconds = form.seconds.trim();
    if !seconds.is_empty() {
        return seconds
            .parse::<i64>()
            .ok()
            .filter(|s| (1..=i64::from(MAX_MINUTES) * 60).contains(s));
    }
    form.minutes
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=MAX_MINUTES).contains(m))
        .map(|m| i64::from(m) * 60)
}

/// "5 minutes", "1 minute 30 seconds", "45 seconds".
fn spoken(seconds: i64) -> String {
    let plural = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match (seconds / 60, seconds % 60) {
        (0, s) => plural(s, "second"),
        (m, 0) => plural(m, "minute"),
        (m, s) => format!("{} {}", plural(m, "minute"), plural(s, "second")),
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one page, shown after a GET or a refused form"
)]
async fn render(
    state: &AppState,
    viewer: Viewer,
    signed_in: &SignedIn,
    csrf: &CsrfToken,
    (journey, slug, n): (&str, &str, u32),
    status: StatusCode,
    form: LogForm,
    logged: bool,
) -> Result<Response, AppError> {
    let store = state.store();
    let entry = store
        .entry(journey, slug, state.now_ms())
        .await?
        .ok_or(AppError::NotFound)?;
    let index = usize::try_from(n - 1).map_err(|_| AppError::NotFound)?;
    if index >= entry.practices.len() {
        return Err(AppError::NotFound);
    }
    let (entry, readable) = entry_for(viewer, entry);
    let practice = entry.practices.get(index).cloned();
    let member = signed_in.session().map(|s| &s.user);
    let mut log: Vec<PracticeLogItem> = Vec::new();
    if let (Some(user), true) = (member, readable) {
        log = store
            .journal_for_entry(user.id, journey, slug)
            .await?
            .practice_log
            .into_iter()
            .filter(|item| item.practice == i64::from(n))
            .collect();
    }
    let notice = if logged {
        log.last()
            .map(|item| format!("Logged: {}. Well done.", spoken(item.seconds)))
    } else {
        None
    };
    let total: i64 = log.iter().map(|item| item.seconds).sum();
    let minutes = practice.as_ref().and_then(|p| p.minutes);
    let typed = if status == StatusCode::OK {
        minutes.map(|m| m.to_string()).unwrap_or_default()
    } else {
        form.minutes.chars().take(10).collect()
    };
    let problem = (status != StatusCode::OK)
        .then_some("Please enter the time as a whole number of minutes, from 1 to 1440 (a day).");
    let path = format!("/journeys/{journey}/{slug}/practice/{n}");
    page(
        state,
        status,
        "practice.html",
        csrf,
        member,
        context! {
            path,
            entry => Serde(&entry.card),
            n,
            count => entry.practices.len(),
            practice => Serde(practice),
            locked => !readable,
            notice,
            problem,
            typed,
            clock => minutes.map(|m| format!("{m:02}:00")),
            logged_times => log.len(),
            logged_total => (total > 0).then(|| spoken(total)),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(minutes: &str, seconds: &str) -> LogForm {
        LogForm {
            minutes: minutes.into(),
            seconds: seconds.into(),
        }
    }

    #[test]
    fn durations_are_whole_minutes_or_the_timers_seconds() {
        assert_eq!(duration(&form("5", "")), Some(300));
        assert_eq!(duration(&form(" 12 ", "")), Some(720));
        assert_eq!(duration(&form("1440", "")), Some(86_400));
        assert_eq!(duration(&form("7", "201")), Some(201), "the timer's");
        for bad in ["", "0", "-3", "1441", "2.5", "five", "99999999999999"] {
            assert_eq!(duration(&form(bad, "")), None, "{bad:?}");
        }
        for bad in ["0", "-1", "86401", "x"] {
            assert_eq!(duration(&form("5", bad)), None, "{bad:?}");
        }
    }

    #[test]
    fn practice_numbers_start_at_one() {
        assert_eq!(practice_number("1"), Some(1));
        assert_eq!(practice_number("12"), Some(12));
        for bad in ["0", "-1", "+1", "01", "x", "", "99999999999"] {
            assert_eq!(practice_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn durations_read_aloud() {
        assert_eq!(spoken(300), "5 minutes");
        assert_eq!(spoken(60), "1 minute");
        assert_eq!(spoken(90), "1 minute 30 seconds");
        assert_eq!(spoken(45), "45 seconds");
        assert_eq!(spoken(1), "1 second");
    }
}
