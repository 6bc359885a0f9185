//! `rosa studio` over HTTP: its guards (session token, origin, host), and edits that
//! reach the files only through the checker and the formatter, never over a newer file.

mod common;

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

struct Studio {
    addr: SocketAddr,
    token: String,
    _stop: tokio::sync::oneshot::Sender<()>,
    _runtime: tokio::runtime::Runtime,
}

struct Reply {
    status: u16,
    head: String,
    body: String,
    /// The body as sent (before any chunked decoding).
    bytes: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn copy_example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(Path::new("rulesets/exempelkommun"), dir.path());
    dir
}

fn start(dir: &Path) -> Studio {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    runtime.spawn(rosa::studio::serve(listener, dir.to_path_buf(), async {
        let _ = stopped.await;
    }));
    let mut studio = Studio {
        addr,
        token: String::new(),
        _stop: stop,
        _runtime: runtime,
    };
    let page = studio.get("/").body;
    let at = page
        .find("data-token=\"")
        .expect("the page carries the token")
        + 12;
    studio.token = page[at..at + 32].to_string();
    studio
}

/// One request on a connection of its own, to the studio or to `rosa serve`.
fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let raw_body = bytes[split + 4..].to_vec();
    let body = &*String::from_utf8_lossy(&raw_body).into_owned();
    let status = head[9..12].parse().unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply {
        status,
        head,
        body,
        bytes: raw_body,
    }
}

impl Studio {
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        send(self.addr, method, path, headers, body)
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], "")
    }

    fn post(&self, path: &str, body: &Value) -> Reply {
        let token = self.token.clone();
        self.request(
            "POST",
            path,
            &[
                ("Content-Type", "application/json"),
                ("X-Rosa-Token", &token),
            ],
            &body.to_string(),
        )
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

#[test]
fn the_agreement_names_every_forvaltning_under_a_content_security_policy() {
    let dir = copy_example();
    let studio = start(dir.path());
    let page = studio.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.head
            .contains("content-security-policy: default-src 'none'")
    );
    // The overview links every förvaltning to a page of its own.
    let ruleset = rosa::Ruleset::load(dir.path()).unwrap();
    for f in ruleset.forvaltningar() {
        let link = format!("<a href=\"/forvaltning/{}\">{}</a>", f.id, f.name);
        assert!(page.body.contains(&link), "{} is linked", f.name);
        let own = studio.get(&format!("/forvaltning/{}", f.id));
        assert_eq!(own.status, 200);
        assert!(own.body.contains(&format!("<h1>{}</h1>", f.name)));
    }
    assert_eq!(studio.get("/forvaltning/finns-inte").status, 404);
}

/// The version of the file that holds a unit's level, as the förvaltning's page
/// gives it to the level select's row.
fn level_version(studio: &Studio, forvaltning: &str, case_type: &str) -> String {
    let page = studio.get(&format!("/forvaltning/{forvaltning}")).body;
    let row = page
        .find(&format!("data-case-type=\"{case_type}\""))
        .expect("the unit has a row");
    let at = row + page[row..].find("data-version=\"").expect("a version") + 14;
    page[at..at + 16].to_string()
}

#[test]
fn writes_need_the_token_the_origin_and_the_host() {
    let dir = copy_example();
    let studio = start(dir.path());
    let body = "{}";
    let json = ("Content-Type", "application/json");
    let token = studio.token.clone();
    let cases: [(&[(&str, &str)], u16); 4] = [
        (&[json], 403),
        (&[json, ("X-Rosa-Token", "0123")], 403),
        (
            &[
                json,
                ("X-Rosa-Token", &token),
                ("Origin", "http://evil.example"),
            ],
            403,
        ),
        (
            &[json, ("X-Rosa-Token", &token), ("Host", "evil.example")],
            403,
        ),
    ];
    for (headers, status) in cases {
        let reply = studio.request("POST", "/api/what-if", headers, body);
        assert_eq!(reply.status, status, "{headers:?}");
        assert!(reply.json()["error"].is_string());
    }
    // A page on another name that resolves to this machine gets nothing to read.
    let rebound = studio.request("GET", "/", &[("Host", "evil.example:80")], "");
    assert_eq!(rebound.status, 403);
    assert_eq!(studio.post("/api/what-if", &json!({})).status, 200);
}

