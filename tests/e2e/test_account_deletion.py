"""A person deletes their account from the profile: their upcoming booking is cancelled and
its seat frees on an open seat map, they land on the home page signed out, the old password
no longer signs in, the address signs up afresh, and a last mail tells the old address."""

from __future__ import annotations

import re
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _mail_subjects(outbox: Path, email: str, subject: str, timeout: float = 20.0) -> list[str]:
    """Subjects of the mails to ``email`` in the outbox folder, once one has ``subject``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        subjects = [
            str(message["Subject"])
            for message in (
                BytesParser(policy=policy.default).parsebytes(path.read_bytes())
                for path in sorted(outbox.glob("*.eml"))
            )
            if email in str(message["To"])
        ]
        if subject in subjects:
            return subjects
        time.sleep(0.1)  # the worker writes the file; nothing else tells us when
    raise AssertionError(f"no mail {subject!r} to {email} within {timeout} s")


def test_deleting_the_account(new_context, sign_up, bookable_show, e2e_server, shot) -> None:
    show_id = bookable_show["show_id"]
    page = new_context().new_page()
    email, password = sign_up(page, name="Nila")

    # Book one seat.
    page.goto(f"/shows/{show_id}")
    seat = page.locator('.seat-map [data-status="free"]').first.get_attribute("data-seat")
    page.locator(f'[data-seat="{seat}"]').click()
    expect(page.locator(f'[data-seat="{seat}"]')).to_have_attribute("data-status", "mine")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=re.compile("Confirm booking")).click()
    expect(page.get_by_role("heading", name="You're all set!")).to_be_visible()

    # Someone else has the seat map open and sees the seat taken.
    watcher = new_context().new_page()
    watcher.goto(f"/shows/{show_id}")
    expect(watcher.get_by_text("Live seat updates")).to_be_visible()
    expect(watcher.locator(f'[data-seat="{seat}"]')).to_have_attribute("data-status", "booked")

    page.goto("/profile")
    section = page.get_by_role("form", name="Delete account")
    section.get_by_label("Your password").fill("not-my-password")
    section.get_by_role("button", name="Delete account").click()
    question = page.get_by_role("alertdialog", name="Delete your account?")
    expect(question).to_contain_text("upcoming bookings are cancelled")
    expect(question.get_by_role("button", name="Keep my account")).to_be_focused()
    shot(page, "account-delete-question")
    question.get_by_role("button", name="Delete my account").click()
    expect(section.get_by_label("Your password")).to_have_accessible_description(
        "This is not your current password."
    )

    section.get_by_label("Your password").fill(password)
    section.get_by_role("button", name="Delete account").click()
    question.get_by_role("button", name="Delete my account").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Your account is deleted; 1 upcoming booking was cancelled."
    )
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    shot(page, "account-deleted")
    # The seat is free at once for everyone, live on the open map.
    expect(watcher.locator(f'[data-seat="{seat}"]')).to_have_attribute("data-status", "free")

    # The old password opens nothing; the address is free for a new account.
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Wrong email or password.")).to_be_visible()
    page.goto("/signup")
    page.fill("input[name=name]", "Nila again")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.fill("input[name=confirm]", password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/bookings")
    expect(page.get_by_text(str(seat), exact=True)).to_have_count(0)

    subjects = _mail_subjects(
        e2e_server.instance_dir / "outbox", email, "Your BoxOffice account was deleted"
    )
    assert "Booking" not in " ".join(subjects)  # no cancellation mail besides the notice
