"""The dashboards: who sees which, what each widget shows, what a page costs, the editor, live data.

The fixture town gets a small strategy (programme → axis → strategic objective → S1's service
objective) measured by S1 indicators, one S3 indicator S1 must never see, and dashboards for
S1, S3, the agent role, the executive role and everyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select

from app import periods
from app.commands import dashboards as commands
from app.extensions import db
from app.models import Dashboard, DashboardWidget, HistoryEntry, StrategicObjective
from app.security.actor import Actor
from tests.conftest import World, login, unique
from tests.factories import new, past_month


@dataclass
class Town:
    ids: dict[str, int]
    names: dict[str, str]


def _dashboard(title: str, *, services: list[int] = (), roles: list[str] = ()) -> Any:  # type: ignore[assignment]
    role_ids = [r.id for r in db.session.scalars(select(Role).where(Role.name.in_(roles)))]
    return new(
        "dashboard",
        {"title": title, "services": list(services), "roles": role_ids, "position": 900},
    )


def _add(dashboard: Any, kind: str, **ref: Any) -> None:
    commands.add_widget(dashboard, {"kind": kind, **ref}, Actor.system_actor())


@pytest.fixture(scope="module")
def town(app: Flask, world: World) -> Town:
    with app.app_context():
        s1, s3 = world.services["S1"], world.services["S3"]
        year = date.today().year
        names = {
            k: unique(f"{k} ")
            for k in (
                "rising",
                "falling",
                "hidden",
                "objective",
                "strategic",
                "d_s1",
                "d_s3",
                "d_agent",
                "d_exec",
                "d_all",
            )
        }
        programme = new(
            "programme",
            {"title": unique("Programme "), "start_year": year - 2, "end_year": year + 3},
        )
        axis = new(
            "axis", {"programme": programme.id, "code": unique("AX"), "title": unique("Axe ")}
        )
        strategic = new(
            "strategic_objective",
            {"axis": axis.id, "code": unique("SO"), "title": names["strategic"]},
        )
        objective = new(
            "service_objective",
            {
                "service": s1,
                "year": year,
                "title": names["objective"],
                "strategic_objective": strategic.id,
                "weight": 1.0,
            },
        )

        def indicator(key: str, service: int, direction: str) -> Any:
            ind = new(
                "indicator",
                {
                    "code": unique("DSH-"),
                    "name": names[key],
                    "owner_service": service,
                    "frequency": "monthly",
                    "direction": direction,
                    "unit": "%",
                    "alert_threshold": 0.1,
                    "service_objectives": [objective.id] if service == s1 else [],
                },
            )
            for y in {periods.year_of(past_month(o)) for o in range(0, 60)}:
                new("target", {"indicator": ind.id, "period": str(y), "value": 100})
            return ind

        rising = indicator("rising", s1, "increase")
        falling = indicator("falling", s1, "increase")
        hidden = indicator("hidden", s3, "increase")
        for ind, (before, now) in ((rising, (80, 120)), (falling, (99, 95)), (hidden, (10, 50))):
            new("measurement", {"indicator": ind.id, "period": past_month(1), "value": before})
            new("measurement", {"indicator": ind.id, "period": past_month(0), "value": now})

        d_s1 = _dashboard(names["d_s1"], services=[s1])
        _add(d_s1, "kpi", indicator=rising.id)
        _add(d_s1, "trend", indicator=rising.id)
        _add(d_s1, "table", indicator=falling.id)
        _add(d_s1, "map", objective=f"strategic:{strategic.id}")
        _add(d_s1, "kpi", objective=f"service:{objective.id}")
        _add(d_s1, "map", indicator=falling.id)
        _add(d_s1, "kpi", indicator=hidden.id)
        d_s3 = _dashboard(names["d_s3"], services=[s3])
        _add(d_s3, "kpi", indicator=hidden.id)
        d_agent = _dashboard(names["d_agent"], roles=["agent"])
        d_exec = _dashboard(names["d_exec"], roles=["executive"])
        d_all = _dashboard(names["d_all"])
        return Town(
            ids={
                "rising": rising.id,
                "falling": falling.id,
                "hidden": hidden.id,
                "strategic": strategic.id,
                "objective": objective.id,
                "d_s1": d_s1.id,
                "d_s3": d_s3.id,
                "d_agent": d_agent.id,
                "d_exec": d_exec.id,
                "d_all": d_all.id,
            },
            names=names,
        )


def _text(response: Any) -> str:
    html = response.get_data(as_text=True)
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


# ------------------------------------------------------------------------------ audience
def test_agent_sees_their_service_role_and_open_dashboards_only(
    world: World, client: Any, town: Town
) -> None:
    login(client, world.users["agent"])
    listing = _text(client.get("/dashboards/"))
    for key in ("d_s1", "d_agent", "d_all"):
        assert town.names[key] in listing
        assert client.get(f"/dashboards/{town.ids[key]}").status_code == 200
    for key in ("d_s3", "d_exec"):
        assert town.names[key] not in listing
        assert client.get(f"/dashboards/{town.ids[key]}").status_code == 404
        assert client.get(f"/dashboards/{town.ids[key]}/data").status_code == 404
    assert client.get("/dashboards/99999999").status_code == 404


def test_role_and_editor_audiences(world: World, client: Any, town: Town) -> None:
    login(client, world.users["executive"])
    listing = _text(client.get("/dashboards/"))
    assert town.names["d_exec"] in listing and town.names["d_agent"] not in listing
    login(client, world.users["quality"])
    listing = _text(client.get("/dashboards/"))
    assert all(town.names[k] in listing for k in ("d_s1", "d_s3", "d_agent", "d_exec", "d_all"))


def test_application_accounts_and_anonymous_are_kept_out(
    world: World, client: Any, town: Town
) -> None:
    response = client.get(f"/dashboards/{town.ids['d_all']}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, world.users["application"])
    assert client.get(f"/dashboards/{town.ids['d_all']}").status_code == 403


# ------------------------------------------------------------------------------ widgets
def test_each_widget_kind_shows_real_data(world: World, client: Any, town: Town) -> None:
    login(client, world.users["agent"])
    response = client.get(f"/dashboards/{town.ids['d_s1']}")
    assert response.status_code == 200
    text = _text(response)
    html = response.get_data(as_text=True)
    # KPI: value with unit and period, target, status in words, arrow with its meaning
    assert "120 %" in text and f"Période {past_month(0)}" in text and "Cible : 100 %" in text
    assert "Atteint" in text
    assert f"En hausse par rapport à {past_month(1)} : amélioration" in text
    assert "vigie-trend-better" in html
    # the falling indicator's mini-map: down, a degradation for an « increase » indicator
    assert f"En baisse par rapport à {past_month(1)} : dégradation" in text
    # trend: a chart (SVG with a text alternative)
    assert re.search(r"<svg[^>]*role=\"img\"", html)
    # table: both periods with values, targets and statuses
    assert f"{past_month(0)} 95 % 100 % Vigilance" in text
    assert f"{past_month(1)} 99 % 100 % Vigilance" in text
    # objective widgets: score, status and coverage from the roll-up, with their children
    assert town.names["objective"] in text and "Couverture : 100 %" in text
    assert "Place dans la carte stratégique" in text and town.names["strategic"] in text
    # the S3 indicator placed on S1's dashboard: never its data
    assert "hors de votre périmètre" in text
    assert town.names["hidden"] not in text and "50 %" not in text
    # freshness, live region and the app's own script (no CDN)
    assert "Données mises à jour le" in text
    assert 'aria-live="polite"' in html
    assert "/vigie-static/dashboards.js" in html and "cdn" not in html.lower()
    assert client.get("/vigie-static/dashboards.js").status_code == 200


def test_widgets_follow_position_order(app: Flask, world: World, client: Any, town: Town) -> None:
    login(client, world.users["quality"])
    html = client.get(f"/dashboards/{town.ids['d_s1']}").get_data(as_text=True)
    shown = [int(i) for i in re.findall(r'data-widget="(\d+)"', html)]
    with app.app_context():
        stored = db.session.scalars(
            select(DashboardWidget.id)
            .where(DashboardWidget.dashboard_id == town.ids["d_s1"])
            .order_by(DashboardWidget.position)
        ).all()
    assert shown == list(stored) and len(shown) == 7


# ------------------------------------------------------------------------------ query counts
def _page_queries(client: Any, count_queries: Any, pk: int) -> int:
    client.get(f"/dashboards/{pk}")  # warm: the session user, translations, chart cache
    with count_queries() as statements:
        response = client.get(f"/dashboards/{pk}")
    assert response.status_code == 200
    return len(statements)


def test_page_queries_do_not_grow_with_widgets(
    app: Flask, world: World, client: Any, town: Town, count_queries: Any
) -> None:
    with app.app_context():
        small = _dashboard(unique("Petit "))
        _add(small, "kpi", indicator=town.ids["rising"])
        _add(small, "map", indicator=town.ids["falling"])
        large = _dashboard(unique("Grand "))
        refs = [
            ("kpi", {"indicator": town.ids["rising"]}),
            ("trend", {"indicator": town.ids["falling"]}),
            ("table", {"indicator": town.ids["rising"]}),
            ("map", {"objective": f"strategic:{town.ids['strategic']}"}),
            ("kpi", {"objective": f"service:{town.ids['objective']}"}),
            ("map", {"indicator": town.ids["falling"]}),
        ]
        for index in range(20):
            kind, ref = refs[index % len(refs)]
            _add(large, kind, **ref)
        small_id, large_id = small.id, large.id
    login(client, world.users["official"])
    counts = (
        _page_queries(client, count_queries, small_id),
        _page_queries(client, count_queries, large_id),
    )
    assert counts[0] == counts[1], counts
    # the JSON endpoint loads the same way
    with count_queries() as few:
        client.get(f"/dashboards/{small_id}/data")
    with count_queries() as many:
        client.get(f"/dashboards/{large_id}/data")
    assert len(few) == len(many)


def test_page_queries_do_not_grow_with_measurements(
    app: Flask, world: World, client: Any, town: Town, count_queries: Any
) -> None:
    with app.app_context():
        ind = new(
            "indicator",
            {
                "code": unique("DSH-"),
                "name": unique("Grows "),
                "owner_service": world.services["S1"],
                "frequency": "monthly",
                "direction": "decrease",
                "unit": "j",
            },
        )
        board = _dashboard(unique("Croissance "), services=[world.services["S1"]])
        _add(board, "kpi", indicator=ind.id)
        _add(board, "trend", indicator=ind.id)
        _add(board, "table", indicator=ind.id)
        _add(board, "map", objective=f"strategic:{town.ids['strategic']}")
        new("measurement", {"indicator": ind.id, "period": past_month(0), "value": 5})
        board_id, ind_id = board.id, ind.id
    login(client, world.users["service_head"])
    before = _page_queries(client, count_queries, board_id)
    with app.app_context():
        for offset in range(1, 40):
            new(
                "measurement",
                {"indicator": ind_id, "period": past_month(offset), "value": 5 + offset},
            )
            new("target", {"indicator": ind_id, "period": past_month(offset), "value": 10})
    after = _page_queries(client, count_queries, board_id)
    assert before == after, (before, after)


def _headings(html: str) -> list[tuple[str, str]]:
    """Each widget's heading and the quiet line under it naming its kind, in page order."""
    found = re.findall(
        r'class="vigie-widget-title">(.*?)</h2>\s*<p class="vigie-widget-kind">(.*?)</p>',
        html,
        flags=re.S,
    )
    return [(unescape(title).strip(), unescape(kind).strip()) for title, kind in found]


