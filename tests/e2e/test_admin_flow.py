"""An admin signs in, creates a venue and a show, people find the show, the admin exports CSV."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_admin_creates_venue_and_show_then_exports(
    page: Page, new_context, admin_credentials, unique, shot
) -> None:
    email, password = admin_credentials
    venue_name = unique("E2E Hall ")
    title = unique("E2E Premiere ")

    # Admin pages are guarded: a guest lands on the admin sign-in.
    page.goto("/admin")
    expect(page).to_have_url(re.compile(r"/admin/login"))
    shot(page, "20-admin-sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in as admin").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Bookings by show date")).to_be_visible()
    expect(page.locator(".chart canvas").first).to_be_visible()
    shot(page, "21-admin-dashboard")

    # Venue with a live layout preview: clicking a seat removes it (an aisle).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Venues").click()
    expect(page.get_by_role("heading", name="Venues", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Chennai").first).to_be_visible()
    shot(page, "22-admin-venues")
    page.get_by_role("link", name="New venue").click()
    page.fill("input[name=name]", venue_name)
    page.fill("input[name=location]", "Chennai")
    page.fill("input[name=rows]", "8")
    page.fill("input[name=seats_per_row]", "10")
    # The suggested Premium rows follow the row count: the back quarter of eight rows.
    expect(page.get_by_label("Category 1 rows")).to_have_value("G, H")
    preview = page.get_by_label("Seat layout preview")
    expect(preview.locator(".seat-row")).to_have_count(8)
    # The editor's legend lists the price categories only: a layout has no booking statuses.
    expect(preview.get_by_role("list", name="Seat status legend")).to_have_count(0)
    expect(preview.get_by_role("list", name="Price categories")).to_contain_text("Premium +₹100")
    preview.get_by_role("button", name="Remove seat A 5, Standard, +₹0").click()
    preview.locator('[data-seat="B5"]').click()
    # The gap is named like the seat it puts back, row and number as separate words.
    expect(preview.get_by_role("button", name="Restore seat A 5", exact=True)).to_be_visible()
    expect(page.get_by_text("Removed seats: A5, B5")).to_be_visible()
    # A whole column (an aisle down the hall) in one press of its number, and back by keyboard.
    preview.get_by_role("button", name="Remove column 7", exact=True).click()
    column = "A7, B7, C7, D7, E7, F7, G7, H7"
    expect(page.get_by_text(f"Removed seats: A5, B5, {column}")).to_be_visible()
    expect(preview.get_by_text("70 seats (8 rows × 10, 10 removed).")).to_be_visible()
    restore = preview.get_by_role("button", name="Restore column 7", exact=True)
    expect(restore).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Removed seats: A5, B5", exact=True)).to_be_visible()
    expect(preview.get_by_text("78 seats (8 rows × 10, 2 removed).")).to_be_visible()
    shot(page, "23-admin-venue-editor")
    page.get_by_role("button", name="Create venue").click()

    # Straight on to its shows; a show in the past is refused on the client.
    expect(page.get_by_role("heading", name=re.compile(venue_name))).to_be_visible()
    venue_id = int(re.search(r"/admin/venues/(\d+)/shows", page.url).group(1))
    page.get_by_role("link", name="New show").click()
    expect(page.get_by_text(f"at {venue_name}, Chennai")).to_be_visible()
    # No rupee price in a venue that may charge another currency; times are the server's zone.
    expect(page.get_by_label("Base price (INR)")).to_have_value("250.00")
    expect(page.get_by_label("Starts at (Asia/Kolkata time)")).to_be_visible()
    page.fill("input[name=title]", title)
    page.fill("input[name=starts_at]", "2020-01-01T19:00")
    page.get_by_role("button", name="Create show").click()
    expect(page.get_by_text("A show cannot start in the past.")).to_be_visible()
    day = date.today() + timedelta(days=3)
    page.fill("input[name=starts_at]", f"{day.isoformat()}T19:00")
    page.fill("input[name=price]", "300.00")
    page.fill("input[name=tags]", "drama, e2e")
    shot(page, "24-admin-show-editor")
    page.get_by_role("button", name="Create show").click()
    expect(page.get_by_role("cell", name=title)).to_be_visible()
    shot(page, "25-admin-shows")

    # A second show overlapping the first is refused (client check mirrors the server's 409).
    page.get_by_role("link", name="New show").click()
    page.fill("input[name=title]", title + " late")
    page.fill("input[name=starts_at]", f"{day.isoformat()}T20:00")
    page.get_by_role("button", name="Create show").click()
    expect(page.get_by_text(re.compile("Overlaps with"))).to_be_visible()

    # Anyone can now find the show.
    visitor = new_context().new_page()
    visitor.goto("/")
    visitor.get_by_label("Search movie titles").fill(title)
    card = visitor.locator(".show-card", has=visitor.get_by_role("link", name=title))
    expect(card).to_be_visible()
    expect(card.get_by_text(venue_name)).to_be_visible()
    expect(card.get_by_text("78 of 78 seats left")).to_be_visible()
    shot(visitor, "26-visitor-finds-new-show")

    # The next days' screenings: a copy of the show a day later, then one more day on.
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("row", name=re.compile(title)).get_by_role("link", name="Duplicate").click()
    starts = page.get_by_label("Starts at (Asia/Kolkata time)")
    expect(starts).to_have_value(f"{(day + timedelta(days=1)).isoformat()}T19:00")
    expect(page.get_by_label("Movie title")).to_have_value(title)
    expect(page.get_by_label("Base price (INR)")).to_have_value("300.00")
    next_day = page.get_by_role("button", name="Create and add next day")
    next_day.click()
    expect(page.get_by_text(re.compile(f"“{re.escape(title)}” on .+ is saved."))).to_be_visible()
    expect(starts).to_have_value(f"{(day + timedelta(days=2)).isoformat()}T19:00")
    expect(next_day).to_be_focused()
    page.get_by_role("button", name="Create show").click()
    expect(page.get_by_role("cell", name=title, exact=True)).to_have_count(3)

    # Door check: a reference that is not a signed ticket is refused, with the reason.
    # The scanner types into whatever has focus: the field has it on arrival from the menu.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tickets").click()
    expect(page.get_by_label("Scanned ticket reference")).to_be_focused()
    # The buttons stand on the input's line, not lower by the height of the hint under it.
    field = page.get_by_label("Scanned ticket reference").bounding_box()
    admit = page.get_by_role("button", name="Admit").bounding_box()
    assert field and admit and abs(admit["y"] - field["y"]) < 1, (field, admit)
    page.keyboard.type("BX:NOTREAL.forged")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Not a BoxOffice ticket")).to_be_visible()
    shot(page, "28-admin-ticket-check")

    # Export: start, watch progress, download the CSV.
    page.goto(f"/admin/export?venue_id={venue_id}")
    heading = page.get_by_role("heading", name=f"Show summary of {venue_name}, Chennai")
    expect(heading).to_be_visible()
    expect(page.get_by_label("Venue")).to_have_value(str(venue_id))
    page.get_by_role("button", name="Start export").click()
    download_link = page.get_by_role("link", name="Download CSV")
    expect(download_link).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("export-state")).to_have_text("Ready")
    shot(page, "27-admin-export")
    with page.expect_download() as info:
        download_link.click()
    csv_text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert title in csv_text
    assert "," in csv_text.splitlines()[0]

    # Deleting asks in the page's own dialog; Escape keeps the venue.
    page.goto("/admin/venues")
    row = page.get_by_role("row", name=re.compile(venue_name))
    # The count adds up: the grid's places less the aisle.
    expect(row).to_contain_text("78 seats (8 rows × 10, 2 removed)")
    row.get_by_role("button", name="Delete").click()
    question = page.get_by_role("alertdialog", name="Delete venue?")
    expect(question).to_contain_text(f"Delete {venue_name}? Its shows are deleted too.")
    expect(question.get_by_role("button", name="Keep it")).to_be_focused()
    page.keyboard.press("Escape")
    expect(question).to_be_hidden()
    expect(row.get_by_role("button", name="Delete")).to_be_focused()
    row.get_by_role("button", name="Delete").click()
    question.get_by_role("button", name="Delete venue").click()
    expect(page.get_by_text(f"{venue_name} was deleted.")).to_be_visible()
    expect(row).to_have_count(0)


def _post(context, path: str, body: dict[str, object], token: str = "") -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = context.request.post(path, data=body, headers=headers)
    assert response.ok, f"{path}: {response.status} {response.text()}"
    return dict(response.json())


def test_a_venue_with_bookings_keeps_its_seating_in_the_editor(
    page: Page, new_context, admin_credentials, sign_in_as_admin, unique, shot
) -> None:
    """Said when the editor opens, not only when Save is refused; the rest stays editable."""
    email, password = admin_credentials
    api = new_context()
    token = _post(api, "/api/admin/login", {"email": email, "password": password})["access_token"]
    hall = {"name": unique("Booked Hall "), "location": "Pune", "rows": 2, "seats_per_row": 4}
    venue_id = _post(api, "/api/venue/create", hall, token)["venue"]["venue_id"]
    starts_at = (datetime.now(UTC) + timedelta(days=2)).isoformat(timespec="seconds")
    show = {"venue_id": venue_id, "title": unique("Sold "), "starts_at": starts_at, "price": "200"}
    show_id = _post(api, "/api/show/create", show, token)["show"]["show_id"]
    guest = {"email": f"{unique('guest')}@example.com", "password": "correct-horse-42"}
    _post(api, "/api/register", {**guest, "name": "Meera"})
    guest_token = _post(api, "/api/login", guest)["access_token"]
    _post(api, "/api/bookticket", {"show_id": show_id, "seats": ["A2"]}, guest_token)

    sign_in_as_admin(page)
    page.goto(f"/admin/venues/{venue_id}/edit")
    lock = "The seating cannot change while upcoming shows have bookings."
    expect(page.get_by_text(lock).first).to_be_visible()
    for field in ("Rows", "Seats per row"):
        expect(page.get_by_role("spinbutton", name=field, exact=True)).to_be_disabled()
    preview = page.get_by_label("Seat layout preview")
    expect(preview.get_by_role("button", name="Remove column 2")).to_be_disabled()
    expect(preview.get_by_role("button", name=re.compile("^Remove seat A 1"))).to_be_disabled()
    shot(page, "23-admin-venue-editor-seating-locked")
    page.get_by_role("textbox", name="Name", exact=True).fill(hall["name"] + " East")
    page.get_by_role("button", name="Save venue").click()
    expect(page.get_by_text(f"{hall['name']} East is saved.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(f"{hall['name']} East"))
    expect(row).to_contain_text("8 seats (2 rows × 4)")


def test_normal_user_cannot_open_admin_pages(page: Page, sign_up) -> None:
    sign_up(page)
    page.goto("/admin/venues")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("That page is for administrators.")).to_be_visible()
    # The separate admin sign-in refuses a normal account with the server's message.
    page.goto("/admin/login")
    page.fill("input[name=email]", "demo@boxoffice.local")
    page.fill("input[name=password]", "wrong-password")
    page.get_by_role("button", name="Sign in as admin").click()
    expect(page.get_by_role("alert").first).to_be_visible()


def test_admin_pages_fit_a_phone(new_context, sign_in_as_admin, shot) -> None:
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in_as_admin(page)

    # Sign out sits beside the brand; the menu keeps to one line below them.
    brand = page.get_by_role("link", name=re.compile("BoxOffice")).first.bounding_box()
    sign_out = page.get_by_role("button", name="Sign out").bounding_box()
    menu = page.get_by_role("navigation", name="Main")
    links = [menu.get_by_role("link", name=n).bounding_box() for n in ("Dashboard", "Site")]
    assert brand and sign_out and all(links)
    assert abs(sign_out["y"] + sign_out["height"] / 2 - (brand["y"] + brand["height"] / 2)) < 8
    assert links[0]["y"] == links[1]["y"] and links[1]["x"] + links[1]["width"] <= 390  # type: ignore[index]
    shot(page, "29-admin-dashboard-phone")

    # Every row's buttons are on the screen, without scrolling sideways.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Venues").click()
    expect(page.get_by_role("heading", name="Venues", exact=True)).to_be_visible()
    for name in ("Shows", "Delete"):
        buttons = page.get_by_role("main").get_by_text(name, exact=True)
        expect(buttons.first).to_be_visible()
        for box in (b.bounding_box() for b in buttons.all()):
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "30-admin-venues-phone")
    page.get_by_role("main").get_by_text("Shows", exact=True).first.click()
    # The venues page has Delete buttons too: wait for the shows page before measuring one.
    expect(page.get_by_role("link", name="New show")).to_be_visible()
    delete = page.get_by_role("button", name="Delete").first
    expect(delete).to_be_visible()
    box = delete.bounding_box()
    assert box and box["x"] + box["width"] <= 390, box
    shot(page, "31-admin-shows-phone")

    # The question's answers stand one above the other across the dialog, each on one line
    # (side by side, "Keep booking" and "Cancel booking" broke over two lines each).
    delete.click()
    question = page.get_by_role("alertdialog", name="Delete show?")
    keep = question.get_by_role("button", name="Keep it").bounding_box()
    confirm = question.get_by_role("button", name="Delete show").bounding_box()
    assert keep and confirm and keep["y"] + keep["height"] <= confirm["y"], (keep, confirm)
    assert keep["width"] == confirm["width"] and keep["height"] < 50, (keep, confirm)
    shot(page, "33-admin-delete-question-phone", full_page=False)
    page.keyboard.press("Escape")
    expect(question).to_be_hidden()
