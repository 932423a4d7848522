//! `abide bible`: the translations in `<data_dir>/translations` and the
//! bundled ones — list, show a passage, search, import, verse of the day.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use abide_bible::{
    Format, ImportOptions, Library, Passage, Run, Translation, TranslationInfo, import_file,
    import_sword,
};
use abide_scripture::parse;
use anyhow::{Context, bail};

use crate::config::Config;

/// The SWORD module of the 2020 World English Bible (Debian `sword-text-web`).
pub(crate) const WEB_MODULE: &str = "engWEB2015eb";

#[derive(Debug, clap::Subcommand)]
pub(crate) enum BibleCommand {
    /// List the translations (the default one is marked with *).
    List,
    /// Print a passage with verse numbers, headings, paragraphs and footnotes.
    Show {
        /// A reference: "Psalm 46:10", "John 3:16-18; 4:2", "Luke 15", "Ruth".
        reference: String,
        /// The translation's id (default: the default translation).
        #[arg(long, short)]
        translation: Option<String>,
    },
    /// Search a translation for words or a "quoted phrase", best matches first.
    Search {
        /// Words ("thirst") or a phrase ("be still").
        query: String,
        /// The translation's id (default: the default translation).
        #[arg(long, short)]
        translation: Option<String>,
        /// Show at most this many verses.
        #[arg(long, short, default_value_t = 20)]
        limit: usize,
    },
    /// Import a translation from a file (OSIS, USFX, Zefania, USFM folder or zip,
    /// TSV) or an installed SWORD module.
    Import {
        /// The file or folder to import (not with --sword).
        #[arg(required_unless_present = "sword", conflicts_with = "sword")]
        path: Option<PathBuf>,
        /// Import this installed SWORD module instead, e.g. engWEB2015eb.
        #[arg(long, value_name = "MODULE")]
        sword: Option<String>,
        /// The new translation's id, e.g. "web" (for --sword: default the
        /// module's abbreviation in lower case).
        #[arg(long)]
        id: Option<String>,
        /// Its full name (default: from the source).
        #[arg(long)]
        name: Option<String>,
        /// Its abbreviation (default: from the source, else the id in capitals).
        #[arg(long)]
        abbreviation: Option<String>,
        /// Its language, e.g. "en" (default: from the source, else en).
        #[arg(long)]
        language: Option<String>,
        /// The licence in a few words, e.g. "Public domain" or "Used by permission".
        #[arg(long)]
        licence: Option<String>,
        /// The rights holder's statement, shown with the text.
        #[arg(long)]
        statement: Option<String>,
        /// The format: osis, usfx, zefania, usfm, tsv (default: guessed).
        #[arg(long)]
        format: Option<Format>,
        /// Replace a translation with the same id.
        #[arg(long)]
        replace: bool,
    },
    /// Print the verse of the day (from <data_dir>/translations/verse-of-the-day.txt
    /// when present, else the built-in list).
    Votd {
        /// The date, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// The translation's id (default: the default translation).
        #[arg(long, short)]
        translation: Option<String>,
    },
}

/// The translations folder: `<data_dir>/translations`.
pub(crate) fn translations_dir(config: &Config) -> PathBuf {
    config.data_dir.join("translations")
}

/// Imports the World English Bible from its installed SWORD module when the
/// translations folder does not have it yet (or has a copy this Abide cannot
/// read, e.g. from an older format), so that it is the default wherever
/// Debian's `sword-text-web` is installed. Returns a line to show when it
/// imported; a missing module is not an error.
pub(crate) fn import_web_if_installed(dir: &Path) -> anyhow::Result<Option<String>> {
    let target = dir.join(format!(
        "{}.{}",
        abide_bible::PREFERRED_DEFAULT,
        abide_bible::TRANSLATION_EXTENSION
    ));
    let readable = target.exists() && Translation::open(&target).is_ok();
    if readable || abide_bible::find_sword_module(WEB_MODULE).is_none() {
        return Ok(None);
    }
    let mut options = ImportOptions::new(abide_bible::PREFERRED_DEFAULT);
    options.replace = true;
    let report = import_sword(WEB_MODULE, &options, dir)
        .with_context(|| format!("importing the World English Bible into {}", dir.display()))?;
    Ok(Some(format!(
        "imported the {} from the installed SWORD module {WEB_MODULE} into {}",
        report.info.name,
        report.path.display()
    )))
}

/// Opens the library of `<data_dir>/translations`, importing the WEB first
/// when its module is installed; problems are warned about on stderr.
pub(crate) fn open_library(config: &Config) -> anyhow::Result<Library> {
    let dir = translations_dir(config);
    if let Some(line) = import_web_if_installed(&dir)? {
        eprintln!("{line}");
    }
    let library = Library::open(&dir)?;
    for problem in library.problems() {
        eprintln!("warning: {problem}");
    }
    Ok(library)
}

