//! `rosa serve` end to end: the real server on a loopback port, real HTTP.
//!
//! Most tests run the server in-process (`rosa::serve::Server`); one spawns the binary
//! to check signals (SIGHUP reload, SIGTERM graceful stop).

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::http::{HeaderMap, Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rosa::serve::{Config, Limits, ServeError, Server};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[path = "support/schema.rs"]
mod schema;

const POLICY: &str = r#"kundtjänst "Kontaktcenter Testby" {
    kommun "Testby" kommunkod 1234
    kanaler telefon, e-post
    attribut belopp tal, akut ja/nej
    frekvensgräns 10 per månad
    reserv vidarekoppla till kansli
}
"#;

const KANSLI: &str = r#"förvaltning kansli "Kansliet" {
    vidarekoppla kö "Kansliet"
    ärendetyp oppettider "Öppettider" {
        rosa 1
        frekvens 20 per dag
    }
    ärendetyp faktura "Fråga om faktura" {
        rosa 2
        frekvens 20 per dag
        om `attr.belopp > 5000` => vidarekoppla kö "Ekonomi"
    }
}
"#;

const VALID_EDIT: &str = r#"
förvaltning teknik "Tekniska förvaltningen" {
    vidarekoppla kö "Teknik"
    ärendetyp gatubelysning "Trasig gatubelysning" {
        rosa 1
        frekvens 5 per dag
    }
}
"#;

const BROKEN_EDIT: &str = "\nförvaltning trasig \"Trasig\" {\n    ärendetyp x \"X\" { rosa 9 \n";

/// A ruleset directory of its own, deleted at the end of the test.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "policy.rosa", POLICY);
    write(dir.path(), "kansli.rosa", KANSLI);
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write fixture");
}

struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("JSON body ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// An RFC 9457 problem with this status and type.
    fn assert_problem(&self, status: u16, kind: &str) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.content_type(), "application/problem+json");
        let p = self.json();
        assert_eq!(p["status"], status);
        assert_eq!(p["type"], format!("urn:rosa:problem:{kind}"));
        assert!(p["title"].is_string() && p["detail"].is_string(), "{p}");
        p
    }
}

struct TestServer {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl TestServer {
    async fn start(config: Config) -> TestServer {
        let server = Server::start(config).await.expect("server starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(listener, async {
            let _ = stopped.await;
        }));
        TestServer {
            base,
            client: Client::builder(TokioExecutor::new()).build_http(),
            stop: Some(stop),
            task,
        }
    }

    async fn for_dir(dir: &Path) -> TestServer {
        TestServer::start(Config::new(vec![dir.to_path_buf()])).await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Bytes>,
    ) -> Result<Reply, String> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let request = request
            .body(Full::new(body.into()))
            .map_err(|e| e.to_string())?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, Bytes::new())
            .await
            .expect("GET")
    }

    async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.post(path, "application/json", body.to_string()).await
    }

    async fn post(&self, path: &str, content_type: &str, body: impl Into<Bytes>) -> Reply {
        self.send(Method::POST, path, Some(content_type), body)
            .await
            .expect("POST")
    }

    /// Stop gracefully and wait until the server (and its decision log) is done.
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(Duration::from_secs(10), &mut self.task).await;
        result
            .expect("stops in time")
            .expect("task")
            .expect("serves without error");
    }
}

