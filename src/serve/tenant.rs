//! One kommun served: its ruleset directory, the engine in use and the reload history.
//!
//! The engine sits behind an [`ArcSwap`]: a request loads it once and keeps that
//! engine to the end, so a reload never changes the rules under a request in flight.

use super::answer::AnswerParts;
use crate::diagnostics::DiagnosticRecord;
use crate::search_log::Vocabulary;
use crate::{Diagnostics, Engine, Ruleset};
use arc_swap::ArcSwap;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::SystemTime;

/// A ruleset compiled and in use.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub engine: Engine,
    /// The ruleset's parts of every answer, escaped once.
    pub answer: AnswerParts,
    pub loaded_at: SystemTime,
    /// The ruleset's own words, for the search log's privacy filter: made at the first
    /// choice logged, never when the log is off.
    pub vocabulary: OnceLock<Vocabulary>,
}

/// Why the last reload was rejected; cleared by the next successful one.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReloadFailure {
    pub at: String,
    pub message: String,
    pub diagnostics: Vec<DiagnosticRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReloadOutcome {
    /// The files changed and the new ruleset is now in use.
    Swapped,
    /// The files load to the ruleset already in use.
    Unchanged,
    /// The files are invalid or change the kommunkod: the old ruleset keeps serving.
    Rejected,
}

#[derive(Debug, Default)]
struct History {
    last_failure: Option<ReloadFailure>,
    succeeded: u64,
    failed: u64,
}

#[derive(Debug)]
pub(crate) struct Tenant {
    /// Fixed at start: a reload may not move the ruleset to another kommun.
    pub kommunkod: Arc<str>,
    pub dir: PathBuf,
    current: ArcSwap<Loaded>,
    /// One reload at a time; held while files load, so never taken by requests.
    reloading: Mutex<()>,
    history: Mutex<History>,
}

impl Tenant {
    /// Load the ruleset for the first time. Blocking: loading reads and checks files.
    pub(crate) fn load(dir: &Path) -> Result<Tenant, Diagnostics> {
        let ruleset = Ruleset::load(dir)?;
        Ok(Tenant {
            kommunkod: ruleset.policy.kommunkod.as_str().into(),
            dir: dir.to_path_buf(),
            current: ArcSwap::from_pointee(loaded(ruleset)),
            reloading: Mutex::new(()),
            history: Mutex::new(History::default()),
        })
    }

    /// The engine to use for one request or one batch.
    pub(crate) fn current(&self) -> Arc<Loaded> {
        self.current.load_full()
    }

