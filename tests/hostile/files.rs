//! The binary against a hostile ruleset directory: FIFOs, symbolic link loops, links to
//! devices and to files outside, a directory replaced while served, a FIFO as a log.
//! Every wait has a deadline, so a regression fails instead of hanging CI.

#![cfg(unix)]

use serde_json::Value;
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const POLICY: &str = r#"kundtjänst "Kontaktcenter Testby" {
    kommun "Testby" kommunkod 1234
    kanaler telefon, e-post
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
}
"#;

const MED_MANUS: &str = r#"förvaltning bygg "Bygg" {
    vidarekoppla kö "Bygg"
    ärendetyp status "Status" {
        rosa 3
        frekvens 20 per dag
        manus "manus/x.md"
    }
}
"#;

const VALID_EDIT: &str = r#"förvaltning teknik "Tekniska förvaltningen" {
    vidarekoppla kö "Teknik"
    ärendetyp gatubelysning "Trasig gatubelysning" {
        rosa 1
        frekvens 5 per dag
    }
}
"#;

fn ruleset(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("policy.rosa"), POLICY).unwrap();
    std::fs::write(dir.join("kansli.rosa"), KANSLI).unwrap();
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ruleset(dir.path());
    dir
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

fn symlink(target: impl AsRef<Path>, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn rosa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rosa"))
}

/// Run to the end, or kill and fail after `limit`.
fn run(mut command: Command, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = drain(child.stdout.take().unwrap());
    let err = drain(child.stderr.take().unwrap());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let output = Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (output, elapsed)
}

fn drain(mut stream: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        bytes
    })
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn check(dir: &Path) -> (Output, Duration) {
    let mut command = rosa();
    command.arg("check").arg(dir);
    run(command, Duration::from_secs(20))
}

/// The first line of /etc/passwd: what must never be shown.
fn passwd_marker() -> String {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd.lines().next().unwrap_or("root:x:0:0").to_string()
}

/// `rosa serve` as a child process, killed when dropped.
struct Served {
    child: Child,
    address: String,
    stderr: mpsc::Receiver<String>,
}

impl Served {
    fn start(dir: &Path) -> Served {
        let mut child = rosa()
            .args(["serve", "--addr", "127.0.0.1:0", "--log-format", "json"])
            .arg(dir)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, stderr) = mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let address = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = stderr.recv_timeout(left).expect("rosa serve listens");
            let event: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
            if let Some(addr) = event["fields"]["addr"].as_str() {
                break addr.to_string();
            }
        };
        Served {
            child,
            address,
            stderr,
        }
    }

    fn get(&self, path: &str) -> String {
        let mut stream = std::net::TcpStream::connect(&self.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply
    }

    fn ruleset(&self) -> Value {
        let reply = self.get("/1234/ruleset");
        let body = reply.split("\r\n\r\n").nth(1).unwrap_or("");
        serde_json::from_str(body).unwrap_or(Value::Null)
    }

    /// Poll `/1234/ruleset` until `done`, or fail after 20 s.
    fn wait_for(&self, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let status = self.ruleset();
            if done(&status) {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {status}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM, and the process must end by itself: a server that ignored it would
    /// still run after 30 s, far beyond a graceful stop on a loaded machine.
    fn terminate(mut self) -> Vec<String> {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "graceful stop exits 0, got {status}");
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "rosa serve still running 30 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stderr.try_iter().collect()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn check_refuses_a_fifo_without_hanging() {
    let dir = fixture();
    mkfifo(&dir.path().join("zz.rosa"));
    let (output, _) = check(dir.path());
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(shown.contains("R0018"), "{shown}");
    assert!(
        shown.contains("filen är inte en vanlig fil (en FIFO)"),
        "{shown}"
    );
}

#[test]
fn check_finishes_quickly_on_a_symlink_loop() {
    let dir = fixture();
    symlink(".", &dir.path().join("a"));
    symlink(".", &dir.path().join("b"));
    let (output, elapsed) = check(dir.path());
    assert!(output.status.success(), "{}", text(&output));
    // A loop followed would never end: `check` kills it and fails at its limit.
    eprintln!("check of a directory with `a -> .` and `b -> .`: {elapsed:?}");
}

#[test]
fn a_link_to_dev_zero_is_refused_without_reading() {
    let dir = fixture();
    symlink("/dev/zero", &dir.path().join("zero.rosa"));
    let (output, elapsed) = check(dir.path());
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("filen är en symbolisk länk som pekar utanför regelkatalogen"),
        "{shown}"
    );
    // Reading /dev/zero would never end: `check` kills it and fails at its limit.
    eprintln!("check with a link to /dev/zero: {elapsed:?}");
}

#[test]
fn a_device_inside_is_not_a_regular_file() {
    // A link inside that resolves to a device, without leaving the directory.
    let dir = fixture();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    mkfifo(&dir.path().join("sub/pipe"));
    symlink("sub/pipe", &dir.path().join("pipe.rosa"));
    let (output, _) = check(dir.path());
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(shown.contains("är inte en vanlig fil (en FIFO)"), "{shown}");
}

#[test]
fn files_linked_to_etc_passwd_are_refused_and_never_shown() {
    let marker = passwd_marker();
    let dir = fixture();
    std::fs::write(dir.path().join("bygg.rosa"), MED_MANUS).unwrap();
    std::fs::create_dir(dir.path().join("manus")).unwrap();
    symlink("/etc/passwd", &dir.path().join("manus/x.md"));
    symlink("/etc/passwd", &dir.path().join("passwd.rosa"));
    let (output, _) = check(dir.path());
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains(
            "manusfilen `manus/x.md` är en symbolisk länk som pekar utanför regelkatalogen"
        ),
        "{shown}"
    );
    assert!(shown.contains("passwd.rosa"), "{shown}");
    assert!(!shown.contains(&marker), "{shown}");

    // A link to a directory outside is no way around it either.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.md"), "# Hemligt\n").unwrap();
    std::fs::remove_file(dir.path().join("passwd.rosa")).unwrap();
    std::fs::remove_dir_all(dir.path().join("manus")).unwrap();
    symlink(outside.path(), &dir.path().join("manus"));
    let (output, _) = check(dir.path());
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(!shown.contains("Hemligt"), "{shown}");
}

