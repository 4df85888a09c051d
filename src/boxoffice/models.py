"""Imports every model so that SQLAlchemy and Alembic see all tables."""

from .auth.models import User
from .bookings.models import Booking, Hold, SeatClaim
from .catalog.models import Show, Venue
from .reports.models import ExportJob, MailLog

__all__ = ["Booking", "ExportJob", "Hold", "MailLog", "SeatClaim", "Show", "User", "Venue"]
