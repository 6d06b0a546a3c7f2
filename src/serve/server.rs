//! The HTTP/1.1 server under `cairn serve`: one thread, one `mio` event loop,
//! every connection a small state machine. GET and HEAD only, keep-alive.
//!
//! Why not a crate's server: tiny_http (used before) gives a thread to every
//! connection (500 slowloris connections made 516 threads), has no read or
//! write timeouts, reads a header of any size into memory and waits for the
//! body of a request it has already refused. Here nothing a client does holds
//! a thread: reads and writes never block, a request head is capped and must
//! arrive in time, a stalled write is dropped, bodies are never read, and
//! responses are written from the in-memory site without copying it.

use super::http::{self, Answer, Body, Reply, Request, Shared};
use super::reload;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use std::collections::HashMap;
use std::io::{self, IoSlice, Read, Write};
use std::net::Shutdown;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The largest request head (request line and headers) read; a longer one is
/// answered 431 and the connection closed. Browsers send 1-8 KiB (cookies of
/// other apps on localhost included).
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// At most this many headers in a request.
const MAX_HEADERS: usize = 100;
/// A request head must arrive whole within this time of the connection being
/// opened (or of the previous response on it); idle keep-alive ends then too.
pub(crate) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// A response that makes no progress for this long is dropped (a client that
/// does not read).
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After a refusal, how long what the client still sends is read and thrown
/// away, so closing does not reset the connection before it reads the answer.
const LINGER: Duration = Duration::from_secs(1);
/// Open connections at most; at the limit the one that waited longest for a
/// request head is closed to make room, so a flood of idle connections cannot
/// lock out a real client.
pub(crate) const MAX_CONNECTIONS: usize = 512;
/// How often timeouts are looked at.
const TICK: Duration = Duration::from_millis(100);

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);
const FIRST_CONN: usize = 2;

enum State {
    /// Waiting for (the rest of) a request head.
    Reading,
    /// Sending a response; `close` after it, else back to `Reading`.
    Writing {
        head: Vec<u8>,
        body: Body,
        /// Bytes of head + body already sent.
        sent: usize,
        head_only: bool,
        close: bool,
    },
    /// A long-poll waiting for the site to change.
    Parked {
        since: Option<u64>,
        head_only: bool,
        close: bool,
    },
    /// Answered and shut for writing: reading what is left, then closing.
    Draining,
}

struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    state: State,
    /// When the current state began (the deadline of a head, a poll, a linger).
    since: Instant,
    /// The last time a write made progress.
    progress: Instant,
}

/// What processing a connection came to.
enum Next {
    Keep,
    /// Stopped to let others have a turn; go on without waiting for an event.
    Again,
    Close,
}

/// Bytes written to one connection before the others get a turn.
const WRITE_TURN: usize = 1024 * 1024;
/// Bytes read and thrown away per turn while lingering.
const DRAIN_TURN: usize = 64 * 1024;

/// Run the server loop on `listener` until `shared.hub` is closed.
pub(crate) fn run(listener: std::net::TcpListener, shared: Arc<Shared>) -> io::Result<()> {
    let poll = Poll::new()?;
    listener.set_nonblocking(true)?;
    let mut listener = TcpListener::from_std(listener);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
    shared.hub.set_waker(waker);
    Loop {
        poll,
        listener,
        shared,
        conns: HashMap::new(),
        next: FIRST_CONN,
        generation: 0,
        accept_later: false,
        again: Vec::new(),
    }
    .run()
}

struct Loop {
    poll: Poll,
    listener: TcpListener,
    shared: Arc<Shared>,
    conns: HashMap<usize, Conn>,
    next: usize,
    /// The generation parked polls were last compared with.
    generation: u64,
    /// Accepting failed (out of file descriptors): try again on the next tick.
    accept_later: bool,
    /// Connections that stopped after their turn, to go on at once.
    again: Vec<usize>,
}

