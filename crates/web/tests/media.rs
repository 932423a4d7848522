//! The media library (issue: "covers and images uploaded"): an upload is
//! checked by its content, bounded, stripped of its metadata and kept in the
//! sizes pages use, with alt text required; uploads cannot write outside
//! their folder nor serve HTML or SVG with scripts; every upload needs the
//! site's origin and the form's token.

use std::io::Cursor;

use abide_store::{Email, Role, Store};
use abide_testkit::{TestDb, store_test};
use abide_web::AppState;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use image::{GenericImageView, ImageFormat, Rgb, RgbImage};

use crate::accounts::{address, sign_up, site};
use crate::agent::{Agent, ORIGIN};
use crate::util::{send, text};

const BOUNDARY: &str = "----abideTestBoundary7MA4YWxkTrZu0gW";

/// A signed-in editor who has loaded the library (and so holds a token).
async fn editor(state: &AppState, store: &Store) -> Agent {
    let email = address("editor");
    let mut agent = sign_up(state, &email, "Eda Editor").await;
    let user = store
        .user_by_email(&Email::parse(&email).unwrap())
        .await
        .unwrap()
        .unwrap();
    store.set_role(user.id, Role::Editor).await.unwrap();
    let page = agent.get("/admin/media").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("Media library"));
    agent
}

/// A part of a multipart form: name, file name (a file), bytes.
type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file_name {
            Some(file) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                     Content-Type: image/png\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    html: String,
}

/// Posts a multipart body with the agent's cookies, from `origin`;
/// `length`: send `Content-Length`.
async fn post_multipart(
    agent: &Agent,
    uri: &str,
    body: Vec<u8>,
    origin: Option<&str>,
    length: bool,
) -> Answer {
    let cookies = agent
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let mut request = Request::post(uri).header("cookie", cookies).header(
        "content-type",
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    if length {
        request = request.header("content-length", body.len().to_string());
    }
    let response = send(&agent.state, request.body(Body::from(body)).unwrap()).await;
    let status = response.status();
    let headers = response.headers().clone();
    Answer {
        status,
        headers,
        html: text(response).await,
    }
}

/// Uploads `bytes` as `name` with `alt`, the token first, as the page's form
/// sends it.
async fn upload(agent: &Agent, name: &str, bytes: &[u8], alt: &str) -> Answer {
    let csrf = agent.csrf();
    let body = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("file", Some(name), bytes),
        ("alt", None, alt.as_bytes()),
    ]);
    post_multipart(agent, "/admin/media", body, Some(ORIGIN), true).await
}

/// A photo-like JPEG, `width`×`height`.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 7 % 256) as u8,
            (y * 3 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    picture
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut out, 90,
        ))
        .unwrap();
    out
}

/// A JPEG segment: marker, length, payload.
fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// `jpeg` with EXIF (a description, orientation 6: "turn 90° clockwise to
/// show", a GPS position) and a comment, as a phone's photo carries them.
fn with_exif(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    // IFD0 at 8: three entries, then the next IFD's offset (none).
    tiff.extend_from_slice(&3u16.to_be_bytes());
    let description = b"secret-gps-place\0";
    // ImageDescription, ASCII, at 68.
    tiff.extend_from_slice(&[0x01, 0x0E, 0x00, 0x02]);
    tiff.extend_from_slice(&u32::try_from(description.len()).unwrap().to_be_bytes());
    tiff.extend_from_slice(&68u32.to_be_bytes());
    // Orientation, SHORT, 6.
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x06, 0, 0]);
    // GPSInfo, LONG, the GPS IFD at 50.
    tiff.extend_from_slice(&[0x88, 0x25, 0x00, 0x04, 0, 0, 0, 1]);
    tiff.extend_from_slice(&50u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 50);
    // The GPS IFD: GPSLatitudeRef "N".
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x00, 0x01, 0x00, 0x02, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 68);
    tiff.extend_from_slice(description);
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(0xFE, b"comment-marker: taken at home"));
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A PNG that declares `width`×`height` (a decompression bomb when large):
/// a valid header, a few bytes of data.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
        out
    }
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
    out.extend(chunk(b"IEND", &[]));
    out
}

