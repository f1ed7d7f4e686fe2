"""The gate every request passes before a view: what a client sends is readable, or refused.

Vigie's commands check each field they write (:mod:`app.commands.values`); this gate refuses,
before any view — Vigie's or Flask-AppBuilder's own (security API, ``_info``, lists) — runs,
what no view could read safely, so that bad input answers 4xx in French and never a 500:

* a body above ``MAX_CONTENT_LENGTH`` (413);
* an address, a query string or a form body that is not valid UTF-8 once percent-decoded
  (``%ED%A0%80``, a lone surrogate's bytes): 400;
* a JSON body that is not JSON, nests deeper than :data:`MAX_DEPTH`, holds ``NaN``,
  ``Infinity`` or a number no float holds (``1e400``), a whole number beyond 64 bits, a lone
  UTF-16 surrogate (``"\\ud800"``): 400; or a text with a control character: 422 naming it;
* Flask-AppBuilder's Rison argument ``q`` nested deeper than :data:`MAX_DEPTH`, or carrying
  a whole number beyond an id's range (its filters compare ``INTEGER`` columns), a page
  beyond :data:`MAX_PAGE`, a control character: 400;
* a NUL character anywhere in the query string or a form (no database stores it).

Other control characters in forms are left to the commands, which refuse them field by field
(the form comes back with the error under the field). Record ids in URLs are bounded by
the ``int`` converter :func:`bound_record_ids` puts in place: beyond an id's range
(:data:`~app.commands.values.MAX_ID`) the route does not match (404).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

import prison
from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from app.commands.errors import DomainError, FieldError, Invalid, NotFound
from app.commands.values import MAX_ID, text_problem, within_id_range

#: Deepest nesting of a JSON body or a Rison argument (Vigie's own need three levels).
MAX_DEPTH = 20
#: Largest whole number a JSON body may carry (64 bits; each column bounds its own further).
MAX_NUMBER = 2**63 - 1
#: Largest ``page`` / ``page_size`` of a list (beyond, the SQL offset overflows).
MAX_PAGE = 2**31 - 1
#: Content types whose body is JSON.
_JSON_TYPES = ("application/json",)


class MalformedRequest(DomainError):
    """The request cannot be read (encoding, syntax, nesting): 400, nothing done."""

    status = 400


class BodyTooLarge(DomainError):
    """A body above ``MAX_CONTENT_LENGTH``: 413, read no further."""

    status = 413


class BoundedIntegerConverter(IntegerConverter):
    """``<int:pk>``: a whole number a record id can be (at most ``MAX_ID``), else no match."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def bound_record_ids(app: Flask) -> None:
    """Bound the ``int`` URL converter: call before any route is added."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def install(app: Flask) -> None:
    """Put the gate in front of every view: after Flask-AppBuilder's own ``before_request``
    (which loads the signed-in user the French error pages show), so call it once
    AppBuilder is initialised."""
    app.before_request(check_request)


# --------------------------------------------------------------------------------------------
# the gate
# --------------------------------------------------------------------------------------------
def check_request() -> None:
    """Refuse the request if any part of it cannot be read (see the module docstring)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    _check_path()
    _check_record_ids()
    _check_query()
    if request.mimetype in _JSON_TYPES or request.mimetype.endswith("+json"):
        if limit is not None and (request.content_length or 0) > limit:
            raise BodyTooLarge(body_too_large_message())
        g.vigie_json_body = _check_json(_body(limit))
    elif request.mimetype == "application/x-www-form-urlencoded":
        if limit is not None and (request.content_length or 0) > limit:
            raise RequestEntityTooLarge()
        raw = _body(limit)
        _check_form_bytes(raw)
    elif request.mimetype == "multipart/form-data":
        _check_multipart()


def json_body() -> Any:
    """The request's JSON document as the gate read and checked it (None when the body is
    empty or not JSON): a handler reading a large body — a batch of 50,000 values — takes it
    from here instead of decoding the same bytes a second time."""
    if "vigie_json_body" in g:
        return g.vigie_json_body
    return request.get_json(silent=True)


def body_too_large_message() -> str:
    """The French refusal of a body above the limit."""
    limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)
    return _(
        "La requête dépasse la taille maximale autorisée (%(max)s Mo) : rien n'a été enregistré.",
        max=f"{limit / (1024 * 1024):g}",
    )


