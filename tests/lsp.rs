//! `rosa lsp` over the real binary, as an editor speaks to it: JSON-RPC with
//! Content-Length framing on stdin and stdout. A copy of the example kommun is opened
//! with an error in the editor's (unsaved) text; the diagnostics have the code, the
//! UTF-16 range and the Swedish message of `rosa check`, follow the policy into other
//! files, clear when fixed; formatting, hover, completion and go to definition answer;
//! shutdown and exit end the process with 0. Every wait has a timeout, so a hung server
//! fails the test.

mod common;

use common::{TempDir, copy_dir, example_dir, manifest_dir};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications read while waiting for something else.
    pending: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        Client::start_with(Command::new(env!("CARGO_BIN_EXE_rosa")))
    }

    /// A server whose home directory is `home`.
    fn start_at_home(home: &Path) -> Client {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rosa"));
        command.env("HOME", home);
        Client::start_with(command)
    }

    fn start_with(mut command: Command) -> Client {
        let mut child = command
            .args(["lsp", "--stdio"])
            .current_dir(manifest_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start rosa lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            pending: Vec::new(),
            next_id: 1,
        }
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write header");
        self.stdin.write_all(body).expect("write body");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, message: Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self) -> Value {
        match self.incoming.recv_timeout(TIMEOUT) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("rosa lsp did not answer in {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("rosa lsp closed its output"),
        }
    }

    /// The whole response to a request (`result` or `error`).
    fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.pending.push(message);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_full(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next diagnostics published for `uri` (a file that is not open).
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        self.diagnostics_of(uri, None)
    }

    /// The diagnostics published for `uri` at this version of its text (an open file,
    /// which is published again whenever its ruleset is checked).
    fn diagnostics_at(&mut self, uri: &str, version: i32) -> Vec<Value> {
        self.diagnostics_of(uri, Some(version))
    }

    fn diagnostics_of(&mut self, uri: &str, version: Option<i32>) -> Vec<Value> {
        let is_for = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        };
        if let Some(i) = self.pending.iter().position(is_for) {
            let m = self.pending.remove(i);
            return m["params"]["diagnostics"].as_array().cloned().unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            assert!(Instant::now() < deadline, "no diagnostics for {uri}");
            let m = self.next();
            if is_for(&m) {
                return m["params"]["diagnostics"].as_array().cloned().unwrap();
            }
            self.pending.push(m);
        }
    }

    fn initialize(&mut self, root: &Path) {
        let capabilities =
            json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": capabilities}),
        );
        let caps = &result["capabilities"];
        assert_eq!(caps["documentFormattingProvider"], true, "{result}");
        assert_eq!(caps["hoverProvider"], true, "{result}");
        assert!(caps["completionProvider"].is_object(), "{result}");
        self.notify("initialized", json!({}));
        // The server asks to be told about rule files and scripts changed on disk.
        let deadline = Instant::now() + TIMEOUT;
        let register = loop {
            assert!(Instant::now() < deadline, "no client/registerCapability");
            let m = self.next();
            if m["method"] == "client/registerCapability" {
                break m;
            }
            self.pending.push(m);
        };
        let registration = &register["params"]["registrations"][0];
        assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
        let globs = &registration["registerOptions"]["watchers"];
        assert_eq!(
            globs,
            &json!([{"globPattern": "**/*.rosa"}, {"globPattern": "**/*.md"}])
        );
        self.send(json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));
    }

    /// `shutdown`, `exit`, and the process ends with `code`.
    fn shutdown(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert_eq!(status.code(), Some(0));
                return;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("rosa lsp did not exit after `exit`");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test leaves no server behind.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    // Temporary directories have no characters that need escaping.
    format!("file://{}", path.display())
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

fn open(client: &mut Client, uri: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "rosa", "version": 1, "text": text}}),
    );
}

fn change(client: &mut Client, uri: &str, version: i32, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    );
}

fn at(uri: &str, line: usize, character: usize) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

