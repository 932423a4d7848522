//! Signing up, signing in and out, the links mailed for both, and the
//! member's account page.
//!
//! No page tells whether an address has an account: signing up, asking for a
//! link and resetting a password all answer "check your email" alike, and a
//! wrong password reads the same as an unknown address (after the same
//! argon2 work, against a stand-in hash when there is no real one).

use std::sync::OnceLock;

use abide_store::{
    AccountError, Email, NewUser, PasswordError, RawToken, Role, StoreError, TokenPurpose, User,
};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::Deserialize;

use crate::account::forms::CsrfToken;
use crate::account::session::{
    Member, SESSION_TTL, SignedIn, clear_session_cookie, safe_next, session_cookie, session_token,
};
use crate::account::throttle::{self, Action, Client};
use crate::cookies;
use crate::error::AppError;
use crate::state::AppState;

/// Where a member lands after signing in, unless they were on their way
/// somewhere.
const HOME: &str = "/today";

/// How recently a member must have signed in to set a new password without
/// typing the old one: signing in by an emailed link is how a forgotten
/// password is reset.
const FRESH_SIGN_IN_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Deserialize)]
pub(crate) struct Next {
    next: Option<String>,
}

/// Renders one of the account templates, with the token for its forms.
pub(crate) async fn page(
    state: &AppState,
    status: StatusCode,
    template: &str,
    csrf: &CsrfToken,
    member: Option<&User>,
    ctx: Value,
) -> Result<Response, AppError> {
    let html = state
        .page(
            template,
            context! { csrf => &*csrf.0, member => member.map(Serde), ..ctx },
        )
        .await?;
    Ok((status, html).into_response())
}

/// `GET /sign-in`.
pub(crate) async fn sign_in_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Query(q): Query<Next>,
) -> Result<Response, AppError> {
    let next = safe_next(q.next.as_deref(), HOME);
    if signed_in.session().is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    page(
        &state,
        StatusCode::OK,
        "sign-in.html",
        &csrf,
        None,
        context! { path => "/sign-in", next, email => "" },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    method: String,
    next: Option<String>,
}

/// `POST /sign-in`: with a password, or ask for a link.
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref(), HOME);
    let shown_email: String = form.email.chars().take(254).collect();
    let again = |problem: &'static str| {
        let state = state.clone();
        let csrf = csrf.clone();
        let next = next.clone();
        let email = shown_email.clone();
        async move {
            page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                "sign-in.html",
                &csrf,
                None,
                context! { path => "/sign-in", next, email, problem },
            )
            .await
        }
    };
    let Ok(email) = Email::parse(&form.email) else {
        return again("Please enter an email address, like name@example.org.").await;
    };
    if form.method != "password" {
        throttle::check(&state, Action::Link, &client, Some(&email)).await?;
        send_sign_in_link(&state, &email, &next, false).await?;
        return check_email(&state, &csrf, &email, "sign-in").await;
    }
    throttle::check(&state, Action::Password, &client, Some(&email)).await?;
    let user = state
        .store()
        .user_by_email(&email)
        .await?
        .filter(|u| !u.disabled);
    let stored = match &user {
        Some(user) => state.store().password_hash(user.id).await?,
        None => None,
    };
    let password = form.password;
    let matches = state
        .heavy()
        .run(move || {
            // The same work whether or not there is a real hash to check.
            let hash = stored.as_deref().unwrap_or_else(|| stand_in_hash());
            abide_store::verify_password(&password, hash).unwrap_or(false) && stored.is_some()
        })
        .await?;
    match user {
        Some(user) if matches => sign_in_as(&state, &headers, &user, &next).await,
        _ => {
            again("That email and password do not match an account. Check them, or ask for a sign-in link instead.")
                .await
        }
    }
}

/// A hash of a password nobody has, checked when an address has no account
/// or no password, so that both cost what a real check costs.
fn stand_in_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| abide_store::hash_password("no one's password").unwrap_or_default())
}

