//! Accepting connections, with bounds on what they may hold: how many are
//! open (in all and per address), how long a request's head may take to
//! arrive, how long a connection may idle, how long a response may stall on
//! a client that does not read, and how large a request head may be.
//!
//! A connection over a bound is answered `503` and closed at once, so the
//! accept loop never stalls and the listening socket's backlog never fills
//! with connections nobody will serve.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;

use crate::limits::Limits;
use crate::router::router;
use crate::state::AppState;

/// What a refused connection is told before it is closed.
const REFUSED: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n\
Content-Type: text/plain\r\nContent-Length: 20\r\nConnection: close\r\n\r\nToo many connections";

/// Serves `state`'s site on `listener` until `shutdown` resolves, then stops
/// accepting connections and lets requests in flight finish (the caller
/// bounds how long by dropping this future).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.config().limits.clone();
    let fd_limit = open_file_limit();
    let slots = Arc::new(Semaphore::new(limits.connections(fd_limit)));
    let per_ip = PerIp::new(limits.max_connections_per_ip);
    // A trusted proxy's connections carry many clients: the proxy bounds
    // each of them, and `max_connections` still bounds them all.
    let proxies = state.config().trusted_proxies.clone();
    let app = router(state);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Some(limits.header_read_timeout))
        .max_buf_size(limits.max_header_bytes.max(8192))
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let refused = AtomicU64::new(0);
    tracing::info!(
        connections = limits.connections(fd_limit),
        per_ip = limits.max_connections_per_ip,
        trusted_proxies = !proxies.is_empty(),
        open_files = fd_limit,
        "connection limits"
    );
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or memory: pause a moment instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let admitted = Arc::clone(&slots)
            .try_acquire_owned()
            .ok()
            .and_then(|slot| {
                let ip = if proxies.trusts(peer.ip()) {
                    Some(IpSlot::uncounted(peer.ip()))
                } else {
                    per_ip.admit(peer.ip())
                };
                ip.map(|ip| (slot, ip))
            });
        let Some(guards) = admitted else {
            refuse(stream);
            let n = refused.fetch_add(1, Ordering::Relaxed);
            if n.is_power_of_two() {
                tracing::warn!(refused = n + 1, peer = %peer.ip(), "connection limit reached");
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (app, http, limits) = (app.clone(), http.clone(), limits.clone());
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            // Nothing is set up for a connection (buffers, parser, timers)
            // until it sends its first byte: an idle flood costs a socket and
            // a small task each, and is closed after the header timeout. The
            // HTTP connection is boxed so that the waiting task stays small.
            // (`readable()` may wake without data; a peek at one byte waits
            // for the byte itself, and sees a client that left.)
            let mut first = [0u8; 1];
            match tokio::time::timeout(limits.header_read_timeout, stream.peek(&mut first)).await {
                Ok(Ok(n)) if n > 0 => {}
                _ => return,
            }
            let served = Box::pin(async move {
                let io = TokioIo::new(Box::pin(timed(stream, &limits)));
                let service = TowerToHyperService::new(app.map_request(
                    move |mut request: axum::http::Request<hyper::body::Incoming>| {
                        request.extensions_mut().insert(ConnectInfo(peer));
                        request
                    },
                ));
                watcher.watch(http.serve_connection(io, service)).await
            });
            if let Err(e) = served.await {
                tracing::debug!(error = %e, peer = %peer, "connection ended");
            }
            drop(guards);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The stream with its idle (read) and stalled-response (write) timeouts.
fn timed(stream: TcpStream, limits: &Limits) -> TimeoutStream<TcpStream> {
    let mut io = TimeoutStream::new(stream);
    io.set_read_timeout(Some(limits.idle_timeout));
    io.set_write_timeout(Some(limits.write_timeout));
    io
}

/// Tells a connection over the limit why, without waiting for it, and closes it.
fn refuse(stream: TcpStream) {
    let _ = stream.try_write(REFUSED);
    drop(stream);
}

/// The soft limit of open files (after `abide serve` raised it), or a
/// conservative guess when it cannot be read.
fn open_file_limit() -> u64 {
    rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft)
}

/// Connections per IP address.
#[derive(Clone)]
struct PerIp {
    limit: usize,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One connection of an address; dropping it frees the place.
struct IpSlot {
    ip: IpAddr,
    open: Option<Arc<Mutex<HashMap<IpAddr, usize>>>>,
}

impl PerIp {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            open: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn admit(&self, ip: IpAddr) -> Option<IpSlot> {
        if self.limit == 0 {
            return Some(IpSlot::uncounted(ip));
        }
        let mut open = self.open.lock().ok()?;
        let count = open.entry(ip).or_insert(0);
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(IpSlot {
            ip,
            open: Some(Arc::clone(&self.open)),
        })
    }
}

impl IpSlot {
    /// A place that counts against no limit.
    fn uncounted(ip: IpAddr) -> Self {
        Self { ip, open: None }
    }
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        if let Some(open) = &self.open
            && let Ok(mut open) = open.lock()
            && let Some(count) = open.get_mut(&self.ip)
        {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_share_and_no_more() {
        let per_ip = PerIp::new(2);
        let ip: IpAddr = "127.0.0.2".parse().unwrap();
        let a = per_ip.admit(ip).unwrap();
        let _b = per_ip.admit(ip).unwrap();
        assert!(per_ip.admit(ip).is_none());
        assert!(per_ip.admit("127.0.0.3".parse().unwrap()).is_some());
        drop(a);
        assert!(per_ip.admit(ip).is_some());
        assert!(PerIp::new(0).admit(ip).is_some());
    }

    #[test]
    fn the_connection_cap_follows_the_file_limit() {
        let limits = Limits::default();
        assert_eq!(limits.connections(1024), 896);
        assert_eq!(limits.connections(1 << 20), 4_096);
        assert_eq!(limits.connections(100), 16);
        let fixed = Limits {
            max_connections: 10,
            ..Limits::default()
        };
        assert_eq!(fixed.connections(1 << 20), 10);
    }
}