#[test]
fn diagnostics_formatting_hover_and_completion() {
    let dir = TempDir::new("lsp");
    copy_dir(&example_dir(), &dir.path);
    let file = dir.path.join("kommunledning.rosa");
    let saved = std::fs::read_to_string(&file).unwrap();
    let good_line = "        kanaler telefon, besök\n";
    assert!(saved.contains(good_line), "the example changed");
    // The error is only in the editor's text: the file on disk is fine.
    let broken = saved.replacen(good_line, "        kanaler besök, telefn\n", 1);
    let line = saved[..saved.find(good_line).unwrap()]
        .matches('\n')
        .count();
    let kommunledning = uri(&file);

    let mut client = Client::start();
    client.initialize(&dir.path);
    open(&mut client, &kommunledning, &broken);
    let diagnostics = client.diagnostics_at(&kommunledning, 1);
    assert_eq!(codes(&diagnostics), ["R0014"], "{diagnostics:#?}");
    let d = &diagnostics[0];
    // `besök` is 6 bytes in UTF-8 but 5 UTF-16 units: `telefn` starts at column 23.
    assert_eq!(
        d["range"],
        json!({"start": {"line": line, "character": 23}, "end": {"line": line, "character": 29}})
    );
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "rosa");
    let message = d["message"].as_str().unwrap();
    assert!(
        message.starts_with("okänd kanal `telefn`\nhjälp: kända kanaler är telefon"),
        "{message}"
    );
    // The rest of the ruleset is checked too: the example's two warnings, in their files.
    let kultur = uri(&dir.path.join("kultur-fritid.rosa"));
    assert_eq!(codes(&client.diagnostics(&kultur)), ["R0102"]);

    // Fixed in the editor: cleared.
    change(&mut client, &kommunledning, 2, &saved);
    assert_eq!(
        client.diagnostics_at(&kommunledning, 2),
        Vec::<Value>::new()
    );

    // The policy loses a system in the editor: the förvaltning that needs it, not open,
    // gets the error; put back, it is cleared.
    let policy_path = dir.path.join("kundtjanst.rosa");
    let policy = std::fs::read_to_string(&policy_path).unwrap();
    assert!(policy.contains(", Tickster"), "the example changed");
    let kundtjanst = uri(&policy_path);
    let naringsliv = uri(&dir.path.join("naringsliv.rosa"));
    open(&mut client, &kundtjanst, &policy.replace(", Tickster", ""));
    let diagnostics = client.diagnostics(&naringsliv);
    assert!(
        !diagnostics.is_empty() && codes(&diagnostics).iter().all(|c| *c == "R0003"),
        "{diagnostics:#?}"
    );
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("`Tickster`")
    );
    change(&mut client, &kundtjanst, 2, &policy);
    assert_eq!(client.diagnostics(&naringsliv), Vec::<Value>::new());

    // A file changed on disk, outside the editor, is checked when the editor says so.
    let script = dir.path.join("manus/bygglov-status.md");
    let script_text = std::fs::read_to_string(&script).expect("the example has the script");
    std::fs::remove_file(&script).unwrap();
    let samhallsbyggnad = uri(&dir.path.join("samhallsbyggnad.rosa"));
    let changed = |kind: i32| json!({"changes": [{"uri": uri(&script), "type": kind}]});
    client.notify("workspace/didChangeWatchedFiles", changed(3));
    let diagnostics = client.diagnostics(&samhallsbyggnad);
    assert_eq!(codes(&diagnostics), ["R0005"], "{diagnostics:#?}");
    std::fs::write(&script, script_text).unwrap();
    client.notify("workspace/didChangeWatchedFiles", changed(1));
    assert_eq!(client.diagnostics(&samhallsbyggnad), Vec::<Value>::new());

    // Formatting gives `rosa fmt`'s layout; a file that does not parse gets no edits.
    let messy = saved.replace("\n        rosa 1\n", "\n  rosa   1\n");
    assert_ne!(messy, saved);
    change(&mut client, &kommunledning, 3, &messy);
    let options = json!({"tabSize": 4, "insertSpaces": true});
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": kommunledning}, "options": options}),
    );
    let edits = edits.as_array().expect("edits");
    assert_eq!(edits.len(), 1, "{edits:#?}");
    assert_eq!(edits[0]["newText"], saved);
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    change(&mut client, &kommunledning, 4, "förvaltning x {");
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": kommunledning}, "options": options}),
    );
    assert_eq!(edits, json!([]));
    let diagnostics = client.diagnostics_at(&kommunledning, 4);
    assert_eq!(codes(&diagnostics), ["R0001"]);

    // A duplicate id points at the first definition, as related information.
    let anchor = "    ärendetyp allmanna-handlingar";
    let duplicate = saved.replacen(
        anchor,
        &format!(
            "    ärendetyp kontaktuppgifter \"Dubblett\" {{\n        rosa 1\n    }}\n{anchor}"
        ),
        1,
    );
    change(&mut client, &kommunledning, 5, &duplicate);
    let diagnostics = client.diagnostics_at(&kommunledning, 5);
    assert_eq!(codes(&diagnostics), ["R0002"], "{diagnostics:#?}");
    let related = &diagnostics[0]["relatedInformation"][0];
    let first = saved
        .lines()
        .position(|l| l.starts_with("    ärendetyp kontaktuppgifter "))
        .unwrap();
    assert_eq!(related["location"]["uri"], kommunledning.as_str());
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": first, "character": 14})
    );
    change(&mut client, &kommunledning, 6, &saved);

    // Hover: a level under the policy, an ärendetyp's outcome per channel.
    let rosa_line = saved.lines().position(|l| l.trim() == "rosa 1").unwrap();
    let hover = client.request("textDocument/hover", at(&kommunledning, rosa_line, 13));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("Nivå 1 ligger bland direktnivåerna 1–2"),
        "{text}"
    );
    let type_line = saved
        .lines()
        .position(|l| l.contains("ärendetyp vaxel-koppla"))
        .unwrap();
    let hover = client.request("textDocument/hover", at(&kommunledning, type_line, 16));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**vaxel-koppla**"), "{text}");
    assert!(text.contains("| nivå 1 | direkt |"), "{text}");
    let hover = client.request("textDocument/hover", at(&kommunledning, 0, 4));
    assert_eq!(hover, Value::Null, "a comment has no hover");
    // `"e-post"` among the sökord is a word, not the keyword.
    let (quoted, line) = saved
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("sökord") && l.contains("\"e-post\""))
        .unwrap();
    let column = line[..line.find("\"e-post\"").unwrap() + 2]
        .encode_utf16()
        .count();
    let hover = client.request("textDocument/hover", at(&kommunledning, quoted, column));
    assert_eq!(hover, Value::Null, "quoted text has no hover");

    // Completion: every keyword of the grammar, and the policy's systems after `system`.
    let items = client.request("textDocument/completion", at(&kommunledning, 2, 0));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for keyword in grammar_keywords() {
        assert!(
            labels.contains(&keyword.as_str()),
            "no `{keyword}` in {labels:?}"
        );
    }
    let with_system = saved.replacen(
        "        system Kunskapsdatabas\n",
        "        system Kunskapsdatabas, \n",
        1,
    );
    change(&mut client, &kommunledning, 7, &with_system);
    let system_line = with_system
        .lines()
        .position(|l| l == "        system Kunskapsdatabas, ")
        .unwrap();
    let items = client.request(
        "textDocument/completion",
        at(&kommunledning, system_line, 32),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"ByggR") && labels.contains(&"Procapita"),
        "{labels:?}"
    );

    client.shutdown();
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("completion items: {items}"))
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