/// Poll until `done` holds for `/1234/ruleset`, or fail after 10 s.
async fn wait_for_ruleset(server: &TestServer, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let status = server.get("/1234/ruleset").await.json();
        if done(&status) {
            return status;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {status}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_municipalities_ruleset_and_api_docs() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;

    let health = server.get("/health").await;
    assert_eq!(
        (health.status, health.content_type()),
        (200, "application/json")
    );
    assert_eq!(
        health.json(),
        json!({"status": "ok", "municipalities": 1, "reload_errors": 0,
               "decision_log": {"enabled": false, "written": 0, "dropped": 0}})
    );

    let list = server.get("/municipalities").await.json();
    let first = &list["municipalities"][0];
    assert_eq!(first["kommunkod"], "1234");
    assert_eq!(first["kommun"], "Testby");
    assert_eq!(first["links"]["decisions"], "/v1/1234/decisions");

    let ruleset = server.get("/1234/ruleset").await.json();
    assert_eq!(ruleset["id"], first["ruleset"]);
    assert_eq!(ruleset["id"].as_str().map(str::len), Some(64));
    assert_eq!(ruleset["counts"]["arendetyper"], 2);
    assert_eq!(ruleset["counts"]["rules"], 1);
    assert_eq!(ruleset["last_reload_error"], Value::Null);
    assert!(
        ruleset["loaded_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    // The directory's name only: the server's paths are nobody's business.
    let name = dir.path().file_name().unwrap().to_string_lossy();
    assert_eq!(ruleset["directory"], *name);

    let docs = server.get("/api-docs").await;
    assert_eq!(docs.status, 200);
    let docs = docs.json();
    assert_eq!(docs["openapi"], "3.1.0");
    assert!(docs["paths"]["/{kommunkod}/decisions/batch"]["post"].is_object());
    assert!(docs["paths"]["/v1/{kommunkod}/decisions/batch"]["post"].is_object());
    let names =
        &docs["components"]["schemas"]["Inquiry"]["properties"]["attributes"]["propertyNames"];
    assert_eq!(names["enum"], json!(["akut", "belopp"]));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decides_one_inquiry() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let id = server.get("/1234/ruleset").await.json()["id"].clone();

    let reply = server
        .post_json(
            "/1234/decisions",
            &json!({"case_type": "faktura", "channel": "telefon", "attributes": {"belopp": 6000}}),
        )
        .await;
    assert_eq!(
        (reply.status, reply.content_type()),
        (200, "application/json")
    );
    let d = reply.json();
    assert_eq!(d["outcome"], "forwarded");
    assert_eq!(d["basis"], "rule");
    assert_eq!(d["target"]["queue"], "Ekonomi");
    assert_eq!(d["resolution"]["draken"], "CONNECTED");
    assert_eq!(d["ruleset"], id);

    // Swedish field names are accepted too.
    let d = server
        .post_json(
            "/1234/decisions",
            &json!({"arendetyp": "faktura", "kanal": "telefon", "attribut": {"belopp": 100}}),
        )
        .await
        .json();
    assert_eq!(
        (d["outcome"].as_str(), d["basis"].as_str()),
        (Some("kundtjanst"), Some("method"))
    );

    // Unknown case types are answered (to a person), not rejected.
    let d = server
        .post_json("/1234/decisions", &json!({"case_type": "finns-inte"}))
        .await
        .json();
    assert_eq!(
        (d["outcome"].as_str(), d["basis"].as_str()),
        (Some("forwarded"), Some("unknown_case_type"))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decides_a_batch_in_order() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let batch = json!([
        {"case_type": "oppettider", "channel": "telefon"},
        {"case_type": "finns-inte"},
        {"case_type": "faktura", "attributes": {"belopp": 9000}},
        {"case_type": "oppettider", "channel": "brev"}
    ]);
    let reply = server.post_json("/1234/decisions/batch", &batch).await;
    assert_eq!(reply.status, 200);
    let outcomes: Vec<(String, String)> = reply
        .json()
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            (
                d["case_type"].as_str().unwrap_or("").into(),
                d["outcome"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    let expected = [
        ("oppettider", "kundtjanst"),
        ("finns-inte", "forwarded"),
        ("faktura", "forwarded"),
        ("oppettider", "forwarded"),
    ];
    assert_eq!(
        outcomes,
        expected.map(|(a, b)| (a.to_string(), b.to_string()))
    );

    // A large batch (decided off the request threads) keeps its order too.
    let many: Vec<Value> = (0..1000)
        .map(|i| json!({"case_type": if i % 3 == 0 { "faktura" } else { "oppettider" }, "channel": "telefon"}))
        .collect();
    let decided = server
        .post_json("/1234/decisions/batch", &Value::Array(many))
        .await
        .json();
    let decided = decided.as_array().expect("array");
    assert_eq!(decided.len(), 1000);
    for (i, d) in decided.iter().enumerate() {
        let expected = if i % 3 == 0 { "faktura" } else { "oppettider" };
        assert_eq!(d["case_type"], expected, "item {i}");
    }

    let empty = server.post_json("/1234/decisions/batch", &json!([])).await;
    assert_eq!((empty.status, empty.json()), (200, json!([])));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_are_400_problems_that_say_where() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let cases: [(&str, &str, &str, Option<&str>); 9] = [
        ("/1234/decisions", "{\"case_type\": ", "invalid-json", None),
        ("/1234/decisions", "", "invalid-json", None),
        (
            "/1234/decisions",
            "{\"case_type\": \"a\"} trailing",
            "invalid-json",
            None,
        ),
        (
            "/1234/decisions",
            "{\"channel\": \"telefon\"}",
            "invalid-inquiry",
            Some("/case_type"),
        ),
        (
            "/1234/decisions",
            "{\"case_type\": \"a\", \"personnummer\": \"x\"}",
            "invalid-inquiry",
            Some("/personnummer"),
        ),
        (
            "/1234/decisions",
            "{\"case_type\": 12}",
            "invalid-inquiry",
            Some("/case_type"),
        ),
        (
            "/1234/decisions",
            "{\"case_type\": \"a\", \"attributes\": {\"belopp\": [1]}}",
            "invalid-inquiry",
            Some("/attributes/belopp"),
        ),
        ("/1234/decisions", "[]", "invalid-inquiry", Some("")),
        (
            "/1234/decisions/batch",
            "[{\"case_type\": \"a\"}, {\"case_type\": \"b\", \"channel\": 5}]",
            "invalid-inquiry",
            Some("/1/channel"),
        ),
    ];
    for (path, body, kind, pointer) in cases {
        let reply = server
            .post(path, "application/json", body.to_string())
            .await;
        let problem = reply.assert_problem(400, kind);
        match pointer {
            Some(pointer) => assert_eq!(problem["errors"][0]["pointer"], pointer, "{body}"),
            None => assert!(problem.get("errors").is_none(), "{body}"),
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_never_gets_a_5xx() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let pieces = [
        "{",
        "}",
        "[",
        "]",
        "\"case_type\"",
        ":",
        ",",
        "\"",
        "1e999",
        "null",
        "\\u0000",
        "\u{d7ff}",
        "ä",
        "-",
        "true",
    ];
    for _ in 0..300 {
        let mut body = String::new();
        for _ in 0..(seed % 12) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            body.push_str(pieces[(seed % pieces.len() as u64) as usize]);
        }
        let path = if seed.is_multiple_of(2) {
            "/1234/decisions"
        } else {
            "/1234/decisions/batch"
        };
        let reply = server.post(path, "application/json", body.clone()).await;
        assert!(
            reply.status == 200 || reply.status == 400,
            "{body:?} gave {}",
            reply.status
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_kommunkod_and_paths_are_404() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    server
        .get("/9999/ruleset")
        .await
        .assert_problem(404, "unknown-municipality");
    server
        .post_json("/0000/decisions", &json!({"case_type": "x"}))
        .await
        .assert_problem(404, "unknown-municipality");
    server
        .post_json("/%FF/decisions/batch", &json!([]))
        .await
        .assert_problem(404, "unknown-municipality");
    for path in ["/nope", "/1234", "/1234/decisions/batch/x"] {
        server.get(path).await.assert_problem(404, "not-found");
    }
    // `/{kommunkod}/` is the desk, a page for people: an unknown one is a 404 page.
    let desk = server.get("/health/").await;
    assert_eq!(desk.status, 404);
    assert_eq!(desk.content_type(), "text/html; charset=utf-8");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_method_is_405_with_allow() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let cases = [
        (Method::GET, "/1234/decisions", "POST"),
        (Method::PUT, "/1234/decisions/batch", "POST"),
        (Method::POST, "/health", "GET,HEAD"),
        (Method::DELETE, "/1234/ruleset", "GET,HEAD"),
        (Method::PATCH, "/api-docs", "GET,HEAD"),
    ];
    for (method, path, allow) in cases {
        let reply = server
            .send(method, path, None, Bytes::new())
            .await
            .expect("request");
        reply.assert_problem(405, "method-not-allowed");
        assert_eq!(
            reply.headers.get("allow").and_then(|v| v.to_str().ok()),
            Some(allow),
            "{path}"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_the_limits_are_413() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let limits = Limits::default();
    // A body declared over the limit is refused from its length alone, before it is
    // sent: the client writes only the head, so the server's close cannot race a
    // client still writing (which reset the connection now and then on a busy machine).
    let address = server.base.trim_start_matches("http://").to_string();
    let head = format!(
        "POST /1234/decisions HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        limits.body_bytes + 1
    );
    let Exchange { text, .. } = raw_exchange(address, head).await;
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(
        text.contains("application/problem+json") && text.contains("body-too-large"),
        "{text}"
    );

    let items: Vec<Value> = (0..=limits.batch_items)
        .map(|_| json!({"case_type": "x"}))
        .collect();
    let p = server
        .post_json("/1234/decisions/batch", &Value::Array(items))
        .await
        .assert_problem(413, "too-many-items");
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("1000")),
        "{p}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_content_type_is_415() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let body = "{\"case_type\": \"faktura\"}";
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let reply = server
            .send(Method::POST, "/1234/decisions", ct, body)
            .await
            .expect("request");
        reply.assert_problem(415, "unsupported-media-type");
    }
    let ok = server
        .post("/1234/decisions", "application/json; charset=utf-8", body)
        .await;
    assert_eq!(ok.status, 200);
    server.stop().await;
}

/// How long a raw client waits for the server before giving up: far beyond every
/// server timeout in these tests, so that only a server that never acts reaches it.
const PATIENCE: Duration = Duration::from_secs(20);

/// What a raw client saw: the bytes, and whether the server closed the connection
/// (rather than the client giving up after [`PATIENCE`]).
struct Exchange {
    text: String,
    closed_by_server: bool,
}

/// Read until the server closes the connection, or until [`PATIENCE`] runs out.
fn read_until_closed(stream: &mut std::net::TcpStream) -> Exchange {
    use std::io::Read;
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let mut response = Vec::new();
    let closed_by_server = stream.read_to_end(&mut response).is_ok();
    Exchange {
        text: String::from_utf8_lossy(&response).into_owned(),
        closed_by_server,
    }
}

/// Send `head` and read until the server answers and closes.
async fn raw_exchange(address: String, head: impl Into<String>) -> Exchange {
    let head = head.into();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut stream = std::net::TcpStream::connect(address).expect("connect");
        stream.write_all(head.as_bytes()).expect("write");
        read_until_closed(&mut stream)
    })
    .await
    .expect("raw client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_requests_time_out() {
    let dir = fixture();
    let mut config = Config::new(vec![dir.path().to_path_buf()]);
    config.limits.request_timeout = Duration::from_millis(300);
    let server = TestServer::start(config).await;
    let address = server.base.trim_start_matches("http://").to_string();

    let stalled_body = "POST /1234/decisions HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"case";
    let Exchange { text, .. } = raw_exchange(address.clone(), stalled_body).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(
        text.contains("application/problem+json") && text.contains("urn:rosa:problem:timeout"),
        "{text}"
    );

    // Headers that never finish: hyper closes the connection at the header timeout,
    // long before the client would give up.
    let stalled_head = "POST /1234/decisions HTTP/1.1\r\nHost: te";
    let stalled = raw_exchange(address, stalled_head).await;
    assert!(stalled.closed_by_server, "still open: {}", stalled.text);
    server.stop().await;
}

/// A client that sends a whole request and then shuts its write side (as `nc -N` or a
/// load balancer's health probe may) still gets its answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_closed_clients_get_their_answers() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let address = server.base.trim_start_matches("http://").to_string();
    // A batch big enough to be decided on a blocking thread: the answer is not ready
    // when the server reads the end of the request, which is when hyper would give up.
    let items: Vec<Value> = (0..200)
        .map(|_| json!({"case_type": "oppettider", "channel": "telefon"}))
        .collect();
    let body = json!(items).to_string();
    let request = format!(
        "POST /1234/decisions/batch HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut answered = 0;
    for _ in 0..20 {
        let request = request.clone();
        let address = address.clone();
        let text = tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut stream = std::net::TcpStream::connect(address).expect("connect");
            stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
            stream.write_all(request.as_bytes()).expect("write");
            stream
                .shutdown(std::net::Shutdown::Write)
                .expect("half close");
            let mut response = Vec::new();
            let _ = stream.read_to_end(&mut response);
            String::from_utf8_lossy(&response).into_owned()
        })
        .await
        .expect("raw client");
        if text.starts_with("HTTP/1.1 200") && text.contains("\"outcome\"") {
            answered += 1;
        }
    }
    assert_eq!(answered, 20, "answers to half-closed clients");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_keep_alive_connections_are_closed() {
    let dir = fixture();
    let mut config = Config::new(vec![dir.path().to_path_buf()]);
    // Longer than the request timeout: hyper's header timeout alone would cut it at that.
    config.limits.request_timeout = Duration::from_millis(300);
    config.limits.idle_timeout = config_idle_timeout();
    let server = TestServer::start(config).await;
    let address = server.base.trim_start_matches("http://").to_string();
    let idle_timeout = config_idle_timeout();
    let (answers, closed, open_for) = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        // Taken before the first request: the server's idle clock starts after its
        // last answer, so it cannot have run longer than this one.
        let since_first_request = std::time::Instant::now();
        let mut stream = std::net::TcpStream::connect(address).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        let mut answers = Vec::new();
        // Two requests on one connection: the first answer did not close it.
        for _ in 0..2 {
            stream
                .write_all(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
                .expect("write");
            let mut buffer = [0u8; 4096];
            let n = stream.read(&mut buffer).expect("answer");
            answers.push(String::from_utf8_lossy(&buffer[..n]).into_owned());
        }
        let closed = read_until_closed(&mut stream);
        (answers, closed, since_first_request.elapsed())
    })
    .await
    .expect("raw client");
    for answer in &answers {
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    assert!(
        closed.closed_by_server,
        "the idle connection was never closed"
    );
    assert!(
        open_for >= idle_timeout,
        "closed after {open_for:?}, before the idle timeout"
    );
    server.stop().await;
}

fn config_idle_timeout() -> Duration {
    Duration::from_millis(1500)
}

/// At the connection cap a further client waits (in the backlog) rather than failing,
/// and is served once a connection frees up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_wait_for_a_free_one() {
    let dir = fixture();
    let mut config = Config::new(vec![dir.path().to_path_buf()]);
    config.limits.max_connections = 1;
    // The holder below never sends a request, so the request timeout closes it.
    config.limits.request_timeout = Duration::from_millis(500);
    let server = TestServer::start(config).await;
    let address = server.base.trim_start_matches("http://").to_string();
    // Taken before the holder connects: the server's timeout for it starts later.
    let held_from = std::time::Instant::now();
    let holder = std::net::TcpStream::connect(&address).expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let Exchange { text, .. } = raw_exchange(
        address,
        "GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    // Served only after the first connection was closed for sending nothing.
    assert!(
        held_from.elapsed() >= Duration::from_millis(500),
        "served {:?} after the holder connected, before its timeout",
        held_from.elapsed()
    );
    drop(holder);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_under_load_loses_no_request() {
    let dir = fixture();
    let mut config = Config::new(vec![dir.path().to_path_buf()]);
    config.debounce = Duration::from_millis(50);
    let server = Arc::new(TestServer::start(config).await);
    let old_id = server.get("/1234/ruleset").await.json()["id"]
        .as_str()
        .expect("id")
        .to_string();

    let running = Arc::new(AtomicBool::new(true));
    let (sent, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let seen_ids = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let clients: Vec<_> = (0..4)
        .map(|n| {
            let (server, running, sent, failed, seen) = (server.clone(), running.clone(), sent.clone(), failed.clone(), seen_ids.clone());
            tokio::spawn(async move {
                let body = json!({"case_type": "faktura", "channel": "telefon", "attributes": {"belopp": n * 3000}}).to_string();
                let batch = format!("[{body},{body}]");
                while running.load(Ordering::Relaxed) {
                    let (path, body) = if sent.load(Ordering::Relaxed) % 5 == 0 {
                        ("/1234/decisions/batch", batch.clone())
                    } else {
                        ("/1234/decisions", body.clone())
                    };
                    sent.fetch_add(1, Ordering::Relaxed);
                    match server.send(Method::POST, path, Some("application/json"), body).await {
                        Ok(reply) if reply.status == 200 => {
                            let json = reply.json();
                            let d = if json.is_array() { &json[0] } else { &json };
                            let id = d["ruleset"].as_str().unwrap_or("").to_string();
                            let mut seen = seen.lock().expect("lock");
                            if seen.last() != Some(&id) {
                                seen.push(id);
                            }
                        }
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(200)).await;
    write(dir.path(), "teknik.rosa", VALID_EDIT);
    let after_valid =
        wait_for_ruleset(&server, "the valid edit", |s| s["id"] != old_id.as_str()).await;
    let new_id = after_valid["id"].as_str().expect("id").to_string();
    assert_eq!(after_valid["counts"]["forvaltningar"], 2);
    assert_eq!(after_valid["last_reload_error"], Value::Null);
    tokio::time::sleep(Duration::from_millis(200)).await;

    write(dir.path(), "trasig.rosa", BROKEN_EDIT);
    let after_broken = wait_for_ruleset(&server, "the broken edit", |s| {
        !s["last_reload_error"].is_null()
    })
    .await;
    assert_eq!(
        after_broken["id"],
        new_id.as_str(),
        "the valid ruleset keeps serving"
    );
    let error = &after_broken["last_reload_error"];
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not load")),
        "{error}"
    );
    let diagnostics = error["diagnostics"].as_array().expect("diagnostics");
    assert!(
        diagnostics
            .iter()
            .any(|d| d["file"] == "trasig.rosa" && d["severity"] == "error"),
        "{error}"
    );
    assert_eq!(server.get("/health").await.json()["status"], "degraded");
    tokio::time::sleep(Duration::from_millis(200)).await;

    running.store(false, Ordering::Relaxed);
    for client in clients {
        client.await.expect("client");
    }
    let (sent, failed) = (sent.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    assert_eq!(failed, 0, "{failed} of {sent} requests failed");
    assert!(sent > 100, "the clients kept sending ({sent})");
    let seen = seen_ids.lock().expect("lock").clone();
    // Each client sees the old id, then the new one, never back (4 clients may interleave).
    assert!(
        seen.iter().all(|id| *id == old_id || *id == new_id),
        "{seen:?}"
    );
    assert_eq!(seen.last(), Some(&new_id));
    let d = server
        .post_json("/1234/decisions", &json!({"case_type": "gatubelysning"}))
        .await
        .json();
    assert_eq!(
        (d["outcome"].as_str(), d["ruleset"].as_str()),
        (Some("kundtjanst"), Some(new_id.as_str()))
    );

    // Fixing the file clears the error.
    std::fs::remove_file(dir.path().join("trasig.rosa")).expect("remove");
    let fixed = wait_for_ruleset(&server, "the fix", |s| s["last_reload_error"].is_null()).await;
    assert_eq!(fixed["id"], new_id.as_str());
    assert_eq!(server.get("/health").await.json()["status"], "ok");
    match Arc::try_unwrap(server) {
        Ok(server) => server.stop().await,
        Err(_) => panic!("clients still hold the server"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_may_not_change_the_kommunkod() {
    let dir = fixture();
    let mut config = Config::new(vec![dir.path().to_path_buf()]);
    config.debounce = Duration::from_millis(50);
    let server = TestServer::start(config).await;
    let old_id = server.get("/1234/ruleset").await.json()["id"].clone();
    write(dir.path(), "policy.rosa", &POLICY.replace("1234", "4321"));
    let status = wait_for_ruleset(&server, "the rejected reload", |s| {
        !s["last_reload_error"].is_null()
    })
    .await;
    assert_eq!(status["id"], old_id);
    let message = status["last_reload_error"]["message"]
        .as_str()
        .unwrap_or("");
    assert!(
        message.contains("kommunkod 4321") && message.contains("1234"),
        "{message}"
    );
    server
        .get("/4321/ruleset")
        .await
        .assert_problem(404, "unknown-municipality");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decision_log_has_attribute_names_never_values() {
    let dir = fixture();
    let log_path = dir.path().join("beslut.jsonl");
    let mut config = Config::new(vec![dir.path().to_path_buf()]);
    config.decision_log = Some(log_path.clone());
    let server = TestServer::start(config).await;
    let inquiries = [
        json!({"case_type": "faktura", "channel": "telefon", "attributes": {"belopp": 987654, "akut": true}}),
        json!({"case_type": "19121212-1212", "channel": "Anna Andersson", "attributes": {"akut": false}}),
        json!({"case_type": "faktura", "part": "Anna Andersson 19121212-1212"}),
    ];
    for inquiry in &inquiries {
        assert_eq!(
            server.post_json("/1234/decisions", inquiry).await.status,
            200
        );
    }
    // An attribute the policy does not declare is refused, so it never reaches the log.
    let undeclared =
        json!({"case_type": "faktura", "attributes": {"personnummer": "19121212-1212"}});
    let refused = server.post_json("/1234/decisions", &undeclared).await;
    refused.assert_problem(400, "invalid-inquiry");
    assert_eq!(
        server
            .post_json("/1234/decisions/batch", &json!(inquiries))
            .await
            .status,
        200
    );
    server.stop().await;

    let text = std::fs::read_to_string(&log_path).expect("decision log");
    for secret in ["987654", "19121212", "Anna", "personnummer"] {
        assert!(!text.contains(secret), "`{secret}` is in the log:\n{text}");
    }
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["case_type"], "faktura");
    assert_eq!(lines[0]["channel"], "telefon");
    assert_eq!(lines[0]["attributes"], json!(["akut", "belopp"]));
    assert_eq!(lines[0]["outcome"], "forwarded");
    assert_eq!(lines[0]["kommunkod"], "1234");
    assert!(lines[0]["request_id"].is_string(), "{}", lines[0]);
    assert!(lines[0]["ruleset"].as_str().is_some_and(|r| r.len() == 64));
    assert!(lines[0]["time"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(lines[1]["case_type"], Value::Null);
    assert_eq!(lines[1]["withheld"], json!(["case_type", "channel"]));
    assert_eq!(lines[2]["case_type"], "faktura");
    assert_eq!(lines[2]["part"], Value::Null);
    assert_eq!(lines[2]["withheld"], json!(["part"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_to_start_on_a_broken_or_duplicate_ruleset() {
    let (a, b) = (fixture(), fixture());
    let twice = Server::start(Config::new(vec![a.path().into(), b.path().into()])).await;
    assert!(
        matches!(twice, Err(ServeError::DuplicateKommunkod { ref kommunkod, .. }) if kommunkod == "1234")
    );

    write(b.path(), "trasig.rosa", BROKEN_EDIT);
    let broken = Server::start(Config::new(vec![b.path().into()])).await;
    match broken {
        Err(ServeError::Ruleset { diagnostics, .. }) => {
            let text = diagnostics.render();
            assert!(text.contains("trasig.rosa"), "{text}");
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a broken ruleset must not start"),
    }
    assert!(matches!(
        Server::start(Config::new(vec![])).await,
        Err(ServeError::NoRulesets)
    ));
}

/// The binary: SIGHUP reloads (with watching off), SIGTERM stops gracefully.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_reloads_on_sighup_and_stops_on_sigterm() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let dir = fixture();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--no-watch",
            "--log-format",
            "json",
        ])
        .arg(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rosa serve");
    let stderr = child.stderr.take().expect("stderr");
    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines_tx.send(line);
        }
    });
    let address = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.recv().await {
            let event: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
            if let Some(addr) = event["fields"]["addr"].as_str() {
                return addr.to_string();
            }
        }
        panic!("rosa serve exited before listening");
    })
    .await
    .expect("rosa serve listens");
    let client = TestServer {
        base: format!("http://{address}"),
        client: Client::builder(TokioExecutor::new()).build_http(),
        stop: None,
        task: tokio::spawn(async { Ok(()) }),
    };
    let old_id = client.get("/1234/ruleset").await.json()["id"].clone();

    write(dir.path(), "teknik.rosa", VALID_EDIT);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        client.get("/1234/ruleset").await.json()["id"],
        old_id,
        "not watching"
    );
    signal(child.id(), "HUP");
    let reloaded = wait_for_ruleset(&client, "the SIGHUP reload", |s| s["id"] != old_id).await;
    assert_eq!(reloaded["counts"]["forvaltningar"], 2);

    signal(child.id(), "TERM");
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "graceful stop exits 0, got {status}");
}

#[cfg(unix)]
fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

/// The schema of a documented response: `path` as in the document, `status` as text.
fn response_schema(doc: &schema::Document, path: &str, method: &str, status: u16) -> String {
    let escaped = path.replace('~', "~0").replace('/', "~1");
    let operation = format!("/paths/{escaped}/{method}");
    let mut response = format!("{operation}/responses/{status}");
    if let Some(target) = doc.schema(&response).get("$ref").and_then(Value::as_str) {
        response = target.trim_start_matches('#').to_string();
    }
    let content = doc.schema(&format!("{response}/content"));
    let media = content
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .replace('/', "~1");
    format!("{response}/content/{media}/schema")
}

/// A response as the document says: status documented, content type and body schema.
fn assert_documented(doc: &schema::Document, path: &str, method: &str, reply: &Reply) {
    let pointer = response_schema(doc, path, method, reply.status);
    let media = pointer
        .split("/content/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    assert_eq!(
        reply.content_type(),
        media.replace("~1", "/"),
        "{method} {path}"
    );
    doc.assert_valid(&pointer, &reply.json());
    assert!(
        reply.headers.contains_key("x-request-id"),
        "{method} {path}: no X-Request-Id"
    );
}

/// Every kind of response the server sends, from real requests, against the schemas
/// in src/serve/openapi.json, on both the versioned and the unversioned paths.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_match_the_openapi_document() {
    let doc = schema::Document::load();
    let dir = fixture();
    let mut config = Config::new(vec![dir.path().to_path_buf()]);
    config.debounce = Duration::from_millis(50);
    let server = TestServer::start(config).await;
    for prefix in ["", "/v1"] {
        let p = |path: &str| format!("{prefix}{path}");
        let d = |path: &str| format!("/v1{path}");
        for path in [
            "/health",
            "/health/live",
            "/health/ready",
            "/municipalities",
        ] {
            assert_documented(&doc, &d(path), "get", &server.get(&p(path)).await);
        }
        assert_documented(
            &doc,
            &d("/{kommunkod}/ruleset"),
            "get",
            &server.get(&p("/1234/ruleset")).await,
        );
        assert_documented(
            &doc,
            &d("/{kommunkod}/ruleset"),
            "get",
            &server.get(&p("/9999/ruleset")).await,
        );
        // Finding the ärendetyp: hits, nothing, and the query's own mistakes.
        for (query, status) in [
            ("/1234/case-types?q=faktura", 200),
            ("/1234/case-types?q=%C3%B6ppettider&limit=1", 200),
            ("/1234/case-types?q=xyzzy", 200),
            ("/1234/case-types", 400),
            ("/1234/case-types?q=faktura&limit=0", 400),
            ("/1234/case-types?q=faktura&limit=tio", 400),
            ("/9999/case-types?q=faktura", 404),
        ] {
            let reply = server.get(&p(query)).await;
            assert_eq!(reply.status, status, "{query}");
            assert_documented(&doc, &d("/{kommunkod}/case-types"), "get", &reply);
        }
        if prefix == "/v1" {
            for (path, status) in [
                ("/v1/1234/case-types/faktura", 200),
                ("/v1/1234/case-types/okand", 404),
                ("/v1/9999/case-types/faktura", 404),
            ] {
                let reply = server.get(path).await;
                assert_eq!(reply.status, status, "{path}");
                assert_documented(
                    &doc,
                    "/v1/{kommunkod}/case-types/{case_type}",
                    "get",
                    &reply,
                );
            }
        }
        let decisions = d("/{kommunkod}/decisions");
        let inquiries = [
            json!({"case_type": "oppettider", "channel": "telefon"}),
            json!({"case_type": "faktura", "channel": "telefon", "attributes": {"belopp": 6000}}),
            json!({"arendetyp": "faktura", "kanal": "e-post", "tid": "2026-03-02T10:15", "attribut": {"belopp": 1}}),
            json!({"case_type": "okand", "part": "x", "channel": "brevduva"}),
            json!({"case_type": "faktura", "attributes": {"belopp": "mycket"}}),
        ];
        for inquiry in &inquiries {
            doc.assert_valid("/components/schemas/Inquiry", inquiry);
            let reply = server.post_json(&p("/1234/decisions"), inquiry).await;
            assert_eq!(reply.status, 200);
            assert_documented(&doc, &decisions, "post", &reply);
        }
        let batch = server
            .post_json(&p("/1234/decisions/batch"), &json!(inquiries))
            .await;
        assert_eq!(batch.status, 200);
        assert_documented(&doc, &d("/{kommunkod}/decisions/batch"), "post", &batch);
        for (body, status) in [
            ("{", 400),
            (r#"["faktura"]"#, 400),
            (r#"{"case_type": "faktura", "arendetyp": "faktura"}"#, 400),
            (
                r#"{"case_type": "faktura", "attributes": {"okand": 1}}"#,
                400,
            ),
        ] {
            let reply = server
                .post(&p("/1234/decisions"), "application/json", body)
                .await;
            assert_eq!(reply.status, status, "{body}");
            assert_documented(&doc, &decisions, "post", &reply);
        }
        let reply = server.post(&p("/1234/decisions"), "text/plain", "{}").await;
        assert_documented(&doc, &decisions, "post", &reply);
        let reply = server.post_json(&p("/9999/decisions"), &inquiries[0]).await;
        assert_documented(&doc, &decisions, "post", &reply);
        let too_many: Vec<Value> = (0..=Limits::default().batch_items)
            .map(|_| json!({"case_type": "x"}))
            .collect();
        let reply = server
            .post_json(&p("/1234/decisions/batch"), &json!(too_many))
            .await;
        assert_documented(&doc, &d("/{kommunkod}/decisions/batch"), "post", &reply);
    }
    // A rejected reload: the ruleset shows its diagnostics.
    write(dir.path(), "trasig.rosa", BROKEN_EDIT);
    let status = wait_for_ruleset(&server, "the rejected reload", |s| {
        !s["last_reload_error"].is_null()
    })
    .await;
    doc.assert_valid("/components/schemas/RulesetStatus", &status);
    let health = server.get("/v1/health").await;
    assert_eq!(health.json()["status"], "degraded");
    assert_documented(&doc, "/v1/health", "get", &health);
    server.stop().await;
}

/// The README's curl examples: each body is valid by the document, and the example
/// kommun answers each request as documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_examples_match_the_openapi_document() {
    let doc = schema::Document::load();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets/exempelkommun");
    let server = TestServer::for_dir(&root).await;
    let mut checked = 0;
    for command in readme.split("curl ").skip(1) {
        let Some(url) = command
            .split_whitespace()
            .map(|w| w.trim_matches('\''))
            .find(|w| w.starts_with("http://127.0.0.1:8080"))
        else {
            continue;
        };
        let path = url.trim_start_matches("http://127.0.0.1:8080");
        let body = command
            .split(" -d '")
            .nth(1)
            .map(|rest| rest.split('\'').next().unwrap());
        let template = path
            .split('?')
            .next()
            .unwrap_or(path)
            .split('/')
            .map(|segment| {
                if segment.len() == 4 && segment.bytes().all(|b| b.is_ascii_digit()) {
                    "{kommunkod}"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let documented = if template.starts_with("/v1") || template == "/metrics" {
            template.clone()
        } else {
            format!("/v1{template}")
        };
        let reply = match body {
            Some(body) => {
                let value: Value = serde_json::from_str(body)
                    .unwrap_or_else(|e| panic!("README body for {path}: {e}"));
                let request = doc.schema(&format!(
                    "/paths/{}/post/requestBody/content/application~1json/schema",
                    documented.replace('/', "~1")
                ));
                let mut errors = Vec::new();
                if let Some(target) = request.get("$ref").and_then(Value::as_str) {
                    errors = doc.errors(target.trim_start_matches('#'), &value);
                } else if let Some(items) = request.get("items") {
                    let item = items["$ref"].as_str().unwrap().trim_start_matches('#');
                    for v in value.as_array().unwrap() {
                        errors.extend(doc.errors(item, v));
                    }
                }
                assert!(errors.is_empty(), "README body for {path}: {errors:#?}");
                server
                    .post(path, "application/json", body.to_string())
                    .await
            }
            None => server.get(path).await,
        };
        assert_eq!(
            reply.status,
            200,
            "README: {path}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        let method = if body.is_some() { "post" } else { "get" };
        if template == "/metrics" {
            assert!(
                reply
                    .content_type()
                    .starts_with("application/openmetrics-text")
            );
        } else if !template.ends_with("/api-docs") {
            assert_documented(&doc, &documented, method, &reply);
        }
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} curl examples found in README.md"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inquiries_are_objects_with_declared_attributes_and_no_repeats() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let post = |body: &'static str| server.post("/v1/1234/decisions", "application/json", body);
    let p = post(r#"{"case_type": "faktura", "attributes": {"belopp": 1, "okand": 2, "a/b": 3}}"#)
        .await
        .assert_problem(400, "invalid-inquiry");
    let pointers: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["/attributes/a~1b", "/attributes/okand"]);
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("belopp") && detail.contains("akut"),
        "{detail}"
    );
    let p = server
        .post(
            "/1234/decisions/batch",
            "application/json",
            r#"[{"case_type": "x"}, {"arendetyp": "x", "attribut": {"okand": 1}}]"#,
        )
        .await
        .assert_problem(400, "invalid-inquiry");
    assert_eq!(p["errors"][0]["pointer"], "/1/attributes/okand");
    post(r#"["faktura", null, "telefon"]"#)
        .await
        .assert_problem(400, "invalid-inquiry");
    let p = post(r#"{"case_type": "faktura", "case_type": "oppettider"}"#)
        .await
        .assert_problem(400, "invalid-inquiry");
    assert_eq!(p["errors"][0]["pointer"], "/case_type");
    post(r#"{"case_type": "faktura", "arendetyp": "faktura"}"#)
        .await
        .assert_problem(400, "invalid-inquiry");
    let p = post(r#"{"case_type": "faktura", "attributes": {"belopp": 1, "belopp": 9000}}"#)
        .await
        .assert_problem(400, "invalid-inquiry");
    assert_eq!(p["errors"][0]["pointer"], "/attributes/belopp");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_are_echoed_or_made_up() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let request = Request::builder()
        .uri(format!("{}/v1/health", server.base))
        .header("x-request-id", "case-4711")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = server.client.request(request).await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "case-4711");
    let a = server.get("/nowhere").await;
    let b = server.get("/v1/health").await;
    let (a, b) = (&a.headers["x-request-id"], &b.headers["x-request-id"]);
    assert!(!a.is_empty() && a != b, "{a:?} {b:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_decisions_reloads_and_latency() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    for _ in 0..3 {
        let reply = server
            .post_json("/v1/1234/decisions", &json!({"case_type": "oppettider"}))
            .await;
        assert_eq!(reply.status, 200);
    }
    let batch =
        json!([{"case_type": "faktura", "attributes": {"belopp": 9000}}, {"case_type": "okand"}]);
    assert_eq!(
        server
            .post_json("/1234/decisions/batch", &batch)
            .await
            .status,
        200
    );
    let metrics = server.get("/metrics").await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .content_type()
            .starts_with("application/openmetrics-text")
    );
    let text = String::from_utf8_lossy(&metrics.body);
    for line in [
        r#"rosa_decisions_total{kommunkod="1234",outcome="kundtjanst"} 3"#,
        r#"rosa_decisions_total{kommunkod="1234",outcome="forwarded"} 2"#,
        r#"rosa_reloads_total{kommunkod="1234"} 0"#,
        r#"rosa_reload_failures_total{kommunkod="1234"} 0"#,
        "rosa_decision_log_dropped_total 0",
        r#"rosa_http_request_duration_seconds_count{route="/v1/{kommunkod}/decisions",status="200"} 3"#,
    ] {
        assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
    }
    server.stop().await;
}

const HOSTILE_MANUS: &str = "# Öppettider\n\nSvara <script>alert(1)</script> vänligt.\n\n\
    [Ring](tel:0123-456) [klicka](javascript:alert(1))\n\n![karta](https://example.org/k.png)\n";

/// The desk: its pages, assets and security headers, and the case type it shows,
/// with a förvaltning's manus rendered safe even when it holds HTML.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desk_pages_and_case_type_detail() {
    let dir = fixture();
    std::fs::create_dir(dir.path().join("manus")).unwrap();
    write(dir.path(), "manus/oppettider.md", HOSTILE_MANUS);
    let kansli = KANSLI.replace(
        "rosa 1\n        frekvens 20 per dag\n    }",
        "rosa 1\n        frekvens 20 per dag\n        manus \"manus/oppettider.md\"\n    }",
    );
    assert_ne!(kansli, KANSLI);
    write(dir.path(), "kansli.rosa", &kansli);
    let server = TestServer::for_dir(dir.path()).await;

    for (path, content_type, needle) in [
        (
            "/",
            "text/html; charset=utf-8",
            "href=\"/1234/\">Testby</a>",
        ),
        (
            "/1234/",
            "text/html; charset=utf-8",
            "data-kommunkod=\"1234\"",
        ),
        (
            "/assets/desk.js",
            "text/javascript; charset=utf-8",
            "/case-types",
        ),
        (
            "/assets/rosa.css",
            "text/css; charset=utf-8",
            ":focus-visible",
        ),
    ] {
        let reply = server.get(path).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.content_type(), content_type, "{path}");
        let body = String::from_utf8_lossy(&reply.body);
        assert!(body.contains(needle), "{path} lacks {needle}");
        let csp = reply.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe"),
            "{csp}"
        );
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    }
    let page = String::from_utf8_lossy(&server.get("/1234/").await.body).into_owned();
    assert!(
        page.starts_with("<!doctype html>\n<html lang=\"sv\">"),
        "{page}"
    );
    assert!(!page.contains("<script>"), "no inline script: {page}");
    for missing in ["/9999/", "/assets/nope.js"] {
        assert_eq!(server.get(missing).await.status, 404, "{missing}");
    }

    let detail = server.get("/v1/1234/case-types/oppettider").await;
    assert_eq!(detail.status, 200);
    let detail = detail.json();
    assert_eq!(detail["forvaltning_name"], "Kansliet");
    assert_eq!(detail["channels"], json!(["telefon", "e-post"]));
    assert_eq!(detail["parts"][0]["part"], Value::Null);
    let html = detail["parts"][0]["script"]["html"].as_str().unwrap();
    assert!(html.starts_with("<h3>Öppettider</h3>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;") && !html.contains("<script"),
        "{html}"
    );
    assert!(html.contains("href=\"tel:0123-456\""), "{html}");
    assert!(
        !html.contains("javascript") && !html.contains("example.org"),
        "{html}"
    );
    assert!(html.contains("karta"), "the image's alt text stays: {html}");

    // The questions are what the unit's rules read, with their declared types.
    let faktura = server.get("/v1/1234/case-types/faktura").await.json();
    assert_eq!(
        faktura["parts"][0]["questions"],
        json!([{"attribute": "belopp", "kind": "number", "text": "Vilket värde har ”belopp”?"}])
    );
    server
        .get("/v1/1234/case-types/okand")
        .await
        .assert_problem(404, "unknown-case-type");
    server.stop().await;
}

/// A search far over the limit (16,000 letters took 35 s on the request thread) is
/// refused at once with a problem naming the limit, the longest search allowed is
/// answered, and while both are sent over and over another client's plain decision is
/// still answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_search_is_refused_and_holds_up_no_decision() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let huge = format!("/v1/1234/case-types?q={}", "a".repeat(16_000));
    let longest = format!("/v1/1234/case-types?q={}", "fakturor".repeat(500 / 8));
    let refused = server.get(&huge).await.assert_problem(400, "invalid-query");
    assert!(
        refused["detail"].as_str().unwrap().contains("500"),
        "{refused}"
    );
    assert_eq!(refused["errors"][0]["pointer"], "/q");
    assert_eq!(server.get(&longest).await.status, 200);

    let searching = AtomicBool::new(true);
    let searches = async {
        let mut sent = 0;
        while searching.load(Ordering::Relaxed) {
            let (a, b) = tokio::join!(server.get(&huge), server.get(&longest));
            assert_eq!((a.status, b.status), (400, 200));
            sent += 2;
        }
        sent
    };
    let plain = json!({"case_type": "oppettider"});
    let decisions = async {
        // Let the searches start first.
        tokio::time::sleep(Duration::from_millis(50)).await;
        for _ in 0..20 {
            let decision = server.post_json("/v1/1234/decisions", &plain);
            let answered = tokio::time::timeout(Duration::from_secs(10), decision)
                .await
                .expect("a decision is answered while the searches run");
            assert_eq!(answered.status, 200);
        }
        searching.store(false, Ordering::Relaxed);
    };
    let (sent, ()) = tokio::join!(searches, decisions);
    assert!(sent >= 2, "the searches ran alongside");
    server.stop().await;
}

/// Every inquiry the byte-for-byte guard sends: each unit (ärendetyp, and each of its
/// delmoment) of the example kommun in every channel, no channel, an alias and an
/// unknown one; variants whose attributes and time fire the example's guarded rules;
/// an unknown ärendetyp and delmoment; text that JSON must escape.
fn every_unit_inquiry(ruleset: &rosa::Ruleset) -> Vec<Value> {
    let mut channels: Vec<Option<&str>> = rosa::Channel::all().map(|c| Some(c.name())).collect();
    channels.extend([None, Some("besok"), Some("fax \"brev\"\n")]);
    let variants = [
        json!({}),
        json!({"attributes": {"skyddad_identitet": true}}),
        json!({"attributes": {"belopp": 25000, "akut": true}}),
        json!({"attributes": {"akut": false, "belopp": 10}, "time": "2026-03-02T10:15"}),
        json!({"time": "2026-03-07T22:30"}),
        json!({"time": "inte en tid"}),
    ];
    let mut units: Vec<(String, Option<String>)> = vec![
        ("finns-inte".into(), None),
        ("bygglov".into(), Some("finns-inte \\ \u{1b}".into())),
    ];
    for typ in ruleset.arendetyper() {
        units.push((typ.id.clone(), None));
        units.extend(
            typ.units
                .iter()
                .filter_map(|u| u.part.clone())
                .map(|p| (typ.id.clone(), Some(p))),
        );
    }
    let mut inquiries = Vec::new();
    for (case_type, part) in &units {
        // Every channel plainly; the variants in the channels the example's rules test.
        let plain = channels.iter().map(|c| (*c, &variants[0]));
        let guarded = [Some("besök"), Some("telefon")]
            .into_iter()
            .flat_map(|c| variants[1..].iter().map(move |v| (c, v)));
        for (channel, variant) in plain.chain(guarded) {
            let mut inquiry = variant.clone();
            inquiry["case_type"] = json!(case_type);
            if let Some(part) = part {
                inquiry["part"] = json!(part);
            }
            if let Some(channel) = channel {
                inquiry["channel"] = json!(channel);
            }
            inquiries.push(inquiry);
        }
    }
    inquiries
}

/// The guard for serialising answers by hand: every answer of `POST …/decisions` and
/// `…/decisions/batch` is byte for byte the owned `DecisionRecord` as serde_json writes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_byte_for_byte_the_serialised_decision_record() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets/exempelkommun");
    let ruleset = rosa::Ruleset::load(&root).expect("the example loads");
    let engine = rosa::Engine::new(&ruleset);
    let kommunkod = ruleset.policy().kommunkod.clone();
    let server = TestServer::for_dir(&root).await;
    let inquiries = every_unit_inquiry(&ruleset);
    let mut fired = 0;
    let mut expected_batch = Vec::new();
    for body in &inquiries {
        let inquiry: rosa::OwnedInquiry = serde_json::from_value(body.clone()).expect("an inquiry");
        let record = engine.decide_record(&inquiry.view());
        fired += usize::from(record.basis == rosa::Basis::Rule);
        let expected = serde_json::to_vec(&record).expect("serialises");
        let reply = server
            .post_json(&format!("/v1/{kommunkod}/decisions"), body)
            .await;
        assert_eq!(reply.status, 200, "{body}");
        assert_eq!(
            String::from_utf8_lossy(&reply.body),
            String::from_utf8_lossy(&expected),
            "{body}"
        );
        expected_batch.push(record);
    }
    assert!(fired > 20, "the variants fire guarded rules ({fired} did)");
    for (bodies, records) in inquiries.chunks(100).zip(expected_batch.chunks(100)) {
        let reply = server
            .post_json(&format!("/v1/{kommunkod}/decisions/batch"), &json!(bodies))
            .await;
        assert_eq!(reply.status, 200);
        let expected = serde_json::to_vec(records).expect("serialises");
        assert!(reply.body == expected, "a batch differs from its records");
    }
    server.stop().await;
}

/// `POST /{kommunkod}/decisions` is answered before the router (src/serve/hot.rs); a
/// percent-encoded kommunkod still goes through the router. Both must answer alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decision_route_past_the_router_answers_as_the_router_does() {
    let dir = fixture();
    let server = TestServer::for_dir(dir.path()).await;
    let cases: [(Option<&str>, &str); 7] = [
        (Some("application/json"), r#"{"case_type": "faktura"}"#),
        (
            Some("application/json"),
            r#"{"case_type": "faktura", "channel": "telefon"}"#,
        ),
        (Some("application/json"), r#"{"case_type": "okand"}"#),
        (
            Some("application/json"),
            r#"{"case_type": "faktura", "nope": 1}"#,
        ),
        (Some("application/json"), r#"{"case_type": "#),
        (Some("text/plain"), r#"{"case_type": "faktura"}"#),
        (None, r#"{"case_type": "faktura"}"#),
    ];
    for base in ["", "/v1"] {
        for (content_type, body) in cases {
            let plain = format!("{base}/1234/decisions");
            let encoded = format!("{base}/12%334/decisions");
            let past = server.send(Method::POST, &plain, content_type, body).await;
            let routed = server
                .send(Method::POST, &encoded, content_type, body)
                .await;
            let (past, routed) = (past.expect("request"), routed.expect("request"));
            assert_eq!(past.status, routed.status, "{plain} {body}");
            assert_eq!(past.body, routed.body, "{plain} {body}");
            let names = |reply: &Reply| {
                let mut names: Vec<String> = (reply.headers.keys())
                    .filter(|n| *n != "date")
                    .map(|n| n.to_string())
                    .collect();
                names.sort();
                names
            };
            assert_eq!(names(&past), names(&routed), "{plain} {body}");
            for name in [
                "content-type",
                "content-security-policy",
                "x-content-type-options",
            ] {
                assert_eq!(past.headers.get(name), routed.headers.get(name), "{name}");
            }
        }
    }
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("{}/1234/decisions", server.base))
        .header("content-type", "application/json")
        .header("x-request-id", "case-4712")
        .body(Full::new(Bytes::from(r#"{"case_type": "faktura"}"#)))
        .unwrap();
    let response = server.client.request(request).await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "case-4712");
    server.stop().await;
}
