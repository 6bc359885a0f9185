//! The `rosa` command line: thin verbs over the library's public API.

#![warn(unreachable_pub)]

mod cli;

// The library leaves the allocator to whoever embeds it; the binary picks mimalloc,
// measured faster than glibc's for the server's many small per-request allocations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