async fn media_rows(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM media")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn a_photo_is_stripped_resized_and_served_as_an_image(db: TestDb) {
    let store = &db.store;
    let (state, _) = site(store);
    let editor = editor(&state, store).await;
    // Taken on its side: 2000×1200 as stored, 1200×2000 upright.
    let photo = with_exif(&jpeg(2000, 1200));
    assert!(photo.windows(4).any(|w| w == b"Exif"));
    let answer = upload(
        &editor,
        "IMG_0042.JPG",
        &photo,
        "  Morning light\non the lake ",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
    let to = answer.headers.get("location").unwrap().to_str().unwrap();
    assert!(to.starts_with("/admin/media?added="), "{to}");

    let library = store.media_library().await.unwrap();
    assert_eq!(library.len(), 1);
    let item = &library[0];
    assert_eq!(item.alt, "Morning light on the lake");
    assert_eq!(item.original_name, "IMG_0042.JPG");
    assert_eq!((item.width, item.height), (1200, 2000), "turned upright");
    assert_eq!(item.uploaded_by.as_deref(), Some("Eda Editor"));
    let sizes: Vec<(&str, u32, u32)> = item
        .sizes
        .iter()
        .map(|s| (s.name.as_str(), s.width, s.height))
        .collect();
    assert_eq!(
        sizes,
        [
            ("cover", 1200, 630),
            ("w800", 800, 1333),
            ("w1600", 1200, 2000)
        ]
    );
    for size in &item.sizes {
        assert!(size.path.starts_with("library/"), "{}", size.path);
        let response = crate::util::get(&state, &size.url()).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", size.path);
        assert_eq!(crate::util::header(&response, "content-type"), "image/jpeg");
        assert_eq!(
            crate::util::header(&response, "x-content-type-options"),
            "nosniff"
        );
        let csp = crate::util::header(&response, "content-security-policy");
        assert!(
            csp.contains("sandbox") && csp.contains("default-src 'none'"),
            "{csp}"
        );
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        for hidden in [&b"Exif"[..], b"secret-gps-place", b"comment-marker"] {
            assert!(
                !body.windows(hidden.len()).any(|w| w == hidden),
                "{} keeps {:?}",
                size.path,
                String::from_utf8_lossy(hidden)
            );
        }
        // No APP1 (EXIF, XMP) nor COM segment.
        assert!(
            !body
                .windows(2)
                .any(|w| w == [0xFF, 0xE1] || w == [0xFF, 0xFE])
        );
        let decoded = image::load(Cursor::new(&body), ImageFormat::Jpeg).unwrap();
        assert_eq!(decoded.dimensions(), (size.width, size.height));
    }
    // The page: the image with its alt text, what to paste where.
    let mut editor = editor;
    let page = editor.get("/admin/media").await;
    let w800 = item.size("w800").unwrap().url();
    let cover = item.size("cover").unwrap().url();
    assert!(
        page.html
            .contains(&format!("![Morning light on the lake]({w800})")),
        "{}",
        page.html
    );
    assert!(
        page.html.contains(&format!("cover = &quot;{cover}&quot;")),
        "{}",
        page.html
    );
    assert!(page.html.contains("alt=\"Morning light on the lake\""));
    assert!(page.html.contains("Eda Editor"));

    // Alt text edited; an empty one refused.
    let id = item.id;
    let page = editor
        .post(
            &format!("/admin/media/{id}/alt"),
            &[("alt", "Dawn over the water")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert_eq!(
        store.media_item(id).await.unwrap().unwrap().alt,
        "Dawn over the water"
    );
    let page = editor
        .post(&format!("/admin/media/{id}/alt"), &[("alt", "   ")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("Describe the image"), "{}", page.html);
    assert_eq!(
        store.media_item(id).await.unwrap().unwrap().alt,
        "Dawn over the water"
    );

    // Deleted: gone from the library and the site.
    let page = editor.post(&format!("/admin/media/{id}/delete"), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert!(store.media_library().await.unwrap().is_empty());
    let response = crate::util::get(&state, &w800).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(media_rows(store).await, 0);
}
store_test!(a_photo_is_stripped_resized_and_served_as_an_image);

async fn media_refuses_what_is_not_an_image(db: TestDb) {
    let store = &db.store;
    let (state, _) = site(store);
    let editor = editor(&state, store).await;
    let whole = jpeg(400, 300);
    let refused: [(&str, &str, Vec<u8>); 5] = [
        (
            "SVG with a script",
            "drawing.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>"#.to_vec(),
        ),
        (
            "HTML named .png",
            "photo.png",
            b"<!doctype html><html><script>alert(document.cookie)</script></html>".to_vec(),
        ),
        ("a truncated JPEG", "cut.jpg", whole[..whole.len() * 2 / 3].to_vec()),
        ("a PNG declaring 100000x100000", "bomb.png", png_declaring(100_000, 100_000)),
        ("a PNG declaring 9000x9000 (81 megapixels)", "big.png", png_declaring(9_000, 9_000)),
    ];
    for (what, name, bytes) in &refused {
        let answer = upload(&editor, name, bytes, "Something").await;
        assert_eq!(
            answer.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{what}: {}",
            answer.html
        );
        assert!(answer.html.contains("not kept"), "{what}: {}", answer.html);
        assert!(!answer.html.contains("alert(document.cookie)"), "{what}");
    }
    assert!(store.media_library().await.unwrap().is_empty());
    assert_eq!(media_rows(store).await, 0);

    // A file the site somehow holds under another type is never sent.
    sqlx::query("INSERT INTO media (path, content_type, bytes, updated_at) VALUES ($1, $2, $3, 0)")
        .bind("library/evil.html")
        .bind("text/html")
        .bind(&b"<script>alert(1)</script>"[..])
        .execute(store.pool())
        .await
        .unwrap();
    let response = crate::util::get(&state, "/media/library/evil.html").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!text(response).await.contains("<script>alert(1)"));
}
store_test!(media_refuses_what_is_not_an_image);

async fn media_uploads_are_bounded_and_need_alt_text(db: TestDb) {
    let store = &db.store;
    let (state, _) = site(store);
    let editor = editor(&state, store).await;
    let photo = jpeg(300, 200);

    // No alt text: 422, the reason, nothing kept.
    let answer = upload(&editor, "a.jpg", &photo, "  ").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.html.contains("Describe the image"),
        "{}",
        answer.html
    );
    let long = "x".repeat(301);
    let answer = upload(&editor, "a.jpg", &photo, &long).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    // No file.
    let csrf = editor.csrf();
    let body = multipart(&[("csrf", None, csrf.as_bytes()), ("alt", None, b"Alt")]);
    let answer = post_multipart(&editor, "/admin/media", body, Some(ORIGIN), true).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.html.contains("Choose an image"), "{}", answer.html);

    // Over 10 MiB: 413 with a page, whether the length is declared or not.
    let mut huge = photo.clone();
    huge.resize((10 << 20) + 1, 0);
    let answer = upload(&editor, "huge.jpg", &huge, "Big").await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.html.contains("at most 10 MB"), "{}", answer.html);
    let body = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("file", Some("huge.jpg"), &huge),
        ("alt", None, b"Big"),
    ]);
    let answer = post_multipart(&editor, "/admin/media", body, Some(ORIGIN), false).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Two files in one request.
    let body = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("file", Some("a.jpg"), &photo),
        ("file", Some("b.jpg"), &photo),
        ("alt", None, b"Two"),
    ]);
    let answer = post_multipart(&editor, "/admin/media", body, Some(ORIGIN), true).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(store.media_library().await.unwrap().is_empty());
    assert_eq!(media_rows(store).await, 0);

    // A just-under-the-limit upload goes through (10 MiB of JPEG: a photo
    // with trailing bytes after its end, which are dropped).
    let mut big = photo.clone();
    big.resize(10 << 20, 0);
    let answer = upload(&editor, "big.jpg", &big, "Big").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
    assert_eq!(store.media_library().await.unwrap().len(), 1);
}
store_test!(media_uploads_are_bounded_and_need_alt_text);

