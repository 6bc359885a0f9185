fn main() -> std::process::ExitCode {
    rosa::cli::run()
}
