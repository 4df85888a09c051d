"""SMTP with STARTTLS and authentication, and SMTP over SSL (smtps://), against aiosmtpd with
a certificate made for the test; a wrong password is retried like any transient failure."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import Inbox, free_port
from flask import Flask
from flask.testing import FlaskClient
from reports_support import mail_rows, make_user

from boxoffice.extensions import db
from boxoffice.reports import outbox
from boxoffice.reports.delivery import attempt

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture
def tls_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    # The client verifies certificates as in production; trust only this one.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"asha@x", b"s3:cret")
    return AuthResult(success=ok, handled=False)  # handled=False: answer 535 on failure


@pytest.fixture
def secure_server(tls_context: ssl.SSLContext) -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=tls_context,
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
    )
    controller.start()
    yield inbox, port
    controller.stop()


def _one_mail(client: FlaskClient) -> int:
    user = make_user(client, "asha@example.com")
    row = outbox.record("miss_you", "2026-01-01T00:00/0", user)
    assert row is not None
    db.session.commit()
    return row.id


def _use(app: Flask, mail_url: str) -> None:
    app.config["BOXOFFICE"] = replace(app.config["BOXOFFICE"], mail_url=mail_url)


def test_starttls_and_login(app: Flask, client: FlaskClient, secure_server) -> None:
    inbox, port = secure_server
    _use(app, f"smtp://asha%40x:s3%3Acret@127.0.0.1:{port}?starttls=1")
    assert attempt(_one_mail(client)).status == "sent"
    assert inbox.next().rcpt_tos == ["asha@example.com"]


def test_wrong_password_is_retried(app: Flask, client: FlaskClient, secure_server) -> None:
    _, port = secure_server
    _use(app, f"smtp://asha%40x:wrong@127.0.0.1:{port}?starttls=1")
    outcome = attempt(_one_mail(client))
    assert outcome.status == "retrying" and outcome.retry_in == 0.05
    (row,) = mail_rows()
    assert row.status == "retrying" and "authentication" in (row.error or "")


def test_smtps(app: Flask, client: FlaskClient, tls_context: ssl.SSLContext) -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=tls_context)
    controller.start()
    try:
        _use(app, f"smtps://127.0.0.1:{port}")
        assert attempt(_one_mail(client)).status == "sent"
        assert inbox.next().rcpt_tos == ["asha@example.com"]
    finally:
        controller.stop()


def test_untrusted_certificate_is_refused(
    app: Flask, client: FlaskClient, secure_server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _, port = secure_server
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))
    _use(app, f"smtp://asha%40x:s3%3Acret@127.0.0.1:{port}?starttls=1")
    assert attempt(_one_mail(client)).status == "retrying"
    assert "SSLCertVerificationError" in (mail_rows()[0].error or "")
