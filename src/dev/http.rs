//! The preview server's connections: an accept loop on hyper with limits, so that slow or
//! hostile clients (slowloris, oversized heads, thousands of idle sockets, clients that stop
//! reading) cannot stall the others or make memory grow without bound.
//!
//! `axum::serve` has none of these knobs, so connections are served by hyper's HTTP/1
//! builder directly; the routes are still an axum `Router`.
//!
//! - A request head must arrive whole within the header timeout: on a new connection, and
//!   after each response on a kept-alive one. So a client dribbling header bytes, a
//!   connection that never sends anything and an idle keep-alive connection are all closed.
//! - A head over [`MAX_HEAD_BYTES`] (request line and headers together) gets 431 and the
//!   connection is closed; at most 100 headers.
//! - A write that makes no progress for the write-stall timeout (a client that stopped
//!   reading its response or its live-reload messages) fails and closes the connection.
//! - At most a fixed number of connections are open at once (live-reload WebSockets
//!   included); beyond that, new connections wait in the kernel's listen queue until one
//!   closes, instead of each costing memory and a file descriptor.
//! - A failed `accept` (out of file descriptors, say) never ends the loop: it waits a little
//!   and tries again, so it neither dies nor spins.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

/// The largest request head accepted: request line and headers. Browsers send well under
/// 8 KB, but every site on `localhost` shares its cookies, which can pile up.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// hyper's read buffer per connection may grow to this (hyper's default is about 400 KB):
/// a head must fit, and nothing the preview accepts has a body. Pipelined requests beyond it
/// wait in the kernel.
const MAX_BUFFER_BYTES: usize = MAX_HEAD_BYTES;

/// Connections open at once, unless the open-file limit allows fewer.
pub const MAX_CONNECTIONS: usize = 20_000;

/// File descriptors left for everything but connections: builds read the site's files, and
/// the watcher and the runtime hold a few.
const FDS_KEPT: u64 = 256;

/// How long the accept loop waits after an error such as EMFILE before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Pending connections the kernel queues for `accept` (it may lower this to `somaxconn`).
const LISTEN_BACKLOG: u32 = 1024;

/// What a client is allowed.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a client may take to send a whole request head (or, on an idle kept-alive
    /// connection, to start the next one).
    pub header_timeout: Duration,
    /// How long a write may wait for the client to read before the connection is closed.
    pub write_stall: Duration,
    /// The most connections open at once.
    pub max_connections: usize,
}

impl Limits {
    /// The defaults, with room for connections as the open-file limit allows.
    pub fn new(open_file_limit: Option<u64>) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            write_stall: Duration::from_secs(30),
            max_connections: connection_capacity(open_file_limit),
        }
    }
}

/// [`MAX_CONNECTIONS`], or fewer when the open-file limit would run out first: connections
/// must leave file descriptors for builds, or a rebuild would fail to open a content file.
pub fn connection_capacity(open_file_limit: Option<u64>) -> usize {
    let Some(limit) = open_file_limit else {
        return MAX_CONNECTIONS;
    };
    let usable = limit.saturating_sub(FDS_KEPT).max(limit / 2).max(1);
    usize::try_from(usable).map_or(MAX_CONNECTIONS, |n| n.min(MAX_CONNECTIONS))
}

/// Raises this process's soft limit on open files to its hard limit (many systems start
/// programs at 1,024, far below what they allow) and returns the soft limit now in effect,
/// or `None` when it is unlimited or cannot be read.
#[cfg(unix)]
pub fn raise_open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we pass and nothing else.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    if limit.rlim_cur < limit.rlim_max {
        // macOS reports an unlimited hard limit but refuses more than OPEN_MAX (10,240).
        for wanted in [limit.rlim_max, limit.rlim_max.min(10_240)] {
            let raised = libc::rlimit {
                rlim_cur: wanted,
                rlim_max: limit.rlim_max,
            };
            // SAFETY: setrlimit only reads the struct we pass.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                limit.rlim_cur = wanted;
                break;
            }
        }
    }
    // `rlim_t` is `u64` on most targets but not all.
    #[allow(clippy::unnecessary_cast)]
    let soft = limit.rlim_cur as u64;
    (limit.rlim_cur != libc::RLIM_INFINITY).then_some(soft)
}

