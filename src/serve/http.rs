//! The accept loop. `axum::serve` sets no timer, so a client that trickles its headers
//! holds a connection forever; this loop gives request headers a deadline, closes idle
//! keep-alive connections after their own (longer) timeout, caps the connections served
//! at once and per peer address, closes the idlest connection when few slots are left
//! (so idle clients cannot lock new ones out), answers a declared body over the limit
//! at once, turns Nagle off, and drains connections on shutdown.

use super::hot;
use super::problem::Problem;
use super::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, oneshot, watch};
use tokio::time::Instant;

/// How long a shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Slots kept free for new clients: below this many, the idlest connection is closed.
fn reserve(max: usize) -> usize {
    (max / 16).clamp(1, 64).min(max.saturating_sub(1))
}

/// Serve `app` until `shutdown` completes, then wait for requests in flight.
pub(super) async fn serve(
    listener: TcpListener,
    app: Router,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let limits = state.limits;
    // One permit per connection: at the cap, accepting pauses and clients queue in the
    // kernel's backlog instead of each costing a task and a file descriptor here.
    let max = limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let slots = Arc::new(Semaphore::new(max));
    let open = Arc::new(Connections::default());
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // Idle keep-alive connections give way to new clients before the cap is reached.
        if slots.available_permits() <= reserve(max) {
            open.shed_idlest(|_| true);
        }
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let peer = peer.ip();
                    if open.make_room(peer, limits.max_connections_per_peer.max(1)) {
                        let connection = open.add(peer);
                        serve_connection(stream, &app, &state, slot, connection, stopping.clone());
                    } else {
                        tracing::debug!(%peer, "connection refused: too many from this address, none idle");
                    }
                }
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

/// The open connections, to count them per peer and pick the idlest to close.
#[derive(Default)]
struct Connections {
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Open>>,
}

struct Open {
    peer: IpAddr,
    activity: Arc<Activity>,
    /// Tells the connection to close once it has nothing in flight.
    shed: Arc<Notify>,
}

/// One connection's entry in [`Connections`], removed when the connection ends.
struct Registered {
    id: u64,
    activity: Arc<Activity>,
    shed: Arc<Notify>,
    connections: Arc<Connections>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.connections.open().remove(&self.id);
    }
}

impl Connections {
    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Open>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn add(self: &Arc<Self>, peer: IpAddr) -> Registered {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(Activity::new());
        let shed = Arc::new(Notify::new());
        let entry = Open {
            peer,
            activity: activity.clone(),
            shed: shed.clone(),
        };
        self.open().insert(id, entry);
        Registered {
            id,
            activity,
            shed,
            connections: self.clone(),
        }
    }

    /// Whether a new connection from `peer` may be served: under `per_peer` from it, or
    /// one of its idle connections is closed to make room.
    fn make_room(&self, peer: IpAddr, per_peer: usize) -> bool {
        let from_peer = self.open().values().filter(|c| c.peer == peer).count();
        from_peer < per_peer || self.shed_idlest(|c| c.peer == peer)
    }

    /// Close the keep-alive connection (among those `eligible`) idle the longest; false
    /// if none is idle. A closed one leaves the table at once, so it is chosen only once.
    fn shed_idlest(&self, eligible: impl Fn(&Open) -> bool) -> bool {
        let mut open = self.open();
        let idlest = open
            .iter()
            .filter(|(_, c)| eligible(c))
            .filter_map(|(&id, c)| Some((c.activity.idle_since()?, id)))
            .min();
        let Some((_, id)) = idlest else {
            return false;
        };
        // Out of the table at once, so the next pick is another connection.
        if let Some(chosen) = open.remove(&id) {
            chosen.shed.notify_one();
        }
        true
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
    /// Bytes of a request not yet handed to the app have arrived: not idle.
    receiving: bool,
    /// A request has been answered: the connection is a keep-alive one. A connection
    /// that has sent nothing yet is left to the header deadline instead, so a client
    /// that connects just before sending is not cut off.
    answered: bool,
}

/// Why a connection is closed by the server.
enum Expiry {
    /// No request for the idle timeout, or the server sheds it or stops: close once
    /// nothing is in flight.
    Idle,
    /// A request's headers did not arrive in time: close without an answer.
    Headers,
}

impl Activity {
    /// A new connection owes its first request within the request timeout: one that
    /// never sends anything must not hold a connection slot for the idle timeout.
    fn new() -> Activity {
        let now = Instant::now();
        Activity {
            in_flight: AtomicUsize::new(0),
            times: Mutex::new(Times {
                last: now,
                heard: Some(now),
                receiving: false,
                answered: false,
            }),
        }
    }

    /// Since when a keep-alive connection has had nothing to do, if it has nothing to do.
    fn idle_since(&self) -> Option<Instant> {
        let times = self.times();
        let idle =
            times.answered && !times.receiving && self.in_flight.load(Ordering::Acquire) == 0;
        idle.then_some(times.last)
    }

