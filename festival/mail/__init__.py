"""Outgoing e-mail: every message goes to the outbox table, and to SMTP through the job queue when
configured (festival.mail.services)."""

from festival.mail import tasks  # noqa: F401  (registers the send_mail task and its worker-start hook)
