//! Two versions of a file, line by line, for the revision page.

use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// The longest time a comparison may take; past it, the differences found
/// so far are coarser (whole blocks) but still correct.
const DEADLINE: Duration = Duration::from_millis(200);

/// Lines of context shown around each change.
const CONTEXT: usize = 3;

/// One line of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Line {
    /// `same`, `added`, `removed`, or `gap` (unchanged lines left out).
    pub(crate) kind: &'static str,
    /// Its number in the old version.
    pub(crate) old: Option<usize>,
    /// Its number in the new version.
    pub(crate) new: Option<usize>,
    /// The line, without its line ending.
    pub(crate) text: String,
}

/// The differences from `old` to `new`: changed lines with a little context,
/// and a `gap` where unchanged lines are left out.
pub(crate) fn lines(old: &str, new: &str) -> Vec<Line> {
    let diff = TextDiff::configure()
        .deadline(Instant::now() + DEADLINE)
        .diff_lines(old, new);
    let mut out = Vec::new();
    for (i, group) in diff.grouped_ops(CONTEXT).iter().enumerate() {
        if i > 0 {
            out.push(Line {
                kind: "gap",
                old: None,
                new: None,
                text: String::new(),
            });
        }
        for op in group {
            for change in diff.iter_changes(op) {
                out.push(Line {
                    kind: match change.tag() {
                        ChangeTag::Equal => "same",
                        ChangeTag::Insert => "added",
                        ChangeTag::Delete => "removed",
                    },
                    old: change.old_index().map(|i| i + 1),
                    new: change.new_index().map(|i| i + 1),
                    text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_come_with_context_and_numbers() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nk\n";
        let lines = lines(old, new);
        let kinds: Vec<&str> = lines.iter().map(|l| l.kind).collect();
        assert!(kinds.contains(&"removed") && kinds.contains(&"added"));
        let removed = lines.iter().find(|l| l.kind == "removed").unwrap();
        assert_eq!(
            (removed.old, removed.new, removed.text.as_str()),
            (Some(5), None, "e")
        );
        let added = lines.iter().find(|l| l.text == "k").unwrap();
        assert_eq!((added.kind, added.new), ("added", Some(11)));
        assert!(
            lines.iter().all(|l| l.text != "a"),
            "far context is left out"
        );
    }

    #[test]
    fn the_same_text_has_no_differences() {
        assert!(lines("x\ny\n", "x\ny\n").is_empty());
    }
}