/// Hashes a new password on the heavy-work gate: the hash, or (inner `Err`)
/// the sentence saying why the password cannot be one.
async fn new_password_hash(
    state: &AppState,
    password: String,
) -> Result<Result<String, &'static str>, AppError> {
    match state
        .heavy()
        .run(move || abide_store::hash_password(&password))
        .await?
    {
        Ok(hash) => Ok(Ok(hash)),
        Err(PasswordError::TooLong) => Ok(Err("That password is too long: 1,024 bytes at most.")),
        Err(PasswordError::Empty) => Ok(Err("Please type a password.")),
        Err(e) => Err(AppError::Store(StoreError::Account(
            AccountError::Randomness(e.to_string()),
        ))),
    }
}

/// Signs `user` in on this browser: a new session (the old one of this
/// browser, if any, ends: a token planted before signing in is worth
/// nothing after), its cookie, and on to `next`.
async fn sign_in_as(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
    next: &str,
) -> Result<Response, AppError> {
    if let Some(old) = session_token(headers) {
        state.store().delete_session(&old).await?;
    }
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(describe_agent);
    let session = state
        .store()
        .create_session(user.id, SESSION_TTL, agent.as_deref())
        .await?;
    let mut response = Redirect::to(next).into_response();
    cookies::append(
        response.headers_mut(),
        session_cookie(state, &session.token, session.expires_at),
    );
    Ok(response)
}

/// "Firefox on Android": enough to recognise one's own devices in a list,
/// from a fixed vocabulary, so nothing of the header itself is stored.
fn describe_agent(agent: &str) -> String {
    // Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari",
    // Android says "Linux", and iOS browsers name themselves apart.
    let browser = [
        ("Edg", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(mark, _)| agent.contains(mark))
    .map_or("A browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Windows", "Windows"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(mark, _)| agent.contains(mark))
    .map(|(_, name)| *name);
    match system {
        Some(system) => format!("{browser} on {system}"),
        None => browser.to_owned(),
    }
}

/// Mails a sign-in link to `email` if it has an enabled account; nothing
/// otherwise (the caller answers the same either way).
async fn send_sign_in_link(
    state: &AppState,
    email: &Email,
    next: &str,
    from_sign_up: bool,
) -> Result<(), AppError> {
    let Some(user) = state.store().user_by_email(email).await? else {
        return Ok(());
    };
    if user.disabled {
        return Ok(());
    }
    let purpose = TokenPurpose::SignIn;
    let token = state
        .store()
        .issue_login_token(purpose, Some(user.id), email, purpose.default_ttl())
        .await?;
    let link = link_url(state, "sign-in", &token, Some(next));
    let site = state.site().await?;
    let intro = if from_sign_up {
        "Someone (we hope you) asked to join with this address, which has an account already. Here is a link to sign in instead."
    } else {
        "Here is your link to sign in."
    };
    mail(
        state,
        email,
        &format!("Sign in to {}", site.title),
        intro,
        "Sign in",
        &link,
        "The link works once, within 15 minutes. If you did not ask for it, ignore this message: nothing changes.",
    );
    Ok(())
}

/// Mails `user` an invitation to the back office: a sign-in link that works
/// for three days and leads to `/admin`.
pub(crate) async fn send_invitation(
    state: &AppState,
    user: &User,
    invited_by: &str,
) -> Result<(), AppError> {
    let email = Email::parse(&user.email).map_err(|e| StoreError::from(AccountError::from(e)))?;
    let purpose = TokenPurpose::SignIn;
    let token = state
        .store()
        .issue_login_token(
            purpose,
            Some(user.id),
            &email,
            std::time::Duration::from_secs(3 * 24 * 3600),
        )
        .await?;
    let link = link_url(state, "sign-in", &token, Some("/admin"));
    let site = state.site().await?;
    mail(
        state,
        &email,
        &format!("You are invited to help run {}", site.title),
        &format!(
            "{invited_by} invited you to {} as an {}: you can write, schedule and look after the site in the browser.",
            site.title, user.role
        ),
        "Accept and sign in",
        &link,
        "The link works once, within three days. Afterwards, sign in with your address on the site's sign-in page. If you did not expect this, ignore this message.",
    );
    Ok(())
}

/// `https://site/link/sign-in?token=...&next=...`.
fn link_url(state: &AppState, purpose: &str, token: &RawToken, next: Option<&str>) -> String {
    let mut url = format!(
        "{}/link/{purpose}?token={}",
        state.config().base_url,
        token.expose()
    );
    if let Some(next) = next.filter(|n| *n != HOME) {
        url.push_str("&next=");
        url.extend(form_urlencoded::byte_serialize(next.as_bytes()));
    }
    url
}

/// Queues a message with one link: plain text, and simple HTML.
fn mail(
    state: &AppState,
    to: &Email,
    subject: &str,
    intro: &str,
    action: &str,
    link: &str,
    footer: &str,
) {
    let text = format!("{intro}\n\n{action}: {link}\n\n{footer}\n");
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let html = format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\
         <p>{}</p><p><a href=\"{}\">{}</a></p><p style=\"color: #555\">{}</p></body></html>",
        esc(intro),
        esc(link),
        esc(action),
        esc(footer)
    );
    state.outbox().send(abide_mail::Email {
        to: to.as_str().to_owned(),
        subject: subject.to_owned(),
        text,
        html: Some(html),
    });
}

