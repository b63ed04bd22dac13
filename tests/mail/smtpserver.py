"""A real SMTP server in the test process (Python's own ``smtpd``, on a free port of 127.0.0.1) that
answers with the replies it is given first (e.g. "451 try again later") and accepts mail after that.

``aiosmtpd`` is smtpd's successor; it is not one of the project's packages, and Python 3.11 still has
``smtpd``, so the tests use it (its DeprecationWarning is silenced here, and only here)."""

from __future__ import annotations

import threading
import warnings
from email import message_from_bytes, policy
from email.message import EmailMessage

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd


class SMTPServer(smtpd.SMTPServer):
    """Accepts every mail, after answering ``refusals`` (SMTP replies, one per mail) first."""

    def __init__(self, refusals: list[str] | None = None) -> None:
        self.map: dict = {}
        super().__init__(("127.0.0.1", 0), None, map=self.map, decode_data=False)
        self.port = self.socket.getsockname()[1]
        self.refusals = list(refusals or [])
        self.received: list[EmailMessage] = []
        self.answered: list[str] = []  # every reply to a mail, in order ("250 OK" for accepted ones)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="test-smtp", daemon=True)

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        if self.refusals:
            reply = self.refusals.pop(0)
            self.answered.append(reply)
            return reply
        self.received.append(message_from_bytes(data, policy=policy.default))
        self.answered.append("250 OK")
        return None

    def refuse(self, *replies: str) -> None:
        """Answer the next mails with these replies."""
        self.refusals.extend(replies)

    def _serve(self) -> None:
        while not self._stop.is_set():
            asyncore.loop(timeout=0.05, count=1, map=self.map)

    def start(self) -> SMTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        asyncore.close_all(map=self.map)
