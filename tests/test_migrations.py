"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from boxoffice.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_monthly_report_switch_starts_as_the_one_switch_before_it(app):
    """Turning "reminder and report mails" off used to stop both: the new switch keeps that."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="d032feffbb2f")
    try:
        with db.engine.begin() as connection:
            for email, wanted in [("on@example.com", True), ("off@example.com", False)]:
                connection.execute(
                    sa.text(
                        "INSERT INTO users (email, name, password_hash, language, is_admin,"
                        " reminders_enabled, created_at) VALUES (:email, 'N', 'x', 'en', :no,"
                        " :wanted, :now)"
                    ),
                    {"email": email, "no": False, "wanted": wanted, "now": "2026-01-01 00:00:00"},
                )
    finally:
        upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT email, monthly_report_enabled FROM users ORDER BY email")
        ).all()
    assert [tuple(row) for row in rows] == [("off@example.com", False), ("on@example.com", True)]
