"""Sections (and the whole site) as followable ActivityPub actors (issue 13).

- :mod:`.actors`: ids and paths of every document (pure);
- :mod:`.documents`: actor, WebFinger, NodeInfo, host-meta, outbox, objects (pure);
- :mod:`.files`: the publish step writing them; :mod:`.keys`: the site's key pair;
- :mod:`.signatures`, :mod:`.keyfetch`: HTTP Signatures in and out, signer keys;
- :mod:`.inbox`, :mod:`.routes`: what ``serve`` answers (inbox, WebFinger, negotiation).

Deliveries go through the one outbox: :mod:`syndicate.push.activitypub`. See
docs/activitypub.md.
"""

from __future__ import annotations

from .actors import Actors
from .files import activitypub_files

__all__ = ["Actors", "activitypub_files"]
