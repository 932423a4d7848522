//! An entry file as the parts of the back office's editor (title, key
//! passage, reflection, Going Deeper, practices, questions, …), and back: the
//! editor writes the same file format a folder holds, so that an entry edited
//! in the browser exports to its file and imports again unchanged.

use std::fmt::Write as _;

use serde::Serialize;

use crate::load::front_matter::split_front_matter;
use crate::load::sections::{items, split_minutes, split_sections};
use crate::model::EntryKind;

/// One practice of the Application: its text (Markdown) and a suggested
/// duration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PracticeForm {
    /// The practice, one line of Markdown.
    pub text: String,
    /// Minutes, if suggested.
    pub minutes: Option<u32>,
}

/// The parts of an entry, as the editor shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryForm {
    /// The title.
    pub title: String,
    /// The slug, when the author chose one (else it follows the title).
    pub slug: String,
    /// Introduction, day or recap.
    pub kind: EntryKind,
    /// The week (1-based).
    pub week: u32,
    /// The day within the week, for days.
    pub day: Option<u32>,
    /// The key passage as written ("Psalm 46:10").
    pub key_passage: String,
    /// A summary for lists and link previews; empty: the reflection's start.
    pub summary: String,
    /// When it appears: a date (`2026-12-01`), a local time
    /// (`2026-12-01T06:00`) or an instant; empty: from the journey's start.
    pub publish: String,
    /// Tags, as written.
    pub tags: Vec<String>,
    /// The author's slug; empty: the journey's author.
    pub author: String,
    /// Only for signed-in members.
    pub members_only: bool,
    /// Not published.
    pub draft: bool,
    /// The reflection (Markdown).
    pub reflection: String,
    /// Going Deeper (Markdown), if any.
    pub going_deeper: String,
    /// The Application's practices.
    pub practices: Vec<PracticeForm>,
    /// The Questions (Markdown, one each).
    pub questions: Vec<String>,
}

impl Default for EntryForm {
    fn default() -> Self {
        Self {
            title: String::new(),
            slug: String::new(),
            kind: EntryKind::Day,
            week: 1,
            day: Some(1),
            key_passage: String::new(),
            summary: String::new(),
            publish: String::new(),
            tags: Vec::new(),
            author: String::new(),
            members_only: false,
            draft: false,
            reflection: String::new(),
            going_deeper: String::new(),
            practices: Vec::new(),
            questions: Vec::new(),
        }
    }
}

/// Why an entry file cannot be shown as the editor's parts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormError(pub String);

