"""In real Chromium: the annual validation of a service objective, from draft to « Validé ».

A service head submits the objective from « Mes tâches », the quality cell reviews it, and an
official decides its proposal on the review meeting screen; each finds it in « Mes tâches » at
their turn, and the objective's history names who moved it. A second test fires an event that
needs a reason through its dialog. Every person signs in through the login form in a fresh
browser context (their own cookies), as they would on their own computer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from app import registry
from app.commands.records import create_record
from app.extensions import db
from app.security.actor import Actor
from tests.browser_fixtures import ARTIFACTS
from tests.conftest import PASSWORD, World, sequence, unique

pytestmark = pytest.mark.browser

#: Actions give up after this long (ms), like ``expect`` by default: pages answer in well
#: under a second.
TIMEOUT = 5_000
#: Pages are checked once their HTML is parsed (their scripts are inline or deferred to it).
READY = "domcontentloaded"


@dataclass
class Annual:
    objective_id: int
    objective_title: str
    review_id: int
    proposal_id: int
    proposal_title: str


def _annual_setup(app: Flask, world: World) -> Annual:
    """A draft S1 objective measured by an indicator with a target for its year, and a
    management review being held that carries it in a proposal of S1."""
    # An early year of its own: « Mes tâches » lists objectives by year, so ours comes first
    # whatever other tests of the run left in the same states.
    year = 2019 - sequence("workflow-browser-year")
    system = Actor.system_actor()
    with app.app_context():
        title = unique("Objectif annuel navigateur ")
        objective = create_record(
            registry.get("service_objective"),
            {
                "service": world.services["S1"],
                "year": year,
                "title": title,
                "expected_result": "Délais de réponse réduits de moitié",
            },
            system,
        )
        code = unique("IND-NAV-")
        indicator = create_record(
            registry.get("indicator"),
            {
                "code": code,
                "name": f"Délai de réponse {code}",
                "owner_service": world.services["S1"],
                "frequency": "yearly",
                "direction": "decrease",
                "unit": "j",
                "service_objectives": [objective.id],
            },
            system,
        )
        create_record(
            registry.get("target"),
            {"indicator": indicator.id, "period": str(year), "value": 10},
            system,
        )
        review = create_record(
            registry.get("management_review"),
            {"year": year, "title": unique("Revue navigateur ")},
            system,
        )
        review.state = "tenue"  # setup only: the review's own workflow is tested elsewhere
        db.session.commit()
        proposal_title = unique("Proposition navigateur ")
        proposal = create_record(
            registry.get("proposal"),
            {
                "review": review.id,
                "service": world.services["S1"],
                "kind": "objectif",
                "title": proposal_title,
                "service_objective": objective.id,
            },
            system,
        )
        return Annual(objective.id, title, review.id, proposal.id, proposal_title)


@pytest.fixture()
def contexts(browser: Any) -> Iterator[list[Any]]:
    """Browser contexts opened by the test, closed whatever happens."""
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def sign_in(browser: Any, contexts: list[Any], live_url: str, username: str) -> Any:
    """A fresh browser context (no cookie of anyone else) signed in through the login form."""
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(TIMEOUT)
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{live_url}/login/", wait_until=READY)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url, wait_until=READY)
    return page


def open_tasks(page: Any) -> None:
    """« Mes tâches » through its menu entry, in « Mon espace »."""
    page.locator(".navbar .dropdown-toggle", has_text="Mon espace").click()
    page.locator(".navbar .dropdown-menu").get_by_role("link", name="Mes tâches").click()
    page.wait_for_url("**/tasks/", wait_until=READY)


def task_section(page: Any, key: str) -> Any:
    return page.locator(f'section[data-section="{key}"]')


def history_item(page: Any, event_label: str) -> Any:
    """The timeline entry of the record's history for a workflow event."""
    return page.locator(".vigie-history .vigie-timeline-item").filter(has_text=f"« {event_label} »")