async fn media_uploads_need_the_token_and_the_site_origin(db: TestDb) {
    let store = &db.store;
    let (state, _) = site(store);
    let editor = editor(&state, store).await;
    let photo = jpeg(300, 200);
    let csrf = editor.csrf();
    let with_token = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("file", Some("a.jpg"), &photo),
        ("alt", None, b"A photo"),
    ]);
    // No token.
    let body = multipart(&[("file", Some("a.jpg"), &photo), ("alt", None, b"A photo")]);
    let answer = post_multipart(&editor, "/admin/media", body, Some(ORIGIN), true).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.html);
    // A wrong token.
    let body = multipart(&[
        ("csrf", None, b"A".repeat(43).as_slice()),
        ("file", Some("a.jpg"), &photo),
        ("alt", None, b"A photo"),
    ]);
    let answer = post_multipart(&editor, "/admin/media", body, Some(ORIGIN), true).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // The token after the file: the file would be read before the token.
    let body = multipart(&[
        ("file", Some("a.jpg"), &photo),
        ("csrf", None, csrf.as_bytes()),
        ("alt", None, b"A photo"),
    ]);
    let answer = post_multipart(&editor, "/admin/media", body, Some(ORIGIN), true).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // From another site, or saying nothing of where from.
    for origin in [Some("https://elsewhere.example"), None] {
        let answer =
            post_multipart(&editor, "/admin/media", with_token.clone(), origin, true).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{origin:?}");
    }
    // A guest, a member: not even told the route exists.
    let guest = Agent::new(&state);
    let answer = post_multipart(
        &guest,
        "/admin/media",
        with_token.clone(),
        Some(ORIGIN),
        true,
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    // Multipart anywhere else, even with the token: refused.
    for uri in ["/admin/journeys", "/account/profile", "/admin/media/1/alt"] {
        let answer = post_multipart(&editor, uri, with_token.clone(), Some(ORIGIN), true).await;
        assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{uri}");
    }
    assert!(store.media_library().await.unwrap().is_empty());
    assert_eq!(media_rows(store).await, 0);
}
store_test!(media_uploads_need_the_token_and_the_site_origin);

