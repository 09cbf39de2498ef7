"""Where every ActivityPub document of a site lives: ids and paths, from the config (pure).

One actor per section (its slug is the username) and one for the whole site
(``activitypub.site_actor``). Everything sits under ``<base_url>ap/``, so the ids are
stable as long as ``site.base_url`` is; the three ``/.well-known/`` documents are
written under ``ap/well-known/`` and mapped to the host root by ``serve`` (or by the
reverse proxy: docs/activitypub.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..config import Config
from ..errors import ConfigError

AP_DIR = "ap"
WEBFINGER_DIR = f"{AP_DIR}/webfinger"
NODEINFO_PATH = f"{AP_DIR}/nodeinfo.json"
WELL_KNOWN = {  # the host-root path -> the output file that answers it
    "/.well-known/nodeinfo": f"{AP_DIR}/well-known/nodeinfo.json",
    "/.well-known/host-meta": f"{AP_DIR}/well-known/host-meta.xml",
}
SHARED_INBOX = f"{AP_DIR}/inbox"


@dataclass(frozen=True, slots=True, kw_only=True)
class Actors:
    """The site's actors: names -> ids and output paths."""

    base: str  # site.base_url, ends with "/"
    host: str  # the WebFinger domain: host[:port] of base_url
    site_name: str
    kind: str  # "Service" or "Group"

    @classmethod
    def of(cls, config: Config) -> Actors:
        parts = urlsplit(config.site.base_url)
        return cls(
            base=config.site.base_url,
            host=parts.netloc.rsplit("@", 1)[-1].lower(),
            site_name=config.activitypub.site_actor,
            kind=config.activitypub.actor_type,
        )

    def check(self, section_slugs: set[str] | dict[str, object], config: Config) -> None:
        if self.site_name in section_slugs:
            raise ConfigError(
                f"activitypub: the site actor's name {self.site_name!r} is also a section's"
                " slug; set activitypub.site_actor to another name",
                path=str(config.path),
                key="activitypub.site_actor",
            )

    def actor_path(self, name: str) -> str:
        return f"{AP_DIR}/{name}.json"

    def actor_id(self, name: str) -> str:
        return self.base + self.actor_path(name)

    def key_id(self, name: str) -> str:
        return self.actor_id(name) + "#main-key"

    def inbox(self, name: str) -> str:
        return f"{self.base}{AP_DIR}/{name}/inbox"

    def shared_inbox(self) -> str:
        return self.base + SHARED_INBOX

    def outbox_path(self, name: str, page: int = 0) -> str:
        return (
            f"{AP_DIR}/{name}/outbox.json" if page == 0 else f"{AP_DIR}/{name}/outbox/{page}.json"
        )

    def followers_path(self, name: str) -> str:
        return f"{AP_DIR}/{name}/followers.json"

    def webfinger_path(self, name: str) -> str:
        return f"{WEBFINGER_DIR}/{name}.json"

    def object_path(self, section_slug: str, slug: str, name: str | None = None) -> str:
        """An item as one actor publishes it: its section's actor (``name`` None or the
        section), or the site actor, whose copy has its own id (Mastodon wants an object's
        ``attributedTo`` to be the actor of the Create that carries it)."""
        if name is None or name == section_slug:
            return f"{AP_DIR}/o/{section_slug}/{slug}.json"
        return f"{AP_DIR}/o/{name}/{section_slug}/{slug}.json"

    def base_root(self) -> str:
        """scheme://host/ of the base URL: where /.well-known/ must answer."""
        parts = urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}/"

    def url(self, path: str) -> str:
        return self.base + path

    def name_of(self, actor_id: str) -> str | None:
        """Our actor's name from its id, or None when the id is not one of ours."""
        prefix, suffix = self.base + AP_DIR + "/", ".json"
        if actor_id.startswith(prefix) and actor_id.endswith(suffix):
            name = actor_id[len(prefix) : -len(suffix)]
            return name if name and "/" not in name else None
        return None


__all__ = ["AP_DIR", "NODEINFO_PATH", "SHARED_INBOX", "WELL_KNOWN", "Actors"]
