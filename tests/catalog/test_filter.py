"""Search: upcoming shows by title substring and filters."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import time_machine
from factories import make_show, make_venue
from flask.testing import FlaskClient
from support import assert_error


def _ids(client: FlaskClient, **query) -> list[int]:
    response = client.get("/api/filter", query_string=query)
    assert response.status_code == 200, response.get_json()
    return [show["show_id"] for show in response.get_json()["shows"]]


def test_title_substring_is_case_insensitive(client: FlaskClient):
    dune = make_show(title="Dune: Part Two", language="en")
    make_show(title="Leo", starts_in=timedelta(days=3))
    assert _ids(client, q="PART two") == [dune.id]
    assert _ids(client, q="  dune ") == [dune.id]


def test_every_word_of_the_query_counts_whatever_the_punctuation(client: FlaskClient):
    dune = make_show(title="Dune: Part Two", language="en")
    make_show(title="Part of the Game", starts_in=timedelta(days=3))
    assert _ids(client, q="dune part") == [dune.id]
    assert _ids(client, q="two, dune!") == [dune.id]
    assert _ids(client, q="dune three") == []


def test_wildcards_in_the_query_are_literal(client: FlaskClient):
    make_show(title="Jawan")
    percent = make_show(title="100% Love", starts_in=timedelta(days=3))
    assert _ids(client, q="%") == [percent.id]
    assert _ids(client, q="_") == []


def test_filters_combine(client: FlaskClient):
    chennai = make_venue(name="Sathyam", location="Chennai")
    mumbai = make_venue(name="PVR", location="Mumbai")
    tamil = make_show(chennai, title="Leo", language="ta", rating=7.4, tags=["action", "crime"])
    hindi = make_show(mumbai, title="Jawan", language="hi", rating=7.6, tags=["action"])
    drama = make_show(
        mumbai,
        title="12th Fail",
        language="hi",
        rating=8.9,
        tags=["drama"],
        starts_in=timedelta(days=5),
    )
    assert _ids(client, location="chennai") == [tamil.id]
    assert _ids(client, language="hi") == [hindi.id, drama.id]
    assert _ids(client, tag="action") == [tamil.id, hindi.id]
    assert _ids(client, tag="act") == []  # whole tags only
    assert _ids(client, min_rating=7.5) == [hindi.id, drama.id]
    assert _ids(client, venue_id=mumbai.id, tag="drama") == [drama.id]
    assert _ids(client, q="e", location="Mumbai") == []


def test_date_filter_uses_the_local_calendar_day(client: FlaskClient, app):
    tz = app.config["BOXOFFICE"].tz
    venue = make_venue()
    show = make_show(venue, starts_in=timedelta(days=3))
    local_day = show.starts_at.astimezone(tz).date()
    assert _ids(client, date=local_day.isoformat()) == [show.id]
    assert _ids(client, date=(local_day + timedelta(days=1)).isoformat()) == []


def test_only_upcoming_shows_are_listed(client: FlaskClient):
    soon = make_show(starts_in=timedelta(hours=5))
    later = make_show(starts_in=timedelta(days=4))
    with time_machine.travel(datetime.now() + timedelta(hours=6), tick=False):
        assert _ids(client) == [later.id]
    assert _ids(client) == [soon.id, later.id]


def test_results_carry_venue_and_free_seats(client: FlaskClient):
    venue = make_venue(name="INOX", location="Bengaluru", rows=3, seats_per_row=4)
    make_show(venue, title="Kantara", price="150.00")
    show = client.get("/api/filter", query_string={"q": "kan"}).get_json()["shows"][0]
    assert show["venue"]["name"] == "INOX" and show["venue"]["location"] == "Bengaluru"
    assert show["free_seats"] == 12 and show["capacity"] == 12
    assert show["price_from"] == "150.00"


def test_price_from_is_the_cheapest_seat(client: FlaskClient):
    venue = make_venue(
        rows=2,
        seats_per_row=2,
        layout={"categories": [{"name": "Gold", "rows": ["A", "B"], "surcharge": "40"}]},
    )
    make_show(venue, price="100.00")
    show = client.get("/api/filter").get_json()["shows"][0]
    assert show["price_from"] == "140.00"


def test_bad_filter_values(client: FlaskClient):
    for query, field in [
        ({"date": "25-11-2026"}, "date"),
        ({"min_rating": "high"}, "min_rating"),
        ({"min_rating": "11"}, "min_rating"),
        ({"venue_id": "-1"}, "venue_id"),
        ({"language": "zz"}, "language"),
        ({"limit": "100000"}, "limit"),
        ({"limit": "\u0663"}, "limit"),  # Arabic-Indic 3: ASCII digits only, as for ids
        ({"q": "x" * 201}, "q"),
    ]:
        error = assert_error(
            client.get("/api/filter", query_string=query), 422, "validation_failed"
        )
        assert field in error["details"], (query, error)


def test_meta_lists_filter_values(client: FlaskClient):
    make_show(make_venue(location="Pune"), tags=["comedy", "family"])
    meta = client.get("/api/meta").get_json()
    assert meta["locations"] == ["Pune"]
    assert meta["tags"] == ["comedy", "family"]
    assert meta["languages"]["hi"] == "Hindi"
    assert meta["timezone"] == "Asia/Kolkata"


def test_meta_offers_only_languages_of_upcoming_shows(client: FlaskClient):
    venue = make_venue()
    make_show(venue, language="ta")
    make_show(venue, language="hi", starts_in=timedelta(days=3))
    make_show(venue, language="ta", starts_in=timedelta(days=4))
    with time_machine.travel(datetime.now(UTC) - timedelta(days=10), tick=False):
        make_show(venue, language="bn", starts_in=timedelta(days=1))  # over by now
    meta = client.get("/api/meta").get_json()
    assert meta["show_languages"] == ["hi", "ta"]
    # The names stay complete: sign-up and the show form offer every language.
    assert meta["languages"]["bn"] == "Bengali"


def test_meta_says_the_cancel_cutoff_in_force(client: FlaskClient, app, settings):
    # Not the default 60: the page must learn the server's setting, not assume one.
    app.config["BOXOFFICE"] = replace(settings, cancel_cutoff_minutes=45)
    assert client.get("/api/meta").get_json()["cancel_cutoff_minutes"] == 45


def test_fast_listing_matches_the_documented_schema(client: FlaskClient, app):
    """/api/filter formats rows by hand for speed; it must say exactly what ShowSchema says."""
    from boxoffice.catalog.schemas import ShowSchema
    from boxoffice.catalog.services import get_show

    gold = {"categories": [{"name": "Gold", "rows": ["A"], "surcharge": "45.50"}]}
    shows = [
        make_show(
            make_venue(name="One", rows=1, seats_per_row=3, layout=gold),
            rating=None,
            tags=["drama", "family"],
            price="99.99",
        ),
        make_show(make_venue(name="Two", layout={"removed": ["A1"]}), starts_in=timedelta(days=9)),
    ]
    listed = client.get("/api/filter").get_json()["shows"]
    expected = [ShowSchema().dump(get_show(show.id)) for show in shows]
    assert listed == expected


def test_cached_results_follow_every_change_at_once(client: FlaskClient, admin, user):
    """Search results are cached, but a booking, a cancellation or an edit shows up at once."""
    venue = make_venue(rows=2, seats_per_row=5)
    show = make_show(venue, title="Kantara")

    def card() -> dict:
        shows = client.get("/api/filter", query_string={"q": "kant"}).get_json()["shows"]
        return shows[0] if shows else {}

    assert card()["free_seats"] == 10
    assert card()["free_seats"] == 10  # served from the cache this time
    booked = client.post(
        "/api/bookticket", json={"show_id": show.id, "seats": ["A1", "A2"]}, headers=user.headers
    )
    assert booked.status_code == 201
    assert card()["free_seats"] == 8
    cancel = client.post(
        "/api/booking/cancel",
        json={"booking_id": booked.get_json()["booking"]["booking_id"]},
        headers=user.headers,
    )
    assert cancel.status_code == 200
    assert card()["free_seats"] == 10
    client.post(
        "/api/show/update",
        json={"show_id": show.id, "title": "Kantara: Chapter 1"},
        headers=admin.headers,
    )
    assert card()["title"] == "Kantara: Chapter 1"
    client.post(
        "/api/venue/update",
        json={"venue_id": venue.id, "name": "Renamed hall"},
        headers=admin.headers,
    )
    assert card()["venue"]["name"] == "Renamed hall"
    client.post("/api/show/delete", json={"show_id": show.id}, headers=admin.headers)
    assert card() == {}


def test_a_failed_write_does_not_touch_the_cache(client: FlaskClient, admin, app):
    import redis

    from boxoffice.catalog.listing_cache import GENERATION_KEY

    make_show(title="Leo")
    client.get("/api/filter")
    store = redis.Redis.from_url(app.config["BOXOFFICE"].redis_url)
    before = store.get(GENERATION_KEY)
    refused = client.post(
        "/api/venue/create",
        json={"name": "", "location": "X", "rows": 1, "seats_per_row": 1},
        headers=admin.headers,
    )
    assert refused.status_code == 422
    assert store.get(GENERATION_KEY) == before


def test_a_cached_search_leaves_redis_when_its_minute_ends(client: FlaskClient, app):
    """The key holds the minute, so nobody can ask for it later: it is not kept longer."""
    import redis

    from boxoffice.catalog.listing_cache import ENTRY_PREFIX

    make_show(title="Leo")
    store = redis.Redis.from_url(app.config["BOXOFFICE"].redis_url)
    with time_machine.travel(datetime(2031, 5, 1, 12, 0, 45, tzinfo=UTC), tick=False):
        assert client.get("/api/filter", query_string={"q": "Leo"}).status_code == 200
    (key,) = store.keys(ENTRY_PREFIX + "[0-9]*")
    assert 0 < store.pttl(key) <= 15_000


def _page(client: FlaskClient, **query) -> tuple[list[int], str | None]:
    response = client.get("/api/filter", query_string=query)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return [show["show_id"] for show in body["shows"]], body["next"]


def _spread_shows(count: int) -> list[int]:
    """``count`` upcoming shows in their own venues; shows 2 and 3 start at the same moment."""
    from sqlalchemy import update

    from boxoffice.catalog.models import Show
    from boxoffice.extensions import db

    shows = [make_show(make_venue(), starts_in=timedelta(hours=5 + n)) for n in range(count)]
    db.session.execute(
        update(Show).where(Show.id == shows[3].id).values(starts_at=shows[2].starts_at)
    )
    db.session.commit()
    return [show.id for show in shows]


def test_pages_walk_every_result_once_in_order(client: FlaskClient):
    everything = _spread_shows(7)
    assert _page(client, limit=200) == (everything, None)
    seen, cursor, pages = [], None, 0
    while True:
        ids, cursor = _page(client, limit=3, **({"after": cursor} if cursor else {}))
        seen += ids
        pages += 1
        if cursor is None:
            break
    assert seen == everything and pages == 3
    # A page that ends exactly at the last show says there is no next one.
    assert _page(client, limit=7)[1] is None


def test_the_next_page_starts_after_the_last_show_seen_whatever_changed_meanwhile(
    client: FlaskClient,
):
    from boxoffice.catalog import services

    everything = _spread_shows(6)
    first, cursor = _page(client, limit=3)
    assert first == everything[:3] and cursor is not None
    services.delete_show(everything[1], force=False)  # seen already: nothing shifts
    make_show(make_venue(), starts_in=timedelta(hours=4))  # sooner than the page's end
    later_show = make_show(make_venue(), starts_in=timedelta(days=30))
    assert _page(client, limit=3, after=cursor)[0] == everything[3:]
    assert _page(client, limit=4, after=cursor) == ([*everything[3:], later_show.id], None)


def test_a_cursor_that_is_not_one_is_a_422(client: FlaskClient):
    import base64

    from boxoffice.catalog import paging

    def encoded(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode()

    for cursor in [
        "nonsense!",
        encoded("yesterday|5"),
        encoded("2026-11-26T10:00:00|5"),  # no offset: which moment?
        encoded("2026-11-26T10:00:00+00:00|-5"),
        encoded("2026-11-26T10:00:00+00:00"),
        "A" * 101,
        # Decodes, but out of the ranges every id and date must respect.
        encoded("2026-11-26T10:00:00+00:00|2147483648"),  # past PostgreSQL's integer
        encoded("2026-11-26T10:00:00+00:00|" + "9" * 23),
        encoded("0001-01-01T00:00:00+05:00|4"),  # past Python's dates once in UTC
        encoded("9999-12-31T23:59:59-05:00|4"),
        # Edited by hand: other digits, junk that lenient base64 would drop, a trailing NUL.
        encoded("2026-11-26T10:00:00+00:00|\u0663"),
        paging.encode(datetime(2026, 11, 26, tzinfo=UTC), 4) + "!!!!",
        encoded("2026-11-26T10:00:00+00:00\u0000|4"),
    ]:
        error = assert_error(
            client.get("/api/filter", query_string={"after": cursor}), 422, "validation_failed"
        )
        assert "after" in error["details"], (cursor, error)


def test_meta_lists_the_currencies_a_venue_may_charge_in(client: FlaskClient, admin):
    currencies = client.get("/api/meta").get_json()["currencies"]
    assert currencies == sorted(currencies)
    assert {"INR", "USD", "EUR", "GBP", "AED", "SGD", "AUD", "CAD", "CHF"} <= set(currencies)
    assert not {"XXX", "XTS", "XAU", "BOV"} & set(currencies)
    # Each one listed is one the API takes.
    venue = {"name": "Hall", "location": "Pune", "rows": 2, "seats_per_row": 2}
    for code in currencies:
        created = client.post(
            "/api/venue/create", json={**venue, "currency": code}, headers=admin.headers
        )
        assert created.status_code == 201, code
