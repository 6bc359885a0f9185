//! The accept loop. `axum::serve` sets no timer, so a client that trickles its headers
//! holds a connection forever; this loop gives request headers a deadline, closes idle
//! keep-alive connections after their own (longer) timeout, caps the connections served
//! at once, turns Nagle off, and drains connections on shutdown.

use super::Limits;
use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;

/// How long a shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Serve `app` until `shutdown` completes, then wait for requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    // One permit per connection: at the cap, accepting pauses and clients queue in the
    // kernel's backlog instead of each costing a task and a file descriptor here.
    let max = limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let slots = Arc::new(Semaphore::new(max));
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => serve_connection(stream, &app, limits, slot, stopping.clone()),
                Err(e) => accept_failed(e).await,
            },
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a permit until it ends: having them all back means drained.
    // Requests in flight get a moment to finish; a stuck connection does not keep the
    // process from stopping (each request is bounded by its own timeout anyway).
    if tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(max as u32))
        .await
        .is_err()
    {
        tracing::warn!("connections still open at shutdown were closed");
    }
}

/// What one connection is doing, for the two deadlines hyper cannot keep apart: its
/// header read timeout also runs while a keep-alive connection waits for the next
/// request, so it would cut every idle connection at the request timeout.
struct Activity {
    in_flight: AtomicUsize,
    times: Mutex<Times>,
}

struct Times {
    /// When the last request ended (or the connection opened).
    last: Instant,
    /// When the first bytes of a request not yet handed to the app arrived (or the
    /// connection opened).
    heard: Option<Instant>,
}

/// Why a connection is closed by the server.
enum Expiry {
    /// No request for the idle timeout: close once nothing is in flight.
    Idle,
    /// A request's headers did not arrive in time: close without an answer.
    Headers,
}

impl Activity {
    fn times(&self) -> std::sync::MutexGuard<'_, Times> {
        self.times.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Bytes arrived: a request has begun, unless one was already being read.
    fn heard(&self) {
        let mut times = self.times();
        if times.heard.is_none() && self.in_flight.load(Ordering::Acquire) == 0 {
            times.heard = Some(Instant::now());
        }
    }

    fn started(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.times().heard = None;
    }

    fn ended(&self) {
        let mut times = self.times();
        times.last = Instant::now();
        times.heard = None;
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
    }

    /// Completes when the connection has been idle, or sending headers, for too long.
    async fn expired(&self, idle: Duration, headers: Duration) -> Expiry {
        loop {
            let (deadline, expiry) = {
                let times = self.times();
                match times.heard {
                    _ if self.in_flight.load(Ordering::Acquire) > 0 => {
                        (Instant::now() + idle.min(headers), None)
                    }
                    Some(heard) => (heard + headers, Some(Expiry::Headers)),
                    None => (times.last + idle, Some(Expiry::Idle)),
                }
            };
            match expiry {
                Some(expiry) if deadline <= Instant::now() => return expiry,
                // Re-check at the deadline: bytes or a request may have come meanwhile.
                _ => tokio::time::sleep_until(deadline).await,
            }
        }
    }
}

/// The socket, telling [`Activity`] when bytes arrive.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(read, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.heard();
        }
        read
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The app, counting its requests in flight so the connection knows when it is idle.
#[derive(Clone)]
struct Tracked {
    app: TowerToHyperService<Router>,
    activity: Arc<Activity>,
}

type Answer = Result<axum::response::Response<Body>, std::convert::Infallible>;

impl hyper::service::Service<hyper::Request<Incoming>> for Tracked {
    type Response = axum::response::Response<Body>;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Answer> + Send>>;

    fn call(&self, request: hyper::Request<Incoming>) -> Self::Future {
        let activity = self.activity.clone();
        activity.started();
        let answer = self.app.call(request);
        Box::pin(async move {
            let answer = answer.await;
            activity.ended();
            answer
        })
    }
}

fn serve_connection(
    stream: TcpStream,
    app: &Router,
    limits: Limits,
    slot: OwnedSemaphorePermit,
    mut stopping: watch::Receiver<bool>,
) {
    // Responses go out in one write; waiting for more data only adds latency.
    let _ = stream.set_nodelay(true);
    let activity = Arc::new(Activity {
        in_flight: AtomicUsize::new(0),
        // A new connection owes its first request within the request timeout: one that
        // never sends anything must not hold a connection slot for the idle timeout.
        times: Mutex::new(Times {
            last: Instant::now(),
            heard: Some(Instant::now()),
        }),
    });
    let service = Tracked {
        app: TowerToHyperService::new(app.clone()),
        activity: activity.clone(),
    };
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        // Kept by `Activity::expired` instead, which tells idle from slow.
        .header_read_timeout(None)
        // A client that shuts its write side after the request still gets the answer.
        .half_close(true)
        .serve_connection(io, service);
    tokio::spawn(async move {
        let _slot = slot;
        let mut connection = std::pin::pin!(connection);
        tokio::select! {
            ended = connection.as_mut() => return log_end(ended),
            expiry = activity.expired(limits.idle_timeout, limits.request_timeout) => {
                if let Expiry::Headers = expiry {
                    // Dropping the connection closes the socket: no request to answer.
                    return;
                }
            }
            _ = stopping.wait_for(|stop| *stop) => {}
        }
        // Idle or shutting down: finish the request in flight, if any, then close.
        connection.as_mut().graceful_shutdown();
        log_end(connection.await);
    });
}

fn log_end(ended: Result<(), hyper::Error>) {
    if let Err(e) = ended {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

/// Out of file descriptors (EMFILE) and the like: the error repeats until a descriptor
/// is freed, so wait a little rather than spin on it.
async fn accept_failed(e: std::io::Error) {
    tracing::warn!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}