    /// Load and check the directory again; swap only if it is valid. Blocking.
    pub(crate) fn reload(&self) -> ReloadOutcome {
        let _one_at_a_time = match self.reloading.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            // Only a reload that overran its budget and still hangs holds the lock.
            Err(std::sync::TryLockError::WouldBlock) => {
                return self.reject(failure(
                    "an earlier reload is still reading the files; this one was not started, \
                     and the files are read again when that one ends"
                        .to_string(),
                ));
            }
        };
        let result = match Ruleset::load(&self.dir) {
            Err(diagnostics) => Err(rejected_files(&diagnostics)),
            Ok(ruleset) if *ruleset.policy.kommunkod != *self.kommunkod => Err(changed_kommunkod(
                &self.kommunkod,
                &ruleset.policy.kommunkod,
            )),
            Ok(ruleset) => Ok(self.swap(ruleset)),
        };
        let mut history = self.history();
        match result {
            Ok(outcome) => {
                history.last_failure = None;
                history.succeeded += 1;
                outcome
            }
            Err(failure) => {
                drop(history);
                self.reject(failure)
            }
        }
    }

    /// A reload that did not finish within `budget`: reported, and the next may start.
    pub(crate) fn reload_overran(&self, budget: std::time::Duration) {
        self.reject(failure(format!(
            "the reload did not finish within {} s (a file or disk that does not answer?); \
             the previous ruleset keeps serving",
            budget.as_secs()
        )));
    }

    fn reject(&self, failure: ReloadFailure) -> ReloadOutcome {
        tracing::warn!(
            kommunkod = %self.kommunkod,
            dir = %self.dir.display(),
            reason = %failure.message,
            "reload rejected: the previous ruleset keeps serving"
        );
        let mut history = self.history();
        history.last_failure = Some(failure);
        history.failed += 1;
        ReloadOutcome::Rejected
    }

    fn swap(&self, ruleset: Ruleset) -> ReloadOutcome {
        let old_id = self.current.load().engine.ruleset().id.clone();
        if old_id == ruleset.id {
            tracing::debug!(kommunkod = %self.kommunkod, "reload: files unchanged");
            return ReloadOutcome::Unchanged;
        }
        let (new_id, warnings) = (ruleset.id.clone(), ruleset.warnings.warnings());
        self.current.store(Arc::new(loaded(ruleset)));
        tracing::info!(
            kommunkod = %self.kommunkod,
            old = %old_id,
            new = %new_id,
            warnings,
            "reload: new ruleset in use"
        );
        ReloadOutcome::Swapped
    }

    /// What `GET /{kommunkod}/ruleset` shows.
    pub(crate) fn status(&self) -> RulesetStatus {
        let loaded = self.current();
        let ruleset = loaded.engine.ruleset();
        let history = self.history();
        RulesetStatus {
            kommunkod: self.kommunkod.to_string(),
            kommun: ruleset.policy.kommun.clone(),
            id: ruleset.id.clone(),
            directory: self
                .dir
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into()),
            loaded_at: super::time::rfc3339(loaded.loaded_at),
            counts: Counts::of(ruleset),
            warnings: ruleset.warnings.warnings(),
            reloads: Reloads {
                succeeded: history.succeeded,
                failed: history.failed,
            },
            last_reload_error: history.last_failure.clone(),
        }
    }

    pub(crate) fn has_reload_error(&self) -> bool {
        self.history().last_failure.is_some()
    }

    fn history(&self) -> MutexGuard<'_, History> {
        // A panic while holding the lock leaves plain counters behind: still usable.
        self.history.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn loaded(ruleset: Ruleset) -> Loaded {
    let engine = Engine::from_arc(Arc::new(ruleset));
    Loaded {
        answer: AnswerParts::new(&engine),
        engine,
        loaded_at: SystemTime::now(),
        vocabulary: OnceLock::new(),
    }
}

fn rejected_files(diagnostics: &Diagnostics) -> ReloadFailure {
    tracing::warn!("reload diagnostics:\n{}", diagnostics.render().trim_end());
    ReloadFailure {
        at: super::time::rfc3339(SystemTime::now()),
        message: format!("the ruleset does not load: {}", diagnostics.summary()),
        diagnostics: diagnostics.records(),
    }
}

fn changed_kommunkod(served: &str, found: &str) -> ReloadFailure {
    failure(format!(
        "the policy now says kommunkod {found}, but this directory is served as {served}; \
         a kommunkod cannot change while serving (restart the server to move it)"
    ))
}

fn failure(message: String) -> ReloadFailure {
    ReloadFailure {
        at: super::time::rfc3339(SystemTime::now()),
        message,
        diagnostics: Vec::new(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct RulesetStatus {
    pub kommunkod: String,
    pub kommun: String,
    pub id: String,
    pub directory: String,
    pub loaded_at: String,
    pub counts: Counts,
    pub warnings: usize,
    pub reloads: Reloads,
    pub last_reload_error: Option<ReloadFailure>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Reloads {
    pub succeeded: u64,
    pub failed: u64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Counts {
    pub forvaltningar: usize,
    pub arendetyper: usize,
    /// Decided units: delmoment, or the ärendetyp itself when it has none.
    pub units: usize,
    pub rules: usize,
    pub scripts: usize,
    pub tests: usize,
}

impl Counts {
    fn of(r: &Ruleset) -> Counts {
        Counts {
            forvaltningar: r.forvaltningar.len(),
            arendetyper: r.arendetyper.len(),
            units: r.arendetyper.iter().map(|t| t.units.len()).sum(),
            rules: r.rules.len(),
            scripts: r.scripts.len(),
            tests: r.tests.len(),
        }
    }
}
