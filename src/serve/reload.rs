//! Live reload: a long-poll endpoint. A page carries the generation it was
//! served at; `/__cairn/wait?since=N` answers at once when the site has moved
//! past N, else it is parked here (holding no worker thread) until the next
//! rebuild or a timeout, whichever comes first.

use std::sync::Mutex;
use std::time::{Duration, Instant};
use tiny_http::{Header, Request, Response};

/// How long a parked request waits before it is answered with no change.
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);

pub struct Hub {
    inner: Mutex<Inner>,
}

struct Inner {
    generation: u64,
    parked: Vec<(Request, Instant)>,
    closed: bool,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    pub fn new() -> Hub {
        Hub {
            inner: Mutex::new(Inner {
                generation: 1,
                parked: Vec::new(),
                closed: false,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// A new site (or a new error) is being served: wake every waiting page.
    pub fn bump(&self) -> u64 {
        let (generation, woken) = {
            let mut inner = self.lock();
            inner.generation += 1;
            (inner.generation, std::mem::take(&mut inner.parked))
        };
        for (request, _) in woken {
            answer(request, generation);
        }
        generation
    }

    /// Answer now if `since` is not the current generation, else park.
    pub fn wait(&self, request: Request, since: Option<u64>) {
        let mut inner = self.lock();
        let generation = inner.generation;
        if inner.closed || since != Some(generation) {
            drop(inner);
            answer(request, generation);
        } else {
            inner.parked.push((request, Instant::now()));
        }
    }

    /// Answer the requests parked for longer than `timeout` (the client polls again).
    pub fn expire(&self, timeout: Duration) {
        let (generation, old) = {
            let mut inner = self.lock();
            let now = Instant::now();
            let (old, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut inner.parked)
                .into_iter()
                .partition(|(_, since)| now.duration_since(*since) >= timeout);
            inner.parked = keep;
            (inner.generation, old)
        };
        for (request, _) in old {
            answer(request, generation);
        }
    }

    /// Shutting down: answer everyone, park nobody from now on.
    pub fn close(&self) {
        let (generation, all) = {
            let mut inner = self.lock();
            inner.closed = true;
            (inner.generation, std::mem::take(&mut inner.parked))
        };
        for (request, _) in all {
            answer(request, generation);
        }
    }

    pub fn parked(&self) -> usize {
        self.lock().parked.len()
    }
}

fn answer(request: Request, generation: u64) {
    let body = format!("{{\"generation\":{generation}}}");
    let mut response = Response::from_string(body);
    for (k, v) in [
        ("Content-Type", "application/json"),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ] {
        if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    // A client that went away is no error of ours.
    let _ = request.respond(response);
}

/// `since=N` from a query string.
pub fn since(url: &str) -> Option<u64> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_the_query() {
        assert_eq!(since("/__cairn/wait?since=12"), Some(12));
        assert_eq!(since("/__cairn/wait?x=1&since=3"), Some(3));
        assert_eq!(since("/__cairn/wait?since="), None);
        assert_eq!(since("/__cairn/wait"), None);
    }
}