def test_widget_headings_say_what_they_show(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    """A heading names what the widget shows, its kind a small line in words under it (never
    « CARTE INDICATEUR (KPI) »); a widget saved without a title gets one from what it shows."""
    names = town.names
    with app.app_context():
        board = _dashboard(unique("Titres "))
        # saved without a title (older widgets, a direct write): the heading is derived
        for position, (kind, ref) in enumerate(
            (
                ("trend", {"indicator_id": town.ids["rising"]}),
                ("table", {"indicator_id": town.ids["falling"]}),
                ("map", {"strategic_objective_id": town.ids["strategic"]}),
                ("kpi", {"service_objective_id": town.ids["objective"]}),
            ),
            start=1,
        ):
            db.session.add(
                DashboardWidget(dashboard_id=board.id, kind=kind, position=position, **ref)
            )
        db.session.commit()
        commands.add_widget(
            board,
            {"kind": "kpi", "indicator": town.ids["rising"], "title": "Hausse du mois"},
            Actor.system_actor(),
        )
        strategic_code = db.session.get(StrategicObjective, town.ids["strategic"]).code
        pk = board.id
    login(client, world.users["quality"])
    page = client.get(f"/dashboards/{pk}")
    assert _headings(page.get_data(as_text=True)) == [
        (f"Évolution — {names['rising']}", "Courbe d'évolution"),
        (f"Dernières valeurs — {names['falling']}", "Tableau des dernières valeurs"),
        (f"Carte stratégique — {strategic_code} {names['strategic']}", "Carte stratégique"),
        (f"{names['objective']} — Service S1", "Chiffre clé"),
        ("Hausse du mois", "Chiffre clé"),
    ]
    text = _text(page)
    assert "KPI" not in text and "widget" not in text.lower()
    editor = _text(client.get(f"/dashboards/{pk}/edit"))
    assert f"Évolution — {names['rising']}" in editor  # the editor lists the same titles
    assert "KPI" not in editor and "widget" not in editor.lower()
    assert "Présentation" in editor and "Ajouter un bloc" in editor


# ------------------------------------------------------------------------------ editor
def _widgets(pk: int) -> list[tuple[str, int | None, str | None]]:
    return [
        (w.kind, w.indicator_id, w.title)
        for w in db.session.scalars(
            select(DashboardWidget)
            .where(DashboardWidget.dashboard_id == pk)
            .order_by(DashboardWidget.position)
        )
    ]


def _history(pk: int) -> list[HistoryEntry]:
    return list(
        db.session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.artefact == "dashboard", HistoryEntry.record_id == pk)
            .order_by(HistoryEntry.id)
        )
    )


