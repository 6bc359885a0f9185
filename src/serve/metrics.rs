//! Prometheus metrics at `/metrics` (OpenMetrics text).
//!
//! Decision counters are created per kommun and outcome at start, so counting a
//! decision is one atomic add with no label lookup. Reload and decision-log counts are
//! kept where they happen (tenant history, log stats) and copied in at scrape time.

use super::decision_log::LogStats;
use super::tenant::Tenant;
use crate::model::Outcome;
use crate::search_log::LogCounts;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

pub(super) const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabels {
    kommunkod: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KommunLabels {
    kommunkod: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route template (`/{kommunkod}/decisions`), never the raw path.
    route: String,
    status: u16,
}

type Latency = Family<RequestLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 50 µs … ~1.6 s: single decisions sit at the bottom, big batches near the top.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.000_05, 2.0, 16,
    ))
}

/// The route templates that carry the load (src/serve/hot.rs answers them past the
/// router), as the router's `MatchedPath` names them.
pub(super) const DECISION_ROUTES: [&str; 2] =
    ["/{kommunkod}/decisions", "/v1/{kommunkod}/decisions"];

#[derive(Debug)]
pub(super) struct Metrics {
    registry: Registry,
    decisions: BTreeMap<Arc<str>, [Counter; 3]>,
    latency: Latency,
    /// The latency of [`DECISION_ROUTES`]' 200s, taken from `latency` on first use:
    /// finding it per answer (a label `String` and a SipHash under a lock) was a
    /// tenth of the work around a decision.
    decisions_ok: [OnceLock<Histogram>; 2],
    reloads: Family<KommunLabels, Counter>,
    reload_failures: Family<KommunLabels, Counter>,
    log_written: Counter,
    log_dropped: Counter,
    /// Written and dropped lines of the desk's search log, when it is on.
    search_log: Option<(Counter, Counter)>,
}

impl Metrics {
    pub(super) fn new<'a>(
        kommuner: impl Iterator<Item = &'a Arc<str>>,
        search_log: bool,
    ) -> Metrics {
        let mut registry = Registry::with_prefix("rosa");
        let decision_family = Family::<DecisionLabels, Counter>::default();
        let decisions = kommuner
            .map(|code| {
                let counter = |outcome: Outcome| {
                    decision_family
                        .get_or_create(&DecisionLabels {
                            kommunkod: code.to_string(),
                            outcome: outcome.as_str().to_string(),
                        })
                        .clone()
                };
                let counters = Outcome::ALL.map(counter);
                (code.clone(), counters)
            })
            .collect();
        registry.register(
            "decisions",
            "Decisions made, by kommun and outcome",
            decision_family,
        );
        let latency: Latency = Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time from receiving a request to its answer, by route and status",
            latency.clone(),
        );
        let reloads = Family::<KommunLabels, Counter>::default();
        registry.register(
            "reloads",
            "Reloads that loaded (a new or the same ruleset), by kommun",
            reloads.clone(),
        );
        let reload_failures = Family::<KommunLabels, Counter>::default();
        registry.register(
            "reload_failures",
            "Reloads rejected (the previous ruleset kept serving), by kommun",
            reload_failures.clone(),
        );
        let log_written = Counter::default();
        registry.register(
            "decision_log_written",
            "Decision log lines written",
            log_written.clone(),
        );
        let log_dropped = Counter::default();
        registry.register(
            "decision_log_dropped",
            "Decision log lines lost (queue full or file not writable)",
            log_dropped.clone(),
        );
        let search_log = search_log.then(|| {
            let written = Counter::default();
            registry.register(
                "search_log_written",
                "Desk search log lines written",
                written.clone(),
            );
            let dropped = Counter::default();
            registry.register(
                "search_log_dropped",
                "Desk search log entries not written (another being written, log full, or write failed)",
                dropped.clone(),
            );
            (written, dropped)
        });
        Metrics {
            search_log,
            registry,
            decisions,
            latency,
            decisions_ok: Default::default(),
            reloads,
            reload_failures,
            log_written,
            log_dropped,
        }
    }

    pub(super) fn decided(&self, kommunkod: &str, outcome: Outcome) {
        if let Some(counters) = self.decisions.get(kommunkod) {
            let index = Outcome::ALL.iter().position(|o| *o == outcome).unwrap_or(2);
            counters[index].inc();
        }
    }

    pub(super) fn answered(&self, route: &str, status: u16, seconds: f64) {
        let labels = || RequestLabels {
            route: route.to_string(),
            status,
        };
        let cached = DECISION_ROUTES.iter().position(|r| *r == route);
        match cached.filter(|_| status == 200) {
            Some(i) => self.decisions_ok[i]
                .get_or_init(|| self.latency.get_or_create(&labels()).clone())
                .observe(seconds),
            None => self.latency.get_or_create(&labels()).observe(seconds),
        }
    }

    /// The text to serve, with the counts kept elsewhere brought up to date.
    pub(super) fn render<'a>(
        &self,
        tenants: impl Iterator<Item = &'a Arc<Tenant>>,
        log: LogStats,
        search_log: Option<LogCounts>,
    ) -> String {
        for tenant in tenants {
            let reloads = tenant.status().reloads;
            let labels = KommunLabels {
                kommunkod: tenant.kommunkod.to_string(),
            };
            let set = |family: &Family<KommunLabels, Counter>, value: u64| {
                family
                    .get_or_create(&labels)
                    .inner()
                    .store(value, Ordering::Relaxed);
            };
            set(&self.reloads, reloads.succeeded);
            set(&self.reload_failures, reloads.failed);
        }
        self.log_written
            .inner()
            .store(log.written, Ordering::Relaxed);
        self.log_dropped
            .inner()
            .store(log.dropped, Ordering::Relaxed);
        if let (Some((written, dropped)), Some(counts)) = (&self.search_log, search_log) {
            written.inner().store(counts.written, Ordering::Relaxed);
            dropped.inner().store(counts.dropped, Ordering::Relaxed);
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