/// The labels completion offers just after the first `needle` in `text`, open as `uri`.
fn completions_after(client: &mut Client, uri: &str, text: &str, needle: &str) -> Vec<String> {
    let (line, character) = after(text, needle);
    labels(&client.request("textDocument/completion", at(uri, line, character)))
}

/// Line (0-based) and UTF-16 column just after the first `needle` in `text`.
fn after(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).unwrap_or_else(|| panic!("no `{needle}`")) + needle.len();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        text[..at].matches('\n').count(),
        text[line_start..at].encode_utf16().count(),
    )
}

/// Completion where a name is expected (ärendetyp, kanal and attribut in a test, the
/// förvaltning after `till`, `attr.` and a channel inside a condition), and go to
/// definition from an id to its block in another file and from `manus "…"` to the
/// script; no position of an unfinished text makes the server fail.
#[test]
fn completion_in_context_and_go_to_definition() {
    let dir = TempDir::new("lsp-definition");
    copy_dir(&example_dir(), &dir.path);
    let tester_path = dir.path.join("tester.rosa");
    let saved = std::fs::read_to_string(&tester_path).unwrap();
    let tester = uri(&tester_path);
    // Unsaved and unfinished, as while typing.
    let typing = format!(
        "{saved}\ntest \"Nytt\" {{\n    ärendetyp \n    kanal \n    attribut \n    förväntat vidarekoppla till \n}}\n\nförvaltning prov \"Prov\" {{\n    om `attr.` => vidarekoppla\n    om `kanal == ` => vidarekoppla\n}}\n"
    );
    let mut client = Client::start();
    client.initialize(&dir.path);
    open(&mut client, &tester, &typing);
    client.diagnostics_at(&tester, 1);

    let types = completions_after(&mut client, &tester, &typing, "\"Nytt\" {\n    ärendetyp ");
    assert!(
        types.contains(&"bygglov-status".to_string())
            && types.contains(&"vaxel-koppla".to_string()),
        "{types:?}"
    );
    let channels = completions_after(
        &mut client,
        &tester,
        &typing,
        "\"Nytt\" {\n    ärendetyp \n    kanal ",
    );
    assert!(channels.contains(&"telefon".to_string()), "{channels:?}");
    let attributes = completions_after(&mut client, &tester, &typing, "    attribut ");
    assert_eq!(attributes, ["akut", "belopp", "skyddad_identitet"]);
    let targets = completions_after(
        &mut client,
        &tester,
        &typing,
        "\"Nytt\" {\n    ärendetyp \n    kanal \n    attribut \n    förväntat vidarekoppla till ",
    );
    assert!(
        targets.contains(&"kommunledning".to_string())
            && targets.contains(&"samhallsbyggnad".to_string()),
        "{targets:?}"
    );
    // Inside a condition: the declared attributes after `attr.`, replacing what is typed.
    let (line, character) = after(&typing, "om `attr.");
    let items = client.request("textDocument/completion", at(&tester, line, character));
    assert_eq!(
        labels(&items),
        ["attr.akut", "attr.belopp", "attr.skyddad_identitet"]
    );
    assert_eq!(
        items[0]["textEdit"]["range"],
        json!({"start": {"line": line, "character": character - 5}, "end": {"line": line, "character": character}})
    );
    // `.` typed outside a condition offers nothing; neither does quoted text.
    let (line, character) = after(&typing, "test \"Nytt\" {");
    let mut trigger = at(&tester, line, character);
    trigger["context"] = json!({"triggerKind": 2, "triggerCharacter": "\""});
    assert_eq!(
        client.request("textDocument/completion", trigger),
        json!([])
    );
    let (line, character) = after(&typing, "test \"Ny");
    assert_eq!(
        client.request("textDocument/completion", at(&tester, line, character)),
        json!([])
    );
    let channels = completions_after(&mut client, &tester, &typing, "om `kanal == ");
    assert!(channels.contains(&"\"besök\"".to_string()), "{channels:?}");
    let names = completions_after(&mut client, &tester, &typing, "om `");
    assert!(
        names.contains(&"kanal".to_string()) && names.contains(&"attr.akut".to_string()),
        "{names:?}"
    );

    // Go to definition: the ärendetyp of a test, in another file.
    let kommunledning = uri(&dir.path.join("kommunledning.rosa"));
    let (line, _) = after(&typing, "    ärendetyp vaxel-koppla");
    let location = client.request("textDocument/definition", at(&tester, line, 18));
    assert_eq!(location["uri"], kommunledning.as_str(), "{location}");
    assert_eq!(
        location["range"],
        json!({"start": {"line": 6, "character": 14}, "end": {"line": 6, "character": 26}})
    );
    // `till kommunledning` to the förvaltning block.
    let (line, character) = after(&typing, "förväntat vidarekoppla till kommunledning");
    let location = client.request("textDocument/definition", at(&tester, line, character - 3));
    assert_eq!(location["uri"], kommunledning.as_str(), "{location}");
    assert_eq!(
        location["range"]["start"],
        json!({"line": 3, "character": 12})
    );
    // A förvaltning declared in the unsaved text itself.
    let (line, _) = after(&typing, "förvaltning prov");
    let location = client.request("textDocument/definition", at(&tester, line, 13));
    assert_eq!(location["uri"], tester.as_str(), "{location}");
    // `manus "…"` to the script file.
    let samhallsbyggnad_path = dir.path.join("samhallsbyggnad.rosa");
    let samhallsbyggnad = uri(&samhallsbyggnad_path);
    let text = std::fs::read_to_string(&samhallsbyggnad_path).unwrap();
    open(&mut client, &samhallsbyggnad, &text);
    let (line, character) = after(&text, "manus \"manus/bygglov-st");
    let location = client.request(
        "textDocument/definition",
        at(&samhallsbyggnad, line, character),
    );
    assert_eq!(
        location["uri"],
        uri(&dir.path.join("manus/bygglov-status.md")).as_str(),
        "{location}"
    );
    // A keyword, a comment and a name that is declared nowhere: nothing.
    for (line, character) in [(0, 5), (6, 2), (after(&typing, "kanal telefon").0, 10)] {
        let location = client.request("textDocument/definition", at(&tester, line, character));
        assert_eq!(location, Value::Null, "{line}:{character}");
    }

    // Every position of the unfinished text, and some beyond it: an answer, never an error.
    let first = saved.matches('\n').count();
    for line in first..typing.matches('\n').count() + 2 {
        for character in 0..40 {
            for method in [
                "textDocument/completion",
                "textDocument/definition",
                "textDocument/hover",
            ] {
                let response = client.request_full(method, at(&tester, line, character));
                assert!(
                    response.get("error").is_none(),
                    "{method} {line}:{character}: {response}"
                );
            }
        }
    }
    client.shutdown();
}

