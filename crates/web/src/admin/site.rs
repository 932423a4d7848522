//! The owner's pages: the site's settings, its accounts (invite, change a
//! role, disable), and the audit log of both. Editors get the site's 404
//! here, as members do everywhere in the back office.

use std::collections::BTreeMap;

use abide_store::{AccountError, Actor, Email, Role, SiteSettings, SocialLink, StoreError};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use super::{Staff, page};
use crate::account::forms::{CsrfToken, decode_form};
use crate::error::AppError;
use crate::state::AppState;

/// Social links the settings hold at most.
const MAX_LINKS: usize = 12;
/// Audit entries on one page.
const AUDIT_PAGE: i64 = 50;

/// Only an owner: anyone else gets the site's 404.
fn owner(staff: &Staff) -> Result<Actor<'_>, AppError> {
    if staff.0.user.role == Role::Owner {
        Ok(Actor::from(&staff.0.user))
    } else {
        Err(AppError::NotFound)
    }
}

fn field<'f>(fields: &'f [(String, String)], name: &str) -> &'f str {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.trim())
}

/// `GET /admin/settings`.
pub(crate) async fn settings(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    uri: axum::http::Uri,
) -> Result<Response, AppError> {
    owner(&staff)?;
    let current = state.store().site_settings().await?;
    let saved = uri.query().is_some_and(|q| q.contains("saved=1"));
    settings_page(&state, &staff, &csrf, &current, &[], saved, StatusCode::OK).await
}

async fn settings_page(
    state: &AppState,
    staff: &Staff,
    csrf: &CsrfToken,
    settings: &SiteSettings,
    problems: &[String],
    saved: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut links = settings.social_links.clone();
    links.push(SocialLink {
        name: String::new(),
        url: String::new(),
    });
    page(
        state,
        status,
        "admin/settings.html",
        staff,
        csrf,
        context! {
            path => "/admin/settings",
            form => Serde(settings),
            links => Serde(&links),
            problems => problems.to_vec(),
            notice => saved.then_some("Saved. Every page shows the new settings now."),
            library_default => state.library().default_translation().info().name.clone(),
        },
    )
    .await
}