async fn media_paths_are_made_by_the_server(db: TestDb) {
    let store = &db.store;
    let (state, _) = site(store);
    let editor = editor(&state, store).await;
    for (n, name) in [
        "../../x.png",
        "a/b\\c.png",
        "..",
        "<script>.png",
        "%2e%2e%2fx.png",
    ]
    .into_iter()
    .enumerate()
    {
        let photo = jpeg(100 + u32::try_from(n).unwrap(), 80);
        let answer = upload(&editor, name, &photo, "A test").await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            answer.html
        );
    }
    let library = store.media_library().await.unwrap();
    assert_eq!(library.len(), 5);
    for item in &library {
        assert!(
            !item.original_name.contains('/') && !item.original_name.contains('\\'),
            "{}",
            item.original_name
        );
        for size in &item.sizes {
            let rest = size.path.strip_prefix("library/").unwrap();
            assert!(
                rest.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'-'
                    || b == b'.'),
                "{}",
                size.path
            );
            assert!(!rest.contains(".."), "{}", size.path);
        }
    }
    let names: Vec<&str> = library.iter().map(|i| i.original_name.as_str()).collect();
    assert!(names.contains(&"x.png"), "{names:?}");
    // Every row of `media` is under `library/`: nothing was written elsewhere.
    let outside: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM media WHERE path NOT LIKE 'library/%'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(outside, 0);
    // And the page shows the names as text.
    let mut editor = editor;
    let page = editor.get("/admin/media").await;
    assert!(!page.html.contains("<script>.png"));
}
store_test!(media_paths_are_made_by_the_server);

/// The library in headless Chromium, without a line of JavaScript of ours
/// involved in the upload: an editor chooses a photo, types its alt text and
/// sends the form; the page lists it. Screenshots at both widths; axe-core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_uploads_an_image_in_the_browser() {
    use abide_store::NewUser;
    use abide_testkit::{Browser, Engine};
    use fantoccini::Locator;

    const EMAIL: &str = "hannah@example.org";
    const PASSWORD: &str = "morning light";
    let db = TestDb::new(Engine::Sqlite).await;
    let mut user = NewUser::new(Email::parse(EMAIL).unwrap(), Role::Editor);
    user.display_name = "Hannah".into();
    user.password_hash = Some(abide_store::hash_password(PASSWORD).unwrap());
    db.store.create_user(&user).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let config = abide_web::WebConfig {
        base_url: url.clone(),
        ..abide_web::WebConfig::default()
    };
    let state = AppState::new(
        db.store.clone(),
        crate::util::library(),
        abide_web::Theme::load(None).unwrap(),
        config,
    );
    tokio::spawn(abide_web::serve(listener, state, std::future::pending()));
    let folder = tempfile::tempdir().unwrap();

    let mut failures = Vec::new();
    for (n, (device, width, height)) in [("desktop", 1280, 900), ("phone", 390, 844)]
        .into_iter()
        .enumerate()
    {
        let photo = folder.path().join(format!("Sea of Galilee {device}.jpg"));
        std::fs::write(&photo, jpeg(1600 + 100 * u32::try_from(n).unwrap(), 1000)).unwrap();
        let browser = Browser::start(width, height).await;
        let client = &browser.client;
        let find = |css: &'static str| client.find(Locator::Css(css));
        crate::util::sign_in_with_password(&browser, &url, EMAIL, PASSWORD, "/admin/media").await;
        find("#media-file")
            .await
            .unwrap()
            .send_keys(photo.to_str().unwrap())
            .await
            .unwrap();
        find("#media-alt")
            .await
            .unwrap()
            .send_keys(&format!("Fishing boats at dawn ({device})"))
            .await
            .unwrap();
        find("form[enctype='multipart/form-data'] button[type=submit]")
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let mut listed = false;
        for _ in 0..200 {
            let source = client.source().await.unwrap();
            if source.contains(&format!("Fishing boats at dawn ({device})"))
                && source.contains("Uploaded:")
            {
                listed = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(listed, "{}", client.source().await.unwrap());
        browser.screenshot(&format!("admin-media-{device}")).await;
        for v in browser.axe().await {
            failures.push(format!("media {device}: {v}"));
        }
        browser.close().await;
    }
    assert_eq!(db.store.media_library().await.unwrap().len(), 2);
    assert!(failures.is_empty(), "{failures:#?}");
}
