//! Live reload: a long-poll endpoint. A page carries the generation it was
//! served at; `/__cairn/wait?since=N` answers at once when the site has moved
//! past N, else the server loop parks the connection (holding no thread) until
//! the next rebuild or a timeout, whichever comes first. The hub only counts
//! generations and wakes the loop.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a parked request waits before it is answered with no change.
pub(crate) const POLL_TIMEOUT: Duration = Duration::from_secs(25);

pub(crate) struct Hub {
    generation: AtomicU64,
    closed: AtomicBool,
    /// Wakes the server loop, which answers the parked requests.
    waker: Mutex<Option<Arc<mio::Waker>>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    pub(crate) fn new() -> Hub {
        Hub {
            generation: AtomicU64::new(1),
            closed: AtomicBool::new(false),
            waker: Mutex::new(None),
        }
    }

    pub(crate) fn set_waker(&self, waker: Arc<mio::Waker>) {
        *self.waker.lock().unwrap_or_else(|e| e.into_inner()) = Some(waker);
    }

    fn wake(&self) {
        if let Some(w) = self
            .waker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            // A loop that is gone has nobody to wake.
            let _ = w.wake();
        }
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// A new site (or a new error) is being served: wake every waiting page.
    pub(crate) fn bump(&self) -> u64 {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.wake();
        generation
    }

    /// Shutting down: the loop answers everyone and stops.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.wake();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }
}

/// The body a waiting page gets.
pub(crate) fn answer_body(generation: u64) -> Vec<u8> {
    format!("{{\"generation\":{generation}}}").into_bytes()
}

/// `since=N` from a query string.
pub(crate) fn since(url: &str) -> Option<u64> {
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
