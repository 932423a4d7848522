//! The search index on documents made here: each kind of query, the
//! members-only rule, the ranking of passage queries, and the index's life on
//! disk (created, reopened, damaged, planned against the database's versions).
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]

use abide_search::{Card, Cited, Document, Opened, SearchIndex, SearchRequest};

const NOW: i64 = 1_000_000;

fn key(osis: &str) -> (u32, u32) {
    let ranges = abide_scripture::parse_osis(osis).unwrap();
    (ranges[0].keys().0, ranges.last().unwrap().keys().1)
}

fn cite(osis: &str, is_key: bool) -> Cited {
    let (start, end) = key(osis);
    Cited {
        start,
        end,
        key: is_key,
    }
}

fn doc(id: i64, title: &str, text: &str, citations: Vec<Cited>) -> Document {
    Document {
        card: Card {
            id,
            journey_slug: "come-and-rest".into(),
            journey_title: "Come and Rest".into(),
            slug: format!("entry-{id}"),
            title: title.into(),
            summary: format!("Summary of {title}."),
            publish_at: 1_000,
            tags: vec!["rest".into()],
            ..Card::default()
        },
        version: 1,
        text: text.into(),
        tag_names: vec!["Rest".into()],
        citations,
    }
}

fn corpus() -> Vec<Document> {
    let mut members = doc(
        4,
        "Hidden Springs",
        "A secret well of marmalade waters the garden of the soul.",
        vec![cite("Ps.46.10", false)],
    );
    members.card.members_only = true;
    let mut later = doc(5, "Not Yet", "Stillness that comes tomorrow.", vec![]);
    later.card.publish_at = NOW + 1;
    let mut other = doc(
        6,
        "Fruit That Remains",
        "Abide in the vine; apart from him we can do nothing.",
        vec![cite("John.15.5", true)],
    );
    other.card.journey_slug = "vine".into();
    other.card.tags = vec!["abiding".into()];
    vec![
        doc(
            1,
            "Be Still",
            "In stillness we learn that God is God. Be still, and know.",
            vec![cite("Ps.46.10", true), cite("1Kgs.19.12", false)],
        ),
        doc(
            2,
            "A Thirsty Land",
            "My soul is thirsty for you in a dry and weary land. We also read Psalm 46 in passing.",
            vec![cite("Ps.63.1", true), cite("Ps.46", false)],
        ),
        doc(
            3,
            "Morning Quiet",
            "Rise early and sit quietly before the day begins.",
            vec![cite("Mark.1.35", true)],
        ),
        members,
        later,
        other,
    ]
}

fn index() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    index.apply(&corpus(), &[]).unwrap();
    index
}

