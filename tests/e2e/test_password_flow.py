"""A person who forgot their password asks for a link, finds it in their mail and sets a new one;
a signed-in person changes theirs in the profile."""

from __future__ import annotations

import re
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _reset_link(outbox: Path, email: str, timeout: float = 20.0) -> str:
    """The reset link in the mail to ``email`` that the worker writes to the outbox folder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml")):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if email in str(message["To"]) and "password" in str(message["Subject"]):
                body = message.get_body(preferencelist=("plain",))
                assert body is not None
                text = body.get_content()
                link = next(word for word in text.split() if "/reset-password#token=" in word)
                parts = urlsplit(link)
                return f"{parts.path}#{parts.fragment}"
        time.sleep(0.1)  # the worker writes the file; nothing else tells us when
    raise AssertionError(f"no reset mail for {email} within {timeout} s")


def test_forgotten_password_by_mail(page: Page, sign_up, e2e_server) -> None:
    email, old_password = sign_up(page, name="Kavya")
    page.get_by_role("button", name="Sign out").click()

    page.goto("/signin")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text("on its way")

    link = _reset_link(e2e_server.instance_dir / "outbox", email)
    page.goto(link)
    expect(page.get_by_text(f"For {email}")).to_be_visible()  # the link was checked first
    page.get_by_label("New password", exact=False).first.fill("brand-new-secret-5")
    page.get_by_label("New password again").fill("brand-new-secret-5")
    page.get_by_role("button", name="Set the password").click()
    expect(page).to_have_url("/signin")
    expect(page.get_by_text("Your password is set.")).to_be_visible()
    # The address of the account the link is for is filled in, and it is not in the URL.
    expect(page.get_by_label("Email")).to_have_value(email)

    page.get_by_label("Password").fill(old_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Wrong email or password.")).to_be_visible()
    page.get_by_label("Password").fill("brand-new-secret-5")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # The used link says so as it opens, before any password is typed.
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("expired or was used already")
    expect(page.get_by_role("button", name="Set the password")).to_have_count(0)


def test_changing_the_password_signs_out_other_browsers(new_context, sign_up) -> None:
    here = new_context().new_page()
    email, password = sign_up(here, name="Rohan")
    elsewhere = new_context().new_page()
    elsewhere.goto("/signin")
    elsewhere.get_by_label("Email").fill(email)
    elsewhere.get_by_label("Password").fill(password)
    elsewhere.get_by_role("button", name="Sign in").click()
    expect(elsewhere.get_by_role("button", name="Sign out")).to_be_visible()

    here.goto("/profile")
    here.get_by_label("Current password").fill(password)
    here.get_by_label(re.compile(r"^New password")).fill("another-secret-8")
    here.get_by_label("Confirm new password").fill("another-secret-8")
    here.get_by_role("button", name="Change password").click()
    expect(here.get_by_text("Other devices are signed out.")).to_be_visible()
    here.goto("/bookings")  # this browser is still signed in
    expect(here.get_by_role("heading", name="My bookings")).to_be_visible()

    elsewhere.goto("/bookings")  # the other one is not, and is told why
    expect(elsewhere).to_have_url("/signin?next=/bookings")
    expect(elsewhere.get_by_text("Your session has ended; please sign in again.")).to_be_visible()
