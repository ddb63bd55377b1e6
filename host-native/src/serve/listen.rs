//! Connections: the accept loop, its limits, and the graceful stop.
//!
//! axum's own `serve` has no timeout on reading a request, so a client that sends half a request
//! holds its connection (and a file descriptor) forever. This module serves the router with
//! hyper's HTTP/1 connection builder directly, and:
//!
//! - closes a connection whose request line and headers are not all in within
//!   [`Limits::header_timeout`] (hyper's `header_read_timeout`, which also bounds how long an idle
//!   keep-alive connection stays open);
//! - fails a request body not all in within [`Limits::body_timeout`] of its headers
//!   ([`BodyTimeout`]; the API answers 408);
//! - serves at most [`Limits::max_connections`] connections at once: at the cap it stops accepting,
//!   and the kernel's backlog holds new connections until one ends;
//! - answers hyper's own protocol errors (400 malformed request, 414, 431) as JSON like every
//!   other error of the API (hyper writes them with an empty body; see `Socket`);
//! - closes lingering: when the service closes a connection first, it stops writing and reads and
//!   drops what the client still sends for a moment ([`LINGER`]), so the client reads the answer
//!   instead of a connection reset;
//! - stops gracefully: no new connections, idle ones closed, requests in progress finished.
//!
//! [`raise_open_files_limit`] raises the soft limit on open files to the hard one at start, and
//! [`connection_cap`] keeps the cap below it.

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use hyper::body::{Body as HttpBody, Bytes, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Map, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt as _;

/// Largest request line plus headers (bytes); larger: 431.
pub const MAX_HEAD: usize = 32 * 1024;
/// Most header fields in one request; more: 431.
pub const MAX_HEADERS: usize = 100;
/// Longest request target (path and query, bytes); longer: 414 (checked by the API's router).
pub const MAX_URI: usize = 8 * 1024;
/// How long a connection the service closes first may still be read from and drained.
pub const LINGER: Duration = Duration::from_secs(2);
/// Most bytes read and dropped while lingering.
const LINGER_BYTES: usize = 1024 * 1024;
/// Open files kept for everything but client connections (SQLite, the wasm module, logs, the
/// listener), on top of one per concurrent delivery.
pub const RESERVED_FILES: u64 = 128;

/// The limits on clients' connections (`handoff serve --header-timeout-ms`, `--body-timeout-ms`,
/// `--max-connections`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time for a request's line and headers to arrive, counted from the connection's start or
    /// the end of its previous answer. Not all in by then: the connection is closed.
    pub header_timeout: Duration,
    /// Time for a request's body to arrive, counted from the end of its headers. Not all in by
    /// then: 408 and the connection is closed.
    pub body_timeout: Duration,
    /// Most connections served at once.
    pub max_connections: usize,
}

/// The request body ended because it did not arrive within the body timeout.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout {
    /// The timeout.
    pub limit: Duration,
}

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the body did not arrive within {} ms of the headers",
            self.limit.as_millis()
        )
    }
}

impl StdError for BodyTimeout {}

/// The soft limit on open files before and after [`raise_open_files_limit`] (`None`: no limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenFiles {
    /// The soft limit the process started with.
    pub before: Option<u64>,
    /// The soft limit now.
    pub now: Option<u64>,
    /// Why it could not be raised, if it could not.
    pub problem: Option<String>,
}

/// Raises the soft limit on open files (`RLIMIT_NOFILE`) to the hard limit, so that the
/// connection cap, not the limit, decides how many clients are served. When that fails the
/// limit stays as it was and [`OpenFiles::problem`] says why.
#[cfg(unix)]
pub fn raise_open_files_limit() -> OpenFiles {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    let mut files = OpenFiles {
        before: limit.current,
        now: limit.current,
        problem: None,
    };
    if limit.current == limit.maximum {
        return files;
    }
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    if let Err(e) = setrlimit(Resource::Nofile, raised) {
        files.problem = Some(format!(
            "cannot raise the open files limit from {} to {}: {e}",
            show_limit(limit.current),
            show_limit(limit.maximum)
        ));
    }
    files.now = getrlimit(Resource::Nofile).current;
    files
}