def test_annual_objective_validation_from_draft_to_valide(
    app: Flask, world: World, live_url: str, browser: Any, contexts: list[Any]
) -> None:
    from playwright.sync_api import expect

    annual = _annual_setup(app, world)
    objective_path = f"/service_objective/show/{annual.objective_id}"

    # 1. The service head lands on the home page, opens « Mes tâches » and submits the objective.
    head = sign_in(browser, contexts, live_url, world.users["service_head"])
    head.wait_for_url(f"{live_url}/", wait_until=READY)
    open_tasks(head)
    expect(head.get_by_role("heading", name="Mes tâches", level=1)).to_be_visible()
    to_submit = task_section(head, "service_objective:brouillon")
    expect(to_submit.get_by_role("heading")).to_contain_text("Objectifs à soumettre")
    to_submit.get_by_role("link", name=annual.objective_title).click()
    head.wait_for_url(f"**{objective_path}", wait_until=READY)
    workflow = head.locator(".vigie-workflow")
    expect(workflow.locator(".vigie-state")).to_have_text("Brouillon")
    workflow.locator("button[data-event=submit]").click()
    expect(
        head.get_by_text("« Soumettre » enregistré : l'état est maintenant « Proposé ».")
    ).to_be_visible()
    expect(workflow.locator(".vigie-state")).to_have_text("Proposé")
    expect(workflow.locator("button[data-event=submit]")).to_have_count(0)
    open_tasks(head)
    expect(head.get_by_role("heading", name="Mes tâches", level=1)).to_be_visible()
    expect(head.get_by_role("link", name=annual.objective_title)).to_have_count(0)

    # 2. The quality cell finds it to review and reviews it.
    quality = sign_in(browser, contexts, live_url, world.users["quality"])
    open_tasks(quality)
    to_review = task_section(quality, "service_objective:propose")
    expect(to_review.get_by_role("heading")).to_contain_text("Objectifs à revoir")
    row = to_review.locator("tr").filter(has_text=annual.objective_title)
    expect(row.locator(".vigie-state")).to_have_text("Proposé")
    row.get_by_role("link", name=annual.objective_title).click()
    quality.wait_for_url(f"**{objective_path}", wait_until=READY)
    workflow = quality.locator(".vigie-workflow")
    workflow.get_by_role("button", name="Valider la revue").click()
    expect(
        quality.get_by_text("« Valider la revue » enregistré : l'état est maintenant « Revu ».")
    ).to_be_visible()
    expect(workflow.locator(".vigie-state")).to_have_text("Revu")
    open_tasks(quality)
    expect(quality.get_by_role("link", name=annual.objective_title)).to_have_count(0)

    # 3. An official finds the proposal to arbitrate and validates it in the meeting.
    official = sign_in(browser, contexts, live_url, world.users["official"])
    open_tasks(official)
    to_arbitrate = task_section(official, "proposal:arbitrate")
    expect(to_arbitrate.get_by_role("heading")).to_contain_text("Propositions à arbitrer")
    to_arbitrate.get_by_role("link", name=annual.proposal_title).click()
    official.wait_for_url(
        f"**/review_meeting/{annual.review_id}#proposal-{annual.proposal_id}", wait_until=READY
    )
    expect(official.get_by_role("heading", level=1)).to_contain_text("Séance de revue de direction")
    article = official.locator(f"article#proposal-{annual.proposal_id}")
    expect(article).to_contain_text(annual.objective_title)
    expect(article.locator(".vigie-state").filter(has_text="Revu")).to_be_visible()
    expect(article).to_contain_text("À arbitrer")
    expect(article.locator(".vigie-meeting-indicators")).to_contain_text("Délai de réponse")
    article.get_by_label("Valider").check()
    article.get_by_label("Motivation").fill("Objectif cohérent avec le programme.")
    deliberation = unique("DCM-NAV-")
    article.get_by_label("Référence de délibération").fill(deliberation)
    article.get_by_role("button", name="Enregistrer la décision").click()
    expect(
        official.get_by_text(f"« {annual.proposal_title} » : décision « Validée » enregistrée.")
    ).to_be_visible()
    decision = article.locator(".vigie-meeting-decision")
    expect(decision).to_contain_text("Validée")
    expect(decision).to_contain_text(f"délibération {deliberation}")
    expect(decision).to_contain_text("Objectif cohérent avec le programme.")
    expect(article.locator("form.vigie-decision-form")).to_have_count(0)
    expect(article.locator(".vigie-state").filter(has_text="Validé").first).to_be_visible()
    open_tasks(official)
    expect(official.get_by_role("link", name=annual.proposal_title)).to_have_count(0)

    # The objective is validated; its timeline tells who did what.
    official.goto(f"{live_url}{objective_path}", wait_until=READY)
    expect(official.locator(".vigie-workflow .vigie-state")).to_have_text("Validé")
    for label, source, target, who in (
        ("Soumettre", "Brouillon", "Proposé", world.users["service_head"]),
        ("Valider la revue", "Proposé", "Revu", world.users["quality"]),
        ("Valider", "Revu", "Validé", world.users["official"]),
    ):
        entry = history_item(official, label)
        expect(entry).to_have_count(1)
        expect(entry.locator(".vigie-state")).to_have_text([source, target])
        # the timeline names the person (the fixture town's full names), not their login
        expect(entry).to_contain_text(f"{who.capitalize()} Test")
    ARTIFACTS.mkdir(exist_ok=True)
    official.screenshot(path=str(ARTIFACTS / "objective-validated.png"), full_page=True)


