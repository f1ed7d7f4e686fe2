"""The review meeting: officials decide proposals, decisions apply to objectives and targets.

What the seed asks of the Revue de Direction: officials arbitrate each service's proposal with
its context, a decision changes the records it concerns (an objective validated, amended back
to its service, rejected or deferred; a target adopted for next year), and the review cannot
be closed while a proposal is undecided.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.models import (
    HistoryEntry,
    Indicator,
    ManagementReview,
    Proposal,
    ServiceObjective,
    Target,
)
from app.security.actor import Actor
from tests.conftest import PASSWORD, World, login, unique
from tests.factories import Meeting, build_meeting


@pytest.fixture()
def meeting(app: Flask, world: World) -> Iterator[Meeting]:
    yield build_meeting(app, world)


def _get(app: Flask, model: Any, pk: int) -> Any:
    with app.app_context():
        obj = db.session.get(model, pk)
        db.session.expunge_all()
        return obj


def decide(client: FlaskClient, meeting: Meeting, proposal: int, **form: str) -> Any:
    return client.post(f"/review_meeting/{meeting.review_id}/decide/{proposal}", data=form)


def test_officials_see_each_proposal_with_its_context(
    app: Flask, client: FlaskClient, meeting: Meeting
) -> None:
    login(client, "t_official")
    page = client.get(f"/review_meeting/{meeting.review_id}").get_data(as_text=True)
    with app.app_context():
        titles = [
            p.title
            for p in db.session.scalars(
                select(Proposal).where(Proposal.review_id == meeting.review_id)
            )
        ]
    for title in titles:
        assert title in page
    assert "Taux de test" in page and "87,5" in page  # the target proposal and its value
    assert page.count('name="decision"') == 4 * len(titles)  # a form per undecided proposal
    assert "0 proposition(s) arbitrée(s) sur 5" in page


def test_validating_an_objective_makes_it_valide(
    app: Flask, client: FlaskClient, meeting: Meeting
) -> None:
    login(client, "t_official")
    response = decide(
        client,
        meeting,
        meeting.objective_proposals[0],
        decision="validee",
        deliberation_ref="DCM-2030-001",
    )
    assert response.status_code == 303
    proposal = _get(app, Proposal, meeting.objective_proposals[0])
    assert proposal.decision == "validee" and proposal.deliberation_ref == "DCM-2030-001"
    objective = _get(app, ServiceObjective, meeting.objectives[0])
    assert objective.state == "valide"
    with app.app_context():
        entry = db.session.scalars(
            select(HistoryEntry)
            .where(
                HistoryEntry.artefact == "service_objective", HistoryEntry.record_id == objective.id
            )
            .order_by(HistoryEntry.id.desc())
        ).first()
        assert entry is not None and entry.event == "validate"
        assert (entry.from_state, entry.to_state, entry.username) == (
            "revu",
            "valide",
            "t_official",
        )


def test_amending_sends_the_objective_back_with_the_amendment(
    app: Flask, client: FlaskClient, meeting: Meeting
) -> None:
    login(client, "t_official")
    pk = meeting.objective_proposals[1]
    refused = client.post(
        f"/review_meeting/{meeting.review_id}/decide/{pk}",
        data={
            "decision": "amendee",
            "rationale": "  ",
            "deliberation_ref": "DCM-9",
            "pending": "1",
        },
    )
    # refused in place: the error on its proposal, tied to the field, the choice and the
    # filter kept, « Erreur — » in the title
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    panel = page.split(f'id="proposal-{pk}"')[1].split("</article>")[0]
    assert 'role="alert"' in panel and "Motivez la décision « Amendée »" in panel
    assert 'value="amendee" required checked' in panel and 'value="DCM-9"' in panel
    assert f'aria-describedby="rationale-{pk}-error' in panel and 'aria-invalid="true"' in panel
    assert '<input type="hidden" name="pending" value="1">' in panel
    assert "<title>Erreur" in page
    assert _get(app, Proposal, pk).decision is None
    assert _get(app, ServiceObjective, meeting.objectives[1]).state == "revu"

    decide(client, meeting, pk, decision="amendee", rationale="Cible portée à 60 %.")
    objective = _get(app, ServiceObjective, meeting.objectives[1])
    assert objective.state == "amende" and objective.amendment == "Cible portée à 60 %."
    # the service resubmits its amended objective
    login(client, "t_head_s1")
    response = client.post(
        f"/api/v1/service_objective/{objective.id}/transition", json={"event": "submit"}
    )
    assert response.status_code == 200 and response.json["state"] == "propose"


def test_rejecting_and_deferring(app: Flask, client: FlaskClient, meeting: Meeting) -> None:
    login(client, "t_official")
    decide(
        client,
        meeting,
        meeting.objective_proposals[0],
        decision="rejetee",
        rationale="Hors budget.",
    )
    decide(
        client,
        meeting,
        meeting.objective_proposals[1],
        decision="reportee",
        rationale="À revoir l'an prochain.",
    )
    assert _get(app, ServiceObjective, meeting.objectives[0]).state == "rejete"
    assert _get(app, ServiceObjective, meeting.objectives[1]).state == "reporte"


def test_a_validated_target_becomes_next_years_target(
    app: Flask, client: FlaskClient, meeting: Meeting
) -> None:
    login(client, "t_official")
    decide(client, meeting, meeting.target_proposal, decision="validee")
    with app.app_context():
        target = db.session.scalars(
            select(Target).where(
                Target.indicator_id == meeting.indicator_id, Target.period == str(meeting.year + 1)
            )
        ).one()
        assert target.value == 87.5
        proposal = db.session.get(Proposal, meeting.target_proposal)
        assert proposal is not None and proposal.target_id == target.id
        assert db.session.scalars(
            select(HistoryEntry).where(
                HistoryEntry.artefact == "target", HistoryEntry.record_id == target.id
            )
        ).first()


def test_only_officials_decide_and_nothing_changes_otherwise(
    app: Flask, client: FlaskClient, meeting: Meeting
) -> None:
    pk = meeting.objective_proposals[0]
    for username in ("t_quality", "t_executive", "t_head_s1"):
        login(client, username)
        response = decide(client, meeting, pk, decision="validee")
        assert response.status_code in (303, 403, 404, 409), username
        assert _get(app, Proposal, pk).decision is None, username
        assert _get(app, ServiceObjective, meeting.objectives[0]).state == "revu"
    login(client, "t_head_s3")  # out of scope: the proposal is S1's
    assert decide(client, meeting, pk, decision="validee").status_code == 404


def test_an_official_does_not_arbitrate_a_service_they_head(
    app: Flask, client: FlaskClient, world: World
) -> None:
    from app.organisation import create_user

    username = unique("elu-chef").lower()
    with app.app_context():
        elu = create_user(
            username=username,
            password=PASSWORD,
            role_codes=["official"],
            first_name="Élu",
            last_name="Chef",
        )
        service = create_record(
            registry.get("service"),
            {
                "code": unique("SRV"),
                "name": "Service dirigé",
                "head": elu.id,
            },
            Actor.system_actor(),
        )
        service_id = service.id
    meeting = build_meeting(app, World({**world.services, "S1": service_id}, world.users))
    login(client, username)
    page = client.get(f"/review_meeting/{meeting.review_id}").get_data(as_text=True)
    assert "un autre élu arbitre" in page
    decide(client, meeting, meeting.objective_proposals[0], decision="validee")
    assert _get(app, Proposal, meeting.objective_proposals[0]).decision is None
    login(client, "t_official")
    decide(client, meeting, meeting.objective_proposals[0], decision="validee")
    assert _get(app, Proposal, meeting.objective_proposals[0]).decision == "validee"


def test_the_review_closes_only_once_every_proposal_is_decided(
    app: Flask, client: FlaskClient, meeting: Meeting
) -> None:
    url = f"/api/v1/management_review/{meeting.review_id}/transition"
    login(client, "t_official")
    early = client.post(url, json={"event": "record_decisions"})
    assert early.status_code == 409 and "pas encore arbitrées" in early.json["message"]
    for pk in meeting.objective_proposals:
        decide(client, meeting, pk, decision="validee")
    decide(client, meeting, meeting.target_proposal, decision="rejetee", rationale="Trop haut.")
    decide(client, meeting, meeting.other_proposal, decision="reportee", rationale="Plus tard.")
    assert client.post(url, json={"event": "record_decisions"}).status_code == 200
    login(client, "t_executive")
    closed = client.post(url, json={"event": "close"})
    assert closed.status_code == 200 and closed.json["state"] == "close"
    assert _get(app, ManagementReview, meeting.review_id).state == "close"


def test_no_decision_outside_a_review_being_held(
    app: Flask, client: FlaskClient, world: World
) -> None:
    meeting = build_meeting(app, world, state="dossier_pret")
    login(client, "t_official")
    page = client.get(f"/review_meeting/{meeting.review_id}").get_data(as_text=True)
    assert 'name="decision"' not in page and "lecture seule" in page
    decide(client, meeting, meeting.objective_proposals[0], decision="validee")
    assert _get(app, Proposal, meeting.objective_proposals[0]).decision is None


def test_meeting_page_query_count_does_not_grow(
    app: Flask, client: FlaskClient, world: World, count_queries: Any
) -> None:
    small = build_meeting(app, world, objectives=2)
    large = build_meeting(app, world, objectives=12)
    login(client, "t_official")
    counts = []
    for meeting in (small, large):
        client.get(f"/review_meeting/{meeting.review_id}")  # warm caches (roles, menus)
        with count_queries() as statements:
            assert client.get(f"/review_meeting/{meeting.review_id}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_indicators_of_objectives_are_listed(
    app: Flask, client: FlaskClient, meeting: Meeting
) -> None:
    with app.app_context():
        indicator = db.session.get(Indicator, meeting.indicator_id)
        objective = db.session.get(ServiceObjective, meeting.objectives[0])
        assert indicator is not None and objective is not None
        indicator.service_objectives.append(objective)
        db.session.commit()
        code = indicator.code
    login(client, "t_official")
    page = client.get(f"/review_meeting/{meeting.review_id}").get_data(as_text=True)
    assert page.count(code) >= 2  # in the objective's table and in the target proposal
