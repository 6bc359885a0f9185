//! `rosa lsp`: a language server for `.rosa` files, over stdin and stdout.
//!
//! Diagnostics as `rosa check` gives them (the whole ruleset directory of the file, with
//! the editor's unsaved text in place of the files on disk), formatting as `rosa fmt`,
//! hover on keywords, levels and ärendetyper, completion of keywords and names (also
//! `attr.` and channel names inside conditions), and go to definition from a förvaltning
//! or ärendetyp id to its block and from `manus "…"` to the script.
//!
//! `lsp-server` gives the message types; the transport is our own, so that a message
//! that is not JSON-RPC, or is too large, is skipped with a note on stderr instead of
//! ending (or exhausting) the server. Everything runs on one thread: messages that
//! arrive together are handled together, and each ruleset touched is checked once,
//! after them or before the next request (hover and completion read the check).

mod text;
mod words;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use rosa::{Code, Diagnostic, Diagnostics, Engine, Ruleset, Severity, SourceFile, SourceMap};
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use text::LineIndex;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Tala över stdin och stdout (det enda sättet; flaggan finns för att VS Code skickar den)
    #[arg(long)]
    stdio: bool,
}

/// A message larger than this is skipped (a rule file may be 4 MiB; its JSON is larger).
const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;
/// An open buffer larger than this is not checked, as `rosa check` reads no larger file.
const MAX_BUFFER_BYTES: usize = 4 * 1024 * 1024;
/// How far above a file's directory the ruleset's root is looked for.
const MAX_ROOT_CLIMB: usize = 16;

pub(super) fn run(_args: Args) -> u8 {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprintln!(
            "rosa lsp: väntar på en editor som talar LSP över stdin och stdout; \
             avsluta med Ctrl+C (se editors/vscode/README.md)"
        );
    }
    let (server, client) = Connection::memory();
    let to_server = client.sender;
    // Not joined: it may be blocked reading stdin when the server exits.
    std::thread::spawn(move || read_messages(|m| to_server.send(m).is_ok()));
    let from_server = client.receiver;
    let writer = std::thread::spawn(move || write_messages(from_server.into_iter()));
    let code = Server::default().serve(&server);
    drop(server);
    // Every reply sent is written before the process ends.
    let _ = writer.join();
    code
}

/// Read Content-Length framed JSON-RPC from stdin until it ends, or its framing breaks.
fn read_messages(mut deliver: impl FnMut(Message) -> bool) {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    loop {
        match read_frame(&mut input) {
            Ok(None) => return,
            Ok(Some(body)) => match serde_json::from_slice::<Message>(&body) {
                Ok(message) => {
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if !deliver(message) || exit {
                        return;
                    }
                }
                Err(e) => {
                    eprintln!("rosa lsp: hoppar över ett meddelande som inte är JSON-RPC: {e}")
                }
            },
            Err(Frame::Skipped(why)) => eprintln!("rosa lsp: hoppar över ett meddelande: {why}"),
            Err(Frame::Broken(why)) => {
                eprintln!("rosa lsp: kan inte läsa fler meddelanden: {why}");
                return;
            }
        }
    }
}

enum Frame {
    /// This message is skipped; the next one can be read.
    Skipped(String),
    /// The stream cannot be read further.
    Broken(String),
}

fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Frame> {
    const MAX_HEADER_LINE: u64 = 1024;
    let mut length = None;
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        let read = input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .map_err(|e| Frame::Broken(e.to_string()))?;
        if read == 0 {
            return if first {
                Ok(None)
            } else {
                Err(Frame::Broken("indata tog slut mitt i ett huvud".into()))
            };
        }
        first = false;
        if !line.ends_with(b"\n") {
            return Err(Frame::Broken("för lång huvudrad".into()));
        }
        let header = String::from_utf8_lossy(&line);
        let header = header.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(Frame::Broken(format!("felaktig huvudrad `{header}`")));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let n = value.trim().parse::<u64>().map_err(|_| {
                Frame::Broken(format!("Content-Length `{}` är inget tal", value.trim()))
            })?;
            length = Some(n);
        }
    }
    let length = length.ok_or_else(|| Frame::Broken("Content-Length saknas".into()))?;
    if length > MAX_MESSAGE_BYTES as u64 {
        std::io::copy(&mut input.by_ref().take(length), &mut std::io::sink())
            .map_err(|e| Frame::Broken(e.to_string()))?;
        return Err(Frame::Skipped(format!(
            "det är {length} byte, större än gränsen {} MiB",
            MAX_MESSAGE_BYTES / (1024 * 1024)
        )));
    }
    let mut body = vec![0; length as usize];
    input
        .read_exact(&mut body)
        .map_err(|e| Frame::Broken(e.to_string()))?;
    Ok(Some(body))
}

/// Write each message to stdout; once stdout is closed, the rest are dropped.
fn write_messages(messages: impl Iterator<Item = Message>) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut open = true;
    for message in messages {
        if open && message.write(&mut out).and_then(|()| out.flush()).is_err() {
            open = false;
        }
    }
}

/// An open document.
struct Doc {
    uri: lsp::Uri,
    /// The editor's version of the text, sent back with its diagnostics.
    version: i32,
    text: String,
    place: Place,
}

