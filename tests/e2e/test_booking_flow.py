"""A person signs up, finds a show, picks seats, books, sees it in history and cancels."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_sign_up_search_book_and_cancel(page: Page, sign_up, bookable_show, shot) -> None:
    show_id = bookable_show["show_id"]
    title = str(bookable_show["title"])

    # Sign-up validates on the client before anything is sent.
    who_am_i: list[int] = []
    page.on("response", lambda r: who_am_i.append(r.status) if r.url.endswith("/api/me") else None)
    page.goto("/signup")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Name is required.")).to_be_visible()
    # Signed out, the app knows so without asking the server (and logging its 401).
    assert who_am_i == []
    shot(page, "01-sign-up-errors")
    sign_up(page)

    # Home: search as you type, then open the show.
    page.goto("/")
    expect(page.locator(".show-card").first).to_be_visible()
    shot(page, "02-home")
    page.get_by_label("Search movie titles").fill(title[:5])
    expect(page).to_have_url(re.compile(r"[?&]q="))
    card = page.locator(f'.show-card a[href="/shows/{show_id}"]')
    expect(card).to_be_visible()
    shot(page, "03-home-search")
    card.click()

    # Seat map: pick two free seats; a hold with a countdown appears.
    expect(page.get_by_text("Live seat updates")).to_be_visible()
    free = page.locator('.seat-map [data-status="free"]')
    first, second = free.nth(0).get_attribute("data-seat"), free.nth(1).get_attribute("data-seat")
    page.locator(f'[data-seat="{first}"]').click()
    page.locator(f'[data-seat="{second}"]').click()
    expect(page.locator(f'[data-seat="{second}"]')).to_have_attribute("data-status", "mine")
    expect(page.get_by_test_id("countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))
    expect(page.get_by_label("Your selection").get_by_text(str(first), exact=True)).to_be_visible()
    shot(page, "04-seat-selection")

    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Booking summary")).to_be_visible()
    shot(page, "05-confirm")
    page.get_by_role("button", name=re.compile("Confirm booking")).click()

    # Done: code, QR, calendar link, link to history.
    expect(page.get_by_role("heading", name="You're all set!")).to_be_visible()
    code = page.get_by_test_id("booking-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9-]{4,}", code), code
    qr = page.get_by_role("img", name=re.compile("QR e-ticket"))
    expect(qr).to_be_visible()
    # The QR really loads (an SVG from the API), not just an <img> box of the right size.
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    expect(page.get_by_role("link", name="Add to calendar")).to_have_attribute(
        "href", re.compile(r"\.ics|ics")
    )
    shot(page, "06-booking-done")

    page.get_by_role("link", name="See all my bookings").click()
    ticket = page.locator(".ticket", has=page.get_by_text(code, exact=True))
    expect(ticket).to_be_visible()
    expect(ticket.get_by_text("Confirmed")).to_be_visible()
    shot(page, "07-my-bookings")

    ticket.get_by_role("button", name="Cancel booking").click()
    # The app asks in its own dialog, which names what each button does.
    question = page.get_by_role("alertdialog", name=re.compile(f"Cancel booking {code}"))
    expect(question).to_be_visible()
    expect(question.get_by_role("button", name="Keep booking")).to_be_focused()
    shot(page, "08-cancel-question")
    question.get_by_role("button", name="Cancel booking").click()
    expect(question).to_be_hidden()
    cancelled = page.locator(".ticket", has=page.get_by_text(code, exact=True))
    expect(cancelled.get_by_text("Cancelled", exact=True)).to_be_visible()
    shot(page, "08-my-bookings-cancelled")

    # The seats are free again for everyone.
    page.goto(f"/shows/{show_id}")
    expect(page.locator(f'[data-seat="{first}"]')).to_have_attribute("data-status", "free")


def test_sign_up_with_a_taken_address(page: Page, sign_up) -> None:
    email, password = sign_up(page)
    page.get_by_role("button", name="Sign out").click()
    page.goto("/signup")
    page.fill("input[name=name]", "Asha again")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.fill("input[name=confirm]", password)
    page.get_by_role("button", name="Create account").click()
    # Said once, at the field, with the way in.
    field = page.get_by_label("Email")
    expect(field).to_have_accessible_description(re.compile(r"Already registered\.$"))
    expect(field).to_be_focused()
    expect(page.get_by_text("already exists")).to_have_count(0)
    page.get_by_text("Is it yours?").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/signin"))


def test_profile_and_guest_redirect(page: Page, sign_up, shot) -> None:
    # A guest opening a private page is sent to sign-in and back afterwards.
    page.goto("/bookings")
    expect(page).to_have_url(re.compile(r"/signin\?next=%2Fbookings|/signin\?next=/bookings"))
    shot(page, "09-sign-in")
    sign_up(page, name="Meera")
    page.goto("/profile")
    page.get_by_label("Name").fill("Meera K")
    page.get_by_label("Preferred language").select_option("ta")
    page.get_by_label("Monthly report").uncheck()  # each kind of mail on its own
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    shot(page, "10-profile")
    page.reload()
    expect(page.get_by_label("Name")).to_have_value("Meera K")
    expect(page.get_by_label("Preferred language")).to_have_value("ta")
    expect(page.get_by_label("Monthly report")).not_to_be_checked()
    expect(page.get_by_label("Reminders")).to_be_checked()


def test_seats_clicked_signed_out_are_picked_after_signing_up(
    page: Page, bookable_show, unique, shot
) -> None:
    show = f"/shows/{bookable_show['show_id']}"
    page.goto(show)
    seat = page.locator('.seat-map [data-status="free"]').nth(3).get_attribute("data-seat")
    page.locator(f'[data-seat="{seat}"]').click()
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    toast = page.get_by_role("status").filter(has_text="Sign in to choose your seats.")
    expect(toast).to_be_visible()

    # On to sign-up instead: the sign-in prompt is left behind with the sign-in page.
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    # Counted at once, not awaited: left alone, the toast would go by itself a little later.
    assert toast.count() == 0
    page.fill("input[name=name]", "Kavya")
    page.fill("input[name=email]", f"{unique('kavya')}@example.com")
    page.fill("input[name=password]", "correct-horse-42")
    page.fill("input[name=confirm]", "correct-horse-42")
    page.get_by_role("button", name="Create account").click()

    # Back on the map with the seat picked and held.
    expect(page).to_have_url(re.compile(re.escape(show) + "$"))
    expect(page.locator(f'[data-seat="{seat}"]')).to_have_attribute("data-status", "mine")
    expect(page.get_by_test_id("countdown")).to_be_visible()
    expect(page.get_by_role("button", name="Continue")).to_be_enabled()
    shot(page, "13-seat-picked-after-sign-up")


def test_phone_sized_screens(new_context, api_sign_up, bookable_show, shot) -> None:
    context = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    api_sign_up(context)
    page = context.new_page()
    page.goto("/")
    expect(page.locator(".show-card").first).to_be_visible()
    # Nothing wider than the screen: the seat map scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "11-phone-home")
    page.goto(f"/shows/{bookable_show['show_id']}")
    expect(page.get_by_text("Live seat updates")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The map is wider than the phone: it says so, and the row letters stay in view at both
    # edges wherever it is scrolled to.
    expect(page.get_by_text("Swipe sideways for more seats")).to_be_visible()
    scroller = page.locator(".seat-scroll")
    box = scroller.bounding_box()
    assert box is not None
    for end in ("0", "el.scrollWidth"):
        scroller.evaluate(f"el => {{ el.scrollLeft = {end} }}")
        for letter in (page.locator(".row-letter").first, page.locator(".row-letter").nth(1)):
            at = letter.bounding_box()
            assert at is not None
            inside = box["x"] <= at["x"] and at["x"] + at["width"] <= box["x"] + box["width"]
            assert inside, (end, at)
    page.get_by_role("button", name="Show seats on the left").click()
    expect(page.get_by_role("button", name="Show seats on the right")).to_be_enabled()
    shot(page, "12-phone-seat-map")

    # With seats picked the panel is one line (count, total, Continue) over the map ...
    free = page.locator('.seat-map [data-status="free"]')
    first, second = free.nth(0).get_attribute("data-seat"), free.nth(1).get_attribute("data-seat")
    page.locator(f'[data-seat="{first}"]').tap()
    page.locator(f'[data-seat="{second}"]').tap()
    expect(page.get_by_test_id("countdown")).to_be_visible()
    panel = page.get_by_label("Your selection")
    toggle = panel.get_by_role("button", name=re.compile("2 seats"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(panel.get_by_role("button", name="Continue")).to_be_enabled()
    expect(panel.get_by_text(str(first), exact=True)).to_be_hidden()
    height = panel.bounding_box()
    assert height is not None and height["height"] < 844 * 0.18, height
    shot(page, "14-phone-seats-picked", full_page=False)
    # ... that opens to list the seats.
    toggle.click()
    expect(panel.get_by_text(str(first), exact=True)).to_be_visible()
    expect(panel.get_by_role("button", name=f"Remove seat {second}")).to_be_visible()
    shot(page, "15-phone-seats-listed", full_page=False)


def test_seat_map_works_with_the_keyboard(new_context, api_sign_up, bookable_show) -> None:
    context = new_context()
    api_sign_up(context)
    page = context.new_page()
    page.goto(f"/shows/{bookable_show['show_id']}")
    expect(page.get_by_text("Live seat updates")).to_be_visible()

    # The map is a single tab stop; arrow keys move between seats.
    entry = page.locator('.seat-map [tabindex="0"]')
    expect(entry).to_have_count(1)
    entry.focus()
    start = page.evaluate("document.activeElement.dataset.seat")
    page.keyboard.press("ArrowDown")
    moved = page.evaluate("document.activeElement.dataset.seat")
    assert moved != start and moved[0] > start[0], (start, moved)

    # The demo data has booked seats: move on with the arrow keys to a free one.
    seat = moved
    for _ in range(60):
        if page.locator(f'[data-seat="{seat}"]').get_attribute("data-status") == "free":
            break
        page.keyboard.press("ArrowRight")
        after = page.evaluate("document.activeElement.dataset.seat")
        if after == seat:  # the end of the row: on to the next one
            page.keyboard.press("ArrowDown")
            after = page.evaluate("document.activeElement.dataset.seat")
        seat = after
    else:
        raise AssertionError(f"no free seat reached with the arrow keys from {moved}")
    focused = page.locator(f'[data-seat="{seat}"]')
    page.keyboard.press("Enter")
    expect(focused).to_have_attribute("data-status", "mine")
    expect(focused).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("countdown")).to_be_visible()
    page.keyboard.press(" ")
    expect(focused).to_have_attribute("data-status", "free")


def test_confirming_a_hold_already_booked_in_another_tab(
    new_context, api_sign_up, bookable_show
) -> None:
    context = new_context()
    api_sign_up(context)
    page = context.new_page()
    show_id = bookable_show["show_id"]
    page.goto(f"/shows/{show_id}")
    expect(page.get_by_text("Live seat updates")).to_be_visible()
    seat = page.locator('.seat-map [data-status="free"]').first.get_attribute("data-seat")
    page.locator(f'[data-seat="{seat}"]').click()
    expect(page.get_by_test_id("countdown")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Booking summary")).to_be_visible()

    # The same confirm page in a second tab (it reads the hold from the server), booked there.
    other = context.new_page()
    other.goto(f"/shows/{show_id}/confirm")
    other.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(other.get_by_role("heading", name="You're all set!")).to_be_visible()

    # The server answers 409 hold_expired to the first tab; its seats are booked, not lost.
    page.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(page.get_by_text(f"Seat {seat} is booked for you.")).to_be_visible()
    said = "You have booked these seats already, in another window."
    expect(page.locator(".empty").get_by_text(said)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=said)).to_be_visible()  # the notice
    expect(page.get_by_text(re.compile("expired|pick your seats", re.IGNORECASE))).to_have_count(0)
    page.locator(".empty").get_by_role("link", name="My bookings").click()
    expect(page).to_have_url(re.compile(r"/bookings$"))
