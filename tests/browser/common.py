"""What the browser tests share: running a named check, axe-core, the browser."""

from pathlib import Path

failures = []


def check(name, test, *args):
    """Run one check; report it and go on, so one run shows every failure."""
    try:
        test(*args)
        print(f"ok   {name}")
    except Exception as error:  # noqa: BLE001 - report every failure, then fail
        print(f"FAIL {name}: {error}")
        failures.append(name)


class Axe:
    """axe-core, injected into a page (needs a context with bypass_csp: it is inline)."""

    def __init__(self, path):
        self.source = Path(path).read_text(encoding="utf-8")

    def __call__(self, page, state):
        page.add_script_tag(content=self.source)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})"
        )
        for v in result["violations"]:
            print(f"     axe {state}: {v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])})")
        serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, f"{len(serious)} serious axe violations in {state}"


def launch(playwright):
    """Debian's chromium: Playwright cannot download a browser here."""
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])


def finish(what):
    if failures:
        print(f"{len(failures)} of {what} browser checks failed")
        raise SystemExit(1)
    print(f"all {what} browser checks passed")
