"""The seat map on a phone: a small hall fits the screen without a word about scrolling, and
the keyboard instructions wait for a keyboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE: dict[str, object] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
# The seat named by ``data-seat``, whole: nothing (a row letter, a fade) over either edge.
SEAT_UNCOVERED = """seat => {
  const box = seat.getBoundingClientRect()
  const y = (box.top + box.bottom) / 2
  return [box.left + 2, box.right - 2].every((x) => {
    const hit = document.elementFromPoint(x, y)
    return hit === seat || seat.contains(hit)
  })
}"""


@pytest.fixture
def small_hall_show(new_context, admin_credentials, unique) -> int:
    """A show in a hall of 6 rows of 10 seats, a little wider than a phone's screen."""
    api = new_context().request
    email, password = admin_credentials
    login = api.post("/api/admin/login", data={"email": email, "password": password})
    assert login.status == 200, login.text()
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    venue = api.post(
        "/api/venue/create",
        data={"name": unique("Studio "), "location": "Chennai", "rows": 6, "seats_per_row": 10},
        headers=bearer,
    )
    assert venue.status == 201, venue.text()
    show = api.post(
        "/api/show/create",
        data={
            "venue_id": venue.json()["venue"]["venue_id"],
            "title": unique("Short film "),
            "starts_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
            "price": "150.00",
        },
        headers=bearer,
    )
    assert show.status == 201, show.text()
    return int(show.json()["show"]["show_id"])


def test_a_small_hall_fits_a_phone_without_scrolling(
    new_context, api_sign_up, small_hall_show
) -> None:
    context = new_context(**PHONE)
    api_sign_up(context)
    page = context.new_page()
    page.goto(f"/shows/{small_hall_show}")
    expect(page.get_by_text("Live seat updates")).to_be_visible()

    # Ten seats and two row letters are a few pixels wider than the screen: the map is
    # shrunk a little to fit, rather than scrolled under a hint and fades.
    scroller = page.locator(".seat-scroll")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth"), scroller.evaluate(
        "el => [el.scrollWidth, el.clientWidth]"
    )
    expect(page.get_by_text("Swipe sideways for more seats")).to_have_count(0)
    expect(page.locator(".scroll-frame")).not_to_have_class("fade-left")
    expect(page.locator(".scroll-frame")).not_to_have_class("fade-right")
    for label in ("A1", "A10", "F1", "F10"):
        seat = page.locator(f'[data-seat="{label}"]')
        assert seat.evaluate(SEAT_UNCOVERED), label
    width = page.locator('[data-seat="A1"]').bounding_box()
    assert width is not None and width["width"] >= 22, width  # still a finger's target

    # Taps land on the seat shown, shrunk or not.
    page.locator('[data-seat="A10"]').tap()
    expect(page.locator('[data-seat="A10"]')).to_have_attribute("data-status", "mine")


def test_keyboard_instructions_wait_for_a_keyboard_on_a_phone(new_context, bookable_show) -> None:
    page = new_context(**PHONE).new_page()
    page.goto(f"/shows/{bookable_show['show_id']}")
    expect(page.get_by_text("Live seat updates")).to_be_visible()
    hint = page.get_by_text("Use Tab to reach the map")
    expect(hint).to_be_hidden()
    # A keyboard beside the phone (or tablet): the first Tab brings the instructions.
    page.keyboard.press("Tab")
    expect(hint).to_be_visible()


def test_keyboard_instructions_beside_a_mouse(new_context, bookable_show) -> None:
    page = new_context().new_page()
    page.goto(f"/shows/{bookable_show['show_id']}")
    expect(page.get_by_text("Use Tab to reach the map")).to_be_visible()
