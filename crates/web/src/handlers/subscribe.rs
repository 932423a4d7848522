//! Subscribing by email: the footer's form and the subscribe page, the
//! confirmation link, the preference centre every message links to, and
//! unsubscribing in one click (RFC 8058).
//!
//! The footer's form sits on cached pages, which carry no per-visitor
//! anti-forgery token: these forms are checked by their origin instead (the
//! `Origin` header a browser sends with every form, see
//! [`from_this_site`]). What a forged request could do is small anyway:
//! nothing is sent to an address but a confirmation, under rate limits. The
//! preference centre and unsubscribe pages are reached by a link key only
//! their subscriber has (256 random bits); the one-click unsubscribe is a
//! cross-site POST by design (the mail client sends it), so it needs the key
//! and nothing more.

use abide_store::{
    Email, Preferences, StoreError, Subscribed, SubscriptionError, SubscriptionRequest,
};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::account::forms::decode_form;
use crate::account::session::SignedIn;
use crate::account::throttle::{self, Action, Client};
use crate::error::AppError;
use crate::handlers::preferences::from_this_site;
use crate::state::AppState;

/// The largest subscription form accepted, in bytes.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// Fields of a posted form, by name (the last value of a repeated name).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn checked(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| !v.is_empty())
    }
}

fn refused(status: StatusCode, title: &'static str, message: &'static str) -> AppError {
    AppError::refused(status, title, message)
}

/// A form from this site's pages, as text.
fn read_form(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Result<Fields, AppError> {
    if !from_this_site(headers, &state.config().base_url) {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "Form refused",
            "This form was sent from another site, so it was not accepted. Open the page on this site and send it from there.",
        ));
    }
    if body.len() > MAX_FORM_BYTES {
        return Err(refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too long",
            "The form was longer than this site accepts.",
        ));
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form && !body.is_empty() {
        return Err(refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Form refused",
            "This address takes forms from the site's own pages only.",
        ));
    }
    decode_form(body).map(Fields).ok_or_else(|| {
        refused(
            StatusCode::BAD_REQUEST,
            "Form refused",
            "The form contained characters that are not valid text (not UTF-8), so nothing was saved.",
        )
    })
}

/// Pages that carry a link key: never stored, never indexed, and the key
/// never sent to another site as a referrer (`same-origin`, not
/// `no-referrer`: with that, a browser sends `Origin: null` with the page's
/// own forms, which the origin check must refuse).
fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

async fn render(
    state: &AppState,
    status: StatusCode,
    template: &str,
    ctx: minijinja::Value,
) -> Result<Response, AppError> {
    Ok(private(
        (status, state.page(template, ctx).await?).into_response(),
    ))
}

