"""Indicator artefacts: the fiche indicateur, targets, measurements and reporting periods."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cards import indicator as indicator_card
from app.cards.spec import CardSpec
from app.declarations import checks, orders
from app.declarations.choices import (
    AGGREGATION,
    COLLECTION_MODE,
    DIRECTION,
    FREQUENCY,
    MEASUREMENT_SOURCE,
)
from app.indicators.calculation import recompute
from app.models import Indicator, Measurement, ReportingPeriod, Target
from app.registry import Artefact, register
from app.security.actor import Actor
from app.security.roles import AGENT, APPLICATION, QUALITY, SERVICE_HEAD
from app.security.scope import ByColumn, ByPath, Unscoped

INDICATORS = "indicators"


def recalculate_dependents(measurement: Measurement, actor: Actor) -> None:
    """A value edited in a form or the API refreshes the calculated indicators reading it."""
    recompute({(measurement.indicator_id, measurement.period)}, actor)


LABEL = _l("Indicateurs")

register(
    Artefact(
        code_name="indicator",
        model=Indicator,
        label=_l("Indicateur"),
        label_plural=_l("Indicateurs"),
        category=INDICATORS,
        category_label=LABEL,
        list_columns=("code", "name", "owner_service", "frequency", "collection_mode", "unit"),
        search_columns=(
            "code",
            "name",
            "owner_service",
            "frequency",
            "collection_mode",
            "direction",
            "linked_process",
            "source_application",
        ),
        edit_columns=(
            "code",
            "name",
            "definition",
            "purpose",
            "unit",
            "direction",
            "frequency",
            "aggregation",
            "owner_service",
            "owner",
            "linked_process",
            "collection_mode",
            "source_application",
            "formula",
            "baseline_value",
            "baseline_period",
            "alert_threshold",
            "min_value",
            "max_value",
            "weight",
            "service_objectives",
            "strategic_objectives",
        ),
        order_by=("code", "asc"),
        scope=ByColumn("owner_service_id", "owner_service"),
        writers=frozenset({QUALITY, SERVICE_HEAD}),
        choices={
            "direction": DIRECTION,
            "frequency": FREQUENCY,
            "aggregation": AGGREGATION,
            "collection_mode": COLLECTION_MODE,
        },
        checks=(checks.indicator,),
        label_columns={
            "definition": _l("Définition"),
            "direction": _l("Sens d'amélioration"),
            "frequency": _l("Fréquence"),
            "aggregation": _l("Agrégation sur l'année"),
            "owner_service": _l("Service pilote"),
            "owner": _l("Responsable de l'indicateur"),
            "collection_mode": _l("Mode de collecte"),
            "source_application": _l("Application source"),
            "formula": _l("Formule"),
            "baseline_value": _l("Valeur de référence"),
            "baseline_period": _l("Période de référence"),
            "alert_threshold": _l("Seuil de vigilance"),
            "min_value": _l("Valeur minimale admise"),
            "max_value": _l("Valeur maximale admise"),
            "service_objectives": _l("Objectifs de service mesurés"),
            "strategic_objectives": _l("Objectifs stratégiques mesurés"),
        },
        description_columns={
            "code": _l("Code unique, par exemple VOI-012."),
            "unit": _l("Par exemple %, jours, €, nombre."),
            "aggregation": _l(
                "Comment les valeurs mensuelles ou trimestrielles se cumulent sur l'année."
            ),
            "formula": _l(
                "Indicateurs calculés seulement : codes d'autres indicateurs, nombres, "
                "+ − × ÷ et parenthèses, par exemple (VOI-001 / VOI-002) * 100."
            ),
            "baseline_period": _l("Au format de la fréquence : 2025-03, 2025-Q1 ou 2025."),
            "alert_threshold": _l(
                "Écart à la cible encore toléré (« vigilance »), en part de la cible : 0,1 = 10 %."
            ),
            "min_value": _l("Les valeurs hors de ces bornes sont refusées à la saisie."),
            "weight": _l("Poids de l'indicateur dans les objectifs qu'il mesure."),
        },
        icon="fa-line-chart",
        card=CardSpec(
            label=_l("Fiche indicateur"),
            file_word="indicateur",
            heading=indicator_card.heading,
            gather=indicator_card.gather,
            eager=indicator_card.eager,
        ),
    )
)

register(
    Artefact(
        code_name="target",
        model=Target,
        label=_l("Cible"),
        label_plural=_l("Cibles"),
        category=INDICATORS,
        category_label=LABEL,
        list_columns=("indicator", "period", "value", "low", "high"),
        search_columns=("indicator", "period"),
        order_by=orders.targets,
        scope=ByPath("indicator"),
        writers=frozenset({QUALITY, SERVICE_HEAD}),
        checks=(checks.target,),
        label_columns={"low": _l("Borne basse"), "high": _l("Borne haute")},
        description_columns={
            "period": _l("Une année (2026) ou une période de l'indicateur (2026-03, 2026-Q1)."),
            "low": _l("Indicateurs « dans une fourchette » seulement."),
        },
        icon="fa-crosshairs",
    )
)

register(
    Artefact(
        code_name="measurement",
        model=Measurement,
        label=_l("Mesure"),
        label_plural=_l("Mesures"),
        category=INDICATORS,
        category_label=LABEL,
        list_columns=("indicator", "period", "value", "source", "entered_by", "entered_at"),
        search_columns=("indicator", "period", "source", "source_application"),
        edit_columns=("indicator", "period", "value", "comment"),
        # the batch's limit (app.commands.measurements.COMMENT_LIMIT), whatever the channel
        max_lengths={"comment": 2000},
        show_columns=(
            "indicator",
            "period",
            "value",
            "comment",
            "source",
            "source_application",
            "entered_by",
            "entered_at",
            "version",
            "archived",
            "created_at",
            "updated_at",
        ),
        order_by=orders.measurements,
        scope=ByPath("indicator"),
        writers=frozenset({QUALITY, SERVICE_HEAD, AGENT, APPLICATION}),
        readonly_columns=("source", "source_application", "entered_by", "entered_at"),
        choices={"source": MEASUREMENT_SOURCE},
        checks=(checks.measurement,),
        archive_checks=(checks.measurement_lock,),
        after_write=recalculate_dependents,
        label_columns={
            "source": _l("Origine"),
            "source_application": _l("Application source"),
            "entered_by": _l("Saisi par"),
            "entered_at": _l("Saisi le"),
        },
        description_columns={
            "period": _l("Au format de la fréquence de l'indicateur : 2025-03, 2025-Q1 ou 2025."),
        },
        icon="fa-table",
    )
)

register(
    Artefact(
        code_name="reporting_period",
        model=ReportingPeriod,
        label=_l("Période de reporting"),
        label_plural=_l("Périodes de reporting"),
        category=INDICATORS,
        category_label=LABEL,
        list_columns=("period", "due_date", "locked", "locked_by", "locked_at"),
        search_columns=("period", "locked"),
        edit_columns=("period", "due_date", "comment"),
        order_by=("period", "desc"),  # the newest first, in time (a period column)
        scope=Unscoped(),
        readonly_columns=("locked", "locked_by", "locked_at"),
        checks=(checks.reporting_period,),
        label_columns={
            "due_date": _l("Date limite de saisie"),
            "locked": _l("Verrouillée"),
            "locked_by": _l("Verrouillée par"),
            "locked_at": _l("Verrouillée le"),
        },
        description_columns={
            "due_date": _l("Passé cette date, une mesure manquante est signalée en retard."),
        },
        icon="fa-lock",
    )
)
