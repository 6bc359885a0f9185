//! Search that learns from the desk, end to end on the example kommun: the desk page
//! reports choices to `rosa serve --search-log` over HTTP, the privacy filter keeps only
//! known words, `rosa search --forslag` and the library propose `sökord` the search
//! misses today, the studio adds them through its guarded save, and the search then
//! finds the unit first for those words.

mod common;

use rosa::serve::{Config, Server};
use rosa::{Engine, Ruleset};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};

/// Words the test's word list knows besides the ruleset's own: the phrasings staff
/// type, and parts of an e-mail address and a web address that must still be dropped.
const WORD_LIST: &str = "kandelabern\nkantstenen\nutanför\nhuset\nlutar\ndubbelparkerad\nbilen\nstår\n\
    anna\nexample\nkommun\nwww\nse\nring\nmig\n";

/// What staff typed, and the unit they settled on: each phrasing three times, so
/// that its words reach the default threshold.
const CHOICES: &[(&str, &str)] = &[
    ("kandelabern är trasig", "felanmalan-gata"),
    ("kantstenen utanför huset lutar", "felanmalan-gata"),
    ("kandelabern och kantstenen", "felanmalan-gata"),
    ("bilen står dubbelparkerad", "felparkering"),
    ("dubbelparkerad bil", "felparkering"),
    ("dubbelparkerad", "felparkering"),
];

/// Proposed and applied: (unit, word).
const LEARNED: &[(&str, &str)] = &[
    ("felanmalan-gata", "kandelabern"),
    ("felanmalan-gata", "kantstenen"),
    ("felparkering", "dubbelparkerad"),
];

struct Running {
    addr: SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

struct Reply {
    status: u16,
    body: String,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    common::copy_dir(Path::new("rulesets/exempelkommun"), dir.path());
    dir
}

fn serve(runtime: &tokio::runtime::Runtime, config: Config) -> Running {
    runtime.block_on(async {
        let server = Server::start(config).await.expect("server starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(listener, async {
            let _ = stopped.await;
        }));
        Running { addr, _stop: stop }
    })
}

fn config_with_log(dir: &Path, log: &Path, word_list: &Path) -> Config {
    let mut config = Config::new(vec![dir.to_path_buf()]);
    config.watch = false;
    config.search_log = Some(log.to_path_buf());
    config.word_list = Some(word_list.to_path_buf());
    config
}

/// One request on a connection of its own.
fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connects");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("writes");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("reads");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply {
        status: head[9..12].parse().expect("a status"),
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

fn post_json(addr: SocketAddr, path: &str, body: &Value, token: Option<&str>) -> Reply {
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(token) = token {
        headers.push(("X-Rosa-Token", token));
    }
    send(addr, "POST", path, &headers, &body.to_string())
}

fn choose(addr: SocketAddr, kommunkod: &str, q: &str, case_type: &str) -> u16 {
    let path = format!("/v1/{kommunkod}/search-choices");
    post_json(addr, &path, &json!({"q": q, "case_type": case_type}), None).status
}

/// The unit the search gives first for `word`, as `case_type`.
fn first_hit(dir: &Path, word: &str) -> Option<String> {
    let ruleset = Ruleset::load(dir).expect("loads");
    let engine = Engine::new(&ruleset);
    engine
        .search(word, 1)
        .into_iter()
        .next()
        .map(|h| h.case_type)
}

fn write_word_list(dir: &Path) -> PathBuf {
    let path = dir.join("ordlista.txt");
    std::fs::write(&path, WORD_LIST).expect("word list");
    path
}

fn studio_token(addr: SocketAddr) -> String {
    let page = send(addr, "GET", "/", &[], "").body;
    let at = page
        .find("data-token=\"")
        .expect("the page carries the token")
        + 12;
    page[at..at + 32].to_string()
}

