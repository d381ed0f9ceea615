"""The UI shell in a real browser: log in, Italian home page, English switch, log out, keyboard, axe."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from tests.browser.conftest import AXE_JS, RESULTS_DIR

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

OPERATOR = "operator@vicenza.demo"
OPERATOR_NAME = "Francesca Dal Lago"
PASSWORD = "percorsi-demo"
LOGOUT_BUTTON = "form[action$='/accounts/logout/'] button[type=submit]"


def italian(msgid: str) -> str:
    """The Italian catalogue's translation of msgid; fails if the catalogue leaves it in English."""
    with translation.override("it"):
        text = translation.gettext(msgid)
    assert text != msgid, f"The Italian catalogue has no translation for {msgid!r}"
    return text


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)


def html_lang(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("html").get_attribute("lang")


def assert_styled(page) -> None:  # type: ignore[no-untyped-def]
    """Bootstrap Italia's stylesheet and Percorsi's own were served and applied."""
    sheets = page.evaluate(
        """() => Array.from(document.styleSheets).map((s) => {
             let rules = 0;
             try { rules = s.cssRules.length; } catch (e) { rules = -1; }
             return [s.href, rules];
           })"""
    )
    loaded = {href.rsplit("/", 1)[-1]: rules for href, rules in sheets if href}
    assert loaded.get("bootstrap-italia.min.css", 0) > 100, f"Bootstrap Italia not loaded: {sheets}"
    assert loaded.get("percorsi.css", 0) > 0, f"percorsi.css not loaded: {sheets}"
    # The slim header is dark blue only if Bootstrap Italia's rules apply.
    background = page.locator(".it-header-slim-wrapper").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
    # The skip link is moved off-screen by percorsi.css until it has focus.
    top = page.locator("a.skip-link").evaluate("e => e.getBoundingClientRect().top")
    assert top < 0, f"skip link visible without focus (top={top}): percorsi.css not applied"


def log_in(page, email: str = OPERATOR, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/s/vicenza/$"))


def focused(page) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => {
             const e = document.activeElement;
             return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute("name"),
                     type: e.getAttribute("type"), cls: e.className, text: e.textContent.trim()};
           }"""
    )


def test_operator_logs_in_sees_italian_home_switches_to_english_and_logs_out(page_factory):
    page = page_factory()

    page.goto("/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert html_lang(page) == "it"
    assert page.get_by_role("heading", level=1).inner_text() == italian("Log in to Percorsi")
    assert_styled(page)
    shot(page, "login-it")

    log_in(page)
    assert html_lang(page) == "it"
    heading = page.get_by_role("heading", level=1).inner_text()
    with translation.override("it"):
        expected = translation.gettext("Welcome, %(name)s") % {"name": OPERATOR_NAME}
    assert heading == expected
    assert not heading.startswith("Welcome"), f"The home page heading is in English: {heading!r}"
    assert "Vicenza" in page.locator("header").inner_text()
    assert "Vicenza" in page.locator("main").inner_text()
    assert page.locator(LOGOUT_BUTTON).inner_text().strip() == italian("Log out")
    assert_styled(page)
    shot(page, "home-it")

    with page.expect_navigation():
        page.locator("button[name=language][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith("/s/vicenza/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Welcome, {OPERATOR_NAME}"
    assert "You are working at Vicenza as" in page.locator("main").inner_text()
    assert page.locator("button[name=language][value=en]").get_attribute("aria-current") == "true"
    shot(page, "home-en")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    assert html_lang(page) == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Log in to Percorsi"
    assert page.locator(LOGOUT_BUTTON).count() == 0
    # Logged out for real: the home page sends back to the login page.
    page.goto("/s/vicenza/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    shot(page, "logged-out-en")

    assert page.problems == [], "\n".join(page.problems)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page_factory):
    page = page_factory()
    log_in(page)
    page.goto("/s/vicenza/")
    page.locator("body").focus()
    page.evaluate("document.activeElement.blur()")

    page.keyboard.press("Tab")
    first = focused(page)
    assert first["cls"] == "skip-link", f"The first Tab stop is not the skip link: {first}"
    top = page.locator("a.skip-link").evaluate("e => e.getBoundingClientRect().top")
    assert top >= 0, "The focused skip link is not visible"
    shot(page, "skip-link-focused")

    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    assert focused(page)["tag"] == "main"
    assert page.url.endswith("#main")
    assert page.problems == [], "\n".join(page.problems)


def test_login_with_the_keyboard_alone(page_factory):
    page = page_factory()
    page.goto("/accounts/login/")

    # The e-mail field has autofocus: type, Tab, type, Tab to the button, Enter.
    assert focused(page)["name"] == "username"
    page.keyboard.type(OPERATOR)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    for _ in range(5):
        page.keyboard.press("Tab")
        if focused(page)["type"] == "submit":
            break
    current = focused(page)
    assert current["tag"] == "button" and current["type"] == "submit", current
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/s/vicenza/$"))
    assert OPERATOR_NAME in page.get_by_role("heading", level=1).inner_text()

    # Keyboard again for the logout button: focus it, press Space.
    page.locator(LOGOUT_BUTTON).focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    assert page.problems == [], "\n".join(page.problems)


def run_axe(page) -> list[dict]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => {
             const r = await axe.run(document, {resultTypes: ["violations"]});
             return r.violations.map((v) => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
             }));
           }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def assert_accessible(page, name: str) -> None:  # type: ignore[no-untyped-def]
    violations = run_axe(page)
    shot(page, f"axe-{name}")
    assert violations == [], (
        f"axe-core: serious or critical violations on {name} ({page.url}):\n"
        + json.dumps(violations, indent=2, ensure_ascii=False)
    )


@pytest.mark.parametrize("language", ["it", "en"])
def test_axe_finds_no_serious_violation_on_home_and_login(page_factory, language):
    # axe-core is injected as a script: this context lets it past the Content-Security-Policy.
    page = page_factory(bypass_csp=True)
    log_in(page)
    if language != "it":
        with page.expect_navigation():
            page.locator(f"button[name=language][value={language}]").click()
        page.wait_for_function(f"document.documentElement.lang === '{language}'")
    assert html_lang(page) == language
    assert_accessible(page, f"home-{language}")

    page.locator(LOGOUT_BUTTON).click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    assert html_lang(page) == language
    assert_accessible(page, f"login-{language}")

    # The login page showing a form error (wrong password) too.
    page.locator("input[name=username]").fill(OPERATOR)
    page.locator("input[name=password]").fill("not-the-password")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/accounts/login/")
    assert page.locator("main .alert-danger[role=alert]").is_visible()
    assert_accessible(page, f"login-error-{language}")
