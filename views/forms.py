"""French touches on the forms Flask-AppBuilder generates from the models.

FAB's converter gives ``DecimalField`` or ``FloatField`` (both refuse ``0,5``, the way every
French user types a decimal), ISO-only date fields (see :mod:`views.date_input`) and blank
related-record options labelled ``__None``. Rather than
hand-writing forms, the generated form classes are adjusted once here, for every artefact.

Nothing typed is lost on a refused form: every widget draws what the person typed, not what
the field managed to parse of it (:class:`ShowsTypedValue`), and a file chosen with the form
is shown as kept (:class:`KeptFileInput`, see ``views.held_upload``).
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import DatePickerWidget, DateTimePickerWidget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import BooleanField, DateField, DecimalField, FloatField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import FileInput, html_params

from app.formatting import format_plain_number
from views.date_input import HINT, FrenchDateField
from views.held_upload import HELD_FIELD

BLANK = "—"


class FrenchFloatField(FloatField):
    """A decimal number typed with a comma or a point, shown with a comma."""

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        return format_plain_number(self.data)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip().replace("\u202f", "").replace(" ", "")
        if text == "":
            self.data = None
            return
        try:
            self.data = float(text.replace(",", "."))
        except ValueError:
            self.data = None
            raise ValueError(_l("Nombre attendu, par exemple 12,5.")) from None


class CheckedQuerySelectMultipleField(QuerySelectMultipleField):
    """A multiple picker that refuses ids it does not offer, instead of dropping them.

    FAB's field checks its "invalid choice" flag before resolving the submitted ids, which is
    what sets the flag: an id outside the picker (another service) was silently left out and
    the record saved without it. Resolving first makes the form refuse it, as the API does.
    """

    def pre_validate(self, form: Any) -> None:
        _resolved = self.data
        super().pre_validate(form)


class ShowsTypedValue:
    """Wrap a widget that draws ``field.data`` so that a submitted field draws what was typed.

    Flask-AppBuilder's date and date-time pickers write ``field.data`` into the input, and a
    field that could not parse its input (an impossible date, a date in another format) has
    no data: after any error the input came back empty, and saving again stored the record
    without the date, silently. A submitted field's ``_value()`` is the raw text typed (WTForms
    fields keep it in ``raw_data``), so that is what is drawn; a blank form draws as before.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        if not field.raw_data:
            return self.inner(field, **kwargs)
        parsed = field.data
        field.data = field._value()
        try:
            return self.inner(field, **kwargs)
        finally:
            field.data = parsed


#: Widgets that draw ``field.data`` rather than ``field._value()``.
DRAWS_DATA = (DatePickerWidget, DateTimePickerWidget)


class KeptFileInput(FileInput):
    """The file input, saying which file is already kept from a refused submission.

    ``field.held`` (a ``views.held_upload.Held``, set by the view before drawing the form)
    names the kept file and carries the ticket the next submission sends back.
    """

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        drawn = super().__call__(field, **kwargs)
        held = getattr(field, "held", None)
        if held is None:
            return drawn
        note = _(
            "Fichier reçu : %(name)s (%(size)s). Il sera enregistré avec la fiche ; "
            "choisissez-en un autre pour le remplacer.",
            name=held.name,
            size=held.size,
        )
        return Markup('{input}<input {hidden}><p class="vigie-held-file">{note}</p>').format(
            input=drawn,
            hidden=Markup(html_params(type="hidden", name=HELD_FIELD, value=held.ticket)),
            note=note,
        )


def frenchify(form_cls: Any) -> Any:
    """Adjust a generated form class in place (and return it)."""
    for name in list(form_cls._unbound_fields or []) or dir(form_cls):
        key = name[0] if isinstance(name, tuple) else name
        unbound = getattr(form_cls, key, None)
        if not isinstance(unbound, UnboundField):
            continue
        if issubclass(unbound.field_class, BooleanField):
            # FAB makes a NOT NULL boolean "required", so an unticked box (False, a valid
            # answer) was refused with « Ce champ est requis »
            unbound.kwargs["validators"] = [
                v
                for v in unbound.kwargs.get("validators") or ()
                if not isinstance(v, (DataRequired, InputRequired))
            ]
        if isinstance(unbound.kwargs.get("widget"), DRAWS_DATA):
            unbound.kwargs["widget"] = ShowsTypedValue(unbound.kwargs["widget"])
        # FAB converts a Float column with DecimalField (it tests "numeric" before "float")
        if unbound.field_class in (FloatField, DecimalField):
            setattr(form_cls, key, UnboundField(FrenchFloatField, *unbound.args, **unbound.kwargs))
        elif unbound.field_class is DateField:  # FAB's ISO-only field and picker
            kwargs = {k: v for k, v in unbound.kwargs.items() if k != "widget"}
            kwargs["description"] = kwargs.get("description") or HINT
            setattr(form_cls, key, UnboundField(FrenchDateField, *unbound.args, **kwargs))
        elif unbound.field_class is QuerySelectMultipleField:
            setattr(
                form_cls,
                key,
                UnboundField(CheckedQuerySelectMultipleField, *unbound.args, **unbound.kwargs),
            )
        elif issubclass(unbound.field_class, QuerySelectField) and unbound.kwargs.get(
            "allow_blank"
        ):
            unbound.kwargs["blank_text"] = BLANK
    return form_cls