impl Loop {
    fn run(mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(256);
        let mut last_sweep = Instant::now();
        self.generation = self.shared.hub.generation();
        loop {
            let wait = if self.again.is_empty() {
                TICK
            } else {
                Duration::ZERO
            };
            if let Err(e) = self.poll.poll(&mut events, Some(wait)) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept(),
                    WAKER => {}
                    Token(t) => self.process(t),
                }
            }
            for t in std::mem::take(&mut self.again) {
                self.process(t);
            }
            if self.shared.hub.is_closed() {
                self.answer_parked(true);
                self.flush_before_exit();
                return Ok(());
            }
            let generation = self.shared.hub.generation();
            if generation != self.generation {
                self.generation = generation;
                self.answer_parked(false);
            }
            if self.accept_later {
                self.accept();
            }
            if last_sweep.elapsed() >= TICK {
                last_sweep = Instant::now();
                self.sweep();
            }
        }
    }

    fn accept(&mut self) {
        self.accept_later = false;
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => self.add(stream),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => {
                    // Out of descriptors, most likely: make room, retry soon.
                    self.evict_one();
                    self.accept_later = true;
                    return;
                }
            }
        }
    }

    fn add(&mut self, mut stream: TcpStream) {
        if self.conns.len() >= MAX_CONNECTIONS && !self.evict_one() {
            // Every connection is busy answering: this one waits its turn elsewhere.
            return;
        }
        let _ = stream.set_nodelay(true);
        let token = self.next;
        self.next = self.next.checked_add(1).unwrap_or(FIRST_CONN);
        if self
            .poll
            .registry()
            .register(
                &mut stream,
                Token(token),
                Interest::READABLE | Interest::WRITABLE,
            )
            .is_err()
        {
            return;
        }
        let now = Instant::now();
        self.conns.insert(
            token,
            Conn {
                stream,
                buf: Vec::new(),
                state: State::Reading,
                since: now,
                progress: now,
            },
        );
        // Data may already be there; edge-triggered events do not repeat it.
        self.process(token);
    }

    /// Close the connection that has waited longest for a request head (or,
    /// failing that, one lingering after a refusal). Whether one was closed.
    fn evict_one(&mut self) -> bool {
        let pick = |draining: bool| {
            self.conns
                .iter()
                .filter(|(_, c)| {
                    if draining {
                        matches!(c.state, State::Draining)
                    } else {
                        matches!(c.state, State::Reading)
                    }
                })
                .min_by_key(|(_, c)| c.since)
                .map(|(t, _)| *t)
        };
        match pick(false).or_else(|| pick(true)) {
            Some(t) => {
                self.close(t);
                true
            }
            None => false,
        }
    }

    fn close(&mut self, token: usize) {
        if let Some(mut conn) = self.conns.remove(&token) {
            let _ = self.poll.registry().deregister(&mut conn.stream);
        }
    }

    fn process(&mut self, token: usize) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        match step(conn, &self.shared) {
            Next::Keep => {}
            Next::Again => {
                if !self.again.contains(&token) {
                    self.again.push(token);
                }
            }
            Next::Close => self.close(token),
        }
    }

    /// Answer the parked polls whose generation is out of date (all of them
    /// when shutting down).
    fn answer_parked(&mut self, all: bool) {
        let generation = self.shared.hub.generation();
        let tokens: Vec<usize> = self
            .conns
            .iter()
            .filter(|(_, c)| match c.state {
                State::Parked { since, .. } => all || since != Some(generation),
                _ => false,
            })
            .map(|(t, _)| *t)
            .collect();
        for t in tokens {
            if let Some(conn) = self.conns.get_mut(&t) {
                unpark(conn, generation);
            }
            self.process(t);
        }
    }

    /// Timeouts: heads that do not come, writes that do not move, polls that
    /// have waited long enough, lingering that is over.
    fn sweep(&mut self) {
        let now = Instant::now();
        let generation = self.shared.hub.generation();
        let mut closing = Vec::new();
        let mut unparked = Vec::new();
        for (t, c) in &mut self.conns {
            let age = now.duration_since(c.since);
            match c.state {
                State::Reading if age >= HEAD_TIMEOUT => closing.push(*t),
                State::Writing { .. } if now.duration_since(c.progress) >= WRITE_TIMEOUT => {
                    closing.push(*t)
                }
                State::Parked { .. } if age >= reload::POLL_TIMEOUT => {
                    unpark(c, generation);
                    unparked.push(*t);
                }
                State::Draining if age >= LINGER => closing.push(*t),
                _ => {}
            }
        }
        for t in closing {
            self.close(t);
        }
        for t in unparked {
            self.process(t);
        }
    }

    /// On shutdown, give the answers to parked polls a moment to leave.
    fn flush_before_exit(&mut self) {
        let deadline = Instant::now() + Duration::from_millis(200);
        while Instant::now() < deadline
            && self
                .conns
                .values()
                .any(|c| matches!(c.state, State::Writing { .. }))
        {
            let tokens: Vec<usize> = self.conns.keys().copied().collect();
            for t in tokens {
                self.process(t);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn unpark(conn: &mut Conn, generation: u64) {
    if let State::Parked {
        head_only, close, ..
    } = conn.state
    {
        let mut r = http::reply(
            200,
            "application/json",
            Body::Owned(reload::answer_body(generation)),
        );
        for (k, v) in &mut r.headers {
            if *k == "Cache-Control" {
                *v = "no-store".to_string();
            }
        }
        start_reply(conn, r, head_only, close);
    }
}

/// Move a connection as far as it goes without blocking.
fn step(conn: &mut Conn, shared: &Shared) -> Next {
    loop {
        match &mut conn.state {
            State::Reading => {
                let eof = match fill(conn) {
                    Ok(eof) => eof,
                    Err(_) => return Next::Close,
                };
                match parse(conn, shared) {
                    Parsed::Done => continue,
                    Parsed::Partial if eof => return Next::Close,
                    Parsed::Partial => return Next::Keep,
                }
            }
            State::Writing { .. } => match write(conn) {
                Ok(Written::Turn) => return Next::Again,
                Ok(Written::All) => {
                    let State::Writing { close, .. } = conn.state else {
                        return Next::Close;
                    };
                    conn.since = Instant::now();
                    if close {
                        let _ = conn.stream.shutdown(Shutdown::Write);
                        conn.state = State::Draining;
                    } else {
                        conn.state = State::Reading;
                    }
                }
                Ok(Written::Blocked) => return Next::Keep,
                Err(_) => return Next::Close,
            },
            State::Parked { .. } => {
                // Only to notice the client leaving; anything it sends meanwhile
                // stays queued (up to the head limit).
                return match fill(conn) {
                    Ok(false) if conn.buf.len() < MAX_HEAD => Next::Keep,
                    _ => Next::Close,
                };
            }
            State::Draining => {
                let mut sink = [0u8; 16 * 1024];
                let mut read = 0;
                // A client still sending gets more turns by its own events;
                // the linger deadline ends it.
                while read < DRAIN_TURN {
                    match conn.stream.read(&mut sink) {
                        Ok(0) => return Next::Close,
                        Ok(n) => read += n,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Next::Keep,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(_) => return Next::Close,
                    }
                }
                return Next::Keep;
            }
        }
    }
}

/// Read what is there into the buffer, never past [`MAX_HEAD`]. Whether the
/// client has closed its side.
fn fill(conn: &mut Conn) -> io::Result<bool> {
    let mut chunk = [0u8; 8 * 1024];
    while conn.buf.len() < MAX_HEAD {
        let room = (MAX_HEAD - conn.buf.len()).min(chunk.len());
        match conn.stream.read(&mut chunk[..room]) {
            Ok(0) => return Ok(true),
            Ok(n) => conn.buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

enum Parsed {
    /// A request was read and its answer set up.
    Done,
    /// More bytes are needed.
    Partial,
}

/// What of a request head the server needs, copied out of the buffer.
struct Head {
    method: String,
    target: String,
    hosts: Vec<String>,
    announces_body: bool,
    close: bool,
    used: usize,
}

enum HeadRead {
    Head(Head),
    Partial,
    Refuse(u16, &'static str),
}

fn read_head(buf: &[u8]) -> HeadRead {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let used = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) if buf.len() >= MAX_HEAD => {
            return HeadRead::Refuse(431, "431 request header fields too large\n");
        }
        Ok(httparse::Status::Partial) => return HeadRead::Partial,
        Err(httparse::Error::TooManyHeaders) => {
            return HeadRead::Refuse(431, "431 too many header fields\n");
        }
        Err(_) => return HeadRead::Refuse(400, "400 bad request\n"),
    };
    let values = |name: &str| -> Vec<String> {
        req.headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
            .collect()
    };
    let http11 = req.version == Some(1);
    let close = !http11
        || values("connection")
            .iter()
            .any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close")));
    let announces_body = !values("transfer-encoding").is_empty()
        || values("content-length").iter().any(|v| v != "0");
    let hosts = values("host");
    if hosts.len() > 1 || (http11 && hosts.is_empty()) {
        return HeadRead::Refuse(400, "400 bad request: one Host header needed\n");
    }
    HeadRead::Head(Head {
        method: req.method.unwrap_or("").to_string(),
        target: req.path.unwrap_or("").to_string(),
        hosts,
        announces_body,
        close,
        used,
    })
}

/// Parse a request head from the buffer and set up its answer.
fn parse(conn: &mut Conn, shared: &Shared) -> Parsed {
    let refuse = |conn: &mut Conn, r: Reply| {
        // Whatever else was sent (a body) is never read: answer and close.
        conn.buf.clear();
        start_reply(conn, r, false, true);
        Parsed::Done
    };
    let head = match read_head(&conn.buf) {
        HeadRead::Head(h) => h,
        HeadRead::Partial => return Parsed::Partial,
        HeadRead::Refuse(status, text) => return refuse(conn, http::plain(status, text)),
    };
    if head.method != "GET" && head.method != "HEAD" {
        let mut r = http::plain(405, "405 method not allowed\n");
        r.headers.push(("Allow", "GET, HEAD".to_string()));
        return refuse(conn, r);
    }
    if head.announces_body {
        return refuse(
            conn,
            http::plain(413, "413 a GET or HEAD carries no body\n"),
        );
    }
    let head_only = head.method == "HEAD";
    let answer = http::handle(
        &Request {
            target: &head.target,
            host: head.hosts.first().map(String::as_str),
        },
        shared,
    );
    conn.buf.drain(..head.used);
    let close = head.close;
    match answer {
        Answer::Now(r) => start_reply(conn, r, head_only, close),
        Answer::Wait { since } => {
            conn.since = Instant::now();
            conn.state = State::Parked {
                since,
                head_only,
                close,
            };
            let generation = shared.hub.generation();
            if since != Some(generation) || shared.hub.is_closed() {
                unpark(conn, generation);
            }
        }
    }
    Parsed::Done
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        _ => "",
    }
}

fn start_reply(conn: &mut Conn, reply: Reply, head_only: bool, close: bool) {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        // Values are ours or a path the client sent; never a line break.
        let v: String = v.chars().filter(|c| !c.is_control()).collect();
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: {}\r\n\r\n",
        reply.body.bytes().len(),
        if close { "close" } else { "keep-alive" }
    ));
    let now = Instant::now();
    conn.since = now;
    conn.progress = now;
    conn.state = State::Writing {
        head: head.into_bytes(),
        body: reply.body,
        sent: 0,
        head_only,
        close,
    };
}

enum Written {
    All,
    /// The socket takes no more now; its next writable event goes on.
    Blocked,
    /// This turn's share is written.
    Turn,
}

/// Write what the socket takes, up to one turn's share.
fn write(conn: &mut Conn) -> io::Result<Written> {
    let State::Writing {
        head,
        body,
        sent,
        head_only,
        ..
    } = &mut conn.state
    else {
        return Ok(Written::All);
    };
    let body = if *head_only { &[][..] } else { body.bytes() };
    let total = head.len() + body.len();
    let turn_ends = *sent + WRITE_TURN;
    while *sent < total {
        if *sent >= turn_ends {
            return Ok(Written::Turn);
        }
        let slices = if *sent < head.len() {
            [IoSlice::new(&head[*sent..]), IoSlice::new(body)]
        } else {
            [IoSlice::new(&body[*sent - head.len()..]), IoSlice::new(&[])]
        };
        match conn.stream.write_vectored(&slices) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                *sent += n;
                conn.progress = Instant::now();
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Written::Blocked),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Written::All)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &[u8]) -> Head {
        match read_head(raw) {
            HeadRead::Head(h) => h,
            HeadRead::Partial => panic!("partial: {raw:?}"),
            HeadRead::Refuse(s, t) => panic!("refused {s} {t}: {raw:?}"),
        }
    }

    fn refused(raw: &[u8]) -> Option<u16> {
        match read_head(raw) {
            HeadRead::Refuse(s, _) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn request_heads_are_read_with_their_limits() {
        let h = head(b"GET /a?b HTTP/1.1\r\nHost: localhost:8\r\n\r\nGET /next");
        assert_eq!((h.method.as_str(), h.target.as_str()), ("GET", "/a?b"));
        assert_eq!(h.hosts, vec!["localhost:8"]);
        assert!(!h.close && !h.announces_body);
        let first = b"GET /a?b HTTP/1.1\r\nHost: localhost:8\r\n\r\n".len();
        assert_eq!(h.used, first, "pipelined bytes stay in the buffer");
        assert!(head(b"GET / HTTP/1.0\r\n\r\n").close, "HTTP/1.0 closes");
        assert!(head(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n").close);
        assert!(head(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n").announces_body);
        assert!(
            head(b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n").announces_body
        );
        assert!(!head(b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").announces_body);

        assert!(matches!(
            read_head(b"GET / HTTP/1.1\r\nHost: a\r\n"),
            HeadRead::Partial
        ));
        let mut big = b"GET / HTTP/1.1\r\nX: ".to_vec();
        big.resize(MAX_HEAD, b'a');
        assert_eq!(refused(&big), Some(431));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X{i}: y\r\n")).collect();
        assert_eq!(
            refused(format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes()),
            Some(431)
        );
        assert_eq!(refused(b"\x00\x01garbage\r\n\r\n"), Some(400));
        assert_eq!(refused(b"GET / HTTP/1.1\r\n\r\n"), Some(400), "no Host");
        assert_eq!(
            refused(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            Some(400),
            "two Hosts"
        );
    }
}
