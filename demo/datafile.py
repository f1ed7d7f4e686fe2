"""Reading the demo's data files (``demo/data/*.toml``) into typed, frozen records.

The town's words and figures are data, not code: they live in TOML files that a reader can
edit without touching Python, and the modules that used to hold them as literals
(:mod:`demo.town`, :mod:`demo.catalogue`, :mod:`demo.people`, :mod:`demo.quality_texts`,
:mod:`demo.review_texts`, :mod:`demo.dashboards`) now turn those files into the same
dataclasses and tuples at import time.

TOML rather than JSON: multi-line strings with line continuations keep long French sentences
wrapped and diffable line by line, comments explain each section where it is, and the
standard library reads it (:mod:`tomllib`). YAML would need a dependency and guesses types.

A data file is read strictly, through :class:`Fields`: a missing key, a value of the wrong
type or a key no reader knows (a misspelt ``descripton``) fails at import with the file and
the place in it, instead of loading a town with a silently empty field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any, TypeVar

T = TypeVar("T")


class DataFileError(ValueError):
    """A demo data file does not have the shape its reader expects."""


@cache
def load(name: str) -> Mapping[str, Any]:
    """The parsed content of ``demo/data/<name>.toml`` (read once per process).

    Read through :mod:`importlib.resources` so it works from a source checkout, an editable
    install and a wheel alike (the files are package data of ``demo``).
    """
    source = resources.files("demo").joinpath("data", f"{name}.toml")
    try:
        return tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"demo/data/{name}.toml : {error}") from error


def read(name: str, make: Callable[[Fields], T]) -> T:
    """Build one value from the whole of ``demo/data/<name>.toml``; every key must be used."""
    return Fields(load(name), f"{name}.toml").build(make)


class Fields:
    """One TOML table being turned into a record: typed getters and a check for unused keys.

    Getters raise :class:`DataFileError` naming the file and the path of the table
    (``catalogue.toml service[3].process[1]``). :meth:`build` runs a maker and then refuses
    keys it did not read, so a typo in a data file cannot go unnoticed.
    """

    def __init__(self, table: Any, where: str) -> None:
        if not isinstance(table, dict):
            raise DataFileError(f"{where} : table attendue, trouvé {table!r}")
        self._table: dict[str, Any] = table
        self._where = where
        self._read: set[str] = set()

    def __contains__(self, key: object) -> bool:
        """Whether the table has ``key`` (for optional values that are not strings)."""
        return key in self._table

    # ------------------------------------------------------------------ building
    def build(self, make: Callable[[Fields], T]) -> T:
        """``make(self)``, then fail if the table has keys ``make`` never asked for."""
        value = make(self)
        unknown = sorted(set(self._table) - self._read)
        if unknown:
            raise DataFileError(f"{self._where} : clé(s) inconnue(s) {', '.join(unknown)}")
        return value

    def records(self, key: str, make: Callable[[Fields], T]) -> tuple[T, ...]:
        """An array of tables (``[[key]]`` or ``key = [{…}, …]``), each built by ``make``."""
        return tuple(item.build(make) for item in self._tables(key))

    def record(self, key: str, make: Callable[[Fields], T]) -> T:
        """A sub-table (``[key]``) built by ``make``."""
        return Fields(self._get(key, dict), f"{self._where} {key}").build(make)

    def mapping(self, key: str, make: Callable[[Fields, str], T]) -> dict[str, T]:
        """A table whose keys are names (service codes…): ``make(fields, name)`` per entry.

        The entries keep the file's order, which the load's random draws depend on.
        """
        table = Fields(self._get(key, dict), f"{self._where} {key}")
        return table.build(lambda f: {name: make(f, name) for name in list(f._table)})

    # ------------------------------------------------------------------- scalars
    def text(self, key: str) -> str:
        value: str = self._get(key, str)
        return value

    def optional_text(self, key: str) -> str | None:
        """A string that may be absent (TOML has no null)."""
        return self.text(key) if key in self._table else None

    def whole(self, key: str, default: int | None = None) -> int:
        if default is not None and key not in self._table:
            return default
        value = self._get(key, int)
        if isinstance(value, bool):
            raise self._error(key, "nombre entier", value)
        return int(value)

    def number(self, key: str, default: float | None = None) -> float:
        """An integer or a float, kept as written (``12`` stays an int, ``12.0`` a float)."""
        if default is not None and key not in self._table:
            return default
        value = self._get(key, (int, float))
        if isinstance(value, bool):
            raise self._error(key, "nombre", value)
        result: float = value
        return result

    def texts(self, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """An array of strings, as a tuple."""
        if default is not None and key not in self._table:
            return default
        values = self._get(key, list)
        if not all(isinstance(v, str) for v in values):
            raise self._error(key, "liste de textes", values)
        return tuple(values)

    def numbers(self, key: str) -> tuple[float, ...]:
        values = self._get(key, list)
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            raise self._error(key, "liste de nombres", values)
        return tuple(values)

    # ------------------------------------------------------------------ internals
    def _tables(self, key: str) -> Iterator[Fields]:
        items = self._get(key, list)
        for index, item in enumerate(items, start=1):
            yield Fields(item, f"{self._where} {key}[{index}]")

    def _get(self, key: str, kind: type[Any] | tuple[type[Any], ...]) -> Any:
        self._read.add(key)
        if key not in self._table:
            raise DataFileError(f"{self._where} : clé « {key} » absente")
        value = self._table[key]
        if not isinstance(value, kind):
            raise self._error(key, getattr(kind, "__name__", str(kind)), value)
        return value

    def _error(self, key: str, expected: str, value: Any) -> DataFileError:
        return DataFileError(f"{self._where} {key} : {expected} attendu, trouvé {value!r}")
