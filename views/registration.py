"""Plugging the screens into the application (called once by the composition root).

One entry point, so the composition root knows the screens as one thing: the generated CRUD
screens of every artefact, the cards, the hand-written screens (entry sheet, collection
health, review meeting, « Mes tâches », dashboards, strategy map, live pages, jobs,
notifications, application accounts), the template helpers, the public page and the French
413 page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from views.accessibility import register_accessibility
from views.applications import register_application_accounts
from views.cards import register_cards
from views.crud import register_views, too_large
from views.dashboards import register_dashboards
from views.entry import register_entry
from views.health import register_health
from views.home import VigieIndexView
from views.imports import register_imports
from views.jinja import register_template_helpers
from views.jobs import register_jobs
from views.live import register_live
from views.notifications import register_notifications
from views.public import register_public
from views.reporting import ReportingPeriodLockView
from views.review_meeting import register_review_meeting
from views.strategy_map import register_strategy_map
from views.tasks import register_tasks
from workflows.worklists import register_worklists

#: Flask-AppBuilder's home page and page skeleton.
INDEX_VIEW = VigieIndexView
BASE_TEMPLATE = "vigie/base.html"


def register_screens(appbuilder: Any) -> None:
    """Every screen, in menu order (inside the app context AppBuilder was initialised in)."""
    register_worklists()  # the named lists home pages count (``?liste=``)
    register_views(appbuilder)
    register_cards(appbuilder)
    register_application_accounts(appbuilder)
    appbuilder.add_view_no_menu(ReportingPeriodLockView)
    register_entry(appbuilder)
    register_health(appbuilder)
    register_notifications(appbuilder)
    register_jobs(appbuilder)
    register_imports(appbuilder)
    register_review_meeting(appbuilder)
    register_tasks(appbuilder)
    register_dashboards(appbuilder)
    register_strategy_map(appbuilder)
    register_live(appbuilder)


def register_pages(app: Flask) -> None:
    """What the screens add outside AppBuilder: template helpers, the public map, the 413."""
    register_template_helpers(app)
    register_public(app)
    register_accessibility(app)
    app.register_error_handler(413, too_large)  # uploads above MAX_CONTENT_LENGTH, in French
