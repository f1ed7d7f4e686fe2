"""French touches on the forms Flask-AppBuilder generates from the models.

FAB's converter gives ``DecimalField`` or ``FloatField`` (both refuse ``0,5``, the way every
French user types a decimal), ISO-only date fields (see :mod:`views.date_input`) and blank
related-record options labelled ``__None``. Rather than
hand-writing forms, the generated form classes are adjusted once here, for every artefact.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, FloatField
from wtforms.fields.core import UnboundField

from app.formatting import format_plain_number
from views.date_input import HINT, FrenchDateField

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


def frenchify(form_cls: Any) -> Any:
    """Adjust a generated form class in place (and return it)."""
    for name in list(form_cls._unbound_fields or []) or dir(form_cls):
        key = name[0] if isinstance(name, tuple) else name
        unbound = getattr(form_cls, key, None)
        if not isinstance(unbound, UnboundField):
            continue
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
