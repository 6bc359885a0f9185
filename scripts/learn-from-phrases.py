#!/usr/bin/env python3
"""The example kommun learns from its own calls (issue 21, the learning loop).

Treats a phrase corpus (by default tests/fixtures/sok/fraser.tsv, the tuning set) as
weeks of desk choices: each phrasing is what staff typed, and its first expected unit
is what they chose. The choices go to a real `rosa serve --search-log` over HTTP, so
the log holds exactly what the server's privacy filter keeps. Then
`rosa search --forslag LOG DIR --minst N` proposes `sökord`, and with --apply each one
is added through a real `rosa studio --search-log LOG` (the studio's "Lägg till som
sökord": its edit function, check, fmt and tests), never by hand.

Never give it the held-out control set: that set must stay unseen.

    cargo build --release --bin rosa
    scripts/learn-from-phrases.py --minst 2            # show the proposals
    scripts/learn-from-phrases.py --minst 2 --apply    # add them to the .rosa files
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_until_up(url, process):
    for _ in range(300):
        if process.poll() is not None:
            sys.exit(f"the server stopped (exit {process.returncode})")
        try:
            if request(url)[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.1)
    sys.exit(f"{url} did not answer")


def choices(corpus):
    """(phrasing, case_type, part) per line, the first expected unit as staff's choice."""
    with open(corpus, encoding="utf-8") as f:
        lines = f.read().splitlines()[1:]
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        phrase, expected = line.split("\t")[:2]
        case_type, _, part = expected.split("|")[0].partition("/")
        yield phrase, case_type, part or None


def kommunkod_of(base):
    status, body = request(f"{base}/v1/municipalities")
    if status != 200:
        sys.exit(f"/v1/municipalities: {status} {body}")
    found = re.findall(r'"kommunkod"\s*:\s*"(\d{4})"', body)
    if len(found) != 1:
        sys.exit(f"expected one kommun, got {body}")
    return found[0]


def write_log(rosa, rules, corpus, log):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [rosa, "serve", rules, "--addr", f"127.0.0.1:{port}", "--no-watch",
         "--search-log", log],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"{base}/v1/health/ready", server)
        kommunkod = kommunkod_of(base)
        sent = 0
        for phrase, case_type, part in choices(corpus):
            status, body = request(
                f"{base}/v1/{kommunkod}/search-choices",
                {"q": phrase, "case_type": case_type, "part": part},
            )
            if status != 204:
                sys.exit(f"{phrase!r} -> {case_type}/{part}: {status} {body}")
            sent += 1
        metrics = request(f"{base}/metrics")[1]
        written = re.search(r"^rosa_search_log_written_total (\d+)", metrics, re.M)
        print(f"{sent} choices sent, {written.group(1) if written else '?'} lines written to {log}")
    finally:
        server.terminate()
        server.wait()


def proposals(rosa, rules, log, minst):
    out = subprocess.run(
        [rosa, "search", "--format", "json", "--forslag", log, rules, "--minst", str(minst)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def apply(rosa, rules, log, proposed):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    studio = subprocess.Popen(
        [rosa, "studio", rules, "--addr", f"127.0.0.1:{port}", "--search-log", log],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"{base}/", studio)
        token = re.search(r'data-token="([^"]+)"', request(f"{base}/")[1]).group(1)
        added = 0
        for p in proposed:
            status, body = request(
                f"{base}/api/search-word",
                {"case_type": p["case_type"], "part": p.get("part"), "word": p["word"]},
                {"X-Rosa-Token": token},
            )
            unit = p["case_type"] + ("/" + p["part"] if p.get("part") else "")
            if status != 200:
                print(f"  not added: {p['word']} -> {unit}: {status} {body}")
                continue
            failed = json.loads(body).get("tests", {}).get("failed", [])
            if failed:
                sys.exit(f"{p['word']} -> {unit}: the ruleset's tests fail: {failed}")
            added += 1
        print(f"{added} of {len(proposed)} sökord added through the studio")
    finally:
        studio.terminate()
        studio.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rosa", default="target/release/rosa")
    parser.add_argument("--rules", default="rulesets/exempelkommun")
    parser.add_argument("--corpus", default="tests/fixtures/sok/fraser.tsv")
    parser.add_argument("--minst", type=int, default=2)
    parser.add_argument("--log", help="keep the log here (default: a temporary file)")
    parser.add_argument("--apply", action="store_true", help="add the proposals")
    args = parser.parse_args()
    if "kontroll" in os.path.basename(args.corpus):
        sys.exit("the held-out control set is never training data")
    with tempfile.TemporaryDirectory() as work:
        log = args.log or os.path.join(work, "sokning.tsv")
        if os.path.exists(log):
            sys.exit(f"{log} exists; the server would append to it")
        write_log(args.rosa, args.rules, args.corpus, log)
        proposed = proposals(args.rosa, args.rules, log, args.minst)
        print(f"{len(proposed)} proposals with --minst {args.minst}:")
        for p in proposed:
            unit = p["case_type"] + ("/" + p["part"] if p.get("part") else "")
            print(f"  {p['count']}× {p['word']} -> {unit}")
        if args.apply:
            apply(args.rosa, args.rules, log, proposed)


if __name__ == "__main__":
    main()
