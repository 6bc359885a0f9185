//! `rosa studio`: the workshop in the browser, on this machine (see src/studio).

use super::EXIT_USAGE;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Regelkatalogen att arbeta med (standard: den aktuella katalogen eller exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dir: Option<PathBuf>,
    /// Adress och port; bara den här datorn (127.0.0.1 eller ::1), port 0 väljer en ledig
    #[arg(long, default_value = "127.0.0.1:7878")]
    addr: SocketAddr,
    /// Öppna studion i webbläsaren
    #[arg(long)]
    open: bool,
    /// Handbokens söklogg (från `rosa serve --search-log`): studion visar sökordsförslagen
    /// under Sökförslag och lägger till dem med en knapp
    #[arg(long, value_name = "FIL", alias = "soklogg")]
    search_log: Option<std::path::PathBuf>,
}

pub(super) fn run(args: Args) -> u8 {
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "fel: studion skriver i regelfilerna och lyssnar därför bara på den här datorn\n\
             hjälp: använd t.ex. --addr 127.0.0.1:{}",
            args.addr.port()
        );
        return EXIT_USAGE;
    }
    let dir = match super::ruleset_dir(args.dir) {
        Ok(dir) => dir,
        Err(code) => return code,
    };
    if !dir.is_dir() {
        eprintln!("fel: katalogen `{}` finns inte", dir.display());
        return EXIT_USAGE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("fel: kunde inte starta tokio: {e}");
            return EXIT_USAGE;
        }
    };
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr).await?;
        let url = format!("http://{}/", listener.local_addr()?);
        eprintln!(
            "rosa studio för {}: {url}  (avsluta med Ctrl+C)",
            dir.display()
        );
        if args.open {
            open_browser(&url);
        }
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        rosa::studio::serve_with_search_log(listener, dir, args.search_log, shutdown).await
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("fel: studion kunde inte starta: {e}");
            EXIT_USAGE
        }
    }
}

/// The desktop's own way to open a web page; a failure only costs the convenience.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("kunde inte öppna webbläsaren; öppna {url} själv");
    }
}
