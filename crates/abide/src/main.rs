//! The `abide` binary: the command line over the other crates. It reads the
//! configuration, sets up logging and runs one command: `serve`, `migrate`,
//! `import`, `settings`, `user`, `config`, `refs`, `bible`.

mod bible;
mod bounces;
mod config;
mod demo;
mod export;
mod import;
mod logging;
mod mail;
mod refs;
mod serve;
mod user;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

/// Abide: devotional journeys, scripture-aware, self-hosted.
#[derive(Debug, Parser)]
#[command(name = "abide", version, about)]
struct Cli {
    /// Configuration file (TOML). Default: ./abide.toml when it exists.
    #[arg(long, global = true, env = "ABIDE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web site (applies pending migrations first).
    Serve(serve::ServeArgs),
    /// Validate journey folders (DIR holds journey.toml, or sub-folders that do)
    /// and import them in one transaction; nothing is imported when any file
    /// has a problem.
    Import {
        /// The folder.
        dir: PathBuf,
        /// Let a journey or entry take a slug that was published for another
        /// one (whose old addresses then lead to it). Without it, such an
        /// import fails and names the slug.
        #[arg(long)]
        reuse_slugs: bool,
        /// Replace files last saved in the back office with the folder's
        /// version (they stay revisions, to restore). Without it, such an
        /// import fails and names the files.
        #[arg(long, conflicts_with = "check")]
        overwrite: bool,
        /// Check the content before publishing, import nothing: placeholder
        /// text, empty sections, citations that do not exist, key verses
        /// quoted in another translation's words, images without alt text,
        /// links that lead nowhere. Fails when there is an error.
        #[arg(long, conflicts_with = "reuse_slugs")]
        check: bool,
    },
    /// Write every journey, as the site has it now (edits in the back office
    /// included), as journey folders under DIR: the format `abide import`
    /// reads, so that export then import changes nothing.
    Export {
        /// The folder to write into; each journey gets a sub-folder.
        dir: PathBuf,
        /// Write into journey folders that exist already, removing their
        /// entry files that the site no longer has.
        #[arg(long)]
        force: bool,
    },
    /// Apply pending database migrations, or show where the database stands.
    Migrate {
        /// Only show applied and pending migrations.
        #[arg(long)]
        status: bool,
    },
    /// Show or change the site settings kept in the database.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Accounts: add (the first owner), list, change a role, disable, enable.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Work with the configuration file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Find scripture references in text: reads stdin, prints one line per input
    /// line with the OSIS references found in it, comma-joined (empty when none).
    Refs {
        /// Print, per line, a JSON array with each citation's byte span, text,
        /// OSIS and verse ranges.
        #[arg(long)]
        json: bool,
    },
    /// Bible translations: list, show a passage, search, import, verse of the day.
    #[command(subcommand)]
    Bible(bible::BibleCommand),
    /// Send a newsletter written in Markdown to subscribers (now, at a time,
    /// or a test copy to one address).
    Send(mail::SendArgs),
    /// Subscribers: import a CSV export of another service, export, list.
    #[command(subcommand)]
    Subscribers(mail::SubscribersCommand),
    /// Bounces: read delivery status notifications and abuse reports from a
    /// Maildir or an mbox file (they also arrive at POST /mail/bounces).
    #[command(subcommand)]
    Bounces(bounces::BouncesCommand),
    /// Send mail without serving the site: queue what is due and deliver the
    /// outbox (several may run, on several nodes).
    Worker {
        /// Stop once nothing is due instead of waiting for more.
        #[arg(long)]
        until_idle: bool,
    },
    /// The search index of this node (in the data folder).
    #[command(subcommand)]
    Search(SearchCommand),
}

#[derive(Debug, Subcommand)]
enum SearchCommand {
    /// Rebuild the index from the database, all of it (the server must be
    /// stopped: it holds the index while it runs, and rebuilds a damaged or
    /// missing one by itself on start).
    Reindex,
}

