//! The server over real sockets: connections are bounded in number and in
//! time (issue 10). The clock is tokio's paused one, so a ten-second timeout
//! passes at once and exactly.

use std::time::Duration;

use abide_testkit::{Engine, TestDb};
use abide_web::{AppState, ForwardedHeader, Limits, Theme, TrustedProxies, WebConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use crate::util::library;

/// Starts the server with `limits` on a free port; returns its address and
/// the database, which must outlive it.
async fn start(limits: Limits) -> (std::net::SocketAddr, TestDb) {
    start_warm(limits, &[]).await.0
}

/// Like [`start`], behind `proxies`.
async fn start_behind(limits: Limits, proxies: TrustedProxies) -> (std::net::SocketAddr, TestDb) {
    let server = start_with(limits, &[], proxies).await.0;
    tokio::time::pause();
    server
}

/// Like [`start`], after fetching `pages` once so that they are served from
/// the page cache; returns each page's full response size too.
async fn start_warm(
    limits: Limits,
    pages: &[&str],
) -> ((std::net::SocketAddr, TestDb), Vec<usize>) {
    let (server, sizes) = start_running(limits, pages).await;
    // From here on, time passes only when every task waits.
    tokio::time::pause();
    (server, sizes)
}

/// Like [`start_warm`], with the clock left running.
async fn start_running(
    limits: Limits,
    pages: &[&str],
) -> ((std::net::SocketAddr, TestDb), Vec<usize>) {
    start_with(limits, pages, TrustedProxies::default()).await
}

async fn start_with(
    limits: Limits,
    pages: &[&str],
    trusted_proxies: TrustedProxies,
) -> ((std::net::SocketAddr, TestDb), Vec<usize>) {
    let db = TestDb::new(Engine::Sqlite).await;
    let config = WebConfig {
        base_url: "http://abide.test".into(),
        // No database check between requests: with time paused, a cached page
        // is answered from memory alone.
        cache_check_every: Duration::from_secs(1 << 20),
        limits,
        trusted_proxies,
        ..WebConfig::default()
    };
    let state = AppState::new(
        db.store.clone(),
        library(),
        Theme::load(None).unwrap(),
        config,
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(abide_web::serve(listener, state, std::future::pending()));
    let mut sizes = Vec::new();
    for page in pages {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let request =
            format!("GET {page} HTTP/1.1\r\nHost: abide.test\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let answer = read_to_close(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{page}: {answer}");
        sizes.push(answer.len());
    }
    ((addr, db), sizes)
}

/// Reads until the server closes the connection; returns what it sent.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let _ = stream.read_to_end(&mut got).await;
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let limits = Limits {
        header_read_timeout: Duration::from_secs(10),
        ..Limits::default()
    };
    let (addr, _db) = start(limits).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let opened = Instant::now();
    read_to_close(&mut stream).await;
    let held = opened.elapsed();
    assert!(
        held >= Duration::from_secs(10) && held < Duration::from_secs(11),
        "{held:?}"
    );
}

#[tokio::test]
async fn headers_sent_slowly_are_cut_off() {
    let limits = Limits {
        header_read_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(60),
        ..Limits::default()
    };
    let (addr, _db) = start(limits).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let opened = Instant::now();
    // One header line every 4 seconds: never idle for long, never done.
    let mut closed = false;
    for n in 0..10 {
        if stream
            .write_all(format!("GET / HTTP/1.1\r\nX-Slow-{n}: 1\r\n").as_bytes())
            .await
            .is_err()
        {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_secs(4)).await;
    }
    if !closed {
        read_to_close(&mut stream).await;
    }
    assert!(
        opened.elapsed() < Duration::from_secs(20),
        "{:?}",
        opened.elapsed()
    );
}

#[tokio::test]
async fn an_address_over_its_share_is_refused_at_once() {
    let limits = Limits {
        max_connections_per_ip: 2,
        header_read_timeout: Duration::from_secs(3_600),
        idle_timeout: Duration::from_secs(3_600),
        ..Limits::default()
    };
    let (addr, _db) = start(limits).await;
    let _first = TcpStream::connect(addr).await.unwrap();
    let _second = TcpStream::connect(addr).await.unwrap();
    let mut third = TcpStream::connect(addr).await.unwrap();
    let opened = Instant::now();
    let answer = read_to_close(&mut third).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("Retry-After"), "{answer}");
    assert!(
        opened.elapsed() < Duration::from_secs(1),
        "refused without waiting"
    );
}

