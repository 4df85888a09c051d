"""Behind a reverse proxy the client's address comes from X-Forwarded-For, and only then.

Sign-ups are limited per client address, so they show which address the app took.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask.testing import FlaskClient

from boxoffice.config import Settings

PROXY = "10.0.0.2"  # the address every request arrives from: the proxy's


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """One sign-up per hour and address; ``trusted_proxies`` from the test's parameter."""
    hops = getattr(request, "param", 0)
    return replace(settings, register_rate_limit="1 per hour", trusted_proxies=hops)


def _sign_up(client: FlaskClient, email: str, forwarded_for: str) -> int:
    body = {"email": email, "name": "Fan", "password": "fan-pass-2026"}
    headers = {"X-Forwarded-For": forwarded_for}
    response = client.post(
        "/api/register", json=body, headers=headers, environ_base={"REMOTE_ADDR": PROXY}
    )
    return response.status_code


def test_without_trusted_proxies_the_header_is_ignored(client: FlaskClient):
    # Anyone can send the header: believing it would let one client sign up endlessly.
    assert _sign_up(client, "one@example.com", "203.0.113.1") == 201
    assert _sign_up(client, "two@example.com", "203.0.113.2") == 429


@pytest.mark.parametrize("settings", [1], indirect=True, ids=["one proxy"])
def test_behind_a_trusted_proxy_each_person_has_their_own_limit(client: FlaskClient):
    assert _sign_up(client, "one@example.com", "203.0.113.1") == 201
    assert _sign_up(client, "two@example.com", "203.0.113.2") == 201
    assert _sign_up(client, "three@example.com", "203.0.113.1") == 429
    # Only the address the proxy appended counts: a client cannot choose its own by
    # sending a header that the proxy then extends.
    assert _sign_up(client, "four@example.com", "198.51.100.7, 203.0.113.2") == 429
