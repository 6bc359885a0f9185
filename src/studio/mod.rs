//! `rosa studio`: the workshop in the browser. A local web application on one ruleset
//! directory, in Swedish: the agreement as a document, a live what-if, editing that
//! writes the rule files through the checker and the formatter, and the ruleset's tests.
//! It listens on loopback by default and refuses writes without its session token.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:7878").await?;
//! rosa::studio::serve(listener, "rulesets/exempelkommun".into(), std::future::pending()).await
//! # }
//! ```

mod agreement;
mod edit;
mod pages;
mod preview;
mod routes;
mod state;
mod whatif;
mod workspace;

use std::future::Future;
use std::path::PathBuf;
use tokio::net::TcpListener;

/// Serve the studio for the ruleset in `dir` on `listener` until `shutdown` completes.
/// The directory may hold errors: the studio opens on them, so they can be fixed.
///
/// # Errors
///
/// The listener fails.
pub async fn serve(
    listener: TcpListener,
    dir: PathBuf,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_search_log(listener, dir, None, shutdown).await
}

/// [`serve`], with the `sökord` proposals from the desk's search log
/// (`rosa serve --search-log`) on the page Sökförslag, each to add with one click.
///
/// # Errors
///
/// The listener fails.
pub async fn serve_with_search_log(
    listener: TcpListener,
    dir: PathBuf,
    search_log: Option<PathBuf>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let studio = state::Studio::open(&dir, listener.local_addr()?, search_log);
    let app = routes::router(studio);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
