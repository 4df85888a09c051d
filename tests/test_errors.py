"""One error envelope for every failure; no bad input becomes a 500."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from factories import make_show, make_venue
from flask.testing import FlaskClient
from gunicorn.http.body import Body, ChunkedReader
from gunicorn.http.unreader import IterUnreader
from openapi_spec_validator import validate
from support import Account, assert_error

from boxoffice.config import Settings


def test_unknown_api_route_is_404_envelope(client: FlaskClient):
    assert_error(client.get("/api/does-not-exist"), 404, "not_found")
    assert_error(client.post("/api/does/not/exist", json={}), 404, "not_found")


def test_wrong_method_is_405_envelope(client: FlaskClient):
    response = client.get("/api/register")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/show/get", {"GET", "HEAD", "OPTIONS"}),
        ("/api/register", {"POST", "OPTIONS"}),
        ("/api/show/events", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_options_is_204_with_allow_and_no_html(client: FlaskClient, path: str, allowed: set):
    """Flask's own answer is a 200 with an empty text/html body; an API has no page to give."""
    response = client.options(path)
    assert response.status_code == 204
    assert set(response.headers["Allow"].split(", ")) == allowed
    assert response.get_data() == b""
    assert "Content-Type" not in response.headers and "Content-Length" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_options_of_an_unknown_api_path_is_still_404(client: FlaskClient):
    assert_error(client.options("/api/does-not-exist"), 404, "not_found")


