"""Browser tests: Playwright drives the system's Chromium against the live test server, and axe-core audits pages.

Where no Chromium is installed, these tests are skipped with the reason; under CI a skip is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# The Playwright client runs an event loop in the test's thread; the ORM calls of the test itself are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    missing = [
        reason
        for reason, absent in [
            (
                f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium »",
                not Path(CHROMIUM).exists(),
            ),
            ("axe-core introuvable : lancez « npm ci »", not AXE_SCRIPT.exists()),
        ]
        if absent
    ]
    if not missing:
        return
    browser_tests = [item for item in items if "browser" in item.keywords]
    if browser_tests and os.environ.get("CI") == "true":
        raise pytest.UsageError("Tests de navigateur impossibles en intégration continue : " + " ; ".join(missing))
    for item in browser_tests:
        item.add_marker(pytest.mark.skip(reason=" ; ".join(missing)))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    # axe-core is served from the site's own origin, so that the Content-Security-Policy stays enforced.
    context.route("**/__axe__.js", lambda route: route.fulfill(path=AXE_SCRIPT, content_type="text/javascript"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, "Erreurs dans la console du navigateur :\n" + "\n".join(errors)


@pytest.fixture
def page_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_accessible(page):
    """Run axe-core on the page (WCAG 2.1 A and AA rules) and fail with a readable list of violations."""
    # After a click that navigates, audit the new page once loaded, not the one being left.
    page.wait_for_load_state("load")
    page.add_script_tag(url="/__axe__.js")
    results = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    violations = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results["violations"]
    ]
    assert not violations, f"{page.url} :\n" + "\n".join(violations)


def sign_in(page, email, password):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
