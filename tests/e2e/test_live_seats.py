"""Two people on one show: what one books turns booked for the other without a reload,
and shows as booked by them to the one who booked it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_seat_booked_in_one_browser_turns_booked_in_the_other(
    new_context, api_sign_up, bookable_show, shot
) -> None:
    show = f"/shows/{bookable_show['show_id']}"
    alice_ctx, bob_ctx = new_context(), new_context()
    api_sign_up(alice_ctx)
    api_sign_up(bob_ctx)
    alice, bob = alice_ctx.new_page(), bob_ctx.new_page()
    for page in (alice, bob):
        page.goto(show)
        expect(page.get_by_text("Live seat updates")).to_be_visible()

    seat_label = bob.locator('.seat-map [data-status="free"]').last.get_attribute("data-seat")
    in_alice = alice.locator(f'[data-seat="{seat_label}"]')
    in_bob = bob.locator(f'[data-seat="{seat_label}"]')
    expect(in_bob).to_have_attribute("data-status", "free")

    # Alice's hold shows up for Bob as held (not by colour alone: label and icon) ...
    in_alice.click()
    expect(in_alice).to_have_attribute("data-status", "mine")
    expect(in_bob).to_have_attribute("data-status", "held", timeout=10_000)
    expect(in_bob).to_have_attribute("aria-label", re.compile(r", held$"))

    # ... and her booking as booked, with no reload on Bob's side.
    bob.evaluate("window.__noReload = true")
    alice.get_by_role("button", name="Continue").click()
    alice.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(alice.get_by_role("heading", name="You're all set!")).to_be_visible()
    expect(in_bob).to_have_attribute("data-status", "booked", timeout=10_000)
    expect(in_bob).to_have_attribute("aria-label", re.compile(r", booked$"))
    assert bob.evaluate("window.__noReload") is True
    shot(bob, "30-live-seat-booked-elsewhere")

    # Bob cannot pick it.
    in_bob.click(force=True)  # aria-disabled: Playwright would wait for it to become enabled
    expect(in_bob).to_have_attribute("data-status", "booked")
    expect(
        bob.get_by_label("Your selection").get_by_text(str(seat_label), exact=True)
    ).to_have_count(0)

    # Back on the seat map, Alice sees the seat as hers: booked by her, not to pick again.
    alice.go_back()
    expect(in_alice).to_have_attribute("data-status", "yours")
    expect(in_alice).to_have_attribute("aria-label", re.compile(r", booked by you$"))
    expect(alice.get_by_test_id("booked-by-you")).to_contain_text(str(seat_label))
    expect(alice.get_by_role("list", name="Seat status legend")).to_contain_text("Booked by you")
    shot(alice, "31-seat-booked-by-you")


def test_seat_lost_while_the_map_was_stale_shows_as_the_server_has_it(
    new_context, api_sign_up, bookable_show
) -> None:
    show = f"/shows/{bookable_show['show_id']}"
    alice_ctx, bob_ctx = new_context(), new_context()
    api_sign_up(alice_ctx)
    api_sign_up(bob_ctx)
    # Bob hears no live updates, so his map still shows the seat free after Alice booked it.
    bob_ctx.route("**/api/show/events**", lambda route: route.abort())
    alice, bob = alice_ctx.new_page(), bob_ctx.new_page()
    alice.goto(show)
    bob.goto(show)
    expect(bob.locator(".seat-map")).to_be_visible()
    seat_label = bob.locator('.seat-map [data-status="free"]').nth(5).get_attribute("data-seat")
    in_alice = alice.locator(f'[data-seat="{seat_label}"]')
    in_bob = bob.locator(f'[data-seat="{seat_label}"]')

    in_alice.click()
    expect(in_alice).to_have_attribute("data-status", "mine")
    alice.get_by_role("button", name="Continue").click()
    alice.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(alice.get_by_role("heading", name="You're all set!")).to_be_visible()
    expect(in_bob).to_have_attribute("data-status", "free")

    # His hold is refused; the map then says booked (what the server has), not a guess of held.
    in_bob.click()
    expect(bob.get_by_text(f"Seat {seat_label} is no longer available.")).to_be_visible()
    expect(in_bob).to_have_attribute("data-status", "booked")
    expect(
        bob.get_by_label("Your selection").get_by_text(str(seat_label), exact=True)
    ).to_have_count(0)
