"""How Vigie writes dates, times and numbers for French readers — one module for every output.

Screens (Jinja filters), PDF reports, e-mails, charts and exports all format through here, so a
date or a figure reads the same wherever a person meets it: ``25/11/2026``, ``25/11/2026 14:05``
in Paris time (timestamps are stored in UTC), ``1 250,5`` with a narrow no-break space between
thousands and a decimal comma. It is request-free (no ``request``, no ``current_user``): a
worker building a PDF formats exactly like the page that asked for it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

#: The town's clock: stored timestamps are UTC, people read Paris time.
PARIS = ZoneInfo("Europe/Paris")
#: Thousands separator of French typography (narrow no-break space).
THOUSANDS = "\u202f"
#: The true minus sign, which charts use so a negative tick does not read as a dash.
MINUS = "\u2212"


def paris_today(now: datetime | None = None) -> date:
    """Today's date in Paris (a UTC ``now`` from 23:00 already belongs to tomorrow there)."""
    return (now or datetime.now(PARIS)).astimezone(PARIS).date()


def format_datetime(value: datetime | None) -> str:
    """A UTC timestamp shown in Paris time, French style (``25/11/2026 14:05``)."""
    if value is None:
        return ""
    return value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def format_date(value: date | None) -> str:
    """A date, French style (``25/11/2026``)."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def format_iso_datetime(value: str | None) -> str:
    """An ISO timestamp stored as text (a job's data version) as the screens show dates."""
    if not value:
        return ""
    try:
        return format_datetime(datetime.fromisoformat(value))
    except ValueError:
        return value


def _grouped(value: float, decimals: int | None) -> str:
    """``value`` with Python's ``,`` thousands and ``.`` decimals, before frenchifying."""
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _frenchify(text: str) -> str:
    return text.replace(",", THOUSANDS).replace(".", ",")


def format_number(value: float | int | None) -> str:
    """A number as French readers write it: comma decimals, narrow-space thousands, at most
    two decimals (``12,5``, ``1 250``); a boolean reads « Oui »/« Non »."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    return _frenchify(_grouped(value, None))


def format_chart_number(value: float, decimals: int | None = None) -> str:
    """A number on a chart: :func:`format_number`'s rule with a fixed number of ``decimals``
    (so one axis's ticks line up: ``0,5 · 1,0 · 1,5``), a true minus sign, and no « −0 »."""
    text = _grouped(value, decimals)
    if text in ("-0", "-0,0") or (text.startswith("-") and float(value) == 0):
        text = text[1:]
    return _frenchify(text).replace("-", MINUS)


def yes_no(value: object) -> str:
    """A boolean as a French reader expects it."""
    return _("Oui") if value else _("Non")