/// Raises the soft limit on open files to the hard one (nothing to do on this platform).
#[cfg(not(unix))]
pub fn raise_open_files_limit() -> OpenFiles {
    OpenFiles {
        before: None,
        now: None,
        problem: None,
    }
}

/// A limit for people: a number or `unlimited`.
pub fn show_limit(limit: Option<u64>) -> String {
    limit.map_or_else(|| "unlimited".to_string(), |n| n.to_string())
}

/// The connection cap: `requested`, but at most the open files limit less `reserved` (and at
/// least 1).
pub fn connection_cap(requested: usize, open_files: Option<u64>, reserved: u64) -> usize {
    let requested = requested.max(1);
    match open_files {
        Some(limit) => {
            let room = usize::try_from(limit.saturating_sub(reserved)).unwrap_or(usize::MAX);
            requested.min(room).max(1)
        }
        None => requested,
    }
}

/// Is `path` UTF-8 once percent-decoded? (Route parameters are decoded to text, so a path that
/// is not cannot name anything.)
pub fn path_is_utf8(path: &str) -> bool {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) => match (hex(h), hex(l)) {
                (Some(h), Some(l)) => {
                    i += 2;
                    h * 16 + l
                }
                _ => b'%',
            },
            (b, _, _) => b,
        };
        decoded.push(byte);
        i += 1;
    }
    std::str::from_utf8(&decoded).is_ok()
}

/// Serves `router` on `listener` within `limits` until `shutdown` resolves; then stops accepting,
/// closes idle connections, and returns once the requests in progress are answered.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let cap = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // Each connection task holds a receiver: `closed()` resolves when the last one has ended.
    let (open_tx, open_rx) = watch::channel(());
    let (stop_tx, _) = watch::channel(false);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(MAX_HEAD)
        .max_headers(MAX_HEADERS);
    let mut shutdown = pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = cap.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // never closed
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        // Answers are written whole; small ones should not wait for the previous ACK.
        let _ = stream.set_nodelay(true);
        let body_timeout = limits.body_timeout;
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let request = request.map(|body| Body::new(Deadline::new(body, body_timeout)));
            router.clone().oneshot(request)
        });
        let connection =
            builder.serve_connection(TokioIo::new(Socket::new(stream, permit)), service);
        let mut stop = stop_tx.subscribe();
        let open = open_rx.clone();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            let mut stopping = false;
            loop {
                tokio::select! {
                    ended = connection.as_mut() => {
                        if let Err(e) = ended {
                            tracing::debug!(%peer, error = %e, "connection closed");
                        }
                        break;
                    }
                    _ = stop.wait_for(|s| *s), if !stopping => {
                        stopping = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
            drop(open);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(open_rx);
    open_tx.closed().await;
}

/// After a failed accept: a connection that failed before it was accepted is nobody's concern;
/// anything else (out of file descriptors, most likely) is logged and waited out briefly.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection; retrying in 100 ms");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// A request body that fails with [`BodyTimeout`] if it has not all arrived by its deadline.
struct Deadline {
    body: Incoming,
    deadline: Instant,
    limit: Duration,
    /// Set the first time the body has to be waited for (most bodies never are).
    timer: Option<Pin<Box<Sleep>>>,
}

impl Deadline {
    fn new(body: Incoming, limit: Duration) -> Deadline {
        Deadline {
            body,
            deadline: Instant::now() + limit,
            limit,
            timer: None,
        }
    }
}

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = Box<dyn StdError + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout { limit: this.limit })))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// One accepted connection as hyper reads and writes it.
///
/// - It holds the connection's place under the cap until the socket is closed.
/// - hyper answers a request it cannot parse itself, with an empty body, and closes; those
///   answers (recognised as an error head with `content-length: 0` and no `content-type`, which
///   the API never sends: every one of its errors is JSON) are written as the API's JSON errors.
/// - Dropped before the client closed its side, it closes lingering (see [`linger`]).
struct Socket {
    /// `None` once dropped.
    stream: Option<TcpStream>,
    permit: Option<OwnedSemaphorePermit>,
    /// The client closed its side (a read returned nothing).
    read_closed: bool,
    rewrite: Rewrite,
}

