"""Views of the admin area: the outbox of every mail the app sent (or tried to send)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request

from festival import params
from festival.admin import bp
from festival.extensions import db
from festival.formtools import strip_control_characters
from festival.models import OutboxMail
from festival.models.enums import Role
from festival.search import contains
from festival.security import roles_required

PER_PAGE = 50


@bp.route("/outbox")
@roles_required(Role.ADMIN)
def outbox():
    query = strip_control_characters(request.args.get("q") or "").strip()[:100]
    stmt = sa.select(OutboxMail).order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
    if query:
        stmt = stmt.where(contains(query, OutboxMail.recipient, OutboxMail.subject))
    number = params.page_number(request.args.get("page"))
    page = db.paginate(stmt, page=number, per_page=PER_PAGE, error_out=False)
    return render_template("admin/outbox.html", page=page, query=query)


@bp.route("/outbox/<int(max=2147483647):mail_id>")
@roles_required(Role.ADMIN)
def outbox_mail(mail_id: int):
    mail = db.get_or_404(OutboxMail, mail_id)
    return render_template("admin/outbox_mail.html", mail=mail)