/// The answer to every request for a link.
async fn check_email(
    state: &AppState,
    csrf: &CsrfToken,
    email: &Email,
    kind: &str,
) -> Result<Response, AppError> {
    page(
        state,
        StatusCode::OK,
        "check-email.html",
        csrf,
        None,
        context! { path => "/check-email", email => email.as_str(), kind },
    )
    .await
}

/// The form `page` (`sign-up`, `reset`) again, with what was typed and why
/// it is not an address.
async fn not_an_address(
    state: &AppState,
    csrf: &CsrfToken,
    page_name: &str,
    typed: &str,
) -> Result<Response, AppError> {
    page(
        state,
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("{page_name}.html"),
        csrf,
        None,
        context! {
            path => format!("/{page_name}"),
            email => typed.chars().take(254).collect::<String>(),
            problem => "Please enter an email address, like name@example.org.",
        },
    )
    .await
}

/// `GET /sign-up`.
pub(crate) async fn sign_up_form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
) -> Result<Response, AppError> {
    if signed_in.session().is_some() {
        return Ok(Redirect::to(HOME).into_response());
    }
    page(
        &state,
        StatusCode::OK,
        "sign-up.html",
        &csrf,
        None,
        context! { path => "/sign-up", email => "" },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct EmailForm {
    email: String,
    next: Option<String>,
}

/// `POST /sign-up`: mails a link that confirms the address and creates the
/// account; to an address that has one, a sign-in link instead.
pub(crate) async fn sign_up(
    State(state): State<AppState>,
    Client(client): Client,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Form(form): Form<EmailForm>,
) -> Result<Response, AppError> {
    let Ok(email) = Email::parse(&form.email) else {
        return not_an_address(&state, &csrf, "sign-up", &form.email).await;
    };
    throttle::check(&state, Action::Link, &client, Some(&email)).await?;
    let next = safe_next(form.next.as_deref(), HOME);
    match state.store().user_by_email(&email).await? {
        Some(_) => send_sign_in_link(&state, &email, &next, true).await?,
        None => {
            let purpose = TokenPurpose::SignUp;
            let token = state
                .store()
                .issue_login_token(purpose, None, &email, purpose.default_ttl())
                .await?;
            let site = state.site().await?;
            mail(
                &state,
                &email,
                &format!("Confirm your address to join {}", site.title),
                &format!(
                    "Welcome to {}. Follow this link to confirm your address and choose the name others will see.",
                    site.title
                ),
                "Confirm and join",
                &link_url(&state, "sign-up", &token, Some(&next)),
                "The link works once, within 15 minutes. If you did not ask to join, ignore this message: no account is made.",
            );
        }
    }
    check_email(&state, &csrf, &email, "sign-up").await
}

/// `GET /reset`: a forgotten password.
pub(crate) async fn reset_form(
    State(state): State<AppState>,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
) -> Result<Response, AppError> {
    page(
        &state,
        StatusCode::OK,
        "reset.html",
        &csrf,
        None,
        context! { path => "/reset", email => "" },
    )
    .await
}

/// `POST /reset`: mails a sign-in link that leads to the password form.
pub(crate) async fn reset(
    State(state): State<AppState>,
    Client(client): Client,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Form(form): Form<EmailForm>,
) -> Result<Response, AppError> {
    let Ok(email) = Email::parse(&form.email) else {
        return not_an_address(&state, &csrf, "reset", &form.email).await;
    };
    throttle::check(&state, Action::Link, &client, Some(&email)).await?;
    send_sign_in_link(&state, &email, "/account#password", false).await?;
    check_email(&state, &csrf, &email, "reset").await
}

/// What each kind of mailed link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkKind {
    SignIn,
    SignUp,
    NewAddress,
    Verify,
}

impl LinkKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "sign-in" => Self::SignIn,
            "sign-up" => Self::SignUp,
            "new-address" => Self::NewAddress,
            "verify" => Self::Verify,
            _ => return None,
        })
    }

    fn purpose(self) -> TokenPurpose {
        match self {
            Self::SignIn => TokenPurpose::SignIn,
            Self::SignUp => TokenPurpose::SignUp,
            Self::NewAddress => TokenPurpose::ChangeEmail,
            Self::Verify => TokenPurpose::VerifyEmail,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::SignUp => "sign-up",
            Self::NewAddress => "new-address",
            Self::Verify => "verify",
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct LinkQuery {
    #[serde(default)]
    token: String,
    next: Option<String>,
}

/// `GET /link/{kind}`: the page a mailed link opens. Opening it changes
/// nothing (mail scanners open links too); its button does.
pub(crate) async fn link_page(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Query(q): Query<LinkQuery>,
) -> Result<Response, AppError> {
    let kind = LinkKind::parse(&kind).ok_or(AppError::NotFound)?;
    let site = state.site().await?;
    link_form(
        &state,
        StatusCode::OK,
        &csrf,
        kind,
        &q.token,
        q.next.as_deref(),
        context! { name => "", time_zone => site.time_zone.as_str() },
    )
    .await
}

async fn link_form(
    state: &AppState,
    status: StatusCode,
    csrf: &CsrfToken,
    kind: LinkKind,
    token: &str,
    next: Option<&str>,
    ctx: Value,
) -> Result<Response, AppError> {
    // Only a token's shape is echoed back, never anything longer.
    let token: String = token
        .chars()
        .take(64)
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    page(
        state,
        status,
        "link.html",
        csrf,
        None,
        context! {
            path => format!("/link/{}", kind.slug()),
            kind => kind.slug(),
            token,
            next => safe_next(next, HOME),
            time_zones => Serde(time_zone_names()),
            ..ctx
        },
    )
    .await
}

/// Every time zone name of the database, for the sign-up form's suggestions.
fn time_zone_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = jiff::tz::db()
            .available()
            .map(|name| name.to_string())
            .filter(|name| name.contains('/') && !name.starts_with("Etc/"))
            .collect();
        names.sort();
        names
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct LinkForm {
    #[serde(default)]
    token: String,
    next: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    password: String,
}

/// `POST /link/{kind}`: uses the link.
pub(crate) async fn use_link(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Client(client): Client,
    headers: HeaderMap,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    let kind = LinkKind::parse(&kind).ok_or(AppError::NotFound)?;
    let next = safe_next(form.next.as_deref(), HOME);
    // A new member's details are checked before the link is spent, so a
    // mistake costs a correction, not a new link.
    let mut password_hash = None;
    if kind == LinkKind::SignUp {
        let problem = check_new_member(&form);
        let problem = match problem {
            Some(problem) => Some(problem),
            None if !form.password.is_empty() => {
                // Hashing costs what checking a password costs, and comes
                // before the link is spent: bounded like password attempts.
                throttle::check(&state, Action::Password, &client, None).await?;
                match new_password_hash(&state, form.password.clone()).await? {
                    Ok(hash) => {
                        password_hash = Some(hash);
                        None
                    }
                    Err(problem) => Some(problem),
                }
            }
            None => None,
        };
        if let Some(problem) = problem {
            return link_form(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                &csrf,
                kind,
                &form.token,
                Some(&next),
                context! {
                    name => form.name.chars().take(100).collect::<String>(),
                    time_zone => form.time_zone.chars().take(64).collect::<String>(),
                    problem,
                },
            )
            .await;
        }
    }
    let token = RawToken::from_client(&form.token);
    let used = match state
        .store()
        .consume_login_token(&token, kind.purpose())
        .await
    {
        Ok(used) => used,
        Err(StoreError::Account(e)) => return link_failed(&state, &csrf, &e).await,
        Err(e) => return Err(e.into()),
    };
    match kind {
        LinkKind::SignIn => {
            let user = match used.user_id {
                Some(id) => state.store().user(id).await?,
                None => None,
            };
            match user {
                Some(user) => sign_in_as(&state, &headers, &user, &next).await,
                None => link_failed(&state, &csrf, &AccountError::TokenUnknown).await,
            }
        }
        LinkKind::SignUp => {
            let email = Email::parse(&used.email)
                .map_err(AccountError::from)
                .map_err(StoreError::from)?;
            let new = NewUser {
                display_name: form.name.trim().to_owned(),
                time_zone: form.time_zone.trim().to_owned(),
                translation: cookies::get(&headers, "translation")
                    .and_then(|id| state.library().get(id))
                    .map(|t| t.info().id.to_string()),
                password_hash,
                email_verified: true,
                ..NewUser::new(email.clone(), Role::Member)
            };
            let user = match state.store().create_user(&new).await {
                Ok(user) => user,
                // Joined meanwhile (two links, both used): the link proves
                // the address all the same, so sign that account in.
                Err(StoreError::Account(AccountError::EmailTaken(_))) => state
                    .store()
                    .user_by_email(&email)
                    .await?
                    .ok_or(AppError::NotFound)?,
                Err(e) => return Err(e.into()),
            };
            if user.disabled {
                return link_failed(&state, &csrf, &AccountError::Disabled(String::new())).await;
            }
            sign_in_as(&state, &headers, &user, &next).await
        }
        LinkKind::NewAddress => Ok(Redirect::to("/account?changed=email").into_response()),
        LinkKind::Verify => Ok(Redirect::to("/account?changed=verified").into_response()),
    }
}

/// What is wrong with a new member's name or time zone, if anything.
fn check_new_member(form: &LinkForm) -> Option<&'static str> {
    let name = form.name.trim();
    if name.chars().count() > 80 {
        return Some("Please keep the name to 80 characters.");
    }
    if name.chars().any(char::is_control) {
        return Some("The name cannot contain control characters.");
    }
    check_time_zone(form.time_zone.trim())
}

fn check_time_zone(tz: &str) -> Option<&'static str> {
    if tz.len() > 64 || jiff::tz::TimeZone::get(tz).is_err() {
        return Some(
            "That is not a time zone we know. Choose one from the list, like Europe/London or America/Chicago.",
        );
    }
    None
}