#[test]
fn serve_never_shows_a_linked_file_and_keeps_serving() {
    let marker = passwd_marker();
    let dir = fixture();
    std::fs::write(dir.path().join("bygg.rosa"), MED_MANUS).unwrap();
    std::fs::create_dir(dir.path().join("manus")).unwrap();
    std::fs::write(dir.path().join("manus/x.md"), "# Status\n").unwrap();
    let served = Served::start(dir.path());
    std::fs::remove_file(dir.path().join("manus/x.md")).unwrap();
    symlink("/etc/passwd", &dir.path().join("manus/x.md"));
    symlink("/etc/passwd", &dir.path().join("passwd.rosa"));
    let status = served.wait_for("the rejected reload", |s| !s["last_reload_error"].is_null());
    let shown = status.to_string();
    assert!(shown.contains("R0018"), "{shown}");
    assert!(!shown.contains(&marker), "{shown}");
    assert!(served.get("/health").starts_with("HTTP/1.1 200"));
    let logs = served.terminate().join("\n");
    assert!(!logs.contains(&marker), "{logs}");
}

#[test]
fn serve_survives_a_fifo_and_still_reloads_and_stops() {
    let dir = fixture();
    let served = Served::start(dir.path());
    mkfifo(&dir.path().join("zz.rosa"));
    let status = served.wait_for("the rejected reload", |s| !s["last_reload_error"].is_null());
    assert!(status.to_string().contains("FIFO"), "{status}");
    std::fs::remove_file(dir.path().join("zz.rosa")).unwrap();
    std::fs::write(dir.path().join("teknik.rosa"), VALID_EDIT).unwrap();
    served.wait_for("the reload after the FIFO", |s| {
        s["counts"]["forvaltningar"] == 2 && s["last_reload_error"].is_null()
    });
    // A FIFO that stays: SIGTERM still ends the process.
    mkfifo(&dir.path().join("zz.rosa"));
    served.wait_for("the second rejected reload", |s| {
        !s["last_reload_error"].is_null()
    });
    served.terminate();
}

#[test]
fn serve_survives_a_symlink_loop_and_a_link_to_dev_zero() {
    let dir = fixture();
    let served = Served::start(dir.path());
    symlink(".", &dir.path().join("a"));
    symlink(".", &dir.path().join("b"));
    symlink("/dev/zero", &dir.path().join("zero.rosa"));
    let status = served.wait_for("the rejected reload", |s| !s["last_reload_error"].is_null());
    assert!(status.to_string().contains("zero.rosa"), "{status}");
    // Neither the loop nor the device was read without end.
    let rss_kb = std::fs::read_to_string(format!("/proc/{}/status", served.child.id()))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .unwrap_or(0);
    assert!(rss_kb < 200_000, "resident memory {rss_kb} kB");
    std::fs::remove_file(dir.path().join("zero.rosa")).unwrap();
    std::fs::write(dir.path().join("teknik.rosa"), VALID_EDIT).unwrap();
    served.wait_for("the edit after the links", |s| {
        s["counts"]["forvaltningar"] == 2 && s["last_reload_error"].is_null()
    });
    served.terminate();
}