#[test]
fn what_if_compares_a_trial_with_the_saved_ruleset() {
    let dir = copy_example();
    let studio = start(dir.path());
    let reply = studio.post("/api/what-if", &json!({"grant_systems": ["Ecos"]}));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let result = reply.json();
    assert!(result["scenario"]["share"].as_f64() > result["baseline"]["share"].as_f64());
    assert_eq!(result["description"], "scenario: kundtjänst får Ecos");
    let unknown = studio.post("/api/what-if", &json!({"grant_systems": ["Nope"]}));
    assert_eq!(unknown.status, 422);
    assert!(
        unknown.json()["error"]
            .as_str()
            .unwrap()
            .contains("`Nope` finns inte")
    );
}

#[test]
fn a_level_is_saved_as_one_changed_line() {
    let dir = copy_example();
    let studio = start(dir.path());
    let path = dir.path().join("samhallsbyggnad.rosa");
    let before = std::fs::read_to_string(&path).unwrap();
    let version = level_version(&studio, "samhallsbyggnad", "bygglov-status");
    let change = json!({"changes": [{"case_type": "bygglov-status", "part": null, "level": 4, "version": version}]});
    let reply = studio.post("/api/levels", &change);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["files"], json!(["samhallsbyggnad.rosa"]));
    let after = std::fs::read_to_string(&path).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(
        (changed[0].0.trim(), changed[0].1.trim()),
        ("rosa 3", "rosa 4")
    );
    let ruleset = rosa::Ruleset::load(dir.path()).unwrap();
    assert_eq!(
        ruleset.arendetyp("bygglov-status").unwrap().units[0].level,
        4
    );
    // Out of the scale: refused with the checker's words, nothing written.
    let version = level_version(&studio, "samhallsbyggnad", "bygglov-status");
    let too_high = json!({"changes": [{"case_type": "bygglov-status", "part": null, "level": 9, "version": version}]});
    let reply = studio.post("/api/levels", &too_high);
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
}

#[test]
fn a_broken_or_stale_edit_is_not_written() {
    let dir = copy_example();
    let studio = start(dir.path());
    let path = dir.path().join("tekniska.rosa");
    let saved = std::fs::read_to_string(&path).unwrap();
    let page = studio.get("/filer/tekniska.rosa").body;
    let at = page.find("data-version=\"").unwrap() + 14;
    let version = &page[at..at + 16];

    let broken = saved.replacen("rosa 1", "rosa 9", 1);
    let checked = studio.post(
        "/api/check",
        &json!({"path": "tekniska.rosa", "text": broken}),
    );
    assert_eq!(checked.status, 200);
    let diagnostics = checked.json()["diagnostics"].clone();
    assert_eq!(diagnostics[0]["code"], "R0006", "{diagnostics}");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("utanför skalan")
    );

    let edit = json!({"path": "tekniska.rosa", "text": broken, "version": version});
    let refused = studio.post("/api/save", &edit);
    assert_eq!(refused.status, 422);
    assert_eq!(refused.json()["diagnostics"][0]["code"], "R0006");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), saved);

    // Unformatted but valid: saved, formatted as `rosa fmt` would.
    let messy = saved.replacen("    ärendetyp", "ärendetyp", 1);
    let edit = json!({"path": "tekniska.rosa", "text": messy, "version": version});
    let reply = studio.post("/api/save", &edit);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), saved);

    // Changed on disk since: a conflict, and the other edit stays.
    let elsewhere = format!("{saved}// från en annan editor\n");
    std::fs::write(&path, &elsewhere).unwrap();
    let stale = json!({"path": "tekniska.rosa", "text": saved, "version": reply.json()["version"]});
    assert_eq!(studio.post("/api/save", &stale).status, 409);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), elsewhere);
}

