//! `rosa serve`: the HTTP API (see src/serve and docs/integration.md).

use super::{EXIT_PROBLEMS, EXIT_USAGE};
use clap::ValueEnum;
use rosa::serve::{Config, Limits, ServeError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Kataloger med regelfiler, en per kommun (standard: den aktuella katalogen eller
    /// exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dirs: Vec<PathBuf>,
    /// Adress och port att lyssna på
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Skriv varje beslut som JSON Lines till filen (utan personuppgifter och attributvärden)
    #[arg(long, value_name = "FIL")]
    decision_log: Option<PathBuf>,
    /// Slå på handbokens söklogg: vilken ärendetyp (och vilket delmoment) handläggarna
    /// valde efter vilka sökord, utan personuppgifter (se docs/desk.md). Av som standard
    #[arg(long, value_name = "FIL", alias = "soklogg")]
    search_log: Option<PathBuf>,
    /// Svensk ordlista för sökloggen, ett ord per rad; bara ord i listan eller i
    /// regeluppsättningen sparas (standard: /usr/share/dict/swedish om den finns, annars
    /// bara regeluppsättningens ord)
    #[arg(long, value_name = "FIL", alias = "ordlista", requires = "search_log")]
    word_list: Option<PathBuf>,
    /// Största storlek på sökloggen i byte; sedan loggas inget mer (en varning)
    #[arg(long, value_name = "BYTE", default_value_t = rosa::search_log::DEFAULT_MAX_LOG_BYTES)]
    search_log_max: u64,
    /// Loggformat på stderr
    #[arg(long, value_enum, default_value_t)]
    log_format: LogFormat,
    /// Bevaka inte katalogerna (SIGHUP läser ändå om reglerna)
    #[arg(long)]
    no_watch: bool,
    /// Högsta antal samtidiga anslutningar. Nära gränsen stängs den anslutning som varit
    /// tyst längst, så att nya klienter kommer in; är alla upptagna väntar nya i kön hos
    /// operativsystemet
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// Högsta antal samtidiga anslutningar från en och samma IP-adress; över gränsen
    /// stängs adressens tystaste anslutning, eller den nya om ingen är tyst
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections_per_peer)]
    max_connections_per_peer: usize,
    /// Stäng en keep-alive-anslutning som varit tyst så här många sekunder
    #[arg(long, value_name = "SEK", default_value_t = Limits::default().idle_timeout.as_secs())]
    idle_timeout: u64,
    /// Största tillåtna begäran i byte; en begäran som anger en större längd får 413 direkt
    #[arg(long, value_name = "BYTE", default_value_t = Limits::default().body_bytes)]
    max_body: usize,
    /// Högsta antal ärenden i en batch
    #[arg(long, value_name = "N", default_value_t = Limits::default().batch_items)]
    max_batch: usize,
    /// Största svar på en batch i byte, uppskattat innan ärendena avgörs; en batch vars
    /// svar kan bli större får 413
    #[arg(long, value_name = "BYTE", default_value_t = Limits::default().answer_bytes)]
    max_answer: usize,
    /// Tidsgräns per begäran i sekunder: för rubrikerna (anslutningen stängs), sedan för
    /// kroppen och svaret (408 när den överskrids)
    #[arg(long, value_name = "SEK", default_value_t = Limits::default().request_timeout.as_secs())]
    request_timeout: u64,
    /// Längsta tid i sekunder som en omläsning av reglerna får ta; en som tar längre (en
    /// nätverksdisk som inte svarar) rapporteras som misslyckad och de gamla reglerna gäller
    #[arg(long, value_name = "SEK", default_value_t = Config::new(Vec::new()).reload_timeout.as_secs())]
    reload_budget: u64,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum LogFormat {
    #[default]
    Compact,
    Json,
}

pub(super) fn run(args: Args) -> u8 {
    init_logging(args.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fel: kunde inte starta tokio: {e}");
            return EXIT_USAGE;
        }
    };
    let addr = args.addr;
    let config = match config(args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        rosa::serve::serve(listener, config).await
    });
    // Dropping the runtime would wait for a reload stuck in a read; the process ends.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => 0,
        Err(e) => {
            if let ServeError::Ruleset { diagnostics, .. } = &e {
                eprint!("{}", diagnostics.render());
            }
            tracing::error!("{e}");
            exit_code(&e)
        }
    }
}

fn config(args: Args) -> Result<Config, u8> {
    let dirs = if args.dirs.is_empty() {
        vec![super::ruleset_dir(None)?]
    } else {
        args.dirs
    };
    let mut config = Config::new(dirs);
    config.decision_log = args.decision_log;
    if args.search_log.is_some() {
        config.word_list = args
            .word_list
            .or_else(rosa::search_log::Vocabulary::system_word_list);
    }
    config.search_log = args.search_log;
    config.search_log_max_bytes = args.search_log_max;
    config.watch = !args.no_watch;
    // Zero would report every reload as overrunning: 1 s is the floor.
    config.reload_timeout = Duration::from_secs(args.reload_budget.max(1));
    // Zero would refuse every connection or close each at once: take 1 as the floor.
    config.limits = Limits {
        body_bytes: args.max_body,
        batch_items: args.max_batch,
        answer_bytes: args.max_answer,
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        max_connections: args.max_connections.max(1),
        max_connections_per_peer: args.max_connections_per_peer.max(1),
        idle_timeout: Duration::from_secs(args.idle_timeout.max(1)),
    };
    Ok(config)
}

fn exit_code(error: &ServeError) -> u8 {
    match error {
        ServeError::Ruleset { diagnostics, dir } => super::exit_for(diagnostics, dir),
        ServeError::DuplicateKommunkod { .. } => EXIT_PROBLEMS,
        _ => EXIT_USAGE,
    }
}

/// Logs go to stderr; `RUST_LOG` overrides the default level `info`.
fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Compact => builder.compact().try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    if let Err(e) = installed {
        eprintln!("varning: loggningen kunde inte startas: {e}");
    }
}
