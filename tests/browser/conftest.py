"""Browser tests: pytest-playwright driving Debian's Chromium against Django's live server.

They skip when Chromium or axe-core is missing on a developer's machine, and fail instead when
REQUIRE_BROWSER=1 (CI sets it, and .ci/run installs both), so CI can never pass by skipping them.
"""

import os
from pathlib import Path

import pytest

from commitments.data.seed import SEED_FILE, SeedLoader

# Playwright's sync API keeps an event loop running in the main thread; Django would otherwise
# refuse the test's own database calls (fixtures, assertions) as "async-unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() not in ("", "0", "false", "no")


def missing(what: str) -> None:
    message = f"{what} is not installed"
    if browser_required():
        pytest.fail(f"{message}, and REQUIRE_BROWSER is set: the browser tests must run.", pytrace=False)
    pytest.skip(f"{message}; set REQUIRE_BROWSER=1 to make this a failure.")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        missing(f"Chromium ({CHROMIUM})")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        missing(f"axe-core ({AXE}; run `npm ci`)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def browser_context_args(browser_context_args):
    # Scripts injected by the tests (axe-core) must run whatever Content-Security-Policy the site sends.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # The live server serves static files from the apps; the manifest storage would need collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def site(live_server, seeded):
    """The live server's address, with the seed data loaded."""
    return live_server.url


def snapshot(page, name: str) -> None:
    """Save a screenshot when SCREENSHOT_DIR is set, for people to look at (CI artefacts, reviews)."""
    directory = os.environ.get("SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


@pytest.fixture
def seeded(transactional_db):
    """The seed, loaded for each browser test: the live server reads it over its own connection,
    so it must be committed, not held in a module's transaction (tests/conftest.py)."""
    return SeedLoader(SEED_FILE).load()


def serious_violations(page, axe_source: str) -> list[dict]:
    """What axe-core finds serious or critical on the page as it is now (id, impact, help and
    the first three places), after checking that the engine really ran."""
    page.evaluate(axe_source)
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    assert page.evaluate("typeof axe.version") == "string"
    return [v for v in violations if v["impact"] in ("serious", "critical")]