#[test]
fn a_replaced_directory_is_still_watched() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("regler");
    ruleset(&dir);
    let served = Served::start(&dir);
    for round in 0..2 {
        // A deploy: the new directory is prepared next to it and renamed into place.
        let next = parent.path().join(format!("ny-{round}"));
        ruleset(&next);
        std::fs::rename(&dir, parent.path().join(format!("gammal-{round}"))).unwrap();
        std::fs::rename(&next, &dir).unwrap();
        // The reload of the replaced directory gives the same files, so no sign of it:
        // the edit right after must be seen either way.
        let name = format!("teknik{round}.rosa");
        let edit = VALID_EDIT.replace("teknik", &format!("teknik{round}"));
        std::fs::write(dir.join(name), edit).unwrap();
        served.wait_for("the edit in the replaced directory", |s| {
            s["counts"]["forvaltningar"] == 2
        });
        std::fs::remove_file(dir.join(format!("teknik{round}.rosa"))).unwrap();
        served.wait_for("the second edit in the replaced directory", |s| {
            s["counts"]["forvaltningar"] == 1
        });
    }
    served.terminate();
}

#[test]
fn a_repointed_symbolic_link_is_followed() {
    let parent = tempfile::tempdir().unwrap();
    let (v1, v2) = (parent.path().join("v1"), parent.path().join("v2"));
    ruleset(&v1);
    ruleset(&v2);
    std::fs::write(v2.join("teknik.rosa"), VALID_EDIT).unwrap();
    let current = parent.path().join("current");
    symlink(&v1, &current);
    let served = Served::start(&current);
    // A deploy: a new link renamed over the old one.
    let next = parent.path().join("next");
    symlink(&v2, &next);
    std::fs::rename(&next, &current).unwrap();
    served.wait_for("the switch to v2", |s| s["counts"]["forvaltningar"] == 2);
    std::fs::remove_file(v2.join("teknik.rosa")).unwrap();
    served.wait_for("the edit in v2", |s| s["counts"]["forvaltningar"] == 1);
    served.terminate();
}

#[test]
fn serve_refuses_a_fifo_as_decision_log() {
    let dir = fixture();
    let fifo = dir.path().join("log.fifo");
    mkfifo(&fifo);
    let mut command = rosa();
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--decision-log"])
        .arg(&fifo)
        .arg(dir.path());
    let (output, _) = run(command, Duration::from_secs(20));
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(shown.contains("not a regular file"), "{shown}");
}

#[test]
fn dry_run_refuses_a_fifo_as_log() {
    let dir = fixture();
    let fifo = dir.path().join("log.fifo");
    mkfifo(&fifo);
    let mut command = rosa();
    command
        .args(["dry-run", "--log"])
        .arg(&fifo)
        .arg(dir.path());
    let (output, _) = run(command, Duration::from_secs(20));
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(shown.contains("är inte en vanlig fil (en FIFO)"), "{shown}");
}

#[test]
fn size_count_and_depth_limits_name_the_file() {
    let dir = fixture();
    std::fs::write(dir.path().join("stor.rosa"), vec![b' '; 5 * 1024 * 1024]).unwrap();
    let mut deep = dir.path().to_path_buf();
    for level in 0..17 {
        deep.push(format!("n{level}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("djup.rosa"), "").unwrap();
    let (output, _) = check(dir.path());
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("filen är större än gränsen 4 MiB"),
        "{shown}"
    );
    assert!(shown.contains("--> stor.rosa"), "{shown}");
    assert!(
        shown.contains("ligger djupare än 16 nivåer och läses inte"),
        "{shown}"
    );
    assert!(!shown.contains("djup.rosa"), "{shown}");

    let many = fixture();
    for i in 0..2_000 {
        std::fs::write(many.path().join(format!("tom{i:04}.rosa")), "").unwrap();
    }
    let (output, elapsed) = check(many.path());
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("regelkatalogen har fler än 2000 `.rosa`-filer"),
        "{shown}"
    );
    eprintln!("check of 2,002 files: {elapsed:?}");
}