#[tokio::test]
async fn a_trusted_proxys_connections_are_not_counted_per_address() {
    let limits = Limits {
        max_connections_per_ip: 2,
        header_read_timeout: Duration::from_secs(3_600),
        idle_timeout: Duration::from_secs(3_600),
        ..Limits::default()
    };
    let proxies = TrustedProxies::new(
        vec!["127.0.0.1".parse().unwrap()],
        ForwardedHeader::XForwardedFor,
    );
    let (addr, _db) = start_behind(limits, proxies).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(addr).await.unwrap());
    }
    let mut fifth = TcpStream::connect(addr).await.unwrap();
    fifth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: abide.test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_to_close(&mut fifth).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn the_whole_server_has_a_cap_too() {
    let limits = Limits {
        max_connections: 3,
        max_connections_per_ip: 0,
        header_read_timeout: Duration::from_secs(3_600),
        idle_timeout: Duration::from_secs(3_600),
        ..Limits::default()
    };
    let (addr, _db) = start(limits).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(addr).await.unwrap());
    }
    let mut over = TcpStream::connect(addr).await.unwrap();
    assert!(read_to_close(&mut over).await.starts_with("HTTP/1.1 503"));
    // A place freed is a place for the next.
    drop(held.pop());
    tokio::task::yield_now().await;
    let mut next = TcpStream::connect(addr).await.unwrap();
    next.write_all(b"GET /healthz HTTP/1.1\r\nHost: abide.test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_to_close(&mut next).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_on_one_uncached_page_costs_one_render() {
    // One heavy render at a time and none waiting: were each request to
    // render the page itself, all but one or two would be refused with 503.
    let limits = Limits {
        heavy_tasks: 1,
        heavy_queue: 1,
        ..Limits::default()
    };
    let ((addr, _db), _) = start_running(limits, &[]).await;
    // Over the inline limit: rendered on the heavy-work threads.
    let page = "/bible/Gen.1-Gen.10";
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..40 {
        burst.spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let request =
                format!("GET {page} HTTP/1.1\r\nHost: abide.test\r\nConnection: close\r\n\r\n");
            stream.write_all(request.as_bytes()).await.unwrap();
            read_to_close(&mut stream).await
        });
    }
    let mut statuses = Vec::new();
    while let Some(answer) = burst.join_next().await {
        let answer = answer.unwrap();
        statuses.push(answer.get(..12).unwrap_or(&answer).to_owned());
        assert!(
            answer.contains("In the beginning"),
            "{}",
            &answer[..answer.len().min(300)]
        );
    }
    assert!(statuses.iter().all(|s| s == "HTTP/1.1 200"), "{statuses:?}");
}

#[tokio::test]
async fn a_client_that_does_not_read_is_let_go() {
    let limits = Limits {
        write_timeout: Duration::from_secs(30),
        header_read_timeout: Duration::from_secs(3_600),
        idle_timeout: Duration::from_secs(3_600),
        // A page larger than the socket buffers can hold: the kernel takes up
        // to 4 MB of a response (net.ipv4.tcp_wmem) before a write waits.
        passage_verses: 40_000,
        page_cache_bytes: 256 << 20,
        ..Limits::default()
    };
    let page = "/bible/Gen-Rev";
    let ((addr, _db), sizes) = start_warm(limits, &[page]).await;
    // A reader with a tiny window that asks and then stops reading.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    let request = format!("GET {page} HTTP/1.1\r\nHost: abide.test\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(31)).await;
    // The server gave up on it: what arrives is cut short, then the end.
    let got = read_to_close(&mut stream).await;
    assert!(
        got.starts_with("HTTP/1.1 200"),
        "{}",
        &got[..got.len().min(200)]
    );
    assert!(
        got.len() < sizes[0],
        "{} of {} bytes: the response was not abandoned",
        got.len(),
        sizes[0]
    );
}

#[tokio::test]
async fn an_oversized_request_head_is_refused() {
    let (addr, _db) = start(Limits::default()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let path = "a".repeat(20_000);
    let _ = stream
        .write_all(format!("GET /{path} HTTP/1.1\r\nHost: abide.test\r\n\r\n").as_bytes())
        .await;
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
}
