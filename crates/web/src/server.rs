//! The HTTP server, thread per core: the caller's runtime accepts each
//! connection and hands it, in turn, to one of a few worker threads, each
//! running a single-threaded runtime of its own. A connection is then read,
//! answered and written on one thread, with no other thread woken to steal
//! its work — the model of nginx's workers and of actix-web. On a small
//! machine those wake-ups between the threads of one shared runtime cost
//! more than answering the request.
//!
//! Background work (the report writer, the live scam-check index, the
//! scheduled jobs) stays on the caller's runtime. A database connection that
//! a handler opens belongs to its worker's runtime and serves the others
//! too: wakers and I/O readiness work across runtimes.
//!
//! A connection closed with a request body still arriving (a 413 for an
//! upload that is too large) lingers, as nginx's do: the answer is sent,
//! then the rest is read and dropped for a moment, so that the client reads
//! the refusal rather than a reset.
//!
//! Against slow clients (slowloris): a connection on which nothing moves
//! either way for [`READ_IDLE`] while the server waits to read (headers, a
//! body, or the next request) is closed, and at most [`MAX_CONNECTIONS`] are
//! open at once; past that, new connections are closed at once, so a flood
//! of idle sockets cannot take every file descriptor and worker. A request
//! whose handler works longer than that without writing would be cut too:
//! none does (the longest, an import or a review document, take seconds).

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::extract::Request;
use axum::response::Response;
use axum::serve::{Listener, ListenerExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};

/// A connection handed to a worker, with its place among the open ones.
type Handed = (std::net::TcpStream, SocketAddr, OwnedSemaphorePermit);

/// Connections open at once, at most (by default).
pub const MAX_CONNECTIONS: usize = 4096;
/// How long a connection may stay silent both ways while the server waits
/// to read (by default).
pub const READ_IDLE: Duration = Duration::from_secs(60);

/// What a slow or idle client may hold: [`MAX_CONNECTIONS`] and [`READ_IDLE`]
/// unless set otherwise (tests shorten them).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub read_idle: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits { max_connections: MAX_CONNECTIONS, read_idle: READ_IDLE }
    }
}

/// Serves `app` until the process is asked to stop (Ctrl-C), then lets each
/// worker finish the requests it is answering.
pub async fn serve<S>(app: S, listener: TcpListener, limits: ConnectionLimits) -> io::Result<()>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Future: Send,
{
    let local = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let mut handoffs = Vec::new();
    let mut workers = Vec::new();
    for n in 0..worker_count() {
        let (handoff, incoming) = mpsc::unbounded_channel();
        let (app, mut stopped) = (app.clone(), stopped.clone());
        let read_idle = limits.read_idle;
        let worker = std::thread::Builder::new().name(format!("http-{n}")).spawn(move || -> io::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async move {
                // `tap_io` gives handlers the peer address (`ConnectInfo`) for any listener.
                let listener = HandedListener { incoming, local, read_idle }.tap_io(|_| {});
                axum::serve(
                    listener,
                    axum::ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(app),
                )
                .with_graceful_shutdown(async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await
            })
        })?;
        handoffs.push(handoff);
        workers.push(worker);
    }

    let open = std::sync::Arc::new(Semaphore::new(limits.max_connections));
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    for turn in (0..handoffs.len()).cycle() {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut ctrl_c => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            // Full: closed at once rather than queued behind idle sockets.
            continue;
        };
        // Answers are written whole: nothing to gain from Nagle's delay.
        let _ = stream.set_nodelay(true);
        let Ok(stream) = stream.into_std() else { continue };
        if handoffs[turn].send((stream, peer, permit)).is_err() {
            break; // that worker has stopped: the server is going down
        }
    }
    let _ = stop.send(true);
    drop(handoffs);
    tokio::task::spawn_blocking(move || {
        for worker in workers {
            worker.join().map_err(|_| io::Error::other("an HTTP worker panicked"))??;
        }
        Ok(())
    })
    .await
    .map_err(io::Error::other)?
}

