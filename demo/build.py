"""Everything the town holds beyond organisation and strategy, in dependency order.

Called by :func:`demo.loader.load_demo` once services, accounts, programme, processes and
service objectives exist. Order matters only where a record points at another: indicators
before the surveys and dashboards that show them, audits before the certifications they
support, and all actions (whatever their origin) in one write before the complaints and
impact assessments that point at them.

:func:`check_catalogue` runs before anything is written, so a typo in the demo data (an
objective no indicator measures, a formula naming a missing code) fails fast.
"""

from __future__ import annotations

import re

from app.states import ACTION_STATES
from demo.actions import ActionWriter
from demo.audits import build_audits
from demo.catalogue import (
    SOURCE_APPLICATIONS,
    indicator_entries,
    process_of,
    resolve_formula,
)
from demo.complaints import build_complaints, write_complaints
from demo.context import DemoContext
from demo.dashboards import DASHBOARDS, build_dashboards, build_individual_objectives
from demo.indicators import build_indicators, build_source_applications
from demo.people import ACCOUNTS_BY_USERNAME
from demo.quality import (
    build_action_assessments,
    build_certifications,
    build_documents,
    build_risks,
    queue_risk_actions,
)
from demo.review_texts import SURVEYS
from demo.reviews import build_reviews, build_revisions, build_surveys
from demo.town import SERVICE_OBJECTIVES, STRATEGIC_OBJECTIVES


def build_town(ctx: DemoContext) -> None:
    apps = build_source_applications(ctx)
    build_indicators(ctx, apps)
    build_documents(ctx)
    risks = build_risks(ctx)

    actions = ActionWriter(ctx)
    queue_risk_actions(ctx, risks, actions)
    audits = build_audits(ctx, actions)
    build_certifications(ctx, audits)
    build_surveys(ctx, actions)
    build_revisions(ctx, actions)
    build_reviews(ctx, actions)
    drafts = build_complaints(ctx, actions)
    originated = len(actions.specs)
    actions.add_suggestions(ctx.scale.suggestions)
    action_ids = actions.flush()
    ctx.ids["action"] = action_ids
    # by state label (« actions en cours »), never the state's code
    ctx.counts.update(
        {
            f"actions {ACTION_STATES.label(state).lower()}": n
            for state, n in sorted(actions.states.items())
        }
    )
    write_complaints(ctx, drafts, action_ids, actions.labels)
    build_action_assessments(ctx, action_ids[:originated])

    build_dashboards(ctx)
    build_individual_objectives(ctx)


def check_catalogue() -> list[str]:
    """Inconsistencies in the demo data, in French (empty when all is well)."""
    problems: list[str] = []
    codes = {code: spec for code, _entry, _position, spec in indicator_entries()}
    for code, spec in codes.items():
        formula = resolve_formula(code.split("-")[0], spec.formula or "")
        for ref in re.findall(r"[A-Z]{3}-\d{3}", formula):
            if ref not in codes or ref == code:
                problems.append(f"formule de {code} : indicateur {ref} inconnu")
        if spec.mode == "api" and spec.app not in {a.code for a in SOURCE_APPLICATIONS}:
            problems.append(f"{code} : application inconnue {spec.app}")
    for objective in SERVICE_OBJECTIVES:
        try:
            process_of(objective.service, objective.title)
        except KeyError as error:
            problems.append(str(error))
    problems += [
        f"compte d'application inconnu : {a.account}"
        for a in SOURCE_APPLICATIONS
        if a.account not in ACCOUNTS_BY_USERNAME
    ]
    strategic = {s.code for s in STRATEGIC_OBJECTIVES}
    for title, *_rest, widgets in DASHBOARDS:
        for _kind, ref in widgets:
            if not (ref in codes or ref in strategic or ref.startswith("objectif:")):
                problems.append(f"tableau « {title} » : {ref} inconnu")
    problems += [
        f"enquête : indicateur {s.indicator} inconnu"
        for s in SURVEYS
        if s.indicator and s.indicator not in codes
    ]
    return problems
