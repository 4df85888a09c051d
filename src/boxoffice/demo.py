"""Demo data: venues in three cities, two weeks of shows, a demo user and a demo admin.

The demo credentials are for local use only; ``seed-demo`` is never run in production.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from .auth.models import User
from .auth.services import make_admin, register_user
from .catalog.layout import capacity_of, normalise_layout
from .catalog.models import Show, Venue
from .config import Settings
from .extensions import db

DEMO_USER = {"email": "demo@boxoffice.local", "name": "Demo User", "password": "demo-pass-123"}
DEMO_ADMIN = {"email": "admin@boxoffice.local", "name": "Demo Admin", "password": "admin-pass-123"}

VENUES: list[dict[str, Any]] = [
    {
        "name": "PVR Phoenix Palladium",
        "location": "Mumbai",
        "rows": 12,
        "seats_per_row": 16,
        # Aisles after seat 4 and before seat 13 on every row.
        "removed": [f"{r}{n}" for r in "ABCDEFGHIJKL" for n in (5, 12)],
        "categories": [
            {"name": "Premium", "rows": ["H", "I", "J", "K"], "surcharge": "120.00"},
            {"name": "Recliner", "rows": ["L"], "surcharge": "350.00"},
        ],
    },
    {
        "name": "Sathyam Cinemas",
        "location": "Chennai",
        "rows": 10,
        "seats_per_row": 14,
        "removed": [f"{r}{n}" for r in "ABCDEFGHIJ" for n in (7, 8)],
        "categories": [{"name": "Elite", "rows": ["G", "H", "I", "J"], "surcharge": "80.00"}],
    },
    {
        "name": "INOX Garuda Mall",
        "location": "Bengaluru",
        "rows": 9,
        "seats_per_row": 12,
        "removed": ["A1", "A12", "B1", "B12"],
        "categories": [{"name": "Gold", "rows": ["F", "G", "H", "I"], "surcharge": "100.00"}],
    },
    {
        "name": "Rajhans Cineworld",
        "location": "Delhi",
        "rows": 8,
        "seats_per_row": 10,
        "removed": [],
        "categories": [{"name": "Balcony", "rows": ["G", "H"], "surcharge": "60.00"}],
    },
]

FILMS: list[dict[str, Any]] = [
    {
        "title": "Kalki 2898 AD",
        "language": "te",
        "rating": 8.1,
        "tags": ["sci-fi", "action"],
        "duration_minutes": 180,
        "price": "250.00",
    },
    {
        "title": "Jawan",
        "language": "hi",
        "rating": 7.6,
        "tags": ["action", "thriller"],
        "duration_minutes": 169,
        "price": "220.00",
    },
    {
        "title": "Leo",
        "language": "ta",
        "rating": 7.4,
        "tags": ["action", "crime"],
        "duration_minutes": 164,
        "price": "200.00",
    },
    {
        "title": "Manjummel Boys",
        "language": "ml",
        "rating": 8.4,
        "tags": ["survival", "drama"],
        "duration_minutes": 135,
        "price": "180.00",
    },
    {
        "title": "Dune: Part Two",
        "language": "en",
        "rating": 8.6,
        "tags": ["sci-fi", "adventure"],
        "duration_minutes": 166,
        "price": "300.00",
    },
    {
        "title": "Laapataa Ladies",
        "language": "hi",
        "rating": 8.3,
        "tags": ["comedy", "drama"],
        "duration_minutes": 124,
        "price": "160.00",
    },
    {
        "title": "Kantara",
        "language": "kn",
        "rating": 8.2,
        "tags": ["thriller", "folklore"],
        "duration_minutes": 148,
        "price": "190.00",
    },
    {
        "title": "Inside Out 2",
        "language": "en",
        "rating": 7.7,
        "tags": ["animation", "family"],
        "duration_minutes": 96,
        "price": "240.00",
    },
    {
        "title": "Vikram",
        "language": "ta",
        "rating": 8.3,
        "tags": ["action", "thriller"],
        "duration_minutes": 175,
        "price": "210.00",
    },
    {
        "title": "12th Fail",
        "language": "hi",
        "rating": 8.9,
        "tags": ["drama", "biopic"],
        "duration_minutes": 147,
        "price": "150.00",
    },
]

SHOW_TIMES = [time(10, 0), time(14, 0), time(18, 15), time(21, 45)]
DAYS = 14


def _venues() -> list[Venue]:
    venues = []
    for spec in VENUES:
        layout = normalise_layout(
            spec["rows"],
            spec["seats_per_row"],
            {"removed": spec["removed"], "categories": spec["categories"]},
        )
        venue = Venue(
            name=spec["name"],
            location=spec["location"],
            rows=spec["rows"],
            seats_per_row=spec["seats_per_row"],
            layout=layout,
            currency="INR",
        )
        db.session.add(venue)
        venues.append(venue)
    return venues


def _shows(venues: list[Venue], settings: Settings, rng: random.Random) -> list[Show]:
    today = datetime.now(settings.tz).date()
    shows = []
    for day in range(DAYS):
        date = today + timedelta(days=day)
        for venue_index, venue in enumerate(venues):
            for slot, start in enumerate(SHOW_TIMES):
                film = FILMS[(day + venue_index * 3 + slot) % len(FILMS)]
                starts_at = datetime.combine(date, start, tzinfo=settings.tz)
                if starts_at <= datetime.now(settings.tz) + timedelta(minutes=30):
                    continue
                price = Decimal(film["price"]) + (Decimal(30) if start.hour >= 18 else 0)
                shows.append(
                    Show(
                        venue=venue,
                        title=film["title"],
                        language=film["language"],
                        rating=film["rating"],
                        tags=film["tags"],
                        duration_minutes=film["duration_minutes"],
                        starts_at=starts_at,
                        price=price,
                        capacity=capacity_of(venue.rows, venue.seats_per_row, venue.layout),
                        seats_booked=0,
                    )
                )
    db.session.add_all(shows)
    return shows


def seed(settings: Settings, only_if_empty: bool = False, seed_value: int = 7) -> str:
    if only_if_empty and db.session.scalar(select(func.count(Venue.id))):
        return "Demo data already present; nothing to do."
    rng = random.Random(seed_value)
    venues = _venues()
    shows = _shows(venues, settings, rng)
    db.session.commit()

    users_made = 0
    if db.session.scalar(select(User).where(User.email == DEMO_USER["email"])) is None:
        register_user(DEMO_USER["email"], DEMO_USER["name"], DEMO_USER["password"])
        users_made += 1
    make_admin(DEMO_ADMIN["email"], DEMO_ADMIN["name"], DEMO_ADMIN["password"])
    bookings_made = _demo_bookings(shows, rng)
    return (
        f"Seeded {len(venues)} venues, {len(shows)} shows, {users_made + 1} accounts and "
        f"{bookings_made} bookings.\n"
        f"  user:  {DEMO_USER['email']} / {DEMO_USER['password']}\n"
        f"  admin: {DEMO_ADMIN['email']} / {DEMO_ADMIN['password']}"
    )


def _demo_bookings(shows: list[Show], rng: random.Random) -> int:
    """Bookings by a handful of demo film-goers so that seat maps and reports look alive."""
    return 0
