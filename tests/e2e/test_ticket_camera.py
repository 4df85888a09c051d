"""Door staff scan an e-ticket's QR code with the device camera, and the ticket admits once.

Chromium's fake camera plays a video of the real ticket's QR code (the signed reference the
server itself makes for a booking), so the decoding in the page is the one phones run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import segno
from playwright.sync_api import Browser, BrowserContext, Page, expect

from boxoffice import create_app
from boxoffice.bookings import tickets
from boxoffice.bookings.models import Booking
from boxoffice.config import Settings
from boxoffice.extensions import db

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 640, 480


def _post(context: BrowserContext, path: str, body: dict[str, object], token: str = "") -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = context.request.post(path, data=body, headers=headers)
    assert response.ok, f"{path}: {response.status} {response.text()}"
    return dict(response.json())


def _ticket_ref(e2e_server, code: str) -> str:
    """The text of the booking's QR code, made by the server's own code and secret key."""
    app = create_app(Settings.from_env(dict(e2e_server.env)))
    with app.app_context():
        booking = db.session.query(Booking).filter_by(code=code).one()
        ref = tickets.ticket_ref(booking)
        db.session.remove()
    return ref


def _booking_at_the_door(e2e_server, context: BrowserContext, unique, admin) -> str:
    """A booking for a show starting within the hour (doors are open): its QR code's text."""
    email, password = admin
    token = _post(context, "/api/admin/login", {"email": email, "password": password})[
        "access_token"
    ]
    venue = _post(
        context,
        "/api/venue/create",
        {"name": unique("Door Hall "), "location": "Pune", "rows": 4, "seats_per_row": 6},
        token,
    )["venue"]
    starts_at = (datetime.now(UTC) + timedelta(minutes=45)).isoformat(timespec="seconds")
    show = _post(
        context,
        "/api/show/create",
        {
            "venue_id": venue["venue_id"],
            "title": unique("Door Night "),
            "starts_at": starts_at,
            "price": "250.00",
        },
        token,
    )["show"]
    guest = f"{unique('guest')}@example.com"
    _post(
        context, "/api/register", {"email": guest, "name": "Meera", "password": "correct-horse-42"}
    )
    guest_token = _post(context, "/api/login", {"email": guest, "password": "correct-horse-42"})[
        "access_token"
    ]
    booking = _post(
        context, "/api/bookticket", {"show_id": show["show_id"], "seats": ["B3"]}, guest_token
    )
    return _ticket_ref(e2e_server, booking["booking"]["code"])


def _qr_video(text: str, path: Path) -> Path:
    """A Y4M video whose every frame is the QR code of `text`, dark on white, as Chromium's
    fake camera plays it: 4:2:0 frames, a grey Y plane and neutral colour planes."""
    rows = [list(row) for row in segno.make(text, error="m").matrix_iter(scale=1, border=4)]
    scale = min(WIDTH, HEIGHT) * 3 // 4 // len(rows)
    left, top = (WIDTH - len(rows) * scale) // 2, (HEIGHT - len(rows) * scale) // 2
    luma = bytearray(b"\xff" * (WIDTH * HEIGHT))
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                for line in range(top + y * scale, top + (y + 1) * scale):
                    start = line * WIDTH + left + x * scale
                    luma[start : start + scale] = b"\x00" * scale
    chroma = b"\x80" * ((WIDTH // 2) * (HEIGHT // 2) * 2)
    frame = b"FRAME\n" + bytes(luma) + chroma
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 10)
    return path


@pytest.fixture
def camera_page(
    e2e_server, new_context, launch_chromium, sign_in_as_admin, unique, admin_credentials, tmp_path
) -> Iterator[tuple[Page, str]]:
    """The door page, signed in as admin, in a Chromium whose camera shows a real ticket;
    and that ticket's reference."""
    ref = _booking_at_the_door(e2e_server, new_context(), unique, admin_credentials)
    video = _qr_video(ref, tmp_path / "ticket.y4m")
    browser = launch_chromium(
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    assert isinstance(browser, Browser)
    # Playwright's contexts refuse every permission unless granted: the admin allows it.
    context = browser.new_context(
        base_url=e2e_server.base_url,
        viewport={"width": 390, "height": 844},
        permissions=["camera"],
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in_as_admin(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tickets").click()
    expect(page.get_by_role("heading", name="Check a ticket")).to_be_visible()
    yield page, ref
    assert not errors, errors


def test_camera_admits_a_ticket_once(camera_page: tuple[Page, str], shot) -> None:
    page, ref = camera_page
    verdict = page.get_by_role("status")
    page.get_by_role("button", name="Scan with camera").click()
    camera = page.get_by_label("Camera view for scanning ticket QR codes")
    expect(camera).to_be_visible()
    expect(verdict).to_contain_text("Valid ticket — let them in.")
    # Named by its booking code, as the ticket prints it, not by the signed reference read.
    expect(verdict).to_contain_text(ref.removeprefix("BX:").split(".")[0])
    expect(verdict).not_to_contain_text(ref)
    expect(verdict).to_contain_text("B3")
    shot(page, "32-admin-ticket-camera")

    # The same ticket still in view is not checked again: the verdict stays "let them in".
    admits: list[str] = []
    page.on(
        "request", lambda r: admits.append(r.url) if r.url.endswith("/api/ticket/admit") else None
    )
    # Watched on the camera's own clock: a second and a half of frames, a dozen decodes.
    seen_at = page.evaluate("(video) => video.currentTime", camera.element_handle())
    page.wait_for_function(
        "([video, from]) => video.currentTime > from + 1.5", arg=[camera.element_handle(), seen_at]
    )
    assert admits == []
    expect(verdict).to_contain_text("Valid ticket — let them in.")

    # Stop gives the camera back; starting again checks the ticket in view anew: used.
    page.get_by_role("button", name="Stop camera").click()
    expect(camera).to_be_hidden()
    assert page.evaluate("(video) => video.srcObject", camera.element_handle()) is None
    page.get_by_role("button", name="Scan with camera").click()
    expect(verdict).to_contain_text("Already used: this ticket has let someone in.")
    expect(verdict).to_contain_text(re.compile(r"Admitted"))
    page.get_by_role("button", name="Stop camera").click()
    expect(page.get_by_role("button", name="Scan with camera")).to_be_visible()


def test_without_a_camera_the_page_says_so_and_typing_still_works(
    page: Page, sign_in_as_admin
) -> None:
    # The shared test browser has no camera behind getUserMedia.
    sign_in_as_admin(page)
    page.goto("/admin/tickets")
    page.get_by_role("button", name="Scan with camera").click()
    expect(page.get_by_role("alert")).to_contain_text("Type the code in the field above instead.")
    # The message stands apart from the button, not touching it.
    button = page.get_by_role("button", name="Scan with camera").bounding_box()
    message = page.get_by_role("alert").bounding_box()
    assert button and message, (button, message)
    assert message["y"] - (button["y"] + button["height"]) >= 8, (button, message)
    expect(page.get_by_label("Camera view for scanning ticket QR codes")).to_be_hidden()
    page.get_by_label("Scanned ticket reference").fill("BX:NOTREAL.forged")
    page.get_by_role("button", name="Admit").click()
    expect(page.get_by_role("status")).to_contain_text("Not a BoxOffice ticket")
