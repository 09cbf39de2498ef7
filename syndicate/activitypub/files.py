"""The publish step's ActivityPub files: actors, WebFinger, NodeInfo, host-meta,
followers counts, outboxes and item objects, rendered (pure, documents.py) from the
state and handed to the publish run's writer with the other site files.

Every actor, WebFinger and followers document is rendered on every run (they are small
and the writer skips unchanged bytes); outboxes and objects only for sections the run
touched. The private key is read from the state and never rendered.

A withdrawn item's objects (its section actor's and the site actor's copy) become
``Tombstone`` documents in the withdrawal's run (:func:`withdrawn_objects`), which
``serve`` answers with 410 Gone; restoring it writes the objects back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ..codec import article_from_dict
from ..config import Config
from ..model import Entry, FeedInfo
from ..plan import entry_link
from ..state import LedgerRecord, StateStore
from . import documents as doc
from .actors import NODEINFO_PATH, WELL_KNOWN, Actors
from .keys import ensure_key


def entry_of(config: Config, record: LedgerRecord, data: dict[str, Any]) -> Entry:
    article = article_from_dict(data)
    return Entry(
        article=article,
        key=record.key,
        guid=record.guid,
        slug=record.slug,
        section_slug=record.section_slug,
        link=entry_link(config, article, record.section_slug, record.slug),
        first_seen=record.first_seen,
        published=record.published,
        updated=record.updated,
        content_hash=record.content_hash,
        seq=record.seq,
    )


def site_key(store: StateStore, now: datetime) -> tuple[str, str]:
    """The key pair, made (in its own transaction) on the first run that needs it."""
    got = store.ap_key()
    if got is not None:
        return got
    if getattr(store.conn, "in_transaction", False):  # a dry run's one transaction (SQLite)
        return ensure_key(store, now)
    with store.transaction():
        return ensure_key(store, now)


def activitypub_files(
    store: StateStore,
    config: Config,
    infos: Mapping[str, FeedInfo],
    site: FeedInfo,
    touched: Iterable[str],
    now: datetime,
) -> dict[str, bytes]:
    """Output path -> bytes of every ActivityPub document this run (re)writes; ``{}``
    when ``activitypub.enabled`` is off."""
    if not config.activitypub.enabled:
        return {}
    actors = Actors.of(config)
    actors.check(dict(infos), config)
    _private, public = site_key(store, now)
    touched = set(touched)
    files: dict[str, bytes] = {}
    named = [(slug, info) for slug, info in infos.items()] + [(actors.site_name, site)]
    for name, info in named:
        files[actors.actor_path(name)] = doc.to_bytes(
            doc.actor(
                actors,
                name,
                title=info.title,
                summary=info.description,
                page_url=info.home_url,
                public_pem=public,
            )
        )
        files[actors.webfinger_path(name)] = doc.to_bytes(
            doc.webfinger(actors, name, info.home_url)
        )
        files[actors.followers_path(name)] = doc.to_bytes(
            doc.followers(actors, name, store.count_followers(name))
        )
    for slug in sorted(touched & set(infos)):
        files.update(_outbox(store, config, actors, slug, slug))
    if touched:
        files.update(_outbox(store, config, actors, actors.site_name, None))
    files[WELL_KNOWN["/.well-known/nodeinfo"]] = doc.to_bytes(doc.nodeinfo_links(actors))
    files[WELL_KNOWN["/.well-known/host-meta"]] = doc.host_meta(actors)
    files[NODEINFO_PATH] = doc.to_bytes(
        doc.nodeinfo(actors, users=len(named), posts=store.count_articles())
    )
    return files


def withdrawn_objects(
    config: Config, entries: Iterable[Entry], *, restore: bool, now: datetime
) -> dict[str, bytes]:
    """Output path -> bytes of the object documents of items just withdrawn (a
    ``Tombstone`` dated ``now``, under each object's own id) or restored (the object
    again); ``{}`` when ``activitypub.enabled`` is off."""
    if not config.activitypub.enabled:
        return {}
    actors = Actors.of(config)
    kind = config.activitypub.object_type
    files: dict[str, bytes] = {}
    for entry in entries:
        for name in (entry.section_slug, actors.site_name):
            path = actors.object_path(entry.section_slug, entry.slug, name)
            if restore:
                files[path] = _object_bytes(
                    doc.article_object(actors, entry, name, object_type=kind)
                )
            else:
                files[path] = doc.to_bytes(
                    doc.tombstone(doc.object_id(actors, entry, name), kind, now)
                )
    return files


def _object_bytes(obj: dict[str, Any]) -> bytes:
    return doc.to_bytes({"@context": doc.AS_CONTEXT, **obj})


def _outbox(
    store: StateStore, config: Config, actors: Actors, name: str, section: str | None
) -> dict[str, bytes]:
    """An actor's outbox pages (Creates of its newest items) and, for a section, the
    item objects that content negotiation answers with."""
    ap = config.activitypub
    files: dict[str, bytes] = {}
    creates = []
    for record, data in store.iter_top_entries(section, config.output.item_limit):
        entry = entry_of(config, record, data)
        obj = doc.article_object(actors, entry, name, object_type=ap.object_type)
        files[actors.object_path(entry.section_slug, entry.slug, name)] = _object_bytes(obj)
        creates.append(doc.activity(actors, name, "Create", obj))
    for path, page in doc.outbox(actors, name, creates, ap.outbox_page_size).items():
        files[path] = doc.to_bytes(page)
    return files


__all__ = ["activitypub_files", "entry_of", "site_key", "withdrawn_objects"]
