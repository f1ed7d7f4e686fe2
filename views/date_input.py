"""The one date field of Vigie's forms: typed and shown ``jj/mm/aaaa``, with a French picker.

Why it exists. Flask-AppBuilder pairs WTForms' ``DateField`` (which reads ``%Y-%m-%d`` only)
with a widget that its ``ab.js`` turns into a bootstrap-datepicker set to ``yyyy-mm-dd`` and
*forceParse*: on leaving the field, the picker re-reads whatever was typed in that format and
writes its reading back. ``15/01/2027`` was read as year 15, month 1, day 2027 — rolled over to
the 19th of July of year 20, written « 20-07-19 » — and an impossible ``31/02/2026`` was
erased (or rolled over) before the server ever saw it; what reached the server was then
refused in English, and FAB's widget, which prints ``field.data`` rather than what was typed,
showed the field empty. Three formats for one field (the person's, the picker's, the
server's) that did not agree.

Here there is one: the server reads with :func:`app.formatting.parse_date` (French, short
forms, ISO) and shows :data:`app.formatting.DATE_FORMAT`; the picker (``views/static/dates.js``)
only *proposes* dates — it never rewrites what was typed — and shows French names with weeks
starting on Monday. A date that cannot be read is refused with a French message naming the
field, and the typed text comes back as typed.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import DateField
from wtforms.widgets import html_params

from app.formatting import date_error, format_date, parse_date

#: What the date fields' help text says when the declaration gives none.
HINT = _l("Au format jj/mm/aaaa, par exemple 15/01/2027.")


class FrenchDatePickerWidget:
    """A text input with a calendar button, for :class:`FrenchDateField`.

    No ``data-provide="datepicker"`` and no ``appbuilder_date`` class, so neither
    bootstrap-datepicker's own start-up nor FAB's ``ab.js`` (both ISO, both rewriting the typed
    text) takes the field: ``dates.js`` starts the picker on ``data-vigie-date``.
    """

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        if "name_" in kwargs:  # FAB's search form renames its fields ``_flt_…``
            field.name = kwargs.pop("name_")
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        kwargs["class"] = ("form-control " + kwargs.get("class", "")).strip()
        kwargs.setdefault("placeholder", _("jj/mm/aaaa"))
        params = html_params(
            type="text",
            value=field._value(),
            autocomplete="off",
            data_vigie_date="",
            **kwargs,
        )
        return Markup(
            '<div class="input-group vigie-date">'
            "<input {params}>"
            '<span class="input-group-addon" aria-hidden="true">'
            '<i class="fa fa-calendar"></i></span>'
            "</div>"
        ).format(params=Markup(params))


class FrenchDateField(DateField):
    """A date typed ``15/01/2027``, ``15/1/27`` or ``2027-01-15``; shown ``15/01/2027``."""

    widget = FrenchDatePickerWidget()

    def _value(self) -> str:
        if self.raw_data:  # after an error, exactly what was typed
            return str(self.raw_data[0])
        return format_date(self.data) if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip()
        if text == "":
            self.data = None
            return
        try:
            self.data = parse_date(text)
        except ValueError as error:
            self.data = None
            raise ValueError(date_error(str(self.label.text), text, error)) from None
