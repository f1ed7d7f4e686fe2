"""How Vigie writes dates, times and numbers for French readers — one module for every output.

Screens (Jinja filters), PDF reports, e-mails, charts and exports all format through here, so a
date or a figure reads the same wherever a person meets it: ``25/11/2026``, ``25/11/2026 14:05``
in Paris time (timestamps are stored in UTC), ``1 250,5`` with a narrow no-break space between
thousands and a decimal comma. It is request-free (no ``request``, no ``current_user``): a
worker building a PDF formats exactly like the page that asked for it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _

#: The town's clock when no application is at hand: stored timestamps are UTC, people read
#: Paris time. With an application, :func:`town_zone` reads ``BABEL_DEFAULT_TIMEZONE``, the one
#: setting that Flask-Babel, the reminders, the screens, the exports and the PDFs all follow.
PARIS = ZoneInfo("Europe/Paris")
#: Thousands separator of French typography (narrow no-break space).
THOUSANDS = "\u202f"
#: The true minus sign, which charts use so a negative tick does not read as a dash.
MINUS = "\u2212"


#: How a date is written for people, in forms, on screens, in CSV files and e-mails.
DATE_FORMAT = "%d/%m/%Y"
#: The same for a date and time (in the town's time zone).
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
#: Number formats of spreadsheet cells (Excel codes, which French spreadsheets show as
#: ``# ##0,00`` and ``jj/mm/aaaa``).
SHEET_DATE = "dd/mm/yyyy"
SHEET_DATETIME = "dd/mm/yyyy hh:mm"
SHEET_DECIMAL = "#,##0.00"
SHEET_INTEGER = "0"

_FRENCH_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
#: Years a typed date may have (a five-digit or a 0027 year is a slip of the keyboard).
_YEARS = range(1900, 2200)


class UnreadableDate(ValueError):
    """The text is not written as a date (``demain``, ``15 01 2027``)."""


class ImpossibleDate(ValueError):
    """The text is written as a date that the calendar does not have (``31/02/2026``)."""


def town_zone() -> ZoneInfo:
    """The town's time zone: ``BABEL_DEFAULT_TIMEZONE`` of the application, else Paris."""
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE")
        if name:
            return ZoneInfo(str(name))
    return PARIS


def paris_today(now: datetime | None = None) -> date:
    """Today's date in the town (a UTC ``now`` from 23:00 already belongs to tomorrow there)."""
    zone = town_zone()
    return (now or datetime.now(zone)).astimezone(zone).date()


def town_clock() -> Callable[[datetime], datetime]:
    """:func:`town_time` with the town's zone looked up once: for the 100,000 timestamps of
    an export, where looking the zone up again for each one costs more than converting."""
    zone = town_zone()
    return lambda value: value.astimezone(zone).replace(tzinfo=None)


def town_time(value: datetime) -> datetime:
    """A stored (UTC) timestamp as the town's wall-clock time, without a zone — what a
    spreadsheet cell holds, since spreadsheets know no time zones."""
    # Vigie's columns are UTC-aware; Flask-AppBuilder's own (last login, API key last used)
    # are naive ``datetime.now()``, the server's local time, which is how Python reads a naive
    # value here
    return value.astimezone(town_zone()).replace(tzinfo=None)


def format_datetime(value: datetime | None) -> str:
    """A UTC timestamp shown in the town's time, French style (``25/11/2026 14:05``)."""
    if value is None:
        return ""
    return town_time(value).strftime(DATETIME_FORMAT)