/// The first (Swedish) spelling of every `kw_` rule in `grammar/rosa.pest`.
fn grammar_keywords() -> Vec<String> {
    let grammar = std::fs::read_to_string(manifest_dir().join("grammar/rosa.pest")).unwrap();
    let keywords: Vec<String> = grammar
        .lines()
        .filter(|l| l.starts_with("kw_"))
        .filter_map(|l| l.split('"').nth(1).map(String::from))
        .collect();
    assert!(keywords.len() > 30, "{keywords:?}");
    keywords
}

/// A lone file is checked on its own, however much lies around it: the search for its
/// ruleset stops at the home directory, at a repository's root and at a directory with
/// no rule files, so the decoys (a policy with an error above, a large tree and a FIFO
/// around) are never read. A file in a ruleset's subdirectory still finds its policy.
#[test]
fn a_lone_file_is_checked_without_reading_the_tree_around_it() {
    let dir = TempDir::new("lsp-lone");
    let top = &dir.path;
    let write = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let lone = "förvaltning bygg \"Bygg\" {\n    vidarekoppla kö \"Bygg\"\n}\n";
    let broken = "förvaltning trasig {\n";
    // Above everything: a policy with an error, which a climb would take as the root.
    write(
        &top.join("lockbete.rosa"),
        "kundtjänst \"K\" {\n    kanaler telefn\n}\n",
    );
    // The home directory: a lone file, a large tree and a FIFO beside it.
    let home = top.join("hem");
    let home_file = home.join("ensam.rosa");
    write(&home_file, lone);
    for d in 0..40 {
        for f in 0..50 {
            write(&home.join(format!("projekt/{d}/fil{f}.txt")), "");
        }
        write(&home.join(format!("projekt/{d}/lockbete.rosa")), broken);
    }
    #[cfg(unix)]
    {
        let fifo = home.join("lockbete-fifo.rosa");
        let made = Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success();
        assert!(made, "mkfifo {}", fifo.display());
    }
    // A repository's root: a lone file, with a decoy below it.
    let repo = top.join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let repo_file = repo.join("ensam.rosa");
    write(&repo_file, lone);
    write(&repo.join("under/lockbete.rosa"), broken);
    // A ruleset in a repository, with a förvaltning in a subdirectory.
    let ruleset = top.join("regler");
    copy_dir(&example_dir(), &ruleset);
    std::fs::create_dir_all(ruleset.join(".git")).unwrap();
    let nested = ruleset.join("forvaltningar/kommunledning.rosa");
    std::fs::create_dir_all(nested.parent().unwrap()).unwrap();
    std::fs::rename(ruleset.join("kommunledning.rosa"), &nested).unwrap();

    let mut client = Client::start_at_home(&home);
    client.initialize(top);
    for file in [&home_file, &repo_file] {
        let file = uri(file);
        open(&mut client, &file, lone);
        let diagnostics = client.diagnostics_at(&file, 1);
        assert_eq!(codes(&diagnostics), ["R0013"], "{file}: {diagnostics:#?}");
    }
    let nested = uri(&nested);
    let text = std::fs::read_to_string(ruleset.join("forvaltningar/kommunledning.rosa")).unwrap();
    open(&mut client, &nested, &text);
    assert_eq!(client.diagnostics_at(&nested, 1), Vec::<Value>::new());
    let kultur = uri(&ruleset.join("kultur-fritid.rosa"));
    assert_eq!(codes(&client.diagnostics(&kultur)), ["R0102"]);
    // A request is answered after every check it follows: all published by now.
    client.request("textDocument/hover", at(&nested, 0, 0));
    let decoys: Vec<&Value> = client
        .pending
        .iter()
        .filter(|m| {
            m["params"]["uri"]
                .as_str()
                .is_some_and(|u| u.contains("lockbete"))
        })
        .collect();
    assert!(decoys.is_empty(), "a decoy was read: {decoys:#?}");
    client.shutdown();
}

