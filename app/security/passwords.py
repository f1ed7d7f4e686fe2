"""The password policy for people's accounts, configurable, with French messages.

A password is refused when it is

* shorter than ``VIGIE_PASSWORD_MIN_LENGTH`` (default 12) or longer than 128 characters;
* one of the commonly used passwords — zxcvbn's list of the 30 000 most frequent ones in public
  leaks, plus :file:`common_passwords_fr.txt` (French words, the town's vocabulary, keyboard
  runs) — compared without case, accents, simple substitutions (``p@ssw0rd``) or the digits and
  punctuation people add at the ends (``Soleil2024!`` is ``soleil``);
* the username (or the e-mail, or a name) again;
* easy to guess by zxcvbn's estimate (score below ``VIGIE_PASSWORD_MIN_SCORE``, default 3 of
  4; 0 turns the estimate off), which catches what a list cannot (``azerty123456``).

It applies wherever a person's password is set: :func:`app.organisation.create_user` (the
``vigie users create`` command, the first ``admin``, the demo town) and, through
Flask-AppBuilder's ``FAB_PASSWORD_COMPLEXITY_VALIDATOR`` hook, the user screens (creation,
« Réinitialiser le mot de passe », « Changer mon mot de passe ») and FAB's user API.
zxcvbn (a maintained port of Dropbox's estimator) is used for its list and its estimate.
"""

from __future__ import annotations

import functools
import re
import secrets
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext as _
from werkzeug.security import generate_password_hash
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MAX_LENGTH = 128
#: zxcvbn refuses longer inputs; the characters past it only add strength.
_ESTIMATE_CHARS = 72
_FRENCH_LIST = Path(__file__).with_name("common_passwords_fr.txt")
_ENDS = re.compile(r"^[\d\W_]+|[\d\W_]+$")
_LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)


@functools.cache
def common_passwords() -> frozenset[str]:
    """zxcvbn's list of frequent passwords and Vigie's French one, normalised."""
    words = set(FREQUENCY_LISTS["passwords"])
    for line in _FRENCH_LIST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(line.strip())
    return frozenset(_plain(word) for word in words)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _variants(password: str) -> set[str]:
    """The forms compared with the list: as typed, without the ends people add, de-l33ted."""
    plain = _plain(password)
    stripped = _ENDS.sub("", plain)
    return {plain, stripped, _ENDS.sub("", plain.translate(_LEET)), stripped.translate(_LEET)}


def problems(password: str, names: Iterable[str | None] = ()) -> list[str]:
    """What is wrong with ``password`` (French, one sentence each); empty when it is fine.

    ``names``: the account's username, e-mail and names, which the password must not repeat.
    """
    config = current_app.config
    minimum = int(config.get("VIGIE_PASSWORD_MIN_LENGTH") or 12)
    if len(password) < minimum:
        return [_("Le mot de passe doit contenir au moins %(n)d caractères.", n=minimum)]
    if len(password) > MAX_LENGTH:
        return [_("Le mot de passe ne doit pas dépasser %(n)d caractères.", n=MAX_LENGTH)]
    found = []
    variants = _variants(password)
    if variants & common_passwords():
        found.append(
            _(
                "Ce mot de passe fait partie des plus courants (ou n'en diffère que par des "
                "chiffres ou des signes) : choisissez-en un autre."
            )
        )
    inputs = [name for name in names if name]
    own: set[str] = set()
    for name in inputs + [n.split("@")[0] for n in inputs if "@" in n]:
        own |= _variants(name)
    own.discard("")
    if variants & own:
        found.append(
            _("Le mot de passe ne doit pas reprendre l'identifiant, le nom ou le courriel.")
        )
    min_score = int(config.get("VIGIE_PASSWORD_MIN_SCORE", 3) or 0)
    if not found and min_score > 0:
        estimate = zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=inputs[:10])
        if int(estimate["score"]) < min_score:
            found.append(
                _(
                    "Mot de passe trop facile à deviner : allongez-le, par exemple avec "
                    "plusieurs mots sans rapport entre eux."
                )
            )
    return found


def first_problem(password: str, names: Iterable[str | None] = ()) -> str | None:
    found = problems(password, names)
    return found[0] if found else None


def _request_names() -> list[str | None]:
    """The account a FAB form or API call sets the password of, as far as the request says:
    the typed username and names, or the signed-in person changing their own."""
    if not has_request_context():
        return []
    data: Any = request.get_json(silent=True) if request.is_json else request.form
    names: list[str | None] = []
    if hasattr(data, "get"):
        names = [data.get(key) for key in ("username", "email", "first_name", "last_name")]
    if (request.endpoint or "").startswith("ResetMyPasswordView."):
        user = getattr(g, "user", None)
        names += [getattr(user, key, None) for key in ("username", "email", "last_name")]
    return [name if isinstance(name, str) else None for name in names]


def fab_validator(password: str) -> None:
    """``FAB_PASSWORD_COMPLEXITY_VALIDATOR``: Flask-AppBuilder shows the message on the field
    (screens) or in the 400 (user API)."""
    problem = first_problem(password or "", _request_names())
    if problem:
        raise PasswordComplexityValidationError(problem)


def install(app: Flask) -> None:
    """The policy on Flask-AppBuilder's forms and API, and a dummy hash for unknown names.

    The dummy hash FAB verifies when no account matches is made here with the configured
    hashing method, so a failed sign-in costs the same work whether the name exists or not.
    """
    app.config["FAB_PASSWORD_COMPLEXITY_ENABLED"] = True
    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = fab_validator
    app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"] = generate_password_hash(
        secrets.token_urlsafe(16),
        method=app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
    )
