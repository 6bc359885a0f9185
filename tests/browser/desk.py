"""The kommunvägledare's desk in a real browser (Debian's chromium via Playwright).

Run by scripts/browser-test.sh, which starts `rosa serve` on the example kommun and
passes its address. Fails on a broken path, a CSP violation or a serious axe-core
finding; writes screenshots for docs/.
"""

import json
import re
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from common import Axe, check, failures, finish, launch

BASE = sys.argv[1]
axe = Axe(sys.argv[2])
SHOTS = Path(sys.argv[3])
DESK = f"{BASE}/1299/"





def watch_console(page, problems):
    def on_console(message):
        if message.type == "error":
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))


def search(page, words):
    field = page.get_by_role("combobox", name=re.compile("Vad gäller ärendet"))
    field.fill(words)
    expect(page.get_by_role("listbox")).to_be_visible()
    return field


def mouse_path(page):
    page.goto(DESK)
    search(page, "när kommer sopbilen")
    first = page.get_by_role("option").first
    expect(first).to_contain_text("Sophämtning")
    first.click()
    answer = page.locator("#svar")
    expect(answer).to_be_visible()
    expect(answer).to_have_class(re.compile("kundtjanst"))
    expect(page.locator("#svar-rubrik")).to_have_text("Du hanterar ärendet")
    # "Varför" opens with the criteria in words.
    page.get_by_text("Varför?").click()
    expect(page.locator("#svar-kriterier li").first).to_contain_text("nivå 1")


def keyboard_path(page):
    page.goto(DESK)
    # From the top of the page: the skip link, the way back to the kommun list, the field.
    page.keyboard.press("Tab")
    expect(page.locator(".hoppa")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Kundtjänstens handbok")).to_be_focused()
    page.keyboard.press("Tab")
    field = page.locator("#sok")
    expect(field).to_be_focused()
    page.keyboard.type("status på mitt bygglovsärende")
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", "forslag-0")
    expect(page.locator("#forslag-0")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#forslag-0")).to_contain_text("Status på bygglovsärende")
    page.keyboard.press("Enter")
    heading = page.locator("#svar-rubrik")
    expect(heading).to_have_text("Du hanterar ärendet med förvaltningens manus")
    expect(heading).to_be_focused()
    # The förvaltning's checklist, rendered from its markdown.
    manus = page.locator("#svar-manus")
    expect(manus.locator("h3")).to_have_text("Status på bygglovsärende")
    expect(manus.locator("li").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "desk.png"), full_page=True)
    # Back to the channel with Shift+Tab, then change it with the arrow keys.
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.name") == "kanal":
            break
    assert page.evaluate("document.activeElement.name") == "kanal", "the channels are reachable"
    with page.expect_request(lambda r: r.url.endswith("/decisions")) as request:
        page.keyboard.press("ArrowRight")
    sent = json.loads(request.value.post_data)
    assert sent["channel"] == "e-post", sent
    expect(heading).not_to_be_empty()


def forward_with_question(page):
    page.goto(DESK)
    search(page, "avbetalningsplan vattenfakturan")
    page.get_by_role("option", name=re.compile("Avbetalningsplan")).first.click()
    expect(page.locator("#svar")).to_be_visible()
    # Without the amount the rule cannot be evaluated: staff are told to answer.
    expect(page.locator("#svar-text")).to_contain_text("Svara på frågorna")
    amount = page.get_by_label(re.compile("Belopp"))
    amount.fill("25000")
    amount.press("Tab")
    expect(page.locator("#svar-rubrik")).to_have_text("Koppla vidare till VA- och avfallsförvaltningen")
    expect(page.locator("#svar-vidare")).to_contain_text("Kundreskontra VA")
    phone = page.locator("#svar-vidare a[href^='tel:']")
    expect(phone).to_have_attribute("href", "tel:0123456900")
    page.screenshot(path=str(SHOTS / "desk-vidare.png"), full_page=True)
    amount.fill("2000")
    amount.press("Tab")
    expect(page.locator("#svar-rubrik")).to_have_text("Du hanterar ärendet med förvaltningens manus")


def nothing_found(page):
    page.goto(DESK)
    page.locator("#sok").fill("xqzv wrrk")
    expect(page.locator("#sok-status")).to_have_text(re.compile("Inga förslag"))
    expect(page.locator("#sok")).to_have_attribute("aria-expanded", "false")


def kommun_list(page):
    page.goto(BASE + "/")
    page.get_by_role("link", name="Exempelkommun").click()
    expect(page).to_have_url(DESK)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vem hanterar ärendet?")




def accessibility(page):
    page.goto(BASE + "/")
    axe(page, "kommunlistan")
    page.goto(DESK)
    axe(page, "tom sida")
    search(page, "när kommer sopbilen")
    page.keyboard.press("ArrowDown")
    axe(page, "förslag öppna")
    page.keyboard.press("Enter")
    expect(page.locator("#svar")).to_be_visible()
    page.get_by_text("Varför?").click()
    axe(page, "svar med kriterier")


def main():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        # The functional paths run under the page's real content security policy.
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="sv-SE")
        for name, test in [
            ("sök med musen, se svaret och varför", mouse_path),
            ("bara tangentbord: skriv, pil, Enter, byt kanal", keyboard_path),
            ("fråga som avgör: vidarekoppling med telefon", forward_with_question),
            ("inga träffar sägs till", nothing_found),
            ("kommunlistan leder till handboken", kommun_list),
        ]:
            page = context.new_page()
            problems = []
            watch_console(page, problems)
            check(name, test, page)
            if problems:
                print(f"FAIL {name}: console errors (CSP?): {problems}")
                failures.append(name + " (console)")
            page.close()
        context.close()
        # axe is injected as an inline script, which the policy rightly forbids.
        axe_context = browser.new_context(bypass_csp=True, viewport={"width": 1100, "height": 900})
        check("axe-core: inga allvarliga brister (WCAG 2.1 AA)", accessibility, axe_context.new_page())
        browser.close()
    finish("the desk's")


main()
