"""Demo data: venues in three cities, two weeks of shows, a demo user and a demo admin.

The demo credentials are for local use only; ``seed-demo`` is never run in production.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from .auth.models import User
from .auth.services import make_admin, register_user
from .bookings.models import Booking, SeatClaim
from .bookings.records import new_code
from .catalog.layout import capacity_of, seats_of
from .catalog.models import Show, Venue, show_end
from .catalog.services import create_venue
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
    # Through the catalogue service, so demo venues obey the same layout rules as any other.
    venues = [
        create_venue(
            {
                "name": spec["name"],
                "location": spec["location"],
                "rows": spec["rows"],
                "seats_per_row": spec["seats_per_row"],
                "layout": {"removed": spec["removed"], "categories": spec["categories"]},
                "currency": "INR",
            }
        )
        for spec in VENUES
    ]
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
                show = Show(
                    venue_id=venue.id,
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
                db.session.add(show)
                shows.append(show)
    return shows


def seed(settings: Settings, only_if_empty: bool = False, seed_value: int = 7) -> str:
    if only_if_empty and db.session.scalar(select(func.count(Venue.id))):
        return "Demo data already present; nothing to do."
    rng = random.Random(seed_value)
    venues = _venues()
    shows = _shows(venues, settings, rng)
    db.session.commit()

    if db.session.scalar(select(User).where(User.email == DEMO_USER["email"])) is None:
        register_user(DEMO_USER["email"], DEMO_USER["name"], DEMO_USER["password"])
    make_admin(DEMO_ADMIN["email"], DEMO_ADMIN["name"], DEMO_ADMIN["password"])
    bookings_made = _demo_bookings(shows, rng)
    accounts = db.session.scalar(select(func.count(User.id)))
    return (
        f"Seeded {len(venues)} venues, {len(shows)} shows, {accounts} accounts and "
        f"{bookings_made} bookings.\n"
        f"  user:  {DEMO_USER['email']} / {DEMO_USER['password']}\n"
        f"  admin: {DEMO_ADMIN['email']} / {DEMO_ADMIN['password']}"
    )


FILM_GOERS = [
    ("priya.sharma@boxoffice.local", "Priya Sharma", "hi"),
    ("arjun.menon@boxoffice.local", "Arjun Menon", "ml"),
    ("kavya.iyer@boxoffice.local", "Kavya Iyer", "ta"),
    ("rohan.das@boxoffice.local", "Rohan Das", "bn"),
    ("sneha.kulkarni@boxoffice.local", "Sneha Kulkarni", "mr"),
    ("vikram.reddy@boxoffice.local", "Vikram Reddy", "te"),
]
FILM_GOER_PASSWORD = "film-goer-123"


def _film_goers() -> list[User]:
    people = []
    for email, name, language in FILM_GOERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = register_user(email, name, FILM_GOER_PASSWORD, language=language)
        people.append(user)
    return people


def _past_screenings(
    shows: list[Show], settings: Settings, rng: random.Random
) -> list[tuple[Venue, dict[str, Any], datetime]]:
    """Screenings of the last month: gone from the catalogue, kept in people's history."""
    today = datetime.now(settings.tz).date()
    venues = list(dict.fromkeys(show.venue for show in shows))
    screenings = []
    for n in range(8):
        day = today - timedelta(days=3 + n * 3 + rng.randint(0, 2))
        starts_at = datetime.combine(day, SHOW_TIMES[n % len(SHOW_TIMES)], tzinfo=settings.tz)
        screenings.append((venues[n % len(venues)], FILMS[(n * 3) % len(FILMS)], starts_at))
    return screenings


def _adjacent_free(venue: Venue, taken: set[str], count: int, rng: random.Random) -> list[str]:
    """``count`` seats next to each other in one row, or [] if none was found quickly."""
    seats = seats_of(venue.rows, venue.seats_per_row, venue.layout)
    labels = {seat.label for seat in seats}
    for _ in range(30):
        seat = rng.choice(seats)
        block = [f"{seat.row}{seat.number + n}" for n in range(count)]
        if all(label in labels and label not in taken for label in block):
            return block
    return []


def _book(
    show: Show | None,
    venue: Venue,
    facts: dict[str, Any],
    user: User,
    labels: list[str],
    booked_at: datetime,
) -> Booking:
    """A confirmed booking (with its seat claims while the show exists), written directly:
    demo data sends no mail."""
    layout = seats_of(venue.rows, venue.seats_per_row, venue.layout)
    surcharges = {seat.label: seat.surcharge for seat in layout}
    prices = {label: Decimal(facts["price"]) + surcharges[label] for label in labels}
    booking = Booking(
        code=new_code(),
        user=user,
        show=show,
        show_title=facts["title"],
        show_starts_at=facts["starts_at"],
        show_ends_at=show_end(facts["starts_at"], facts["duration_minutes"]),
        show_language=facts["language"],
        venue_name=venue.name,
        venue_location=venue.location,
        seats=labels,
        total=sum(prices.values(), Decimal("0.00")),
        currency=venue.currency,
        status="confirmed",
        booked_at=booked_at,
    )
    db.session.add(booking)
    db.session.flush()
    if show is not None:
        db.session.add_all(
            SeatClaim(
                show_id=show.id, seat=label, user_id=user.id, booking_id=booking.id, price=price
            )
            for label, price in prices.items()
        )
        show.seats_booked += len(labels)
    return booking


def _demo_bookings(shows: list[Show], rng: random.Random) -> int:
    """Bookings by a handful of demo film-goers so that seat maps and reports look alive.

    About a third of the upcoming shows get a few bookings, and a few screenings of the last
    month (no longer in the catalogue) give the monthly report and booking history something
    to show. The documented demo account gets one upcoming booking and two past ones, so a
    newcomer who signs in with it sees a history, tickets and a cancel button.
    """
    settings: Settings = current_app.config["BOXOFFICE"]
    people = _film_goers()
    now = datetime.now(settings.tz)
    made = 0
    plans: list[tuple[Show | None, Venue, dict[str, Any], int]] = [
        (show, show.venue, _facts(show), rng.randint(1, 6)) for show in shows if rng.random() < 0.35
    ]
    plans += [
        (None, venue, {**film, "starts_at": starts_at}, rng.randint(2, 5))
        for venue, film, starts_at in _past_screenings(shows, settings, rng)
    ]
    demo_user = db.session.scalar(select(User).where(User.email == DEMO_USER["email"]))
    # An upcoming show at least a day away (its ticket can still be cancelled), and the last
    # two screenings of the past month.
    ahead = next(
        i for i, plan in enumerate(plans) if plan[2]["starts_at"] > now + timedelta(days=1)
    )
    for_demo = {ahead, len(plans) - 1, len(plans) - 2}
    for index, (show, venue, facts, count) in enumerate(plans):
        taken: set[str] = set()
        for _ in range(count):
            labels = _adjacent_free(venue, taken, rng.randint(1, 4), rng)
            if not labels:
                continue
            lead = timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600))
            booked_at = min(now, facts["starts_at"]) - lead
            person = rng.choice(people)
            if index in for_demo and not taken and demo_user is not None:
                person = demo_user
            _book(show, venue, facts, person, labels, booked_at)
            taken.update(labels)
            made += 1
    db.session.commit()
    return made


def _facts(show: Show) -> dict[str, Any]:
    return {
        "title": show.title,
        "starts_at": show.starts_at,
        "duration_minutes": show.duration_minutes,
        "language": show.language,
        "price": show.price,
    }