#[cfg(not(unix))]
pub fn raise_open_file_limit() -> Option<u64> {
    None
}

/// A socket listening on `address` (within a runtime), with a longer accept queue than
/// std's, so that a burst of connections waits in the kernel instead of being refused.
pub fn listen(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As std's listener does: a restarted server can take its port back at once.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Connections open now and accept failures so far, for `/__briefing/status`.
#[derive(Debug)]
pub struct Gate {
    slots: Arc<Semaphore>,
    capacity: usize,
    /// Counted apart from the free slots: the accept loop holds one while it waits.
    open: AtomicUsize,
    accept_errors: AtomicU64,
}

impl Gate {
    pub fn new(capacity: usize) -> Gate {
        Gate {
            slots: Arc::new(Semaphore::new(capacity)),
            capacity,
            open: AtomicUsize::new(0),
            accept_errors: AtomicU64::new(0),
        }
    }

    /// Connections open now (HTTP and live-reload WebSockets).
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many times `accept` failed for want of resources (EMFILE and the like).
    pub fn accept_errors(&self) -> u64 {
        self.accept_errors.load(Ordering::Relaxed)
    }
}

/// Accepts connections for ever, serving each with `app` under `limits`.
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, gate: Arc<Gate>) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(MAX_BUFFER_BYTES)
        .keep_alive(true);
    let service = TowerToHyperService::new(app);
    let mut failing = false;
    loop {
        // Wait for a free slot before accepting, so that beyond the limit connections queue
        // in the kernel rather than in this process.
        let Ok(slot) = gate.slots.clone().acquire_owned().await else {
            return; // the semaphore is never closed
        };
        let stream = loop {
            match listener.accept().await {
                Ok((stream, _)) => break stream,
                // That one connection went away before we took it: take the next.
                Err(e) if connection_gone(&e) => {}
                Err(e) => {
                    gate.accept_errors.fetch_add(1, Ordering::Relaxed);
                    if !failing {
                        failing = true;
                        eprintln!(
                            "serve: cannot accept connections ({e}); retrying every {} ms",
                            ACCEPT_BACKOFF.as_millis()
                        );
                    }
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            }
        };
        if failing {
            failing = false;
            eprintln!("serve: accepting connections again");
        }
        // Responses are written whole; waiting to coalesce them only adds latency.
        let _ = stream.set_nodelay(true);
        let mut connection = Connection::new(stream, slot, &gate, limits.write_stall);
        let (http, service) = (http.clone(), service.clone());
        tokio::spawn(async move {
            let first_head = read_first_head(&mut connection);
            match tokio::time::timeout(limits.header_timeout, first_head).await {
                Ok(true) => {}
                // Nothing whole within the timeout, closed, or reset.
                _ => return,
            }
            // With upgrades, a live-reload WebSocket takes the socket over, slot and all.
            let connection = http
                .serve_connection(TokioIo::new(connection), service)
                .with_upgrades();
            // A client's timeout, bad request or reset is its own business.
            let _ = connection.await;
        });
    }
}

/// Reads a new connection's first request head (or [`MAX_HEAD_BYTES`] of it, for hyper to
/// refuse) into `connection.prefix`; false if the client closed the connection first.
///
/// hyper gives a connection 16 KB of buffers as it starts, and 24 KB once it has read a
/// byte or two of a slowloris client. Until a whole head is in, a buffer the size of what
/// came will do: then thousands of idle or dribbling connections cost little.
async fn read_first_head(connection: &mut Connection) -> bool {
    let mut head = Vec::new();
    loop {
        if connection.stream.readable().await.is_err() {
            return false;
        }
        // Not kept across the wait above, so it costs no memory per connection.
        let mut chunk = [0; 2048];
        match connection.stream.try_read(&mut chunk) {
            Ok(0) => return false,
            Ok(n) => {
                // Only the new bytes (and three before them) can complete the head.
                let from = head.len().saturating_sub(3);
                head.extend_from_slice(&chunk[..n]);
                if head_is_complete(&head[from..]) || head.len() >= MAX_HEAD_BYTES {
                    connection.prefix = head;
                    return true;
                }
            }
            // tokio reports a new socket readable before anything came.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return false,
        }
    }
}

