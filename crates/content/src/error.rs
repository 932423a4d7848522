use std::fmt;
use std::path::PathBuf;

/// One problem in a journey folder, at a file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    /// The file, as given (relative to where the import started when possible).
    pub file: PathBuf,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl ContentError {
    pub(crate) fn new(
        file: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ContentError {}

/// Every problem found in a journey folder: validation does not stop at the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", display_all(.0))]
pub struct ContentErrors(pub Vec<ContentError>);

fn display_all(errors: &[ContentError]) -> String {
    let mut out = format!("{} problem(s) found:", errors.len());
    for e in errors {
        out.push_str("\n  ");
        out.push_str(&e.to_string());
    }
    out
}
