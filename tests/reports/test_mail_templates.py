"""Templates and translations: every string a template asks for is translated, every mail kind
renders in every language, and settings for the jobs are checked at start-up."""

from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from reports_support import make_user
from support import assert_error

from boxoffice import mail
from boxoffice.celery_app import beat_schedule, celery_config
from boxoffice.config import ConfigError, Settings
from boxoffice.extensions import db
from boxoffice.money import format_money
from boxoffice.reports import unsubscribe

TEMPLATES = Path(mail.__file__).parent / "templates" / "mail"
MSGID = re.compile(r"""_\((["'])(.+?)\1""")
# Strings built in Python (subjects, names of days, months and languages).
PYTHON_STRINGS = {
    "Your tickets for %(title)s (%(code)s)",
    "Booking %(code)s cancelled",
    "Reminder: %(title)s at %(time)s",
    "We miss you at BoxOffice",
    "Your BoxOffice bookings in %(month)s",
    "%(num)s booking",
    "%(num)s bookings",
    "%(num)s ticket",
    "%(num)s tickets",
    "Export ready: %(venue)s",
    "Set a new BoxOffice password",
    "Your BoxOffice password was changed",
    "Your BoxOffice account was deleted",
    *"Mon Tue Wed Thu Fri Sat Sun".split(),
    *"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    *"January February March April June July August September October November".split(),
    "December",
    *"English Hindi Tamil Telugu Malayalam Kannada Bengali Marathi".split(),
}


def _template_strings() -> set[str]:
    found = set()
    for path in TEMPLATES.glob("*.*"):
        found |= {match.group(2) for match in MSGID.finditer(path.read_text())}
    return found


@pytest.mark.parametrize("language", ["hi", "ta"])
def test_every_string_is_translated(language: str) -> None:
    catalog = json.loads((TEMPLATES / "i18n" / f"{language}.json").read_text())
    wanted = _template_strings() | PYTHON_STRINGS
    assert wanted - set(catalog) == set()
    for english, translated in catalog.items():
        placeholders = set(re.findall(r"%\((\w+)\)s", english))
        assert set(re.findall(r"%\((\w+)\)s", translated)) == placeholders, english


def test_translator_falls_back_to_english() -> None:
    assert mail.Translator("hi").language == "hi"
    assert mail.Translator("bn").language == "en"  # no Bengali catalog yet
    assert mail.Translator(None).language == "en"
    assert mail.Translator("xx")("Film") == "Film"
    when = datetime(2026, 11, 27, 13, 0, tzinfo=ZoneInfo("UTC"))
    assert mail.Translator("en").when(when, ZoneInfo("Asia/Kolkata")) == "Fri, 27 Nov 2026, 18:30"
    assert mail.Translator("hi").when(when, ZoneInfo("Asia/Kolkata")) == "शुक्र, 27 नव॰ 2026, 18:30"


@pytest.mark.parametrize("language", ["en", "hi", "ta"])
def test_every_kind_renders_and_escapes(app: Flask, language: str) -> None:
    booking = SimpleNamespace(
        code="AB2CD3EF",
        show_title="<script>alert(1)</script>",
        show_starts_at=datetime(2026, 11, 27, 13, 0, tzinfo=ZoneInfo("UTC")),
        venue_name="Sathyam",
        venue_location="Chennai",
        seats=["A1", "A2"],
        total=Decimal("400.00"),
        currency="EUR",
    )
    translator = mail.Translator(language)
    common = {
        "user_name": "Asha & Co",
        "public_url": "https://x.test",
        "unsubscribe_url": "https://x.test/unsubscribe?token=t",
        "unsubscribe_kind": "reminders",
        "subject": "s",
        "when": lambda value: translator.when(value, ZoneInfo("Asia/Kolkata")),
        "money": format_money,
    }
    report = SimpleNamespace(spend={"EUR": Decimal("400.00")}, favourite_venue="Sathyam")
    contexts = {
        "booking_confirmed": {"booking": booking, "qr_cid": "qr@x", "booking_url": "u"},
        "booking_cancelled": {"booking": booking, "withdrawn": True},
        "show_reminder": {"booking": booking, "booking_url": "u"},
        "miss_you": {"shows": [], "browse_url": "u"},
        "monthly_report": {
            "report": report,
            "month_name": "November 2026",
            "summary": "1 booking, 2 tickets, €400.00",
            "spend": "€400.00",
            "shows": [{"booking": booking, "upcoming": True}],
            "shows_after_month": True,
            "favourite_language_name": "Tamil",
        },
        "export_ready": {
            "venue_name": "Sathyam",
            "show_count": 3,
            "file_name": "venue-1.csv",
            "download_url": "u",
        },
        "password_changed": {
            "changed_at": "Fri, 27 Nov 2026, 18:30",
            "by_reset": False,
            "by_operator": True,
            "forgot_url": "u",
        },
        "account_deleted": {"deleted_at": "Fri, 27 Nov 2026, 18:30", "cancelled": [booking]},
    }
    for kind, context in contexts.items():
        text, html = mail.render(kind, translator, {**common, **context})
        assert text.strip() and html.strip(), kind
        assert "<script>" not in html and "Asha &amp; Co" in html, kind
        assert f'lang="{translator.language}"' in html
        if kind in ("booking_confirmed", "booking_cancelled", "monthly_report"):
            assert "€400.00" in text and "€400.00" in html, kind
            assert "₹" not in text + html, kind