/// Where a document's ruleset is.
#[derive(Clone, PartialEq, Eq)]
enum Place {
    /// A `.rosa` file in a directory: checked with the ruleset at `root`, as `relative`.
    Ruleset { root: PathBuf, relative: PathBuf },
    /// Not in a ruleset (an untitled buffer, or a file with no policy at or above it
    /// within the climb): checked on its own.
    Alone,
}

/// What the server knows about one ruleset directory.
#[derive(Default)]
struct RootState {
    /// The URIs that have diagnostics in the editor, to clear when they are fixed.
    published: BTreeSet<String>,
    /// The last version that loaded without errors (for hover; its engine is compiled
    /// when a hover first needs it), and whether it is the current text.
    loaded: Option<(Ruleset, OnceCell<Engine>)>,
    fresh: bool,
    /// The files as last checked, unsaved text included (for completion).
    sources: SourceMap,
}

#[derive(Default)]
struct Server {
    docs: HashMap<String, Doc>,
    roots: HashMap<PathBuf, RootState>,
    /// Rulesets (or lone documents, by URI) to check once the current messages are handled.
    dirty_roots: BTreeSet<PathBuf>,
    dirty_alone: BTreeSet<String>,
    initialized: bool,
    shutdown: bool,
    /// Whether the client lets the server ask it to watch files.
    can_watch: bool,
}

enum Flow {
    Continue,
    Exit(u8),
}

impl Server {
    fn serve(&mut self, conn: &Connection) -> u8 {
        loop {
            let Ok(first) = conn.receiver.recv() else {
                // stdin ended without `exit`.
                return if self.shutdown { 0 } else { 1 };
            };
            let mut batch = vec![first];
            batch.extend(conn.receiver.try_iter());
            for message in batch {
                if let Flow::Exit(code) = self.handle(conn, message) {
                    return code;
                }
            }
            self.check_dirty(conn);
        }
    }

