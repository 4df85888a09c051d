"""Amounts as people read them in mails and on tickets: "₹1,250.00", "€12.50", "CHF 40.00".

The project has no locale library (Babel), and one is not worth adding for a handful of
symbols: a currency with a symbol everybody knows gets it, any other is written by its
ISO 4217 code, which is never wrong. The web app writes them the same way (``Intl``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

DEFAULT_CURRENCY = "INR"

# Only symbols that name one currency to most readers; "$" alone is read as US dollars.
SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}


def format_money(amount: Decimal, currency: str) -> str:
    """``amount`` in ``currency``, with two decimals and thousands separators."""
    symbol = SYMBOLS.get(currency)
    if symbol is not None:
        return f"{symbol}{amount:,.2f}"
    return f"{currency} {amount:,.2f}"


def totals_by_currency(amounts: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Each currency's sum, in the order the currencies first appear: rupees and euros are
    never added into one number."""
    totals: dict[str, Decimal] = {}
    for currency, amount in amounts:
        totals[currency] = totals.get(currency, Decimal("0.00")) + amount
    return totals


def format_totals(totals: Mapping[str, Decimal]) -> str:
    """Sums in several currencies side by side: "₹900.00 + €30.00"."""
    return " + ".join(format_money(amount, currency) for currency, amount in totals.items())
