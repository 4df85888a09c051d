"""The one way BoxOffice sends mail.

``compose`` builds a message (plain text + HTML, attachments, inline images) from the
language-aware templates in ``templates/mail``; ``deliver`` sends it over SMTP when
``BOXOFFICE_MAIL_URL`` is set, else writes it as an ``.eml`` file to ``instance/outbox/`` so a
machine without a mail server still shows what would have been sent.

Failures are sorted into transient (connection trouble, 4xx replies: retry later) and
permanent (5xx replies such as an unknown mailbox: retrying cannot help).
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .config import Settings
from .db_types import utcnow

TEMPLATES = Path(__file__).parent / "templates" / "mail"
CATALOGS = TEMPLATES / "i18n"
DEFAULT_LANGUAGE = "en"
# Headers are folded at spaces to 78 characters where they have any; a longer run without
# one (the List-Unsubscribe address) would otherwise be turned into RFC 2047 encoded words,
# which mail programs do not read as an address. 998 is RFC 5322's hard line limit.
MAIL_POLICY = policy.default.clone(max_line_length=998)


class TransientMailError(Exception):
    """Sending failed in a way that may pass: retry later."""


class PermanentMailError(Exception):
    """The server refused the mail for good (e.g. unknown recipient)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str  # "text/calendar", "image/png", ...
    # Set for images shown inside the HTML (``<img src="cid:...">``) rather than attached.
    content_id: str | None = None


# ---- templates and translations -------------------------------------------------------------


@cache
def _catalog(language: str) -> dict[str, str]:
    path = CATALOGS / f"{language}.json"
    if not path.is_file():
        return {}
    catalog: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return catalog


def supported_language(language: str | None) -> str:
    """The user's language when we have a translation, else English."""
    if language and language != DEFAULT_LANGUAGE and _catalog(language):
        return language
    return DEFAULT_LANGUAGE


class Translator:
    """gettext for one language: English text is the key, missing entries stay English."""

    def __init__(self, language: str | None) -> None:
        self.language = supported_language(language)
        self._strings = _catalog(self.language)

    def __call__(self, text: str, **values: Any) -> str:
        translated = self._strings.get(text, text)
        return translated % values if values else translated

    def ngettext(self, singular: str, plural: str, count: int, **values: Any) -> str:
        return self(singular if count == 1 else plural, num=count, **values)

    def when(self, value: datetime, tz: Any) -> str:
        """A date and time like "Fri, 28 Nov 2026, 18:30" in ``tz``, names translated."""
        local = value.astimezone(tz)
        day = self(local.strftime("%a"))
        month = self(local.strftime("%b"))
        return f"{day}, {local.day} {month} {local.year}, {local:%H:%M}"

    def month(self, first_day: date) -> str:
        """ "November 2026", the month name translated."""
        return f"{self(first_day.strftime('%B'))} {first_day.year}"


@cache
def _environment(autoescape: bool) -> Environment:
    # The translator is passed per render as ``_`` rather than installed on the shared
    # environment, so that threads rendering different languages never see each other's.
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, translator: Translator, context: Mapping[str, Any]) -> tuple[str, str]:
    """Render ``<template>.txt`` and ``<template>.html`` in the translator's language."""
    parts = []
    for suffix, autoescape in ((".txt", False), (".html", True)):
        page = _environment(autoescape).get_template(template + suffix)
        parts.append(page.render(**context, _=translator, language=translator.language))
    return parts[0], parts[1]


# ---- composing ------------------------------------------------------------------------------


def _settings() -> Settings:
    settings: Settings = current_app.config["BOXOFFICE"]
    return settings


def _literal_display_name(name: str) -> str:
    """A person's name as they typed it, never read as an RFC 2047 encoded word.

    Python's header folding decodes an encoded word it finds in a display name and writes
    the result unquoted, so a name like ``=?utf-8?b?...?=`` could turn the To line into
    ``x <someone@else>, y <own@address>``. A word joiner (invisible) after each ``=`` before
    a ``?`` keeps it text; the name is then encoded whole and reads back unchanged."""
    return name.replace("=?", "=\u2060?")


def compose(
    *,
    to: tuple[str, str],
    subject: str,
    text: str,
    html: str,
    attachments: Iterable[Attachment] = (),
    language: str = DEFAULT_LANGUAGE,
) -> EmailMessage:
    """A complete message: From/To/Subject/Date/Message-ID, text and HTML, attachments."""
    sender = _settings().mail_from
    domain = parseaddr(sender)[1].rpartition("@")[2] or "boxoffice.local"
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = sender
    message["To"] = formataddr((_literal_display_name(to[0]), to[1]))
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: vacation responders stay quiet
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    html_part = cast(EmailMessage, message.get_payload()[1])  # type: ignore[index]
    for item in attachments:
        maintype, _, subtype = item.mimetype.partition("/")
        if item.content_id:
            html_part.add_related(
                item.content,
                maintype=maintype,
                subtype=subtype,
                cid=f"<{item.content_id}>",
                filename=item.filename,
                disposition="inline",
            )
        else:
            # Text attachments (calendar, CSV) are UTF-8; without the charset parameter
            # clients decode them as ASCII and mangle every non-ASCII character.
            params = {"charset": "utf-8"} if maintype == "text" else None
            message.add_attachment(
                item.content,
                maintype=maintype,
                subtype=subtype,
                filename=item.filename,
                params=params,
            )
    # Last: set_content and add_alternative move or drop every Content-* header set before.
    message["Content-Language"] = language
    return message


# ---- delivering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    ssl: bool
    starttls: bool
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        use_ssl = parts.scheme == "smtps"
        starttls = query.get("starttls", ["0"])[0].lower() in {"1", "true", "yes", "on"}
        default_port = 465 if use_ssl else (587 if starttls else 25)
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or default_port,
            ssl=use_ssl,
            starttls=starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def deliver(message: EmailMessage) -> str:
    """Send (or write to the outbox) one composed message; returns its Message-ID."""
    settings = _settings()
    if settings.mail_url:
        _send_smtp(SmtpTarget.parse(settings.mail_url), message, settings.mail_timeout)
    else:
        _write_outbox(settings.instance_dir / "outbox", message)
    return str(message["Message-ID"])


def _send_smtp(target: SmtpTarget, message: EmailMessage, timeout: float) -> None:
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if target.ssl:
            client = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=timeout)
        with client:
            if target.starttls:
                client.starttls(context=context)
            if target.username:
                client.login(target.username, target.password or "")
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if all(code >= 500 for code in codes):
            raise PermanentMailError(f"recipient refused: {error.recipients}") from error
        raise TransientMailError(f"recipient deferred: {error.recipients}") from error
    except smtplib.SMTPAuthenticationError as error:
        # A wrong password is an operator's mistake that can be fixed while we retry.
        raise TransientMailError(f"SMTP authentication failed ({error.smtp_code})") from error
    except smtplib.SMTPResponseException as error:
        text = f"SMTP {error.smtp_code}: {error.smtp_error!r}"
        if error.smtp_code >= 500:
            raise PermanentMailError(text) from error
        raise TransientMailError(text) from error
    except (smtplib.SMTPException, OSError) as error:
        # Refused or dropped connections, timeouts, DNS and TLS trouble.
        raise TransientMailError(f"{type(error).__name__}: {error}") from error


def _write_outbox(directory: Path, message: EmailMessage) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    token = str(message["Message-ID"]).strip("<>").split("@")[0]
    target = directory / f"{stamp}-{token}.eml"
    # Write then rename, so a reader never sees half a file.
    fd, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(message.as_bytes())
    os.replace(temporary, target)
    return target
