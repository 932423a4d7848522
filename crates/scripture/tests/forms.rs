//! Table-driven cases: each line of a fixture is `input<TAB>expected OSIS`,
//! the expected value being exactly what `abide refs` prints for the input
//! (comma-joined OSIS, empty for none; `-` stands for an empty expectation).

use crate::util::{cases, osis_line};

fn check(name: &str) {
    let mut failures = Vec::new();
    let all = cases(name);
    for (line, input, expected) in &all {
        let expected = if expected == "-" { "" } else { expected };
        let got = osis_line(input);
        if got != expected {
            failures.push(format!(
                "{name}:{line}: {input:?}\n   expected {expected:?}\n        got {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn forms() {
    check("forms.tsv");
}

#[test]
fn names() {
    check("names.tsv");
}

#[test]
fn validity_and_prose_words() {
    check("validity.tsv");
}
