"""Streams, declared once: one adapter per entity and direction, one registry that lists them.

An adapter gives facts (its name, label, webhook events, Tripletex access area, the streams that
must run first, what its cursor is) and small hooks (list changes since a cursor, fetch one
record, its key and number, the mapper, find/create/update in the target). The algorithms that
use them are written once: ``sync/`` (incremental, both directions) and ``initial_sync/`` (the
full-refresh face of the Tripletex -> Rackbeat streams).
"""
