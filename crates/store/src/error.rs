use std::fmt;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL is not one Abide understands.
    #[error("bad database URL {url:?}: {reason}")]
    BadUrl {
        /// The URL, with any password removed.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database could not be reached or opened.
    #[error("cannot open database {url}: {cause}")]
    Connect {
        /// The URL, with any password removed.
        url: String,
        /// The driver's error (shown in the message, so not chained as a source).
        cause: sqlx::Error,
    },
    /// A migration could not be applied, or the applied ones disagree with this
    /// binary.
    #[error("migration {version} ({name}): {reason}")]
    Migration {
        /// Migration number.
        version: i64,
        /// Migration name.
        name: String,
        /// What went wrong.
        reason: String,
    },
    /// The database holds migrations that this binary does not know: it was
    /// migrated by a newer Abide.
    #[error(
        "the database schema is at version {found}, newer than this Abide knows ({known}); run a newer abide"
    )]
    SchemaTooNew {
        /// Highest version in the database.
        found: i64,
        /// Highest version this binary ships.
        known: i64,
    },
    /// A setting (stored as JSON) could not be read or written.
    #[error("setting {key:?}: {source}")]
    Setting {
        /// The setting's key.
        key: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A value other than a setting that is stored as JSON (an entry's
    /// practices or questions) could not be written or read back.
    #[error("stored JSON of {what}: {source}")]
    Json {
        /// What the value is, e.g. `entry be-still practices`.
        what: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A job's arguments could not be serialised.
    #[error("job {kind}: cannot serialise its arguments: {source}")]
    JobArgs {
        /// The job's name.
        kind: &'static str,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A worker tried to finish a job whose lease it no longer holds (the lease
    /// ran out and another worker claimed it, or the job was finished already).
    #[error("job {id}: lease lost")]
    LeaseLost {
        /// The job's id.
        id: i64,
    },
    /// An operation on accounts was refused (an address taken, an unknown
    /// user, a used link, ...).
    #[error(transparent)]
    Account(#[from] crate::accounts::AccountError),
    /// An operation on a member's journeys, journal or practice log was
    /// refused (a journey they do not follow, an entry that is not a step,
    /// a text too long, ...).
    #[error(transparent)]
    Reading(#[from] crate::reading::ReadingError),
    /// A subscription was refused.
    #[error(transparent)]
    Subscription(#[from] crate::subscriptions::SubscriptionError),
    /// A stored value that this Abide cannot read (a role it does not know):
    /// damaged data, or a database written by a newer Abide.
    #[error("unreadable value {value:?} in {column}")]
    BadValue {
        /// Table and column, e.g. `users.role`.
        column: &'static str,
        /// What was stored.
        value: String,
    },
    /// A slug an import or a rename would give to one journey or entry was
    /// published for another, whose old links lead there; nothing was written.
    #[error(
        "{what}: the slug {slug:?} was published for {owner}, and its old links lead there; \
         choose another slug, or let this one take it over (`abide import --reuse-slugs`)"
    )]
    SlugReserved {
        /// The journey or entry that wants the slug, e.g. `entry 01-be-still.md of journey come-and-rest`.
        what: String,
        /// The slug.
        slug: String,
        /// Who had it, e.g. `the entry now at /journeys/come-and-rest/be-still-now`
        /// or `an entry since removed`.
        owner: String,
    },
    /// A slug that is not one: not lowercase letters, digits and hyphens, or
    /// taken by the site's own pages.
    #[error("{slug:?} cannot be a slug: {reason}")]
    BadSlug {
        /// The slug.
        slug: String,
        /// Why not.
        reason: &'static str,
    },
    /// A folder import would replace or delete files last saved in the
    /// browser, with other bytes; nothing was written.
    #[error(
        "journey {journey}: {} edited in the browser since the folder was imported ({}); \
         the folder's version would overwrite that work. Write the browser's version into the \
         folder first (`abide export DIR`), or take the folder's (`abide import --overwrite`; \
         the browser's stays a revision to restore)",
        if paths.len() == 1 { "a file was" } else { "files were" },
        paths.join(", ")
    )]
    SourceConflict {
        /// The journey's slug.
        journey: String,
        /// The files, relative to the journey folder.
        paths: Vec<String>,
    },
    /// A save built on files that someone else changed meanwhile; nothing
    /// was written.
    #[error(
        "journey {journey}: its files changed while you were editing; reload and apply your change again"
    )]
    SourceChanged {
        /// The journey's slug.
        journey: String,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// A database URL with its password replaced by `***`, for messages and logs.
pub(crate) struct Redacted<'a>(pub(crate) &'a str);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(self.0))
    }
}

/// `url` with its password, if any, replaced by `***`, for messages and logs:
/// the one in `user:password@` and any `password=` parameter of the query.
pub fn redact(url: &str) -> String {
    // scheme://user:password@host/... -> scheme://user:***@host/...
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut out = match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &authority[..colon],
            &rest[at..]
        ),
        _ => url.to_owned(),
    };
    if let Some(q) = out.find('?') {
        let query: Vec<String> = out[q + 1..]
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out = format!("{}?{}", &out[..q], query.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://abide:s3cret@db:5432/abide"),
            "postgres://abide:***@db:5432/abide"
        );
        assert_eq!(
            redact("postgres://abide@db/abide"),
            "postgres://abide@db/abide"
        );
        assert_eq!(
            redact("sqlite:///var/lib/abide/abide.db"),
            "sqlite:///var/lib/abide/abide.db"
        );
        assert_eq!(redact("nonsense"), "nonsense");
        assert_eq!(
            redact("postgres://db/abide?user=abide&password=s3cret&sslmode=require"),
            "postgres://db/abide?user=abide&password=***&sslmode=require"
        );
        assert_eq!(
            redact("smtps://mailer:p4ss@smtp.example.org:465"),
            "smtps://mailer:***@smtp.example.org:465"
        );
    }
}