def format_date(value: date | None) -> str:
    """A date, French style (``25/11/2026``); a timestamp gives its date in the town."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = town_time(value)
    return value.strftime(DATE_FORMAT)


def parse_date(text: str) -> date:
    """A date typed by a person: ``15/01/2027``, ``15/1/27``, ``15.01.2027`` or ISO
    ``2027-01-15``. Two-digit years are of this century.

    Raises :class:`UnreadableDate` or :class:`ImpossibleDate` (``31/02/2026``): a date is
    never guessed, rolled over to the next month or turned into something else.
    """
    text = (text or "").strip()
    iso = _ISO_DATE.fullmatch(text)
    french = None if iso else _FRENCH_DATE.fullmatch(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif french:
        day, month, year = (int(part) for part in french.groups())
        if len(french.group(3)) == 2:
            year += 2000
    else:
        raise UnreadableDate(text)
    if year not in _YEARS:
        raise ImpossibleDate(text)
    try:
        return date(year, month, day)
    except ValueError:
        raise ImpossibleDate(text) from None


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


def date_error(label: str, text: str, error: ValueError) -> str:
    """What a person is told about a date :func:`parse_date` refused, naming the field."""
    if isinstance(error, ImpossibleDate):
        return _(
            "« %(field)s » : le %(date)s n'existe pas dans le calendrier.", field=label, date=text
        )
    return _(
        "« %(field)s » : « %(date)s » n'est pas une date ; écrivez-la jj/mm/aaaa, "
        "par exemple 15/01/2027.",
        field=label,
        date=text,
    )


def parse_number(raw: object) -> float | None:
    """A finite number from JSON or typed French text (``12,5``, ``1 250``, ``1 250``);
    else None — the one reading of a typed figure (entry screen, batches, imports)."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(THOUSANDS, "").replace("\xa0", "").replace(" ", "")
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def format_plain_number(value: float | int | None) -> str:
    """A number exactly as stored, with a decimal comma and no thousands separator
    (``1250,5``): what a form field shows for editing and a CSV cell holds, so that typing it
    back, or a French spreadsheet reading it, gives the same number."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))), "f").replace(".", ",")


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


# -- Human values (issue 15, item 4): sizes and quantities with their unit ------------------
#: Units that only say « a count »: the number alone reads better than « 3 nombre ».
UNITLESS = frozenset({"nombre", "nb", "unité", "unités", "quantité"})
#: Words whose singular already ends in « s » (« 1 mois », not « 1 moi »).
INVARIABLE = frozenset({"mois", "fois", "repas", "cas", "poids", "avis", "jours-homme"})


def format_size(size: int | None) -> str:
    """A byte count in words, as readers of the current language write it (« 1,5 Mo »,
    « 820 octets »)."""
    if size is None:
        return ""
    if size < 1024:
        # French: singular below 2 (« 0 octet », « 1 octet »)
        return _("%(n)s octet", n=size) if size < 2 else _("%(n)s octets", n=size)
    value, unit = size / 1024, _("Ko")
    if value >= 1024:
        value, unit = value / 1024, _("Mo")
    return f"{format_number(round(value, 1))}\u00a0{unit}"


def _unit_for(value: float, unit: str) -> str:
    """The unit agreed with the value, by French rules: singular below 2 (« 1,5 jour »),
    plural from 2 (« 3 pages »); symbols (« % », « kWh », « m² », « €/hab ») never change."""
    head, sep, tail = unit.partition("/")
    if not (head.isalpha() and head.islower() and len(head) > 2) or head in INVARIABLE:
        return unit  # a symbol (%, €, kWh, m², g) or a word that does not change
    if abs(value) < 2:
        head = head.removesuffix("s")
    elif not head.endswith(("s", "x", "z")):
        head = head + "s"
    return head + sep + tail


def unit_for(value: float, unit: str | None) -> str:
    """The unit to write after ``value`` (agreed in number), or "" for none or a count."""
    name = (unit or "").strip()
    if not name or name.lower() in UNITLESS:
        return ""
    return _unit_for(value, name)


def unit_label(unit: str | None) -> str:
    """The unit as a column or field heading writes it — none for a count (« nombre »)."""
    name = (unit or "").strip()
    return "" if name.lower() in UNITLESS else name


def format_quantity(value: float | int | None, unit: str | None = None) -> str:
    """A figure with its unit: « 12,5 % », « 1 page », « 3 pages », « 3 » for a count.

    The unit is written as the indicator declares it; a unit that only says « a count »
    (``nombre``) is left out.
    """
    if value is None:
        return ""
    number = format_number(value)
    written = "" if isinstance(value, bool) else unit_for(float(value), unit)
    return f"{number}\u00a0{written}" if written else number
