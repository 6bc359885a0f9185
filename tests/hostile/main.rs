//! What a hostile or broken input cannot do (issue: "Nothing a hostile or broken
//! input can do"). One module per class of attack, each driving the real binary.

#[path = "../common/mod.rs"]
mod common;
mod dryrun;
mod files;
mod output;
mod serve;
mod support;
mod wire;