def _body(limit: int | None) -> bytes:
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise BodyTooLarge(body_too_large_message()) from None


def _malformed(message: str, field: str | None = None) -> MalformedRequest:
    return MalformedRequest(message, [FieldError(field, message)] if field else None)


def _encoding_message() -> str:
    return _(
        "La requête contient des octets qui ne sont pas de l'UTF-8 valide (caractère mal "
        "encodé) : rien n'a été enregistré."
    )


def _check_path() -> None:
    raw = request.environ.get("PATH_INFO", "")
    try:
        path = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise _malformed(_encoding_message()) from None
    if text_problem(path, multiline=False) is not None:
        raise _malformed(_("L'adresse contient un caractère de contrôle interdit."))


def _check_record_ids() -> None:
    """A record id in the address (Flask-AppBuilder's screens route ``<pk>`` as text): a
    whole number within an id's range, else no record has it — 404 before any query runs."""
    for name, value in (request.view_args or {}).items():
        if name != "pk" or not isinstance(value, str):
            continue
        if not (value.isascii() and value.isdigit() and within_id_range(int(value))):
            raise NotFound(_("Enregistrement introuvable."))


def _decoded_pairs(raw: bytes) -> Iterator[tuple[str, str]]:
    """The ``name=value`` pairs of a query string or form body, percent-decoded as UTF-8
    (anything else is refused: 400)."""
    for part in raw.split(b"&"):
        name, _sep, value = part.partition(b"=")
        try:
            yield (
                unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8"),
                unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8"),
            )
        except UnicodeError:
            raise _malformed(_encoding_message()) from None


def _check_query() -> None:
    raw = request.query_string
    if not raw:
        return
    for decoded_name, decoded in _decoded_pairs(raw):
        if text_problem(decoded_name + decoded, multiline=True) is not None:
            message = _(
                "Le paramètre « %(name)s » contient un caractère de contrôle interdit.",
                name=text_problem_safe(decoded_name),
            )
            raise _malformed(message, text_problem_safe(decoded_name))
        if decoded_name == "q" and decoded:
            _check_rison(decoded)


def text_problem_safe(text: str) -> str:
    """``text`` with its refused characters shown as « ? », to quote it in a message."""
    return "".join("?" if text_problem(c, multiline=True) else c for c in text)[:60]


def _check_form_bytes(raw: bytes) -> None:
    """A form body (``a=1&b=2``): UTF-8 once percent-decoded, no NUL."""
    for decoded_name, decoded in _decoded_pairs(raw):
        if "\x00" in decoded_name or "\x00" in decoded:
            raise _malformed(
                _("Le champ « %(name)s » contient un caractère nul.", name=decoded_name[:60]),
                text_problem_safe(decoded_name),
            )


def _check_multipart() -> None:
    """A multipart form's text fields (files are checked by the file command): werkzeug
    replaces bytes that are not UTF-8 with U+FFFD; a NUL is refused."""
    form = request.form  # above the limit: werkzeug's 413
    for name, value in form.items(multi=True):
        if "\ufffd" in value or "\ufffd" in name:
            raise _malformed(_encoding_message(), text_problem_safe(name))
        if "\x00" in value or "\x00" in name:
            raise _malformed(
                _("Le champ « %(name)s » contient un caractère nul.", name=name[:60]),
                text_problem_safe(name),
            )


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------
def _refuse_constant(name: str) -> float:
    raise ValueError(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _check_json(raw: bytes) -> Any:
    """The body is one JSON document Vigie may read (see the module docstring); returns it."""
    if not raw.strip():
        return None
    try:
        data = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise _too_deep("body") from None
    except ValueError:
        raise _malformed(
            _(
                "Le corps de la requête n'est pas un JSON valide (UTF-8, sans NaN ni "
                "Infinity, nombres finis)."
            )
        ) from None
    if _clean(data):
        return data
    for path, value in _leaves(data, ""):
        _check_value(path or "body", value, json_body=True)
    return data


def _clean(data: object) -> bool:
    """Whether every key and scalar of the document passes :func:`_check_value`, found in
    one walk without building a path per leaf and one search over all the texts at once:
    a batch of 50,000 rows is checked in milliseconds. False also when a level is too deep,
    so that the walk with paths names the place."""
    texts: list[str] = []
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        container, depth = stack.pop()
        if isinstance(container, dict):
            texts.extend(container)
            items: Iterable[object] = container.values()
        elif isinstance(container, list):
            items = container
        else:
            items = (container,)
        for value in items:
            # scalars are judged here; only containers go on the stack
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, (dict, list)):
                if depth + 1 >= MAX_DEPTH:
                    return False
                stack.append((value, depth + 1))
            elif type(value) is int and abs(value) > MAX_NUMBER:
                return False
    # texts are checked as multi-line: joining them by a line break changes nothing
    return text_problem("\n".join(texts), multiline=True) is None


