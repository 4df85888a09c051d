"""The test-only race switches: off by default, validated, refused in production."""

from __future__ import annotations

from dataclasses import replace

import pytest

from boxoffice import create_app
from boxoffice.bookings.locking import DebugRace, load_debug_race
from boxoffice.config import ConfigError


def test_off_by_default(settings):
    assert load_debug_race(settings, {}) == DebugRace(delay_ms=0, disable_lock=False)


def test_read_from_environment(settings):
    environ = {"BOXOFFICE_DEBUG_RACE_DELAY_MS": "40", "BOXOFFICE_DEBUG_DISABLE_LOCK": "true"}
    assert load_debug_race(settings, environ) == DebugRace(delay_ms=40, disable_lock=True)


@pytest.mark.parametrize("value", ["soon", "-1", "99999"])
def test_bad_delay_is_refused(settings, value):
    with pytest.raises(ConfigError):
        load_debug_race(settings, {"BOXOFFICE_DEBUG_RACE_DELAY_MS": value})


@pytest.mark.parametrize(
    "environ",
    [{"BOXOFFICE_DEBUG_RACE_DELAY_MS": "10"}, {"BOXOFFICE_DEBUG_DISABLE_LOCK": "1"}],
)
def test_refused_in_production(settings, environ):
    production = replace(settings, production=True)
    with pytest.raises(ConfigError, match="production"):
        load_debug_race(production, environ)
    assert load_debug_race(production, {}) == DebugRace()


def test_app_refuses_to_start_in_production_with_a_switch(settings):
    production = replace(settings, production=True, extra={"debug_disable_lock": True})
    with pytest.raises(ConfigError):
        create_app(production)