#[test]
fn only_the_rulesets_own_files_are_served() {
    let dir = copy_example();
    let studio = start(dir.path());
    for path in [
        "/filer/../kundtjanst.rosa",
        "/filer/%2e%2e/Cargo.toml",
        "/filer/nope.rosa",
    ] {
        assert_eq!(studio.get(path).status, 404, "{path}");
    }
    let edit = json!({"path": "../x.rosa", "text": "", "version": ""});
    assert_eq!(studio.post("/api/save", &edit).status, 404);
    assert!(!dir.path().join("../x.rosa").exists());
}

#[test]
fn pin_this_turns_a_decision_into_a_passing_test() {
    let dir = copy_example();
    let studio = start(dir.path());
    let pin = json!({"case_type": "va-faktura", "part": "information", "channel": "chatt"});
    let reply = studio.post("/api/pin", &pin);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let pinned = reply.json();
    assert_eq!(pinned["file"], "va-avfall.rosa");
    let name = pinned["test"].as_str().unwrap().to_string();
    assert_eq!(
        name,
        "Faktura för vatten och avfall i chatt besvaras direkt"
    );
    let ruleset = rosa::Ruleset::load(dir.path()).unwrap();
    let results = rosa::run_tests(&rosa::Engine::new(&ruleset));
    let result = results
        .iter()
        .find(|r| r.name == name)
        .expect("the pinned test");
    assert!(result.passed);
    assert!(results.iter().all(|r| r.passed));
    // The same pin again gets a name of its own; a decision that needs answers is refused.
    let again = studio.post("/api/pin", &pin).json();
    assert_eq!(again["test"], format!("{name} (2)"));
    let guarded = json!({"case_type": "va-faktura", "part": "avbetalning", "channel": "telefon"});
    let refused = studio.post("/api/pin", &guarded);
    assert_eq!(refused.status, 422);
    assert!(refused.json()["error"].as_str().unwrap().contains("belopp"));
}

#[test]
fn a_new_arendetyp_or_delmoment_is_written_into_its_parent() {
    let dir = copy_example();
    let studio = start(dir.path());
    let new = json!({
        "forvaltning": "tekniska", "case_type": "gatukonst", "part": null,
        "name": "Gatukonst och muralmålningar", "level": 2, "frekvens_per_month": 3,
        "systems": ["Webbplats"]
    });
    let reply = studio.post("/api/add", &new);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["files"], json!(["tekniska.rosa"]));
    let ruleset = rosa::Ruleset::load(dir.path()).unwrap();
    let typ = ruleset.arendetyp("gatukonst").expect("the new ärendetyp");
    assert_eq!(ruleset.forvaltningar()[typ.forvaltning].id, "tekniska");
    assert_eq!(typ.units[0].level, 2);
    assert_eq!(typ.units[0].frekvens, Some(36.0));
    // Written as `rosa fmt` writes it.
    let text = std::fs::read_to_string(dir.path().join("tekniska.rosa")).unwrap();
    assert_eq!(rosa::format_source(0, &text).unwrap(), text);

    let part = json!({
        "forvaltning": "", "case_type": "batplats", "part": "vinterforvaring",
        "name": "Vinterförvaring av båtar", "level": 1, "frekvens_per_month": null, "systems": []
    });
    let reply = studio.post("/api/add", &part);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let ruleset = rosa::Ruleset::load(dir.path()).unwrap();
    assert!(
        ruleset
            .arendetyp("batplats")
            .unwrap()
            .unit("vinterforvaring")
            .is_some()
    );

    // An ärendetyp without delmoment cannot get one: the checker says why, nothing written.
    let before = std::fs::read_to_string(dir.path().join("samhallsbyggnad.rosa")).unwrap();
    let wrong = json!({
        "forvaltning": "", "case_type": "bygglov-status", "part": "extra",
        "name": "Extra", "level": 1, "frekvens_per_month": null, "systems": []
    });
    let reply = studio.post("/api/add", &wrong);
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert!(!reply.json()["diagnostics"].as_array().unwrap().is_empty());
    let after = std::fs::read_to_string(dir.path().join("samhallsbyggnad.rosa")).unwrap();
    assert_eq!(before, after);

    // Text that would break out of the block is refused before it reaches a file.
    for (id, name) in [("x\" {", "X"), ("ok-id", "Namn \" } förvaltning x \"")] {
        let hostile = json!({
            "forvaltning": "tekniska", "case_type": id, "part": null,
            "name": name, "level": 1, "frekvens_per_month": null, "systems": []
        });
        assert_eq!(studio.post("/api/add", &hostile).status, 422, "{id} {name}");
    }
}