@pytest.mark.parametrize(
    "name",
    [
        "=?utf-8?b?eCA8ZXZpbEBhdHRhY2tlci5jb20+LCB5?=",  # "x <evil@attacker.com>, y"
        "Meera =?utf-8?q?K?= Rao",
        'Asha "A" <Co>, Ltd',
        "मीरा",
    ],
)
def test_a_name_is_never_more_than_a_name_in_the_to_line(app: Flask, name: str) -> None:
    with app.app_context():
        message = mail.compose(
            to=(name, "self@example.com"), subject="s", text="t", html="<p>t</p>"
        )
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    [address] = parsed["To"].addresses
    assert address.addr_spec == "self@example.com"
    assert address.display_name.replace("\u2060", "") == name


def test_settings_for_jobs() -> None:
    base = {"BOXOFFICE_INSTANCE_DIR": "/tmp/boxoffice-settings-test"}
    settings = Settings.from_env(
        {
            **base,
            "BOXOFFICE_MAIL_RETRY_DELAYS": "1, 2.5,4",
            "BOXOFFICE_REMINDERS_AT": "7:05",
            "BOXOFFICE_MONTHLY_REPORT_AT": "23:59",
            "BOXOFFICE_TIMEZONE": "Asia/Kolkata",
        }
    )
    assert settings.mail_retry_delays == (1.0, 2.5, 4.0)
    assert settings.reminders_at == "07:05"
    schedule = beat_schedule(settings)
    reminders = schedule["daily-reminders"]["schedule"]
    assert (reminders.hour, reminders.minute) == ({7}, {5})
    report = schedule["monthly-entertainment-report"]["schedule"]
    assert (report.day_of_month, report.hour, report.minute) == ({1}, {23}, {59})
    assert celery_config(settings)["timezone"] == "Asia/Kolkata"  # crontab is local time
    assert "requeue-stale-mail" in schedule

    for name, value in [
        ("MAIL_RETRY_DELAYS", "10,soon"),
        ("MAIL_RETRY_DELAYS", "-1"),
        ("REMINDERS_AT", "25:00"),
        ("MONTHLY_REPORT_AT", "eight"),
        ("MAIL_URL", "http://mail.example.com"),
    ]:
        with pytest.raises(ConfigError):
            Settings.from_env({**base, f"BOXOFFICE_{name}": value})


def test_unsubscribe_tokens(client: FlaskClient) -> None:
    user = make_user(client, "asha@example.com")
    token = unsubscribe.make_token(user, unsubscribe.REMINDERS)

    response = client.post("/api/unsubscribe", json={"token": token})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["reminders_enabled"], body["monthly_report_enabled"]) == (False, True)
    assert body["stopped"] == ["reminders"] and "reminder mails" in body["message"]
    # Using the link again is harmless.
    assert client.post("/api/unsubscribe", json={"token": token}).status_code == 200

    assert_error(client.post("/api/unsubscribe", json={"token": token + "x"}), 400)
    assert_error(client.post("/api/unsubscribe", json={"token": "garbage"}), 400)
    assert_error(client.post("/api/unsubscribe", json={}), 422)
    # A link from a mail of another kind, or forged to name a kind that does not exist.
    assert_error(client.post("/api/unsubscribe", json={"token": _token(user, "ads")}), 400)
    # A link stops working when the account changes its address.
    user.email = "asha.new@example.com"
    db.session.commit()
    assert_error(client.post("/api/unsubscribe", json={"token": token}), 400)


