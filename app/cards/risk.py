"""The risk card (*fiche de maîtrise des risques*) and the criticality vocabulary.

Criticality bands and impact words are the seed's own scales; the review pack, the service
report and the card all read them from here so a risk reads « Élevée » everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.cards.links import Links
from app.models import Action, ImpactAssessment, Process, Risk
from app.models.quality import STAKEHOLDERS
from app.reading import readable, related
from app.security.actor import Actor

#: Criticality (likelihood × severity, 1–16) bands of the 4 × 4 matrix, highest first.
CRITICALITY_LEVELS: tuple[tuple[int, str, Any], ...] = (
    (12, "critique", _l("Critique")),
    (8, "elevee", _l("Élevée")),
    (4, "moderee", _l("Modérée")),
    (1, "faible", _l("Faible")),
)

#: Words of an impact score, −2 … +2 (the seed's analyse d'impact).
IMPACT_WORDS: dict[int, Any] = {
    -2: _l("Très négatif"),
    -1: _l("Négatif"),
    0: _l("Neutre"),
    1: _l("Positif"),
    2: _l("Très positif"),
}

#: Stakeholder groups of an impact assessment with their French heading.
STAKEHOLDER_LABELS: dict[str, Any] = {
    "partners": _l("Partenaires"),
    "users": _l("Usagers"),
    "citizens": _l("Administrés"),
    "staff": _l("Agents"),
    "environment": _l("Environnement"),
}


@dataclass(frozen=True)
class Level:
    """A criticality band as the matrix and the badges show it."""

    code: str
    label: Any

    @property
    def css_class(self) -> str:
        return f"vigie-crit-{self.code}"


def criticality_level(value: int | None) -> Level | None:
    """The band of a criticality (None when not assessed)."""
    if value is None:
        return None
    for floor, code, label in CRITICALITY_LEVELS:
        if value >= floor:
            return Level(code, label)
    return Level("faible", CRITICALITY_LEVELS[-1][2])


@dataclass(frozen=True)
class ImpactCell:
    """One stakeholder group's line of an impact assessment."""

    key: str
    label: Any
    score: int
    word: Any
    comment: str | None

    @property
    def css_class(self) -> str:
        return (
            "vigie-impact-neg"
            if self.score < 0
            else ("vigie-impact-pos" if self.score > 0 else "vigie-impact-neutral")
        )

    @property
    def signed(self) -> str:
        """The score as the seed writes it (+2, 0, −1), with a true minus sign."""
        return f"+{self.score}" if self.score > 0 else str(self.score).replace("-", "−")


def impact_cells(assessment: ImpactAssessment) -> list[ImpactCell]:
    """The five stakeholder lines of an assessment, in the seed's order."""
    cells = []
    for key, _word in STAKEHOLDERS:
        score = int(getattr(assessment, key) or 0)
        cells.append(
            ImpactCell(
                key,
                STAKEHOLDER_LABELS[key],
                score,
                IMPACT_WORDS.get(score, ""),
                getattr(assessment, f"{key}_comment"),
            )
        )
    return cells


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the 4 × 4 risk matrix and the markers placed in it."""

    likelihood: int
    severity: int
    level: Level
    gross: bool
    residual: bool

    @property
    def value(self) -> int:
        return self.likelihood * self.severity


def risk_matrix(risk: Risk) -> list[list[MatrixCell]]:
    """Rows from severity 4 (top) to 1, columns likelihood 1 to 4, with the risk placed."""
    rows = []
    for severity in (4, 3, 2, 1):
        row = []
        for likelihood in (1, 2, 3, 4):
            level = criticality_level(likelihood * severity)
            assert level is not None
            row.append(
                MatrixCell(
                    likelihood,
                    severity,
                    level,
                    gross=(risk.likelihood, risk.severity) == (likelihood, severity),
                    residual=(risk.residual_likelihood, risk.residual_severity)
                    == (likelihood, severity),
                )
            )
        rows.append(row)
    return rows


def heading(item: Risk) -> str:
    return str(item.title)


def eager() -> tuple[Any, ...]:
    """The risk's own relations the card shows (loaded in one query)."""
    return (
        joinedload(Risk.service),
        joinedload(Risk.owner),
        joinedload(Risk.linked_process).joinedload(Process.service),
    )


def gather(item: Risk, actor: Actor, links: Links) -> dict[str, Any]:
    """Fiche de maîtrise des risques: criticality, controls, impact per stakeholder, actions."""
    assessments = related(
        "impact_assessment",
        actor,
        ImpactAssessment.risk_id == item.id,
        order_by=(ImpactAssessment.id.desc(),),
    )
    assessments.sort(key=lambda a: (a.assessed_on or date.min, a.id), reverse=True)
    actions = related(
        "action",
        actor,
        Action.risk_id == item.id,
        options=(joinedload(Action.owner),),
        order_by=(Action.due_date, Action.id),
    )
    current = assessments[0] if assessments else None
    return {
        "service": readable("service", actor, item.service),
        "process": readable("process", actor, item.linked_process),
        "assessment": current,
        "impacts": impact_cells(current) if current is not None else [],
        "earlier_assessments": [(a, impact_cells(a)) for a in assessments[1:]],
        "actions": actions,
        "matrix": risk_matrix(item),
        "stakeholder_labels": STAKEHOLDER_LABELS,
    }
