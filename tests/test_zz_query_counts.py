"""Every list page and API list sends the same number of queries at 10 and 1,000 rows.

Named to run last: it adds 1,000 records per artefact, which would push other tests'
records off the first list pages.
"""

from __future__ import annotations

import pytest
from flask import Flask

from app import registry
from app.commands.records import Actor, create_record
from tests.conftest import World, login
from tests.test_scope_matrix import ARTEFACTS, CASES


@pytest.mark.parametrize("code", ARTEFACTS)
def test_list_queries_do_not_grow_with_rows(app: Flask, world: World, client, count_queries,
                                            code: str) -> None:
    case = CASES[code]
    login(client, world.users["quality"])

    def add(n: int) -> None:
        with app.app_context():
            artefact = registry.get(code)
            for _ in range(n):
                create_record(artefact, case.payload(world, app, "BULK"), Actor.system_actor())

    def measure() -> tuple[int, int]:
        client.get(f"/{code}/list/")
        with count_queries() as ui:
            assert client.get(f"/{code}/list/").status_code == 200
        with count_queries() as api:
            assert client.get(f"/api/v1/{code}/?q=(page_size:100)").status_code == 200
        return len(ui), len(api)

    add(10)
    small = measure()
    add(990)
    large = measure()
    assert large == small