def test_fetching_an_unsubscribe_address_changes_nothing(client: FlaskClient) -> None:
    """Link scanners and previews fetch a mail's links with GET or HEAD."""
    user = make_user(client, "asha@example.com")
    token = unsubscribe.make_token(user, unsubscribe.REMINDERS)
    for method in ("GET", "HEAD"):
        response = client.open("/api/unsubscribe", method=method, query_string={"token": token})
        assert response.status_code == 405
    assert_error(client.get("/api/unsubscribe", query_string={"token": token}), 405)
    db.session.expire_all()
    assert user.reminders_enabled is True


def test_one_click_unsubscribe_from_the_mail_program(client: FlaskClient) -> None:
    """RFC 8058: the mail program posts List-Unsubscribe=One-Click to the mail's address."""
    user = make_user(client, "asha@example.com")
    token = unsubscribe.make_token(user, unsubscribe.MONTHLY_REPORT)
    form = {"List-Unsubscribe": "One-Click"}
    # Without the form field (a scanner, a stray POST) or with a bad token: nothing changes.
    assert_error(client.post("/unsubscribe", query_string={"token": token}), 400, "bad_request")
    bad = client.post("/unsubscribe", query_string={"token": token + "x"}, data=form)
    assert_error(bad, 400, "invalid_token")
    # A person opening the address in a browser gets the web app's page, which asks first.
    page = client.get("/unsubscribe", query_string={"token": token})
    assert page.status_code == 200 and page.mimetype == "text/html"
    page.close()
    db.session.expire_all()
    assert user.monthly_report_enabled is True

    response = client.post("/unsubscribe", query_string={"token": token}, data=form)
    assert response.status_code == 200 and response.get_json() == {"stopped": ["monthly_report"]}
    db.session.expire_all()
    assert (user.monthly_report_enabled, user.reminders_enabled) == (False, True)


def _token(user, kind: str | None) -> str:
    """A token signed like the real ones, naming ``kind`` (None: a link from before kinds)."""
    payload = {"u": user.id, "e": user.email} | ({"k": kind} if kind else {})
    return str(unsubscribe._serializer().dumps(payload))


def test_each_link_stops_only_its_own_kind_of_mail(client: FlaskClient) -> None:
    user = make_user(client, "asha@example.com")
    monthly = unsubscribe.make_token(user, unsubscribe.MONTHLY_REPORT)
    body = client.post("/api/unsubscribe", json={"token": monthly}).get_json()
    assert body["stopped"] == ["monthly_report"] and "monthly report" in body["message"]
    assert (body["reminders_enabled"], body["monthly_report_enabled"]) == (True, False)
    # The person turns the report back on in their profile; the mails' links still work.
    user.monthly_report_enabled = True
    db.session.commit()
    # A link from before the two kinds were apart promised to stop both, and does.
    body = client.post("/api/unsubscribe", json={"token": _token(user, None)}).get_json()
    assert body["stopped"] == ["reminders", "monthly_report"]
    assert (body["reminders_enabled"], body["monthly_report_enabled"]) == (False, False)


@pytest.mark.parametrize("user_id", [2**40, 10**30, 0, "12a"])
def test_a_signed_link_naming_no_possible_account_is_invalid(
    client: FlaskClient, user_id: object
) -> None:
    """Only a holder of the secret key could sign these; still a 400, not a database error."""
    from boxoffice.auth import reset

    payload = {"u": user_id, "e": "asha@example.com", "k": unsubscribe.REMINDERS}
    token = str(unsubscribe._serializer().dumps(payload))
    assert_error(client.post("/api/unsubscribe", json={"token": token}), 400, "invalid_token")
    assert_error(client.post(f"/unsubscribe?token={token}", data={
        "List-Unsubscribe": "One-Click"}), 400, "invalid_token")  # fmt: skip
    reset_token = str(reset._serializer().dumps({"u": user_id, "h": "x"}))
    reset_body = {"token": reset_token, "password": "a-new-secret-42"}
    assert_error(client.post("/api/password/reset", json=reset_body), 400, "invalid_token")
