use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use std::collections::BTreeMap;
use std::sync::Arc;

use abide_store::{EntryCard, EntryView, JourneyCard};

use axum::response::{IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;

use crate::account::session::SignedIn;
use crate::error::AppError;
use crate::passage::{PassageView, view};
use crate::reader::MemberView;
use crate::state::AppState;
use crate::viewer::{Viewer, entry_for};

/// `GET /journeys/{journey}/{entry}`: one day, introduction or recap; for a
/// viewer who may not read it, its teaser (still 200: the page exists, and
/// says how to read it).
/// Related readings listed under an entry.
const RELATED: usize = 4;

pub(crate) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    signed_in: SignedIn,
    Path((journey, slug)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let now = state.now_ms();
    let store = state.store();
    let translation = state.translation_for(&headers, uri.query().unwrap_or(""));
    let parts = match viewer {
        // What every member sees of the entry, kept until content, the
        // schedule or the search index moves (like the guest's pages): a
        // member's request then asks the database only for their own part.
        Viewer::Member { .. } => {
            // Drops what is kept if content moved (at most one query a
            // `cache_check_every`); the render asks again for free.
            state.site().await?;
            let key = format!("{journey}/{slug}\n{}", translation.id());
            match state.cache().member_entry(&key) {
                Some(parts) => parts,
                None => {
                    let parts =
                        Arc::new(parts(&state, viewer, &journey, &slug, translation, now).await?);
                    state.cache().keep_member_entry(key, Arc::clone(&parts));
                    parts
                }
            }
        }
        Viewer::Guest => Arc::new(parts(&state, viewer, &journey, &slug, translation, now).await?),
    };
    let EntryParts {
        entry,
        readable,
        journey,
        prev,
        next,
        key,
        related,
    } = &*parts;
    let readable = *readable;
    // A member's own part: their day, and their journal on it.
    let member = MemberView::of(&state, &signed_in, &headers)?;
    let walk = match &member {
        Some(member) if readable => {
            let user = &member.session.user;
            // One indexed query, however long the journey.
            let part = store
                .entry_step(user.id, &journey.slug, &entry.card.slug)
                .await?;
            let following = part.as_ref().is_some_and(|p| p.following);
            let step = part.and_then(|p| p.step);
            let journal = store
                .journal_for_entry(user.id, &journey.slug, &entry.card.slug)
                .await?;
            let answers: BTreeMap<String, String> = journal
                .items
                .into_iter()
                .map(|item| (item.item.to_string(), item.body))
                .collect();
            let saved = uri.query().is_some_and(|q| q.contains("saved=journal"));
            Some(context! {
                following,
                step => Serde(step),
                answers,
                saved,
                csrf => member.csrf.as_str(),
                practice_log => Serde(journal.practice_log),
            })
        }
        _ => None,
    };
    let mut response = state
        .page(
            "entry.html",
            context! {
                path => format!("/journeys/{}/{}", journey.slug, entry.card.slug),
                entry => Serde(entry),
                journey => Serde(journey),
                prev => Serde(prev),
                next => Serde(next),
                locked => !readable,
                key => Serde(key),
                member => member.as_ref().map(|m| Serde(&m.session.user)),
                walk,
                related => Serde(related),
            },
        )
        .await?
        .into_response();
    if let Some(member) = &member {
        member.finish(&state, &mut response);
    }
    Ok(response)
}

/// What an entry's page shows that is the same for every viewer of a kind
/// (every member, or every guest) in one translation.
pub(crate) struct EntryParts {
    entry: EntryView,
    /// Whether the viewer reads the text (else `entry` is its teaser).
    readable: bool,
    journey: JourneyCard,
    prev: Option<EntryCard>,
    next: Option<EntryCard>,
    key: Option<PassageView>,
    related: Vec<abide_search::Card>,
}

impl EntryParts {
    /// Roughly the bytes it holds: what the member-page cache weighs.
    pub(crate) fn weight(&self) -> u64 {
        let text = self.entry.body_html.len()
            + self.entry.going_deeper_html.as_ref().map_or(0, String::len)
            + self.entry.practices.len() * 256
            + self.entry.questions.len() * 256
            + self.key.as_ref().map_or(0, |_| 2_048)
            + self.related.len() * 512;
        u64::try_from(text).unwrap_or(u64::MAX) + 4_096
    }
}

/// Reads what an entry's page shows besides a member's own part.
async fn parts(
    state: &AppState,
    viewer: Viewer,
    journey: &str,
    slug: &str,
    translation: &abide_bible::Translation,
    now: i64,
) -> Result<EntryParts, AppError> {
    let store = state.store();
    let entry = store
        .entry(journey, slug, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let journey = store
        .journey(journey, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let (prev, next) = store.neighbours(&entry.card, now).await?;
    let key = entry.card.key_osis.as_deref().and_then(|osis| {
        let ranges = abide_scripture::parse_osis(osis).ok()?;
        view(translation, &ranges).ok()
    });
    let (entry, readable) = entry_for(viewer, entry);
    // Readings that cite the same passages, share its tags or its words,
    // from this node's index (none until it is ready).
    let search = state.search().index();
    let related = if search.is_ready() {
        search
            .related(entry.card.id, viewer != Viewer::Guest, now, RELATED)
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "related readings");
                Vec::new()
            })
    } else {
        Vec::new()
    };
    Ok(EntryParts {
        entry,
        readable,
        journey,
        prev,
        next,
        key,
        related,
    })
}
