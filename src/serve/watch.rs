//! What makes a tenant reload: a change under its directory (debounced, since one save
//! in an editor is several file events) or an explicit trigger such as SIGHUP.

use super::tenant::Tenant;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The reload task of one tenant, and its directory watch if any.
pub struct Reloader {
    trigger: mpsc::Sender<()>,
    task: JoinHandle<()>,
    _watcher: Option<RecommendedWatcher>,
}

impl Reloader {
    /// Start the reload task (inside a Tokio runtime); watch `tenant.dir` if `watch`.
    pub fn start(tenant: Arc<Tenant>, debounce: Duration, watch: bool) -> notify::Result<Self> {
        // One pending trigger is enough: the reload that follows reads the latest files.
        let (trigger, triggers) = mpsc::channel(1);
        let watcher = if watch {
            Some(watch_dir(&tenant.dir, trigger.clone())?)
        } else {
            None
        };
        let task = tokio::spawn(reload_on_trigger(tenant, triggers, debounce));
        Ok(Reloader {
            trigger,
            task,
            _watcher: watcher,
        })
    }

    /// Ask for a reload (after the debounce delay); never waits.
    pub fn trigger(&self) {
        let _ = self.trigger.try_send(());
    }

    /// A sender that triggers this reloader, for signal handlers.
    pub fn handle(&self) -> mpsc::Sender<()> {
        self.trigger.clone()
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

async fn reload_on_trigger(
    tenant: Arc<Tenant>,
    mut triggers: mpsc::Receiver<()>,
    debounce: Duration,
) {
    while triggers.recv().await.is_some() {
        settle(&mut triggers, debounce).await;
        let tenant = tenant.clone();
        // Loading reads and checks files: keep it off the request threads.
        if let Err(e) = tokio::task::spawn_blocking(move || tenant.reload()).await {
            tracing::error!(error = %e, "the reload task failed");
        }
    }
}

/// Wait until no trigger has come for `quiet`.
async fn settle(triggers: &mut mpsc::Receiver<()>, quiet: Duration) {
    while let Ok(Some(())) = tokio::time::timeout(quiet, triggers.recv()).await {}
}

fn watch_dir(dir: &Path, trigger: mpsc::Sender<()>) -> notify::Result<RecommendedWatcher> {
    let mut watcher =
        notify::recommended_watcher(move |event: notify::Result<Event>| match event {
            Ok(event) if changes_content(&event) => {
                let _ = trigger.try_send(());
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "watching a ruleset directory failed"),
        })?;
    watcher.watch(dir, RecursiveMode::Recursive)?;
    Ok(watcher)
}

/// Reading files (which a reload does) must not trigger another reload.
fn changes_content(event: &Event) -> bool {
    !matches!(event.kind, EventKind::Access(_))
}