def test_quality_adds_reorders_and_removes_widgets_with_history(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    with app.app_context():
        board = _dashboard(unique("Édition "))
        _add(board, "kpi", indicator=town.ids["rising"])
        pk = board.id
        entries = len(_history(pk))
    login(client, world.users["quality"])
    page = client.get(f"/dashboards/{pk}")
    assert "Modifier les blocs" in _text(page)
    editor = client.get(f"/dashboards/{pk}/edit")
    assert editor.status_code == 200
    editor_html = editor.get_data(as_text=True)
    assert 'name="csrf_token"' in editor_html
    assert town.names["hidden"] in editor_html  # the quality cell reads every service

    response = client.post(
        f"/dashboards/{pk}/widgets",
        data={
            "kind": "table",
            "indicator": str(town.ids["falling"]),
            "title": "Suivi mensuel",
            "reason": "Demande du DGS",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert _widgets(pk) == [
            ("kpi", town.ids["rising"], town.names["rising"]),
            ("table", town.ids["falling"], "Suivi mensuel"),
        ]
        new_id = db.session.scalars(
            select(DashboardWidget.id).where(
                DashboardWidget.dashboard_id == pk, DashboardWidget.kind == "table"
            )
        ).one()
        last = _history(pk)[-1]
        assert last.action == "update" and last.reason == "Demande du DGS"
        assert last.username == world.users["quality"]
        before, after = last.changes["widgets"]
        assert len(before) == 1 and len(after) == 2 and "Suivi mensuel" in after[1]

    assert (
        client.post(f"/dashboards/{pk}/widgets/{new_id}/move", data={"direction": "up"}).status_code
        == 302
    )
    with app.app_context():
        assert [k for k, _i, _t in _widgets(pk)] == ["table", "kpi"]

    assert client.post(f"/dashboards/{pk}/widgets/{new_id}/remove").status_code == 302
    with app.app_context():
        assert [k for k, _i, _t in _widgets(pk)] == ["kpi"]
        assert len(_history(pk)) == entries + 3
        assert db.session.get(Dashboard, pk).version > 1  # a stale title form is refused


def test_editor_refuses_bad_input_in_french_and_changes_nothing(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    with app.app_context():
        board = _dashboard(unique("Refus "))
        _add(board, "kpi", indicator=town.ids["rising"])
        pk = board.id
        entries = len(_history(pk))
        widgets = _widgets(pk)
    login(client, world.users["quality"])
    cases = [
        (
            {"kind": "camembert", "indicator": str(town.ids["rising"])},
            "« Présentation » : choisissez parmi « Chiffre clé »",
        ),
        ({"kind": "kpi", "indicator": "99999999"}, "« Indicateur » : aucun indicateur"),
        ({"kind": "trend", "objective": f"strategic:{town.ids['strategic']}"}, "« Objectif »"),
        ({"kind": "map", "indicator": "", "objective": ""}, "choisissez ce que le bloc"),
        ({"kind": "kpi", "indicator": str(town.ids["rising"]), "position": "zéro"}, "« Position »"),
    ]
    for data, message in cases:
        response = client.post(f"/dashboards/{pk}/widgets", data=data)
        assert response.status_code == 422, data
        assert message in _text(response), (data, _text(response)[:400])
    assert client.post(f"/dashboards/{pk}/widgets/99999999/remove").status_code == 404
    with app.app_context():
        assert _widgets(pk) == widgets and len(_history(pk)) == entries


def test_non_editors_are_refused(app: Flask, world: World, client: Any, town: Town) -> None:
    pk = town.ids["d_s1"]
    with app.app_context():
        widgets = _widgets(pk)
        widget_id = db.session.scalars(
            select(DashboardWidget.id).where(DashboardWidget.dashboard_id == pk)
        ).first()
    for role in ("official", "executive", "service_head", "agent"):
        login(client, world.users[role])
        assert "Modifier les blocs" not in _text(client.get(f"/dashboards/{pk}"))
        assert client.get(f"/dashboards/{pk}/edit").status_code == 403
        assert (
            client.post(
                f"/dashboards/{pk}/widgets",
                data={"kind": "kpi", "indicator": str(town.ids["rising"])},
            ).status_code
            == 403
        )
        assert client.post(f"/dashboards/{pk}/widgets/{widget_id}/remove").status_code == 403
        assert (
            client.post(
                f"/dashboards/{pk}/widgets/{widget_id}/move", data={"direction": "down"}
            ).status_code
            == 403
        )
    with app.app_context():
        assert _widgets(pk) == widgets
        # the command itself refuses too (not only the route)
        from app.commands.errors import Forbidden
        from app.models import VigieUser

        head = db.session.scalars(
            select(VigieUser).where(VigieUser.username == world.users["service_head"])
        ).one()
        with pytest.raises(Forbidden):
            commands.remove_widget(db.session.get(Dashboard, pk), widget_id, Actor.for_user(head))


# ------------------------------------------------------------------------------ live
def test_data_endpoint_returns_a_new_value_after_a_push(
    app: Flask, world: World, client: Any, town: Town
) -> None:
    with app.app_context():
        ind = new(
            "indicator",
            {
                "code": unique("DSH-"),
                "name": unique("Live "),
                "owner_service": world.services["S1"],
                "frequency": "monthly",
                "direction": "increase",
                "unit": "%",
            },
        )
        new(
            "target",
            {"indicator": ind.id, "period": str(periods.year_of(past_month(0))), "value": 100},
        )
        new("measurement", {"indicator": ind.id, "period": past_month(1), "value": 40})
        board = _dashboard(unique("Direct "), services=[world.services["S1"]])
        _add(board, "kpi", indicator=ind.id)
        pk, code = board.id, ind.code
    login(client, world.users["agent"])
    first = client.get(f"/dashboards/{pk}/data").get_json()
    widget = first["widgets"][0]
    assert widget["value"] == 40 and widget["period"] == past_month(1)
    # below target; « en retard » too once last month's value is overdue (after the 15th)
    assert (widget["status"], widget["status_label"]) in (
        ("non_atteint", "Non atteint"),
        ("en_retard", "En retard"),
    )
    assert first["updated_label"].startswith("Données mises à jour le")

    api = app.test_client()
    token = api.post(
        "/api/v1/security/login",
        json={
            "username": world.users["quality"],
            "password": "motdepasse-test",
            "provider": "db",
        },
    ).get_json()["access_token"]
    pushed = api.post(
        "/api/v1/measurement/batch",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "reason": "Relevé du capteur",
            "measurements": [{"indicator": code, "period": past_month(0), "value": 105}],
        },
    )
    assert pushed.status_code in (200, 201), pushed.get_json()

    second = client.get(f"/dashboards/{pk}/data").get_json()
    widget = second["widgets"][0]
    assert widget["value"] == 105 and widget["period"] == past_month(0)
    assert widget["status"] == "atteint"
    assert widget["trend"]["arrow"] == "↑" and "amélioration" in widget["trend"]["text"]
    assert "105\xa0%" in unescape(widget["html"])
    assert second["version"] != first["version"]
    assert second["updated_at"] >= first["updated_at"]


def test_menu_entry_for_every_human_role() -> None:
    from app.security.roles import ADMIN, HUMAN_ROLES
    from app.security.sync import desired_permissions

    wanted = desired_permissions()
    for role in HUMAN_ROLES - {ADMIN}:
        assert ("menu_access", "dashboards") in wanted[role], role
        assert ("can_read", "dashboard") in wanted[role], role
    assert ("menu_access", "dashboards") not in wanted["application"]
