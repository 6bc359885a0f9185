//! The studio's state: the workspace (the rule files as on disk), the saved ruleset's
//! figures, the trial the room last made, and the session token the pages carry.

use super::whatif::{self, Figures};
use super::workspace::Workspace;
use crate::engine::Engine;
use crate::model::Ruleset;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// The ruleset the room last tried, for the desk preview.
struct Tried {
    /// The id of the saved ruleset the trial was made on.
    saved_id: String,
    engine: Arc<Engine>,
    /// The trial in words.
    description: String,
}

pub(super) struct Studio {
    workspace: Mutex<Workspace>,
    baseline: Mutex<Option<(String, Figures)>>,
    /// `None` until a trial changes something.
    trial: Mutex<Option<Tried>>,
    /// The engine of the saved ruleset, kept while the files stay as they are: each
    /// engine builds its own search index.
    saved: Mutex<Option<Arc<Engine>>>,
    /// Writes must carry it (CSRF).
    pub token: String,
    /// Where the studio listens: requests must name it (DNS rebinding).
    pub addr: SocketAddr,
}

impl Studio {
    pub(super) fn open(dir: &Path, addr: SocketAddr) -> Arc<Studio> {
        Arc::new(Studio {
            workspace: Mutex::new(Workspace::open(dir)),
            baseline: Mutex::new(None),
            trial: Mutex::new(None),
            saved: Mutex::new(None),
            token: session_token(),
            addr,
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

    /// The engine of the desk preview, with the trial in words (empty for none): the
    /// saved ruleset with the last trial, if the trial was made on the saved version;
    /// `None` when the files do not load.
    pub(super) fn preview(&self) -> Option<(Arc<Engine>, String)> {
        let saved = self.workspace().ruleset().ok()?.clone();
        let trial = self.trial.lock().unwrap_or_else(|e| e.into_inner());
        match trial.as_ref() {
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

    /// Keep the ruleset of a trial (and its description) for the preview.
    pub(super) fn remember_trial(&self, saved_id: &str, trial: Option<(Ruleset, String)>) {
        let mut slot = self.trial.lock().unwrap_or_else(|e| e.into_inner());
        *slot = trial.map(|(ruleset, description)| Tried {
            saved_id: saved_id.to_string(),
            engine: Arc::new(Engine::new(&ruleset)),
            description,
        });
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
