//! Members-only text reaches members only. The fixtures (`fixtures/members`
//! of the content crate) mark every sentence for members with a made-up word;
//! a guest crawls the whole site, from the home page, the sitemap and the
//! feeds along every link, and no response may hold one of those words.
//! The crawl must reach every route of `src/router.rs`, so a page added
//! later is checked without anyone remembering to.

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;

use abide_content::{Journey, LoadOptions, load_journey};
use abide_store::Clock;
use abide_testkit::{TestDb, store_test};
use abide_web::AppState;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use http_body_util::BodyExt;

use crate::util::{header, send, state, text};

/// One made-up word in each sentence for members: reflections, Going Deeper,
/// practices, questions, and a members-only journey's week introduction.
const SECRETS: &[&str] = &[
    "quillmarrow",
    "zentharine",
    "vellicorn",
    "brimwater",
    "orrinvale",
    "tessaloom",
    "morrowquill",
    "fennickshade",
    "glimmerstave",
    "plumbrine",
];

/// Where the crawl starts: the pages that link to the rest, and the
/// addresses nothing links to (feeds, the JSON API, errors, a lookup).
const SEEDS: &[&str] = &[
    "/",
    "/sitemap.xml",
    "/robots.txt",
    "/feed.xml",
    "/atom.xml",
    "/feed.json",
    // The verses the readings for members cite inline, and their key passages.
    "/bible/Obad.1.4",
    "/bible/Nah.1.7",
    "/api/passages/Obad.1.4",
    "/api/passages/Nah.1.7",
    "/api/passages/Ps.23.5",
    "/api/passages/Matt.6.6",
    "/bible?ref=Obadiah+1%3A4",
    // Search, by words of the text for members (a guest typing a word for
    // members gets it said back: `search.rs` checks that nothing is found),
    // by the passages they cite, and by a word every reading has.
    "/search?q=table+prepared",
    "/api/search?q=room+door+knock",
    "/search?q=the",
    "/api/search?q=the",
    "/search?q=Obadiah+1%3A4",
    "/api/search?q=nahum+1+7",
    "/healthz",
    "/readyz",
    "/no/such/page",
    "/journeys/the-inner-room/no-such-reading",
    // Pages of accounts: a link's landing page, and what a guest is sent
    // away from (to sign in) or may only post to.
    "/link/sign-in?token=x",
    "/sign-out",
    "/sign-out-everywhere",
    "/account",
    "/account/sessions/end",
    "/account/profile",
    "/account/password",
    "/account/email",
    "/account/verify",
    "/account/data",
    "/account/delete",
    // A member's own pages and forms: a guest is sent to sign in.
    "/today",
    "/journal",
    "/journal/export.md",
    "/journal/export.json",
    "/journeys/the-inner-room/follow",
    "/journeys/the-inner-room/restart",
    "/journeys/the-inner-room/stop",
    "/journeys/the-inner-room/catch-up",
    "/journeys/the-inner-room/progress",
    "/journeys/the-inner-room/the-first-room/done",
    "/journeys/the-inner-room/the-first-room/journal",
    // A practice of a reading for members, and where its log is posted.
    "/journeys/the-open-door/the-inner-table/practice/1",
    "/journeys/the-inner-room/the-first-room/practice/1",
    "/journeys/the-open-door/the-inner-table/practice/1/log",
];

/// How far the crawl goes: enough for every page of the fixtures, not the
/// whole Bible (passage pages link from chapter to chapter).
const MAX_DEPTH: usize = 3;
const MAX_PAGES: usize = 400;

const BASE: &str = "http://abide.test";

const OPEN_TEASER: &str = "/journeys/the-open-door/the-inner-table";
const ROOM: &str = "/journeys/the-inner-room";
const ROOM_TEASER: &str = "/journeys/the-inner-room/the-first-room";

pub(crate) fn fixture(name: &str, options: &LoadOptions) -> Journey {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../content/tests/fixtures")
        .join(name);
    load_journey(&dir, options).unwrap()
}

