//! The editor's preview, server-side: `POST /admin/journeys/{id}/preview/new`
//! through the whole router (session lookup, the forms guard, reading the
//! journey's files, loading the entry, rendering its article and listing its
//! citations), for a 2,000-word entry with 50 citations. Prints p50, p90,
//! p99 and the slowest of many runs.
//!
//! ```sh
//! cargo bench -p abide-web --bench preview            # or bench/admin/run.sh
//! ```
//! The text is the demo journey's own reflections, repeated to 2,000 words,
//! with 50 references of every form spread through it.

use std::path::Path;
use std::time::{Duration, Instant};

use abide_content::{EntryForm, JourneySource, LoadOptions, load_journey};
use abide_store::{Email, NewUser, Role, Store, StoreOptions};
use abide_web::{AppState, Theme, WebConfig, router};
use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

const RUNS: usize = 1_000;
const WORDS: usize = 2_000;

/// References of many shapes: abbreviations, ranges, chapters, lists.
const REFERENCES: &[&str] = &[
    "Ps 46:10",
    "1 Kgs 19:11-13",
    "Mark 1:35",
    "John 15:4-5",
    "Matt 11:28-30",
    "Isa 30:15",
    "Lam 3:22-26",
    "Rom 8:26",
    "Phil 4:6-7",
    "Heb 4:9-11",
    "Exod 14:14",
    "Gen 2:2-3",
    "Luke 10:38-42",
    "Ps 23",
    "Ps 62:1-2",
    "2 Cor 12:9",
    "Jas 4:8",
    "1 Pet 5:7",
    "Col 3:23-24",
    "Eccl 3:1-8",
    "Mic 6:8",
    "Zeph 3:17",
    "Rev 3:20",
    "Acts 2:42",
    "Deut 31:8",
    "Josh 1:9",
    "Neh 8:10",
    "Job 38:1-7",
    "Prov 3:5-6",
    "Song 2:10-13",
    "Jer 29:11-13",
    "Ezek 36:26",
    "Dan 6:10",
    "Hos 11:1-4",
    "Jonah 2:1-9",
    "Hab 3:17-19",
    "Mal 3:6",
    "Gal 5:22-23",
    "Eph 3:14-21",
    "1 Thess 5:16-18",
    "2 Tim 1:7",
    "Titus 3:4-7",
    "Phlm 1:7",
    "1 John 4:18",
    "Jude 1:24-25",
    "Num 6:24-26",
    "Ruth 1:16",
    "1 Sam 3:10",
    "2 Sam 22:2-3",
    "Ps 131",
];

fn entry_text(demo: &JourneySource) -> EntryForm {
    let mut words: Vec<String> = Vec::new();
    let texts: Vec<String> = demo
        .entry_paths()
        .filter_map(|p| demo.text(p))
        .filter_map(|t| EntryForm::from_file(t).ok())
        .map(|f| f.reflection)
        .collect();
    'fill: loop {
        for text in &texts {
            for word in text.split_whitespace() {
                words.push(word.to_owned());
                if words.len() >= WORDS {
                    break 'fill;
                }
            }
        }
    }
    let every = WORDS / REFERENCES.len();
    let mut reflection = String::new();
    for (i, word) in words.iter().enumerate() {
        if i % every == every - 1
            && let Some(reference) = REFERENCES.get(i / every)
        {
            reflection.push_str(&format!(" ({reference})"));
        }
        reflection.push(' ');
        reflection.push_str(word);
        if i % 120 == 119 {
            reflection.push_str("\n\n");
        }
    }
    EntryForm {
        title: "A long reading".into(),
        week: 1,
        day: Some(6),
        key_passage: "Psalm 46:10".into(),
        reflection,
        questions: vec!["Where will you be still today?".into()],
        ..EntryForm::default()
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}/abide.db", dir.path().display());
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("a database");
    store.migrate().await.expect("migrations");
    let demo_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../abide/demo/come-and-rest");
    let journey = load_journey(&demo_dir, &LoadOptions::default()).expect("the demo loads");
    let form = entry_text(&journey.source);
    store.import_journeys(&[journey]).await.expect("imported");
    let id = store
        .journey("come-and-rest", i64::MAX)
        .await
        .expect("read")
        .expect("the demo journey")
        .id;
    let editor = store
        .create_user(&NewUser::new(
            Email::parse("editor@example.org").expect("an address"),
            Role::Editor,
        ))
        .await
        .expect("an editor");
    let session = store
        .create_session(editor.id, Duration::from_secs(3600), None)
        .await
        .expect("a session");
    let config = WebConfig {
        base_url: "http://abide.test".into(),
        ..WebConfig::default()
    };
    let state = AppState::new(
        store.clone(),
        std::sync::Arc::new(abide_bible::Library::bundled()),
        Theme::load(None).expect("the theme"),
        config,
    );
    let app = router(state);
    let csrf = "a".repeat(43);
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("csrf", &csrf)
        .append_pair("title", &form.title)
        .append_pair("kind", "day")
        .append_pair("week", "1")
        .append_pair("day", "6")
        .append_pair("key_passage", &form.key_passage)
        .append_pair("reflection", &form.reflection)
        .append_pair("question", &form.questions[0]);
    let body = body.finish();
    let cookie = format!(
        "abide_session={}; abide_csrf={csrf}",
        session.token.expose()
    );
    let request = || {
        Request::post(format!("/admin/journeys/{id}/preview/new"))
            .header("cookie", &cookie)
            .header("origin", "http://abide.test")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.clone()))
            .expect("a request")
    };
    // Checked once: the preview is the real one.
    let response = app.clone().oneshot(request()).await.expect("an answer");
    assert!(response.status().is_success(), "{}", response.status());
    let html = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("a body")
        .to_bytes();
    let html = String::from_utf8_lossy(&html);
    let citations = html.matches("data-osis=").count();
    let words = form.reflection.split_whitespace().count();
    assert!(html.contains("class=\"entry\""), "{html}");

    for _ in 0..50 {
        let _ = app.clone().oneshot(request()).await;
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let response = app.clone().oneshot(request()).await.expect("an answer");
        let _ = http_body_util::BodyExt::collect(response.into_body()).await;
        times.push(started.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "preview of a {words}-word entry, {citations} links to scripture in the answer, {RUNS} runs: \
         p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(at(0.50)),
        ms(at(0.90)),
        ms(at(0.99)),
        ms(*times.last().expect("runs"))
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
