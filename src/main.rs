//! The `rosa` command line: thin verbs over the library's public API.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
