//! The studio's state: the workspace (the rule files as on disk), the saved ruleset's
//! figures, the trial each browser tab last made, and the session token the pages carry.

use super::whatif::{self, Figures};
use super::workspace::Workspace;
use crate::engine::Engine;
use crate::model::Ruleset;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// At most this many tabs keep a trial of their own; the one unused longest gives way.
const MAX_TABS: usize = 32;

/// The ruleset a tab last tried, for the desk preview.
struct Tried {
    /// The tab's id ([`tab_id`]); empty for a client that names none.
    tab: String,
    /// The id of the saved ruleset the trial was made on.
    saved_id: String,
    engine: Arc<Engine>,
    /// The trial in words.
    description: String,
}

pub(super) struct Studio {
    workspace: Mutex<Workspace>,
    baseline: Mutex<Option<(String, Figures)>>,
    /// Per tab, the last trial that changed something; the most recently used last.
    trials: Mutex<Vec<Tried>>,
    /// The engine of the saved ruleset, kept while the files stay as they are: each
    /// engine builds its own search index.
    saved: Mutex<Option<Arc<Engine>>>,
    /// Writes must carry it (CSRF).
    pub token: String,
    /// Where the studio listens: requests must name it (DNS rebinding).
    pub addr: SocketAddr,
    /// The desk's search log whose `sökord` proposals the studio shows, if given.
    pub search_log: Option<PathBuf>,
}

impl Studio {
    pub(super) fn open(dir: &Path, addr: SocketAddr, search_log: Option<PathBuf>) -> Arc<Studio> {
        Arc::new(Studio {
            workspace: Mutex::new(Workspace::open(dir)),
            baseline: Mutex::new(None),
            trials: Mutex::new(Vec::new()),
            saved: Mutex::new(None),
            token: session_token(),
            addr,
            search_log,
        })
    }

    pub(super) fn workspace(&self) -> MutexGuard<'_, Workspace> {
        self.workspace.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The workspace as the files on disk are now.
    pub(super) fn fresh_workspace(&self) -> MutexGuard<'_, Workspace> {
        let mut workspace = self.workspace();
        workspace.refresh();
        workspace
    }

    /// The engine of `tab`'s desk preview, with its trial in words (empty for none):
    /// the saved ruleset with the tab's last trial, if the trial was made on the saved
    /// version; `None` when the files do not load.
    pub(super) fn preview(&self, tab: &str) -> Option<(Arc<Engine>, String)> {
        let saved = self.workspace().ruleset().ok()?.clone();
        let trials = self.trials.lock().unwrap_or_else(|e| e.into_inner());
        match trials.iter().find(|t| t.tab == tab) {
            Some(tried) if tried.saved_id == saved.id => {
                Some((tried.engine.clone(), tried.description.clone()))
            }
            _ => Some((self.saved_engine(&saved), String::new())),
        }
    }

    fn saved_engine(&self, saved: &Ruleset) -> Arc<Engine> {
        let mut cached = self.saved.lock().unwrap_or_else(|e| e.into_inner());
        match cached.as_ref() {
            Some(engine) if engine.ruleset().id == saved.id => engine.clone(),
            _ => cached.insert(Arc::new(Engine::new(saved))).clone(),
        }
    }

    /// Keep the ruleset of `tab`'s trial (and its description) for its preview; `None`
    /// (a trial that changes nothing) forgets the tab's.
    pub(super) fn remember_trial(
        &self,
        tab: &str,
        saved_id: &str,
        trial: Option<(Ruleset, String)>,
    ) {
        let tried = trial.map(|(ruleset, description)| Tried {
            tab: tab.to_string(),
            saved_id: saved_id.to_string(),
            engine: Arc::new(Engine::new(&ruleset)),
            description,
        });
        let mut trials = self.trials.lock().unwrap_or_else(|e| e.into_inner());
        trials.retain(|t| t.tab != tab);
        if let Some(tried) = tried {
            if trials.len() >= MAX_TABS {
                trials.remove(0);
            }
            trials.push(tried);
        }
    }

    /// The saved ruleset's figures, computed once per version of the files.
    pub(super) fn baseline(&self, ruleset: &Ruleset) -> Result<Figures, String> {
        let mut cached = self.baseline.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((id, figures)) = cached.as_ref()
            && *id == ruleset.id
        {
            return Ok(figures.clone());
        }
        let figures = whatif::figures(ruleset)?;
        *cached = Some((ruleset.id.clone(), figures.clone()));
        Ok(figures)
    }
}

/// A tab's id as the page sent it, if it is one the page makes (1–64 ASCII letters,
/// digits, `-` or `_`); else the empty id every tab without one shares.
pub(super) fn tab_id(sent: Option<&str>) -> &str {
    let valid = |id: &&str| {
        (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    sent.filter(valid).unwrap_or("")
}

/// 128 random bits from the operating system, as hex.
fn session_token() -> String {
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if read.is_err() {
        // Not Unix: the standard library's per-process random hash keys.
        use std::hash::{BuildHasher, RandomState};
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let n = RandomState::new().hash_one(i);
            chunk.copy_from_slice(&n.to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
