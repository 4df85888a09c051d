"""Amounts in mails and on tickets carry their own currency, written as the web app writes
them (CLDR's en-IN, which browsers' Intl also reads); venues charge only in real currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from boxoffice.money import (
    CURRENCIES,
    currency_problem,
    format_money,
    format_totals,
    totals_by_currency,
)

NBSP = "\u00a0"


def test_amounts_have_indian_digit_grouping_as_in_the_web_app() -> None:
    assert format_money(Decimal("1250.00"), "INR") == "₹1,250.00"
    assert format_money(Decimal("100000"), "INR") == "₹1,00,000.00"
    assert format_money(Decimal("1000000"), "GBP") == "£10,00,000.00"
    assert format_money(Decimal("12.5"), "EUR") == "€12.50"
    assert format_money(Decimal("9.99"), "USD") == "$9.99"


def test_currencies_get_the_symbol_the_web_app_shows() -> None:
    # Intl.NumberFormat("en-IN", {style: "currency", ...}) writes these the same way.
    assert format_money(Decimal("40.00"), "AUD") == "A$40.00"
    assert format_money(Decimal("40.00"), "CAD") == "CA$40.00"
    assert format_money(Decimal("40.00"), "JPY") == "JP¥40.00"


def test_a_code_written_as_letters_stands_apart_from_the_digits() -> None:
    # CLDR's currency spacing, which browsers apply and Babel by itself does not.
    assert format_money(Decimal("123456.50"), "CHF") == f"CHF{NBSP}1,23,456.50"
    assert format_money(Decimal("1234.5"), "AED") == f"AED{NBSP}1,234.50"
    assert format_money(Decimal("-40"), "SGD") == f"-SGD{NBSP}40.00"


def test_the_amount_keeps_its_two_decimals_whatever_the_currency_customarily_has() -> None:
    assert format_money(Decimal("350.50"), "JPY") == "JP¥350.50"
    assert format_money(Decimal("1.25"), "BHD") == f"BHD{NBSP}1.25"


def test_a_code_without_a_sign_is_written_as_itself() -> None:
    # Not the generic sign ¤, which CLDR gives "no currency" (XXX).
    assert format_money(Decimal("5.00"), "XXX") == f"XXX{NBSP}5.00"


@pytest.mark.parametrize("code", ["INR", "USD", "EUR", "GBP", "AED", "SGD", "AUD", "CAD", "CHF"])
def test_money_of_a_country_is_a_currency(code: str) -> None:
    assert code in CURRENCIES and currency_problem(code) is None


@pytest.mark.parametrize(
    "code",
    # no currency, test, metals, special drawing rights, funds, made up, replaced by the euro
    ["XXX", "XTS", "XAU", "XAG", "XDR", "BOV", "CHE", "USN", "ABC", "DEM", "inr"],
)
def test_codes_that_are_no_country_s_money_are_refused(code: str) -> None:
    assert code not in CURRENCIES
    assert currency_problem(code) == (
        f"{code} is not a currency in use; give the ISO 4217 code of a country's money, "
        "such as INR, EUR or USD."
    )


def test_totals_are_kept_per_currency_in_the_order_first_seen() -> None:
    totals = totals_by_currency(
        [("INR", Decimal("200.00")), ("EUR", Decimal("12.50")), ("INR", Decimal("700.00"))]
    )
    assert totals == {"INR": Decimal("900.00"), "EUR": Decimal("12.50")}
    assert list(totals) == ["INR", "EUR"]
    assert format_totals(totals) == "₹900.00 + €12.50"
    assert format_totals({}) == ""