/// One worker per core, at least one.
fn worker_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The connections handed to one worker, as axum's listener.
struct HandedListener {
    incoming: mpsc::UnboundedReceiver<Handed>,
    local: SocketAddr,
    read_idle: Duration,
}

impl Listener for HandedListener {
    type Io = Lingering;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Lingering, SocketAddr) {
        loop {
            let Some((stream, peer, permit)) = self.incoming.recv().await else {
                // The acceptor is gone: only the shutdown signal ends this worker now.
                return std::future::pending().await;
            };
            // Registered with this worker's runtime, which alone polls it.
            match TcpStream::from_std(stream) {
                Ok(stream) => {
                    let idle = Box::pin(tokio::time::sleep(self.read_idle));
                    let read_idle = self.read_idle;
                    let last_moved = tokio::time::Instant::now();
                    return (Lingering { stream, linger: None, idle, read_idle, last_moved, _open: permit }, peer);
                }
                Err(e) => tracing::warn!("taking a connection: {e}"),
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// How long, and how much, a closing connection reads and drops.
const LINGER_FOR: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 64 << 20;

/// A connection whose shutdown sends its end (FIN), then reads what the
/// client is still sending until it stops, [`LINGER_FOR`] passes or
/// [`LINGER_BYTES`] arrive. Closing a socket with unread data makes the
/// kernel answer with a reset, which can reach the client before the
/// response it was sent and destroy it.
struct Lingering {
    stream: TcpStream,
    /// Once shut down: the deadline and the bytes dropped.
    linger: Option<(Pin<Box<tokio::time::Sleep>>, usize)>,
    /// When a read still waiting for the client's bytes gives up.
    idle: Pin<Box<tokio::time::Sleep>>,
    read_idle: Duration,
    last_moved: tokio::time::Instant,
    /// Held while the connection is open ([`MAX_CONNECTIONS`]).
    _open: OwnedSemaphorePermit,
}

impl AsyncRead for Lingering {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Pending => {
                ready!(this.poll_idle(cx));
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client sent nothing for too long")))
            }
            ready => {
                this.moved();
                ready
            }
        }
    }
}

impl Lingering {
    /// Something moved: the silence starts again. Only the time is noted
    /// (a clock read); the timer is moved when it fires, not at every read.
    fn moved(&mut self) {
        self.last_moved = tokio::time::Instant::now();
    }

    /// Ready once nothing has moved for `read_idle`.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            ready!(self.idle.as_mut().poll(cx));
            let deadline = self.last_moved + self.read_idle;
            if deadline <= tokio::time::Instant::now() {
                return Poll::Ready(());
            }
            self.idle.as_mut().reset(deadline);
        }
    }
}

impl AsyncWrite for Lingering {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.stream).poll_write(cx, buf));
        self.moved();
        Poll::Ready(written)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = ready!(Pin::new(&mut self.stream).poll_write_vectored(cx, bufs));
        self.moved();
        Poll::Ready(written)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.linger.is_none() {
            ready!(Pin::new(&mut this.stream).poll_shutdown(cx))?;
            this.linger = Some((Box::pin(tokio::time::sleep(LINGER_FOR)), 0));
        }
        let Some((deadline, dropped)) = this.linger.as_mut() else { return Poll::Ready(Ok(())) };
        let mut scratch = [0u8; 16 * 1024];
        loop {
            if deadline.as_mut().poll(cx).is_ready() || *dropped >= LINGER_BYTES {
                return Poll::Ready(Ok(()));
            }
            let mut buf = ReadBuf::new(&mut scratch);
            match ready!(Pin::new(&mut this.stream).poll_read(cx, &mut buf)) {
                Ok(()) if !buf.filled().is_empty() => *dropped += buf.filled().len(),
                // The client has finished (or gone): close now.
                _ => return Poll::Ready(Ok(())),
            }
        }
    }
}