    fn handle(&mut self, conn: &Connection, message: Message) -> Flow {
        match message {
            Message::Request(req) => {
                // Hover and completion read the last check: bring it up to date first.
                self.check_dirty(conn);
                let response = self.request(req);
                send(conn, response);
                Flow::Continue
            }
            Message::Notification(n) if n.method == "exit" => {
                Flow::Exit(if self.shutdown { 0 } else { 1 })
            }
            Message::Notification(n) if self.initialized => {
                self.notification(conn, n);
                Flow::Continue
            }
            Message::Notification(_) | Message::Response(_) => Flow::Continue,
        }
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        if !self.initialized {
            if req.method == "initialize" {
                self.initialized = true;
                let dynamic = "/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration";
                self.can_watch =
                    req.params.pointer(dynamic) == Some(&serde_json::Value::Bool(true));
                return Response::new_ok(id, initialize_result());
            }
            return error(
                id,
                ErrorCode::ServerNotInitialized,
                "servern väntar på `initialize`",
            );
        }
        if self.shutdown {
            return error(id, ErrorCode::InvalidRequest, "servern har fått `shutdown`");
        }
        match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Response::new_ok(id, ())
            }
            "initialize" => error(id, ErrorCode::InvalidRequest, "redan initierad"),
            "textDocument/formatting" => match params::<lsp::DocumentFormattingParams>(req) {
                Ok(p) => Response::new_ok(id, self.format(&p.text_document.uri)),
                Err(e) => e,
            },
            "textDocument/hover" => match params::<lsp::HoverParams>(req) {
                Ok(p) => Response::new_ok(id, self.hover(&p.text_document_position_params)),
                Err(e) => e,
            },
            "textDocument/completion" => match params::<lsp::CompletionParams>(req) {
                Ok(p) => {
                    // `.` and `"` ask for completion only inside a condition.
                    let triggered = p
                        .context
                        .as_ref()
                        .is_some_and(|c| c.trigger_character.is_some());
                    Response::new_ok(id, self.complete(&p.text_document_position, triggered))
                }
                Err(e) => e,
            },
            "textDocument/definition" => match params::<lsp::GotoDefinitionParams>(req) {
                Ok(p) => Response::new_ok(id, self.definition(&p.text_document_position_params)),
                Err(e) => e,
            },
            _ => error(
                id,
                ErrorCode::MethodNotFound,
                &format!("rosa lsp kan inte `{}`", req.method),
            ),
        }
    }

    fn notification(&mut self, conn: &Connection, n: Notification) {
        match n.method.as_str() {
            "initialized" if self.can_watch => send(conn, watch_request()),
            "textDocument/didOpen" => {
                if let Ok(p) = n.extract::<lsp::DidOpenTextDocumentParams>("textDocument/didOpen") {
                    let doc = p.text_document;
                    let place = place_of(&doc.uri);
                    let key = doc.uri.as_str().to_string();
                    self.docs.insert(
                        key.clone(),
                        Doc {
                            uri: doc.uri,
                            version: doc.version,
                            text: doc.text,
                            place,
                        },
                    );
                    self.mark(&key);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) =
                    n.extract::<lsp::DidChangeTextDocumentParams>("textDocument/didChange")
                {
                    let key = p.text_document.uri.as_str().to_string();
                    if let Some(doc) = self.docs.get_mut(&key) {
                        doc.version = p.text_document.version;
                        for change in p.content_changes {
                            apply_change(&mut doc.text, change);
                        }
                        self.mark(&key);
                    }
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = n.extract::<lsp::DidSaveTextDocumentParams>("textDocument/didSave") {
                    let key = p.text_document.uri.as_str().to_string();
                    if let (Some(text), Some(doc)) = (p.text, self.docs.get_mut(&key)) {
                        doc.text = text;
                    }
                    self.mark(&key);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                // Rule files or scripts changed on disk (a `git pull`, `rosa fmt` in a
                // terminal): check again every ruleset they are in.
                if let Ok(p) =
                    n.extract::<lsp::DidChangeWatchedFilesParams>("workspace/didChangeWatchedFiles")
                {
                    for change in p.changes {
                        let Some(path) = text::file_path(change.uri.as_str()) else {
                            continue;
                        };
                        for root in self.roots.keys() {
                            if path.starts_with(root) {
                                self.dirty_roots.insert(root.clone());
                            }
                        }
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = n.extract::<lsp::DidCloseTextDocumentParams>("textDocument/didClose")
                {
                    let key = p.text_document.uri.as_str().to_string();
                    // Checked again without it: the file on disk counts now.
                    self.mark(&key);
                    self.docs.remove(&key);
                }
            }
            _ => {}
        }
    }

    /// Check this document's ruleset once the current messages are handled.
    fn mark(&mut self, key: &str) {
        match self.docs.get(key).map(|d| &d.place) {
            Some(Place::Ruleset { root, .. }) => {
                self.dirty_roots.insert(root.clone());
            }
            Some(Place::Alone) => {
                self.dirty_alone.insert(key.to_string());
            }
            None => {}
        }
    }

    fn check_dirty(&mut self, conn: &Connection) {
        for key in std::mem::take(&mut self.dirty_alone) {
            let (diagnostics, version) = match self.docs.get(&key) {
                Some(doc) => (check_alone(doc), Some(doc.version)),
                None => (Vec::new(), None),
            };
            if let Ok(uri) = key.parse::<lsp::Uri>() {
                publish(conn, uri, version, diagnostics);
            }
        }
        for root in std::mem::take(&mut self.dirty_roots) {
            self.check_root(conn, &root);
        }
    }

    /// Check the ruleset at `root` with the open documents in it, and publish every
    /// file's diagnostics (and clear those of files that have none now).
    fn check_root(&mut self, conn: &Connection, root: &Path) {
        let open: Vec<(&PathBuf, &Doc)> = self
            .docs
            .values()
            .filter_map(|d| match &d.place {
                Place::Ruleset { root: r, relative } if r == root => Some((relative, d)),
                _ => None,
            })
            .collect();
        let mut state = self.roots.remove(root).unwrap_or_default();
        if open.is_empty() {
            // Nothing of it is open any more: its diagnostics go with it.
            for uri in &state.published {
                if let Ok(uri) = uri.parse() {
                    publish(conn, uri, None, Vec::new());
                }
            }
            return;
        }
        let (mut sources, mut problems) = SourceMap::read_dir(root);
        problems.retain(|p| {
            p.code != Code::NoRuleFiles && !open.iter().any(|(rel, _)| p.path.as_ref() == Some(rel))
        });
        for (relative, doc) in &open {
            if doc.text.len() > MAX_BUFFER_BYTES {
                sources.overlay(relative.as_path(), "");
                problems.push(too_large(relative));
            } else {
                sources.overlay(relative.as_path(), doc.text.as_str());
            }
        }
        let checked_sources = sources.clone();
        let diagnostics = match Ruleset::from_sources(root, sources, problems) {
            Ok(ruleset) => {
                let warnings = ruleset.warnings().clone();
                state.loaded = Some((ruleset, OnceCell::new()));
                state.fresh = true;
                warnings
            }
            Err(diagnostics) => {
                state.fresh = false;
                diagnostics
            }
        };
        state.sources = checked_sources;
        // Each file's diagnostics go to its URI: the editor's for an open file.
        let uri_of = |relative: &Path| -> Option<lsp::Uri> {
            match open.iter().find(|(rel, _)| rel.as_path() == relative) {
                Some((_, doc)) => Some(doc.uri.clone()),
                None => text::file_uri(&root.join(relative)),
            }
        };
        let mut by_uri: BTreeMap<String, (lsp::Uri, Vec<lsp::Diagnostic>)> = BTreeMap::new();
        let mut indexes = HashMap::new();
        for d in &diagnostics.items {
            let targets: Vec<lsp::Uri> = match (d.span, &d.path) {
                (Some(span), _) => uri_of(&diagnostics.sources.get(span.file).path)
                    .into_iter()
                    .collect(),
                // A rule file that cannot be read: at its start. Anything else (the
                // directory) is shown in every open file of the ruleset.
                (None, Some(path)) if path.extension().is_some_and(|e| e == "rosa") => {
                    uri_of(path).into_iter().collect()
                }
                (None, _) => open.iter().map(|(_, doc)| doc.uri.clone()).collect(),
            };
            let converted = to_lsp(d, &diagnostics, &mut indexes, &uri_of);
            for uri in targets {
                by_uri
                    .entry(uri.as_str().to_string())
                    .or_insert_with(|| (uri.clone(), Vec::new()))
                    .1
                    .push(converted.clone());
            }
        }
        let version = |key: &str| {
            open.iter()
                .find(|(_, d)| d.uri.as_str() == key)
                .map(|(_, d)| d.version)
        };
        let mut published = BTreeSet::new();
        for (key, (uri, items)) in by_uri {
            publish(conn, uri, version(&key), items);
            published.insert(key);
        }
        // Fixed since the last check, and open files without problems: clear them.
        let open_keys: Vec<String> = open
            .iter()
            .map(|(_, d)| d.uri.as_str().to_string())
            .collect();
        for key in state.published.iter().chain(&open_keys) {
            if !published.contains(key)
                && let Ok(uri) = key.parse()
            {
                publish(conn, uri, version(key), Vec::new());
            }
        }
        state.published = published;
        self.roots.insert(root.to_path_buf(), state);
    }

    fn format(&self, uri: &lsp::Uri) -> Vec<lsp::TextEdit> {
        let Some(doc) = self.docs.get(uri.as_str()) else {
            return Vec::new();
        };
        if doc.text.len() > MAX_BUFFER_BYTES {
            return Vec::new();
        }
        // A file that does not parse is left as it is; its diagnostics say why.
        match rosa::format_source(0, &doc.text) {
            Ok(formatted) if formatted != doc.text => vec![lsp::TextEdit {
                range: LineIndex::new(&doc.text).whole(),
                new_text: formatted,
            }],
            _ => Vec::new(),
        }
    }

    fn root_state(&self, doc: &Doc) -> Option<&RootState> {
        match &doc.place {
            Place::Ruleset { root, .. } => self.roots.get(root),
            Place::Alone => None,
        }
    }

    fn hover(&self, at: &lsp::TextDocumentPositionParams) -> Option<lsp::Hover> {
        let doc = self.docs.get(at.text_document.uri.as_str())?;
        let index = LineIndex::new(&doc.text);
        let offset = index.offset(at.position);
        let (word, start, end) = text::word_at(&doc.text, offset)?;
        let line_start = doc.text[..start].rfind('\n').map_or(0, |i| i + 1);
        if text::in_text_or_comment(&doc.text[line_start..start]) {
            return None;
        }
        let state = self.root_state(doc);
        let loaded = state.and_then(|s| s.loaded.as_ref());
        let stale = state.is_some_and(|s| !s.fresh);
        let before = doc.text[..start].trim_end();
        let previous = text::word_at(before, before.len()).map(|w| w.0);
        let value = if let (Some(("rosa", _)), Ok(n)) =
            (previous.and_then(words::keyword), word.parse::<u64>())
        {
            // `rosa 3`: the level under the policy.
            words::Levels::of(loaded.map(|l| &l.0)).meaning(n)
        } else if let Some(text) = loaded.and_then(|(r, engine)| {
            let engine = engine.get_or_init(|| Engine::new(r));
            words::arendetyp(r, engine, word)
        }) {
            if stale {
                format!(
                    "{text}\n\n*Från den senaste versionen utan fel; regeluppsättningen har fel nu.*"
                )
            } else {
                text
            }
        } else if let Some((keyword, meaning)) = words::keyword(word) {
            let mut text = format!("**{keyword}** – {meaning}");
            // `rosa 3` with the cursor on `rosa`.
            let after = doc.text[end..].split('\n').next().unwrap_or("");
            let level = after.split_whitespace().next().and_then(|w| w.parse().ok());
            if let (true, Some(n)) = (keyword == "rosa", level) {
                text.push_str("\n\n");
                text.push_str(&words::Levels::of(loaded.map(|l| &l.0)).meaning(n));
            }
            text
        } else if let Some((ruleset, _)) = loaded {
            if let Some(f) = ruleset.forvaltningar().iter().find(|f| f.id == word) {
                format!("**{}** – förvaltning: {}", f.id, f.name)
            } else if let Some(s) = ruleset.systems().iter().find(|s| s.name == word) {
                let access = if s.access {
                    "kundtjänst har åtkomst"
                } else {
                    "kundtjänst saknar åtkomst (övriga system)"
                };
                format!("**{}** – system: {access}", s.name)
            } else {
                return None;
            }
        } else {
            return None;
        };
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value,
            }),
            range: Some(index.range(start, end)),
        })
    }

    fn complete(
        &self,
        at: &lsp::TextDocumentPositionParams,
        triggered: bool,
    ) -> Vec<lsp::CompletionItem> {
        let Some(doc) = self.docs.get(at.text_document.uri.as_str()) else {
            return if triggered {
                Vec::new()
            } else {
                words::keyword_items().collect()
            };
        };
        let offset = LineIndex::new(&doc.text).offset(at.position);
        let line = &doc.text[doc.text[..offset].rfind('\n').map_or(0, |i| i + 1)..offset];
        // The words before the one being typed.
        let typed = line.rsplit(char::is_whitespace).next().unwrap_or("");
        let before: Vec<String> = line[..line.len() - typed.len()]
            .split([' ', '\t', ','])
            .filter(|w| !w.is_empty())
            .map(|w| words::keyword(w).map_or_else(|| w.to_string(), |k| k.0.to_string()))
            .collect();
        let first = before.first().map(String::as_str);
        let last = before.last().map(String::as_str);
        let in_test = enclosing_block(&doc.text[..offset]) == Some("test");
        let names = || self.names(doc);
        if let Some(condition) = condition_before(&doc.text[..offset]) {
            return complete_condition(condition, offset, &doc.text, &names().attributes);
        }
        // Nothing to offer inside quoted text or a comment, or after a `.` or `"` typed
        // outside a condition.
        if triggered || text::in_text_or_comment(line) {
            return Vec::new();
        }
        let items = |list: Vec<String>, kind, detail: &str| -> Vec<lsp::CompletionItem> {
            list.into_iter()
                .map(|label| lsp::CompletionItem {
                    label,
                    kind: Some(kind),
                    detail: Some(detail.to_string()),
                    ..lsp::CompletionItem::default()
                })
                .collect()
        };
        match (first, last) {
            (_, Some("till")) => items(
                names().forvaltningar,
                lsp::CompletionItemKind::MODULE,
                "förvaltning",
            ),
            (Some("system" | "övriga"), Some(_)) => {
                items(names().systems, lsp::CompletionItemKind::CONSTANT, "system")
            }
            (Some("kanaler" | "ej" | "kanal"), Some(_)) => items(
                rosa::Channel::all().map(|c| c.name().to_string()).collect(),
                lsp::CompletionItemKind::ENUM_MEMBER,
                "kanal",
            ),
            (Some("attribut"), _) if in_test => items(
                names().attributes,
                lsp::CompletionItemKind::FIELD,
                "attribut",
            ),
            (_, Some("ärendetyp")) if in_test => items(
                names().arendetyper,
                lsp::CompletionItemKind::CLASS,
                "ärendetyp",
            ),
            (_, Some("förväntat" | "överenskommet" | "=>")) => items(
                rosa::lang::OUTCOMES.map(String::from).to_vec(),
                lsp::CompletionItemKind::ENUM_MEMBER,
                "utfall",
            ),
            _ => words::keyword_items().collect(),
        }
    }
}

