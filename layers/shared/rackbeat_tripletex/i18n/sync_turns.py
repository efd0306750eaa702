"""What a tenant's sync history says about a stream whose turn ended before its work did
(sync/work.py: a turn is at most one slice; the next turn goes on from the same cursor)."""

from __future__ import annotations

from rackbeat_tripletex.i18n import Text

MESSAGES: dict[str, Text] = {
    "sync.run.continued": Text(
        "Mange endringer på en gang: resten synkroniseres i neste runde. Ingenting går tapt.",
        "Many changes at once: the rest is synced in the next round. Nothing is lost.",
    ),
}