/// "06:30" as minutes after midnight.
fn parse_time(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn format_time(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The preferences a form asks for; fields it lacks keep `base`'s values.
/// A time zone the browser reported wrongly falls back to `fallback_zone`.
fn preferences_from(fields: &Fields, base: Preferences, fallback_zone: &str) -> Preferences {
    let full = fields.get("full").is_some();
    let zone = fields
        .get("time_zone")
        .map(str::trim)
        .filter(|z| !z.is_empty() && z.len() <= 64 && jiff::tz::TimeZone::get(z).is_ok())
        .map_or_else(|| base.time_zone.clone(), str::to_owned);
    let zone = if jiff::tz::TimeZone::get(&zone).is_ok() {
        zone
    } else {
        fallback_zone.to_owned()
    };
    Preferences {
        name: fields
            .get("name")
            .map_or(base.name.clone(), |n| n.chars().take(100).collect()),
        time_zone: zone,
        send_minute: fields
            .get("time")
            .and_then(parse_time)
            .unwrap_or(base.send_minute),
        digest_weekday: fields
            .get("digest_day")
            .and_then(|d| d.parse().ok())
            .filter(|d| (1..=7).contains(d))
            .unwrap_or(base.digest_weekday),
        daily: if full {
            fields.checked("daily")
        } else {
            base.daily
        },
        digest: if full {
            fields.checked("digest")
        } else {
            base.digest
        },
        events: if full {
            fields.checked("events")
        } else {
            base.events
        },
        newsletters: if full {
            fields.checked("newsletters")
        } else {
            base.newsletters
        },
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct SubscribeQuery {
    email: Option<String>,
    journey: Option<String>,
}

/// `GET /subscribe`: every choice.
pub(crate) async fn form(
    State(state): State<AppState>,
    Query(q): Query<SubscribeQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let journeys = state.store().journeys(state.now_ms()).await?;
    let site = state.site().await?;
    // Nobody's own page: no link key, no token.
    let html = state.page(
        "subscribe.html",
        context! {
            path => "/subscribe",
            email => q.email.unwrap_or_default().chars().take(254).collect::<String>(),
            chosen => q.journey.unwrap_or_default(),
            journeys => Serde(&journeys),
            prefs => Serde(Preferences { time_zone: site.time_zone.clone(), ..Preferences::default() }),
            time => format_time(abide_store::DEFAULT_SEND_MINUTE),
            problem => None::<String>,
        },
    )
    .await?;
    let mut response = html.into_response();
    // A member's request is theirs alone (as every page with a session).
    let policy = if crate::viewer::may_be_member(&headers) {
        "private, no-store"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    Ok(response)
}

/// `POST /subscribe`: from the footer or the subscribe page. Answers alike
/// whether or not the address is known.
pub(crate) async fn subscribe(
    State(state): State<AppState>,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = read_form(&state, &headers, &body)?;
    let typed = fields.get("email").unwrap_or_default().to_owned();
    let Ok(email) = Email::parse(&typed) else {
        let journeys = state.store().journeys(state.now_ms()).await?;
        let site = state.site().await?;
        return render(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "subscribe.html",
            context! {
                path => "/subscribe",
                email => typed.chars().take(254).collect::<String>(),
                chosen => fields.get("journey").unwrap_or_default(),
                journeys => Serde(&journeys),
                prefs => Serde(Preferences { time_zone: site.time_zone.clone(), ..Preferences::default() }),
                time => format_time(abide_store::DEFAULT_SEND_MINUTE),
                problem => "That does not look like an email address. Check it and try again.",
            },
        )
        .await;
    };
    throttle::check(&state, Action::Link, &client, Some(&email)).await?;
    let site = state.site().await?;
    let preferences = preferences_from(
        &fields,
        Preferences {
            time_zone: site.time_zone.clone(),
            ..Preferences::default()
        },
        &site.time_zone,
    );
    // The footer's form follows the journey of today's reading.
    let journey = match fields.get("journey") {
        Some(slug) if !slug.is_empty() => Some(slug.to_owned()),
        Some(_) => None,
        None if preferences.daily => state
            .store()
            .todays_entry(state.now_ms())
            .await?
            .map(|e| e.journey_slug),
        None => None,
    };
    let member = signed_in
        .session()
        .map(|s| &s.user)
        .filter(|u| u.email == email.as_str() && u.email_verified_at.is_some())
        .map(|u| u.id);
    let source = fields.get("source").unwrap_or("page");
    let source: String = source
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(32)
        .collect();
    let request = SubscriptionRequest {
        email: email.clone(),
        preferences,
        journey,
        tags: if source.is_empty() {
            Vec::new()
        } else {
            vec![source]
        },
        member,
    };
    let outcome = match state.store().subscribe(request).await {
        Ok(outcome) => outcome,
        // A journey slug that is not one: no such page.
        Err(StoreError::Subscription(SubscriptionError::UnknownJourney(_))) => {
            return Err(AppError::NotFound);
        }
        // A name with a control character, a time out of the day, ...:
        // the visitor's to mend, not a fault of the site.
        Err(StoreError::Subscription(_)) => {
            return Err(refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Not subscribed",
                "One of the choices was not valid, so nothing was saved. Go back and check the form.",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if outcome == Subscribed::Confirmed {
        let subscriber = state.store().subscriber_by_email(&email).await?;
        if let Some(subscriber) = subscriber {
            return Ok(private(
                Redirect::to(&format!("/email/{}?welcome=1", subscriber.link_key)).into_response(),
            ));
        }
    }
    render(
        &state,
        StatusCode::OK,
        "subscribe-sent.html",
        context! { path => "/subscribe", email => email.as_str() },
    )
    .await
}

/// `GET /subscribe/confirm/{token}`: a button, so that a mail scanner
/// following links does not confirm anything.
pub(crate) async fn confirm_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    render(
        &state,
        StatusCode::OK,
        "subscribe-confirm.html",
        context! { path => "/subscribe", token => token.chars().take(128).collect::<String>(), failed => false },
    )
    .await
}

/// `POST /subscribe/confirm/{token}`: confirms, then shows the preferences.
pub(crate) async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    read_form(&state, &headers, &body)?;
    match state.store().confirm_subscription(&token).await {
        Ok(subscriber) => Ok(private(
            Redirect::to(&format!("/email/{}?welcome=1", subscriber.link_key)).into_response(),
        )),
        Err(StoreError::Subscription(
            SubscriptionError::BadLink | SubscriptionError::EmailTaken(_),
        )) => {
            render(
                &state,
                StatusCode::GONE,
                "subscribe-confirm.html",
                context! { path => "/subscribe", token => "", failed => true },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct PreferencesQuery {
    welcome: Option<String>,
    saved: Option<String>,
    address: Option<String>,
}

/// `GET /email/{key}`: the preference centre.
pub(crate) async fn preferences(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(q): Query<PreferencesQuery>,
) -> Result<Response, AppError> {
    let store = state.store();
    let subscriber = store
        .subscriber_by_link_key(&key)
        .await?
        .ok_or(AppError::NotFound)?;
    let following = store.email_journeys(subscriber.id).await?;
    let journeys = store.journeys(state.now_ms()).await?;
    let following: Vec<_> = following
        .into_iter()
        .map(|(slug, title, last_step, paused)| context! { slug, title, last_step, paused })
        .collect();
    let message = if q.welcome.is_some() {
        Some("You are subscribed. Choose what you receive, and when.")
    } else if q.saved.is_some() {
        Some("Saved.")
    } else if q.address.is_some() {
        Some("A link is on its way to the new address: follow it to move your subscription there.")
    } else {
        None
    };
    render(
        &state,
        StatusCode::OK,
        "email-preferences.html",
        context! {
            path => "/email",
            key => &key,
            subscriber => Serde(&subscriber),
            prefs => Serde(&subscriber.preferences),
            time => format_time(subscriber.preferences.send_minute),
            following,
            journeys => Serde(&journeys),
            message,
        },
    )
    .await
}

/// `POST /email/{key}`: saves preferences, follows, pauses, resumes or stops
/// a journey, or asks to move to a new address (`action`).
pub(crate) async fn save_preferences(
    State(state): State<AppState>,
    Client(client): Client,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = read_form(&state, &headers, &body)?;
    let store = state.store();
    let subscriber = store
        .subscriber_by_link_key(&key)
        .await?
        .ok_or(AppError::NotFound)?;
    let back = |what: &str| {
        Ok(private(
            Redirect::to(&format!("/email/{key}?{what}=1")).into_response(),
        ))
    };
    let journey = fields.get("journey").unwrap_or_default();
    let result = match fields.get("action").unwrap_or("save") {
        "follow" if !journey.is_empty() => store.follow_by_email(subscriber.id, journey).await,
        "pause" => store.pause_by_email(subscriber.id, journey, true).await,
        "resume" => store.pause_by_email(subscriber.id, journey, false).await,
        "stop" => store.stop_by_email(subscriber.id, journey).await,
        "address" => {
            let Ok(email) = Email::parse(fields.get("email").unwrap_or_default()) else {
                return Err(refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Not an address",
                    "That does not look like an email address. Go back, check it and try again.",
                ));
            };
            throttle::check(&state, Action::Link, &client, Some(&email)).await?;
            store.request_email_change(subscriber.id, &email).await?;
            return back("address");
        }
        _ => {
            let site = state.site().await?;
            let prefs = preferences_from(&fields, subscriber.preferences.clone(), &site.time_zone);
            store.set_preferences(subscriber.id, prefs).await
        }
    };
    match result {
        Ok(()) => back("saved"),
        Err(StoreError::Subscription(SubscriptionError::UnknownJourney(_))) => {
            Err(AppError::NotFound)
        }
        Err(StoreError::Subscription(e)) => Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not saved",
            match e {
                SubscriptionError::BadName(_) => {
                    "That name is too long or holds characters a name cannot have."
                }
                _ => {
                    "One of the choices was not valid, so nothing was saved. Go back and check the form."
                }
            },
        )),
        Err(e) => Err(e.into()),
    }
}

/// `GET /unsubscribe/{key}`: one button.
pub(crate) async fn unsubscribe_page(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let subscriber = state
        .store()
        .subscriber_by_link_key(&key)
        .await?
        .ok_or(AppError::NotFound)?;
    render(
        &state,
        StatusCode::OK,
        "unsubscribe.html",
        context! { path => "/unsubscribe", key => &key, email => &subscriber.email, done => false },
    )
    .await
}

/// `POST /unsubscribe/{key}`: the page's button, or a mail client's
/// one-click request (`List-Unsubscribe=One-Click`, RFC 8058), which comes
/// from another site by design. Immediate; no sign-in.
pub(crate) async fn unsubscribe(
    State(state): State<AppState>,
    Path(key): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    // RFC 8058: the provider's POST may be multipart/form-data or
    // URL-encoded and only says "List-Unsubscribe=One-Click"; the key in the
    // address is what authorises it, so the body is bounded, not read.
    if body.len() > MAX_FORM_BYTES {
        return Err(refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too long",
            "The form was longer than this site accepts.",
        ));
    }
    let store = state.store();
    let subscriber = store
        .subscriber_by_link_key(&key)
        .await?
        .ok_or(AppError::NotFound)?;
    store.unsubscribe(subscriber.id).await?;
    tracing::info!(subscriber = subscriber.id, "unsubscribed");
    render(
        &state,
        StatusCode::OK,
        "unsubscribe.html",
        context! { path => "/unsubscribe", key => &key, email => &subscriber.email, done => true },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day() {
        assert_eq!(parse_time("06:00"), Some(360));
        assert_eq!(parse_time("23:59"), Some(1439));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("7:5"), None);
        assert_eq!(parse_time("07:05:00"), Some(425));
        assert_eq!(parse_time("nonsense"), None);
        assert_eq!(format_time(425), "07:05");
    }

    #[test]
    fn a_footer_form_keeps_the_defaults_and_a_bad_zone_falls_back() {
        let fields = Fields(vec![
            ("email".into(), "a@example.org".into()),
            ("time_zone".into(), "Not/AZone".into()),
        ]);
        let base = Preferences {
            time_zone: "Europe/London".into(),
            ..Preferences::default()
        };
        let prefs = preferences_from(&fields, base.clone(), "UTC");
        assert_eq!(prefs, base);
        let full = Fields(vec![
            ("full".into(), "1".into()),
            ("digest".into(), "on".into()),
            ("time_zone".into(), "Asia/Kolkata".into()),
            ("time".into(), "05:30".into()),
        ]);
        let prefs = preferences_from(&full, base, "UTC");
        assert!(!prefs.daily && prefs.digest && !prefs.events && !prefs.newsletters);
        assert_eq!(
            (prefs.time_zone.as_str(), prefs.send_minute),
            ("Asia/Kolkata", 330)
        );
    }
}
