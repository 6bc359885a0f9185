//! What makes a tenant reload: a change under its directory (debounced, since one save
//! in an editor is several file events) or an explicit trigger such as SIGHUP.

use super::tenant::{ReloadOutcome, Tenant};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The reload task of one tenant; it owns the directory watch, if any.
pub(super) struct Reloader {
    trigger: mpsc::Sender<()>,
    task: JoinHandle<()>,
}

impl Reloader {
    /// Start the reload task (inside a Tokio runtime); watch `tenant.dir` if `watch`. A
    /// reload taking longer than `budget` is reported and left behind.
    pub(super) fn start(
        tenant: Arc<Tenant>,
        debounce: Duration,
        watch: bool,
        budget: Duration,
    ) -> notify::Result<Self> {
        // One pending trigger is enough: the reload that follows reads the latest files.
        let (trigger, triggers) = mpsc::channel(1);
        let watch = if watch {
            Some(DirWatch::new(&tenant.dir, trigger.clone())?)
        } else {
            None
        };
        let task = tokio::spawn(reload_on_trigger(tenant, triggers, debounce, budget, watch));
        Ok(Reloader { trigger, task })
    }

    /// Ask for a reload (after the debounce delay); never waits.
    pub(super) fn trigger(&self) {
        let _ = self.trigger.try_send(());
    }

    /// A sender that triggers this reloader, for signal handlers.
    pub(super) fn handle(&self) -> mpsc::Sender<()> {
        self.trigger.clone()
    }

    pub(super) fn stop(self) {
        self.task.abort();
    }
}

/// What the reload task reloads: a [`Tenant`] (and in the tests below, a stand-in whose
/// reload hangs until told to go on).
pub(super) trait Reload: Send + Sync + 'static {
    /// Load the files again and swap if they are valid; blocking.
    fn reload(&self) -> ReloadOutcome;
    /// A reload did not finish within `budget`: report it.
    fn overran(&self, budget: Duration);
}

impl Reload for Tenant {
    fn reload(&self) -> ReloadOutcome {
        Tenant::reload(self)
    }

    fn overran(&self, budget: Duration) {
        self.reload_overran(budget);
    }
}

async fn reload_on_trigger<T: Reload>(
    tenant: Arc<T>,
    mut triggers: mpsc::Receiver<()>,
    debounce: Duration,
    budget: Duration,
    mut watch: Option<DirWatch>,
) {
    // A reload that overran its budget and still runs. Until it ends, reloads are refused
    // (one at a time); when it ends, it may have read some files before edits made
    // meanwhile, so the files are read once more.
    let mut overran: Option<JoinHandle<ReloadOutcome>> = None;
    loop {
        tokio::select! {
            trigger = triggers.recv() => if trigger.is_none() {
                return;
            },
            () = ended(&mut overran) => {
                overran = None;
                tracing::info!("the reload that overran its budget has ended: reading the files again");
            }
        }
        settle(&mut triggers, debounce).await;
        // Before loading: an edit after the new watch is seen, one before it is read.
        if let Some(watch) = &mut watch {
            watch.rearm();
        }
        let loading = tenant.clone();
        // Loading reads and checks files: keep it off the request threads. A reload that
        // hangs (a stalled network disk) must not stop later ones or the shutdown.
        let mut job = tokio::task::spawn_blocking(move || loading.reload());
        match tokio::time::timeout(budget, &mut job).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the reload task failed"),
            Err(_) => {
                tenant.overran(budget);
                overran = Some(job);
            }
        }
    }
}

/// When the reload that overran ends; never if there is none.
async fn ended(job: &mut Option<JoinHandle<ReloadOutcome>>) {
    match job {
        Some(job) => {
            let _ = job.await;
        }
        None => std::future::pending().await,
    }
}

/// Wait until no trigger has come for `quiet`.
async fn settle(triggers: &mut mpsc::Receiver<()>, quiet: Duration) {
    while let Ok(Some(())) = tokio::time::timeout(quiet, triggers.recv()).await {}
}

/// A watch on a ruleset directory that follows the directory being replaced (a deploy
/// that renames a new directory into place, or swaps a symbolic link): the watch is on
/// the old directory's inode, so it is made again when the path names another one.
struct DirWatch {
    dir: PathBuf,
    identity: Option<(u64, u64)>,
    trigger: mpsc::Sender<()>,
    _watcher: RecommendedWatcher,
}

