"""Three years of complaints (réclamations): a few thousand a year, tens of thousands at scale.

Written with Core (:mod:`demo.bulk`), so the stored ``processing_days`` is computed here as
``Complaint.refresh_computed`` would. Most complaints are answered within days; the most
recent ones are still received or being processed; the older answered ones are closed. Some
justified complaints opened a corrective action (origin ``reclamation``), which is written
first so the complaint can point at it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.models import Complaint
from demo.actions import ActionSpec, ActionWriter
from demo.bulk import insert_rows
from demo.context import DemoContext
from demo.review_texts import (
    CHANNELS,
    COMPLAINT_DELAYS,
    COMPLAINT_DETAILS,
    COMPLAINT_SUBJECTS,
    COMPLAINT_WEIGHTS,
)

#: Share of justified complaints that open a corrective action.
_ACTION_SHARE = 0.03


@dataclass
class _Draft:
    received: date
    channel: str
    service: str
    subject: str
    detail: str | None
    answered: date | None
    justified: bool | None
    status: str
    action_index: int | None = None


def build_complaints(ctx: DemoContext, actions: ActionWriter) -> list[_Draft]:
    """Draw the complaints and queue their actions; :func:`write_complaints` stores them."""
    rng = ctx.rng("complaints")
    services = list(COMPLAINT_WEIGHTS)
    weights = list(COMPLAINT_WEIGHTS.values())
    channels = [c for c, _ in CHANNELS]
    channel_weights = [w for _, w in CHANNELS]
    drafts: list[_Draft] = []
    for year in range(ctx.today.year - 2, ctx.today.year + 1):
        start = date(year, 1, 1)
        end = min(date(year, 12, 31), ctx.today)
        count = round(ctx.scale.complaints_per_year * ((end - start).days + 1) / 365)
        for _ in range(count):
            drafts.append(
                _draft(ctx, rng, start, end, services, weights, channels, channel_weights)
            )
    drafts.sort(key=lambda d: d.received)
    for draft in drafts:
        if draft.justified and rng.random() < _ACTION_SHARE:
            corrective = dict(COMPLAINT_SUBJECTS[draft.service])[draft.subject]
            assert draft.answered is not None
            draft.action_index = actions.add(
                ActionSpec(corrective, "reclamation", "corrective", draft.service, draft.answered)
            )
    return drafts


def _draft(
    ctx: DemoContext,
    rng: random.Random,
    start: date,
    end: date,
    services: list[str],
    weights: list[int],
    channels: list[str],
    channel_weights: list[int],
) -> _Draft:
    received = start + timedelta(days=rng.randint(0, (end - start).days))
    if received.weekday() >= 5 and rng.random() < 0.7:  # few complaints at the weekend
        received -= timedelta(days=received.weekday() - 4)
    received = max(received, start)
    service = rng.choices(services, weights)[0]
    subject = rng.choice(COMPLAINT_SUBJECTS[service])[0]
    delay = int(rng.expovariate(1 / COMPLAINT_DELAYS.get(service, 6)))
    answered: date | None = received + timedelta(days=min(delay, 90))
    assert answered is not None
    if answered > ctx.today:
        answered = None
    if answered is None:
        status = "recue" if (ctx.today - received).days <= 5 else "en_traitement"
        justified = None
    else:
        status = "repondue" if (ctx.today - answered).days <= 45 else "close"
        justified = rng.random() < 0.42
    detail = rng.choice(COMPLAINT_DETAILS) if rng.random() < 0.6 else None
    return _Draft(
        received,
        rng.choices(channels, channel_weights)[0],
        service,
        subject,
        detail,
        answered,
        justified,
        status,
    )


def write_complaints(
    ctx: DemoContext, drafts: list[_Draft], action_ids: list[int], action_labels: dict[int, str]
) -> None:
    """Store the complaints, pointing at the actions :class:`ActionWriter` just wrote."""
    services = {code: ctx.services[code] for code in COMPLAINT_WEIGHTS}
    labels = {code: str(service) for code, service in services.items()}
    rows: list[dict[str, Any]] = []
    fields: list[dict[str, Any]] = []
    for draft in drafts:
        action_id = action_ids[draft.action_index] if draft.action_index is not None else None
        rows.append(
            {
                "received_on": draft.received,
                "channel": draft.channel,
                "service_id": services[draft.service].id,
                "subject": draft.subject,
                "description": draft.detail,
                "answered_on": draft.answered,
                "processing_days": (
                    (draft.answered - draft.received).days if draft.answered else None
                ),
                "justified": draft.justified,
                "action_id": action_id,
                "status": draft.status,
            }
        )
        fields.append(
            {
                "received_on": draft.received,
                "channel": draft.channel,
                "subject": draft.subject,
                "description": draft.detail,
                "answered_on": draft.answered,
                "justified": draft.justified,
                "status": draft.status,
                "service": labels[draft.service],
                "action": action_labels.get(action_id) if action_id else None,
            }
        )
    ids = insert_rows(Complaint, rows)
    ctx.history.rows("complaint", ids, fields)
    ctx.counts["réclamations"] = len(ids)
