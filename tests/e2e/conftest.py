"""Browser end-to-end fixtures: a real `boxoffice serve` on a free port with demo data,
driven by Debian's Chromium through Playwright (never `playwright install`).

Every fixture of the browser tests lives here (and only here), so names cannot clash with
the API tests' fixtures in tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("BOXOFFICE_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
SPA_INDEX = Path(__file__).parents[2] / "src" / "boxoffice" / "static" / "spa" / "index.html"
ADMIN_EMAIL = "e2e-admin@example.com"
ADMIN_PASSWORD = "e2e-admin-pass-123"


def _boxoffice() -> str:
    exe = Path(sys.executable).with_name("boxoffice")
    found = str(exe) if exe.exists() else shutil.which("boxoffice")
    if not found:
        pytest.fail("the boxoffice console script is not installed (pip install -e .)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return dict(json.loads(response.read()))


@dataclass(frozen=True)
class Server:
    base_url: str
    instance_dir: Path
    env: dict[str, str]

    def api(self, path: str) -> dict[str, object]:
        return _get_json(self.base_url + path)


@pytest.fixture(scope="session")
def e2e_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`boxoffice serve` with an empty instance dir, demo data and an e2e admin."""
    if not SPA_INDEX.exists():
        pytest.fail("the SPA is not built: run `make frontend` (cd frontend && npm run build)")
    instance = tmp_path_factory.mktemp("instance")
    env = {
        key: value
        for key, value in os.environ.items()
        # An empty, private instance: embedded SQLite and Redis, whatever the shell says.
        if key not in {"BOXOFFICE_DATABASE_URL", "BOXOFFICE_REDIS_URL", "BOXOFFICE_MAIL_URL"}
    }
    env.update(BOXOFFICE_INSTANCE_DIR=str(instance), BOXOFFICE_RATELIMIT_ENABLED="false")
    exe = _boxoffice()

    def run(*args: str) -> None:
        subprocess.run([exe, *args], env=env, check=True, capture_output=True, timeout=180)

    run("db", "upgrade")
    run("seed-demo")
    run("create-admin", "--email", ADMIN_EMAIL, "--name", "E2E Admin", "--password", ADMIN_PASSWORD)

    port = _free_port()
    log = (instance / "serve.log").open("wb")
    proc = subprocess.Popen(
        [exe, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: web, worker, beat and Redis stop together
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"boxoffice serve exited early:\n{_tail(instance)}")
            try:
                health = _get_json(base_url + "/api/health")
                # Exports need the Celery worker, so wait for it too.
                if health.get("db") == "ok" and health.get("worker") == "ok":
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"boxoffice serve did not become healthy:\n{_tail(instance)}")
            time.sleep(0.5)
        yield Server(base_url=base_url, instance_dir=instance, env=env)
    finally:
        _stop(proc)
        log.close()


def _tail(instance: Path) -> str:
    return (instance / "serve.log").read_text(errors="replace")[-3000:]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl-C for the whole group (serve's own shutdown), then harder if it lingers."""
    for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def e2e_browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(e2e_browser, e2e_server: Server) -> Iterator[Callable[..., object]]:
    """Factory for isolated browser contexts (each its own cookie jar = its own person)."""
    from playwright.sync_api import Browser

    assert isinstance(e2e_browser, Browser)
    contexts = []

    def make(**options: object):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = e2e_browser.new_context(
            base_url=e2e_server.base_url, accept_downloads=True, **options
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page that fails the test on JavaScript errors and on any 5xx from the API."""
    context = new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 500 and "/api/" in r.url
            else None
        ),
    )
    yield page
    assert not errors, f"errors while the test ran: {errors}"


@pytest.fixture
def shot() -> Callable[..., None]:
    """Save a screenshot of a main screen under tests/e2e/screenshots/ (not committed)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def admin_credentials() -> tuple[str, str]:
    return ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.fixture
def sign_in_as_admin() -> Callable[..., None]:
    """Sign ``page`` in on the admin login page and wait for the dashboard."""
    from playwright.sync_api import expect

    def sign_in(page) -> None:
        page.goto("/admin/login")
        page.fill("input[name=email]", ADMIN_EMAIL)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in as admin").click()
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    return sign_in


@pytest.fixture
def launch_chromium(e2e_browser) -> Iterator[Callable[..., object]]:
    """Another Chromium with the usual arguments plus ``extra`` ones (a fake camera, say),
    closed after the test."""
    from playwright.sync_api import Browser

    assert isinstance(e2e_browser, Browser)
    browsers = []

    def launch(*extra: str):
        browser = e2e_browser.browser_type.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra]
        )
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()


@pytest.fixture
def bookable_show(e2e_server: Server) -> dict[str, object]:
    """A seeded show at least a day ahead (so it can still be cancelled) with free seats."""
    shows = e2e_server.api("/api/filter")["shows"]
    assert isinstance(shows, list) and shows, "seed-demo created no upcoming shows"
    soon = time.time() + 24 * 3600
    from datetime import datetime

    for show in shows:
        starts = datetime.fromisoformat(show["starts_at"]).timestamp()
        if starts > soon and show["free_seats"] >= 10:
            return dict(show)
    pytest.fail("no seeded show a day ahead with 10 free seats")


_counter = iter(range(1, 1_000_000))


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Distinct names and e-mails per call, across tests of one session."""
    stamp = int(time.time())

    def make(prefix: str) -> str:
        return f"{prefix}{stamp}{next(_counter)}"

    return make


@pytest.fixture
def sign_up(unique: Callable[[str], str]) -> Callable[..., tuple[str, str]]:
    """Create an account through the sign-up page; returns (email, password)."""
    from playwright.sync_api import expect

    def run(page, name: str = "Asha Rao") -> tuple[str, str]:
        email = f"{unique('asha')}@example.com"
        password = "correct-horse-42"
        page.goto("/signup")
        page.fill("input[name=name]", name)
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.fill("input[name=confirm]", password)
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return email, password

    return run


@pytest.fixture
def api_sign_up(unique: Callable[[str], str]) -> Callable[..., str]:
    """Register and sign in through the API inside a browser context (shares its cookies)."""

    def run(context) -> str:
        email = f"{unique('ravi')}@example.com"
        body = {"email": email, "name": "Ravi", "password": "correct-horse-42"}
        assert context.request.post("/api/register", data=body).status == 201
        login = context.request.post(
            "/api/login", data={"email": email, "password": body["password"]}
        )
        assert login.status == 200, login.text()
        return email

    return run
