"""Outgoing e-mail: every message goes to the outbox table, and to SMTP when configured."""
