"""Formulas of calculated indicators: parsing, French errors, evaluation, cycles."""

from __future__ import annotations

import pytest
from flask import Flask

from app.indicators import formula as f


def values(table: dict[tuple[str, int], float]) -> f.Lookup:
    return lambda code, back: table.get((code, back))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("-2 * -3", 6.0),
        ("10 / 4", 2.5),
        ("2,5 × 2", 5.0),
        ("9 ÷ 3 − 1", 2.0),
        ("VOI-001 / VOI-002 * 100", 25.0),
        ("VOI-001-VOI-002", -3.0),
        ("sum(VOI-001, 3)", 6.0),
        ("mean(VOI-001; 3)", 2.0),
        ("max(0, VOI-001 - VOI-002)", 0.0),
        ("min(VOI-001, VOI-002, 7)", 1.0),
        ("abs(VOI-001 - VOI-002)", 3.0),
        ("voi-001 + 1", 2.0),
    ],
)
def test_evaluates(app: Flask, text: str, expected: float) -> None:
    table = {("VOI-001", 0): 1.0, ("VOI-001", 1): 2.0, ("VOI-001", 2): 3.0, ("VOI-002", 0): 4.0}
    with app.test_request_context():
        assert f.evaluate(f.parse(text), values(table)) == pytest.approx(expected)


def test_missing_input_or_division_by_zero_gives_no_value(app: Flask) -> None:
    with app.test_request_context():
        assert f.evaluate(f.parse("A-1 / B-1"), values({("A-1", 0): 1.0})) is None
        assert f.evaluate(f.parse("A-1 / B-1"), values({("A-1", 0): 1.0, ("B-1", 0): 0.0})) is None
        assert f.evaluate(f.parse("sum(A-1, 2)"), values({("A-1", 0): 1.0})) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "vide"),
        ("1 +", "trop tôt"),
        ("(1 + 2", "« ) » attendu"),
        ("1 + 2)", "inattendu en position 6"),
        ("2 ** 3", "« * » inattendu en position 4"),
        ("__import__('os')", "Caractère inattendu « _ »"),
        ("exec(1)", "Fonction inconnue « exec »"),
        ("sum(1, 3)", "s'applique à un code"),
        ("sum(A-1, 0)", "entier de 1 à 120"),
        ("sum(A-1, 2.5)", "entier de 1 à 120"),
        ("abs(1, 2)", "de 1 à 1 arguments"),
        ("A-1 $ 2", "Caractère inattendu « $ » en position 5"),
    ],
)
def test_french_errors(app: Flask, text: str, message: str) -> None:
    with app.test_request_context(), pytest.raises(f.FormulaError) as error:
        f.parse(text)
    assert message in str(error.value)


def test_references_and_depth(app: Flask) -> None:
    with app.test_request_context():
        tree = f.parse("(VOI-001 + sum(VOI-003, 12)) / VOI-002")
    assert f.references(tree) == {"VOI-001", "VOI-002", "VOI-003"}
    assert f.depth(tree) == 11


def test_cycles_and_order() -> None:
    assert f.find_cycle({"A": ["B"], "B": ["C"], "C": ["A"]}) == ["A", "B", "C", "A"]
    assert f.find_cycle({"A": ["A"]}) == ["A", "A"]
    assert f.find_cycle({"A": ["B", "X"], "B": ["X"]}) is None
    assert f.evaluation_order({"A": ["B", "X"], "B": ["X"], "C": ["A"]}) == ["B", "A", "C"]


def _indicator(app: Flask, world, code: str, **extra):
    from app import registry
    from app.commands.records import Actor, create_record

    with app.app_context():
        values = {"code": code, "name": f"Indicateur {code}", "owner_service": world.services["S1"],
                  "frequency": "monthly", "direction": "increase", **extra}
        return create_record(registry.get("indicator"), values, Actor.system_actor()).id


def _refused(app: Flask, world, code: str, text: str) -> str:
    from app import registry
    from app.commands.errors import Invalid
    from app.commands.records import Actor, create_record
    from app.extensions import db
    from app.models import Indicator

    with app.test_request_context():
        before = db.session.query(Indicator).count()
        with pytest.raises(Invalid) as error:
            create_record(
                registry.get("indicator"),
                {"code": code, "name": "Calculé", "owner_service": world.services["S1"],
                 "collection_mode": "calculated", "formula": text},
                Actor.system_actor(),
            )
        assert db.session.query(Indicator).count() == before
    [field_error] = error.value.errors
    assert field_error.field == "formula"
    return field_error.message


def test_formula_checked_at_save_time(app: Flask, world) -> None:
    from tests.conftest import unique

    a, b = unique("FA-"), unique("FB-")
    _indicator(app, world, a)
    _indicator(app, world, b)
    calc = unique("FC-")
    _indicator(app, world, calc, collection_mode="calculated", formula=f"{a} / {b} * 100")
    assert "inconnu" in _refused(app, world, unique("FD-"), f"{a} + NOPE-999")
    assert "position" in _refused(app, world, unique("FD-"), f"{a} +* 2")
    own = unique("FS-")
    assert "circulaire" in _refused(app, world, own, f"{own} + 1")
    # calc reads a and b; a second formula reading calc is fine, a loop through it is not
    e = unique("FE-")
    _indicator(app, world, e, collection_mode="calculated", formula=f"{calc} * 2")
    from app import registry
    from app.commands.errors import Invalid
    from app.commands.records import Actor, update_record
    from app.extensions import db
    from app.models import Indicator

    with app.test_request_context():
        obj = db.session.query(Indicator).filter_by(code=calc).one()
        with pytest.raises(Invalid) as error:
            update_record(registry.get("indicator"), obj, {"formula": f"{e} + {a}"},
                          Actor.system_actor(), expected_version=obj.version)
        assert f"{calc} → {e} → {calc}" in error.value.errors[0].message
        db.session.expire_all()
        assert db.session.query(Indicator).filter_by(code=calc).one().formula == f"{a} / {b} * 100"