impl Server {
    /// The names declared in a document's ruleset (the last checked text, unsaved
    /// buffers included), or in the document alone.
    fn names(&self, doc: &Doc) -> words::Names {
        match self.root_state(doc) {
            Some(state) => words::Names::scan(state.sources.files().map(|(_, f)| f.text.as_str())),
            None => words::Names::scan(std::iter::once(doc.text.as_str())),
        }
    }

    /// Go to definition: a förvaltning or ärendetyp id to its block (in whichever file of
    /// the ruleset declares it), a `manus "…"` path to the script file.
    fn definition(&self, at: &lsp::TextDocumentPositionParams) -> Option<lsp::Location> {
        let doc = self.docs.get(at.text_document.uri.as_str())?;
        if doc.text.len() > MAX_BUFFER_BYTES {
            return None;
        }
        let offset = LineIndex::new(&doc.text).offset(at.position);
        let line_start = doc.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = doc.text[offset..]
            .find('\n')
            .map_or(doc.text.len(), |i| offset + i);
        if let Some(path) = script_at(&doc.text[line_start..line_end], offset - line_start) {
            let Place::Ruleset { root, .. } = &doc.place else {
                return None;
            };
            let file = root.join(path);
            // Only a script inside the ruleset, as `rosa check` reads it.
            let inside = std::fs::canonicalize(&file)
                .ok()
                .zip(std::fs::canonicalize(root).ok())
                .is_some_and(|(f, r)| f.starts_with(r) && f.is_file());
            return inside
                .then(|| text::file_uri(&file))
                .flatten()
                .map(|uri| lsp::Location::new(uri, lsp::Range::default()));
        }
        let (word, start, _) = text::word_at(&doc.text, offset)?;
        if text::in_text_or_comment(&doc.text[line_start..start]) {
            return None;
        }
        // The ruleset's files as last checked (this document's current text in its
        // place), or this document alone.
        let (files, this): (Vec<(Option<PathBuf>, &str)>, usize) =
            match (&doc.place, self.root_state(doc)) {
                (Place::Ruleset { root, relative }, Some(state)) => {
                    let mut files: Vec<(Option<PathBuf>, &str)> = state
                        .sources
                        .files()
                        .filter(|(_, f)| f.path != *relative)
                        .map(|(_, f)| (Some(root.join(&f.path)), f.text.as_str()))
                        .collect();
                    files.push((None, doc.text.as_str()));
                    let this = files.len() - 1;
                    (files, this)
                }
                _ => (vec![(None, doc.text.as_str())], 0),
            };
        let names = words::Names::scan(files.iter().map(|(_, t)| *t));
        let declared = names.declared.iter().find(|d| d.id == word)?;
        let uri = if declared.file == this {
            doc.uri.clone()
        } else {
            let path = files.get(declared.file)?.0.as_ref()?;
            // An open document's own URI, else the file's.
            match self.docs.values().find(|d| {
                matches!(&d.place, Place::Ruleset { root, relative } if root.join(relative) == *path)
            }) {
                Some(open) => open.uri.clone(),
                None => text::file_uri(path)?,
            }
        };
        let text = files.get(declared.file)?.1;
        let range = LineIndex::new(text).range(declared.start, declared.end);
        Some(lsp::Location::new(uri, range))
    }
}