#[test]
fn the_agreement_downloads_as_a_workbook() {
    let dir = copy_example();
    let studio = start(dir.path());
    let reply = studio.get("/overenskommelse.xlsx");
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .head
            .contains("content-disposition: attachment; filename=\"overenskommelse-1299.xlsx\""),
        "{}",
        reply.head
    );
    assert!(
        !reply
            .head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
    );
    assert!(
        reply.bytes.starts_with(b"PK\x03\x04"),
        "a zip, as xlsx files are"
    );
}

/// `rosa serve` on `dir`, in the studio's runtime, until the studio stops.
fn serve_beside(studio: &Studio, dir: &Path) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let config = rosa::serve::Config::new(vec![dir.to_path_buf()]);
    let server = studio
        ._runtime
        .block_on(rosa::serve::Server::start(config))
        .expect("rosa serve starts");
    let listener = studio
        ._runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    studio._runtime.spawn(server.run(listener, async {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// The studio's preview is the desk API of `rosa serve`: the same request gets the
/// same status, content type and body from both, bad requests included.
#[test]
fn the_preview_answers_as_rosa_serve_does() {
    let dir = copy_example();
    let studio = start(dir.path());
    let (serve, _stop) = serve_beside(&studio, dir.path());
    let json = [("Content-Type", "application/json")];
    let too_long = format!("/case-types?q={}", "a".repeat(501));
    let requests: [(&str, &str, &str); 10] = [
        ("GET", "/case-types?q=bygglov&limit=3", ""),
        ("GET", "/case-types/bygglov", ""),
        (
            "POST",
            "/decisions",
            r#"{"case_type": "bygglov", "channel": "telefon"}"#,
        ),
        // An unknown field, a bad limit, malformed JSON, an unknown ärendetyp.
        (
            "POST",
            "/decisions",
            r#"{"case_type": "bygglov", "personnummer": "1"}"#,
        ),
        ("GET", "/case-types?q=bygglov&limit=0", ""),
        ("GET", "/case-types?q=bygglov&limit=tio", ""),
        ("GET", "/case-types", ""),
        ("POST", "/decisions", r#"{"case_type": "#),
        ("GET", "/case-types/finns-inte", ""),
        // A search over the limit of 500 characters.
        ("GET", &too_long, ""),
    ];
    for (method, path, body) in requests {
        let headers: &[(&str, &str)] = if method == "POST" { &json } else { &[] };
        let served = send(serve, method, &format!("/v1/1299{path}"), headers, body);
        let previewed = studio.request(method, &format!("/forhandsvisning{path}"), headers, body);
        assert_eq!(previewed.status, served.status, "{method} {path}");
        assert_eq!(
            content_type(&previewed),
            content_type(&served),
            "{method} {path}"
        );
        assert_eq!(previewed.json(), served.json(), "{method} {path}");
        if served.status >= 400 {
            assert_eq!(content_type(&served), "application/problem+json");
        }
    }
    let page = studio.get("/forhandsvisning/");
    assert_eq!(page.status, 200);
    assert_eq!(content_type(&page), "text/html; charset=utf-8");
    assert!(
        page.body
            .contains("data-kommunkod=\"1299\" data-api=\"/forhandsvisning\"")
    );

    // Files that do not load leave the preview without an engine: a problem, not a guess.
    std::fs::write(dir.path().join("trasig.rosa"), "förvaltning {").unwrap();
    assert_eq!(
        studio.get("/").status,
        200,
        "the studio reads the files again"
    );
    let refused = studio.get("/forhandsvisning/case-types?q=bygglov");
    assert_eq!(refused.status, 409);
    assert_eq!(content_type(&refused), "application/problem+json");
    assert_eq!(
        refused.json()["type"],
        "urn:rosa:problem:ruleset-has-errors"
    );
    assert_eq!(studio.get("/forhandsvisning/").status, 409);
}

fn content_type(reply: &Reply) -> String {
    reply
        .head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(String::from)
        })
        .unwrap_or_default()
}

/// One set of numbers: the studio's cards, `rosa dry-run --format json` (declared) and
/// the example's README give the same share for the example, as a range where units'
/// outcome depends on conditions (docs/semantik.md §12).
#[test]
fn the_studio_the_dry_run_and_the_readme_agree_on_the_share() {
    let dir = copy_example();
    let studio = start(dir.path());
    let reply = studio.post("/api/what-if", &json!({}));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cards = reply.json()["baseline"].clone();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args(["dry-run", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let total = &report["total"];
    for key in ["share", "scripted_share", "conditional_share", "share_max"] {
        assert_eq!(cards[key], total[key], "{key}");
    }
    let share = total["share"].as_f64().unwrap();
    let share_max = total["share_max"].as_f64().unwrap();
    assert!(share < share_max, "the example has conditional units");
    let words = cards["share_text"].as_str().unwrap();
    let percent = |s: f64| format!("{:.1}", s * 100.0).replace('.', ",");
    assert_eq!(
        words,
        format!(
            "{}–{} % beroende på villkor",
            percent(share),
            percent(share_max)
        )
    );
    let text = std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .arg("dry-run")
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&format!("kundtjänst hanterar {words}")),
        "{text}"
    );
    let readme = std::fs::read_to_string("rulesets/exempelkommun/README.md").unwrap();
    assert!(readme.contains(words), "the example's README says {words}");
    let main_readme = std::fs::read_to_string("README.md").unwrap();
    assert!(main_readme.contains(words), "README.md says {words}");
}

/// Two tabs: the second's level save was made on the file before the first's, so it
/// is refused with a conflict in Swedish and the first's change stays.
#[test]
fn a_stale_level_save_is_refused() {
    let dir = copy_example();
    let studio = start(dir.path());
    let path = dir.path().join("samhallsbyggnad.rosa");
    let old = level_version(&studio, "samhallsbyggnad", "bygglov-status");
    let first = json!({"changes": [{"case_type": "bygglov-status", "part": null, "level": 4, "version": old}]});
    assert_eq!(studio.post("/api/levels", &first).status, 200);
    let after_first = std::fs::read_to_string(&path).unwrap();
    let second = json!({"changes": [{"case_type": "bygglov-status", "part": null, "level": 2, "version": old}]});
    let refused = studio.post("/api/levels", &second);
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused.json()["error"]
            .as_str()
            .unwrap()
            .contains("i en annan flik")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after_first);
    // Without a version a level save is stale too.
    let blind = json!({"changes": [{"case_type": "bygglov-status", "part": null, "level": 2}]});
    assert_eq!(studio.post("/api/levels", &blind).status, 409);
}

/// A save runs the ruleset's tests and says at once what now fails, with the
/// explanation; the undo it offers writes the text before back through the same save.
#[test]
fn a_save_runs_the_tests_and_can_be_undone() {
    let dir = copy_example();
    let studio = start(dir.path());
    let path = dir.path().join("samhallsbyggnad.rosa");
    let before = std::fs::read_to_string(&path).unwrap();
    let version = level_version(&studio, "samhallsbyggnad", "bygglov-status");
    let change = json!({"changes": [{"case_type": "bygglov-status", "part": null, "level": 5, "version": version}]});
    let reply = studio.post("/api/levels", &change);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let saved = reply.json();
    let failed = saved["tests"]["failed"].as_array().unwrap();
    assert!(!failed.is_empty(), "a pinned test now fails: {saved}");
    assert!(saved["tests"]["run"].as_u64().unwrap() > failed.len() as u64);
    assert!(
        !failed[0]["explanation"].as_array().unwrap().is_empty(),
        "{}",
        failed[0]
    );
    let undo = &saved["undo"][0];
    assert_eq!(undo["path"], "samhallsbyggnad.rosa");
    let undone = studio.post("/api/save", undo);
    assert_eq!(undone.status, 200, "{}", undone.body);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert_eq!(undone.json()["tests"]["failed"], json!([]));
}

/// A broken file leaves the rest usable: the pages show the last version that loaded,
/// say so, and link the error to its line; the figures still answer.
#[test]
fn a_broken_file_leaves_the_other_pages_usable() {
    let dir = copy_example();
    let studio = start(dir.path());
    let path = dir.path().join("kultur-fritid.rosa");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("frekvens ", "frekvens x", 1)).unwrap();
    let page = studio.get("/forvaltning/samhallsbyggnad");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Regelfilerna har fel just nu"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(
            "<span class=\"fel-rad\">Fel:</span> <a href=\"/filer/kultur-fritid.rosa#rad-"
        )
    );
    assert!(page.body.contains("data-case-type=\"bygglov-status\""));
    assert_eq!(studio.post("/api/what-if", &json!({})).status, 200);
    assert_eq!(studio.get("/").status, 200);
}

