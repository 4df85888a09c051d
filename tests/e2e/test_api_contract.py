"""The web app's hand-typed API client against the server's own OpenAPI document.

The client in frontend/src/api/ is typed by hand from the contract; this catches drift: every
endpoint it calls must exist with that method, and every non-optional field it reads or sends
must be in the matching schema.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

API_DIR = Path(__file__).parents[2] / "frontend" / "src" / "api"

# TypeScript interface -> OpenAPI schema it mirrors.
SCHEMAS = {
    "User": "User",
    "Meta": "Meta",
    "VenueRef": "VenueBrief",
    "Show": "Show",
    "Venue": "Venue",
    "Seat": "Seat",
    "Hold": "Hold",
    "SeatMapResponse": "SeatMap",
    "Booking": "Booking",
    "BookingPage": "BookingGet",
    "StatsShow": "StatsShow",
    "StatsVenue": "StatsVenue",
    "AdminStats": "Stats",
    "ExportStatus": "ExportStatus",
    "Mail": "Mail",
    "MailPage": "MailList",
    "ShowInput": "ShowCreate",
    "VenueInput": "VenueCreate",
    "Credentials": "Login",
    "Registration": "Register",
    "ProfileUpdate": "ProfileUpdate",
    "Unsubscribed": "Unsubscribed",
    "TicketVerification": "Verify",
    "TicketSummary": "TicketSummary",
}


def _interfaces() -> dict[str, dict[str, bool]]:
    """name -> {field: optional} for the top-level fields of each exported interface."""
    found: dict[str, dict[str, bool]] = {}
    for source in ("types.ts", "index.ts"):
        text = (API_DIR / source).read_text(encoding="utf-8")
        pattern = r"export interface (\w+)(?: extends (\w+))? \{\n(.*?)\n\}"
        for name, parent, body in re.findall(pattern, text, re.S):
            fields = dict(found.get(parent, {})) if parent else {}
            for field, optional in re.findall(r"^  (\w+)(\?)?:", body, re.M):
                fields[field] = bool(optional)
            found[name] = fields
    return found


def _calls() -> set[tuple[str, str]]:
    text = (API_DIR / "index.ts").read_text(encoding="utf-8")
    calls = {(m.lower(), p) for m, p in re.findall(r"\b(get|post)<[^']*?>\('(/api/[^'?]+)'", text)}
    # URLs handed to the browser (EventSource, download links) are GETs.
    calls |= {("get", p) for p in re.findall(r"`(/api/[^`?]+)\?", text)}
    return calls


@pytest.fixture(scope="module")
def spec(e2e_server) -> dict:
    return e2e_server.api("/api/openapi.json")


def test_every_endpoint_the_client_calls_exists(spec: dict) -> None:
    calls = _calls()
    assert len(calls) >= 30, calls  # the parser still sees the whole client
    missing = sorted(f"{m.upper()} {p}" for m, p in calls if m not in spec["paths"].get(p, {}))
    assert not missing, f"the client calls endpoints the server does not document: {missing}"


@pytest.mark.parametrize("interface,schema", sorted(SCHEMAS.items()))
def test_client_types_match_the_schemas(spec: dict, interface: str, schema: str) -> None:
    fields = _interfaces()[interface]
    assert fields, f"no fields parsed for {interface}"
    properties = set(spec["components"]["schemas"][schema].get("properties", {}))
    missing = sorted(f for f, optional in fields.items() if not optional and f not in properties)
    assert not missing, f"{interface} expects fields {schema} does not have: {missing}"


def test_search_filters_are_query_parameters_of_filter(spec: dict) -> None:
    params = {p["name"] for p in spec["paths"]["/api/filter"]["get"].get("parameters", [])}
    fields = set(_interfaces()["ShowFilter"])
    assert fields <= params, f"filters the server ignores: {sorted(fields - params)}"
