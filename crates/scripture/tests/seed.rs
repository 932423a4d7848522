//! The seed page: every citation found, with the right OSIS, and nothing else.

use crate::util::{cases, read_fixture};
use abide_scripture::extract;

#[test]
fn every_citation_of_the_seed_page_and_nothing_else() {
    let text = read_fixture("seed.txt");
    let found: Vec<(String, String)> = extract(&text)
        .iter()
        .map(|c| (c.text.to_owned(), c.osis()))
        .collect();
    let expected: Vec<(String, String)> = cases("seed.expected")
        .into_iter()
        .map(|(_, text, osis)| (text, osis))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn spans_point_at_the_citations() {
    let text = read_fixture("seed.txt");
    for c in extract(&text) {
        assert_eq!(&text[c.span.clone()], c.text);
    }
    let v17 = extract(&text).into_iter().find(|c| c.contextual).unwrap();
    assert_eq!((v17.text, v17.osis().as_str()), ("v. 17", "Rev.3.17"));
}
