"""Measurement import: CSV (; or ,, UTF-8 or Windows-1252) and XLSX → preview → confirm."""

from __future__ import annotations

import io
import re

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import HistoryEntry, Indicator, Measurement
from app.security.actor import Actor
from tests.conftest import World, login, unique


def _indicators(app: Flask, world: World) -> tuple[str, str, int]:
    with app.app_context():
        system = Actor.system_actor()
        service = create_record(
            registry.get("service"),
            {"code": unique("IMP"), "name": "Import", "parent": world.services["S1"]},
            system,
        )
        codes = []
        for _n in range(2):
            code = unique("IM-")
            create_record(
                registry.get("indicator"),
                {
                    "code": code,
                    "name": "Tonnage collecté",
                    "owner_service": service.id,
                    "frequency": "monthly",
                    "collection_mode": "import",
                    "min_value": 0,
                },
                system,
            )
            codes.append(code)
        return codes[0], codes[1], service.id


def _stored(app: Flask, code: str) -> dict[str, float]:
    with app.app_context():
        return dict(
            db.session.execute(
                select(Measurement.period, Measurement.value)
                .join(Indicator, Indicator.id == Measurement.indicator_id)
                .where(Indicator.code == code)
            ).all()
        )


def _upload(client, name: str, data: bytes):
    return client.post(
        "/import/", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_csv_with_errors_names_line_and_column_and_stores_nothing(
    app: Flask, world: World, client
) -> None:
    first, second, _service = _indicators(app, world)
    text = (
        "Indicateur;Période;Valeur;Commentaire\r\n"
        f"{first};2024-01;12,5;Relevé pesée\r\n"
        f"{second};2024-01;douze;\r\n"
        f"{second};2024-13;4;\r\n"
        "\r\n"
    )
    login(client, world.users["agent"])
    response = _upload(client, "mesures.csv", text.encode("cp1252"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ligne 3, colonne « Valeur »" in page
    assert "Ligne 4, colonne « Période »" in page
    assert _stored(app, first) == {}


def test_valid_csv_preview_then_confirm(app: Flask, world: World, client) -> None:
    first, second, _service = _indicators(app, world)
    text = f'indicateur,periode,valeur\n{first},2024-02,7\n{second},2024-02,"3,25"\n'
    login(client, world.users["agent"])
    preview = _upload(client, "mesures.csv", text.encode("utf-8-sig"))
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "2 à créer" in page
    assert _stored(app, first) == {}  # nothing before confirmation
    token = re.search(r"/import/confirm/([0-9a-f]{32})", page).group(1)  # type: ignore[union-attr]
    other = login(app.test_client(), world.users["service_head"])
    assert other.post(f"/import/confirm/{token}").status_code == 404  # not theirs
    assert client.post(f"/import/confirm/{token}").status_code == 302
    assert _stored(app, first) == {"2024-02": 7.0}
    assert _stored(app, second) == {"2024-02": 3.25}
    with app.app_context():
        entry = db.session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.artefact == "measurement")
            .order_by(HistoryEntry.id.desc())
        ).first()
        assert entry is not None and entry.changes["source"] == [None, "import"]
    assert client.post(f"/import/confirm/{token}").status_code == 404  # used once


def test_xlsx_template_round_trip(app: Flask, world: World, client) -> None:
    first, second, service = _indicators(app, world)
    login(client, world.users["agent"])
    template = client.get(f"/import/template?service={service}&month=2024-03")
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.data))
    sheet = workbook.active
    assert [c.value for c in sheet[1]][:3] == ["Indicateur", "Nom de l'indicateur", "Période"]
    codes = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    assert set(codes) == {first, second}
    sheet.cell(row=codes[first], column=4, value=11)
    sheet.cell(row=codes[second], column=4, value=2.5)
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = _upload(client, "modele.xlsx", buffer.getvalue())
    assert preview.status_code == 200, preview.get_data(as_text=True)[:2000]
    token = re.search(r"/import/confirm/([0-9a-f]{32})", preview.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert client.post(f"/import/confirm/{token}").status_code == 302
    assert _stored(app, first) == {"2024-03": 11.0}
    assert client.get(f"/import/template?service={world.services['S3']}").status_code == 404


def test_unreadable_files(app: Flask, world: World, client) -> None:
    login(client, world.users["agent"])
    missing = _upload(client, "m.csv", b"Code;Mois\nX;2024-01\n")
    assert missing.status_code == 422
    assert "Colonnes obligatoires absentes" in missing.get_data(as_text=True)
    fake = _upload(client, "m.xlsx", b"not a workbook")
    assert fake.status_code == 422
    other = _upload(client, "m.pdf", b"%PDF-1.4")
    assert other.status_code == 422


def test_the_measurement_export_reads_back_as_an_import(app: Flask, world: World, client) -> None:
    """Round trip: the CSV export of measurements, edited as in a French spreadsheet (decimal
    comma, a month re-saved as a date), imports back: « code — nom » indicators, ``1 300,75``."""
    first, _second, _service = _indicators(app, world)
    with app.app_context():
        indicator = db.session.scalars(select(Indicator).where(Indicator.code == first)).one()
        create_record(
            registry.get("measurement"),
            {"indicator": indicator.id, "period": "2024-05", "value": 1250.5},
            Actor.system_actor(),
        )
        indicator_id = indicator.id
    login(client, world.users["quality"])
    exported = client.get(f"/measurement/export/csv?_flt_0_indicator={indicator_id}")
    assert exported.status_code == 200
    text = exported.get_data(as_text=True)
    assert "1250,5" in text and f"{first} — Tonnage collecté" in text
    lines = text.splitlines()
    edited = [lines[0], lines[1].replace("1250,5", "1\u202f300,75")]
    edited.append(lines[1].replace("2024-05", "01/06/2024").replace("1250,5", "7,5"))
    login(client, world.users["agent"])
    preview = _upload(client, "export-modifie.csv", "\r\n".join(edited).encode("utf-8-sig"))
    assert preview.status_code == 200, preview.get_data(as_text=True)[:3000]
    page = preview.get_data(as_text=True)
    token = re.search(r"/import/confirm/([0-9a-f]{32})", page).group(1)  # type: ignore[union-attr]
    assert client.post(f"/import/confirm/{token}").status_code == 302
    assert _stored(app, first) == {"2024-05": 1300.75, "2024-06": 7.5}
