"""Translation catalogues (app/translations/).

Vigie's own strings are written in French; Flask-AppBuilder's are in English. So:

* ``fr`` must translate every msgid Flask-AppBuilder uses (FAB's own French catalogue is
  incomplete and partly wrong; Flask-Babel loads ours after it, ours wins);
* ``en`` must translate every msgid of Vigie's own sources (app, views, workflows, reports,
  extracted with the rules of babel.cfg).

Self-contained: no fixture from conftest. FAB's msgids are extracted at test time from the
installed package, so a FAB upgrade that adds strings makes this test fail.

When (b) fails because new French strings were added to the code, re-extract and translate:

    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _ -k gettext \\
        -o /tmp/vigie.pot app views workflows reports
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from pathlib import Path

import flask_appbuilder
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
FR_PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
BABEL_CFG = ROOT / "babel.cfg"
VIGIE_SOURCE_DIRS = ("app", "views", "workflows", "reports")

FAB_DIR = Path(flask_appbuilder.__file__).resolve().parent
FAB_METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
FAB_OPTIONS_MAP = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
FAB_KEYWORDS = {"lazy_gettext": None, "_": None, "gettext": None, "__": None, "ngettext": (1, 2)}
VIGIE_KEYWORDS = {
    "_l": None,
    "lazy_gettext": None,
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
}

# French translations identical to their English msgid, on purpose.
SAME_IN_FRENCH = {"Actions", "Permission", "Permissions", "OpenID"}

# FAB strings Vigie also rewords in English (archive instead of delete): allowed in the en
# catalogue although they are not Vigie msgids.
EN_FAB_OVERRIDES = {
    "Delete",
    "Delete record",
    "Deleted Row",
    "Are you sure you want to delete this item?",
}

# %(name)s / %s / %d ... (a lone "% " in French prose, e.g. "10 % des", is not one).
_PLACEHOLDER = re.compile(
    r"%\((\w+)\)[#0+-]*\d*(?:\.\d+)?[a-zA-Z]"  # %(name)s
    r"|%[#0+-]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %s, %d, %.2f ...
)


def _load(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def _msgid(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


def _string(message_string: str | tuple[str, ...] | None) -> list[str]:
    if not message_string:
        return []
    if isinstance(message_string, tuple):
        return list(message_string)
    return [message_string]


def _translated(catalog: Catalog) -> dict[str, list[str]]:
    """msgid -> non-empty msgstr(s) of the entries gettext will actually use."""
    out = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        strings = _string(message.string)
        if strings and all(s.strip() for s in strings):
            out[_msgid(message.id)] = strings
    return out


def _extract(dirname: Path, method_map, options_map, keywords) -> dict[str, list[str]]:
    """msgid -> "file:line" locations."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(dirname), method_map, options_map, keywords=keywords, comment_tags=()
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{dirname.name}/{filename}:{lineno}")
    return found


@functools.cache
def fab_msgids() -> dict[str, list[str]]:
    return _extract(FAB_DIR, FAB_METHOD_MAP, FAB_OPTIONS_MAP, FAB_KEYWORDS)


def _vigie_mapping():
    with BABEL_CFG.open(encoding="utf-8") as handle:
        try:
            from babel.messages.frontend import parse_mapping_cfg
        except ImportError:  # Babel < 2.14
            from babel.messages.frontend import parse_mapping as parse_mapping_cfg
        return parse_mapping_cfg(handle)


@functools.cache
def vigie_msgids() -> dict[str, list[str]]:
    method_map, options_map = _vigie_mapping()
    found: dict[str, list[str]] = {}
    for name in VIGIE_SOURCE_DIRS:
        directory = ROOT / name
        if directory.is_dir():
            for msgid, locations in _extract(
                directory, method_map, options_map, VIGIE_KEYWORDS
            ).items():
                found.setdefault(msgid, []).extend(locations)
    return found


def _placeholders(text: str) -> Counter:
    return Counter(m.group(0) for m in _PLACEHOLDER.finditer(text.replace("%%", "")))


# -- (c) the catalogues parse, compile and keep their placeholders -----------------------------


