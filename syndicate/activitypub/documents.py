"""The ActivityPub documents of a site, as JSON-ready dicts and bytes (pure).

What Mastodon needs of them (docs.joinmastodon.org/spec/activitypub, /spec/webfinger,
/spec/security): an actor with ``id``, ``type``, ``preferredUsername``, ``inbox``,
``outbox``, ``endpoints.sharedInbox`` and ``publicKey`` {id, owner, publicKeyPem}
under the ActivityStreams and security ``@context``; an ``acct:`` WebFinger subject
that maps back to it; objects whose id shares the actor's host; every activity
addressed (``to``/``cc``) so that it shows in followers' timelines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from ..model import Entry
from ..render.body import entry_body, entry_summary
from ..sanitize import sanitize_html
from .actors import NODEINFO_PATH, Actors

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
CONTEXT: list[Any] = [AS_CONTEXT, SECURITY_CONTEXT]
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTIVITY_JSON = "application/activity+json"
JRD_JSON = "application/jrd+json"
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"


def rfc3339(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def to_bytes(doc: dict[str, Any]) -> bytes:
    """Canonical bytes: same document, same bytes (the writer then skips unchanged files)."""
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def actor(
    actors: Actors, name: str, *, title: str, summary: str, page_url: str, public_pem: str
) -> dict[str, Any]:
    """The actor document of a section (or of the site, ``name == actors.site_name``)."""
    actor_id = actors.actor_id(name)
    return {
        "@context": CONTEXT,
        "id": actor_id,
        "type": actors.kind,
        "preferredUsername": name,
        "name": title,
        "summary": f"<p>{escape(summary, quote=False)}</p>" if summary else "",
        "url": page_url,
        "inbox": actors.inbox(name),
        "outbox": actors.url(actors.outbox_path(name)),
        "followers": actors.url(actors.followers_path(name)),
        "endpoints": {"sharedInbox": actors.shared_inbox()},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {"id": actors.key_id(name), "owner": actor_id, "publicKeyPem": public_pem},
    }


def webfinger(actors: Actors, name: str, page_url: str) -> dict[str, Any]:
    """RFC 7033 JRD for ``acct:<name>@<host>``."""
    return {
        "subject": f"acct:{name}@{actors.host}",
        "aliases": [actors.actor_id(name)],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": actors.actor_id(name)},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page_url},
        ],
    }


def nodeinfo_links(actors: Actors) -> dict[str, Any]:
    return {"links": [{"rel": NODEINFO_SCHEMA, "href": actors.url(NODEINFO_PATH)}]}


def nodeinfo(actors: Actors, *, users: int, posts: int) -> dict[str, Any]:
    """NodeInfo 2.1: what software this is, and that it speaks ActivityPub."""
    from .. import __version__  # not at import time: syndicate/__init__ imports publish

    return {
        "version": "2.1",
        "software": {"name": "syndicate", "version": __version__},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": False,
        "usage": {"users": {"total": users}, "localPosts": posts},
        "metadata": {},
    }


def host_meta(actors: Actors) -> bytes:
    """The XRD pointing at WebFinger (older servers look here first)."""
    template = escape(f"{actors.base_root()}.well-known/webfinger?resource={{uri}}")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/xrd+xml" template="{template}"/>\n'
        "</XRD>\n"
    ).encode()


def object_id(actors: Actors, entry: Entry, name: str | None = None) -> str:
    return actors.url(actors.object_path(entry.section_slug, entry.slug, name))


def article_object(
    actors: Actors, entry: Entry, name: str, *, object_type: str = "Article"
) -> dict[str, Any]:
    """An item as an Article (or Note): title, link, summary, sanitized content, image."""
    content = sanitize_html(entry_body(entry), base_url=entry.link)
    obj: dict[str, Any] = {
        "id": object_id(actors, entry, name),
        "type": object_type,
        "attributedTo": actors.actor_id(name),
        "name": entry.article.title,
        "url": entry.link,
        "summary": escape(entry_summary(entry), quote=False),
        "content": content,
        "published": rfc3339(entry.published),
        "to": [PUBLIC],
        "cc": [actors.url(actors.followers_path(name))],
    }
    if entry.updated > entry.published:
        obj["updated"] = rfc3339(entry.updated)
    if object_type == "Note":  # Mastodon shows a Note's content, not its name
        link = escape(entry.link)
        obj["content"] = (
            f"<p><strong>{escape(entry.article.title, quote=False)}</strong></p>"
            f"{obj['summary'] and '<p>' + obj['summary'] + '</p>'}"
            f'<p><a href="{link}">{link}</a></p>'
        )
    if entry.article.image:
        obj["image"] = {"type": "Image", "url": entry.article.image}
        obj["attachment"] = [{"type": "Image", "url": entry.article.image}]
    return obj


def activity(
    actors: Actors, name: str, kind: str, obj: dict[str, Any], *, version: str = ""
) -> dict[str, Any]:
    """Create / Update / Delete of an object by one of our actors. The id is stable for
    one version of one item (``version``: the content hash), so a resend is the same
    activity and receivers deduplicate on it."""
    suffix = f"{name}/{kind.lower()}" + (f"/{version[:16]}" if version else "")
    body = obj
    if kind == "Delete":
        body = {"id": obj["id"], "type": "Tombstone"}
    return {
        "@context": AS_CONTEXT,
        "id": f"{obj['id']}#{suffix}",
        "type": kind,
        "actor": actors.actor_id(name),
        "published": obj.get("updated", obj.get("published", "")),
        "to": [PUBLIC],
        "cc": [actors.url(actors.followers_path(name))],
        "object": body,
    }


def tombstone(obj_id: str, former_type: str, deleted: datetime) -> dict[str, Any]:
    """What a withdrawn item's object document becomes (ActivityStreams vocabulary
    section 3.3, ``Tombstone``): the same id, its former type and when it went. ``serve``
    answers it with 410 Gone; a bucket serves it with 200 (it cannot send a status)."""
    return {
        "@context": AS_CONTEXT,
        "id": obj_id,
        "type": "Tombstone",
        "formerType": former_type,
        "deleted": rfc3339(deleted),
    }


def accept(actors: Actors, name: str, follow: dict[str, Any]) -> dict[str, Any]:
    """Accept of a Follow; the id derives from the Follow's, so a resent Follow gets the
    same Accept."""
    digest = hashlib.sha256(str(follow.get("id", "")).encode()).hexdigest()[:24]
    return {
        "@context": AS_CONTEXT,
        "id": f"{actors.actor_id(name)}#accept/{digest}",
        "type": "Accept",
        "actor": actors.actor_id(name),
        "object": follow,
    }


def followers(actors: Actors, name: str, count: int) -> dict[str, Any]:
    """The followers collection: a count only (who follows is nobody else's business)."""
    return {
        "@context": AS_CONTEXT,
        "id": actors.url(actors.followers_path(name)),
        "type": "OrderedCollection",
        "totalItems": count,
    }


def outbox(
    actors: Actors, name: str, creates: Sequence[dict[str, Any]], page_size: int
) -> dict[str, dict[str, Any]]:
    """The outbox collection and its pages (newest first), path -> document."""
    pages = [creates[i : i + page_size] for i in range(0, len(creates), page_size)]
    top = actors.url(actors.outbox_path(name))
    out: dict[str, dict[str, Any]] = {
        actors.outbox_path(name): {
            "@context": AS_CONTEXT,
            "id": top,
            "type": "OrderedCollection",
            "totalItems": len(creates),
            **(
                {
                    "first": actors.url(actors.outbox_path(name, 1)),
                    "last": actors.url(actors.outbox_path(name, len(pages))),
                }
                if pages
                else {}
            ),
        }
    }
    for n, items in enumerate(pages, 1):
        page: dict[str, Any] = {
            "@context": AS_CONTEXT,
            "id": actors.url(actors.outbox_path(name, n)),
            "type": "OrderedCollectionPage",
            "partOf": top,
            "orderedItems": list(items),
        }
        if n < len(pages):
            page["next"] = actors.url(actors.outbox_path(name, n + 1))
        if n > 1:
            page["prev"] = actors.url(actors.outbox_path(name, n - 1))
        out[actors.outbox_path(name, n)] = page
    return out


__all__ = [
    "ACTIVITY_JSON",
    "CONTEXT",
    "JRD_JSON",
    "PUBLIC",
    "accept",
    "activity",
    "actor",
    "article_object",
    "followers",
    "host_meta",
    "nodeinfo",
    "nodeinfo_links",
    "object_id",
    "outbox",
    "to_bytes",
    "tombstone",
    "webfinger",
]