/// The path of a `manus "…"` line when `at` (a byte offset in `line`) is on its path.
fn script_at(line: &str, at: usize) -> Option<&str> {
    let code = line.trim_start();
    let indent = line.len() - code.len();
    let keyword = rosa::lang::MANUS.name;
    let rest = code.strip_prefix(keyword)?;
    let open = indent + keyword.len() + rest.find('"')?;
    if !line[indent + keyword.len()..open].trim().is_empty() {
        return None;
    }
    let close = open + 1 + line[open + 1..].find('"')?;
    (open..=close + 1)
        .contains(&at)
        .then(|| &line[open + 1..close])
        .filter(|p| !p.is_empty())
}

/// When `text` (a document up to the cursor) ends inside a condition (between
/// backticks), the condition up to the cursor.
fn condition_before(text: &str) -> Option<&str> {
    let mut open = None;
    let mut quoted = false;
    let mut comment = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\n' => {
                comment = false;
                // Text in quotes ends with its line; a condition may span lines.
                if open.is_none() {
                    quoted = false;
                }
            }
            _ if comment => {}
            '`' if !quoted || open.is_some() => {
                open = match open {
                    Some(_) => None,
                    None => Some(i + 1),
                };
                quoted = false;
            }
            '"' if open.is_none() => quoted = !quoted,
            '/' if open.is_none() && !quoted && chars.peek().is_some_and(|&(_, n)| n == '/') => {
                comment = true;
            }
            _ => {}
        }
    }
    open.map(|start| &text[start..])
}

