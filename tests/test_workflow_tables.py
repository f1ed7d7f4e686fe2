"""The workflow tables are well formed: known states and roles, one row per (state, event),
initial states matching the models' defaults, every state reachable."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import inspect as sa_inspect

from app import registry
from app.security.roles import ROLE_CODES
from workflows.tables import WORKFLOWS

#: States entered outside the table: a document superseded by a newer published one.
ENTERED_BY_THE_ENGINE = {("document", "obsolete")}


@pytest.mark.parametrize("code", sorted(WORKFLOWS))
def test_table_is_closed_and_consistent(app: Flask, code: str) -> None:
    workflow = WORKFLOWS[code]
    states = set(workflow.states.codes)
    seen: set[tuple[str, str]] = set()
    for row in workflow.transitions:
        assert row.source in states and row.target in states, row
        assert row.roles and row.roles <= set(ROLE_CODES), row
        assert (row.source, row.event) not in seen, f"duplicate row {row}"
        seen.add((row.source, row.event))
        assert str(row.label)
    with app.app_context():
        model = registry.get(code).model
        default = sa_inspect(model).columns["state"].default.arg
    assert workflow.initial == default
    reachable = {workflow.initial}
    frontier = [workflow.initial]
    while frontier:
        state = frontier.pop()
        for row in workflow.events_from(state):
            if row.target not in reachable:
                reachable.add(row.target)
                frontier.append(row.target)
    missing = states - reachable - {s for c, s in ENTERED_BY_THE_ENGINE if c == code}
    assert not missing, f"{code}: states no transition reaches: {sorted(missing)}"


def test_every_workflow_artefact_is_registered(app: Flask) -> None:
    with app.app_context():
        for code in WORKFLOWS:
            assert "state" in registry.get(code).readonly_columns
