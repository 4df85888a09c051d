"""One-click unsubscribe (RFC 8058), what mail programs send from their own "Unsubscribe"
button: ``POST`` to the mail's List-Unsubscribe address, ``/unsubscribe?token=...``, with the
form body ``List-Unsubscribe=One-Click``, no cookies and no script.

A person who opens the same address in a browser gets the web app's page instead (a GET,
served by ``spa``), which asks the API; neither a GET nor a POST without that body changes
anything, so link scanners unsubscribe nobody.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ..errors import ApiError
from . import unsubscribe

bp = Blueprint("one_click_unsubscribe", __name__)

FORM_FIELD, FORM_VALUE = "List-Unsubscribe", "One-Click"
POST_HEADER = f"{FORM_FIELD}={FORM_VALUE}"  # the mail's List-Unsubscribe-Post header


@bp.post("/unsubscribe")
def one_click() -> dict[str, Any]:
    if request.form.get(FORM_FIELD) != FORM_VALUE:
        raise ApiError(400, "bad_request", f"Send the form field {POST_HEADER}.")
    token = request.args.get("token", "")
    if not 1 <= len(token) <= 500:
        raise ApiError(400, "invalid_token", "This unsubscribe link is not valid.")
    _user, kinds = unsubscribe.unsubscribe(token)
    return {"stopped": kinds}
