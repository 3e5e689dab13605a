"""The outbox in the panel: every message, its state, and failures sent again on request."""

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual
from markupsafe import Markup
from sqlalchemy import select

from onboarding.admin.base import StaffModelView, row_id
from onboarding.admin.views.staff import ADMINISTRATION, AdminOnlyMixin
from onboarding.extensions import db
from onboarding.formatting import date_time
from onboarding.messages.reasons import reason_text
from onboarding.pathway import clock, outbox
from onboarding.pathway.models import (
    AuditAction,
    Channel,
    MessageKind,
    MessageStatus,
    OutboxMessage,
)


def _reason(code: str | None):
    """The French reason; the stored code stays readable on hover, for the server's logs."""
    if not code:
        return ""
    return Markup('<span title="{}">{}</span>').format(code, reason_text(code))


def _label(value) -> str:
    return value.label if value is not None else ""


class OutboxView(AdminOnlyMixin, StaffModelView):
    allows_create = False
    allows_edit = False
    allows_delete = False
    exportable = False
    can_view_details = False
    column_list = ("created_at", "kind", "channel", "candidate", "due_at", "status",
                   "attempts", "last_error", "sent_at", "title")  # fmt: skip
    column_labels = {
        "created_at": "Créé le", "kind": "Message", "channel": "Canal", "candidate": "Candidat",
        "due_at": "À envoyer le", "status": "État", "attempts": "Essais",
        "last_error": "Dernière erreur", "sent_at": "Envoyé le", "title": "Objet",
    }  # fmt: skip
    column_formatters = {
        "kind": lambda v, c, m, n: _label(m.kind),
        "channel": lambda v, c, m, n: _label(m.channel),
        "status": lambda v, c, m, n: _label(m.status),
        "created_at": lambda v, c, m, n: date_time(m.created_at),
        "due_at": lambda v, c, m, n: date_time(m.due_at),
        "sent_at": lambda v, c, m, n: date_time(m.sent_at),
        "last_error": lambda v, c, m, n: _reason(m.last_error),
    }
    column_filters = (
        FilterEqual(OutboxMessage.status, "État", options=MessageStatus.choices()),
        FilterEqual(OutboxMessage.kind, "Message", options=MessageKind.choices()),
        FilterEqual(OutboxMessage.channel, "Canal", options=Channel.choices()),
    )
    column_default_sort = ("id", True)

    def __init__(self):
        super().__init__(
            OutboxMessage, name="Messages envoyés", endpoint="outbox", category=ADMINISTRATION
        )

    @action(
        "retry",
        "Renvoyer",
        "Renvoyer les messages en échec ou interrompus sélectionnés ? "
        "Un message interrompu a peut-être déjà été reçu.",
    )
    def action_retry(self, ids):
        wanted = [number for number in map(row_id, ids) if number is not None]
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(wanted)))
        retried = skipped = 0
        for message in messages:
            if message.status in outbox.RETRYABLE:
                outbox.retry(message, now=clock.now())
                self._audit(AuditAction.RETRY, message, ["status"])
                retried += 1
            else:
                skipped += 1
        db.session.commit()
        if retried:
            flash(f"{retried} message(s) renvoyé(s) au prochain passage de l'envoi.", "success")
        if skipped:
            flash(
                f"{skipped} message(s) ignoré(s) : seuls les messages en échec ou interrompus "
                "peuvent être renvoyés.",
                "error",
            )
