//! Live updates: the `/events` stream of server-sent events that tells open
//! pages the exercise changed.
//!
//! A notice says only *that* something changed (its sequence number, kind,
//! round and, for a move, which delegation moved), the same for every viewer:
//! it carries no private input, so one formatting serves every stream. The
//! writer thread formats each notice once ([`crate::store::Notice::frame`]);
//! every stream forwards those shared bytes (reference-counted; never
//! formatted per stream) and writes all the notices it has not yet sent in
//! one chunk (the only copy: several frames joined into one buffer), so that
//! fifty open streams cost fifty writes per burst of moves rather than fifty
//! per move. Nothing is merged: each notice still arrives as its own event,
//! in order. A stream more than the channel's 1,024 notices behind skips the
//! oldest, as before; the next one carries the later sequence number, which
//! is all a page compares.
//!
//! A stream ends once its session does (sign-out, code reissued, expiry): the
//! session is checked before every write and every [`SESSION_CHECK`].

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::time::Instant;

use crate::app::App;
use crate::store::Notice;

/// How often an open stream checks that its session still holds when no
/// notice arrives.
pub const SESSION_CHECK: Duration = Duration::from_secs(5);

/// A stream that sent nothing for this long sends a comment line, so that
/// proxies and browsers do not take it for dead.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Most notices written in one chunk.
pub const MAX_CHUNK: usize = 256;

/// The first event of every stream: the sequence number the page must have
/// shown (`event: sync`).
pub fn sync_frame(seq: u64) -> Bytes {
    Bytes::from(format!("event: sync\ndata: {{\"seq\":{seq}}}\n\n"))
}

/// An SSE comment: ignored by `EventSource`, keeps the connection in use.
const KEEP_ALIVE_FRAME: &[u8] = b":\n\n";

/// The frames of the notices one write sends, as one buffer: the single
/// frame itself when there is one (no copy), else their concatenation.
pub fn chunk(frames: &[Bytes]) -> Bytes {
    match frames {
        [one] => one.clone(),
        _ => {
            let mut out = Vec::with_capacity(frames.iter().map(Bytes::len).sum());
            for f in frames {
                out.extend_from_slice(f);
            }
            Bytes::from(out)
        }
    }
}

/// One open stream.
struct Stream {
    rx: Receiver<Arc<Notice>>,
    app: Arc<App>,
    /// The session's token hash ([`crate::auth::token_hash`]), computed once.
    session: String,
    /// Fires every [`SESSION_CHECK`] (a periodic timer, so that notices
    /// cost no timer of their own).
    check: std::pin::Pin<Box<tokio::time::Sleep>>,
    /// When the stream last wrote anything.
    sent_at: Instant,
}

impl Stream {
    /// The next chunk to write, or `None` when the stream ends.
    async fn next(&mut self) -> Option<Bytes> {
        loop {
            let first = tokio::select! {
                r = self.rx.recv() => r,
                _ = self.check.as_mut() => {
                    if !self.app.sessions.holds(&self.session) {
                        return None;
                    }
                    let now = Instant::now();
                    self.check.as_mut().reset(now + SESSION_CHECK);
                    if now.duration_since(self.sent_at) >= KEEP_ALIVE {
                        self.sent_at = now;
                        return Some(Bytes::from_static(KEEP_ALIVE_FRAME));
                    }
                    continue;
                }
            };
            let mut frames = Vec::new();
            match first {
                Ok(n) => frames.push(n.frame.clone()),
                // Skipped notices: a later one carries a later sequence
                // number, which is all a page compares.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
            // Everything else already waiting goes in the same write.
            while frames.len() < MAX_CHUNK {
                match self.rx.try_recv() {
                    Ok(n) => frames.push(n.frame.clone()),
                    Err(TryRecvError::Lagged(_)) => continue,
                    Err(TryRecvError::Empty | TryRecvError::Closed) => break,
                }
            }
            if !self.app.sessions.holds(&self.session) {
                return None;
            }
            self.sent_at = Instant::now();
            return Some(chunk(&frames));
        }
    }
}

/// The `/events` response for the session whose token is `token`: first
/// `sync` with the sequence number of the committed state, then every
/// notice committed after it.
pub fn events(app: Arc<App>, token: &str) -> Response {
    // Subscribe before reading the state: an event committed in between
    // arrives through the subscription, so a page that compares sequence
    // numbers misses nothing.
    let rx = app.log.subscribe();
    let seq = app.log.state().events;
    let now = Instant::now();
    let stream = Stream {
        rx,
        app,
        session: crate::auth::token_hash(token),
        check: Box::pin(tokio::time::sleep_until(now + SESSION_CHECK)),
        sent_at: now,
    };
    let first =
        futures_util::stream::once(
            async move { Ok::<_, std::convert::Infallible>(sync_frame(seq)) },
        );
    let rest = futures_util::stream::unfold(stream, |mut s| async move {
        let chunk = s.next().await?;
        Some((Ok(chunk), s))
    });
    let mut res = Response::new(Body::from_stream(futures_util::StreamExt::chain(
        first, rest,
    )));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_frame_is_passed_on_as_is_and_several_are_joined_in_order() {
        let a = Bytes::from_static(b"event: a\ndata: 1\n\n");
        let b = Bytes::from_static(b"event: b\ndata: 2\n\n");
        let one = chunk(std::slice::from_ref(&a));
        // The same buffer, not a copy.
        assert_eq!(one.as_ptr(), a.as_ptr());
        assert_eq!(
            &chunk(&[a, b])[..],
            b"event: a\ndata: 1\n\nevent: b\ndata: 2\n\n"
        );
        assert_eq!(&sync_frame(42)[..], b"event: sync\ndata: {\"seq\":42}\n\n");
    }
}
