//! What the server's handlers share, and what one request takes from it.

use super::Limits;
use super::decision_log::{DecisionLog, Entry, LogStats};
use super::desk::SearchChoice;
use super::metrics::Metrics;
use super::tenant::{Loaded, Tenant};
use crate::Inquiry;
use crate::engine::Decision;
use crate::search_log::{self, LogCounts, SearchLog, Vocabulary, kept_words};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything the handlers share.
#[derive(Debug)]
pub(super) struct AppState {
    pub tenants: BTreeMap<Arc<str>, Arc<Tenant>>,
    pub log: Option<DecisionLog>,
    pub limits: Limits,
    pub metrics: Metrics,
    /// Big batches run on blocking threads; at most this many at once, so they queue
    /// (within their deadline) instead of crowding out each other and the runtime.
    pub batch_threads: Arc<tokio::sync::Semaphore>,
    /// The desk's search log, when the kommun turned it on (`--soklogg`).
    pub search_log: Option<DeskSearchLog>,
}

/// The desk's search log and the word list its privacy filter keeps words from.
#[derive(Debug)]
pub(super) struct DeskSearchLog {
    pub log: SearchLog,
    /// `None`: only the ruleset's own words are kept.
    pub word_list: Option<Vocabulary>,
}

/// The id of one request: the client's `X-Request-Id`, or one made up here; visible
/// ASCII only (checked when it is taken), so it reads as text.
#[derive(Debug, Clone)]
pub(super) struct RequestId(pub axum::http::HeaderValue);

impl RequestId {
    pub(super) fn as_str(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }
}

impl AppState {
    pub(super) fn log_decision(
        &self,
        tenant: &Tenant,
        loaded: &Loaded,
        inquiry: &Inquiry,
        decision: &Decision,
        id: Option<&RequestId>,
    ) {
        self.metrics.decided(&tenant.kommunkod, decision.outcome);
        if let Some(log) = &self.log {
            let ruleset = loaded.engine.ruleset();
            let mut entry = Entry::new(tenant.kommunkod.clone(), ruleset, inquiry, decision);
            entry.request_id = id.map(|id| Arc::from(id.as_str()));
            log.record(entry);
        }
    }

    pub(super) fn log_decisions(
        &self,
        tenant: &Tenant,
        loaded: &Loaded,
        inquiries: &[Inquiry],
        decisions: &[Decision],
        id: Option<&RequestId>,
    ) {
        for (inquiry, decision) in inquiries.iter().zip(decisions) {
            self.log_decision(tenant, loaded, inquiry, decision, id);
        }
    }

    /// Keep what passes the privacy filter of a choice at the desk; nothing when the
    /// log is off or no word is left.
    pub(super) fn log_search_choice(
        &self,
        tenant: &Tenant,
        loaded: &Loaded,
        choice: &SearchChoice,
    ) {
        let Some(desk_log) = &self.search_log else {
            return;
        };
        let ruleset = loaded.engine.ruleset();
        let vocabulary = loaded
            .vocabulary
            .get_or_init(|| Vocabulary::of_ruleset(ruleset));
        let words = kept_words(&choice.q, vocabulary, desk_log.word_list.as_ref());
        if words.is_empty() {
            return;
        }
        let entry = search_log::Entry::today(
            &tenant.kommunkod,
            &ruleset.id,
            &choice.case_type,
            choice.part(),
            words,
        );
        desk_log.log.record(&entry);
    }

    pub(super) fn search_log_counts(&self) -> Option<LogCounts> {
        self.search_log.as_ref().map(|s| s.log.counts())
    }

    pub(super) fn log_stats(&self) -> LogStats {
        self.log
            .as_ref()
            .map_or(LogStats::DISABLED, DecisionLog::stats)
    }
}
