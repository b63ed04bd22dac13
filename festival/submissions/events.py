"""What the submissions area tells other areas, which connect to it here, so that it imports none of them
(blinker signals, as Flask's own)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent as ``entry_names_changed.send(entry, actor=...)`` when a saved step changed a name that conflicts of
# interest are matched on (company, rights holder, director, contact, country) of an entry already
# submitted: the review area withdraws curators who now conflict with it.
entry_names_changed = _signals.signal("entry-names-changed")
