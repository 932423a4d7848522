//! `abide serve`: the web site, until SIGINT or SIGTERM.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use abide_store::{Store, StoreOptions};
use abide_web::{AppState, Theme, WebConfig};
use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::config::Config;

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Address and port to listen on (overrides server.addr); port 0 picks a free one.
    #[arg(long, value_name = "HOST:PORT")]
    addr: Option<String>,
    /// Data folder (overrides data_dir).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Show the demo site: a fresh SQLite database (in a temporary folder unless
    /// --data is given) with the demo's settings and journey.
    #[arg(long)]
    demo: bool,
    /// Import the journeys in DIR now, and again whenever a file in it changes.
    #[arg(long, value_name = "DIR")]
    watch: Option<PathBuf>,
}

/// Opens the configured database, with one clear error when it cannot.
pub(crate) async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let options = StoreOptions {
        max_connections: config.database.max_connections,
        connect_timeout: Duration::from_secs(config.database.connect_timeout_secs.max(1)),
        ..StoreOptions::default()
    };
    Ok(Store::connect(&config.database_url(), &options).await?)
}

pub(crate) async fn run(mut config: Config, args: ServeArgs) -> anyhow::Result<ExitCode> {
    if let Some(addr) = args.addr {
        config.server.addr = addr;
    }
    // The demo always runs on a fresh SQLite database of its own.
    let mut _demo_dir = None;
    if args.demo {
        config.database.url = String::new();
        config.data_dir = match args.data {
            Some(dir) => dir,
            None => {
                let dir = tempfile::Builder::new().prefix("abide-demo-").tempdir()?;
                let path = dir.path().to_owned();
                _demo_dir = Some(dir);
                path
            }
        };
    } else if let Some(data) = args.data {
        config.data_dir = data;
    }
    let addr = config.socket_addr()?;
    // Bind first: a taken port is reported before anything else happens.
    let listener = match listen(addr) {
        Ok(listener) => listener,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => anyhow::bail!(
            "cannot listen on {addr}: another program is using that address; \
             stop it or choose another with --addr HOST:PORT"
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot listen on {addr}")),
    };
    let bound = listener.local_addr()?;

    let store = open_store(&config).await?;
    let applied = store.migrate().await?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "migrations applied");
    }
    if args.demo {
        crate::demo::seed_settings(&store).await?;
        crate::demo::seed_owner(&store).await?;
        let options = crate::import::load_options(&store).await?;
        let today = options
            .now
            .to_zoned_datetime(options.time_zone.clone())
            .date();
        let folder = crate::demo::write_journeys(&config.data_dir, today)?;
        match crate::import::import(&store, &folder, abide_store::ImportOptions::default()).await? {
            Ok(report) => tracing::info!("demo journey: {}", crate::import::describe(&report)),
            Err(count) => anyhow::bail!("the demo journey has {count} problem(s)"),
        }
    }
    if let Some(dir) = &args.watch {
        crate::watch::import_now(&store, dir).await;
    }
    // The World English Bible, from its installed SWORD module, once per data folder.
    let translations = crate::bible::translations_dir(&config);
    match tokio::task::spawn_blocking(move || crate::bible::import_web_if_installed(&translations))
        .await?
    {
        Ok(Some(line)) => tracing::info!("{line}"),
        Ok(None) => {}
        Err(e) => tracing::warn!(
            error = format!("{e:#}"),
            "the World English Bible was not imported"
        ),
    }
    let theme_dir =
        Some(PathBuf::from(&config.server.theme_dir)).filter(|d| !d.as_os_str().is_empty());
    let theme = Theme::load(theme_dir.as_deref())?;

    let web = WebConfig {
        base_url: config.base_url(bound),
        request_timeout: config.request_timeout(),
        max_body_bytes: config.server.max_body_bytes,
        limits: config.limits.web(),
        trusted_proxies: config.trusted_proxies()?,
        mail: mailer_config(&config)?,
        bounce_token: Some(config.mail.bounce_token.clone()).filter(|t| !t.is_empty()),
        ..WebConfig::default()
    };
    // This node's search index, in its data folder: opened (or made anew
    // when damaged), then brought up to date in the background.
    let search_index = {
        let dir = search_dir(&config);
        let shown = dir.display().to_string();
        let opened =
            tokio::task::spawn_blocking(move || abide_search::SearchIndex::open(&dir)).await?;
        match opened {
            Ok((index, opened)) => {
                tracing::info!(?opened, dir = shown, "search index");
                std::sync::Arc::new(index)
            }
            // Another node started in the same data folder: this one keeps
            // its index in memory (filled from the database all the same).
            Err(abide_search::SearchError::Busy(_)) => {
                tracing::warn!(
                    dir = shown,
                    "another process uses this search index; this node keeps its own in memory"
                );
                std::sync::Arc::new(abide_search::SearchIndex::in_memory()?)
            }
            Err(e) => return Err(e.into()),
        }
    };
    let web = WebConfig {
        search_index: Some(search_index),
        ..web
    };
    let title = store.site_settings().await?.title;
    let library = {
        let dir = crate::bible::translations_dir(&config);
        let library =
            tokio::task::spawn_blocking(move || abide_bible::Library::open(&dir)).await??;
        for problem in library.problems() {
            tracing::warn!("{problem}");
        }
        tracing::info!(
            translations = library.list().len(),
            default = library.default_id(),
            "Bible translations"
        );
        std::sync::Arc::new(library)
    };
    let state = AppState::new(store.clone(), library, theme, web);
    raise_open_file_limit();

    let shutdown = CancellationToken::new();
    tokio::spawn(watch_signals(shutdown.clone()));
    // The one line a person starting the site looks for.
    println!(
        "{title} is running at http://{bound}/ (database: {})",
        store.backend().name()
    );
    if let Some(dir) = &_demo_dir {
        println!("demo data in {} (removed on exit)", dir.path().display());
    }
    tracing::info!(addr = %bound, database = store.backend().name(), "serving");

    if let Some(dir) = args.watch {
        tokio::spawn(crate::watch::watch(store.clone(), dir, shutdown.clone()));
    }
    tokio::spawn(housekeeping(store.clone(), shutdown.clone()));
    tokio::spawn(follow_search(state.clone(), shutdown.clone()));
    let mail_worker = if config.mail.worker_in_serve {
        spawn_mail_worker(&config, &state, &shutdown, false)
    } else {
        None
    };
    let stopping = shutdown.clone();
    let server = tokio::spawn(abide_web::serve(listener, state, async move {
        stopping.cancelled().await;
    }));
    shutdown.cancelled().await;
    let grace = Duration::from_secs(config.server.shutdown_grace_secs);
    match tokio::time::timeout(grace, server).await {
        Ok(result) => result.context("the server task failed")??,
        Err(_) => tracing::warn!(
            ?grace,
            "requests still running after the grace period; stopping anyway"
        ),
    }
    // The mail worker finishes the messages it holds: one stopped between
    // recording a message as sent and handing over its final "." would lose
    // it. Its SMTP timeouts bound the wait.
    if let Some(worker) = mail_worker
        && tokio::time::timeout(Duration::from_secs(120), worker)
            .await
            .is_err()
    {
        tracing::warn!("the mail worker did not stop within two minutes; stopping anyway");
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// The SMTP settings of the configuration, with its DKIM key read; `None`
/// when no server is set.
pub(crate) fn mailer_config(config: &Config) -> anyhow::Result<Option<abide_mail::MailerConfig>> {
    if config.mail.smtp_url.is_empty() {
        return Ok(None);
    }
    let mail = &config.mail;
    let dkim = if mail.dkim_key_file.is_empty() {
        None
    } else {
        let pem = std::fs::read_to_string(&mail.dkim_key_file).with_context(|| {
            format!(
                "configuration: mail.dkim_key_file: cannot read {:?}",
                mail.dkim_key_file
            )
        })?;
        if mail.dkim_domain.is_empty() || mail.dkim_selector.is_empty() {
            anyhow::bail!(
                "configuration: mail.dkim_key_file needs mail.dkim_domain and mail.dkim_selector"
            );
        }
        Some(abide_mail::DkimConfig {
            domain: mail.dkim_domain.clone(),
            selector: mail.dkim_selector.clone(),
            private_key_pem: pem,
        })
    };
    let config = abide_mail::MailerConfig {
        smtp_url: mail.smtp_url.clone(),
        from: mail.from.clone(),
        timeout: Duration::from_secs(30),
        dkim,
    };
    // A bad key or address is reported now, not at the first message.
    abide_mail::Mailer::new(&config)?;
    Ok(Some(config))
}

/// Starts a mail worker (see [`abide_web::run_mail_worker`]) when an SMTP
/// server is configured. Returns its task.
fn spawn_mail_worker(
    config: &Config,
    state: &AppState,
    shutdown: &CancellationToken,
    until_idle: bool,
) -> Option<tokio::task::JoinHandle<()>> {
    let Ok(Some(mail)) = mailer_config(config) else {
        tracing::warn!(
            "no SMTP server is configured (mail.smtp_url): subscribers' mail waits in the outbox"
        );
        return None;
    };
    let mailer = match abide_mail::Mailer::new(&mail) {
        Ok(mailer) => mailer,
        Err(e) => {
            tracing::error!(error = %e, "the mail worker cannot start");
            return None;
        }
    };
    if config.server.base_url.is_empty() {
        tracing::warn!(
            "server.base_url is not set: links in mail point at the address this node listens on"
        );
    }
    let options = abide_web::MailWorkerOptions {
        per_second: config.mail.per_second,
        concurrency: config.mail.concurrency.clamp(1, 256),
        lease: Duration::from_secs(config.mail.lease_secs.clamp(2, 24 * 3600)),
        retry_base: Duration::from_secs(config.mail.retry_secs.clamp(1, 24 * 3600)),
        until_idle,
        ..abide_web::MailWorkerOptions::default()
    };
    Some(tokio::spawn(abide_web::run_mail_worker(
        state.clone(),
        mailer,
        options,
        shutdown.clone(),
    )))
}

/// `abide worker`: sends mail (and queues what is due) without serving the
/// site, until SIGINT or SIGTERM. Run as many as the SMTP server welcomes,
/// on any node: each message is sent by one of them.
pub(crate) async fn worker(config: Config, until_idle: bool) -> anyhow::Result<ExitCode> {
    if mailer_config(&config)?.is_none() {
        anyhow::bail!("no SMTP server is configured: set mail.smtp_url (or ABIDE_MAIL_SMTP_URL)");
    }
    let store = open_store(&config).await?;
    let status = store.migration_status().await?;
    if !status.pending.is_empty() {
        anyhow::bail!(
            "the database needs {} migration(s): run `abide migrate` (or start `abide serve`) first",
            status.pending.len()
        );
    }
    let theme_dir =
        Some(PathBuf::from(&config.server.theme_dir)).filter(|d| !d.as_os_str().is_empty());
    let theme = Theme::load(theme_dir.as_deref())?;
    let library = {
        let dir = crate::bible::translations_dir(&config);
        std::sync::Arc::new(
            tokio::task::spawn_blocking(move || abide_bible::Library::open(&dir)).await??,
        )
    };
    let web = WebConfig {
        base_url: config.base_url(config.socket_addr()?),
        mail: mailer_config(&config)?,
        ..WebConfig::default()
    };
    let state = AppState::new(store.clone(), library, theme, web);
    let shutdown = CancellationToken::new();
    tokio::spawn(watch_signals(shutdown.clone()));
    println!("mail worker running (database: {})", store.backend().name());
    if let Some(task) = spawn_mail_worker(&config, &state, &shutdown, until_idle) {
        task.await?;
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Where this node keeps its search index.
pub(crate) fn search_dir(config: &Config) -> PathBuf {
    config.data_dir.join("search")
}

/// How often the search index asks whether content changed (on any node).
const SEARCH_FOLLOW_EVERY: Duration = Duration::from_secs(1);

/// Brings the search index up to date now, then whenever the content
/// changes, until shutdown.
async fn follow_search(state: AppState, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(SEARCH_FOLLOW_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = every.tick() => {}
        }
        if let Err(e) = state.sync_search().await {
            tracing::warn!(error = %e, "cannot bring the search index up to date");
        }
    }
}

/// How often expired sessions, used or expired links and closed rate-limit
/// windows are deleted.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(10 * 60);

/// Rate-limit counters are kept this long after their window opened: the
/// longest window of the web's limits.
const LONGEST_RATE_WINDOW: Duration = Duration::from_secs(3600);

/// Deletes what signs nobody in any more, now and every
/// [`HOUSEKEEPING_EVERY`], until shutdown. Every node may do it: the deletes
/// are idempotent.
async fn housekeeping(store: Store, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = every.tick() => {}
        }
        match store.purge_expired_sign_ins(LONGEST_RATE_WINDOW).await {
            Ok(0) => {}
            Ok(purged) => tracing::debug!(purged, "expired sessions, links and counters deleted"),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
    }
}

/// Listens on `addr` with a long queue of connections waiting to be
/// accepted: in a flood, connections must wait in the kernel's queue for the
/// accept loop to serve or refuse them, not be dropped at the door (which a
/// client sees as a connection that never answers).
fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    // The kernel caps it at net.core.somaxconn.
    socket.listen(4096)
}

/// Every connection costs a file descriptor: raise the soft limit to the hard
/// one (the default soft limit, 1024 on many systems, would cap the server
/// far below what it can hold). The server logs the figure with its
/// connection limits.
fn raise_open_file_limit() {
    if let Err(e) = rlimit::increase_nofile_limit(u64::MAX) {
        tracing::warn!(error = %e, "cannot raise the open-file limit");
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn watch_signals(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT: shutting down"),
        () = term => tracing::info!("SIGTERM: shutting down"),
    }
    shutdown.cancel();
}
