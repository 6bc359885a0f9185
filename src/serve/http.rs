//! The accept loop. `axum::serve` sets no timer, so hyper's header read timeout never
//! applies and a client that trickles its headers holds a connection forever; this
//! loop sets one, caps the connections served at once, closes idle keep-alive
//! connections, turns Nagle off, and drains connections on shutdown.

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
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;

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
    let _ = slots.acquire_many(max as u32).await;
}

/// Requests in flight on one connection and when the last one ended.
struct Activity {
    in_flight: AtomicUsize,
    last: Mutex<Instant>,
}

impl Activity {
    fn touch(&self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    fn last(&self) -> Instant {
        *self.last.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Completes once no request has been in flight for `timeout`.
    async fn idle(&self, timeout: Duration) {
        loop {
            let deadline = self.last() + timeout;
            tokio::time::sleep_until(deadline).await;
            if self.in_flight.load(Ordering::Acquire) == 0
                && self.last() + timeout <= Instant::now()
            {
                return;
            }
        }
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
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        let answer = self.app.call(request);
        Box::pin(async move {
            let answer = answer.await;
            activity.touch();
            activity.in_flight.fetch_sub(1, Ordering::AcqRel);
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
        last: Mutex::new(Instant::now()),
    });
    let service = Tracked {
        app: TowerToHyperService::new(app.clone()),
        activity: activity.clone(),
    };
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.request_timeout)
        // A client that shuts its write side after the request still gets the answer.
        .half_close(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::spawn(async move {
        let _slot = slot;
        let mut connection = std::pin::pin!(connection);
        tokio::select! {
            ended = connection.as_mut() => return log_end(ended),
            () = activity.idle(limits.idle_timeout) => {}
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
