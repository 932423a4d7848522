//! A reader's own journey: the journeys a member follows on their own
//! schedule (day 1 on a date they choose, one step a day), the steps they
//! mark done, catching up after missed days, a gentle streak that pauses but
//! never resets, their private journal and practice log, and their rights
//! over all of it (export, erasure).
//!
//! A journey's steps are its `day` entries in reading order; introductions
//! and recaps are not steps (each step says its week, so a page can show
//! them beside it). Dates are the member's local dates ([`jiff::civil::Date`]);
//! the caller turns the store's clock into one with
//! [`Store::local_date`](crate::Store::local_date). Every query is keyed by
//! the member's id: nothing here reads another person's rows.

mod data_rights;
mod enrolments;
mod error;
mod journal;
mod practice;
pub(crate) mod schedule;
mod steps;

pub use data_rights::{DoneRecord, EnrolmentRecord, LinkRecord, SessionRecord, UserExport};
pub use enrolments::{EntryStep, JourneyDetail, JourneyProgress, StepView};
pub use error::ReadingError;
pub use journal::{
    EntryJournal, JournalItem, JournalKey, JournalPage, MAX_JOURNAL_CHARS, MAX_JOURNAL_PAGE,
};
pub use practice::PracticeLogItem;
pub use schedule::{STREAK_RULE, Schedule, Streak, Today};