impl EntryForm {
    /// The parts of the entry file `text`. Parts given in the front matter
    /// (`going_deeper`, `application`, `questions`) become the sections they
    /// stand for; [`EntryForm::to_file`] writes them as sections, which read
    /// the same.
    pub fn from_file(text: &str) -> Result<Self, FormError> {
        let (front, _, body, _) = split_front_matter(text).ok_or_else(|| {
            FormError("the file has no TOML front matter between +++ lines".into())
        })?;
        let table: toml::Table = toml::from_str(front)
            .map_err(|e| FormError(format!("front matter: {}", e.message())))?;
        let string = |key: &str| -> Result<String, FormError> {
            match table.get(key) {
                None => Ok(String::new()),
                Some(toml::Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(FormError(format!("`{key}` must be text"))),
            }
        };
        let number = |key: &str| -> Result<Option<u32>, FormError> {
            match table.get(key) {
                None => Ok(None),
                Some(toml::Value::Integer(n)) => u32::try_from(*n)
                    .map(Some)
                    .map_err(|_| FormError(format!("`{key}` is out of range"))),
                Some(_) => Err(FormError(format!("`{key}` must be a number"))),
            }
        };
        let flag = |key: &str| -> Result<bool, FormError> {
            match table.get(key) {
                None => Ok(false),
                Some(toml::Value::Boolean(b)) => Ok(*b),
                Some(_) => Err(FormError(format!("`{key}` must be true or false"))),
            }
        };
        let strings = |key: &str| -> Result<Vec<String>, FormError> {
            match table.get(key) {
                None => Ok(Vec::new()),
                Some(toml::Value::Array(items)) => items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| FormError(format!("`{key}` must be a list of text")))
                    })
                    .collect(),
                Some(_) => Err(FormError(format!("`{key}` must be a list of text"))),
            }
        };
        let kind = match table.get("kind").and_then(toml::Value::as_str) {
            None => EntryKind::Day,
            Some(k) => EntryKind::parse(k).ok_or_else(|| {
                FormError(format!("kind {k:?} is not day, introduction or recap"))
            })?,
        };
        let publish = match table.get("publish") {
            None => String::new(),
            Some(toml::Value::Datetime(dt)) => dt.to_string(),
            Some(toml::Value::String(s)) => s.clone(),
            Some(_) => return Err(FormError("`publish` must be a date or a time".into())),
        };

        let sections = split_sections(body);
        let mut going_deeper = string("going_deeper")?;
        if let Some((section, _)) = sections.going_deeper {
            going_deeper = join_parts(&going_deeper, section.trim());
        }
        let mut practices = Vec::new();
        if let Some(toml::Value::Array(list)) = table.get("application") {
            for item in list {
                practices.push(match item {
                    toml::Value::String(text) => practice_form(text),
                    toml::Value::Table(t) => PracticeForm {
                        text: t
                            .get("text")
                            .and_then(toml::Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        minutes: t
                            .get("minutes")
                            .and_then(toml::Value::as_integer)
                            .and_then(|m| u32::try_from(m).ok()),
                    },
                    _ => return Err(FormError("`application` must be a list".into())),
                });
            }
        }
        if let Some((section, _)) = sections.application {
            practices.extend(items(section).iter().map(|t| practice_form(t)));
        }
        let mut questions = strings("questions")?;
        if let Some((section, _)) = sections.questions {
            questions.extend(items(section));
        }
        Ok(Self {
            title: string("title")?,
            slug: string("slug")?,
            kind,
            week: number("week")?.unwrap_or(1),
            day: number("day")?,
            key_passage: string("key_passage")?,
            summary: string("summary")?,
            publish,
            tags: strings("tags")?,
            author: string("author")?,
            members_only: flag("members_only")?,
            draft: flag("draft")?,
            reflection: sections.reflection.trim().to_owned(),
            going_deeper,
            practices,
            questions,
        })
    }

    /// The entry file: TOML front matter, then the reflection and the
    /// sections. A `publish` that is not a TOML date or time is written as
    /// text, which the loader then reports.
    pub fn to_file(&self) -> String {
        let mut out = String::from("+++\n");
        let mut line = |key: &str, value: String| {
            let _ = writeln!(out, "{key} = {value}");
        };
        line("title", quoted(self.title.trim()));
        if !self.slug.trim().is_empty() {
            line("slug", quoted(self.slug.trim()));
        }
        if self.kind != EntryKind::Day {
            line("kind", quoted(self.kind.as_str()));
        }
        line("week", self.week.to_string());
        if let Some(day) = self.day.filter(|_| self.kind == EntryKind::Day) {
            line("day", day.to_string());
        }
        if !self.key_passage.trim().is_empty() {
            line("key_passage", quoted(self.key_passage.trim()));
        }
        if !self.summary.trim().is_empty() {
            line("summary", quoted(self.summary.trim()));
        }
        let publish = self.publish.trim();
        if !publish.is_empty() {
            line(
                "publish",
                match publish.parse::<toml::value::Datetime>() {
                    Ok(dt) => dt.to_string(),
                    Err(_) => quoted(publish),
                },
            );
        }
        let tags: Vec<String> = self
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(quoted)
            .collect();
        if !tags.is_empty() {
            line("tags", format!("[{}]", tags.join(", ")));
        }
        if !self.author.trim().is_empty() {
            line("author", quoted(self.author.trim()));
        }
        if self.members_only {
            line("members_only", "true".into());
        }
        if self.draft {
            line("draft", "true".into());
        }
        out.push_str("+++\n");
        let reflection = normalize(&self.reflection);
        if !reflection.is_empty() {
            out.push('\n');
            out.push_str(&reflection);
            out.push('\n');
        }
        let going_deeper = normalize(&self.going_deeper);
        if !going_deeper.is_empty() {
            let _ = write!(out, "\n## Going Deeper\n\n{going_deeper}\n");
        }
        let practices: Vec<&PracticeForm> = self
            .practices
            .iter()
            .filter(|p| !p.text.trim().is_empty())
            .collect();
        if !practices.is_empty() {
            out.push_str("\n## Application\n\n");
            for p in practices {
                let text = one_line(&p.text);
                match p.minutes {
                    Some(m) => {
                        let _ = writeln!(out, "- {text} {{{m} min}}");
                    }
                    None => {
                        let _ = writeln!(out, "- {text}");
                    }
                }
            }
        }
        let questions: Vec<String> = self
            .questions
            .iter()
            .map(|q| one_line(q))
            .filter(|q| !q.is_empty())
            .collect();
        match questions.as_slice() {
            [] => {}
            [one] => {
                let _ = write!(out, "\n## Question\n\n{one}\n");
            }
            many => {
                out.push_str("\n## Questions\n\n");
                for q in many {
                    let _ = writeln!(out, "- {q}");
                }
            }
        }
        out
    }
}

