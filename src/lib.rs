//! `rosa`: a rules engine for ROSA task allocation between a kommun's kundtjänst and
//! its förvaltningar.
//!
//! Data flows one way through one module per stage:
//!
//! ```text
//! files ─► syntax (pest → AST) ─► check (all diagnostics) ─► model (validated Ruleset)
//!       ─► engine (compiled, immutable, Send + Sync) ─► Decision
//! dryrun: log ─► decide per row (parallel) ─► aggregate ─► report
//! serve:  HTTP ─► engine (hot-reloaded behind an ArcSwap)
//! ```
//!
//! ```
//! use rosa::{Engine, Inquiry, Outcome, Ruleset};
//! let ruleset = Ruleset::load("rulesets/exempelkommun").expect("loads");
//! let engine = Engine::new(&ruleset);
//! let decision = engine.decide(&Inquiry::new("bygglov-status").channel("telefon"));
//! assert_eq!(decision.outcome, Outcome::Scripted);
//! ```

#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod clock;
pub mod diagnostics;
pub mod dryrun;
pub mod engine;
pub mod load;
pub mod model;
pub mod serve;
pub mod source;
pub mod syntax;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use engine::{Decision, Engine, Inquiry};
pub use model::{AttrValue, Outcome, Ruleset};
