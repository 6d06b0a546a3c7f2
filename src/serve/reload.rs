//! Live reload over a WebSocket. A page carries the generation it was served
//! at; `livereload.js` opens `/__cairn/ws`, which sends the current generation
//! at once and again after every rebuild; the page reloads when it differs.
//! Each socket follows the [`Snapshot`] the watch thread publishes.

use super::http::{Shared, Snapshot, plain};
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::watch;

/// Live-reload sockets open at most (a browser tab holds one): past it, 503.
pub(crate) const MAX_SOCKETS: usize = 256;

/// One open socket, counted while it lives (also when the upgrade fails).
struct Slot(Arc<Shared>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.sockets.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `GET /__cairn/ws`: upgrade, then tell the page each generation. Only pages
/// of the preview itself may open it (a page of another site may not learn
/// when the author saves).
pub(crate) async fn socket(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let origin_ok = headers.get(header::ORIGIN).is_none_or(|origin| {
        let origin = String::from_utf8_lossy(origin.as_bytes());
        origin
            .split_once("://")
            .is_some_and(|(_, host)| shared.hosts.allows(host))
    });
    if !origin_ok {
        return plain(403, "403 forbidden: a page of another origin\n");
    }
    let slot = Slot(shared.clone());
    if shared.sockets.fetch_add(1, Ordering::SeqCst) >= MAX_SOCKETS {
        return plain(503, "503 too many live-reload connections\n");
    }
    let snapshots = shared.subscribe();
    ws.max_message_size(1024)
        .on_upgrade(move |socket| async move {
            follow(socket, snapshots).await;
            drop(slot);
        })
        .into_response()
}

async fn follow(mut socket: WebSocket, mut snapshots: watch::Receiver<Snapshot>) {
    loop {
        let (generation, closed) = {
            let now = snapshots.borrow_and_update();
            (now.generation, now.closed)
        };
        let message = Message::text(format!("{{\"generation\":{generation}}}"));
        if closed || socket.send(message).await.is_err() {
            break;
        }
        // Wait for the next snapshot; what the page sends is read only to notice
        // it leaving (a close frame or a dropped connection).
        loop {
            tokio::select! {
                changed = snapshots.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    break;
                }
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                    Some(Ok(_)) => {}
                },
            }
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}
