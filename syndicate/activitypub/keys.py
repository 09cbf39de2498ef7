"""The site's RSA key pair: made once, kept in the state store, never written to output/.

2048-bit RSA with PKCS#1 v1.5 and SHA-256 (``rsa-sha256``) is what Mastodon signs and
verifies with (docs.joinmastodon.org/spec/security). The public half goes into every
actor document; the private half is read from the state only to sign deliveries.
"""

from __future__ import annotations

from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..state import StateStore

KEY_BITS = 2048


def make_key_pair() -> tuple[str, str]:
    """A new (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return private, public


def ensure_key(store: StateStore, now: datetime) -> tuple[str, str]:
    """The site's key pair, made and kept on first use. Call inside a transaction (or
    with the store to yourself): the first key committed wins, and is the one returned."""
    got = store.ap_key()
    if got is None:
        store.add_ap_key(*make_key_pair(), now)
        got = store.ap_key()
        assert got is not None
    return got


__all__ = ["KEY_BITS", "ensure_key", "make_key_pair"]
