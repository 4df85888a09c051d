from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

# A deleted account keeps its row (past bookings stay in the cinema's figures) under an
# address on a domain that RFC 2606 reserves: no mail can reach it, and sign-up refuses it.
DELETED_DOMAIN = "deleted.invalid"
DELETED_NAME = "Deleted account"


def deleted_address(user_id: int) -> str:
    """The address a deleted account is stored under: unique, so the real one is free."""
    return f"account-{user_id}@{DELETED_DOMAIN}"


def is_deleted_address(email: str) -> bool:
    return email.rpartition("@")[2] == DELETED_DOMAIN


class User(db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8), default="en")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Mail the person may turn off, each on its own (booking mails always go out).
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    monthly_report_enabled: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_deleted(self) -> bool:
        return is_deleted_address(self.email)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