/// The agreement to sign, per förvaltning: kommun, date, ruleset id, each unit's
/// outcome per channel in words, the reasons once, and the signature lines.
#[test]
fn a_forvaltning_prints_its_agreement_to_sign() {
    let dir = copy_example();
    let studio = start(dir.path());
    let ruleset = rosa::Ruleset::load(dir.path()).unwrap();
    let page = studio.get("/forvaltning/samhallsbyggnad/utskrift");
    assert_eq!(page.status, 200);
    let body = &page.body;
    for needed in [
        "Exempelkommun",
        "Samhällsbyggnadsförvaltningen",
        &ruleset.id()[..16],
        "<dt>Datum</dt>",
        "Förvaltningschef",
        "För kundtjänst",
        "Kundtjänst:",
        "Vidare:",
    ] {
        assert!(body.contains(needed), "{needed} in the print");
    }
    let reasons = body
        .split("<ol class=\"skal\">")
        .nth(1)
        .expect("the reasons");
    let items: Vec<&str> = reasons
        .split("</ol>")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("<li"))
        .collect();
    let mut unique = items.clone();
    unique.sort_unstable_by_key(|l| l.split_once('>').map(|(_, t)| t));
    unique.dedup_by_key(|l| l.split_once('>').map(|(_, t)| t));
    assert_eq!(items.len(), unique.len(), "each reason once");
    // The channels a unit is not handled in are listed together, not a reason each.
    assert_eq!(
        items
            .iter()
            .filter(|l| l.contains("bara i kanalerna telefon, besök, inte"))
            .count(),
        1,
        "{items:?}"
    );
}