/// Whether `bytes` hold the blank line that ends a request head (hyper's parser accepts bare
/// newlines too).
fn head_is_complete(bytes: &[u8]) -> bool {
    bytes.windows(4).any(|w| w == b"\r\n\r\n") || bytes.windows(2).any(|w| w == b"\n\n")
}

/// Errors that concern only the connection being accepted, not the listener.
fn connection_gone(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// One accepted socket. It holds its slot among the connections allowed at once until it
/// is dropped, whoever holds it last (hyper, or a live-reload WebSocket after an upgrade),
/// and fails a write the client has not made room for within the write-stall timeout.
struct Connection {
    stream: TcpStream,
    /// Bytes read before hyper took over, which it reads first.
    prefix: Vec<u8>,
    prefix_read: usize,
    _slot: OwnedSemaphorePermit,
    gate: Arc<Gate>,
    write_stall: Duration,
    /// Set while a write is waiting for the client; cleared by any progress.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl Connection {
    fn new(
        stream: TcpStream,
        slot: OwnedSemaphorePermit,
        gate: &Arc<Gate>,
        write_stall: Duration,
    ) -> Connection {
        gate.open.fetch_add(1, Ordering::Relaxed);
        Connection {
            stream,
            prefix: Vec::new(),
            prefix_read: 0,
            _slot: slot,
            gate: gate.clone(),
            write_stall,
            stalled: None,
        }
    }

    /// A write's result, with a pending write failing once it has waited too long.
    fn watch<T>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if result.is_ready() {
            self.stalled = None;
            return result;
        }
        let write_stall = self.write_stall;
        let deadline = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(write_stall)));
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.gate.open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.prefix_read < this.prefix.len() {
            let rest = &this.prefix[this.prefix_read..];
            let n = rest.len().min(buf.remaining());
            buf.put_slice(&rest[..n]);
            this.prefix_read += n;
            if this.prefix_read == this.prefix.len() {
                this.prefix = Vec::new();
                this.prefix_read = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.watch(cx, result)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.watch(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        // hyper then queues a response's pieces (shared file bytes) instead of copying them.
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_flush(cx);
        this.watch(cx, result)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_ends_at_a_blank_line() {
        assert!(head_is_complete(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assert!(head_is_complete(b"\r\n\r\n"));
        assert!(head_is_complete(b"GET / HTTP/1.1\nHost: a\n\n"));
        assert!(!head_is_complete(b"GET / HTTP/1.1\r\nHost: a\r\n"));
        assert!(!head_is_complete(b"GET / HTTP/1.1\r\nX-Slow: aaaa"));
        assert!(!head_is_complete(b""));
    }

    #[test]
    fn connections_leave_file_descriptors_for_builds() {
        assert_eq!(connection_capacity(None), MAX_CONNECTIONS);
        assert_eq!(connection_capacity(Some(1_048_576)), MAX_CONNECTIONS);
        assert_eq!(connection_capacity(Some(20_000)), 20_000 - 256);
        assert_eq!(connection_capacity(Some(1024)), 1024 - 256);
        // A tiny limit: half for connections rather than none.
        assert_eq!(connection_capacity(Some(300)), 150);
        assert_eq!(connection_capacity(Some(1)), 1);
        assert_eq!(connection_capacity(Some(0)), 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_open_file_limit_is_raised_to_the_hard_limit() {
        let mut hard = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct we pass.
        assert_eq!(
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut hard) },
            0
        );
        let soft = raise_open_file_limit();
        if hard.rlim_max == libc::RLIM_INFINITY {
            assert!(soft.is_none_or(|s| s >= 10_240), "{soft:?}");
        } else {
            #[allow(clippy::unnecessary_cast)]
            let hard = hard.rlim_max as u64;
            assert_eq!(soft, Some(hard));
        }
    }
}
