"""``/api/v1/job/``: background jobs as their requesters (and covering readers) see them.

``GET /api/v1/job/<job_id>`` → state, progress, timings, error, file (name, size, SHA-256,
download URL) and the data version it was built from; ``GET …/file`` downloads the result;
``POST …/rerun`` asks again for what a job built. Jobs are requested from the record they are
about (``POST /api/v1/management_review/<id>/pack`` — see ``app/api/base.py``).
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder.api import BaseApi, expose, protect

from app import jobs
from app.commands.errors import DomainError
from app.http import safe
from app.security.actor import Actor

#: How many jobs ``GET /api/v1/job/`` lists, newest first.
LIST_LIMIT = 50


class JobApi(BaseApi):
    resource_name = "job"
    class_permission_name = "my_jobs"
    method_permission_name = {
        "get_job": "read",
        "get_list": "read",
        "get_job_file": "read",
        "rerun": "read",
    }
    allow_browser_login = True
    openapi_spec_tag = "Travaux en arrière-plan"

    def _error(self, error: DomainError) -> Any:
        return self.response(error.status, **error.payload())

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get_list(self) -> Any:
        """The caller's visible jobs, newest first.
        ---
        get:
          responses:
            200:
              description: Jobs (state, progress, file)
        """
        actor = Actor.current()
        result = [jobs.as_dict(j) for j in jobs.visible_jobs(actor, LIST_LIMIT)]
        return self.response(200, result=result)

    @expose("/<job_id>", methods=["GET"])
    @protect()
    @safe
    def get_job(self, job_id: str) -> Any:
        """State and progress of one job.
        ---
        get:
          parameters:
          - in: path
            name: job_id
            schema: {type: string}
            required: true
          responses:
            200:
              description: The job
            404:
              description: Unknown, or not visible to the caller
        """
        job = jobs.get_visible(job_id, Actor.current())
        return self.response(200, **jobs.as_dict(job))

    @expose("/<job_id>/file", methods=["GET"])
    @protect()
    @safe
    def get_job_file(self, job_id: str) -> Any:
        """Download the PDF a finished job produced.
        ---
        get:
          parameters:
          - in: path
            name: job_id
            schema: {type: string}
            required: true
          responses:
            200:
              description: The PDF (attachment)
            404:
              description: Unknown, not visible, or no file
        """
        job = jobs.get_visible(job_id, Actor.current())
        download = jobs.job_download(job)
        return download.response()

    @expose("/<job_id>/rerun", methods=["POST"])
    @protect()
    @safe
    def rerun(self, job_id: str) -> Any:
        """Ask again for what a job built (a new job; the old one stays as it ended).
        ---
        post:
          parameters:
          - in: path
            name: job_id
            schema: {type: string}
            required: true
          responses:
            202:
              description: '{"job_id": "…"}'
            404:
              description: Unknown or not visible
            503:
              description: The job queue is unreachable (the request is kept)
        """
        actor = Actor.current()
        job = jobs.get_visible(job_id, actor)
        requested = jobs.rerun(job, actor)
        return self.response(
            202,
            job_id=str(requested.job.id),
            state=requested.job.state,
            existing=requested.existing,
        )
