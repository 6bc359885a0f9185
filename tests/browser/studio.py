"""rosa studio in a real browser (Debian's chromium via Playwright) at a projector's
1280×720, on a copy of the example kommun: the overview, a förvaltning's page whose
cards stay in view while a level is changed, a live what-if, a level saved through the
checker and the formatter with the tests run and an undo, a stale tab refused, a broken
file that leaves the rest usable, the print to sign, a broken edit refused, a
conflicting edit detected, and axe-core. Run by scripts/browser-test.sh with the rosa binary, the example directory,
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


SAMHALL = "forvaltning/samhallsbyggnad"
TEKNISKA = "forvaltning/tekniska"


def ready(page, base, path):
    page.goto(base + path)
    expect(page.locator("#v-andel")).not_to_have_text("–")


def names_every_forvaltning(page, base, directory):
    page.goto(base)
    names = set()
    for file in directory.glob("*.rosa"):
        names.update(re.findall(r'^förvaltning \S+ "([^"]+)"', file.read_text(encoding="utf-8"), re.M))
    assert len(names) >= 10, names
    for name in names:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    # The overview's share is the dry-run's, as a range where conditions decide.
    expect(page.locator(".kort dd").first).to_contain_text("beroende på villkor")
    page.get_by_role("link", name="Samhällsbyggnadsförvaltningen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samhällsbyggnadsförvaltningen")


def in_viewport(page, selector):
    box = page.locator(selector).bounding_box()
    view = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= view["height"]


def cards_stay_in_view(page, base):
    ready(page, base, SAMHALL)
    # A row far down the table: scrolled to, its level changed, the cards still in view.
    selects = page.locator("select.niva")
    last = selects.nth(selects.count() - 1)
    last.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 300, "the table is longer than the screen"
    saved = last.input_value()
    last.select_option("1" if saved != "1" else "2")
    expect(page.locator("#v-sammanfattning")).to_contain_text("på nivå")
    assert in_viewport(page, "#siffror"), page.locator("#siffror").bounding_box()
    assert in_viewport(page, "#spara-nivaer")
    assert last.is_visible()
    expect(page.locator("#v-forv-andel")).not_to_have_text("–")
    page.screenshot(path=str(SHOTS / "studio.png"))
    # The filters: one level, one outcome, those that depend on conditions.
    page.get_by_label("Utfall", exact=True).select_option("forwarded")
    expect(page.locator("#filtrerat")).to_contain_text("Visar")
    page.get_by_label("Utfall", exact=True).select_option("")
    page.get_by_label("Bara de som beror på villkor").check()
    expect(page.locator("#filtrerat")).to_contain_text("Visar")


def what_if_system(page, base):
    ready(page, base, SAMHALL)
    before = share(page)
    page.get_by_text("Prova fler beslut").click()
    # Keyboard only: Tab to the checkbox, Space to tick it.
    box = page.get_by_label("Ge kundtjänst Ecos")
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    expect(page.locator("#v-andel .delta")).to_contain_text("före: " + before)
    assert share(page) != before, (before, share(page))
    expect(page.locator("#v-sammanfattning")).to_contain_text("kundtjänst får Ecos")
    # A Swedish decimal comma is read as a Swede means it.
    page.get_by_label("Frekvensgräns, kontakter per månad").fill("2,5")
    expect(page.locator("#v-sammanfattning")).to_contain_text("frekvensgräns 2,5 per månad")


def change_level_and_save(page, base, directory, original):
    ready(page, base, SAMHALL)
    level = page.get_by_label("Nivå för Status på bygglovsärende")
    expect(level).to_have_value("3")
    level.select_option("4")
    expect(page.locator("#v-sammanfattning")).to_contain_text("Status på bygglovsärende på nivå 4")
    page.get_by_role("button", name="Spara ändrade nivåer i regelfilerna").click()
    expect(page.locator("#test-utfall")).to_contain_text("Sparat i samhallsbyggnad.rosa")
    expect(page.locator("#test-utfall")).to_contain_text("tester går igenom")
    expect(page.get_by_label("Nivå för Status på bygglovsärende")).to_have_value("4")
    checked = rosa("check", str(directory))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = rosa("test", str(directory))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    diff = subprocess.run(["diff", "-r", str(original), str(directory)], capture_output=True, text=True).stdout
    changed = [l for l in diff.splitlines() if l.startswith(("<", ">"))]
    assert len(changed) == 2, diff
    assert re.fullmatch(r"<\s+rosa 3", changed[0]) and re.fullmatch(r">\s+rosa 4", changed[1]), diff


def save_breaks_a_test(page, base, directory):
    path = directory / "samhallsbyggnad.rosa"
    before = path.read_text(encoding="utf-8")
    ready(page, base, SAMHALL)
    page.get_by_label("Nivå för Status på bygglovsärende").select_option("5")
    page.get_by_role("button", name="Spara ändrade nivåer i regelfilerna").click()
    result = page.locator("#test-utfall")
    expect(result).to_contain_text("misslyckas nu")
    expect(result.locator("li").first).to_contain_text("nivå 5")
    assert in_viewport(page, "#test-utfall")
    page.get_by_role("button", name="Ångra sparandet").click()
    expect(page.locator("#spara-status")).to_contain_text("Ångrat")
    assert path.read_text(encoding="utf-8") == before, "the undo did not write the text back"


def stale_tab_is_refused(page, base, directory):
    other = page.context.new_page()
    try:
        ready(page, base, SAMHALL)
        ready(other, base, SAMHALL)
        page.get_by_label("Nivå för Status på bygglovsärende").select_option("3")
        page.get_by_role("button", name="Spara ändrade nivåer i regelfilerna").click()
        expect(page.locator("#test-utfall")).to_contain_text("Sparat i samhallsbyggnad.rosa")
        saved = (directory / "samhallsbyggnad.rosa").read_text(encoding="utf-8")
        # The second tab still has the file as it was: its save is refused.
        other.get_by_label("Nivå för Status på bygglovsärende").select_option("2")
        other.get_by_role("button", name="Spara ändrade nivåer i regelfilerna").click()
        expect(other.locator("#spara-status")).to_contain_text("i en annan flik")
        assert (directory / "samhallsbyggnad.rosa").read_text(encoding="utf-8") == saved
    finally:
        other.close()


def broken_file_leaves_the_rest(page, base, directory):
    path = directory / "kultur-fritid.rosa"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("frekvens ", "frekvens x", 1), encoding="utf-8")
    try:
        ready(page, base, SAMHALL)
        notice = page.locator(".gammal-version")
        expect(notice).to_contain_text("senaste versionen som gick att läsa")
        expect(notice).to_contain_text("Fel:")
        level = page.get_by_label("Nivå för Status på bygglovsärende")
        expect(level).to_be_visible()
        notice.get_by_role("link", name=re.compile("kultur-fritid.rosa, rad")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Regelfil: kultur-fritid.rosa")
        area = page.get_by_label("Regeltext")
        expect(area).to_be_focused()
        selected = page.evaluate("() => { const a = document.getElementById('regeltext'); return a.value.slice(a.selectionStart, a.selectionEnd); }")
        assert "frekvens x" in selected, selected
    finally:
        path.write_text(good, encoding="utf-8")


def print_to_sign(page, base, directory):
    page.goto(base + SAMHALL + "/utskrift")
    page.emulate_media(media="print")
    text = page.locator("article.utskrift").inner_text()
    for needed in ["Datum", "Regeluppsättning", "Förvaltningschef", "För kundtjänst", "Samhällsbyggnadsförvaltningen"]:
        assert needed in text, needed
    ruleset_id = re.search(r"Regeluppsättning\s+([0-9a-f]{16})", text)
    assert ruleset_id, text[:400]
    expect(page.locator(".utskrift-knapp")).to_be_hidden()
    expect(page.locator(".topp")).to_be_hidden()
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf[:4] == b"%PDF" and len(pdf) > 10000, len(pdf)


def desk_preview_shows_the_trial(page, base):
    page.on("dialog", lambda dialog: dialog.accept())
    ready(page, base, SAMHALL)
    level = page.get_by_label("Nivå för Status på bygglovsärende")
    level.select_option("5")
    expect(page.locator("#v-sammanfattning")).to_contain_text("Status på bygglovsärende på nivå 5")
    page.get_by_role("link", name="Handboken (förhandsvisning)").click()
    expect(page.get_by_role("note")).to_contain_text("Status på bygglovsärende på nivå 5")
    page.get_by_role("combobox").fill("status på mitt bygglovsärende")
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#svar-rubrik")).to_have_text("Koppla vidare till Samhällsbyggnadsförvaltningen")
    # Nothing was saved: back on the agreement the saved level stands.
    page.goto(base + SAMHALL)
    expect(page.get_by_label("Nivå för Status på bygglovsärende")).to_have_value("3")


def add_from_the_form(page, base, directory):
    page.goto(base + "ny")
    page.get_by_label("Förvaltning").select_option(label="Tekniska förvaltningen")
    page.get_by_label("Id", exact=True).fill("gatukonst")
    page.get_by_label("Namn", exact=True).fill("Gatukonst och muralmålningar")
    page.get_by_label("ROSA-nivå").select_option("2")
    page.get_by_label("Frekvens, kontakter per månad").fill("3")
    page.get_by_label("Webbplats", exact=True).check()
    page.get_by_role("button", name="Lägg till och spara").click()
    expect(page.locator("#ny-test-utfall")).to_contain_text("Sparat i tekniska.rosa")
    checked = rosa("check", str(directory))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    page.goto(base + TEKNISKA)
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
    # The findings and Spara sit beside the text, in view, however long the file.
    assert in_viewport(page, "#diagnoser li >> nth=0")
    assert in_viewport(page, "button[type=submit]")
    page.screenshot(path=str(SHOTS / "studio-fel.png"))
    assert path.read_text(encoding="utf-8") == saved, "a broken edit was written"


def conflict_is_detected(page, base, directory):
    path = directory / "tekniska.rosa"
    page.goto(base + "filer/tekniska.rosa")
    area = page.get_by_label("Regeltext")
    # The file is checked (a unit added from the form earlier may carry a warning: a
    # direct level without `svar`), and has no error.
    expect(page.locator("#diagnoser")).to_contain_text(
        re.compile("Inga fel eller varningar i den här filen|Varning på rad"))
    expect(page.locator("#diagnoser")).not_to_contain_text("Fel på rad")
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
    page.goto(base + TEKNISKA)
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
    axe(page, "förvaltningarna")
    ready(page, base, SAMHALL)
    axe(page, "en förvaltnings sida")
    page.goto(base + SAMHALL + "/utskrift")
    axe(page, "utskriften")
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
                # A projector's 1280×720.
                context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="sv-SE")
                for name, test, args in [
                    ("första sidan länkar varje förvaltning", names_every_forvaltning, (base, directory)),
                    ("korten syns medan en nivå långt ned i tabellen ändras", cards_stay_in_view, (base,)),
                    ("prova ett system: andelen ändras (bara tangentbord)", what_if_system, (base,)),
                    ("ändra en nivå och spara: check, test och en rad i diffen", change_level_and_save, (base, directory, original)),
                    ("ett sparande som bryter ett test visar det på sidan och kan ångras", save_breaks_a_test, (base, directory)),
                    ("en andra flik med gammal version får inte spara nivåer", stale_tab_is_refused, (base, directory)),
                    ("en trasig fil lämnar de andra förvaltningarna användbara", broken_file_leaves_the_rest, (base, directory)),
                    ("utskriften för underskrift har datum, id och underskrifter", print_to_sign, (base, directory)),
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
                axe_context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 720})
                check("axe-core: inga allvarliga brister (WCAG 2.1 AA)", accessibility, axe_context.new_page(), base)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    finish("the studio's")


main()
