"""Amounts as people read them in mails, on tickets and in reports, and the currencies a
venue may charge in.

Both come from CLDR through Babel, the data the browser's ``Intl`` reads for the web app:
an amount is written in the web app's one locale, en-IN ("₹1,23,456.50", "A$40.00",
"CHF 40.00"), in every mail language. CLDR's hi-IN writes amounts exactly as en-IN, and
Babel's ta-IN (CLDR 47) writes "₹ 123,456.50" where browsers (CLDR 48) write "₹1,23,456.50",
so one locale keeps mails and pages alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from babel.core import get_global
from babel.numbers import format_currency, get_currency_symbol, get_territory_currencies

DEFAULT_CURRENCY = "INR"
LOCALE = "en_IN"
NO_BREAK_SPACE = "\u00a0"


def _legal_tender(on: date) -> frozenset[str]:
    """Codes that are legal tender in some country on ``on``: no funds (BOV, CHE), metals
    (XAU), test or "no currency" codes (XTS, XXX), nor currencies since replaced (BGN)."""
    return frozenset(
        code
        for territory in get_global("territory_currencies")
        for code in get_territory_currencies(territory, start_date=on, tender=True)
    )


# A venue charges in one of these (ISO 4217 codes). Taken once per process: a currency
# that ends meanwhile is refused from the next restart on.
CURRENCIES = _legal_tender(date.today())


def currency_problem(code: str) -> str | None:
    """Why a venue may not charge in ``code``, or None when it may."""
    if code in CURRENCIES:
        return None
    return (
        f"{code} is not a currency in use; give the ISO 4217 code of a country's money, "
        "such as INR, EUR or USD."
    )


def _sets_apart(char: str) -> bool:
    # CLDR's currency spacing: a symbol whose edge beside the digits is neither a symbol
    # (₹, $, ¥) nor a space is set apart by a no-break space ("CHF 40.00", "A$40.00").
    # Browsers apply this rule; Babel does not, and would write "CHF40.00".
    return unicodedata.category(char)[0] not in "SZ"


def format_money(amount: Decimal, currency: str) -> str:
    """``amount`` in ``currency`` with its two decimals, as the web app writes it."""
    # currency_digits=False: the amount's own two decimals, never rounded to a currency's
    # customary digits (a yen price of 350.50 stays 350.50, as the web app shows it).
    text = format_currency(amount, currency, locale=LOCALE, currency_digits=False)
    symbol = get_currency_symbol(currency, LOCALE)
    before, _, after = text.partition(symbol)
    # A code CLDR has no sign for (XXX, or a venue's code from before codes were checked)
    # is written as itself rather than as the generic sign ¤.
    shown = currency if symbol == "¤" else symbol
    if after[:1].isdigit() and _sets_apart(shown[-1]):
        shown += NO_BREAK_SPACE
    if before[-1:].isdigit() and _sets_apart(shown[0]):
        shown = NO_BREAK_SPACE + shown
    return before + shown + after


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
