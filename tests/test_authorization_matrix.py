"""Every write endpoint, and every admin read, against every kind of caller.

Callers: nobody, a normal user, an admin, a signed-out (revoked) token, a token signed with
another key, and an unsigned ``alg: none`` token. Rows say which callers may act; the test
checks everyone else is refused with the right status and the envelope, and that the allowed
callers get past authorization.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt as pyjwt
import pytest
from factories import make_show, make_venue
from flask.testing import FlaskClient
from support import Account, assert_error, register_and_login

from boxoffice.extensions import db
from boxoffice.reports.models import MailLog

Body = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    path: str
    body: Body
    who: str  # "user": any signed-in account; "admin": administrators only


def _future() -> str:
    return (datetime.now(UTC) + timedelta(days=20)).isoformat()


ENDPOINTS = [
    Endpoint("/api/logout", lambda ctx: {}, "user"),
    Endpoint("/api/me/update", lambda ctx: {"name": "New Name"}, "user"),
    Endpoint(
        "/api/venue/create",
        lambda ctx: {"name": "Hall", "location": "Pune", "rows": 3, "seats_per_row": 4},
        "admin",
    ),
    Endpoint(
        "/api/venue/update", lambda ctx: {"venue_id": ctx["venue_id"], "name": "Renamed"}, "admin"
    ),
    Endpoint("/api/venue/delete", lambda ctx: {"venue_id": ctx["spare_venue_id"]}, "admin"),
    Endpoint(
        "/api/show/create",
        lambda ctx: {
            "venue_id": ctx["venue_id"],
            "title": "New",
            "starts_at": _future(),
            "price": "100",
        },
        "admin",
    ),
    Endpoint(
        "/api/show/update", lambda ctx: {"show_id": ctx["show_id"], "title": "Renamed"}, "admin"
    ),
    Endpoint("/api/show/delete", lambda ctx: {"show_id": ctx["spare_show_id"]}, "admin"),
    Endpoint("/api/hold", lambda ctx: {"show_id": ctx["show_id"], "seats": ["A1"]}, "user"),
    Endpoint("/api/bookticket", lambda ctx: {"show_id": ctx["show_id"], "seats": ["A2"]}, "user"),
    Endpoint("/api/export", lambda ctx: {"venue_id": ctx["venue_id"]}, "admin"),
    Endpoint("/api/admin/mail/retry", lambda ctx: {"mail_id": ctx["failed_mail_id"]}, "admin"),
    Endpoint("/api/ticket/admit", lambda ctx: {"ref": "NOSUCHCODE"}, "admin"),
]

# Admin reads: what a person may not even look at (door checks, occupancy and revenue,
# exports, the mail log). The query names nothing that exists: an admin gets past the
# guard to a 200 or a 404, everyone else is stopped before it.
ADMIN_READS = [
    "/api/admin/stats",
    "/api/admin/mail",
    "/api/ticket/verify?ref=NOSUCHCODE",
    "/api/export/status?job_id=00000000-0000-4000-8000-000000000000",
    "/api/export/download?job_id=00000000-0000-4000-8000-000000000000",
]


def _forged_token(claims: dict[str, Any]) -> str:
    return pyjwt.encode(claims, "some-other-secret-key-of-sufficient-length!", algorithm="HS256")


def _unsigned_token(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.fixture
def context(client: FlaskClient) -> dict[str, Any]:
    venue = make_venue(name="Main")
    show = make_show(venue)
    spare_venue = make_venue(name="Spare")
    spare_show = make_show(venue, starts_in=timedelta(days=6))
    user = register_and_login(client, "viewer@example.com")
    admin = register_and_login(client, "boss@example.com", admin=True)
    revoked = register_and_login(client, "gone@example.com", admin=True)
    assert client.post("/api/logout", headers=revoked.headers).status_code == 200
    # Claims copied from a real admin token, so only the signature is wrong.
    real_claims = pyjwt.decode(admin.token, options={"verify_signature": False})
    failed_mail = MailLog(
        kind="monthly_report", period="2026-01", recipient=user.email, status="failed"
    )
    db.session.add(failed_mail)
    db.session.commit()
    return {
        "venue_id": venue.id,
        "show_id": show.id,
        "spare_venue_id": spare_venue.id,
        "spare_show_id": spare_show.id,
        "failed_mail_id": failed_mail.id,
        "user": user,
        "admin": admin,
        "revoked": revoked,
        "forged": _forged_token(real_claims),
        "unsigned": _unsigned_token(real_claims),
    }


def _headers(caller: str, ctx: dict[str, Any]) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    if caller in ("forged", "unsigned"):
        return {"Authorization": f"Bearer {ctx[caller]}"}
    account: Account = ctx[caller]
    return account.headers


CALLERS = ["anonymous", "user", "admin", "revoked", "forged", "unsigned"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.path)
@pytest.mark.parametrize("caller", CALLERS)
def test_authorization(
    client: FlaskClient, context: dict[str, Any], endpoint: Endpoint, caller: str
):
    response = client.post(
        endpoint.path, json=endpoint.body(context), headers=_headers(caller, context)
    )
    if caller in ("anonymous", "revoked", "forged", "unsigned"):
        assert_error(response, 401)
    elif caller == "user" and endpoint.who == "admin":
        assert_error(response, 403, "admin_only")
    else:
        assert response.status_code in (200, 201, 202), response.get_json()


@pytest.mark.parametrize("path", ADMIN_READS)
@pytest.mark.parametrize("caller", CALLERS)
def test_admin_reads(client: FlaskClient, context: dict[str, Any], path: str, caller: str):
    response = client.get(path, headers=_headers(caller, context))
    if caller in ("anonymous", "revoked", "forged", "unsigned"):
        assert_error(response, 401)
    elif caller == "user":
        assert_error(response, 403, "admin_only")
    else:
        assert response.status_code in (200, 404), response.get_json()


def test_token_for_deleted_account_is_rejected(client: FlaskClient, context: dict[str, Any]):
    from boxoffice.auth.models import User
    from boxoffice.extensions import db

    user: Account = context["user"]
    db.session.delete(db.session.get(User, user.user_id))
    db.session.commit()
    assert_error(client.get("/api/me", headers=user.headers), 401)


def test_expired_token_is_rejected(client: FlaskClient, app, context: dict[str, Any]):
    admin: Account = context["admin"]
    claims = pyjwt.decode(admin.token, options={"verify_signature": False})
    claims["exp"] = int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())
    expired = pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256")
    assert_error(
        client.get("/api/me", headers={"Authorization": f"Bearer {expired}"}), 401, "token_expired"
    )


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer abc.def.ghi", "Basic Zm9vOmJhcg==", "Bearer " + "a" * 5000],
)
def test_garbage_authorization_headers(client: FlaskClient, header: str):
    response = client.get("/api/me", headers={"Authorization": header})
    assert_error(response, 401)


def test_demoted_admin_loses_admin_rights_at_once(client: FlaskClient, context: dict[str, Any]):
    from boxoffice.auth.models import User
    from boxoffice.extensions import db

    admin: Account = context["admin"]
    db.session.get(User, admin.user_id).is_admin = False
    db.session.commit()
    body = {"name": "Hall", "location": "Pune", "rows": 3, "seats_per_row": 4}
    assert_error(client.post("/api/venue/create", json=body, headers=admin.headers), 403)