    fn times(&self) -> std::sync::MutexGuard<'_, Times> {
        self.times.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Bytes arrived: a request has begun, unless one was already being read.
    fn heard(&self) {
        let mut times = self.times();
        if self.in_flight.load(Ordering::Acquire) == 0 {
            times.receiving = true;
            if times.heard.is_none() {
                times.heard = Some(Instant::now());
            }
        }
    }

    fn started(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        let mut times = self.times();
        times.heard = None;
        times.receiving = false;
    }

    fn ended(&self) {
        let mut times = self.times();
        times.last = Instant::now();
        times.heard = None;
        times.receiving = false;
        times.answered = true;
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
    /// For the route answered past the router (src/serve/hot.rs).
    state: Arc<AppState>,
    activity: Arc<Activity>,
    body_limit: usize,
}

type Answer = Result<axum::response::Response<Body>, std::convert::Infallible>;

impl hyper::service::Service<hyper::Request<Incoming>> for Tracked {
    type Response = axum::response::Response<Body>;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Answer> + Send>>;

    fn call(&self, request: hyper::Request<Incoming>) -> Self::Future {
        let in_flight = InFlight::start(&self.activity);
        if declared_length(&request).is_some_and(|length| length > self.body_limit as u64) {
            return Box::pin(std::future::ready(Ok(too_large(self.body_limit))));
        }
        if let Some((tenant, route)) = hot::decision_route(&self.state, &request) {
            let state = self.state.clone();
            return Box::pin(hot::decide(state, tenant, route, request, in_flight));
        }
        let answer = self.app.call(request);
        Box::pin(async move {
            let _in_flight = in_flight;
            answer.await
        })
    }
}

/// A request on a connection, from its call until its answer is done, or dropped
/// unanswered when the connection closes.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: &Arc<Activity>) -> InFlight {
        activity.started();
        InFlight(activity.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.ended();
    }
}

/// The `Content-Length` a request declares; an unparsable one is hyper's to refuse.
fn declared_length<B>(request: &hyper::Request<B>) -> Option<u64> {
    let value = request.headers().get(hyper::header::CONTENT_LENGTH)?;
    value.to_str().ok()?.trim().parse().ok()
}

/// 413 for a body declared larger than the limit, without waiting for it: the
/// connection closes, since the body that follows will not be read.
fn too_large(limit: usize) -> axum::response::Response<Body> {
    let mut answer = Problem::body_too_large(limit).into_response();
    let headers = answer.headers_mut();
    crate::web::add_security_headers(headers);
    headers.insert(
        hyper::header::CONNECTION,
        hyper::header::HeaderValue::from_static("close"),
    );
    answer
}

fn serve_connection(
    stream: TcpStream,
    app: &Router,
    state: &Arc<AppState>,
    slot: OwnedSemaphorePermit,
    registered: Registered,
    stopping: watch::Receiver<bool>,
) {
    // Responses go out in one write; waiting for more data only adds latency.
    let _ = stream.set_nodelay(true);
    let activity = registered.activity.clone();
    let shed = registered.shed.clone();
    let limits = state.limits;
    let service = Tracked {
        app: TowerToHyperService::new(app.clone()),
        state: state.clone(),
        activity: activity.clone(),
        body_limit: limits.body_bytes,
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
    let (close, closing) = oneshot::channel();
    tokio::spawn(warden(activity, limits, shed, stopping, close));
    tokio::spawn(async move {
        // The slot is freed after the connection leaves the table, so the table never
        // holds fewer connections than the slots taken.
        let _slot = slot;
        let _registered = registered;
        let mut connection = std::pin::pin!(connection);
        // Polled on every wake-up of the connection, so only the connection and one
        // cheap receiver: the timers and signals wait in the warden's task instead.
        tokio::select! {
            biased;
            ended = connection.as_mut() => return log_end(ended),
            closing = closing => {
                if let Ok(Expiry::Headers) = closing {
                    // Dropping the connection closes the socket: no request to answer.
                    return;
                }
            }
        }
        // Idle, shed or shutting down: finish the request in flight, if any, then close.
        connection.as_mut().graceful_shutdown();
        log_end(connection.await);
    });
}

/// Why a connection must close, sent to it by its warden: its deadlines, the signal to
/// make room, shutdown. Ends without a word when the connection has ended first.
async fn warden(
    activity: Arc<Activity>,
    limits: super::Limits,
    shed: Arc<Notify>,
    mut stopping: watch::Receiver<bool>,
    mut close: oneshot::Sender<Expiry>,
) {
    let why = tokio::select! {
        expiry = activity.expired(limits.idle_timeout, limits.request_timeout) => expiry,
        () = shed.notified() => {
            tracing::debug!("idle connection closed to make room");
            Expiry::Idle
        }
        _ = stopping.wait_for(|stop| *stop) => Expiry::Idle,
        () = close.closed() => return,
    };
    let _ = close.send(why);
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