/// `POST /admin/settings`.
pub(crate) async fn save_settings(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    body: Bytes,
) -> Result<Response, AppError> {
    let actor = owner(&staff)?;
    let fields = decode_form(&body).unwrap_or_default();
    let names: Vec<&str> = fields
        .iter()
        .filter(|(n, _)| n == "link_name")
        .map(|(_, v)| v.trim())
        .collect();
    let urls: Vec<&str> = fields
        .iter()
        .filter(|(n, _)| n == "link_url")
        .map(|(_, v)| v.trim())
        .collect();
    let social_links: Vec<SocialLink> = names
        .iter()
        .zip(urls.iter().chain(std::iter::repeat(&"")))
        .filter(|(n, u)| !n.is_empty() || !u.is_empty())
        .map(|(n, u)| SocialLink {
            name: (*n).to_owned(),
            url: (*u).to_owned(),
        })
        .collect();
    let new = SiteSettings {
        title: field(&fields, "title").to_owned(),
        tagline: field(&fields, "tagline").to_owned(),
        description: field(&fields, "description").to_owned(),
        language: field(&fields, "language").to_owned(),
        time_zone: field(&fields, "time_zone").to_owned(),
        social_links,
        logo: field(&fields, "logo").to_owned(),
        default_translation: field(&fields, "default_translation").to_owned(),
    };
    let problems = check_settings(&state, &new);
    if !problems.is_empty() {
        return settings_page(
            &state,
            &staff,
            &csrf,
            &new,
            &problems,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state.store().change_site_settings(actor, &new).await?;
    // This node's pages follow at once; the others at their next check.
    state.cache().clear();
    Ok(Redirect::to("/admin/settings?saved=1").into_response())
}

/// What is wrong with `s`, one sentence each.
fn check_settings(state: &AppState, s: &SiteSettings) -> Vec<String> {
    let mut problems = Vec::new();
    let len = |t: &str| t.chars().count();
    if s.title.is_empty() || len(&s.title) > 120 {
        problems.push("The title is needed, at most 120 characters.".into());
    }
    if len(&s.tagline) > 200 {
        problems.push("The tagline is at most 200 characters.".into());
    }
    if len(&s.description) > 2_000 {
        problems.push("The description is at most 2,000 characters.".into());
    }
    if !(2..=35).contains(&s.language.len())
        || !s
            .language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        problems.push("The language is a tag like en, en-GB or pt-BR.".into());
    }
    if jiff::tz::TimeZone::get(&s.time_zone).is_err() {
        problems.push(format!(
            "{:?} is not a time zone this server knows: use a name like America/Chicago or Europe/London.",
            s.time_zone.chars().take(64).collect::<String>()
        ));
    }
    if !s.logo.is_empty() && !is_web_address(&s.logo, true) {
        problems
            .push("The logo is an image on this site (/media/…) or an https:// address.".into());
    }
    if !s.default_translation.is_empty() && state.library().get(&s.default_translation).is_none() {
        problems.push("Choose an installed translation.".into());
    }
    if s.social_links.len() > MAX_LINKS {
        problems.push(format!("At most {MAX_LINKS} links elsewhere."));
    }
    for link in &s.social_links {
        if link.name.is_empty() || len(&link.name) > 60 {
            problems.push(format!(
                "The link to {:?} needs a name (at most 60 characters).",
                link.url
            ));
        }
        if !is_web_address(&link.url, false) {
            problems.push(format!(
                "The link {:?} is not a web address (https://…).",
                link.name
            ));
        }
    }
    problems
}

/// An `https://` (or `http://`) address, or with `local`, a path on this
/// site; nothing that a page could run (`javascript:`, `data:`).
fn is_web_address(s: &str, local: bool) -> bool {
    let ok_chars = s.len() <= 500
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    let remote = (s.starts_with("https://") || s.starts_with("http://")) && s.len() > 8;
    let path = local && s.starts_with('/') && !s.starts_with("//");
    ok_chars && (remote || path)
}

/// An account as the users page lists it.
#[derive(Debug, Serialize)]
struct Account {
    id: i64,
    email: String,
    display_name: String,
    role: Role,
    disabled: bool,
    is_you: bool,
}

/// `GET /admin/users`.
pub(crate) async fn users(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    uri: axum::http::Uri,
) -> Result<Response, AppError> {
    owner(&staff)?;
    let notice = match uri.query().unwrap_or("") {
        q if q.contains("invited=1") => Some("Invitation sent."),
        q if q.contains("changed=1") => Some("Saved."),
        _ => None,
    };
    users_page(&state, &staff, &csrf, notice, None, StatusCode::OK).await
}

async fn users_page(
    state: &AppState,
    staff: &Staff,
    csrf: &CsrfToken,
    notice: Option<&str>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    // Staff first (the people who run the site), then members, by address.
    let mut accounts: Vec<Account> = state
        .store()
        .users()
        .await?
        .into_iter()
        .map(|u| Account {
            is_you: u.id == staff.id(),
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            disabled: u.disabled,
        })
        .collect();
    accounts.sort_by(|a, b| b.role.cmp(&a.role).then_with(|| a.email.cmp(&b.email)));
    page(
        state,
        status,
        "admin/users.html",
        staff,
        csrf,
        context! {
            path => "/admin/users",
            accounts => Serde(&accounts),
            roles => Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            notice,
            problem,
        },
    )
    .await
}

/// `POST /admin/users`: invites someone by address with a role.
pub(crate) async fn invite(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    body: Bytes,
) -> Result<Response, AppError> {
    let actor = owner(&staff)?;
    let fields = decode_form(&body).unwrap_or_default();
    let problem = |text: String| {
        users_page(
            &state,
            &staff,
            &csrf,
            None,
            Some(text),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Ok(email) = Email::parse(field(&fields, "email")) else {
        return problem("That is not an email address.".into()).await;
    };
    let Some(role) = Role::parse(field(&fields, "role")) else {
        return problem("Choose a role.".into()).await;
    };
    let user = match state.store().invite_user(actor, &email, role).await {
        Ok(user) => user,
        Err(StoreError::Account(AccountError::EmailTaken(_))) => {
            return problem(format!(
                "{email} has an account already: change its role in the list below."
            ))
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let who = if staff.0.user.display_name.is_empty() {
        staff.0.user.email.clone()
    } else {
        staff.0.user.display_name.clone()
    };
    crate::account::pages::send_invitation(&state, &user, &who).await?;
    Ok(Redirect::to("/admin/users?invited=1").into_response())
}

/// `POST /admin/users/{user}`: a new role (`role`), or disable / enable
/// (`state`).
pub(crate) async fn change(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(user): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    let actor = owner(&staff)?;
    let fields = decode_form(&body).unwrap_or_default();
    let store = state.store();
    if store.user(user).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let done = match (Role::parse(field(&fields, "role")), field(&fields, "state")) {
        (Some(role), _) => store.change_role(actor, user, role).await,
        (None, "disable") => store.change_disabled(actor, user, true).await,
        (None, "enable") => store.change_disabled(actor, user, false).await,
        _ => {
            return users_page(
                &state,
                &staff,
                &csrf,
                None,
                Some("Choose a role.".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match done {
        Ok(()) => Ok(Redirect::to("/admin/users?changed=1").into_response()),
        Err(StoreError::Account(AccountError::LastOwner)) => {
            users_page(
                &state,
                &staff,
                &csrf,
                None,
                Some("The site needs an enabled owner: make another account owner first.".into()),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Before {
    before: Option<i64>,
}

/// One line of what a change changed: a field, before, after.
#[derive(Debug, Serialize)]
struct Difference {
    field: String,
    before: String,
    after: String,
}

/// `GET /admin/audit`: the log, newest first, fifty at a time.
pub(crate) async fn audit(
    State(state): State<AppState>,
    Extension(staff): Extension<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<Before>,
) -> Result<Response, AppError> {
    owner(&staff)?;
    let entries = state.store().audit_log(AUDIT_PAGE, q.before).await?;
    let older = (entries.len() as i64 == AUDIT_PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| {
            context! {
                entry => Serde(e),
                changes => Serde(differences(e.before.as_deref(), e.after.as_deref())),
            }
        })
        .collect();
    page(
        &state,
        StatusCode::OK,
        "admin/audit.html",
        &staff,
        &csrf,
        context! { path => "/admin/audit", rows, older },
    )
    .await
}

/// The fields that differ between two JSON values (objects field by field,
/// anything else as a whole).
fn differences(before: Option<&str>, after: Option<&str>) -> Vec<Difference> {
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok());
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_owned(),
        Some(serde_json::Value::String(s)) if s.is_empty() => "(empty)".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    match (parse(before), parse(after)) {
        (Some(serde_json::Value::Object(a)), Some(serde_json::Value::Object(b))) => {
            let keys: BTreeMap<&String, ()> = a.keys().chain(b.keys()).map(|k| (k, ())).collect();
            keys.into_keys()
                .filter(|k| a.get(*k) != b.get(*k))
                .map(|k| Difference {
                    field: k.replace('_', " "),
                    before: show(a.get(k)),
                    after: show(b.get(k)),
                })
                .collect()
        }
        (a, b) => vec![Difference {
            field: String::new(),
            before: show(a.as_ref()),
            after: show(b.as_ref()),
        }],
    }
}