/// Completion inside a condition: `attr.` and the policy's attributes, a channel name
/// after `kanal ==`, `kanal !=` or `kanal in [`, else the names a condition can use.
fn complete_condition(
    condition: &str,
    offset: usize,
    text: &str,
    attributes: &[String],
) -> Vec<lsp::CompletionItem> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '.' || c == '-';
    let typed_start = condition
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_name(c) || c == '"')
        .last()
        .map_or(condition.len(), |(i, _)| i);
    let typed = &condition[typed_start..];
    let before = condition[..typed_start].trim_end();
    // What is replaced: the word being typed, quotes included.
    let index = LineIndex::new(text);
    let range = index.range(offset - typed.len(), offset);
    let item = |label: String, kind, detail: &str| lsp::CompletionItem {
        label: label.clone(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        filter_text: Some(label.clone()),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range,
            new_text: label,
        })),
        ..lsp::CompletionItem::default()
    };
    let after_channel = ["==", "!=", "in ["].iter().any(|op| {
        before
            .strip_suffix(op)
            .is_some_and(|b| b.trim_end().ends_with("kanal"))
    }) || (before.ends_with(',') && {
        // Inside `kanal in ["besök", …`.
        let list = before.rfind('[').map(|i| before[..i].trim_end());
        list.is_some_and(|b| {
            b.strip_suffix("in")
                .is_some_and(|b| b.trim_end().ends_with("kanal"))
        })
    });
    if after_channel {
        return rosa::Channel::all()
            .map(|c| {
                item(
                    format!("\"{}\"", c.name()),
                    lsp::CompletionItemKind::ENUM_MEMBER,
                    "kanal",
                )
            })
            .collect();
    }
    let mut items: Vec<lsp::CompletionItem> = attributes
        .iter()
        .map(|a| {
            item(
                format!("attr.{a}"),
                lsp::CompletionItemKind::FIELD,
                "attribut",
            )
        })
        .collect();
    if !typed.starts_with("attr.") {
        for name in rosa::lang::CONDITION_NAMES {
            items.push(item(
                name.name.to_string(),
                lsp::CompletionItemKind::VARIABLE,
                name.meaning,
            ));
        }
    }
    items
}

/// The first word of the top-level block that `text` ends inside (`test`, …).
fn enclosing_block(text: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut top = None;
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        if depth == 0
            && let Some(first) = code.split_whitespace().next()
        {
            top = Some(first);
        }
        let mut quoted = false;
        for c in code.chars() {
            match c {
                '"' => quoted = !quoted,
                '{' if !quoted => depth += 1,
                '}' if !quoted => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    (depth > 0).then_some(top).flatten()
}

/// Ask the client to tell when rule files or scripts change on disk, outside the editor.
fn watch_request() -> Request {
    let watchers = ["**/*.rosa", "**/*.md"].map(|glob| lsp::FileSystemWatcher {
        glob_pattern: lsp::GlobPattern::String(glob.to_string()),
        kind: None,
    });
    let options = lsp::DidChangeWatchedFilesRegistrationOptions {
        watchers: watchers.to_vec(),
    };
    let params = lsp::RegistrationParams {
        registrations: vec![lsp::Registration {
            id: "rosa-watch".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        }],
    };
    Request::new(
        RequestId::from("rosa-watch".to_string()),
        "client/registerCapability".to_string(),
        params,
    )
}

fn initialize_result() -> lsp::InitializeResult {
    lsp::InitializeResult {
        capabilities: lsp::ServerCapabilities {
            position_encoding: Some(lsp::PositionEncodingKind::UTF16),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::FULL),
                    save: Some(lsp::TextDocumentSyncSaveOptions::SaveOptions(
                        lsp::SaveOptions {
                            include_text: Some(false),
                        },
                    )),
                    ..lsp::TextDocumentSyncOptions::default()
                },
            )),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            completion_provider: Some(lsp::CompletionOptions {
                // `attr.` inside a condition, `"` before a channel name.
                trigger_characters: Some(vec![".".to_string(), "\"".to_string()]),
                ..lsp::CompletionOptions::default()
            }),
            definition_provider: Some(lsp::OneOf::Left(true)),
            ..lsp::ServerCapabilities::default()
        },
        server_info: Some(lsp::ServerInfo {
            name: "rosa".to_string(),
            version: Some(super::VERSION.to_string()),
        }),
    }
}

