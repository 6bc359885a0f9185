//! `rosa`: a rules engine for ROSA task allocation between a kommun's kundtjänst and
//! its förvaltningar.
//!
//! A ruleset (a directory of `.rosa` files) is loaded and checked into a [`Ruleset`],
//! compiled into an [`Engine`], and asked about inquiries: each [`Decision`] says
//! whether kundtjänst handles the inquiry directly, with the förvaltning's script, or
//! forwards it, and why. What a decision means, step by step, is written down in
//! `docs/semantik.md`.
//!
//! ```
//! use rosa::{Engine, Inquiry, Outcome, Ruleset};
//! let ruleset = Ruleset::load("rulesets/exempelkommun").expect("loads");
//! let engine = Engine::new(&ruleset);
//! let decision = engine.decide(&Inquiry::new("bygglov-status").channel("telefon"));
//! assert_eq!(decision.outcome, Outcome::Scripted);
//! ```
//!
//! The engine is the core and always built. Cargo features add the layers above it:
//! `dryrun` (the analysts' report, module `rosa::dryrun`), `serve` (the HTTP server, `rosa::serve`),
//! `studio` (the workshop in the browser, `rosa::studio`), `lsp` (the crates of the
//! binary's language server, `rosa lsp`) and `cli` (the `rosa` binary; implies the
//! others). All are on by default; a case system that only loads and decides depends on
//! `rosa` with `default-features = false`.
//!
//! Data flows one way, one module per stage:
//!
//! ```text
//! files ─► syntax (pest → AST) ─► check (all diagnostics) ─► model (validated Ruleset)
//!       ─► engine (compiled, immutable, Send + Sync) ─► Decision
//! dryrun: log ─► decide per row (parallel) ─► aggregate ─► report
//! serve:  HTTP ─► engine (hot-reloaded behind an ArcSwap)
//! ```
//!
//! Below every stage, [`lang`] holds the rule language's facts (keywords, statements,
//! units, defaults) that the parser, checker, formatter and editor read. A module imports
//! only modules below it; `tests/module_order.rs` holds the order.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod bounds;
pub mod calendar;
mod check;
mod clock;
mod diagnostics;
mod engine;
mod files;
#[cfg(any(feature = "dryrun", feature = "serve"))]
mod html;
pub mod lang;
mod load;
pub mod model;
mod numbers;
mod source;
mod syntax;
mod terminal;

#[cfg(feature = "dryrun")]
pub mod dryrun;
#[cfg(feature = "followup")]
pub mod followup;
#[cfg(feature = "serve")]
pub mod search_log;
#[cfg(feature = "serve")]
pub mod serve;
#[cfg(feature = "studio")]
pub mod studio;
#[cfg(feature = "dryrun")]
pub mod tjansteurval;
#[cfg(feature = "serve")]
mod web;

pub use clock::{LocalTime, TimeError, TimeErrorKind};
pub use diagnostics::{Code, Diagnostic, DiagnosticRecord, Diagnostics, Severity};
pub use engine::{
    Attributes, Basis, Decision, DecisionError, DecisionRecord, Engine, Inquiry, MAX_SEARCH_CHARS,
    MAX_SEARCH_WORDS, OwnedInquiry, Resolution, RuleRef, RuleResult, RuleTried, ScriptRef,
    SearchTooLong, TestResult, check_search, run_tests,
};
pub use files::{WriteRefusal, write_file, write_file_with};
pub use load::ruleset_root;
pub use model::{AttrValue, Channel, Criterion, CriterionKind, Outcome, Ruleset};
pub use source::{FileId, Location, SourceFile, SourceMap, Span};
pub use syntax::format::format_source;
pub use terminal::terminal_safe;