def _too_deep(field: str) -> MalformedRequest:
    return _malformed(
        _("« %(field)s » est imbriqué sur plus de %(n)d niveaux.", field=field, n=MAX_DEPTH),
        field,
    )


def _check_value(path: str, value: object, *, json_body: bool) -> None:
    if isinstance(value, str):
        problem = text_problem(value, multiline=True)
        if problem is None:
            return
        if any("\ud800" <= c <= "\udfff" for c in value):
            raise _malformed(f"« {path} » {problem}", path)
        error = FieldError(path, f"« {path} » {problem}")
        if json_body:
            raise Invalid(error.message, [error])
        raise _malformed(error.message, path)
    limit = MAX_NUMBER if json_body else MAX_ID
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > limit:
        if json_body:
            message = _("« %(field)s » : nombre hors des limites acceptées (64 bits).", field=path)
        else:
            message = _(
                "« %(field)s » : nombre entier hors des limites acceptées (%(max)d au plus).",
                field=path,
                max=MAX_ID,
            )
        raise _malformed(message, path)


def _leaves(data: object, root: str) -> Iterator[tuple[str, object]]:
    """Every key and scalar of a parsed document, with its path (``measurements[2].value``),
    walked without recursion; deeper than :data:`MAX_DEPTH` is refused."""
    stack: list[tuple[str, object, int]] = [(root, data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, (dict, list)) and depth >= MAX_DEPTH:
            raise _too_deep(root or "body")
        if isinstance(value, dict):
            for key, inner in value.items():
                inner_path = f"{path}.{key}" if path else str(key)
                yield inner_path, key
                stack.append((inner_path, inner, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", inner, depth + 1) for i, inner in enumerate(value))
        else:
            yield path, value


def _depth(text: str, openers: str, closers: str) -> int:
    """How deep brackets nest in a Rison text, outside its quoted strings (``'…'``, with
    ``!`` escaping): a bound checked before the recursive parser runs."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "!":
                escaped = True
            elif char == "'":
                in_string = False
        elif char == "'":
            in_string = True
        elif char in openers:
            depth += 1
            deepest = max(deepest, depth)
        elif char in closers:
            depth -= 1
    return deepest


# --------------------------------------------------------------------------------------------
# Rison (Flask-AppBuilder's ``q``)
# --------------------------------------------------------------------------------------------
def _check_rison(text: str) -> None:
    """``q``: bounded nesting; once parsed, no number beyond 64 bits, no page beyond
    :data:`MAX_PAGE`. Text that is no Rison is left to Flask-AppBuilder (it tries JSON, then
    answers 400)."""
    if _depth(text, "([{", ")]}") > MAX_DEPTH:
        raise _too_deep("q")
    try:
        data = prison.loads(text)
    except prison.decoder.ParserException:
        return  # not Rison: Flask-AppBuilder tries JSON, then answers 400
    except (ValueError, RecursionError):  # a number too long to read
        raise _malformed(_("Le paramètre « q » est illisible."), "q") from None
    for path, value in _leaves(data, "q"):
        _check_value(path, value, json_body=False)
        key = path.rsplit(".", 1)[-1]
        paging = key in ("page", "page_size") and isinstance(value, (int, float))
        if paging and not 0 <= value <= MAX_PAGE:  # type: ignore[operator]
            message = _(
                "« %(field)s » doit être compris entre 0 et %(max)d.", field=path, max=MAX_PAGE
            )
            raise _malformed(message, path)
