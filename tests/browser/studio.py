"""rosa studio in a real browser (Debian's chromium via Playwright), on a copy of the
example kommun: the agreement, a live what-if, a level changed and saved through the
checker and the formatter, a broken edit refused, a conflicting edit detected, and
axe-core. Run by scripts/browser-test.sh with the rosa binary, the example directory,
axe-core and the screenshot directory.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from common import Axe, check, failures, finish, launch

ROSA, EXAMPLE, AXE_PATH, SHOTS = sys.argv[1], Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
axe = Axe(AXE_PATH)




def start_studio(directory):
    process = subprocess.Popen(
        [ROSA, "studio", str(directory), "--addr", "127.0.0.1:0"],
        stderr=subprocess.PIPE, text=True,
    )
    for line in process.stderr:
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if found:
            return process, found.group(0)
    raise RuntimeError("the studio did not start")


def rosa(*args):
    return subprocess.run([ROSA, *args], capture_output=True, text=True)


def share(page):
    return page.locator("#v-andel").inner_text().split("\n")[0]


def names_every_forvaltning(page, base, directory):
    page.goto(base)
    names = set()
    for file in directory.glob("*.rosa"):
        names.update(re.findall(r'^förvaltning \S+ "([^"]+)"', file.read_text(encoding="utf-8"), re.M))
    assert len(names) >= 10, names
    for name in names:
        expect(page.get_by_role("heading", level=2, name=name, exact=True)).to_be_visible()


def what_if_system(page, base):
    page.goto(base)
    expect(page.locator("#v-andel")).not_to_have_text("–")
    before = share(page)
    # Keyboard only: Tab to the checkbox, Space to tick it.
    box = page.get_by_label("Ge kundtjänst Ecos")
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    expect(page.locator("#v-andel .delta")).to_contain_text("före: " + before)
    assert share(page) != before, (before, share(page))
    expect(page.locator("#v-sammanfattning")).to_contain_text("kundtjänst får Ecos")
    page.screenshot(path=str(SHOTS / "studio.png"))


def change_level_and_save(page, base, directory, original):
    page.goto(base)
    expect(page.locator("#v-andel")).not_to_have_text("–")
    level = page.get_by_label("Nivå för Status på bygglovsärende")
    expect(level).to_have_value("3")
    level.select_option("4")
    expect(page.locator("#v-sammanfattning")).to_contain_text("bygglov-status på nivå 4")
    page.get_by_role("button", name="Spara ändrade nivåer i regelfilerna").click()
    expect(page.locator("#spara-status")).to_contain_text("Sparat i samhallsbyggnad.rosa")
    expect(page.get_by_label("Nivå för Status på bygglovsärende")).to_have_value("4")
    checked = rosa("check", str(directory))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = rosa("test", str(directory))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    diff = subprocess.run(["diff", "-r", str(original), str(directory)], capture_output=True, text=True).stdout
    changed = [l for l in diff.splitlines() if l.startswith(("<", ">"))]
    assert len(changed) == 2, diff
    assert re.fullmatch(r"<\s+rosa 3", changed[0]) and re.fullmatch(r">\s+rosa 4", changed[1]), diff


def desk_preview_shows_the_trial(page, base):
    page.goto(base)
    expect(page.locator("#v-andel")).not_to_have_text("–")
    level = page.get_by_label("Nivå för Status på bygglovsärende")
    level.select_option("5")
    expect(page.locator("#v-sammanfattning")).to_contain_text("bygglov-status på nivå 5")
    page.get_by_role("link", name="Handboken (förhandsvisning)").click()
    expect(page.get_by_role("note")).to_contain_text("bygglov-status på nivå 5")
    page.get_by_role("combobox").fill("status på mitt bygglovsärende")
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#svar-rubrik")).to_have_text("Koppla vidare till Samhällsbyggnadsförvaltningen")
    # Nothing was saved: back on the agreement the saved level stands.
    page.goto(base)
    expect(page.get_by_label("Nivå för Status på bygglovsärende")).to_have_value("4")


def add_from_the_form(page, base, directory):
    page.goto(base + "ny")
    page.get_by_label("Förvaltning").select_option(label="Tekniska förvaltningen")
    page.get_by_label("Id", exact=True).fill("gatukonst")
    page.get_by_label("Namn", exact=True).fill("Gatukonst och muralmålningar")
    page.get_by_label("ROSA-nivå").select_option("2")
    page.get_by_label("Frekvens, kontakter per månad").fill("3")
    page.get_by_label("Webbplats", exact=True).check()
    page.get_by_role("button", name="Lägg till och spara").click()
    expect(page.locator("#ny-status")).to_contain_text("Sparat i tekniska.rosa")
    checked = rosa("check", str(directory))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    page.goto(base)
    expect(page.get_by_role("rowheader", name="Gatukonst och muralmålningar")).to_be_visible()
    # A wrong id is refused with why, and nothing is written.
    before = (directory / "tekniska.rosa").read_text(encoding="utf-8")
    page.goto(base + "ny")
    page.get_by_label("Id", exact=True).fill("gatu konst")
    page.get_by_label("Namn", exact=True).fill("Fel")
    page.get_by_role("button", name="Lägg till och spara").click()
    expect(page.locator("#ny-status")).to_contain_text("Sparades inte: id för ärendetypen får bara ha")
    assert (directory / "tekniska.rosa").read_text(encoding="utf-8") == before


def broken_edit_is_not_saved(page, base, directory):
    path = directory / "tekniska.rosa"
    saved = path.read_text(encoding="utf-8")
    page.goto(base + "filer/tekniska.rosa")
    area = page.get_by_label("Regeltext")
    text = area.input_value()
    broken = text.replace("rosa 1", "rosa 9", 1)
    assert broken != text
    area.fill(broken)
    diagnostics = page.locator("#diagnoser")
    expect(diagnostics).to_contain_text("Fel på")
    expect(diagnostics).to_contain_text("9")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#fil-status")).to_contain_text("Sparades inte")
    page.screenshot(path=str(SHOTS / "studio-fel.png"))
    assert path.read_text(encoding="utf-8") == saved, "a broken edit was written"


def conflict_is_detected(page, base, directory):
    path = directory / "tekniska.rosa"
    page.goto(base + "filer/tekniska.rosa")
    area = page.get_by_label("Regeltext")
    expect(page.locator("#diagnoser")).to_contain_text("Inga fel eller varningar i den här filen")
    # Someone else saves the file meanwhile (an editor beside the studio).
    elsewhere = path.read_text(encoding="utf-8") + "\n// ändrad i en annan editor\n"
    path.write_text(elsewhere, encoding="utf-8")
    area.fill(area.input_value() + "\n// ändrad i studion\n")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#fil-status")).to_contain_text("har ändrats på disken")
    assert path.read_text(encoding="utf-8") == elsewhere, "the other edit was overwritten"


def foreign_writes_are_refused(page, base):
    page.goto(base)
    status = page.evaluate(
        """async () => (await fetch('/api/what-if', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: '{}'})).status"""
    )
    assert status == 403, status


def tests_page(page, base):
    page.goto(base)
    pin = page.get_by_role("button", name="Fäst som test: Snöröjning och halkbekämpning")
    pin.click()
    row = pin.locator("xpath=ancestor::tr")
    expect(row.locator(".fast-status")).to_contain_text("Testet ”Snöröjning och halkbekämpning i telefon")
    page.goto(base + "tester")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tester")
    expect(page.locator(".ingress")).to_contain_text("0 misslyckades")
    expect(page.get_by_role("rowheader", name=re.compile("Snöröjning och halkbekämpning i telefon"))).to_be_visible()




def accessibility(page, base):
    page.goto(base)
    expect(page.locator("#v-andel")).not_to_have_text("–")
    axe(page, "överenskommelsen")
    page.goto(base + "filer/tekniska.rosa")
    expect(page.locator("#diagnoser")).not_to_contain_text("Kontrollerar")
    axe(page, "regelfilen")
    page.goto(base + "tester")
    axe(page, "testerna")
    page.goto(base + "ny")
    axe(page, "ny ärendetyp")
    page.goto(base + "forhandsvisning/")
    page.get_by_role("combobox").fill("när kommer sopbilen")
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#svar")).to_be_visible()
    axe(page, "handboken i förhandsvisning")


def main():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        original = Path(tmp) / "original"
        directory = Path(tmp) / "kommun"
        shutil.copytree(EXAMPLE, original)
        shutil.copytree(EXAMPLE, directory)
        process, base = start_studio(directory)
        try:
            with sync_playwright() as p:
                browser = launch(p)
                context = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="sv-SE")
                for name, test, args in [
                    ("första sidan namnger varje förvaltning", names_every_forvaltning, (base, directory)),
                    ("prova ett system: andelen ändras (bara tangentbord)", what_if_system, (base,)),
                    ("ändra en nivå och spara: check, test och en rad i diffen", change_level_and_save, (base, directory, original)),
                    ("handboken förhandsvisas med det ni provar", desk_preview_shows_the_trial, (base,)),
                    ("lägg till en ärendetyp från formuläret", add_from_the_form, (base, directory)),
                    ("en trasig ändring visar felet och sparas inte", broken_edit_is_not_saved, (base, directory)),
                    ("en fil som ändrats på disken skrivs inte över", conflict_is_detected, (base, directory)),
                    ("skrivningar utan studions nyckel nekas", foreign_writes_are_refused, (base,)),
                    ("fäst ett utfall som test, och se det bland testerna", tests_page, (base,)),
                ]:
                    page = context.new_page()
                    errors = []
                    page.on("pageerror", lambda e: errors.append(str(e)))
                    check(name, test, page, *args)
                    if errors:
                        print(f"FAIL {name}: script errors: {errors}")
                        failures.append(name)
                    page.close()
                axe_context = browser.new_context(bypass_csp=True, viewport={"width": 1300, "height": 1000})
                check("axe-core: inga allvarliga brister (WCAG 2.1 AA)", accessibility, axe_context.new_page(), base)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    finish("the studio's")


main()
