"""« Mes travaux »: reports being built in the background, with a live progress bar.

Every person sees the jobs they asked for; people whose scope is the whole town also see the
whole-town reports others asked for (the review pack the quality cell built). The page polls
``/jobs/status`` every two seconds while a job is waiting or running and updates the bars in
place; downloads and re-runs go through :mod:`app.jobs`, which checks the scope again.
Reports are asked for from the record they are about (« Générer le PDF » on a review, a
service, a card) through ``/jobs/request``.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import jobs, registry
from app.commands.errors import DomainError
from app.extensions import db
from app.http import flash_error, safe_path
from app.jobs import kinds as job_kinds
from app.models.jobs import Job
from app.security.actor import Actor

#: Jobs listed on the page, newest first.
PAGE_SIZE = 40


def failed_jobs(actor: Actor) -> list[Job]:
    """The newest failed jobs the person sees: the page ``?etat=echec`` and the count of
    the home page that links to it."""
    return jobs.visible_jobs(actor, PAGE_SIZE, state=jobs.JobState.FAILED)


class JobsView(BaseView):
    """``/jobs/``: the signed-in user's visible jobs."""

    route_base = "/jobs"
    class_permission_name = "my_jobs"
    method_permission_name = {
        "list": "read",
        "status": "read",
        "download": "read",
        "rerun": "read",
        "ask": "read",
    }
    default_view = "list"

    @expose("/")
    @has_access
    def list(self) -> Any:
        actor = Actor.current()
        failed_only = request.args.get("etat") == jobs.JobState.FAILED
        rows = failed_jobs(actor) if failed_only else jobs.visible_jobs(actor, PAGE_SIZE)
        return self.render_template(
            "vigie/jobs.html",
            failed_only=failed_only,
            rows=rows,
            state_labels=jobs.STATE_LABELS,
            states=jobs.JobState,
            kinds=job_kinds.KINDS,
            highlight=request.args.get("job", type=int),
        )

    @expose("/status")
    @has_access
    def status(self) -> Any:
        """State and progress of the jobs whose ids are given (``?ids=1,2``), for the bars."""
        try:
            ids = [int(i) for i in request.args.get("ids", "").split(",") if i.strip()][:100]
        except ValueError:
            abort(400)
        actor = Actor.current()
        rows = jobs.visible_jobs(actor, PAGE_SIZE, ids) if ids else []
        return jsonify(
            {
                "jobs": [
                    {
                        "id": j.id,
                        "state": j.state,
                        "state_label": jobs.state_label(j.state),
                        "progress": j.progress,
                        "step": j.step or "",
                        "error": j.error or "",
                    }
                    for j in rows
                ]
            }
        )

    @expose("/<int:pk>/file")
    @has_access
    def download(self, pk: int) -> Any:
        job = jobs.get_visible(pk, Actor.current())  # not visible: the « not found » page
        return jobs.job_download(job).response()

    @expose("/<int:pk>/rerun", methods=["POST"])
    @has_access
    def rerun(self, pk: int) -> Any:
        actor = Actor.current()
        try:
            job = jobs.get_visible(pk, actor)
            requested = jobs.rerun(job, actor)
        except DomainError as error:
            flash_error(error)
            return redirect(url_for(".list")), 303
        flash(_("Travail relancé (n° %(id)s).", id=requested.job.id), "success")
        return redirect(url_for(".list", job=requested.job.id)), 303

    @expose("/request", methods=["POST"])
    @has_access
    def ask(self) -> Any:
        """Ask for a report from a record's page: ``artefact``, ``id``, ``report`` (+ year)."""
        artefact = request.form.get("artefact", "")
        kind = job_kinds.for_route(artefact, request.form.get("report", ""))
        if kind is None:
            abort(404)
        back = safe_path(request.form.get("next")) or url_for(".list")
        params = {name: request.form.get(name) for name in kind.extra}
        try:
            requested = jobs.request_and_queue(
                kind.code,
                Actor.current(),
                subject=artefact,
                record_id=request.form.get("id"),
                params=params,
            )
        except DomainError as error:
            flash_error(error)
            return redirect(back), 303
        if requested.existing:
            flash(
                _(
                    "« %(title)s » est déjà en préparation : suivez-le ci-dessous.",
                    title=requested.job.title,
                ),
                "info",
            )
        else:
            flash(
                _(
                    "« %(title)s » est en préparation : le PDF sera téléchargeable ici dès "
                    "qu'il sera prêt.",
                    title=requested.job.title,
                ),
                "success",
            )
        return redirect(url_for(".list", job=requested.job.id)), 303


def report_panels(artefact_code: str, record_id: int, actor: Actor) -> list[dict[str, Any]]:
    """What a record's page offers to build in the background, with each kind's latest job.

    One query for all kinds (the newest jobs on this record), whatever their number.
    """
    kinds = [
        k
        for k in job_kinds.routes_of(artefact_code)
        if k.requesters is None or actor.system or actor.scope.roles & k.requesters
    ]
    if not kinds:
        return []
    recent = db.session.scalars(
        select(Job)
        .where(
            Job.subject_artefact == artefact_code,
            Job.subject_id == record_id,
            Job.kind.in_([k.code for k in kinds]),
        )
        .order_by(Job.id.desc())
        .limit(30)
    ).all()
    record = None
    panels = []
    for kind in kinds:
        mine = [j for j in recent if j.kind == kind.code and jobs.may_see(j, actor)]
        latest = mine[0] if mine else None
        done = next((j for j in mine if j.state == jobs.JobState.DONE and j.file_key), None)
        blocked = None
        if kind.precondition is not None:
            if record is None:
                record = db.session.get(registry.get(artefact_code).model, record_id)
            try:
                kind.precondition(record)
            except DomainError as refusal:
                blocked = refusal.message
        panels.append({"kind": kind, "latest": latest, "done": done, "blocked": blocked})
    return panels


def register_jobs(appbuilder: Any) -> None:
    appbuilder.add_view(
        JobsView,
        "my_jobs",
        label=_l("Mes travaux"),
        icon="fa-cogs",
        category="personal",
        category_label=_l("Mon espace"),
        category_icon="fa-user-circle",
    )
