"""Exports opened by a real spreadsheet: LibreOffice Calc (Debian's ``libreoffice-calc-nogui``,
installed by ``scripts/system-deps.sh``) converts the CSV and XLSX exports of actions and
indicators, headless, and its reading is checked cell by cell: numbers come out as numbers,
dates as dates, timestamps in Paris time — not as text, which is what a French spreadsheet made
of ``1250.5`` or of a date written as text.

The CSV is opened as a French user's LibreOffice opens it: ``;`` between cells, UTF-8, French
(France) language for numbers and dates, « detect special numbers » on (what makes Calc read
dates in a CSV). LibreOffice writes its reading as flat ODF (``.fods``), whose cells say their
type (``office:value-type``) and value (``office:value`` / ``office:date-value``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.security.actor import Actor
from tests.conftest import World, login, unique

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if SOFFICE is None and not os.environ.get("CI"):
    pytest.skip(
        "LibreOffice (soffice) est absent : installez libreoffice-calc-nogui "
        "(scripts/system-deps.sh le fait en root).",
        allow_module_level=True,
    )

#: Calc's CSV filter options: separator ``;`` (59), quote ``"`` (34), UTF-8 (76), from line 1,
#: standard column types, French (France) (1036), quoted fields not forced to text, detect
#: special numbers (dates).
CSV_FILTER = "Text - txt - csv (StarCalc):59,34,76,1,,1036,false,true"
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
#: A stored UTC instant whose Paris date is the next day (summer time: UTC+2).
LATE_EVENING_UTC = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def calc_reading(path: Path, workdir: Path) -> list[dict[str, tuple[str, str]]]:
    """The first sheet of ``path`` as LibreOffice reads it: per row, header → (type, value)."""
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) est absent alors que la CI l'exige.")
    command = [
        SOFFICE,
        f"-env:UserInstallation=file://{workdir / 'profile'}",
        "--headless",
        "--norestore",
        "--convert-to",
        "fods",
        "--outdir",
        str(workdir / "out"),
    ]
    if path.suffix == ".csv":
        command.append(f"--infilter={CSV_FILTER}")
    done = subprocess.run(
        [*command, str(path)], capture_output=True, text=True, timeout=240, check=False
    )
    converted = workdir / "out" / (path.stem + ".fods")
    assert converted.exists(), done.stdout + done.stderr
    table = ET.parse(converted).getroot().find(".//table:table", NS)
    assert table is not None
    rows: list[list[tuple[str, str]]] = []
    for row in table.iter(_q("table", "table-row")):
        cells: list[tuple[str, str]] = []
        for cell in row:
            kind = cell.get(_q("office", "value-type"), "")
            value = (
                cell.get(_q("office", "date-value"))
                or cell.get(_q("office", "value"))
                or "".join(cell.itertext()).strip()
            )
            repeat = min(int(cell.get(_q("table", "number-columns-repeated"), "1")), 64)
            cells.extend([(kind, value)] * repeat)
        rows.append(cells)
    header = [value for _kind, value in rows[0]]
    return [
        {name: cell for name, cell in zip(header, cells, strict=False) if name}
        for cells in rows[1:]
        if any(value for _kind, value in cells)
    ]


def _records(app: Flask, world: World) -> tuple[str, str]:
    """An action and an indicator with decimals, dates and a late-evening UTC timestamp."""
    action_code, indicator_code = unique("ACT-CALC-"), unique("IND-CALC-")
    system = Actor.system_actor()
    with app.app_context():
        action = create_record(
            registry.get("action"),
            {
                "code": action_code,
                "title": "Reprendre le marquage",
                "service": world.services["S1"],
                "opened_on": "2027-01-15",
                "due_date": "2027-03-31",
                "progress": 40,
            },
            system,
        )
        indicator = create_record(
            registry.get("indicator"),
            {
                "code": indicator_code,
                "name": "Tonnage collecté",
                "owner_service": world.services["S1"],
                "frequency": "monthly",
                "baseline_value": 1250.5,
                "min_value": 0.25,
            },
            system,
        )
        for record in (action, indicator):
            record.created_at = LATE_EVENING_UTC  # type: ignore[attr-defined]
        db.session.commit()
    return action_code, indicator_code


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_libreoffice_reads_numbers_and_dates_of_the_exports(
    app: Flask, world: World, client: Any, tmp_path: Path, fmt: str
) -> None:
    action_code, indicator_code = _records(app, world)
    login(client, world.users["quality"])
    files = {}
    for name, url in (
        ("actions", f"/action/export/{fmt}?_flt_3_code={action_code}"),
        ("indicateurs", f"/indicator/export/{fmt}?_flt_0_code={indicator_code}"),
    ):
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        files[name] = tmp_path / f"{name}.{fmt}"
        files[name].write_bytes(response.data)

    actions = calc_reading(files["actions"], tmp_path)
    assert [row["Code"] for row in actions] == [("string", action_code)]
    action = actions[0]
    assert action["Ouverte le"] == ("date", "2027-01-15")
    assert action["Échéance"] == ("date", "2027-03-31")
    assert action["Avancement (%)"] == ("float", "40")
    # stored 22:30 UTC on the 1st of July: it is 00:30 on the 2nd in Paris
    assert action["Créé le"] == ("date", "2026-07-02T00:30:00")

    indicators = calc_reading(files["indicateurs"], tmp_path)
    assert [row["Code"] for row in indicators] == [("string", indicator_code)]
    indicator = indicators[0]
    assert indicator["Valeur de référence"] == ("float", "1250.5")
    assert indicator["Valeur minimale admise"] == ("float", "0.25")
    assert indicator["Créé le"] == ("date", "2026-07-02T00:30:00")
    assert date.fromisoformat(action["Ouverte le"][1]) < date.fromisoformat(action["Échéance"][1])
