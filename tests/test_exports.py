"""CSV and XLSX exports of the quality artefacts, as a user opens them in a spreadsheet.

The export is the list the user is looking at: the same filters (UI search filters or API
``q=``), the same scope, archives left out unless asked. Headers are the French column labels,
closed lists give their French labels, dates are written the French way, and any text cell a
spreadsheet would run as a formula (starting with = + - @ or a tab) is neutralised.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from app import registry
from app.commands.records import archive_record, create_record
from app.extensions import db
from app.security.actor import Actor
from tests.conftest import World, login, token, unique

FORMULAS = ["=SOMME(A1:A9)", "+33 1 23 45 67 89", "-1+1", "@cmd", "\tcaché"]


def _create(app: Flask, code: str, values: dict[str, Any]) -> int:
    with app.app_context():
        return int(create_record(registry.get(code), values, Actor.system_actor()).id)


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # French Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _xlsx(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _risks(app: Flask, world: World, prefix: str) -> dict[str, int]:
    """Three risks of S1 named with ``prefix`` and one that the filter must leave out."""
    return {
        "high": _create(
            app,
            "risk",
            {
                "service": world.services["S1"],
                "title": f"{prefix} chaussée",
                "likelihood": 3,
                "severity": 4,
                "residual_likelihood": 2,
                "residual_severity": 2,
                "status": "traite",
            },
        ),
        "low": _create(
            app,
            "risk",
            {
                "service": world.services["S1"],
                "title": f"{prefix} signalisation",
                "likelihood": 1,
                "severity": 2,
                "status": "identifie",
            },
        ),
        "accepted": _create(
            app,
            "risk",
            {
                "service": world.services["S1"],
                "title": f"{prefix} éclairage",
                "likelihood": 2,
                "severity": 2,
                "status": "accepte",
            },
        ),
        "unfiltered": _create(
            app,
            "risk",
            {
                "service": world.services["S1"],
                "title": unique("Autre risque "),
                "likelihood": 4,
                "severity": 4,
            },
        ),
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("channel", ["ui", "api"])
def test_risk_export_keeps_the_filters_and_speaks_french(
    app: Flask, world: World, client, channel: str, fmt: str
) -> None:
    prefix = unique("Risque filtré ")
    _risks(app, world, prefix)
    if channel == "ui":
        login(client, world.users["service_head"])
        url = f"/risk/export/{fmt}?_flt_0_title={prefix}"
        response = client.get(url)
    else:
        url = f"/api/v1/risk/export?format={fmt}&q=(filters:!((col:title,opr:sw,value:'{prefix}')))"
        response = client.get(url, headers=token(client, world.users["service_head"]))
    rows = _csv(response) if fmt == "csv" else _xlsx(response)
    by_title = {row["Intitulé"]: row for row in rows}
    assert sorted(by_title) == sorted(
        f"{prefix} {w}" for w in ("chaussée", "signalisation", "éclairage")
    )
    high = by_title[f"{prefix} chaussée"]
    for header in (
        "Service",
        "Probabilité",
        "Gravité",
        "Criticité brute",
        "Criticité résiduelle",
        "Statut",
        "Prochaine revue",
    ):
        assert header in high, header
    assert high["Statut"] == "Traité"
    assert high["Probabilité"] == "3 — forte" and high["Gravité"] == "4 — très forte"
    assert high["Service"] == "S1 — Service S1"
    if fmt == "csv":
        assert (high["Criticité brute"], high["Criticité résiduelle"]) == ("12", "4")
        assert by_title[f"{prefix} signalisation"]["Criticité résiduelle"] == ""
    else:  # numbers stay numbers in the workbook
        assert (high["Criticité brute"], high["Criticité résiduelle"]) == (12, 4)
        assert by_title[f"{prefix} signalisation"]["Criticité résiduelle"] is None


def test_export_with_two_filters_and_a_choice_filter(app: Flask, world: World, client) -> None:
    prefix = unique("Risque statut ")
    ids = _risks(app, world, prefix)
    login(client, world.users["quality"])
    rows = _csv(client.get(f"/risk/export/csv?_flt_0_title={prefix}&_flt_3_status=accepte"))
    assert [int(row["N°"]) for row in rows] == [ids["accepted"]]
    assert rows[0]["Statut"] == "Accepté"
    api = client.get(
        "/api/v1/risk/export?format=csv&q=(filters:!((col:title,opr:sw,value:'"
        f"{prefix}'),(col:status,opr:eq,value:traite)))",
        headers=token(client, world.users["quality"]),
    )
    assert [int(row["N°"]) for row in _csv(api)] == [ids["high"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("value", FORMULAS)
def test_cells_that_would_run_as_formulas_are_escaped(
    app: Flask, world: World, client, fmt: str, value: str
) -> None:
    marker = unique("Formule ")
    process = _create(
        app, "process", {"code": unique("PR"), "name": "Processus", "service": world.services["S1"]}
    )
    risk = _create(
        app,
        "risk",
        {
            "service": world.services["S1"],
            "linked_process": process,
            "title": "Risque",
            "likelihood": 1,
            "severity": 1,
        },
    )
    complaint = _create(
        app,
        "complaint",
        {"received_on": "2025-04-01", "subject": "Objet", "service": world.services["S1"]},
    )
    _create(app, "impact_assessment", {"risk": risk, "partners_comment": marker})
    with app.app_context():
        # stored as is, whatever the way in (forms and API strip a leading tab, an import or
        # an older version may not): the export is the last line of defence
        from app.models import Complaint, Risk

        db.session.get(Risk, risk).title = value + marker
        db.session.get(Risk, risk).cause = value
        db.session.get(Complaint, complaint).subject = value + marker
        db.session.commit()
    login(client, world.users["quality"])

    def read(url: str) -> list[dict[str, Any]]:
        response = client.get(url)
        return _csv(response) if fmt == "csv" else _xlsx(response)

    risks = read(f"/risk/export/{fmt}?_flt_2_title={marker}")
    assert len(risks) == 1
    assert risks[0]["Intitulé"] == "'" + value + marker
    assert risks[0]["Causes"] == "'" + value
    # a related record's name is a cell like any other (an impact names its risk's title)
    impacts = read(f"/impact_assessment/export/{fmt}?_flt_0_risk={risk}")
    assert [row["Risque"] for row in impacts] == ["'" + value + marker]
    complaints = read(f"/complaint/export/{fmt}?_flt_2_subject={marker}")
    assert [row["Objet"] for row in complaints] == ["'" + value + marker]
    # nothing anywhere in these files starts like a formula
    for row in (*risks, *impacts, *complaints):
        for cell in row.values():
            assert not (isinstance(cell, str) and cell.startswith(tuple("=+-@\t"))), cell


def test_complaint_export_dates_labels_and_computed_days(app: Flask, world: World, client) -> None:
    subject = unique("Réclamation exportée ")
    _create(
        app,
        "complaint",
        {
            "received_on": "2025-03-03",
            "answered_on": "2025-03-17",
            "channel": "guichet",
            "service": world.services["S1"],
            "subject": subject,
            "status": "repondue",
            "justified": True,
        },
    )
    login(client, world.users["agent"])
    rows = _csv(client.get(f"/complaint/export/csv?_flt_0_subject={subject}"))
    assert len(rows) == 1
    row = rows[0]
    assert row["Reçue le"] == "03/03/2025" and row["Répondue le"] == "17/03/2025"
    assert row["Canal"] == "Guichet" and row["Statut"] == "Répondue"
    assert row["Délai de traitement (jours)"] == "14"
    assert row["Fondée"] == "Oui"


def test_action_export_shows_late_and_states_in_french(app: Flask, world: World, client) -> None:
    code = unique("ACT-X")
    _create(
        app,
        "action",
        {
            "code": code,
            "title": "Reprendre le marquage",
            "service": world.services["S1"],
            "origin": "reclamation",
            "kind": "curative",
            "opened_on": "2025-01-06",
            "due_date": "2025-02-01",
        },
    )
    login(client, world.users["service_head"])
    rows = _xlsx(client.get(f"/action/export/xlsx?_flt_3_code={code}"))
    assert len(rows) == 1
    row = rows[0]
    assert row["Origine"] == "Réclamation" and row["Nature de l'action"] == "Curative"
    assert row["État"] == "À faire"
    assert row["En retard"] == "Oui"
    assert row["Échéance"] == datetime(2025, 2, 1)  # a date cell, not a text
    assert row["Avancement (%)"] == 0


@pytest.mark.parametrize("code", ["complaint", "risk", "measurement", "audit"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_hold_the_head_services_only(
    app: Flask, world: World, client, code: str, fmt: str
) -> None:
    from tests.scope_cases import CASES

    case = CASES[code]
    own, other = case.payload(world, app, "S1"), case.payload(world, app, "S3")
    for payload in (own, other):
        _create(app, code, payload)
    login(client, world.users["service_head"])
    response = client.get(f"/{code}/export/{fmt}")
    if fmt == "csv":
        cells = {cell for row in _csv(response) for cell in row.values()}
    else:
        cells = {cell for row in _xlsx(response) for cell in row.values()}
    marker = case.marker_field
    assert own[marker] in cells and other[marker] not in cells


def test_archived_records_leave_the_export_unless_asked(app: Flask, world: World, client) -> None:
    subject = unique("Réclamation archivée ")
    pk = _create(
        app,
        "complaint",
        {"received_on": "2025-04-01", "service": world.services["S1"], "subject": subject},
    )
    with app.app_context():
        artefact = registry.get("complaint")
        archive_record(artefact, db.session.get(artefact.model, pk), Actor.system_actor())
    login(client, world.users["service_head"])
    assert _csv(client.get(f"/complaint/export/csv?_flt_0_subject={subject}")) == []
    rows = _csv(client.get(f"/complaint/export/csv?_flt_0_subject={subject}&archived=include"))
    assert [row["Archivé"] for row in rows] == ["Oui"]
    headers = token(client, world.users["service_head"])
    api = client.get(
        f"/api/v1/complaint/export?format=csv&archived=only&q=(filters:!("
        f"(col:subject,opr:sw,value:'{subject}')))",
        headers=headers,
    )
    assert [int(row["N°"]) for row in _csv(api)] == [pk]


def test_export_needs_the_read_permission(app: Flask, world: World, client) -> None:
    """An application account reads no risk, so it exports none either."""
    response = client.get(
        "/api/v1/risk/export?format=csv", headers=token(client, world.users["application"])
    )
    assert response.status_code == 403
    response = client.get(
        "/api/v1/risk/export?format=pdf", headers=token(client, world.users["quality"])
    )
    assert response.status_code == 400


def test_exports_write_french_numbers_typed_cells_and_paris_time(
    app: Flask, world: World, client
) -> None:
    """CSV: decimal comma, no thousands separator, dates jj/mm/aaaa, timestamps in Paris time;
    XLSX: numbers and dates as typed cells with French number formats."""
    code = unique("IND-FR-")
    pk = _create(
        app,
        "indicator",
        {
            "code": code,
            "name": "Surface entretenue",
            "owner_service": world.services["S1"],
            "frequency": "monthly",
            "baseline_value": 17000.75,
            "min_value": 0.5,
        },
    )
    with app.app_context():
        from app.models import Indicator

        # 22:30 UTC on 1 July is 00:30 on 2 July in Paris (summer time)
        db.session.get(Indicator, pk).created_at = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
        db.session.commit()
    login(client, world.users["quality"])
    response = client.get(f"/indicator/export/csv?_flt_0_code={code}")
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    text = response.get_data(as_text=True)
    assert text.splitlines()[0].count(";") >= 10
    [row] = _csv(response)
    assert row["Valeur de référence"] == "17000,75"
    assert row["Valeur minimale admise"] == "0,5"
    assert row["Créé le"] == "02/07/2026 00:30"

    workbook = load_workbook(
        io.BytesIO(client.get(f"/indicator/export/xlsx?_flt_0_code={code}").data)
    )
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    baseline = cells["Valeur de référence"]
    assert baseline.value == 17000.75 and baseline.data_type == "n"
    assert baseline.number_format == "#,##0.00"  # « # ##0,00 » in a French spreadsheet
    created = cells["Créé le"]
    assert created.is_date and created.value == datetime(2026, 7, 2, 0, 30)
    assert created.number_format == "dd/mm/yyyy hh:mm"
    assert cells["N°"].value == pk and cells["N°"].data_type == "n"
