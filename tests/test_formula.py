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
    from app.commands.records import create_record
    from app.security.actor import Actor

    with app.app_context():
        values = {
            "code": code,
            "name": f"Indicateur {code}",
            "owner_service": world.services["S1"],
            "frequency": "monthly",
            "direction": "increase",
            **extra,
        }
        return create_record(registry.get("indicator"), values, Actor.system_actor()).id


def _refused(app: Flask, world, code: str, text: str) -> str:
    from app import registry
    from app.commands.errors import Invalid
    from app.commands.records import create_record
    from app.extensions import db
    from app.models import Indicator
    from app.security.actor import Actor

    with app.test_request_context():
        before = db.session.query(Indicator).count()
        with pytest.raises(Invalid) as error:
            create_record(
                registry.get("indicator"),
                {
                    "code": code,
                    "name": "Calculé",
                    "owner_service": world.services["S1"],
                    "collection_mode": "calculated",
                    "formula": text,
                },
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
    from app.commands.records import update_record
    from app.extensions import db
    from app.models import Indicator
    from app.security.actor import Actor

    with app.test_request_context():
        obj = db.session.query(Indicator).filter_by(code=calc).one()
        with pytest.raises(Invalid) as error:
            update_record(
                registry.get("indicator"),
                obj,
                {"formula": f"{e} + {a}"},
                Actor.system_actor(),
                expected_version=obj.version,
            )
        assert f"{calc} → {e} → {calc}" in error.value.errors[0].message
        db.session.expire_all()
        assert db.session.query(Indicator).filter_by(code=calc).one().formula == f"{a} / {b} * 100"


# ----------------------------------------------------------------------------- properties
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402

_CODES = ["VOI-001", "DECH-12", "RH-3"]
_VALUES = {"VOI-001": 3.0, "DECH-12": -2.5, "RH-3": 7.0}


def _expressions() -> hs.SearchStrategy[tuple[str, float | None]]:
    """(formula text, its value computed independently of the parser)."""
    leaves = hs.one_of(
        hs.integers(min_value=0, max_value=999).map(lambda n: (str(n), float(n))),
        hs.sampled_from(_CODES).map(lambda c: (c, _VALUES[c])),
    )

    def combine(children: hs.SearchStrategy) -> hs.SearchStrategy:
        def binary(op: str):
            def build(pair):
                (lt, lv), (rt, rv) = pair
                if lv is None or rv is None:
                    value = None
                elif op == "+":
                    value = lv + rv
                elif op == "-":
                    value = lv - rv
                elif op == "*":
                    value = lv * rv
                else:
                    value = None if rv == 0 else lv / rv
                return (f"({lt} {op} {rt})", value)

            return hs.tuples(children, children).map(build)

        negate = children.map(lambda c: (f"-{c[0]}", None if c[1] is None else -c[1]))
        maximum = hs.tuples(children, children).map(
            lambda p: (
                f"max({p[0][0]}, {p[1][0]})",
                None if p[0][1] is None or p[1][1] is None else max(p[0][1], p[1][1]),
            )
        )
        return hs.one_of(binary("+"), binary("-"), binary("*"), binary("/"), negate, maximum)

    return hs.recursive(leaves, combine, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_expressions())
def test_property_parse_then_evaluate_matches_the_tree(app: Flask, case) -> None:
    text, expected = case
    with app.test_request_context():
        got = f.evaluate(f.parse(text), lambda code, back: _VALUES.get(code) if back == 0 else None)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=500, deadline=None)
@given(hs.text(alphabet="0123456789+-*/()×÷−,; .ABCxyz_-sumeanxbo$é", max_size=40))
def test_property_any_text_parses_or_gives_a_french_error(app: Flask, text: str) -> None:
    with app.test_request_context():
        try:
            tree = f.parse(text)
        except f.FormulaError as error:
            assert str(error)
        else:
            f.references(tree)
            f.evaluate(tree, lambda code, back: 1.0)
