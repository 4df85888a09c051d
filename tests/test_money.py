"""Amounts in mails and on tickets carry their own currency."""

from __future__ import annotations

from decimal import Decimal

from boxoffice.money import format_money, format_totals, totals_by_currency


def test_well_known_currencies_get_their_symbol() -> None:
    assert format_money(Decimal("1250.00"), "INR") == "₹1,250.00"
    assert format_money(Decimal("12.5"), "EUR") == "€12.50"
    assert format_money(Decimal("9.99"), "USD") == "$9.99"
    assert format_money(Decimal("1000000"), "GBP") == "£1,000,000.00"


def test_any_other_currency_is_written_by_its_code() -> None:
    assert format_money(Decimal("40.00"), "CHF") == "CHF 40.00"
    assert format_money(Decimal("1234.5"), "AED") == "AED 1,234.50"


def test_totals_are_kept_per_currency_in_the_order_first_seen() -> None:
    totals = totals_by_currency(
        [("INR", Decimal("200.00")), ("EUR", Decimal("12.50")), ("INR", Decimal("700.00"))]
    )
    assert totals == {"INR": Decimal("900.00"), "EUR": Decimal("12.50")}
    assert list(totals) == ["INR", "EUR"]
    assert format_totals(totals) == "₹900.00 + €12.50"
    assert format_totals({}) == ""
