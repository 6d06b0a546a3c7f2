//! The HTTP/1.1 server under `cairn serve`: hyper connections serving the
//! axum router of [`super::http`], on one current-thread tokio runtime.
//!
//! What a hostile client (or a page of the web, or the LAN with `--bind`)
//! can do is bounded: a request head is capped and must arrive in time (idle
//! keep-alive ends then too), a write that makes no progress is dropped,
//! bodies are never read, and at the connection limit the connection idle the
//! longest is closed to make room, so a flood of idle or slow connections
//! cannot lock out a real client. Nothing a client does holds a thread.

use super::http::{self, Shared};
use super::reload;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::routing::get;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio_io_timeout::TimeoutStream;

/// The largest request head (request line and headers) read; a longer one is
/// answered 431 and the connection closed. Browsers send 1-8 KiB (cookies of
/// other apps on localhost included).
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// At most this many headers in a request.
const MAX_HEADERS: usize = 100;
/// A request head must arrive whole within this time of the server starting
/// to wait for it (a new connection, or after the previous response).
pub(crate) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// A write that makes no progress for this long ends the connection (a
/// client that does not read).
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections at most (live-reload sockets are counted apart).
pub(crate) const MAX_CONNECTIONS: usize = 512;

/// Serve on `listener` until `shared` is closed.
pub(crate) fn run(listener: std::net::TcpListener, shared: Arc<Shared>) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    runtime.block_on(accept_loop(listener, shared))
}

async fn accept_loop(listener: std::net::TcpListener, shared: Arc<Shared>) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let app = router(shared.clone());
    let conns = Arc::new(Conns::default());
    let mut snapshots = shared.subscribe();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = snapshots.wait_for(|s| s.closed) => return Ok(()),
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of descriptors, most likely: make room, retry soon.
                conns.evict_one();
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if conns.open().len() >= MAX_CONNECTIONS && !conns.evict_one() {
            // Every connection is busy answering: this one is dropped.
            continue;
        }
        let _ = stream.set_nodelay(true);
        // A write that makes no progress for this long fails.
        let mut stream = TimeoutStream::new(stream);
        stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let (id, conn) = conns.add();
        let conns = conns.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let service = {
                let conn = conn.clone();
                hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let busy = Busy::start(&conn);
                    let mut app = app.clone();
                    async move {
                        let response =
                            tower_service::Service::call(&mut app, req.map(Body::new)).await?;
                        // Busy until the last byte of the body is written.
                        Ok::<_, std::convert::Infallible>(response.map(|body| {
                            Body::new(body.map_frame(move |frame| {
                                let _ = &busy;
                                frame
                            }))
                        }))
                    }
                })
            };
            let serving = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_header_size(MAX_HEAD)
                .max_headers(MAX_HEADERS)
                .serve_connection(TokioIo::new(Box::pin(stream)), service)
                .with_upgrades();
            tokio::select! {
                _ = serving => {}
                _ = conn.evicted.notified() => {}
            }
            conns.open().remove(&id);
        });
    }
}

/// One connection, as the limit sees it.
struct Conn {
    /// Requests read and not yet answered to their last byte.
    busy: AtomicUsize,
    /// Since when it is waiting for a request.
    idle_since: Mutex<Instant>,
    evicted: Notify,
}

#[derive(Default)]
struct Conns {
    open: Mutex<HashMap<u64, Arc<Conn>>>,
    next: AtomicU64,
}

impl Conns {
    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn add(&self) -> (u64, Arc<Conn>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            busy: AtomicUsize::new(0),
            idle_since: Mutex::new(Instant::now()),
            evicted: Notify::new(),
        });
        self.open().insert(id, conn.clone());
        (id, conn)
    }

    /// Close the connection that has waited longest for a request (a silent
    /// one, a slowloris, an idle keep-alive). Whether there was one.
    fn evict_one(&self) -> bool {
        let mut open = self.open();
        let oldest = open
            .iter()
            .filter(|(_, c)| c.busy.load(Ordering::SeqCst) == 0)
            .min_by_key(|(id, c)| {
                (
                    *c.idle_since.lock().unwrap_or_else(|e| e.into_inner()),
                    **id,
                )
            })
            .map(|(id, _)| *id);
        let evicted = oldest.and_then(|id| open.remove(&id));
        if let Some(conn) = &evicted {
            conn.evicted.notify_one();
        }
        evicted.is_some()
    }
}

/// A request being answered on a connection; idle again when dropped.
struct Busy(Arc<Conn>);

impl Busy {
    fn start(conn: &Arc<Conn>) -> Busy {
        conn.busy.fetch_add(1, Ordering::SeqCst);
        Busy(conn.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        *self.0.idle_since.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The routes: the live-reload socket, and everything else from the site.
fn router(shared: Arc<Shared>) -> Router {
    use tower_http::set_header::SetResponseHeaderLayer;
    Router::new()
        .route("/__cairn/ws", get(reload::socket))
        .fallback(http::answer)
        .layer(middleware::from_fn_with_state(shared.clone(), http::guard))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .with_state(shared)
}