#[derive(Debug, Subcommand)]
enum SettingsCommand {
    /// Print the site settings as JSON.
    Show,
    /// Change one site setting: title, tagline, description, language,
    /// time_zone, or social.NAME (a link in the footer; an empty value removes it).
    Set {
        /// The setting's name.
        key: String,
        /// Its new value.
        value: String,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print an example configuration file with every key, documented.
    Example,
    /// Check the configuration and print it as it will be used.
    Check,
}

/// `abide search reindex`: every findable entry indexed anew, in one commit,
/// with a progress line on a terminal.
async fn reindex(config: &Config, store: &abide_store::Store) -> anyhow::Result<ExitCode> {
    let dir = serve::search_dir(config);
    let (index, _) = abide_search::SearchIndex::open(&dir)?;
    let index = std::sync::Arc::new(index);
    let started = std::time::Instant::now();
    let n = abide_web::rebuild_search(store, std::sync::Arc::clone(&index), |done, total| {
        mail::progress_line(done, total);
    })
    .await?;
    println!(
        "indexed {n} entries in {:.1} s into {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            // One line, the whole chain of causes, no backtrace.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config_file = cli
        .config
        .or_else(|| Some(PathBuf::from("abide.toml")).filter(|p| p.is_file()));
    // Commands that need neither the configuration nor a runtime: a broken
    // configuration file must not stop a text filter.
    match cli.command {
        Command::Config(ConfigCommand::Example) => {
            print!("{}", Config::example());
            return Ok(ExitCode::SUCCESS);
        }
        Command::Refs { json } => return refs(json),
        _ => {}
    }
    let config = Config::load(config_file.as_deref())?;
    logging::init(&config.log)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(config, args).await,
            Command::Worker { until_idle } => serve::worker(config, until_idle).await,
            Command::Send(args) => mail::send(&config, args).await,
            Command::Subscribers(command) => mail::subscribers(&config, command).await,
            Command::Bounces(command) => bounces::run(&config, command).await,
            Command::Migrate { status } => migrate(&config, status).await,
            Command::Import {
                dir, check: true, ..
            } => import::check(&config, &dir),
            Command::Import {
                dir,
                reuse_slugs,
                overwrite,
                ..
            } => {
                let store = serve::open_store(&config).await?;
                store.migrate().await?;
                let options = abide_store::ImportOptions {
                    reuse_slugs,
                    overwrite_browser_edits: overwrite,
                    ..Default::default()
                };
                let code = import::run(&store, &dir, options).await;
                store.close().await;
                code
            }
            Command::Export { dir, force } => {
                let store = serve::open_store(&config).await?;
                store.migrate().await?;
                let code = export::run(&store, &dir, force).await;
                store.close().await;
                code
            }
            Command::Settings(command) => settings(&config, command).await,
            Command::Search(SearchCommand::Reindex) => {
                let store = serve::open_store(&config).await?;
                store.migrate().await?;
                let code = reindex(&config, &store).await;
                store.close().await;
                code
            }
            Command::User(command) => {
                let store = serve::open_store(&config).await?;
                store.migrate().await?;
                let code = user::run(&store, command).await;
                store.close().await;
                code
            }
            Command::Config(ConfigCommand::Check) => {
                println!("{}", serde_json::to_string_pretty(&config.redacted())?);
                Ok(ExitCode::SUCCESS)
            }
            Command::Bible(command) => bible::run(&config, command),
            Command::Config(ConfigCommand::Example) | Command::Refs { .. } => {
                unreachable!("handled above")
            }
        }
    })
}

fn refs(json: bool) -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    match refs::run(stdin, stdout, json) {
        // A reader that stops early (`abide refs | head`) is a normal end.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        result => {
            result.map_err(|e| anyhow::anyhow!("refs: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn migrate(config: &Config, status_only: bool) -> anyhow::Result<ExitCode> {
    let store = serve::open_store(config).await?;
    if !status_only {
        let applied = store.migrate().await?;
        println!("applied {} migration(s)", applied.len());
    }
    let status = store.migration_status().await?;
    println!(
        "database: {} ({}); schema at version {}; {} pending",
        store.backend().name(),
        abide_store::redact_url(&config.database_url()),
        status.applied.last().copied().unwrap_or(0),
        status.pending.len()
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn settings(config: &Config, command: SettingsCommand) -> anyhow::Result<ExitCode> {
    let store = serve::open_store(config).await?;
    store.migrate().await?;
    let mut site = store.site_settings().await?;
    match command {
        SettingsCommand::Show => println!("{}", serde_json::to_string_pretty(&site)?),
        SettingsCommand::Set { key, value } if key.starts_with("social.") => {
            let name = key["social.".len()..].trim().to_owned();
            if name.is_empty() {
                anyhow::bail!("social.NAME: give the link a name, e.g. social.Facebook");
            }
            if !(value.is_empty() || value.starts_with("https://") || value.starts_with("http://"))
            {
                anyhow::bail!("{key}: {value:?} must start with https:// or http://");
            }
            site.social_links
                .retain(|l| !l.name.eq_ignore_ascii_case(&name));
            if !value.is_empty() {
                site.social_links
                    .push(abide_store::SocialLink { name, url: value });
            }
            store.set_site_settings(&site).await?;
            println!("{}", serde_json::to_string(&site.social_links)?);
        }
        SettingsCommand::Set { key, value } => {
            let field = match key.as_str() {
                "title" => &mut site.title,
                "tagline" => &mut site.tagline,
                "description" => &mut site.description,
                "language" => &mut site.language,
                "time_zone" => &mut site.time_zone,
                other => anyhow::bail!(
                    "unknown setting {other:?}: expected title, tagline, description, language, time_zone or social.NAME"
                ),
            };
            *field = value;
            if key == "time_zone" {
                jiff::tz::TimeZone::get(&site.time_zone).map_err(|_| {
                    anyhow::anyhow!(
                        "unknown time zone {:?}: use an IANA name like Europe/London",
                        site.time_zone
                    )
                })?;
            }
            store.set_site_settings(&site).await?;
            println!("{key} = {:?}", serde_json::to_value(&site)?[&key]);
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
