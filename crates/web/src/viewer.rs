//! Who is asking, and what they may read.
//!
//! Every request has a [`Viewer`]: a guest, or a signed-in member. Handlers
//! take it as an extractor and ask [`may_read`] before they let an entry's
//! text into a page; a guest gets a teaser instead. A request is a member's
//! when its session cookie names a live session of an enabled account
//! ([`Viewer::from_request_parts`]), and the page cache keeps out of the way
//! of any request that [`may_be_member`] says could be a member's.
//!
//! Where the text of a reading could reach a client:
//! - its page, and its journey's page: [`entry_for`] and [`weeks_for`] take
//!   out what the viewer may not read;
//! - lists (home, tags, authors, passages), feeds and link previews show
//!   entry cards, whose only text is the summary; for a reading for members
//!   that is what its author wrote for everyone, or nothing (the content
//!   crate makes no summary from members' text);
//! - feeds are the guest's view whoever asks, and the sitemap lists public
//!   pages only.

use abide_content::Visibility;
use abide_store::{EntryView, Role, WeekView};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::account::session::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

pub(crate) use crate::account::session::SESSION_COOKIE;

/// Who a page is rendered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Viewer {
    /// Nobody signed in: the public view, the one feeds and the page cache
    /// serve.
    Guest,
    /// A signed-in member (any role).
    Member {
        /// The account's row id.
        user_id: i64,
        /// What the account may do besides reading.
        role: Role,
    },
}

impl Viewer {
    /// Whether this viewer may read the text of an entry (`entry_members_only`)
    /// of a journey (`journey_visibility`). See [`may_read`].
    pub(crate) fn may_read(self, entry_members_only: bool, journey_visibility: Visibility) -> bool {
        may_read(self, entry_members_only, journey_visibility)
    }
}

/// The one rule of who reads what: members read everything published;
/// guests read what is neither a members-only entry nor in a members-only
/// journey. Unlisted journeys are public to whoever has the address.
pub(crate) fn may_read(
    viewer: Viewer,
    entry_members_only: bool,
    journey_visibility: Visibility,
) -> bool {
    match viewer {
        Viewer::Member { .. } => true,
        Viewer::Guest => !entry_members_only && journey_visibility != Visibility::Members,
    }
}

/// Whether a request carries what could make it a member's (a session
/// cookie, valid or not). The page cache neither serves nor keeps such a
/// request's page. Whatever [`Viewer::from_request_parts`] comes to accept
/// as proof of a member must make this true.
pub(crate) fn may_be_member(headers: &HeaderMap) -> bool {
    crate::cookies::get(headers, SESSION_COOKIE).is_some()
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if !may_be_member(&parts.headers) {
            return Ok(Self::Guest);
        }
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        Ok(match signed_in.session() {
            Some(session) => Self::Member {
                user_id: session.user.id,
                role: session.user.role,
            },
            None => Self::Guest,
        })
    }
}

/// What of an entry a viewer gets: the entry as it is when they may read it
/// (`true`), or its teaser (`false`): title, authored summary, key passage,
/// tags and author, without the reflection, Going Deeper, practices or
/// questions. The text is taken out here, before any template sees it, so
/// no theme can show it by mistake.
pub(crate) fn entry_for(viewer: Viewer, mut entry: EntryView) -> (EntryView, bool) {
    let readable = viewer.may_read(entry.card.members_only, entry.card.visibility);
    if !readable {
        entry.body_html = String::new();
        entry.going_deeper_html = None;
        entry.practices = Vec::new();
        entry.questions = Vec::new();
        entry.word_count = 0;
    }
    (entry, readable)
}

/// A journey's weeks as a viewer gets them: the weeks of a members-only
/// journey without their introductions for a guest (entry titles, days and
/// key passages stay: the summaries are not shown there).
pub(crate) fn weeks_for(
    viewer: Viewer,
    visibility: Visibility,
    mut weeks: Vec<WeekView>,
) -> Vec<WeekView> {
    if !viewer.may_read(false, visibility) {
        for week in &mut weeks {
            week.introduction_html = String::new();
        }
    }
    weeks
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const MEMBER: Viewer = Viewer::Member {
        user_id: 1,
        role: Role::Member,
    };

    #[test]
    fn guests_read_only_what_is_public() {
        use Visibility::{Members, Public, Unlisted};
        for (members_only, visibility, guest) in [
            (false, Public, true),
            (false, Unlisted, true),
            (false, Members, false),
            (true, Public, false),
            (true, Unlisted, false),
            (true, Members, false),
        ] {
            assert_eq!(
                may_read(Viewer::Guest, members_only, visibility),
                guest,
                "{members_only} {visibility:?}"
            );
            assert!(may_read(MEMBER, members_only, visibility));
            for role in Role::ALL {
                let viewer = Viewer::Member { user_id: 7, role };
                assert!(viewer.may_read(members_only, visibility), "{role}");
            }
        }
    }

    fn cookies(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(
                axum::http::header::COOKIE,
                HeaderValue::from_str(v).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn a_session_cookie_marks_a_possible_member() {
        assert!(!may_be_member(&cookies(&[])));
        assert!(!may_be_member(&cookies(&["translation=kjv"])));
        assert!(!may_be_member(&cookies(&[
            "abide_sessions=x; xabide_session=y"
        ])));
        assert!(!may_be_member(&cookies(&["abide_session"])), "no value");
        assert!(may_be_member(&cookies(&["abide_session=abc"])));
        assert!(may_be_member(&cookies(&["abide_session="])), "even empty");
        assert!(may_be_member(&cookies(&[
            "translation=kjv; abide_session=abc"
        ])));
        assert!(may_be_member(&cookies(&[
            "translation=kjv",
            "abide_session=abc"
        ])));
    }
}