impl DirWatch {
    fn new(dir: &Path, trigger: mpsc::Sender<()>) -> notify::Result<DirWatch> {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let identity = identity(&dir);
        let watcher = watch_dir(&dir, trigger.clone())?;
        Ok(DirWatch {
            dir,
            identity,
            trigger,
            _watcher: watcher,
        })
    }

    /// Watch again if the path now names another directory; else keep the watch (and
    /// try again at the next reload if the new one cannot be watched yet).
    fn rearm(&mut self) {
        let now = identity(&self.dir);
        if now.is_none() || now == self.identity {
            return;
        }
        match watch_dir(&self.dir, self.trigger.clone()) {
            Ok(watcher) => {
                self._watcher = watcher;
                self.identity = now;
                tracing::info!(dir = %self.dir.display(), "the ruleset directory was replaced: watching the new one");
            }
            Err(e) => tracing::warn!(
                dir = %self.dir.display(),
                error = %e,
                "the replaced ruleset directory cannot be watched yet"
            ),
        }
    }
}

#[cfg(unix)]
fn identity(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &Path) -> Option<(u64, u64)> {
    None
}

/// Watch `dir` and, for its replacement, its parent (only events naming `dir`).
fn watch_dir(dir: &Path, trigger: mpsc::Sender<()>) -> notify::Result<RecommendedWatcher> {
    let inside = dir.to_path_buf();
    let mut watcher =
        notify::recommended_watcher(move |event: notify::Result<Event>| match event {
            Ok(event)
                if changes_content(&event)
                    && (event.paths.is_empty()
                        || event.paths.iter().any(|p| p.starts_with(&inside))) =>
            {
                let _ = trigger.try_send(());
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "watching a ruleset directory failed"),
        })?;
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = watcher.watch(parent, RecursiveMode::NonRecursive)
    {
        tracing::warn!(dir = %parent.display(), error = %e, "cannot watch for the ruleset directory being replaced");
    }
    watcher.watch(dir, RecursiveMode::Recursive)?;
    Ok(watcher)
}

/// Reading files (which a reload does) must not trigger another reload.
fn changes_content(event: &Event) -> bool {
    !matches!(event.kind, EventKind::Access(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Reloads one at a time, as a [`Tenant`] does; the first hangs until released.
    struct Stalling {
        one_at_a_time: Mutex<()>,
        release: Mutex<std::sync::mpsc::Receiver<()>>,
        loads: AtomicUsize,
        refused: AtomicUsize,
        overruns: AtomicUsize,
    }

    impl Reload for Stalling {
        fn reload(&self) -> ReloadOutcome {
            let Ok(_loading) = self.one_at_a_time.try_lock() else {
                self.refused.fetch_add(1, Ordering::SeqCst);
                return ReloadOutcome::Rejected;
            };
            if self.loads.fetch_add(1, Ordering::SeqCst) == 0 {
                let _ = self.release.lock().unwrap().recv();
            }
            ReloadOutcome::Swapped
        }

        fn overran(&self, _: Duration) {
            self.overruns.fetch_add(1, Ordering::SeqCst);
        }
    }

    async fn eventually(what: &str, done: impl Fn() -> bool) {
        for _ in 0..500 {
            if done() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("not within 5 s: {what}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_edit_refused_while_a_reload_hangs_is_read_when_that_reload_ends() {
        let (release, released) = std::sync::mpsc::channel();
        let tenant = Arc::new(Stalling {
            one_at_a_time: Mutex::new(()),
            release: Mutex::new(released),
            loads: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
            overruns: AtomicUsize::new(0),
        });
        let count = |n: &AtomicUsize| n.load(Ordering::SeqCst);
        let (trigger, triggers) = mpsc::channel(1);
        let task = tokio::spawn(reload_on_trigger(
            tenant.clone(),
            triggers,
            Duration::from_millis(10),
            Duration::from_millis(100),
            None,
        ));

        trigger.send(()).await.unwrap();
        eventually("the hung reload is reported", || {
            count(&tenant.overruns) == 1
        })
        .await;
        // An edit while it hangs: refused, since it still reads.
        trigger.send(()).await.unwrap();
        eventually("the edit is refused", || count(&tenant.refused) == 1).await;
        assert_eq!(count(&tenant.loads), 1);

        // The disk answers: the files are read again with no further trigger, once.
        release.send(()).unwrap();
        eventually("the files are read again", || count(&tenant.loads) == 2).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(count(&tenant.loads), 2, "read again once, not in a loop");
        assert_eq!(count(&tenant.refused), 1);
        assert_eq!(count(&tenant.overruns), 1);
        task.abort();
    }
}