/// The members fixtures and the test journey, imported at a fixed moment
/// after they are all published.
async fn site(db: &TestDb) -> (AppState, Clock) {
    let clock = Clock::simulated("2027-01-04T06:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    let options = LoadOptions {
        now: clock.now(),
        ..LoadOptions::default()
    };
    let journeys = [
        fixture("members/open-door", &options),
        fixture("members/inner-room", &options),
        fixture("journey", &options),
    ];
    // Else the test proves nothing: each word is in the imported text.
    let all = format!("{:?}", &journeys).to_lowercase();
    for secret in SECRETS {
        assert!(all.contains(secret), "{secret} is not in the fixtures");
    }
    store.import_journeys(&journeys).await.unwrap();
    let state = state(&store);
    state.sync_search().await.unwrap();
    (state, clock)
}

async fn fetch(state: &AppState, uri: &str, cookie: Option<&str>) -> Response<Body> {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    send(state, request.body(Body::empty()).unwrap()).await
}

/// The same-site addresses a body points to: links, images, scripts,
/// forms, sitemap and feed locations, JSON `url`s.
fn links(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [
        ("href=\"", '"'),
        ("src=\"", '"'),
        ("action=\"", '"'),
        ("<loc>", '<'),
        ("<link>", '<'),
        ("\"url\":\"", '"'),
    ] {
        for part in body.split(open).skip(1) {
            let Some(link) = part.split(close).next() else {
                continue;
            };
            let link = link.replace("&amp;", "&");
            let link = link.strip_prefix(BASE).unwrap_or(&link);
            let link = link.split('#').next().unwrap_or("");
            if link.starts_with('/') && !link.starts_with("//") {
                out.push(link.to_owned());
            }
        }
    }
    out
}

/// Whether `path` is one that the route `pattern` (axum syntax) answers.
fn route_matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    for (i, segment) in pattern.iter().enumerate() {
        if segment.starts_with("{*") {
            return path.len() > i && !path[i].is_empty();
        }
        let Some(part) = path.get(i) else {
            return false;
        };
        if segment.starts_with('{') {
            if part.is_empty() {
                return false;
            }
        } else if segment != part {
            return false;
        }
    }
    pattern.len() == path.len()
}

/// Every route pattern in `src/router.rs`.
fn routes() -> Vec<&'static str> {
    let source = include_str!("../src/router.rs");
    let routes: Vec<&str> = source
        .split(".route(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(routes.len() >= 15, "cannot read the routes: {routes:?}");
    routes
}

/// What a crawl saw.
struct Crawl {
    /// Every address fetched, with its status and body.
    pages: Vec<(String, StatusCode, String)>,
}

impl Crawl {
    fn page(&self, uri: &str) -> (StatusCode, &str) {
        let (_, status, body) = self
            .pages
            .iter()
            .find(|(u, _, _)| u == uri)
            .unwrap_or_else(|| panic!("the crawl never reached {uri}"));
        (*status, body)
    }
}

/// Fetches the seeds and everything they lead to, breadth first, and checks
/// each response as it comes: no server error, no word for members in the
/// headers or the body; with a session cookie, pages are private.
async fn crawl_site(state: &AppState, cookie: Option<&str>) -> Crawl {
    let mut queue: VecDeque<(String, usize)> = SEEDS.iter().map(|s| ((*s).to_owned(), 0)).collect();
    let mut seen: BTreeSet<String> = queue.iter().map(|(u, _)| u.clone()).collect();
    let mut pages = Vec::new();
    while let Some((uri, depth)) = queue.pop_front() {
        assert!(pages.len() < MAX_PAGES, "the crawl does not end");
        let response = fetch(state, &uri, cookie).await;
        let status = response.status();
        assert!(!status.is_server_error(), "{uri}: {status}");
        let mut next = Vec::new();
        for (name, value) in response.headers() {
            let value = String::from_utf8_lossy(value.as_bytes()).to_lowercase();
            for secret in SECRETS {
                assert!(!value.contains(secret), "{uri}: {secret} in {name}");
            }
            if name == "location" {
                next.push(value);
            }
        }
        let private = header(&response, "cache-control") == "private, no-store";
        let sets_form_token = header(&response, "set-cookie").starts_with("abide_csrf=");
        let content_type = header(&response, "content-type").to_owned();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let lower = body.to_lowercase();
        for secret in SECRETS {
            assert!(!lower.contains(secret), "{uri} shows {secret}:\n{body}");
        }
        // A session cookie makes a page uncacheable, whoever it turns out to
        // be (files and probes are the same for everyone).
        let file = ["/static/", "/media/", "/healthz", "/readyz"]
            .iter()
            .any(|p| uri.starts_with(p));
        if cookie.is_some() && status == StatusCode::OK && !file {
            assert!(private, "{uri}: a page for a session was not private");
        }
        // A page with forms is private for a guest too: it carries the
        // guest's own anti-forgery token.
        if cookie.is_none() && !sets_form_token {
            assert!(!private, "{uri}: a guest's page is private");
        }
        let text = ["text/", "xml", "json"]
            .iter()
            .any(|t| content_type.contains(t));
        if text && !uri.starts_with("/static/") {
            next.extend(links(&body));
        }
        if depth < MAX_DEPTH {
            for link in next {
                if seen.insert(link.clone()) {
                    queue.push_back((link, depth + 1));
                }
            }
        }
        pages.push((uri, status, body));
    }

    // Every route was reached: a new surface is crawled too.
    for route in routes() {
        assert!(
            pages
                .iter()
                .any(|(uri, _, _)| { route_matches(route, uri.split('?').next().unwrap_or("")) }),
            "the crawl reached no address of the route {route}: link to it from a page, \
             or add one to SEEDS"
        );
    }
    Crawl { pages }
}