@pytest.mark.parametrize("path", [FR_PO, EN_PO], ids=["fr", "en"])
def test_catalogue_parses_and_compiles(path: Path) -> None:
    catalog = _load(path)
    assert str(catalog.locale) == path.parent.parent.name
    assert not catalog.fuzzy, f"{path}: header marked fuzzy, pybabel compile would skip it"
    fuzzy = [_msgid(m.id) for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{path}: fuzzy entries are not compiled: {fuzzy}"
    untranslated = [_msgid(m.id) for m in catalog if m.id and not any(_string(m.string))]
    assert not untranslated, f"{path}: empty msgstr: {untranslated}"
    write_mo(io.BytesIO(), catalog)  # what `pybabel compile` does


@pytest.mark.parametrize("path", [FR_PO, EN_PO], ids=["fr", "en"])
def test_placeholders_match(path: Path) -> None:
    wrong = []
    for message in _load(path):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = _placeholders(ids[-1])
        for string in _string(message.string):
            if _placeholders(string) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, f"{path}: placeholders differ from the msgid:\n" + "\n".join(wrong)


# -- (a) every Flask-AppBuilder msgid has a real French translation ----------------------------


def test_fab_extraction_sees_templates_and_python() -> None:
    msgids = fab_msgids()
    # Sanity: a Python string (security/views.py) and a template one (general/lib.html).
    assert "List Users" in msgids and "Add Filter" in msgids, sorted(msgids)
    assert len(msgids) > 100


def test_every_fab_msgid_is_translated_in_french() -> None:
    french = _translated(_load(FR_PO))
    missing = {msgid: locs for msgid, locs in fab_msgids().items() if msgid not in french}
    assert not missing, (
        f"{len(missing)} Flask-AppBuilder msgid(s) without French translation in {FR_PO}:\n"
        + "\n".join(
            f"  {msgid!r}  ({', '.join(locs[:2])})" for msgid, locs in sorted(missing.items())
        )
    )


def test_french_is_not_a_copy_of_the_english() -> None:
    french = _translated(_load(FR_PO))
    long_english = {msgid for msgid in fab_msgids() if len(msgid.split()) > 3}
    copies = []
    for msgid, strings in french.items():
        for string in strings:
            if string == msgid and msgid not in SAME_IN_FRENCH:
                copies.append(f"{msgid!r} left untranslated")
            elif string in long_english:
                copies.append(f"{msgid!r} -> {string!r} is an English msgid")
    assert not copies, "\n".join(copies)


# -- (b) every Vigie msgid has an English translation ------------------------------------------


def test_vigie_extraction_finds_strings() -> None:
    msgids = vigie_msgids()
    assert len(msgids) > 50, f"babel.cfg extracted only {len(msgids)} msgids: check its patterns"
    # Both the Python and the Jinja2 rules of babel.cfg must match something.
    assert any(".py:" in loc for locs in msgids.values() for loc in locs)
    assert any(".html:" in loc for locs in msgids.values() for loc in locs)


def test_every_vigie_msgid_is_translated_in_english() -> None:
    english = _translated(_load(EN_PO))
    missing = {msgid: locs for msgid, locs in vigie_msgids().items() if msgid not in english}
    assert not missing, (
        f"{len(missing)} Vigie msgid(s) without English translation in {EN_PO}\n"
        "(re-extract with babel.cfg, see this module's docstring, and translate them):\n"
        + "\n".join(
            f"  {msgid!r}  ({', '.join(locs[:3])})" for msgid, locs in sorted(missing.items())
        )
    )


def test_english_catalogue_has_no_stray_entries() -> None:
    stray = set(_translated(_load(EN_PO))) - set(vigie_msgids()) - EN_FAB_OVERRIDES
    assert not stray, (
        "en entries that no Vigie source uses any more (remove them, or add the string back):\n"
        + "\n".join(f"  {msgid!r}" for msgid in sorted(stray))
    )


def test_vigie_french_strings_are_not_rewritten_by_the_french_catalogue() -> None:
    """A Vigie (French) msgid that is also a FAB (English) msgid would get FAB's translation."""
    french = _translated(_load(FR_PO))
    clashes = [
        f"{msgid!r} ({', '.join(locs[:2])}) shown as {french[msgid][0]!r} in French"
        for msgid, locs in vigie_msgids().items()
        if msgid in french and french[msgid][0] != msgid
    ]
    assert not clashes, "\n".join(clashes)


# -- the catalogues as Flask-Babel merges them (FAB's directory first, then Vigie's) ------------


def test_merged_catalogues(tmp_path: Path) -> None:
    from flask import Flask
    from flask_babel import Babel, force_locale, gettext

    for path in (FR_PO, EN_PO):
        target = tmp_path / path.relative_to(TRANSLATIONS).with_suffix(".mo")
        target.parent.mkdir(parents=True)
        with target.open("wb") as handle:
            write_mo(handle, _load(path))
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{FAB_DIR / 'translations'};{tmp_path}"
    Babel(app)
    with app.test_request_context():
        with force_locale("fr"):
            assert gettext("Delete") == "Archiver"  # FAB's own fr says "Supprimée"
            assert gettext("Groups") == "Groupes"  # missing from FAB's own fr
            assert gettext("Brouillon") == "Brouillon"
        with force_locale("en"):
            assert gettext("Brouillon") == "Draft"
            assert gettext("Search") == "Search"