def test_a_cors_preflight_gets_the_204_with_its_cors_headers(settings: Settings, second_app):
    origin = "https://tickets.example.com"
    app = second_app(replace(settings, cors_origins=(origin,)))
    preflight = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type, X-CSRF-TOKEN",
    }
    response = app.test_client().options("/api/hold", headers=preflight)
    assert response.status_code == 204  # a preflight needs any 2xx
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "x-csrf-token" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "POST" in response.headers["Allow"] and response.get_data() == b""
    other = app.test_client().options(
        "/api/hold", headers={**preflight, "Origin": "https://x.test"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers


def test_malformed_json_is_400(client: FlaskClient):
    response = client.post("/api/register", data="{not json", content_type="application/json")
    assert_error(response, 400, "malformed_json")


def test_invalid_utf8_is_400(client: FlaskClient):
    response = client.post(
        "/api/register", data=b'{"email": "\xff"}', content_type="application/json"
    )
    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_non_json_body_is_415(client: FlaskClient, content_type: str):
    response = client.post("/api/register", data="email=a@b.c", content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")


def test_body_over_one_mebibyte_is_413(client: FlaskClient, admin: Account):
    big = '{"name": "' + "x" * (1024 * 1024 + 10) + '"}'
    response = client.post(
        "/api/venue/create", data=big, content_type="application/json", headers=admin.headers
    )
    assert_error(response, 413, "payload_too_large")


def test_ten_megabyte_body_is_refused_before_reading(client: FlaskClient):
    response = client.post(
        "/api/login", data=b"x" * (10 * 1024 * 1024), content_type="application/json"
    )
    assert_error(response, 413, "payload_too_large")


@pytest.mark.parametrize("size", [1024 * 1024 + 1, 10 * 1024 * 1024])
def test_a_chunked_body_over_one_mebibyte_is_413_too(client: FlaskClient, user: Account, size):
    """No Content-Length to check up front: the body is read up to the limit, not past it."""
    body = b'{"show_id": 1, "seats": ["' + b"A" * size + b'"]}'
    response = client.post(
        "/api/hold",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={**user.headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn says of chunks
    )
    assert_error(response, 413, "payload_too_large")


def test_a_chunked_body_within_the_limit_is_read(client: FlaskClient, user: Account):
    response = client.post(
        "/api/hold",
        input_stream=io.BytesIO(b'{"show_id": 999999, "seats": ["A1"]}'),
        content_type="application/json",
        headers={**user.headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_error(response, 404, "not_found")  # read and understood: the show is unknown


def _gunicorn_chunks(raw: bytes) -> Body:
    """What gunicorn hands the app as ``wsgi.input`` for a chunked body sent as ``raw``."""
    return Body(ChunkedReader(None, IterUnreader([raw])))


@pytest.mark.parametrize(
    "raw",
    [b"zz\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n", b"5\r\n{}"],
    ids=["bad chunk size", "chunk without its terminator", "cut short"],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_malformed_chunks_are_400_not_500(client: FlaskClient, raw: bytes, method: str):
    response = client.open(
        "/api/login" if method == "POST" else "/api/health",
        method=method,
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input": _gunicorn_chunks(raw), "wsgi.input_terminated": True},
    )
    assert_error(response, 400, "bad_request")


def test_well_formed_gunicorn_chunks_are_read(client: FlaskClient, user: Account):
    parts = [b'{"show_id": 999', b'999, "seats": ["A1"]}']
    raw = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"
    response = client.post(
        "/api/hold",
        content_type="application/json",
        headers={**user.headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input": _gunicorn_chunks(raw), "wsgi.input_terminated": True},
    )
    assert_error(response, 404, "not_found")  # read and understood: the show is unknown


@pytest.mark.parametrize("body", ["[]", "null", "42", '"text"', "[1, 2]"])
def test_json_that_is_not_an_object_is_422(client: FlaskClient, body: str):
    response = client.post("/api/register", data=body, content_type="application/json")
    assert_error(response, 422, "validation_failed")


def test_missing_body_is_422(client: FlaskClient):
    error = assert_error(client.post("/api/register"), 422, "validation_failed")
    assert {"email", "name", "password"} <= set(error["details"])


def test_deeply_nested_json_does_not_crash(client: FlaskClient):
    body = "[" * 5000 + "]" * 5000
    response = client.post("/api/register", data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert_error(response, response.status_code)


def test_security_headers_on_every_response(client: FlaskClient):
    for path in ("/api/filter", "/api/nope", "/"):
        with client.get(path) as response:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
            policy = response.headers["Permissions-Policy"]
            assert "camera=(self)" in policy and "microphone=()" in policy


def test_openapi_document_describes_the_contract(client: FlaskClient):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in [
        "/api/register",
        "/api/login",
        "/api/admin/login",
        "/api/logout",
        "/api/me",
        "/api/filter",
        "/api/show/get",
        "/api/show/create",
        "/api/show/update",
        "/api/show/delete",
        "/api/venue/get",
        "/api/venue/create",
        "/api/venue/update",
        "/api/venue/delete",
        "/api/health",
    ]:
        assert path in spec["paths"], path
    assert "ErrorEnvelope" in spec["components"]["schemas"]


def test_openapi_document_is_valid_openapi_and_money_is_a_decimal_string(client: FlaskClient):
    """Other programs are generated from this document: it must be valid OpenAPI 3.0, and
    say that prices come as strings ("250.00"), which is what the API sends."""
    spec = client.get("/api/openapi.json").get_json()
    validate(spec)  # raises on any violation of the OpenAPI 3.0 schema
    price = spec["components"]["schemas"]["ShowCreate"]["properties"]["price"]
    assert (price["type"], price["format"]) == ("string", "decimal")
    make_show(make_venue(), price="250.00")
    shows = client.get("/api/filter").get_json()["shows"]
    assert [show["price"] for show in shows] == ["250.00"]


def test_the_openapi_document_says_which_operations_need_a_token(client: FlaskClient):
    """The API docs' "Authorize" sends the bearer token only where the document asks for
    one: every operation that answers 401 without a token must say so, and no other."""
    spec = client.get("/api/openapi.json").get_json()
    operations = [
        (method, path, operation.get("security", []))
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]
    for method, path, security in operations:
        response = client.open(path, method=method.upper())
        needs_token = bool(security) and {} not in security
        assert (response.status_code == 401) == needs_token, (method, path, response.status_code)
        if needs_token:
            assert security == [{"bearer": []}], (method, path)
    optional = [path for _m, path, security in operations if {} in security]
    assert optional == ["/api/show/seats"]  # anyone; a token marks the caller's own seats


def test_every_operation_has_a_one_line_plain_summary(client: FlaskClient):
    """Docs and generated clients show the summary as plain text, on one line; details
    (with ``code`` markup, which the docs render) belong in the description."""
    spec = client.get("/api/openapi.json").get_json()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            summary = operation.get("summary", "")
            assert summary and "\n" not in summary and "``" not in summary, (method, path)


def test_docs_are_served_without_a_cdn(client: FlaskClient):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/docs-assets/swagger-ui-bundle.js" in html
    assert "https://" not in html.replace("https://swagger", "")  # no external script or style
    with client.get("/api/docs-assets/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200 and len(asset.data) > 100_000


def test_api_paths_never_fall_back_to_the_spa(client: FlaskClient):
    assert_error(client.get("/api"), 404)
    assert_error(client.get("/api/"), 404)
    with client.get("/some/app/route") as page:
        assert page.status_code == 200 and b"<html" in page.data.lower()


def test_a_busy_database_is_503_not_500(app, client: FlaskClient):
    from sqlalchemy.exc import OperationalError

    def locked() -> None:
        raise OperationalError("INSERT ...", {}, Exception("database is locked"))

    app.add_url_rule("/api/test-locked", view_func=locked)
    response = client.get("/api/test-locked")
    assert_error(response, 503, "database_busy")
    assert response.headers["Retry-After"] == "1"
    assert "INSERT" not in response.get_data(as_text=True)  # no SQL leaks out


def test_recursion_without_a_body_to_blame_is_our_500(app, client: FlaskClient):
    """Only a deeply nested body earns the client a 400; our own runaway recursion is a
    logged 500, not a misleading "your JSON is malformed"."""

    @app.get("/api/test-only/recurse")
    def recurse() -> str:
        raise RecursionError("maximum recursion depth exceeded")

    assert_error(client.get("/api/test-only/recurse"), 500, "internal_error")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_json_body_nested_too_deeply_is_a_400_however_it_is_sent(
    client: FlaskClient, user: Account, chunked: bool
):
    body = ("[" * 50_000 + "]" * 50_000).encode()
    if chunked:  # no Content-Length: the body arrives in chunks
        response = client.post(
            "/api/hold",
            input_stream=io.BytesIO(body),
            content_type="application/json",
            headers={**user.headers, "Transfer-Encoding": "chunked"},
            # What gunicorn says of a chunked body: read it to its end.
            environ_overrides={"wsgi.input_terminated": True},
        )
    else:
        response = client.post(
            "/api/hold", data=body, content_type="application/json", headers=user.headers
        )
    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize(
    "body",
    [
        b'{"email": "x@example.com", "name": "A\\ud800B", "password": "long-enough-1"}',
        b'{"email": "x@example.com", "name": "AB", "password": "long-enough-\\udfff"}',
        b'{"email": "x@example.com", "name": "A", "password": "long-enough-1", "\\ud800": 1}',
    ],
    ids=["high-half", "low-half", "in-a-key"],
)
def test_half_a_surrogate_pair_is_malformed_json_and_changes_nothing(client: FlaskClient, body):
    """Valid JSON, but no text any database can store: a 400, not a 500 from the driver."""
    response = client.post("/api/register", data=body, content_type="application/json")
    assert_error(response, 400, "malformed_json")
    login = {"email": "x@example.com", "password": "long-enough-1"}
    assert client.post("/api/login", json=login).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        b'{"email": "x@example.com", "name": "A", "name": "B", "password": "long-enough-1"}',
        b'{"email": "x@example.com", "name": "A", "password": "long-enough-1", "extra": '
        b'{"k": 1, "k": 2}}',
    ],
    ids=["top level", "nested"],
)
def test_a_key_given_twice_is_malformed_json_and_changes_nothing(client: FlaskClient, body):
    response = client.post("/api/register", data=body, content_type="application/json")
    assert_error(response, 400, "malformed_json")
    login = {"email": "x@example.com", "password": "long-enough-1"}
    assert client.post("/api/login", json=login).status_code == 401


def test_a_whole_surrogate_pair_is_just_a_character(client: FlaskClient):
    body = b'{"email": "x@example.com", "name": "Film \\ud83c\\udfac", "password": "long-enough-1"}'
    response = client.post("/api/register", data=body, content_type="application/json")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["user"]["name"] == "Film \U0001f3ac"


def _counts() -> tuple[int, ...]:
    from sqlalchemy import func, select

    from boxoffice.auth.models import User
    from boxoffice.bookings.models import Booking, Hold
    from boxoffice.catalog.models import Show, Venue
    from boxoffice.extensions import db

    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (User, Venue, Show, Hold, Booking)
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/bookticket", {"hold_id": "a\u0000b"}, "hold_id"),
        ("/api/hold/release", {"hold_id": "a\u0000b"}, "hold_id"),
        ("/api/hold", {"show_id": 1, "seats": ["A1", "A\u00002"]}, "seats"),
        ("/api/venue/create", {"name": "Hall", "location": "P\u0000une"}, "location"),
        ("/api/register", {"email": "x@example.com", "name": "A\u0000"}, "name"),
        ("/api/me/update", {"na\u0000me": "A"}, "_schema"),
    ],
)
def test_a_nul_in_a_body_is_a_422_naming_the_field_and_changes_nothing(
    client: FlaskClient, admin: Account, path: str, body: dict, field: str
):
    """Valid JSON, but PostgreSQL refuses a NUL in text (and SQLite would keep it)."""
    before = _counts()
    error = assert_error(client.post(path, json=body, headers=admin.headers), 422)
    assert error["details"] == {field: ["Remove the NUL character."]}
    assert _counts() == before


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/filter", "q=%00"),
        ("/api/filter", "location=Chen%00nai"),
        ("/api/filter", "tag=a%00"),
        ("/api/show/seats", "show_id=1%00"),
        ("/api/filter", "q%00=x"),
    ],
)
def test_a_nul_in_a_query_string_is_a_422_not_a_500(client: FlaskClient, path: str, query: str):
    error = assert_error(client.get(f"{path}?{query}"), 422, "validation_failed")
    assert list(error["details"].values()) == [["Remove the NUL character."]]


@pytest.mark.parametrize(
    ("path", "query", "repeated"),
    [
        ("/api/show/seats", "show_id=1&show_id=2", ["show_id"]),
        ("/api/filter", "q=leo&location=Chennai&q=jawan", ["q"]),
        ("/api/filter", "tag=a&tag=b&limit=5&limit=500", ["limit", "tag"]),
    ],
)
def test_a_query_parameter_given_twice_is_a_422_naming_it(
    client: FlaskClient, path: str, query: str, repeated: list[str]
):
    """Which value was meant is unclear, and a cache or proxy may read the other one."""
    error = assert_error(client.get(f"{path}?{query}"), 422, "validation_failed")
    assert error["details"] == {name: ["Give this parameter once."] for name in repeated}


def test_a_parameter_the_route_does_not_take_may_repeat_as_before(client: FlaskClient):
    """Cache-busting or tracking parameters of other programs are not this route's to judge."""
    assert client.get("/api/filter?q=a&utm=1&utm=2").status_code == 200


@pytest.mark.parametrize("path", ["/api/login", "/api/hold"])
def test_a_number_too_long_to_read_is_malformed_json(client: FlaskClient, user: Account, path: str):
    body = b'{"show_id": ' + b"9" * 5000 + b', "email": "x@example.com", "seats": ["A1"]}'
    response = client.post(path, data=body, content_type="application/json", headers=user.headers)
    assert_error(response, 400, "malformed_json")