/// Where the ruleset of a document is: for a `.rosa` file, the nearest directory at
/// or above it that holds the policy, climbing only through directories that hold
/// `.rosa` files and never past a repository's root, into the home directory or to
/// the filesystem's root. A file with no policy found that way is checked on its own,
/// so that a lone file never makes the server read the tree around it.
fn place_of(uri: &lsp::Uri) -> Place {
    let Some(path) = text::file_path(uri.as_str()) else {
        return Place::Alone;
    };
    let Some(dir) = path.parent().filter(|d| d.is_dir()) else {
        return Place::Alone;
    };
    if path.extension().is_none_or(|e| e != "rosa") {
        return Place::Alone;
    }
    let Some(root) = policy_root(dir, home_dir().as_deref()) else {
        return Place::Alone;
    };
    match path.strip_prefix(root) {
        Ok(relative) => Place::Ruleset {
            root: root.to_path_buf(),
            relative: relative.to_path_buf(),
        },
        Err(_) => Place::Alone,
    }
}

/// The directory at or above `dir` that holds the policy, if the climb finds one
/// before a boundary (see [`place_of`]).
fn policy_root<'p>(dir: &'p Path, home: Option<&Path>) -> Option<&'p Path> {
    let mut root = dir;
    for _ in 0..MAX_ROOT_CLIMB {
        if is_outer_boundary(root, home) {
            return None;
        }
        if has_policy(root) {
            return Some(root);
        }
        if is_repository_root(root) {
            return None;
        }
        match root.parent() {
            Some(parent) if has_rule_files(parent) => root = parent,
            _ => return None,
        }
    }
    None
}

/// The home directory, from `$HOME` (`%USERPROFILE%` on Windows).
fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// The filesystem's root and the home directory are never a ruleset: reading either
/// would walk everything under it.
fn is_outer_boundary(dir: &Path, home: Option<&Path>) -> bool {
    dir.parent().is_none()
        || home.is_some_and(|home| {
            dir == home
                || matches!(
                    (dir.canonicalize(), home.canonicalize()),
                    (Ok(a), Ok(b)) if a == b
                )
        })
}

/// A version-controlled tree's root: a ruleset does not reach above it.
fn is_repository_root(dir: &Path) -> bool {
    [".git", ".hg"]
        .iter()
        .any(|marker| std::fs::symlink_metadata(dir.join(marker)).is_ok())
}

fn rule_files(dir: &Path) -> impl Iterator<Item = PathBuf> {
    // Bounded, so that a huge directory costs little.
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .take(10_000)
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rosa"))
}

fn has_rule_files(dir: &Path) -> bool {
    rule_files(dir).next().is_some()
}

/// Whether a `.rosa` file directly in `dir` starts a `kundtjänst` block (read from the
/// first 64 KiB of each file, regular files only).
fn has_policy(dir: &Path) -> bool {
    rule_files(dir).any(|path| {
        // A FIFO is never opened (opening it would block).
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            return false;
        }
        let Ok(file) = std::fs::File::open(&path) else {
            return false;
        };
        let mut head = Vec::new();
        if file.take(64 * 1024).read_to_end(&mut head).is_err() {
            return false;
        }
        String::from_utf8_lossy(&head).lines().any(|line| {
            let line = line.trim_start_matches('\u{feff}');
            line.starts_with("kundtjänst ") || line.starts_with("kundtjanst ")
        })
    })
}

