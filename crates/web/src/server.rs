//! The HTTP server, thread per core: the caller's runtime accepts each
//! connection and hands it, in turn, to one of a few worker threads, each
//! running a single-threaded runtime of its own. A connection is then read,
//! answered and written on one thread, with no other thread woken to steal
//! its work — the model of nginx's workers and of actix-web. On a small
//! machine those wake-ups between the threads of one shared runtime cost
//! more than answering the request.
//!
//! Everything else (the database pools, the report writer, the live
//! scam-check index) stays on the caller's runtime: channels and wakers
//! work across runtimes.

use std::io;
use std::net::SocketAddr;

use axum::Router;
use axum::serve::{Listener, ListenerExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

/// A connection handed to a worker.
type Handed = (std::net::TcpStream, SocketAddr);

/// Serves `app` until the process is asked to stop (Ctrl-C), then lets each
/// worker finish the requests it is answering.
pub async fn serve(app: Router, listener: TcpListener) -> io::Result<()> {
    let local = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let mut handoffs = Vec::new();
    let mut workers = Vec::new();
    for n in 0..worker_count() {
        let (handoff, incoming) = mpsc::unbounded_channel();
        let (app, mut stopped) = (app.clone(), stopped.clone());
        let worker = std::thread::Builder::new().name(format!("http-{n}")).spawn(move || -> io::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async move {
                // `tap_io` gives handlers the peer address (`ConnectInfo`) for any listener.
                let listener = HandedListener { incoming, local }.tap_io(|_| {});
                axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    })
                    .await
            })
        })?;
        handoffs.push(handoff);
        workers.push(worker);
    }

    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    for turn in (0..handoffs.len()).cycle() {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut ctrl_c => break,
        };
        // Answers are written whole: nothing to gain from Nagle's delay.
        let _ = stream.set_nodelay(true);
        let Ok(stream) = stream.into_std() else { continue };
        if handoffs[turn].send((stream, peer)).is_err() {
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
}

impl Listener for HandedListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            let Some((stream, peer)) = self.incoming.recv().await else {
                // The acceptor is gone: only the shutdown signal ends this worker now.
                return std::future::pending().await;
            };
            // Registered with this worker's runtime, which alone polls it.
            match TcpStream::from_std(stream) {
                Ok(stream) => return (stream, peer),
                Err(e) => tracing::warn!("taking a connection: {e}"),
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}