/// A practice as written in a list item: its text and its `{N min}`.
fn practice_form(text: &str) -> PracticeForm {
    let (text, minutes) = split_minutes(text);
    PracticeForm {
        text: text.trim().to_owned(),
        minutes,
    }
}

fn join_parts(a: &str, b: &str) -> String {
    match (a.trim().is_empty(), b.is_empty()) {
        (true, _) => b.to_owned(),
        (false, true) => a.trim().to_owned(),
        (false, false) => format!("{}\n\n{b}", a.trim()),
    }
}

/// The `journey.toml` of a new journey: its title, summary, start date
/// (`2026-12-01`) and one week, written as the folder format has it.
pub fn new_journey_toml(title: &str, summary: &str, start: &str) -> String {
    format!(
        "title = {}\nsummary = {}\nstart = {start}\n\n[[weeks]]\nnumber = 1\ntheme = {}\n",
        quoted(title),
        quoted(summary),
        quoted("Week one"),
    )
}

/// A TOML string, escaped.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// Text of a form field: line endings as `\n`, no blank space around it.
fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned()
}

/// One list item's text: its lines joined.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_writes_a_file_that_reads_back_the_same() {
        let form = EntryForm {
            title: "Be \"Still\"".into(),
            key_passage: "Psalm 46:10".into(),
            publish: "2026-12-01T06:00:00".into(),
            tags: vec!["Rest".into(), "Prayer".into()],
            reflection: "Stop.\r\n\r\nListen (Ps 46:10).".into(),
            going_deeper: "Read 1 Kings 19.".into(),
            practices: vec![
                PracticeForm {
                    text: "Sit still".into(),
                    minutes: Some(5),
                },
                PracticeForm {
                    text: "Write a line".into(),
                    minutes: None,
                },
            ],
            questions: vec!["What keeps you busy?".into()],
            ..EntryForm::default()
        };
        let file = form.to_file();
        let back = EntryForm::from_file(&file).unwrap();
        assert_eq!(back.reflection, "Stop.\n\nListen (Ps 46:10).");
        assert_eq!(
            EntryForm {
                reflection: form.reflection.replace('\r', ""),
                ..form
            },
            back,
            "{file}"
        );
        assert_eq!(back.to_file(), file);
    }

    #[test]
    fn front_matter_sections_become_sections() {
        let file = "+++\ntitle = \"T\"\nweek = 1\nday = 2\nquestions = [\"Why?\"]\ngoing_deeper = \"More.\"\napplication = [\"Pray {5 min}\", { text = \"Walk\", minutes = 20 }]\n+++\n\nBody.\n";
        let form = EntryForm::from_file(file).unwrap();
        assert_eq!(form.questions, ["Why?"]);
        assert_eq!(form.going_deeper, "More.");
        assert_eq!(form.practices.len(), 2);
        assert_eq!(form.practices[0].minutes, Some(5));
        assert_eq!(form.practices[1].minutes, Some(20));
        assert!(
            form.to_file()
                .contains("## Application\n\n- Pray {5 min}\n- Walk {20 min}\n")
        );
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert!(EntryForm::from_file("no front matter").is_err());
        assert!(EntryForm::from_file("+++\ntitle = 3\n+++\n").is_err());
        assert!(EntryForm::from_file("+++\nweek = -1\n+++\n").is_err());
    }
}
