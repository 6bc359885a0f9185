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
    assert_eq!(first["links"]["decisions"], "/1234/decisions");

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
    assert_eq!(ruleset["directory"], dir.path().display().to_string());

    let docs = server.get("/api-docs").await;
    assert_eq!(docs.status, 200);
    let docs = docs.json();
    assert_eq!(docs["openapi"], "3.1.0");
    assert!(docs["paths"]["/{kommunkod}/decisions/batch"]["post"].is_object());
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
    for path in ["/", "/nope", "/1234", "/1234/decisions/batch/x", "/health/"] {
        server.get(path).await.assert_problem(404, "not-found");
    }
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
    let padding = " ".repeat(limits.body_bytes);
    let big = format!("{{\"case_type\": \"faktura\"}}{padding}");
    server
        .post("/1234/decisions", "application/json", big)
        .await
        .assert_problem(413, "body-too-large");

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

/// Send `head` and wait (up to 5 s) until the server answers and closes.
async fn raw_exchange(address: String, head: &'static str) -> (String, Duration) {
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let started = std::time::Instant::now();
        let mut stream = std::net::TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        stream.write_all(head.as_bytes()).expect("write");
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        (
            String::from_utf8_lossy(&response).into_owned(),
            started.elapsed(),
        )
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
    let (text, _) = raw_exchange(address.clone(), stalled_body).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(
        text.contains("application/problem+json") && text.contains("urn:rosa:problem:timeout"),
        "{text}"
    );

    // Headers that never finish: hyper closes the connection at the header timeout.
    let stalled_head = "POST /1234/decisions HTTP/1.1\r\nHost: te";
    let (_, waited) = raw_exchange(address, stalled_head).await;
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
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
        json!({"case_type": "19121212-1212", "channel": "Anna Andersson", "attributes": {"personnummer": "19121212-1212"}}),
        json!({"case_type": "faktura", "part": "Anna Andersson 19121212-1212"}),
    ];
    for inquiry in &inquiries {
        assert_eq!(
            server.post_json("/1234/decisions", inquiry).await.status,
            200
        );
    }
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
    assert!(lines[0]["ruleset"].as_str().is_some_and(|r| r.len() == 64));
    assert!(lines[0]["time"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(lines[1]["case_type"], Value::Null);
    assert_eq!(
        lines[1]["withheld"],
        json!(["case_type", "channel", "attributes"])
    );
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