/// Where [`Socket`] is in replacing hyper's own error answer.
enum Rewrite {
    /// Nothing replaced: writes go through.
    Pass,
    /// Writing `answer` in place of hyper's; `sent` bytes of it are out.
    Replacing { answer: Vec<u8>, sent: usize },
    /// The replacement is out; anything hyper writes after it is dropped.
    Done,
}

impl Socket {
    fn new(stream: TcpStream, permit: OwnedSemaphorePermit) -> Socket {
        Socket {
            stream: Some(stream),
            permit: Some(permit),
            read_closed: false,
            rewrite: Rewrite::Pass,
        }
    }

    fn stream(&mut self) -> io::Result<Pin<&mut TcpStream>> {
        self.stream
            .as_mut()
            .map(Pin::new)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))
    }

    /// Writes in place of hyper's error answer, if `first` (the first bytes hyper writes now) is
    /// one or one is being replaced; `None`: write through. `total` is what hyper is told was
    /// written once the replacement is out.
    fn poll_rewrite(
        &mut self,
        cx: &mut Context<'_>,
        first: &[u8],
        total: usize,
    ) -> Option<Poll<io::Result<usize>>> {
        match &self.rewrite {
            Rewrite::Pass => {
                let answer = json_error_answer(first)?;
                self.rewrite = Rewrite::Replacing { answer, sent: 0 };
            }
            Rewrite::Done => return Some(Poll::Ready(Ok(total))),
            Rewrite::Replacing { .. } => {}
        }
        loop {
            let Rewrite::Replacing { answer, sent } = &mut self.rewrite else {
                return Some(Poll::Ready(Ok(total)));
            };
            if *sent == answer.len() {
                self.rewrite = Rewrite::Done;
                return Some(Poll::Ready(Ok(total)));
            }
            let stream = match self.stream.as_mut() {
                Some(s) => Pin::new(s),
                None => return Some(Poll::Ready(Err(io::ErrorKind::NotConnected.into()))),
            };
            match stream.poll_write(cx, &answer[*sent..]) {
                Poll::Ready(Ok(0)) => {
                    return Some(Poll::Ready(Err(io::ErrorKind::WriteZero.into())));
                }
                Poll::Ready(Ok(n)) => *sent += n,
                Poll::Ready(Err(e)) => return Some(Poll::Ready(Err(e))),
                Poll::Pending => return Some(Poll::Pending),
            }
        }
    }
}

impl AsyncRead for Socket {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let wanted = buf.remaining() > 0;
        let read = this.stream()?.poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = read {
            if wanted && buf.filled().len() == before {
                this.read_closed = true;
            }
        }
        read
    }
}

impl AsyncWrite for Socket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(done) = this.poll_rewrite(cx, buf, buf.len()) {
            return done;
        }
        this.stream()?.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let first = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &b[..]);
        let total = bufs.iter().map(|b| b.len()).sum();
        if let Some(done) = this.poll_rewrite(cx, first, total) {
            return done;
        }
        this.stream()?.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.as_ref().is_some_and(|s| s.is_write_vectored())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().stream()?.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().stream()?.poll_shutdown(cx)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        let Some(stream) = self.stream.take() else {
            return;
        };
        let permit = self.permit.take();
        if self.read_closed {
            return; // the client closed first: nothing more will come
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(linger(stream, permit));
        }
    }
}

/// Closes a connection the client may still be writing to: stops writing (the client sees the
/// end of the answer), then reads and drops what arrives until the client closes, for at most
/// [`LINGER`] and `LINGER_BYTES`. Closing at once with unread data would send a reset, and the
/// client could lose the answer it has not read yet. The connection keeps its place under the
/// cap (`_permit`) until then.
async fn linger(mut stream: TcpStream, _permit: Option<OwnedSemaphorePermit>) {
    let _ = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_shutdown(cx)).await;
    let deadline = Instant::now() + LINGER;
    let mut buf = vec![0u8; 16 * 1024];
    let mut left = LINGER_BYTES;
    while left > 0 {
        match tokio::time::timeout_at(deadline, stream.readable()).await {
            Ok(Ok(())) => {}
            _ => return,
        }
        match stream.try_read(&mut buf) {
            Ok(0) => return,
            Ok(n) => left = left.saturating_sub(n),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return,
        }
    }
}