async fn a_guest_finds_no_members_text_anywhere(db: TestDb) {
    let (state, _) = site(&db).await;
    let crawl = crawl_site(&state, None).await;
    // About 130 addresses today.
    assert!(crawl.pages.len() > 100, "{} addresses", crawl.pages.len());

    // The readings for members answer with a teaser, not a 404.
    for (uri, summary) in [
        (
            OPEN_TEASER,
            "A table is prepared in the presence of enemies. This reading is for members.",
        ),
        (ROOM_TEASER, ""),
    ] {
        let (status, html) = crawl.page(uri);
        assert_eq!(status, StatusCode::OK, "{uri}");
        for needle in [
            "<h2 id=\"locked-title\">For members of Abide</h2>",
            "<a class=\"button\" href=\"/sign-up\">",
            &format!("<a href=\"/sign-in?next={uri}\">Sign in</a>"),
            "\"isAccessibleForFree\": false",
        ] {
            assert!(html.contains(needle), "{uri}: no {needle:?}\n{html}");
        }
        // Link previews and the page's description: the authored summary,
        // or a line about the reading.
        let description = if summary.is_empty() {
            "A reading from The Inner Room, for members of Abide.".to_owned()
        } else {
            summary.to_owned()
        };
        for meta in [
            "name=\"description\"",
            "property=\"og:description\"",
            "name=\"twitter:description\"",
        ] {
            let tag = format!("<meta {meta} content=\"{description}\">");
            assert!(html.contains(&tag), "{uri}: no {tag}\n{html}");
        }
        assert!(!html.contains("class=\"prose\""), "{uri}: a body\n{html}");
        assert!(!html.contains("min read"), "{uri}");
    }
    let (_, html) = crawl.page(OPEN_TEASER);
    assert!(html.contains(">Psalm 23:5</a>"), "the key passage\n{html}");

    // A members-only journey shows its description and its days' titles.
    let (status, html) = crawl.page(ROOM);
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("this description is public"), "{html}");
    assert!(html.contains("The First Room"), "{html}");
    assert!(
        html.contains("<a href=\"/sign-up\">Become a member</a>"),
        "{html}"
    );

    // What is public is shown whole.
    let (_, html) = crawl.page("/journeys/the-open-door/the-knock");
    assert!(html.contains("lanternwise host"), "{html}");

    // The passage a reading for members cites lists it, by title only.
    let (_, html) = crawl.page("/bible/Obad.1.4");
    assert!(html.contains("The Inner Table"), "{html}");

    // Feeds mark the readings for members and link to them.
    let (_, rss) = crawl.page("/feed.xml");
    assert!(
        rss.contains(&format!(
            "For members of Abide: sign in to read it at {BASE}{OPEN_TEASER}"
        )),
        "{rss}"
    );
    let (_, json) = crawl.page("/feed.json");
    let feed: serde_json::Value = serde_json::from_str(json).unwrap();
    let item = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["url"] == format!("{BASE}{ROOM_TEASER}"))
        .unwrap();
    assert_eq!(item["summary"], "");
    assert!(item["tags"].as_array().unwrap().contains(&"Members".into()));

    // The sitemap lists public pages only: a teaser is no page to index.
    let (_, sitemap) = crawl.page("/sitemap.xml");
    assert!(sitemap.contains("/journeys/the-open-door/the-knock"));
    for members in [OPEN_TEASER, ROOM, ROOM_TEASER, "hannahs-prayer"] {
        assert!(!sitemap.contains(members), "{members} in\n{sitemap}");
    }

    // Again, now that the pages come from the cache.
    let again = crawl_site(&state, None).await;
    assert_eq!(again.pages.len(), crawl.pages.len());
}
store_test!(a_guest_finds_no_members_text_anywhere);

