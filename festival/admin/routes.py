"""Views of the admin area: the outbox of every mail the app sent (or tried to send), and "send again"."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from festival import params
from festival.admin import bp
from festival.extensions import db
from festival.formtools import strip_control_characters
from festival.handlers import post_button
from festival.mail import services as mail
from festival.models import OutboxMail
from festival.models.enums import MailStatus, Role
from festival.security import roles_required

PER_PAGE = 50
STATUS_LABELS = {
    MailStatus.KEPT: _l("kept in the outbox (no SMTP server)"),
    MailStatus.QUEUED: _l("queued"),
    MailStatus.SENDING: _l("being sent"),
    MailStatus.SENT: _l("sent"),
    MailStatus.FAILED: _l("failed"),
}


def _helpers() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "statuses": list(MailStatus),
        "resendable": mail.RESENDABLE if mail.smtp_configured() else (),
        "max_attempts": mail.max_attempts(),
    }


@bp.route("/outbox")
@roles_required(Role.ADMIN)
def outbox():
    mail.requeue_stale_mail()  # what a dead worker left is queued again (as the run pages reap runs)
    query = strip_control_characters(request.args.get("q") or "").strip()[:100]
    status = next((s for s in MailStatus if s.value == request.args.get("status")), None)
    stmt = sa.select(OutboxMail).order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
    if query:
        pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(OutboxMail.recipient).like(pattern, escape="\\"),
                sa.func.lower(OutboxMail.subject).like(pattern, escape="\\"),
            )
        )
    if status is not None:
        stmt = stmt.where(OutboxMail.status == status)
    number = params.page_number(request.args.get("page"))
    page = db.paginate(stmt, page=number, per_page=PER_PAGE, error_out=False)
    return render_template("admin/outbox.html", page=page, query=query, status=status, **_helpers())


@bp.route("/outbox/<int(max=2147483647):mail_id>")
@roles_required(Role.ADMIN)
def outbox_mail(mail_id: int):
    message = db.get_or_404(OutboxMail, mail_id)
    return render_template("admin/outbox_mail.html", mail=message, **_helpers())


@bp.post("/outbox/<int(max=2147483647):mail_id>/send-again")
@roles_required(Role.ADMIN)
def send_again(mail_id: int):
    """Queue a mail again (a failed one, or one the recipient says never came) with a fresh count of tries."""
    message = db.get_or_404(OutboxMail, mail_id)
    return post_button(
        None,
        lambda: mail.send_again(message, actor=current_user),
        success=_("The mail is queued to be sent again."),
        back=url_for("admin.outbox_mail", mail_id=message.id),
    )