#[test]
fn the_search_learns_what_staff_chose_after_words_it_missed() {
    let rules = example_copy();
    let work = tempfile::tempdir().expect("temp dir");
    let log = work.path().join("sokning.tsv");
    let word_list = write_word_list(work.path());
    for (unit, word) in LEARNED {
        assert_ne!(
            first_hit(rules.path(), word).as_deref(),
            Some(*unit),
            "the search already finds {unit} first for {word}: pick another word"
        );
    }

    let runtime = runtime();
    let server = serve(&runtime, config_with_log(rules.path(), &log, &word_list));
    let kommunkod = Ruleset::load(rules.path())
        .expect("loads")
        .policy()
        .kommunkod
        .clone();
    let page = send(server.addr, "GET", &format!("/{kommunkod}/"), &[], "").body;
    assert!(
        page.contains("data-soklogg=\"på\""),
        "the desk page knows the log is on"
    );
    for _ in 0..3 {
        for (q, unit) in CHOICES {
            assert_eq!(choose(server.addr, &kommunkod, q, unit), 204);
        }
    }
    let metrics = send(server.addr, "GET", "/metrics", &[], "").body;
    assert!(
        metrics.contains("rosa_search_log_written_total 18"),
        "{metrics}"
    );
    drop(server);

    let read = rosa::search_log::read_log(&log).expect("the log reads");
    assert_eq!((read.entries.len(), read.bad_count), (18, 0));
    let proposals = rosa::search_log::propose(
        &Engine::new(&Ruleset::load(rules.path()).expect("loads")),
        &read.entries,
        rosa::search_log::DEFAULT_MIN_COUNT,
    );
    for (unit, word) in LEARNED {
        assert!(
            proposals
                .iter()
                .any(|p| p.case_type == *unit && p.word == *word && p.count >= 3),
            "no proposal of {word} for {unit}: {proposals:?}"
        );
    }

    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args(["search", "--format", "json", "--forslag"])
        .arg(&log)
        .arg(rules.path())
        .output()
        .expect("rosa runs");
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let from_cli: Value = serde_json::from_slice(&cli.stdout).expect("json");
    assert_eq!(from_cli.as_array().map(Vec::len), Some(proposals.len()));

    let studio_runtime = runtime;
    let listener = studio_runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let studio = listener.local_addr().expect("addr");
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    studio_runtime.spawn(rosa::studio::serve_with_search_log(
        listener,
        rules.path().to_path_buf(),
        Some(log.clone()),
        async {
            let _ = stopped.await;
        },
    ));
    let token = studio_token(studio);
    let page = send(studio, "GET", "/sokforslag", &[], "");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Lägg till som sökord"), "{}", page.body);
    for (unit, word) in LEARNED {
        assert!(
            page.body.contains(&format!("data-word=\"{word}\"")),
            "{word} is not offered"
        );
        let saved = post_json(
            studio,
            "/api/search-word",
            &json!({"case_type": unit, "part": null, "word": word}),
            Some(&token),
        );
        assert_eq!(saved.status, 200, "{}", saved.body);
        let saved: Value = serde_json::from_str(&saved.body).expect("json");
        assert_eq!(saved["tests"]["failed"], json!([]), "{saved}");
        assert!(!saved["undo"].as_array().expect("undo").is_empty());
    }

    for (unit, word) in LEARNED {
        assert_eq!(
            first_hit(rules.path(), word).as_deref(),
            Some(*unit),
            "after adding {word}, the search should find {unit} first"
        );
    }
    let again = send(studio, "GET", "/sokforslag", &[], "").body;
    assert!(
        !again.contains("data-word=\"kandelabern\""),
        "an applied proposal is gone"
    );
}

#[test]
fn the_privacy_filter_keeps_no_personal_data() {
    let rules = example_copy();
    let work = tempfile::tempdir().expect("temp dir");
    let log = work.path().join("sokning.tsv");
    let word_list = write_word_list(work.path());
    let runtime = runtime();
    let server = serve(&runtime, config_with_log(rules.path(), &log, &word_list));
    let kommunkod = Ruleset::load(rules.path())
        .expect("loads")
        .policy()
        .kommunkod
        .clone();
    let q = "soptunnan Qvarnbäcksson 19800101-1234 ring mig 070-123 45 67 \
             anna@example.se www.kommun.se https://kommun.se/sopor 42 kandelabern";
    assert_eq!(choose(server.addr, &kommunkod, q, "sophamtning"), 204);
    // Nothing known is left: nothing is written.
    assert_eq!(
        choose(
            server.addr,
            &kommunkod,
            "Qvarnbäcksson 0701234567",
            "sophamtning"
        ),
        204
    );
    drop(server);

    let text = std::fs::read_to_string(&log).expect("the log reads");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let words = lines[0].rsplit('\t').next().expect("words");
    assert_eq!(words, "soptunnan ring mig kandelabern");
    let day = lines[0].split('\t').next().expect("a day");
    assert_eq!(day.len(), 10, "the day only, no time: {day}");
}

#[test]
fn without_the_log_the_desk_reports_nothing_and_the_route_is_a_no_op() {
    let rules = example_copy();
    let runtime = runtime();
    let mut config = Config::new(vec![rules.path().to_path_buf()]);
    config.watch = false;
    let server = serve(&runtime, config);
    let kommunkod = Ruleset::load(rules.path())
        .expect("loads")
        .policy()
        .kommunkod
        .clone();
    let page = send(server.addr, "GET", &format!("/{kommunkod}/"), &[], "").body;
    assert!(!page.contains("data-soklogg"));
    assert_eq!(
        choose(server.addr, &kommunkod, "soptunnan", "sophamtning"),
        204
    );
    assert_eq!(
        choose(server.addr, &kommunkod, "soptunnan", "finns-inte"),
        404
    );
    let unknown_part = json!({"q": "soptunnan", "case_type": "sophamtning", "part": "finns-inte"});
    let path = format!("/v1/{kommunkod}/search-choices");
    assert_eq!(
        post_json(server.addr, &path, &unknown_part, None).status,
        400
    );
    let not_json = send(
        server.addr,
        "POST",
        &path,
        &[("Content-Type", "text/plain")],
        "x",
    );
    assert_eq!(not_json.status, 415);
    let metrics = send(server.addr, "GET", "/metrics", &[], "").body;
    assert!(!metrics.contains("search_log"));
}
