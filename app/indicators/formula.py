"""Formulas of calculated indicators, parsed safely (never ``eval``).

A formula is arithmetic over other indicators' codes::

    (VOI-001 / VOI-002) * 100
    sum(DECH-003, 12) / 12          # the last 12 periods of DECH-003
    max(0, BUD-010 - BUD-011)

Grammar (precedence climbing)::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := "-" unary | atom
    atom   := NUMBER | CODE | NAME "(" args ")" | "(" expr ")"

Codes contain hyphens (``VOI-012``); a hyphen belongs to a code only when a digit follows it,
so ``VOI-001-VOI-002`` reads as a subtraction. The typographic ``×``, ``÷`` and ``−`` French
users paste from documents are accepted. Errors are French and give the position.

Parsing yields a small tree; :func:`evaluate` computes it with a lookup function supplied by
the caller (the engine reads values in bulk), and :func:`find_cycle` checks that no
indicator depends on itself through other formulas.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

#: Named functions: (minimum, maximum) number of arguments.
FUNCTIONS: dict[str, tuple[int, int]] = {
    "sum": (1, 2),
    "mean": (1, 2),
    "min": (1, 20),
    "max": (1, 20),
    "abs": (1, 1),
}
#: Functions whose first argument is a code and whose second is a number of periods.
PERIOD_FUNCTIONS = frozenset({"sum", "mean"})
MAX_PERIODS = 120

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:[.,]\d+)?)
  | (?P<code>[A-Za-z][A-Za-z0-9_]*(?:-[0-9][A-Za-z0-9_]*)*)
  | (?P<op>[-+*/()×÷−,;])
    """,
    re.VERBOSE,
)
_SYMBOLS = {"×": "*", "÷": "/", "−": "-", ";": ","}


class FormulaError(ValueError):
    """A formula that cannot be used, with a French message for the form or the API."""


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Ref:
    """A reference to an indicator's value for the period being computed."""

    code: str


