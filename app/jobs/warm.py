"""What a worker loads once, before its first job, so that no job pays for it.

RQ's worker forks a work-horse for every job (so that the memory a 50-page WeasyPrint layout
takes is given back when the job ends). A horse starts as a copy of its worker: whatever the
worker loaded *before* forking is there already, whatever a horse loads is lost with it. Left
cold, every review pack paid in its own time for importing WeasyPrint, Fontconfig's and
Pango's set-up, the first loading of every font file, compiling the report templates, the
French catalogue and SQLAlchemy's mapper configuration — about 1.5 s of a 9 s pack, measured
on the large demo town (``bench/review_pack.py``). :func:`warm_up` does all that once in the
worker, at start-up, before it takes a job, then moves what it loaded out of the garbage
collector's rounds (``gc.freeze``).

The core warms what it owns (mappers, translations); each renderer warms its own library
through the hook it registered with :func:`app.jobs.documents.register_renderer`.
"""

from __future__ import annotations

import gc
import logging
import time

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import configure_mappers

from app.jobs.documents import warm_ups

log = logging.getLogger(__name__)


def warm_up() -> float:
    """Load, in this process, what every job would otherwise load for itself; return the
    seconds it took (logged). Needs an app context. A warm-up that fails is logged and
    skipped: the job then loads the same things itself, only slower."""
    start = time.perf_counter()
    configure_mappers()
    with force_locale("fr"):
        _("Terminé")  # loads and caches the French catalogue (process-wide in Flask-Babel)
    for hook in warm_ups():
        try:
            hook()
        except Exception:  # a slower first job, not a worker that refuses to start
            log.exception("worker warm-up: %s failed", getattr(hook, "__qualname__", hook))
    # What is loaded now lives as long as the worker: out of the garbage collector's sight,
    # so that a horse's collections (WeasyPrint makes millions of objects) do not walk it
    # again and again, nor touch — and so copy — the pages it shares with its worker.
    gc.collect()
    gc.freeze()
    seconds = time.perf_counter() - start
    log.info("worker warm-up done in %.2f s", seconds)
    return seconds