/// What an editor or a broken client may send: nothing ends or hangs the server.
#[test]
fn bad_input_is_answered_not_fatal() {
    let mut client = Client::start();
    let early = client.request_full("textDocument/hover", at("file:///x.rosa", 0, 0));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.send_raw(b"{ not json");
    client.send_raw(br#"{"jsonrpc": "2.0", "id": 99}"#);
    client.initialize(Path::new("/"));
    let unknown = client.request_full("rosa/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad = client.request_full("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    // Not open, or not a file: nothing to say, no error.
    assert_eq!(
        client.request("textDocument/hover", at("file:///nowhere/x.rosa", 0, 0)),
        Value::Null
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nowhere/x.rosa", "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    // An untitled buffer is checked on its own: a förvaltning without the policy.
    let untitled = "untitled:Untitled-1";
    open(
        &mut client,
        untitled,
        "förvaltning bygg \"Bygg\" {\n    vidarekoppla kö \"Bygg\"\n}\n",
    );
    assert_eq!(codes(&client.diagnostics_at(untitled, 1)), ["R0013"]);
    // A position far outside the text is clamped.
    let hover = client.request("textDocument/hover", at(untitled, 99, 99));
    assert_eq!(hover, Value::Null);
    let hover = client.request("textDocument/hover", at(untitled, 0, 3));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("förvaltning")
    );
    client.shutdown();
}

/// Input that cannot be read as messages at all ends the server with 1, promptly.
#[test]
fn broken_framing_ends_the_server() {
    let mut client = Client::start();
    client.initialize(Path::new("/"));
    client
        .stdin
        .write_all(b"Content-Length: lots\r\n\r\n{}")
        .unwrap();
    client.stdin.flush().unwrap();
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = client.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "rosa lsp did not end");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
}