fn ids(index: &SearchIndex, text: &str, member: bool) -> Vec<i64> {
    let results = index
        .search(&SearchRequest {
            text,
            member,
            now: NOW,
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(
        results.total,
        results.hits.len(),
        "{text}: one page holds all"
    );
    results.hits.iter().map(|h| h.card.id).collect()
}

#[test]
fn words_are_stemmed() {
    let index = index();
    assert_eq!(ids(&index, "stillness ", false), [1]);
    assert_eq!(
        ids(&index, "stilled ", false),
        [1],
        "still, stilled, stillness"
    );
    assert_eq!(ids(&index, "thirst ", false), [2]);
}

#[test]
fn every_word_must_match_until_none_does() {
    let index = index();
    assert_eq!(ids(&index, "dry weary ", false), [2]);
    let results = index
        .search(&SearchRequest {
            text: "dry vine ",
            now: NOW,
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    assert!(results.relaxed, "no entry holds both");
    assert_eq!(results.total, 2);
}

#[test]
fn phrases_keep_their_order() {
    let index = index();
    assert_eq!(ids(&index, "\"weary land\"", false), [2]);
    assert!(ids(&index, "\"land weary\"", false).is_empty());
}

#[test]
fn the_word_being_typed_matches_longer_words() {
    let index = index();
    assert_eq!(ids(&index, "be stil", false), [1]);
    assert_eq!(ids(&index, "quie", false), [3]);
    assert!(
        ids(&index, "quie ", false).is_empty(),
        "a finished word is a word"
    );
}

#[test]
fn longer_words_forgive_a_typo() {
    let index = index();
    assert_eq!(ids(&index, "stilness ", false), [1]);
    assert_eq!(ids(&index, "thristy ", false), [2], "two letters swapped");
    assert!(
        ids(&index, "wary ", false).is_empty(),
        "short words stay exact"
    );
}

#[test]
fn passages_rank_key_citations_first() {
    let index = index();
    // Entry 1's key passage is Ps 46:10; entry 2 cites Psalm 46 in passing.
    assert_eq!(ids(&index, "Psalm 46:10", false), [1, 2, 4]);
    assert_eq!(ids(&index, "psalm 46", false), [1, 2, 4]);
    assert_eq!(ids(&index, "jn 15 5", false), [6]);
    assert_eq!(ids(&index, "John 15", false), [6]);
    assert!(ids(&index, "John 16", false).is_empty());
    // A passage that only touches a cited range still overlaps it.
    assert_eq!(ids(&index, "Ps 46:9-11", false), [1, 2, 4]);
}

#[test]
fn words_and_a_passage_together_rank_entries_with_both_first() {
    let index = index();
    let found = ids(&index, "thirsty psalm 46", false);
    assert_eq!(found[0], 2, "{found:?}");
    assert!(found.contains(&1));
    let results = index
        .search(&SearchRequest {
            text: "thirsty psalm 63",
            now: NOW,
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(results.hits[0].cites, Some("key"));
    assert!(
        results.hits[0]
            .snippet_html
            .contains("<mark>thirsty</mark>")
    );
}

#[test]
fn members_only_text_is_invisible_to_guests() {
    let index = index();
    assert!(ids(&index, "marmalade ", false).is_empty());
    assert_eq!(ids(&index, "marmalade ", true), [4]);
    // What a guest may read of it (title, summary) is found, with a snippet
    // from the summary only.
    let results = index
        .search(&SearchRequest {
            text: "hidden springs",
            now: NOW,
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(results.total, 1);
    let hit = &results.hits[0];
    assert!(
        !hit.snippet_html.contains("marmalade"),
        "{}",
        hit.snippet_html
    );
    // A typo or a prefix cannot reach it either.
    assert!(ids(&index, "marmalad", false).is_empty());
    assert!(ids(&index, "marmelade ", false).is_empty());
    // A passage query finds it by its citation (as its passage page lists
    // it), with the guest's snippet.
    let results = index
        .search(&SearchRequest {
            text: "Psalm 46:10 garden",
            now: NOW,
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    let hit = results.hits.iter().find(|h| h.card.id == 4).unwrap();
    assert!(!hit.snippet_html.contains("garden"), "{}", hit.snippet_html);
    assert_eq!(
        results.hits.len(),
        3,
        "the member's words count for no guest"
    );
}

#[test]
fn entries_appear_when_published() {
    let index = index();
    assert!(ids(&index, "tomorrow ", false).is_empty());
    let results = index
        .search(&SearchRequest {
            text: "tomorrow ",
            now: NOW + 1,
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(results.total, 1);
}

#[test]
fn filters_by_journey_tag_and_date() {
    let index = index();
    let search = |journey, tag, from, to| {
        index
            .search(&SearchRequest {
                text: "nothing stillness thirsty quietly ",
                now: NOW,
                journey,
                tag,
                from,
                to,
                limit: 10,
                ..SearchRequest::default()
            })
            .unwrap()
            .hits
            .iter()
            .map(|h| h.card.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(search(Some("vine"), None, None, None), [6]);
    assert_eq!(search(None, Some("abiding"), None, None), [6]);
    assert!(search(None, None, Some(2_000), None).is_empty());
    assert_eq!(search(None, None, None, Some(1_000)).len(), 4);
}

#[test]
fn snippets_escape_and_mark() {
    let index = SearchIndex::in_memory().unwrap();
    index
        .apply(
            &[doc(
                9,
                "<script>alert(1)</script> Rest",
                "Rest <b>here</b> & be still.",
                vec![],
            )],
            &[],
        )
        .unwrap();
    let results = index
        .search(&SearchRequest {
            text: "rest ",
            now: NOW,
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    let hit = &results.hits[0];
    assert!(
        hit.title_html.starts_with("&lt;script&gt;"),
        "{}",
        hit.title_html
    );
    assert!(hit.title_html.contains("<mark>Rest</mark>"));
    assert!(
        hit.snippet_html.contains("&lt;b&gt;here&lt;/b&gt; &amp;"),
        "{}",
        hit.snippet_html
    );
}

#[test]
fn related_entries_share_passages_tags_and_words() {
    let index = index();
    let related: Vec<i64> = index
        .related(1, false, NOW, 5)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(related[0], 2, "cites Psalm 46 too: {related:?}");
    assert!(!related.contains(&1), "not itself");
    assert!(!related.contains(&5), "not yet published");
    assert!(index.related(999, false, NOW, 5).unwrap().is_empty());
}

#[test]
fn plans_follow_the_database() {
    let index = index();
    let plan = index.plan(&[(1, 1), (2, 2), (7, 1)]);
    assert_eq!(plan.stale, [2, 7]);
    assert_eq!(plan.gone, [3, 4, 5, 6]);
    let mut changed = doc(2, "A Dry Land", "Renamed.", vec![]);
    changed.version = 2;
    index.apply(&[changed], &plan.gone).unwrap();
    assert_eq!(index.len(), 2);
    assert!(ids(&index, "thirsty ", false).is_empty());
    assert_eq!(ids(&index, "renamed ", false), [2]);
}

#[test]
fn an_index_on_disk_is_reopened_and_a_damaged_one_made_anew() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let (index, opened) = SearchIndex::open(&path).unwrap();
        assert_eq!(opened, Opened::Created);
        index.apply(&corpus(), &[]).unwrap();
        // A second opener while the first holds it is told so.
        let err = SearchIndex::open(&path).unwrap_err();
        assert!(err.to_string().contains("in use"), "{err}");
    }
    {
        let (index, opened) = SearchIndex::open(&path).unwrap();
        assert_eq!(opened, Opened::Existing(6));
        assert_eq!(ids(&index, "stillness ", false), [1]);
        assert!(
            index
                .plan(
                    &corpus()
                        .iter()
                        .map(|d| (d.card.id, d.version))
                        .collect::<Vec<_>>()
                )
                .is_empty()
        );
    }
    // Damage every file of the index.
    for file in std::fs::read_dir(&path).unwrap() {
        let file = file.unwrap().path();
        if file
            .extension()
            .is_some_and(|e| e == "idx" || e == "store" || e == "term")
        {
            std::fs::write(&file, b"garbage").unwrap();
        }
    }
    let (index, opened) = SearchIndex::open(&path).unwrap();
    assert!(matches!(opened, Opened::Reset(_)), "{opened:?}");
    assert!(index.is_empty());
    // Another version's index is made anew too.
    drop(index);
    std::fs::write(path.join("abide-search.json"), "{\"schema\":0}").unwrap();
    let (_, opened) = SearchIndex::open(&path).unwrap();
    assert_eq!(
        opened,
        Opened::Reset("it was made by another version".into())
    );
}

#[test]
fn empty_and_hostile_queries_answer_nothing_quickly() {
    let index = index();
    for q in [
        "",
        "   ",
        "\"\"",
        "*",
        "-",
        "((",
        "\u{0}",
        &"a ".repeat(500),
        &"😀".repeat(300),
    ] {
        let results = index
            .search(&SearchRequest {
                text: q,
                now: NOW,
                limit: 10,
                ..SearchRequest::default()
            })
            .unwrap();
        assert!(results.total <= 6, "{q:?}");
    }
}