fn pick<'l>(library: &'l Library, id: Option<&str>) -> anyhow::Result<&'l Translation> {
    match id {
        None => Ok(library.default_translation()),
        Some(id) => library.get(id).with_context(|| {
            let ids: Vec<&str> = library.list().iter().map(|t| t.id.as_str()).collect();
            format!("no translation {id:?}; there are: {}", ids.join(", "))
        }),
    }
}

pub(crate) fn run(config: &Config, command: BibleCommand) -> anyhow::Result<ExitCode> {
    match command {
        BibleCommand::List => list(&open_library(config)?)?,
        BibleCommand::Show {
            reference,
            translation,
        } => {
            let library = open_library(config)?;
            let t = pick(&library, translation.as_deref())?;
            let citation = parse(&reference).map_err(|e| anyhow::anyhow!("{e}"))?;
            let passage = t.passage(&citation.ranges)?;
            print!(
                "{}",
                render(&passage, t.info(), std::io::stdout().is_terminal())
            );
        }
        BibleCommand::Search {
            query,
            translation,
            limit,
        } => {
            let library = open_library(config)?;
            let t = pick(&library, translation.as_deref())?;
            search(t, &query, limit)?;
        }
        BibleCommand::Import {
            path,
            sword,
            id,
            name,
            abbreviation,
            language,
            licence,
            statement,
            format,
            replace,
        } => {
            let dir = translations_dir(config);
            let mut options = ImportOptions::new(String::new());
            options.name = name;
            options.abbreviation = abbreviation;
            options.language = language;
            options.licence = licence;
            options.statement = statement;
            options.format = format;
            options.replace = replace;
            let report = match (sword, path) {
                (Some(module), _) => {
                    options.id = match id {
                        Some(id) => id,
                        None => sword_default_id(&module),
                    };
                    import_sword(&module, &options, &dir)?
                }
                (None, Some(path)) => {
                    options.id =
                        id.context("give the new translation an id with --id, e.g. --id web")?;
                    import_file(&path, &options, &dir)?
                }
                (None, None) => bail!("give a file or folder to import, or --sword MODULE"),
            };
            let info = &report.info;
            println!(
                "imported {}: {} ({}), {} verses in {} books, {:.1} MB, into {}",
                info.id,
                info.name,
                info.abbreviation,
                group(info.verse_count as usize),
                info.books.len(),
                report.bytes as f64 / 1e6,
                report.path.display()
            );
            for note in &report.notes {
                println!("  note: {note}");
            }
        }
        BibleCommand::Votd { date, translation } => {
            let library = open_library(config)?;
            let t = pick(&library, translation.as_deref())?;
            let date = match date {
                Some(d) => d
                    .parse::<jiff::civil::Date>()
                    .with_context(|| format!("{d:?} is not a date like 2026-11-25"))?,
                None => jiff::ZonedDateTime::now().date(),
            };
            let month = u8::try_from(date.month()).unwrap_or(1);
            let day = u8::try_from(date.day()).unwrap_or(1);
            let range = library.verse_of_the_day(i32::from(date.year()), month, day);
            let passage = t.passage(range)?;
            println!("Verse of the day, {date}:");
            print!(
                "{}",
                render(&passage, t.info(), std::io::stdout().is_terminal())
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `engWEB2015eb` → `web` (its abbreviation), else the module name in lower case.
fn sword_default_id(module: &str) -> String {
    if module.eq_ignore_ascii_case(WEB_MODULE) {
        return abide_bible::PREFERRED_DEFAULT.to_owned();
    }
    module
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(32)
        .collect()
}

fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn list(library: &Library) -> anyhow::Result<()> {
    let default = library.default_id();
    let rows: Vec<[String; 6]> = library
        .list()
        .iter()
        .map(|t| {
            [
                format!("{} {}", if t.id == default { "*" } else { " " }, t.id),
                t.abbreviation.clone(),
                t.name.clone(),
                t.language.clone(),
                group(t.verse_count as usize),
                if t.bundled {
                    format!("{} (bundled)", t.licence)
                } else {
                    t.licence.clone()
                },
            ]
        })
        .collect();
    let header = ["  id", "abbr.", "name", "lang.", "verses", "licence"].map(str::to_owned);
    let mut widths = [0; 6];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (w, cell)) in widths.iter().zip(row).enumerate() {
            if i == 4 {
                let _ = write!(line, "{cell:>w$}  ");
            } else {
                let _ = write!(line, "{cell:<w$}  ");
            }
        }
        println!("{}", line.trim_end());
    }
    Ok(())
}

/// The passage as the terminal shows it: the reference and translation,
/// headings and psalm titles on their own lines, a blank line between
/// paragraphs, verse numbers in the margin, poetry line by line, footnote
/// marks `[a]` with the notes below, and the attribution. `red` colours the
/// words of Jesus (for a terminal).
pub(crate) fn render(passage: &Passage, info: &TranslationInfo, red: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", passage.reference, info.abbreviation);
    let mut notes: Vec<(String, String)> = Vec::new();
    let mut first = true;
    let mut previous: Option<abide_scripture::VerseRef> = None;
    for verse in &passage.verses {
        let r = verse.reference;
        let moved = previous.is_some_and(|p| p.book != r.book || p.chapter != r.chapter);
        if verse.range_start || moved {
            // A gap ("…"), or another chapter: say where the text goes on.
            let gap = if verse.range_start { "… " } else { "" };
            let _ = write!(out, "\n     {gap}{}\n", chapter_name(r));
            first = true;
        }
        previous = Some(r);
        for heading in &verse.headings {
            let _ = write!(out, "\n     {heading}\n");
            first = true;
        }
        if let Some(title) = &verse.title {
            let _ = write!(out, "\n     {title}\n");
            first = true;
        }
        if (verse.paragraph || first) && !out.ends_with("\n\n") {
            out.push('\n');
        }
        first = false;
        // The text with note marks and, on a terminal, red letters.
        let mut text = String::new();
        for run in verse.runs() {
            match run {
                Run::Text { text: t, jesus } if jesus && red => {
                    let _ = write!(text, "\x1b[31m{t}\x1b[0m");
                }
                Run::Text { text: t, .. } => text.push_str(t),
                Run::LineBreak => text.push('\n'),
                Run::Note(n) => {
                    let mark = abide_bible::note_mark(notes.len());
                    let _ = write!(text, "[{mark}]");
                    let r = verse.reference;
                    notes.push((
                        mark,
                        format!("{}:{} {}", r.chapter, r.verse, verse.notes[n].text),
                    ));
                }
                _ => {}
            }
        }
        for (i, line) in text.split('\n').enumerate() {
            if i == 0 {
                let _ = writeln!(out, "{:>3}  {line}", verse.number);
            } else {
                let _ = writeln!(out, "       {line}");
            }
        }
    }
    if !passage.absent.is_empty() {
        let absent: Vec<String> = passage
            .absent
            .iter()
            .map(|r| format!("{}:{}", r.chapter, r.verse))
            .collect();
        let shown: Vec<&str> = absent.iter().take(8).map(String::as_str).collect();
        let more = absent.len().saturating_sub(shown.len());
        let _ = write!(
            out,
            "\n     (not in the {}: {}{})\n",
            info.abbreviation,
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    if !notes.is_empty() {
        out.push('\n');
        for (mark, note) in notes {
            let _ = writeln!(out, "  [{mark}] {note}");
        }
    }
    let _ = write!(out, "\n{}\n", info.attribution());
    out
}

/// "Romans 8", "Jude": where a verse stands, for a reader who lost the thread.
fn chapter_name(r: abide_scripture::VerseRef) -> String {
    let v = abide_scripture::Versification::kjv();
    match abide_scripture::Range::chapter(r.book, r.chapter, v) {
        Some(chapter) => abide_scripture::format_range(chapter, abide_scripture::Style::Full),
        None => r.book.book().name.to_owned(),
    }
}

fn search(t: &Translation, query: &str, limit: usize) -> anyhow::Result<()> {
    // Read as the site's search reads it: a reference in the query names a
    // passage, and the verses are searched for the other words.
    let parsed = abide_search::parse_query(query);
    if let Some(reference) = &parsed.reference {
        println!(
            "{} is a passage: abide bible show \"{}\"",
            reference.text,
            abide_scripture::format_ranges(&reference.ranges, abide_scripture::Style::Full)
        );
        if parsed.words.is_empty() && parsed.phrases.is_empty() {
            return Ok(());
        }
    }
    let words = parsed.words_text();
    let query = words.as_str();
    let results = t.search(query, limit)?;
    let info = t.info();
    if results.total == 0 {
        println!(
            "no verse of the {} ({}) matches {query:?}",
            info.name, info.abbreviation
        );
        return Ok(());
    }
    println!(
        "{} verse{} of the {} ({}) match {query:?}{}",
        group(results.total),
        if results.total == 1 { "" } else { "s" },
        info.name,
        info.abbreviation,
        if results.total > results.hits.len() {
            format!("; the {} best:", results.hits.len())
        } else {
            ":".to_owned()
        }
    );
    let bold = std::io::stdout().is_terminal();
    let width = results
        .hits
        .iter()
        .map(|h| reference(h.reference).chars().count())
        .max()
        .unwrap_or(0);
    println!();
    for hit in &results.hits {
        let mut text = String::new();
        let mut at = 0;
        for span in &hit.highlights {
            text.push_str(&hit.text[at..span.start]);
            if bold {
                let _ = write!(text, "\x1b[1m{}\x1b[0m", &hit.text[span.clone()]);
            } else {
                text.push_str(&hit.text[span.clone()]);
            }
            at = span.end;
        }
        text.push_str(&hit.text[at..]);
        let text = text.replace('\n', " ");
        println!("{:<width$}  {text}", reference(hit.reference));
    }
    println!("\n{}", info.attribution());
    Ok(())
}

fn reference(r: abide_scripture::VerseRef) -> String {
    abide_scripture::format_range(
        abide_scripture::Range::verse(r),
        abide_scripture::Style::Full,
    )
}
