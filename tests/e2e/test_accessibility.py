"""Every main page passes axe-core's serious and critical checks, on a desktop and a phone,
signed out, as a customer and as an admin; and what axe cannot see: a whole booking by
keyboard alone, a seat reached by the arrow keys never hidden under the row letters, and the
phone's stacked tables still tables to a screen reader.

axe-core comes from the web app's own packages (frontend/package.json, installed by npm ci).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
DEVICES: dict[str, dict[str, object]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
# Each violation as "rule ×nodes (help) e.g. selectors", serious and critical only.
AXE_RUN = """async () => {
  const { violations } = await axe.run(document, { resultTypes: ['violations'] })
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} ×${v.nodes.length} (${v.help}) e.g. `
      + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '))
}"""


@pytest.fixture
def device_context(request, new_context) -> Callable[[], BrowserContext]:
    """A browser context of the test's device with axe-core in every page it opens."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: cd frontend && npm ci")

    def make() -> BrowserContext:
        context = new_context(**DEVICES[request.param])
        # An init script, not a <script> tag: the app's Content-Security-Policy allows none.
        context.add_init_script(path=str(AXE))
        return context

    return make


class Audit:
    """Runs axe on pages once they have settled, collecting what it finds for one report."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def __call__(self, page: Page, where: str) -> None:
        # Settled: the page's heading is up and nothing is still loading.
        expect(page.locator("main h1").first).to_be_visible()
        expect(page.locator("main .loading")).to_have_count(0)
        self.found += [f"{where}: {v}" for v in page.evaluate(AXE_RUN)]

    def visit(self, page: Page, path: str, where: str | None = None) -> None:
        page.goto(path)
        self(page, where or path)


@pytest.mark.parametrize("device_context", list(DEVICES), indirect=True)
def test_pages_have_no_serious_accessibility_violations(
    device_context, api_sign_up, sign_in_as_admin, bookable_show
) -> None:
    show_id, venue_id = bookable_show["show_id"], bookable_show["venue_id"]
    audit = Audit()

    guest = device_context().new_page()
    for path in (
        "/",
        f"/shows/{show_id}",
        "/signin",
        "/signup",
        "/forgot-password",
        "/reset-password?token=not-a-token",
        "/admin/login",
        "/no-such-page",
    ):
        audit.visit(guest, path)
    guest.goto("/signup")
    guest.get_by_role("button", name="Create account").click()
    expect(guest.get_by_text("Name is required.")).to_be_visible()
    audit(guest, "/signup with errors")

    context = device_context()
    api_sign_up(context)
    page = context.new_page()
    audit.visit(page, "/profile")
    page.goto(f"/shows/{show_id}")
    expect(page.get_by_text("Live seat updates")).to_be_visible()
    free = page.locator('.seat-map [data-status="free"]')
    for label in [free.nth(0).get_attribute("data-seat"), free.nth(1).get_attribute("data-seat")]:
        seat = page.locator(f'[data-seat="{label}"]')
        seat.click()
        expect(seat).to_have_attribute("data-status", "mine")
    expect(page.get_by_test_id("countdown")).to_be_visible()
    audit(page, "seat map with seats held")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Booking summary")).to_be_visible()
    audit(page, "confirm")
    page.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(page.get_by_role("heading", name="You're all set!")).to_be_visible()
    audit(page, "booking done")
    audit.visit(page, "/bookings")
    page.get_by_role("button", name="Cancel booking").click()
    question = page.get_by_role("alertdialog")
    expect(question).to_be_visible()
    audit(page, "cancel question")
    question.get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_text("Cancelled", exact=True)).to_be_visible()
    audit(page, "/bookings with a cancelled booking")

    admin = device_context().new_page()
    sign_in_as_admin(admin)
    audit(admin, "/admin")
    for path in (
        "/admin/venues",
        "/admin/venues/new",
        f"/admin/venues/{venue_id}/edit",
        f"/admin/venues/{venue_id}/shows",
        f"/admin/venues/{venue_id}/shows/new",
        f"/admin/shows/{show_id}/edit",
        f"/admin/export?venue_id={venue_id}",
        "/admin/tickets",
    ):
        audit.visit(admin, path)

    assert not audit.found, "\n".join(audit.found)


def test_stacked_tables_stay_tables_on_a_phone(new_context, sign_in_as_admin) -> None:
    page = new_context(**DEVICES["phone"]).new_page()
    sign_in_as_admin(page)
    page.goto("/admin/venues")
    table = page.locator("table.stack-table")
    expect(table.get_by_role("cell", name="Chennai", exact=True)).to_be_visible()
    expect(table.get_by_text("City").first).to_be_visible()
    # Laid out as blocks, which costs a table its semantics in Safari and Firefox (Chromium
    # keeps them, so look at the roles themselves) ...
    assert table.evaluate("t => getComputedStyle(t.querySelector('tr')).display") == "block"
    roles = table.evaluate(
        """t => [t, t.tBodies[0], t.rows[1], t.rows[1].cells[1], t.rows[0].cells[1]]
                .map((el) => el.getAttribute('role'))"""
    )
    assert roles == ["table", "rowgroup", "row", "cell", "columnheader"]
    # ... and a cell's name is its content: its column's name beside it is for the eye, and
    # a screen reader says the column header.
    expect(table.get_by_role("columnheader", name="City")).to_have_count(1)


def test_seat_reached_by_keyboard_is_in_full_view_on_a_phone(
    new_context, api_sign_up, bookable_show
) -> None:
    context = new_context(**DEVICES["phone"])
    api_sign_up(context)
    page = context.new_page()
    page.goto(f"/shows/{bookable_show['show_id']}")
    expect(page.get_by_text("Swipe sideways for more seats")).to_be_visible()
    page.locator('.seat-map [tabindex="0"]').focus()
    # Along the first row to its far end and back: the map scrolls under row letters held
    # at both edges, which must never cover the seat that has the focus.
    hidden = []
    for key in ["ArrowRight"] * 20 + ["ArrowLeft"] * 20 + ["End", "Home"]:
        page.keyboard.press(key)
        covered = page.evaluate(
            """() => {
              const seat = document.activeElement
              const box = seat.getBoundingClientRect()
              // Its left and right edges (at mid-height: the corners are rounded off).
              const y = (box.top + box.bottom) / 2
              return [box.left + 2, box.right - 2].some((x) => {
                const hit = document.elementFromPoint(x, y)
                return hit !== seat && !seat.contains(hit)
              }) ? seat.dataset.cell : null
            }"""
        )
        if covered:
            hidden.append(f"{key} {covered}")
    assert not hidden, hidden


def test_a_whole_booking_by_keyboard_alone(new_context, api_sign_up, bookable_show) -> None:
    context = new_context()
    api_sign_up(context)
    page = context.new_page()
    page.goto("/")
    expect(page.locator(".show-card").first).to_be_visible()
    title = str(bookable_show["title"])

    def tab_to(locator) -> None:
        """Tab (only) until ``locator`` has the focus."""
        for _ in range(80):
            page.keyboard.press("Tab")
            if locator.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {locator}")

    tab_to(page.get_by_label("Search movie titles"))
    page.keyboard.type(title)
    expect(page).to_have_url(re.compile(r"[?&]q="))
    card = page.locator(f'.show-card a[href="/shows/{bookable_show["show_id"]}"]')
    expect(card).to_be_visible()
    tab_to(card)
    page.keyboard.press("Enter")

    # One Tab stop into the map, arrows to a free seat, Enter and Space to pick.
    expect(page.get_by_text("Live seat updates")).to_be_visible()
    tab_to(page.locator('.seat-map [tabindex="0"]'))
    picked = []
    for _ in range(200):
        seat = page.locator(".seat-map :focus")
        if seat.get_attribute("data-status") == "free":
            page.keyboard.press("Enter" if not picked else " ")
            expect(seat).to_have_attribute("data-status", "mine")
            picked.append(seat.get_attribute("data-seat"))
            if len(picked) == 2:
                break
        before = seat.get_attribute("data-cell")
        page.keyboard.press("ArrowRight")
        if page.locator(".seat-map :focus").get_attribute("data-cell") == before:
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Home")
    assert len(picked) == 2, picked
    expect(page.get_by_test_id("countdown")).to_be_visible()

    tab_to(page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Booking summary")).to_be_visible()
    tab_to(page.get_by_role("button", name=re.compile("Confirm booking")))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="You're all set!")).to_be_visible()
    code = page.get_by_test_id("booking-code").inner_text()
    tab_to(page.get_by_role("link", name="See all my bookings"))
    page.keyboard.press("Enter")

    ticket = page.locator(".ticket", has=page.get_by_text(code, exact=True))
    expect(ticket.get_by_text("Confirmed")).to_be_visible()
    tab_to(ticket.get_by_role("button", name="Cancel booking"))
    page.keyboard.press("Enter")
    # The question takes the focus on its safe answer; Escape keeps the booking.
    question = page.get_by_role("alertdialog")
    expect(question.get_by_role("button", name="Keep booking")).to_be_focused()
    page.keyboard.press("Escape")
    expect(question).to_be_hidden()
    expect(ticket.get_by_role("button", name="Cancel booking")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(question.get_by_role("button", name="Cancel booking")).to_be_focused()
    page.keyboard.press("Enter")
    cancelled = page.locator(".ticket", has=page.get_by_text(code, exact=True))
    expect(cancelled.get_by_text("Cancelled", exact=True)).to_be_visible()