async fn a_session_cookie_unlocks_nothing_and_is_never_cached(db: TestDb) {
    let (state, _) = site(&db).await;
    // Until sessions exist a cookie proves nothing: the same teasers, but
    // each page private to the one who asked.
    let crawl = crawl_site(&state, Some("translation=kjv; abide_session=forged")).await;
    let (status, html) = crawl.page(OPEN_TEASER);
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("For members of Abide"), "{html}");
}
store_test!(a_session_cookie_unlocks_nothing_and_is_never_cached);

async fn the_shared_cache_keeps_out_of_a_sessions_way(db: TestDb) {
    let (state, clock) = site(&db).await;
    let session = Some("abide_session=anything");

    // Not kept: a page rendered for a session is not what a guest gets later.
    let first = fetch(&state, ROOM_TEASER, session).await;
    assert_eq!(header(&first, "cache-control"), "private, no-store");
    assert_eq!(header(&first, "etag"), "", "not a cached page");
    clock.advance(jiff::SignedDuration::from_mins(5)).unwrap();
    let guest = fetch(&state, ROOM_TEASER, None).await;
    assert_eq!(header(&guest, "cache-control"), "public, no-cache");
    assert_eq!(
        header(&guest, "last-modified"),
        "Mon, 04 Jan 2027 06:05:00 GMT",
        "rendered for the guest, not kept from the session's request"
    );
    let etag = header(&guest, "etag").to_owned();
    assert!(!etag.is_empty());

    // Not served: the guest's cached page does not answer a session.
    let request = Request::get(ROOM_TEASER)
        .header("cookie", "abide_session=anything")
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    let response = send(&state, request).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "not a 304 from the cache"
    );
    assert_eq!(header(&response, "cache-control"), "private, no-store");
    assert_eq!(header(&response, "etag"), "");
    assert!(text(response).await.contains("For members of Abide"));

    // The guest's page is still cached, for guests.
    let again = fetch(&state, ROOM_TEASER, Some("translation=asv")).await;
    assert_eq!(header(&again, "etag"), etag);

    // Files and probes keep their own caching.
    let css = fetch(&state, "/static/abide.css", session).await;
    assert_eq!(header(&css, "cache-control"), "public, max-age=300");
}
store_test!(the_shared_cache_keeps_out_of_a_sessions_way);

/// A page of the site under a journey's address (`/journeys/{journey}/progress`)
/// is a slug no entry may take, or the entry could never be reached.
#[test]
fn a_journeys_own_pages_are_reserved_slugs() {
    let own: BTreeSet<&str> = routes()
        .into_iter()
        .filter_map(|r| r.strip_prefix("/journeys/{journey}/"))
        .filter(|rest| !rest.starts_with('{'))
        .collect();
    let reserved: BTreeSet<&str> = abide_content::RESERVED_ENTRY_SLUGS
        .iter()
        .copied()
        .collect();
    assert_eq!(own, reserved);
}

#[test]
fn routes_are_matched_like_axum() {
    assert!(route_matches("/", "/"));
    assert!(!route_matches("/", "/journeys"));
    assert!(route_matches("/journeys/{journey}", "/journeys/a"));
    assert!(!route_matches("/journeys/{journey}", "/journeys/a/b"));
    assert!(!route_matches("/journeys/{journey}", "/journeys/"));
    assert!(route_matches(
        "/journeys/{journey}/{entry}",
        "/journeys/a/b"
    ));
    assert!(route_matches("/static/{*path}", "/static/a/b.css"));
    assert!(!route_matches("/static/{*path}", "/static"));
    assert_eq!(
        links(
            "<a href=\"/a?x=1&amp;y=2#top\"> <loc>http://abide.test/b</loc> \"url\":\"https://elsewhere.org/c\""
        ),
        ["/a?x=1&y=2", "/b"]
    );
}