/// Two tabs, two trials: each tab's desk preview decides on its own what-if, and a
/// tab that tried nothing sees the saved version.
#[test]
fn each_tab_previews_its_own_trial() {
    let dir = copy_example();
    let studio = start(dir.path());
    let token = studio.token.clone();
    let grant = json!({"grant_systems": ["Ecos"]}).to_string();
    let headers = [
        ("Content-Type", "application/json"),
        ("X-Rosa-Token", token.as_str()),
        ("X-Rosa-Flik", "flik-a"),
    ];
    assert_eq!(
        studio
            .request("POST", "/api/what-if", &headers, &grant)
            .status,
        200
    );
    let inquiry = r#"{"case_type": "halsoskydd", "part": "registrera", "channel": "telefon"}"#;
    let json = [("Content-Type", "application/json")];
    let outcome = |base: &str| {
        let reply = studio.request("POST", &format!("{base}/decisions"), &json, inquiry);
        assert_eq!(reply.status, 200, "{base}: {}", reply.body);
        reply.json()["outcome"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(outcome("/forhandsvisning/flik/flik-a"), "scripted");
    assert_eq!(outcome("/forhandsvisning/flik/flik-b"), "forwarded");
    assert_eq!(outcome("/forhandsvisning"), "forwarded");
    let page = studio.get("/forhandsvisning/?flik=flik-a");
    assert!(
        page.body
            .contains("data-api=\"/forhandsvisning/flik/flik-a\"")
    );
    assert!(page.body.contains("kundtjänst får Ecos"), "{}", page.body);
    let other = studio.get("/forhandsvisning/?flik=flik-b");
    assert!(other.body.contains("visar den sparade versionen"));
    // An id the page would never make is the shared, untried preview.
    let odd = studio.get("/forhandsvisning/?flik=%3Cscript%3E");
    assert!(odd.body.contains("data-api=\"/forhandsvisning\""));
}
