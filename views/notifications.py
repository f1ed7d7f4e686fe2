"""« Mes notifications » for every person, and the administrators' « Courriels » page.

Both are thin over ``app.notifications``. Permissions go through Flask-AppBuilder like every
screen: ``my_notifications`` is a personal permission every human role gets (see
``app.security.sync.PERSONAL_PERMISSIONS``), and each route only ever touches the signed-in
user's own rows; ``mail_queue`` is granted to no role, so only administrators (who hold every
permission) see the mail failures and resend them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import notifications
from app.http import safe_path
from app.security.actor import Actor
from app.security.scope import request_user
from views import paging


class MyNotificationsView(BaseView):
    """``/notifications/``: the signed-in user's notifications, newest first."""

    route_base = "/notifications"
    class_permission_name = "my_notifications"
    # Marking one's own notifications read is part of reading them: one permission.
    method_permission_name = {"list": "read", "open": "read", "read_all": "read"}
    default_view = "list"

    @expose("/")
    @has_access
    def list(self) -> Any:
        user = request_user()
        page, size = paging.page_number(), paging.page_size()
        rows, total = notifications.page_of(user.id, page, size)
        return self.render_template(
            "vigie/notifications.html",
            rows=rows,
            reserved=notifications.reserved_of(rows, Actor.current()),
            total=total,
            page=page,
            page_size=size,
            pages=max((total + size - 1) // size, 1),
        )

    @expose("/<int:pk>/open")
    @has_access
    def open(self, pk: int) -> Any:
        notification = notifications.open_notification(request_user().id, pk)
        if notification is None:
            abort(404)
        if notifications.reserved_of([notification], Actor.current()):
            return redirect(url_for(".list"))
        return redirect(safe_path(notification.link) or url_for(".list"))

    @expose("/read_all", methods=["POST"])
    @has_access
    def read_all(self) -> Any:
        count = notifications.mark_read(request_user().id)
        flash(_("%(n)d notification(s) marquée(s) comme lue(s).", n=count), "success")
        return redirect(url_for(".list"))


#: ``?etat=echec``: the mail queue showing only the mails failed after every attempt.
FAILED = "echec"


class MailQueueView(BaseView):
    """``/mail_queue/``: e-mails pending or failed, with their error; administrators only."""

    route_base = "/mail_queue"
    class_permission_name = "mail_queue"
    method_permission_name = {"list": "read", "resend_one": "write", "resend_all": "write"}
    default_view = "list"

    @expose("/")
    @has_access
    def list(self) -> Any:
        page, size = paging.page_number(), paging.page_size()
        failed_only = request.args.get("etat") == FAILED  # the home page's count links here
        rows, total = notifications.unsent_page(page, size, failed_only=failed_only)
        return self.render_template(
            "vigie/notifications_mail.html",
            failed_only=failed_only,
            rows=rows,
            total=total,
            page=page,
            page_size=size,
            pages=max((total + size - 1) // size, 1),
            state_labels=notifications.MAIL_STATE_LABELS,
        )

    def _resend(self, ids: Sequence[int] | None) -> Any:
        selected, queued = notifications.resend(ids)
        if ids is not None and not selected:
            flash(_("Ce courriel n'est plus en attente ni en échec."), "warning")
        elif selected and not queued:
            flash(
                _(
                    "La file d'envoi est injoignable : %(n)d courriel(s) restent en attente "
                    "et partiront quand elle sera de retour.",
                    n=selected,
                ),
                "danger",
            )
        else:
            flash(_("%(n)d courriel(s) remis dans la file d'envoi.", n=queued), "success")
        return redirect(url_for(".list"))

    @expose("/<int:pk>/resend", methods=["POST"])
    @has_access
    def resend_one(self, pk: int) -> Any:
        return self._resend([pk])

    @expose("/resend", methods=["POST"])
    @has_access
    def resend_all(self) -> Any:
        return self._resend(None)


def unread_notifications() -> int:
    """Unread count for the navbar: one query per request, none for anonymous visitors."""
    if "vigie_unread" not in g:
        user = request_user()
        g.vigie_unread = notifications.unread_count(user.id) if user is not None else 0
    return int(g.vigie_unread)


def register_notifications(appbuilder: Any) -> None:
    appbuilder.add_view(
        MyNotificationsView,
        "my_notifications",
        label=_l("Mes notifications"),
        icon="fa-bell",
        category="personal",
        category_label=_l("Mon espace"),
        category_icon="fa-user-circle",
    )
    appbuilder.add_view(
        MailQueueView,
        "mail_queue",
        label=_l("Courriels"),
        icon="fa-envelope",
        category="organisation",
        category_label=_l("Organisation"),
    )
    # called inside create_app's app context; the function, not its value: a template that
    # shows no menu bar (a mail, a PDF) sends no query
    current_app.context_processor(lambda: {"vigie_unread_notifications": unread_notifications})
