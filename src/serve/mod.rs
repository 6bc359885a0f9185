//! `rosa serve`: the engine over HTTP for kundtjänst case systems.
//!
//! Each ruleset directory is served under the kommunkod of its policy
//! (`/{kommunkod}/decisions`), so several kommuner can share one server. Rule files
//! reload when they change (checked first, swapped atomically, a broken edit keeps the
//! old rules serving); errors are `application/problem+json`. `docs/integration.md` is
//! the integrator's guide; the OpenAPI document the server gives at `/api-docs` is the
//! contract.
//!
//! ```no_run
//! # async fn run() -> Result<(), rosa::serve::ServeError> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let config = rosa::serve::Config::new(vec!["rulesets/exempelkommun".into()]);
//! rosa::serve::serve(listener, config).await
//! # }
//! ```

mod answer;
mod body;
mod case_type;
mod decision_log;
pub(crate) mod desk;
mod envelope;
mod hot;
mod http;
mod metrics;
mod openapi;
pub(crate) mod problem;
mod routes;
mod served;
mod state;
mod tenant;
mod time;
mod watch;
mod wire;

use decision_log::DecisionLog;
use tenant::Tenant;

use crate::Diagnostics;
use state::AppState;
use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use watch::Reloader;

/// Request limits (documented in docs/integration.md and the OpenAPI document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body accepted, in bytes.
    pub body_bytes: usize,
    /// Most inquiries in one batch.
    pub batch_items: usize,
    /// Largest answer to a batch, in bytes, as bounded before deciding it: a batch
    /// whose answer could be larger is refused (413 `answer-too-large`).
    pub answer_bytes: usize,
    /// Time to receive the headers; then again to receive the body and answer.
    pub request_timeout: Duration,
    /// Most connections served at once. Near the cap the idlest keep-alive connection
    /// is closed to make room; a client finding every connection busy waits in the
    /// listen backlog.
    pub max_connections: usize,
    /// Most connections from one IP address; beyond it that address's idlest connection
    /// is closed, or the new one refused when none is idle.
    pub max_connections_per_peer: usize,
    /// A keep-alive connection with no request for this long is closed.
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 1024 * 1024,
            batch_items: 1000,
            answer_bytes: 32 * 1024 * 1024,
            request_timeout: Duration::from_secs(10),
            max_connections: 1024,
            max_connections_per_peer: 256,
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// What to serve and how; [`Config::new`] gives the defaults of `rosa serve`.
#[derive(Debug, Clone)]
pub struct Config {
    /// One ruleset directory per kommun.
    pub dirs: Vec<PathBuf>,
    /// JSON Lines audit log of decisions; off when `None`.
    pub decision_log: Option<PathBuf>,
    /// Request limits: body size, batch size, timeout.
    pub limits: Limits,
    /// Reload when files under a directory change (SIGHUP reloads either way).
    pub watch: bool,
    /// Quiet time after the last file event before reloading.
    pub debounce: Duration,
    /// Longest a reload may take before it is reported as failed and left behind.
    pub reload_timeout: Duration,
    /// The desk's search log (which unit staff chose after which words, filtered);
    /// off when `None`, the default. See [`crate::search_log`].
    pub search_log: Option<PathBuf>,
    /// The word list the search log's privacy filter keeps words from, besides the
    /// ruleset's own; `None` keeps only the ruleset's words.
    pub word_list: Option<PathBuf>,
    /// The search log's largest size in bytes; then logging stops with one warning.
    pub search_log_max_bytes: u64,
}