@dataclass(frozen=True)
class Unary:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Number | Ref | Unary | Binary | Call


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise FormulaError(
                _(
                    "Caractère inattendu « %(char)s » en position %(pos)d.",
                    char=text[position],
                    pos=position + 1,
                )
            )
        kind = match.lastgroup or ""
        if kind != "space":
            value = match.group()
            out.append(_Token(kind, _SYMBOLS.get(value, value), position + 1))
        position = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise FormulaError(_("La formule s'arrête trop tôt."))
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        if self.peek() is None:
            raise FormulaError(_("« %(expected)s » attendu à la fin de la formule.", expected=text))
        token = self.take()
        if token.text != text:
            raise FormulaError(
                _(
                    "« %(expected)s » attendu en position %(pos)d, « %(found)s » trouvé.",
                    expected=text,
                    pos=token.position,
                    found=token.text,
                )
            )

    def parse(self) -> Node:
        if not self.tokens:
            raise FormulaError(_("La formule est vide."))
        node = self.expr()
        extra = self.peek()
        if extra is not None:
            raise FormulaError(
                _(
                    "« %(found)s » inattendu en position %(pos)d.",
                    found=extra.text,
                    pos=extra.position,
                )
            )
        return node

    def expr(self) -> Node:
        node = self.term()
        while (token := self.peek()) is not None and token.text in "+-" and token.kind == "op":
            self.take()
            node = Binary(token.text, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while (token := self.peek()) is not None and token.text in "*/" and token.kind == "op":
            self.take()
            node = Binary(token.text, node, self.unary())
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text == "-":
            self.take()
            return Unary(self.unary())
        if token is not None and token.kind == "op" and token.text == "+":
            self.take()
            return self.unary()
        return self.atom()

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return Number(float(token.text.replace(",", ".")))
        if token.kind == "code":
            following = self.peek()
            if following is not None and following.text == "(":
                return self.call(token)
            return Ref(token.text.upper())
        if token.text == "(":
            node = self.expr()
            self.expect(")")
            return node
        raise FormulaError(
            _("« %(found)s » inattendu en position %(pos)d.", found=token.text, pos=token.position)
        )

    def call(self, name_token: _Token) -> Node:
        name = name_token.text.lower()
        if name not in FUNCTIONS:
            raise FormulaError(
                _(
                    "Fonction inconnue « %(name)s » (connues : %(known)s).",
                    name=name_token.text,
                    known=", ".join(sorted(FUNCTIONS)),
                )
            )
        self.expect("(")
        args: list[Node] = []
        following = self.peek()
        if following is not None and following.text == ")":
            self.take()
        else:
            args.append(self.expr())
            separator = self.take()
            while separator.text == ",":
                args.append(self.expr())
                separator = self.take()
            if separator.text != ")":
                raise FormulaError(_("« ) » attendu en position %(pos)d.", pos=separator.position))
        low, high = FUNCTIONS[name]
        if not low <= len(args) <= high:
            raise FormulaError(
                _(
                    "%(name)s() prend de %(low)d à %(high)d arguments.",
                    name=name,
                    low=low,
                    high=high,
                )
            )
        if name in PERIOD_FUNCTIONS:
            if not isinstance(args[0], Ref):
                raise FormulaError(
                    _(
                        "%(name)s() s'applique à un code d'indicateur, par exemple "
                        "%(name)s(VOI-001, 12).",
                        name=name,
                    )
                )
            if len(args) == 2 and not (
                isinstance(args[1], Number)
                and args[1].value.is_integer()
                and 1 <= args[1].value <= MAX_PERIODS
            ):
                raise FormulaError(
                    _(
                        "Le nombre de périodes de %(name)s() est un entier de 1 à %(max)d.",
                        name=name,
                        max=MAX_PERIODS,
                    )
                )
        return Call(name, tuple(args))


def parse(text: str) -> Node:
    """The tree of a formula, or :class:`FormulaError` with a French message."""
    return _Parser(text or "").parse()


def references(node: Node) -> set[str]:
    """Indicator codes a formula reads."""
    if isinstance(node, Ref):
        return {node.code}
    if isinstance(node, Unary):
        return references(node.operand)
    if isinstance(node, Binary):
        return references(node.left) | references(node.right)
    if isinstance(node, Call):
        found: set[str] = set()
        for arg in node.args:
            found |= references(arg)
        return found
    return set()


def depth(node: Node) -> int:
    """How many past periods a formula needs, beyond the current one (for bulk reads)."""
    if isinstance(node, Call) and node.name in PERIOD_FUNCTIONS:
        count = node.args[1] if len(node.args) == 2 else None
        return int(count.value) - 1 if isinstance(count, Number) else 0
    if isinstance(node, Unary):
        return depth(node.operand)
    if isinstance(node, Binary):
        return max(depth(node.left), depth(node.right))
    if isinstance(node, Call):
        return max((depth(arg) for arg in node.args), default=0)
    return 0


#: ``lookup(code, back)``: the value of ``code`` ``back`` periods before the one computed.
Lookup = Callable[[str, int], float | None]


def evaluate(node: Node, lookup: Lookup) -> float | None:
    """The formula's value, or None when an input is missing or a division is by zero."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Ref):
        return lookup(node.code, 0)
    if isinstance(node, Unary):
        value = evaluate(node.operand, lookup)
        return None if value is None else -value
    if isinstance(node, Binary):
        left, right = evaluate(node.left, lookup), evaluate(node.right, lookup)
        if left is None or right is None:
            return None
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return None if right == 0 else left / right
    if node.name in PERIOD_FUNCTIONS:
        ref = node.args[0]
        assert isinstance(ref, Ref)
        count = int(node.args[1].value) if len(node.args) == 2 else 1  # type: ignore[union-attr]
        values = [lookup(ref.code, back) for back in range(count)]
        if any(v is None for v in values):
            return None
        total = sum(v for v in values if v is not None)
        return total if node.name == "sum" else total / count
    args = [evaluate(arg, lookup) for arg in node.args]
    if any(a is None for a in args):
        return None
    numbers = [a for a in args if a is not None]
    if node.name == "min":
        return min(numbers)
    if node.name == "max":
        return max(numbers)
    return abs(numbers[0])


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A dependency cycle among formulas (``["A", "B", "A"]``), or None.

    ``graph`` maps each calculated indicator's code to the codes its formula reads.
    """
    white, grey, black = 0, 1, 2
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(code: str) -> list[str] | None:
        colour[code] = grey
        stack.append(code)
        for dep in graph.get(code, ()):
            state = colour.get(dep, white)
            if state == grey:
                return [*stack[stack.index(dep) :], dep]
            if state == white:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        colour[code] = black
        return None

    for code in sorted(graph):
        if colour.get(code, white) == white:
            found = visit(code)
            if found:
                return found
    return None


def evaluation_order(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Calculated indicators in an order where inputs come first (the graph is acyclic)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(code: str) -> None:
        if code in seen:
            return
        seen.add(code)
        for dep in graph.get(code, ()):
            if dep in graph:
                visit(dep)
        order.append(code)

    for code in sorted(graph):
        visit(code)
    return order
