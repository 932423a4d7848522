//! Abide's HTTP side: the router and its handlers, sessions and accounts, and the
//! default theme's templates and static files, overridable from a theme folder.
//!
//! Main items: [`router`] builds the whole application as an axum `Router` from
//! an [`AppState`] (the store, the [`Theme`], the [`WebConfig`]), so that tests
//! drive it without a socket; [`serve`] runs it on a listener until shut down,
//! within the [`Limits`] of connections, time, memory and heavy work.
//! Behind a reverse proxy, [`TrustedProxies`] says whose forwarding headers
//! name the client that rate limits count.
//! Handlers are thin: extract, authorise, call the store or the domain, render.
//! Who may read what is decided in one place, the `viewer` module: a guest
//! gets teasers of members-only readings, on every page and feed.

mod account;
pub mod admin;
mod bounces;
mod cache;
mod cookies;
mod email;
mod error;
mod filters;
mod handlers;
mod limits;
mod middleware;
mod moved;
mod passage;
mod proxy;
mod reader;
mod router;
mod search;
mod server;
mod state;
mod theme;
mod uploads;
mod viewer;

pub use bounces::{BounceError, BounceSummary, apply_report};
pub use email::{MailPass, MailWorkerOptions, Pace, mail_pass, run_mail_worker};
pub use error::AppError;
pub use limits::Limits;
pub use proxy::{ForwardedHeader, IpNet, IpNetError, TrustedProxies};
pub use router::router;
pub use search::{RebuildError, SearchSync, rebuild_search};
pub use server::serve;
pub use state::{AppState, WebConfig};
pub use theme::{Theme, ThemeError};