impl Config {
    /// Serve these ruleset directories with the defaults: no decision log, default
    /// [`Limits`], watching for changes, 200 ms debounce, 30 s reload timeout.
    pub fn new(dirs: Vec<PathBuf>) -> Config {
        Config {
            dirs,
            decision_log: None,
            limits: Limits::default(),
            watch: true,
            debounce: Duration::from_millis(200),
            reload_timeout: Duration::from_secs(30),
            search_log: None,
            word_list: None,
            search_log_max_bytes: crate::search_log::DEFAULT_MAX_LOG_BYTES,
        }
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// A ruleset does not load; the diagnostics say why.
    Ruleset {
        /// The ruleset directory, as configured.
        dir: PathBuf,
        /// Every problem found; [`Diagnostics::render`] shows them as `rosa check` does.
        diagnostics: Diagnostics,
    },
    /// Two directories have the same kommunkod in their policies.
    DuplicateKommunkod {
        /// The kommunkod both policies give.
        kommunkod: String,
        /// The two directories, in configured order.
        dirs: [PathBuf; 2],
    },
    /// [`Config::dirs`] is empty.
    NoRulesets,
    /// The decision log cannot be opened for appending.
    DecisionLog {
        /// The configured [`Config::decision_log`].
        path: PathBuf,
        /// Why it cannot be opened.
        error: std::io::Error,
    },
    /// A ruleset directory cannot be watched for changes ([`Config::watch`]).
    Watch {
        /// The ruleset directory.
        dir: PathBuf,
        /// Why it cannot be watched.
        error: notify::Error,
    },
    /// The search log cannot be opened, or its word list cannot be read; the text says
    /// which and why, in Swedish.
    SearchLog(String),
    /// Any other I/O error: the listener's address, the signal handlers, or a loading
    /// task that failed.
    Io(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Ruleset { dir, diagnostics } => write!(
                f,
                "the ruleset in `{}` does not load: {}",
                dir.display(),
                diagnostics.summary()
            ),
            ServeError::DuplicateKommunkod { kommunkod, dirs } => write!(
                f,
                "`{}` and `{}` both have kommunkod {kommunkod}; each kommun can be served once",
                dirs[0].display(),
                dirs[1].display()
            ),
            ServeError::NoRulesets => f.write_str("no ruleset directory given"),
            ServeError::DecisionLog { path, error } => write!(
                f,
                "the decision log `{}` cannot be opened: {error}",
                path.display()
            ),
            ServeError::Watch { dir, error } => {
                write!(f, "`{}` cannot be watched: {error}", dir.display())
            }
            ServeError::SearchLog(reason) => f.write_str(reason),
            ServeError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ServeError {}

impl From<std::io::Error> for ServeError {
    fn from(e: std::io::Error) -> Self {
        ServeError::Io(e)
    }
}

/// Loaded rulesets with their reloaders, ready to serve.
pub struct Server {
    state: Arc<AppState>,
    reloaders: Vec<Reloader>,
}

impl Server {
    /// Load every ruleset, open the decision log and start watching. A ruleset that
    /// does not load stops the start: there is no old version to fall back on.
    ///
    /// [`serve`] does this and more (signals, logging); start a server yourself to
    /// choose when it stops:
    ///
    /// ```no_run
    /// use rosa::serve::{Config, Server};
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut config = Config::new(vec!["rulesets/exempelkommun".into()]);
    /// config.decision_log = Some("decisions.jsonl".into());
    /// let server = Server::start(config).await?;
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    /// let stop = async {
    ///     let _ = tokio::signal::ctrl_c().await;
    /// };
    /// server.run(listener, stop).await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ServeError`] naming the ruleset, decision log or directory that stopped the
    /// start.
    pub async fn start(config: Config) -> Result<Server, ServeError> {
        if config.dirs.is_empty() {
            return Err(ServeError::NoRulesets);
        }
        let mut tenants: BTreeMap<Arc<str>, Arc<Tenant>> = BTreeMap::new();
        for dir in &config.dirs {
            let tenant = Arc::new(load_tenant(dir.clone()).await?);
            if let Some(other) = tenants.get(&tenant.kommunkod) {
                return Err(ServeError::DuplicateKommunkod {
                    kommunkod: tenant.kommunkod.to_string(),
                    dirs: [other.dir.clone(), dir.clone()],
                });
            }
            tenants.insert(tenant.kommunkod.clone(), tenant);
        }
        let log = match &config.decision_log {
            Some(path) => {
                Some(
                    DecisionLog::open(path).map_err(|error| ServeError::DecisionLog {
                        path: path.clone(),
                        error,
                    })?,
                )
            }
            None => None,
        };
        let reloaders = tenants
            .values()
            .map(|t| {
                Reloader::start(
                    t.clone(),
                    config.debounce,
                    config.watch,
                    config.reload_timeout,
                )
                .map_err(|error| ServeError::Watch {
                    dir: t.dir.clone(),
                    error,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let search_log = open_search_log(&config)?;
        let metrics = metrics::Metrics::new(tenants.keys(), search_log.is_some());
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let state = Arc::new(AppState {
            tenants,
            log,
            limits: config.limits,
            metrics,
            batch_threads: Arc::new(tokio::sync::Semaphore::new(cores)),
            search_log,
        });
        Ok(Server { state, reloaders })
    }

    /// The kommuner served, by kommunkod.
    pub(crate) fn tenants(&self) -> impl Iterator<Item = &Arc<Tenant>> {
        self.state.tenants.values()
    }

    /// Reload every ruleset (what SIGHUP does); returns at once.
    pub fn reload_all(&self) {
        for reloader in &self.reloaders {
            reloader.trigger();
        }
    }

    /// Serve on `listener` until `shutdown` completes, then let requests in flight
    /// finish, stop the reloaders and flush the decision log.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = routes::router(self.state.clone());
        http::serve(listener, app, self.state.clone(), shutdown).await;
        for reloader in self.reloaders {
            reloader.stop();
        }
        let state = self.state;
        let closed = tokio::task::spawn_blocking(move || {
            if let Some(log) = &state.log {
                log.close();
            }
        });
        if let Err(e) = closed.await {
            tracing::error!(error = %e, "closing the decision log failed");
        }
        Ok(())
    }
}

/// The search log when configured, with its word list read once.
fn open_search_log(config: &Config) -> Result<Option<state::DeskSearchLog>, ServeError> {
    let Some(path) = &config.search_log else {
        return Ok(None);
    };
    let log = crate::search_log::SearchLog::open(path, config.search_log_max_bytes)
        .map_err(ServeError::SearchLog)?;
    let word_list = match &config.word_list {
        Some(list) => Some(
            crate::search_log::Vocabulary::read_word_list(list).map_err(ServeError::SearchLog)?,
        ),
        None => None,
    };
    match &word_list {
        Some(list) => tracing::info!(
            path = %path.display(),
            words = list.len(),
            "search log on: keeping words of the ruleset or the word list"
        ),
        None => tracing::warn!(
            path = %path.display(),
            "search log on without a word list: only the ruleset's own words are kept"
        ),
    }
    Ok(Some(state::DeskSearchLog { log, word_list }))
}

async fn load_tenant(dir: PathBuf) -> Result<Tenant, ServeError> {
    let loading = dir.clone();
    tokio::task::spawn_blocking(move || Tenant::load(&loading))
        .await
        .map_err(|e| ServeError::Io(std::io::Error::other(e)))?
        .map_err(|diagnostics| ServeError::Ruleset { dir, diagnostics })
}

/// Start, serve on `listener`, reload on SIGHUP, stop gracefully on SIGTERM or Ctrl-C:
/// what `rosa serve` runs. Logs through `tracing`.
///
/// ```no_run
/// # async fn run() -> Result<(), rosa::serve::ServeError> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// let config = rosa::serve::Config::new(vec!["rulesets/exempelkommun".into()]);
/// rosa::serve::serve(listener, config).await
/// # }
/// ```
///
/// # Errors
///
/// The server does not start ([`Server::start`]), or the signal handlers cannot be
/// installed.
pub async fn serve(listener: TcpListener, config: Config) -> Result<(), ServeError> {
    let server = Server::start(config).await?;
    let address = listener.local_addr()?;
    for tenant in server.tenants() {
        tracing::info!(
            kommunkod = %tenant.kommunkod,
            ruleset = %tenant.current().engine.ruleset().id,
            dir = %tenant.dir.display(),
            "serving"
        );
    }
    // Signal handlers are in place before anyone is told where to connect.
    let shutdown = shutdown_signal()?;
    let sighup = reload_on_sighup(&server)?;
    tracing::info!(addr = %address, "listening on http://{address}");
    let result = server.run(listener, shutdown).await;
    sighup.abort();
    tracing::info!("stopped");
    Ok(result?)
}

#[cfg(unix)]
fn reload_on_sighup(server: &Server) -> std::io::Result<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = signal(SignalKind::hangup())?;
    let triggers: Vec<_> = server.reloaders.iter().map(Reloader::handle).collect();
    Ok(tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading every ruleset");
            for trigger in &triggers {
                let _ = trigger.try_send(());
            }
        }
    }))
}

#[cfg(not(unix))]
fn reload_on_sighup(_: &Server) -> std::io::Result<tokio::task::JoinHandle<()>> {
    Ok(tokio::spawn(async {}))
}

#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => tracing::info!("Ctrl-C: shutting down"),
            _ = terminate.recv() => tracing::info!("SIGTERM: shutting down"),
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("Ctrl-C: shutting down");
    })
}
