"""« Mes tâches »: each person's page of what awaits them now (see :mod:`workflows.tasks`).

It is the home page of service heads and agents. Every row links to its record, where the
matching workflow button waits.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app import dashboards, registry
from app.security.actor import Actor
from workflows import tasks


class MyTasksView(BaseView):
    """``/tasks/``: every signed-in person has it; it only ever shows their own to-dos."""

    route_base = "/tasks"
    class_permission_name = "my_tasks"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self) -> Any:
        actor = Actor.current()
        sections = tasks.sections_for(actor)
        return self.render_template(
            "vigie/tasks.html",
            sections=sections,
            registry=registry,
            total=sum(s.total for s in sections),
            my_dashboards=dashboards.addressed_to(actor),
        )


def register_tasks(appbuilder: Any) -> None:
    appbuilder.add_view(
        MyTasksView,
        "my_tasks",
        label=_l("Mes tâches"),
        icon="fa-check-square-o",
        category="personal",
        category_label=_l("Mon espace"),
        category_icon="fa-user-circle",
    )
    # « Mon espace » first in the menu, « Mes tâches » first in it: where most people start
    items = appbuilder.menu.menu
    items.sort(key=lambda item: item.name != "personal")
    for item in items:
        if item.name == "personal":
            item.childs.sort(key=lambda child: child.name != "my_tasks")