/// A link that cannot be used: said plainly, with the way forward.
async fn link_failed(
    state: &AppState,
    csrf: &CsrfToken,
    why: &AccountError,
) -> Result<Response, AppError> {
    let message = match why {
        AccountError::TokenUsed => "This link was used already: each link works once.",
        AccountError::TokenExpired => "This link has expired: links work for 15 minutes.",
        AccountError::EmailTaken(_) => {
            "Another account uses that address now, so it cannot be moved to yours."
        }
        _ => "This link is not valid. It may have been copied only in part.",
    };
    page(
        state,
        StatusCode::GONE,
        "link-failed.html",
        csrf,
        None,
        context! { path => "/link", message },
    )
    .await
}

/// `POST /sign-out`.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = session_token(&headers) {
        state.store().delete_session(&token).await?;
    }
    let mut response = Redirect::to("/").into_response();
    cookies::append(response.headers_mut(), clear_session_cookie(&state));
    Ok(response)
}

/// `POST /sign-out-everywhere`: every session of the account ends.
pub(crate) async fn sign_out_everywhere(
    State(state): State<AppState>,
    member: Member,
) -> Result<Response, AppError> {
    state.store().delete_user_sessions(member.id()).await?;
    let mut response = Redirect::to("/").into_response();
    cookies::append(response.headers_mut(), clear_session_cookie(&state));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub(crate) struct EndSessionForm {
    #[serde(default)]
    session: String,
}

/// `POST /account/sessions/end`: signs one of the member's other devices
/// out. A session that is not theirs (or is this one: "Sign out" is for
/// that) is not found.
pub(crate) async fn end_session(
    State(state): State<AppState>,
    member: Member,
    Form(form): Form<EndSessionForm>,
) -> Result<Response, AppError> {
    if form.session == member.0.handle
        || !state
            .store()
            .end_session(member.id(), &form.session)
            .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/account?changed=session").into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct AccountQuery {
    changed: Option<String>,
}

/// `GET /account`.
pub(crate) async fn account(
    State(state): State<AppState>,
    member: Member,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Query(q): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let notice = match q.changed.as_deref() {
        Some("profile") => Some("Your profile is saved."),
        Some("password") => Some("Your password is saved."),
        Some("no-password") => Some("Your password is removed: you sign in by emailed link."),
        Some("email") => Some("Your address is changed."),
        Some("verified") => Some("Your address is confirmed."),
        Some("email-sent") => Some(
            "A link is on its way to the new address. Your address changes when you follow it.",
        ),
        Some("verify-sent") => Some("A link to confirm your address is on its way."),
        Some("session") => Some("That device is signed out."),
        _ => None,
    };
    account_page(&state, &member, &csrf, StatusCode::OK, notice, context! {}).await
}

async fn account_page(
    state: &AppState,
    member: &Member,
    csrf: &CsrfToken,
    status: StatusCode,
    notice: Option<&str>,
    ctx: Value,
) -> Result<Response, AppError> {
    // Reload: the session's copy is from the start of the request.
    let user = state
        .store()
        .user(member.id())
        .await?
        .ok_or(AppError::NotFound)?;
    let session_count = state.store().live_sessions(user.id).await?;
    let sessions = state.store().user_sessions(user.id).await?;
    let fresh = state.now_ms() - member.0.created_at < FRESH_SIGN_IN_MS;
    page(
        state,
        status,
        "account.html",
        csrf,
        Some(&user),
        context! {
            path => "/account",
            user => Serde(&user),
            session_count,
            sessions => Serde(&sessions),
            this_session => &member.0.handle,
            notice,
            needs_current_password => user.has_password && !fresh,
            time_zones => Serde(time_zone_names()),
            ..ctx
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    translation: String,
}

/// `POST /account/profile`.
pub(crate) async fn save_profile(
    State(state): State<AppState>,
    member: Member,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Form(form): Form<ProfileForm>,
) -> Result<Response, AppError> {
    let translation = match form.translation.as_str() {
        "" => None,
        id => match state.library().get(id) {
            Some(t) => Some(t.info().id.to_string()),
            None => {
                return account_page(
                    &state,
                    &member,
                    &csrf,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    context! { problem => "That translation is not one of this site's." },
                )
                .await;
            }
        },
    };
    match state
        .store()
        .update_profile(
            member.id(),
            &form.name,
            form.time_zone.trim(),
            translation.as_deref(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/account?changed=profile").into_response()),
        Err(StoreError::Account(
            e @ (AccountError::BadDisplayName(_) | AccountError::UnknownTimeZone(_)),
        )) => {
            let problem = match e {
                AccountError::BadDisplayName(why) => format!("That name cannot be used: {why}."),
                _ => "That is not a time zone we know. Choose one from the list, like Europe/London or America/Chicago.".to_owned(),
            };
            account_page(
                &state,
                &member,
                &csrf,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                context! { problem },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    remove: String,
}

/// `POST /account/password`: set, change or remove the password.
pub(crate) async fn save_password(
    State(state): State<AppState>,
    member: Member,
    Client(client): Client,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let store = state.store();
    let stored = store.password_hash(member.id()).await?;
    let fresh = state.now_ms() - member.0.created_at < FRESH_SIGN_IN_MS;
    let problem = |problem: &'static str| {
        let state = state.clone();
        let member = member.clone();
        let csrf = csrf.clone();
        async move {
            account_page(
                &state,
                &member,
                &csrf,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                context! { password_problem => problem },
            )
            .await
        }
    };
    if let Some(stored) = stored.filter(|_| !fresh) {
        let email = Email::parse(&member.user().email).ok();
        throttle::check(&state, Action::Password, &client, email.as_ref()).await?;
        let current = form.current.clone();
        let matches = state
            .heavy()
            .run(move || abide_store::verify_password(&current, &stored).unwrap_or(false))
            .await?;
        if !matches {
            return problem("Your current password is not right. If you forgot it, sign out and ask for a sign-in link.").await;
        }
    }
    if !form.remove.is_empty() {
        store.set_password_hash(member.id(), None).await?;
        return Ok(Redirect::to("/account?changed=no-password").into_response());
    }
    if form.password.chars().count() < 8 {
        return problem("Please choose a password of at least 8 characters.").await;
    }
    let hash = match new_password_hash(&state, form.password).await? {
        Ok(hash) => hash,
        Err(too_long) => return problem(too_long).await,
    };
    store.set_password_hash(member.id(), Some(&hash)).await?;
    Ok(Redirect::to("/account?changed=password").into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct NewAddressForm {
    #[serde(default)]
    email: String,
}

/// `POST /account/email`: mails a link to the new address; the address
/// changes when it is followed. Answers alike whether or not another account
/// has the new address.
pub(crate) async fn change_email(
    State(state): State<AppState>,
    member: Member,
    Client(client): Client,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Form(form): Form<NewAddressForm>,
) -> Result<Response, AppError> {
    let Ok(email) = Email::parse(&form.email) else {
        return account_page(
            &state,
            &member,
            &csrf,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            context! { email_problem => "Please enter an email address, like name@example.org." },
        )
        .await;
    };
    throttle::check(&state, Action::Link, &client, Some(&email)).await?;
    let site = state.site().await?;
    if state.store().user_by_email(&email).await?.is_some() {
        if email.as_str() != member.user().email {
            mail(
                &state,
                &email,
                &format!("An address change at {}", site.title),
                "Someone asked to move an account to this address, which has an account already, so nothing was changed.",
                "Sign in",
                &format!("{}/sign-in", state.config().base_url),
                "If this was you, sign in to the account this address already has.",
            );
        }
    } else {
        let purpose = TokenPurpose::ChangeEmail;
        let token = state
            .store()
            .issue_login_token(purpose, Some(member.id()), &email, purpose.default_ttl())
            .await?;
        mail(
            &state,
            &email,
            &format!("Confirm your new address at {}", site.title),
            "Follow this link to make this your address for signing in and for mail.",
            "Confirm the new address",
            &link_url(&state, "new-address", &token, None),
            "The link works once, within an hour. If you did not ask for this, ignore this message: nothing changes.",
        );
    }
    Ok(Redirect::to("/account?changed=email-sent").into_response())
}

/// `POST /account/verify`: mails a link that confirms the current address.
pub(crate) async fn send_verification(
    State(state): State<AppState>,
    member: Member,
    Client(client): Client,
) -> Result<Response, AppError> {
    let email = Email::parse(&member.user().email)
        .map_err(AccountError::from)
        .map_err(StoreError::from)?;
    throttle::check(&state, Action::Link, &client, Some(&email)).await?;
    let purpose = TokenPurpose::VerifyEmail;
    let token = state
        .store()
        .issue_login_token(purpose, Some(member.id()), &email, purpose.default_ttl())
        .await?;
    let site = state.site().await?;
    mail(
        &state,
        &email,
        &format!("Confirm your address at {}", site.title),
        "Follow this link to confirm that this address is yours.",
        "Confirm my address",
        &link_url(&state, "verify", &token, None),
        "The link works once, within a day.",
    );
    Ok(Redirect::to("/account?changed=verify-sent").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_described_in_a_few_known_words() {
        for (agent, described) in [
            (
                "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0",
                "Firefox on Android",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1",
                "Chrome on iPhone",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                "Safari on macOS",
            ),
            (
                "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
                "Chrome on ChromeOS",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
                "Opera on Linux",
            ),
            ("curl/8.8.0", "A browser"),
            ("<script>alert(1)</script>", "A browser"),
            ("", "A browser"),
        ] {
            assert_eq!(describe_agent(agent), described, "{agent}");
        }
    }
}