/// The JSON answer to write instead of `head`, if `head` is one of hyper's own error answers: an
/// error status, `content-length: 0`, no `content-type`, nothing after the head.
fn json_error_answer(head: &[u8]) -> Option<Vec<u8>> {
    // Cheap checks first: this sees the head of every answer.
    if !head.starts_with(b"HTTP/1.")
        || !matches!(head.get(9), Some(b'4' | b'5'))
        || !head.ends_with(b"\r\n\r\n")
    {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?;
    let text = text.strip_suffix("\r\n\r\n")?;
    if text.contains("\r\n\r\n") {
        return None;
    }
    let mut lines = text.split("\r\n");
    let status_line = lines.next()?;
    let code: u16 = status_line.get(9..12)?.parse().ok()?;
    if code < 400 {
        return None;
    }
    let mut kept = String::new();
    let mut empty = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = name.trim();
        if name.eq_ignore_ascii_case("content-type") {
            return None;
        } else if name.eq_ignore_ascii_case("content-length") {
            empty = value.trim() == "0";
        } else if !name.eq_ignore_ascii_case("connection") {
            kept.push_str(line);
            kept.push_str("\r\n");
        }
    }
    if !empty {
        return None;
    }
    let (path, message) = match code {
        400 => (
            None,
            "the request is not valid HTTP/1.1 (its request line or a header is malformed)"
                .to_string(),
        ),
        414 => (
            Some("url"),
            format!("the URL is longer than {MAX_URI} bytes"),
        ),
        431 => (
            Some("headers"),
            format!(
                "the request line and headers are larger than {MAX_HEAD} bytes, or there are \
                 more than {MAX_HEADERS} headers"
            ),
        ),
        _ => (None, status_line.get(13..).unwrap_or("error").to_string()),
    };
    let mut error = Map::new();
    if let Some(path) = path {
        error.insert("path".into(), path.into());
    }
    error.insert("message".into(), message.into());
    let body = serde_json::to_vec(&json!({ "error": Value::Object(error) })).ok()?;
    let mut answer = format!(
        "{status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n{kept}\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_own_error_answers_become_json() {
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\
                     date: Mon, 12 Jan 2026 10:00:00 GMT\r\n\r\n";
        let answer = json_error_answer(head).expect("rewritten");
        let text = String::from_utf8(answer).expect("text");
        let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(head.contains("\r\ncontent-type: application/json"));
        assert!(head.contains("\r\nconnection: close"));
        assert!(head.contains("\r\ndate: Mon, 12 Jan 2026 10:00:00 GMT"));
        assert!(head.contains(&format!("\r\ncontent-length: {}", body.len())));
        let json: Value = serde_json::from_str(body).expect("JSON");
        assert_eq!(json["error"]["path"], "headers");
        assert!(json["error"]["message"].as_str().is_some());

        let bad = json_error_answer(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
            .expect("rewritten");
        let bad = String::from_utf8(bad).expect("text");
        let (_, body) = bad.split_once("\r\n\r\n").expect("a body");
        let json: Value = serde_json::from_str(body).expect("JSON");
        assert!(json["error"].get("path").is_none());
    }

    #[test]
    fn the_apis_own_answers_go_through() {
        for head in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n",
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\nbody",
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n",
            b"{\"error\": {}}",
            b"",
        ] {
            assert!(json_error_answer(head).is_none(), "{head:?}");
        }
    }

    #[test]
    fn the_connection_cap_stays_below_the_open_files_limit() {
        assert_eq!(connection_cap(4096, Some(1_048_576), 160), 4096);
        assert_eq!(connection_cap(4096, Some(1024), 160), 864);
        assert_eq!(connection_cap(4096, None, 160), 4096);
        assert_eq!(connection_cap(4096, Some(100), 160), 1);
        assert_eq!(connection_cap(0, Some(1024), 160), 1);
    }

    #[test]
    fn paths_are_checked_for_utf8_after_percent_decoding() {
        assert!(path_is_utf8("/v1/conversations/conv_1"));
        assert!(path_is_utf8("/v1/conversations/%C3%A9t%C3%A9"));
        assert!(path_is_utf8("/v1/conversations/100%"));
        assert!(path_is_utf8("/v1/conversations/%zz%4"));
        assert!(!path_is_utf8("/v1/conversations/%FF"));
        assert!(!path_is_utf8("/v1/conversations/%C3"));
    }
}
