from factories import make_show
from support import Account, assert_error


def test_filter_finds_show(client, user: Account):
    show = make_show(title="Jawan")
    body = client.get("/api/filter", query_string={"q": "jaw"}).get_json()
    assert [s["show_id"] for s in body["shows"]] == [show.id]


def test_unknown_route_uses_envelope(client):
    assert_error(client.get("/api/nothing-here"), 404, "not_found")
