"""Management tokens: the bearer secret that lets a tenant's admin manage that tenant.

The token is 256 random bits, shown once (and mailed inside the settings link); only its
SHA-256 is stored. A fast hash is enough here because the input is random, not a password:
there is nothing to guess a dictionary against.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "rbtx_"  # noqa: S105 - a marker, not a secret


def new_management_token() -> str:
    # The prefix lets secret scanners (and people) recognise a leaked token for what it is.
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_management_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# Compared against when the tenant does not exist, so "unknown tenant" costs the same work
# as "wrong token" and the two cannot be told apart by timing.
_NO_TENANT_HASH = hash_management_token(secrets.token_urlsafe(32))


def verify_management_token(presented: str | None, stored_hash: str | None) -> bool:
    """Constant-time check of a presented token against the stored hash (None: no tenant)."""
    presented_hash = hash_management_token(presented or "")
    matches = hmac.compare_digest(presented_hash, stored_hash or _NO_TENANT_HASH)
    return matches and presented is not None and stored_hash is not None


def bearer_token(authorization_header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization_header:
        return None
    scheme, _, value = authorization_header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