def test_a_reason_is_asked_in_a_dialog_and_kept_in_the_history(
    app: Flask, world: World, live_url: str, browser: Any, contexts: list[Any]
) -> None:
    from playwright.sync_api import expect

    title = unique("Action à annuler ")
    with app.app_context():
        action = create_record(
            registry.get("action"),
            {
                "code": unique("ACT-NAV-"),
                "title": title,
                "service": world.services["S1"],
            },
            Actor.system_actor(),
        )
        path = f"/action/show/{action.id}"

    page = sign_in(browser, contexts, live_url, world.users["quality"])
    page.goto(f"{live_url}{path}", wait_until=READY)
    workflow = page.locator(".vigie-workflow")
    expect(workflow.locator(".vigie-state")).to_have_text("À faire")
    dialog = page.locator("dialog#wf-cancel")
    expect(dialog).to_be_hidden()
    workflow.locator("button[data-event=cancel]").click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_contain_text("Annuler — À faire → Annulée")
    reason = dialog.get_by_label("Motif")

    # An empty reason: the browser refuses to send the form (``required``).
    dialog.get_by_role("button", name="Confirmer").click()
    assert reason.evaluate("el => el.validity.valueMissing") is True
    expect(dialog).to_be_visible()
    assert page.url.endswith(path)

    # Closing the dialog changes nothing.
    dialog.get_by_role("button", name="Annuler").click()
    expect(dialog).to_be_hidden()
    expect(workflow.locator(".vigie-state")).to_have_text("À faire")

    workflow.locator("button[data-event=cancel]").click()
    reason.fill("Action redondante avec le plan d'actions du service.")
    dialog.get_by_role("button", name="Confirmer").click()
    expect(
        page.get_by_text("« Annuler » enregistré : l'état est maintenant « Annulée ».")
    ).to_be_visible()
    expect(workflow.locator(".vigie-state")).to_have_text("Annulée")
    expect(workflow.locator("button[data-event=cancel]")).to_have_count(0)
    entry = history_item(page, "Annuler")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Motif : Action redondante avec le plan d'actions du service.")
    expect(entry).to_contain_text(f"{world.users['quality'].capitalize()} Test")  # full name
