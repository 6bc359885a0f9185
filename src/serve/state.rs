//! What the server's handlers share, and what one request takes from it.

use super::Limits;
use super::decision_log::{DecisionLog, Entry, LogStats};
use super::metrics::Metrics;
use super::tenant::{Loaded, Tenant};
use crate::Inquiry;
use crate::engine::Decision;
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
}

/// The id of one request: the client's `X-Request-Id`, or one made up here.
#[derive(Debug, Clone)]
pub(super) struct RequestId(pub Arc<str>);

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
            entry.request_id = id.map(|id| id.0.clone());
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

    pub(super) fn log_stats(&self) -> LogStats {
        self.log
            .as_ref()
            .map_or(LogStats::DISABLED, DecisionLog::stats)
    }
}