/// Check a document that is not in a ruleset directory on its own, as
/// `rosa check FILE` would: scripts are looked for beside a file on disk, and cannot
/// be found for an untitled buffer.
fn check_alone(doc: &Doc) -> Vec<lsp::Diagnostic> {
    let name = doc
        .uri
        .as_str()
        .rsplit(['/', ':'])
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or("namnlös.rosa");
    let mut sources = SourceMap::default();
    let mut problems = Vec::new();
    if doc.text.len() > MAX_BUFFER_BYTES {
        sources.add(SourceFile::new(name, ""));
        problems.push(too_large(Path::new(name)));
    } else {
        sources.add(SourceFile::new(name, doc.text.as_str()));
    }
    let dir = text::file_path(doc.uri.as_str())
        .and_then(|path| path.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let diagnostics = match Ruleset::from_sources(&dir, sources, problems) {
        Ok(ruleset) => ruleset.warnings().clone(),
        Err(diagnostics) => diagnostics,
    };
    let uri = doc.uri.clone();
    let mut indexes = HashMap::new();
    diagnostics
        .items
        .iter()
        .map(|d| to_lsp(d, &diagnostics, &mut indexes, &|_| Some(uri.clone())))
        .collect()
}

fn too_large(relative: &Path) -> Diagnostic {
    Diagnostic::for_path(
        Code::Unreadable,
        relative,
        format!(
            "filen är större än gränsen {} MiB och kontrolleras inte",
            MAX_BUFFER_BYTES / (1024 * 1024)
        ),
    )
    .help("dela upp regelfilen i flera mindre filer")
}

/// One diagnostic as LSP shows it: the code, the message with the help under it, the
/// range in UTF-16 columns, and the related places.
fn to_lsp<'a>(
    d: &Diagnostic,
    all: &'a Diagnostics,
    indexes: &mut HashMap<rosa::FileId, LineIndex<'a>>,
    uri_of: &dyn Fn(&Path) -> Option<lsp::Uri>,
) -> lsp::Diagnostic {
    let mut range_of = |span: rosa::Span| {
        let index = indexes
            .entry(span.file)
            .or_insert_with(|| LineIndex::new(&all.sources.get(span.file).text));
        index.range(span.start, span.end)
    };
    let range = d.span.map_or_else(lsp::Range::default, &mut range_of);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhjälp: ");
        message.push_str(help);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|(span, text)| {
            let uri = uri_of(&all.sources.get(span.file).path)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri, range_of(*span)),
                message: text.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range,
        severity: Some(match d.severity() {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("rosa".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}

fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let index = LineIndex::new(text);
            let start = index.offset(range.start);
            let end = index.offset(range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

fn publish(
    conn: &Connection,
    uri: lsp::Uri,
    version: Option<i32>,
    diagnostics: Vec<lsp::Diagnostic>,
) {
    let params = lsp::PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    send(
        conn,
        Notification::new("textDocument/publishDiagnostics".to_string(), params),
    );
}

fn send(conn: &Connection, message: impl Into<Message>) {
    // The writer drains its channel until the server ends, so this cannot fail while
    // the server runs; if it does, there is nobody left to tell.
    let _ = conn.sender.send(message.into());
}

fn error(id: RequestId, code: ErrorCode, message: &str) -> Response {
    Response::new_err(id, code as i32, message.to_string())
}

fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, Response> {
    let id = req.id.clone();
    serde_json::from_value(req.params).map_err(|e| {
        error(
            id,
            ErrorCode::InvalidParams,
            &format!("ogiltiga parametrar: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every frame of `input`, until its end or a frame that breaks the stream.
    fn frames(input: &[u8]) -> Vec<Result<Option<Vec<u8>>, String>> {
        let mut input = std::io::Cursor::new(input.to_vec());
        let mut out = Vec::new();
        loop {
            let frame = read_frame(&mut input).map_err(|e| match e {
                Frame::Skipped(why) => format!("skipped: {why}"),
                Frame::Broken(why) => format!("broken: {why}"),
            });
            let stop = match &frame {
                Ok(Some(_)) => false,
                Ok(None) => true,
                Err(e) => e.starts_with("broken"),
            };
            out.push(frame);
            if stop || out.len() > 5 {
                return out;
            }
        }
    }

    #[test]
    fn conditions_and_script_paths_are_found_where_the_cursor_is() {
        let text = "// `inte` här\nsökord \"`\"\nom `kanal == \"besök\" && attr.a";
        assert_eq!(condition_before(text), Some("kanal == \"besök\" && attr.a"));
        assert_eq!(condition_before("om `a` => manus"), None);
        assert_eq!(
            condition_before("om `a &&\n  kanal == "),
            Some("a &&\n  kanal == ")
        );
        let line = "    manus \"manus/å.md\"";
        assert_eq!(script_at(line, line.find('å').unwrap()), Some("manus/å.md"));
        assert_eq!(script_at(line, 5), None);
        assert_eq!(script_at("    manus rosa 3-4", 12), None);
        // No offset of awkward text panics.
        for text in [
            line,
            "om `attr.å",
            "manus \"",
            "`kanal in [\"e-post\", ",
            "𝄞`",
            "",
        ] {
            for at in 0..=text.len() + 2 {
                let _ = script_at(text, at);
                if text.is_char_boundary(at.min(text.len())) {
                    let before = &text[..at.min(text.len())];
                    if let Some(condition) = condition_before(before) {
                        let _ = complete_condition(condition, before.len(), text, &["å".into()]);
                    }
                }
            }
        }
        let channels = complete_condition(
            "kanal in [\"besök\", ",
            20,
            "om `kanal in [\"besök\", ",
            &[],
        );
        assert!(channels.iter().any(|c| c.label == "\"telefon\""));
    }

    #[test]
    fn frames_are_read_skipped_or_refused() {
        let ok = frames(b"Content-Length: 2\r\nContent-Type: x\r\n\r\n{}content-length:1\n\n7");
        assert_eq!(
            ok,
            [Ok(Some(b"{}".to_vec())), Ok(Some(b"7".to_vec())), Ok(None)]
        );
        // Too large: its bytes are passed over, and the next message is read.
        let big = MAX_MESSAGE_BYTES + 1;
        let mut input = format!("Content-Length: {big}\r\n\r\n").into_bytes();
        input.extend(std::iter::repeat_n(b' ', big));
        input.extend(b"Content-Length: 1\r\n\r\n1");
        let read = frames(&input);
        assert!(
            matches!(&read[0], Err(e) if e.contains("större än gränsen 64 MiB")),
            "{:?}",
            read[0]
        );
        assert_eq!(read[1..], [Ok(Some(b"1".to_vec())), Ok(None)]);
        for (input, why) in [
            (&b"Content-Length: -1\r\n\r\n"[..], "inget tal"),
            (b"\r\n{}", "Content-Length saknas"),
            (b"hej\r\n", "felaktig huvudrad"),
            (b"Content-Length: 5\r\n", "mitt i ett huvud"),
            (b"Content-Length: 5\r\n\r\n{}", "broken"),
        ] {
            let read = frames(input);
            assert!(
                matches!(read.last(), Some(Err(e)) if e.starts_with("broken") && e.contains(why)),
                "{read:?}"
            );
        }
        let long = vec![b'x'; 5000];
        assert!(matches!(frames(&long).last(), Some(Err(e)) if e.contains("för lång")));
    }
}
