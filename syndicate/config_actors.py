"""The ActivityPub usernames a config gives its actors: each configured section's slug
and ``activitypub.site_actor``. Two actors with one username (compared
case-insensitively, as WebFinger's ``acct:`` lookup is) would share an id, an inbox and
a key id, so the config is refused when it is loaded (issue 13), by every command, not
only at publish time (a section that only the inputs name is checked there,
:meth:`syndicate.activitypub.actors.Actors.check`)."""

from __future__ import annotations

from .config import Config
from .errors import ConfigError
from .sections import SectionMap


def actor_name_errors(config: Config) -> list[ConfigError]:
    """One error per actor whose username an earlier one has; ``[]`` when ActivityPub is
    off (nothing is followable, so nothing collides)."""
    ap = config.activitypub
    if not ap.enabled:
        return []
    path = str(config.path)
    smap = SectionMap(config)
    site = f"the site actor (activitypub.site_actor = {ap.site_actor!r})"
    owners: dict[str, tuple[str, str]] = {ap.site_actor.lower(): (site, "activitypub.site_actor")}
    errors = []
    for i, section in enumerate(config.sections):
        slug = smap.slug_for(section.name)
        key = f"sections[{i}].{'slug' if section.slug else 'name'}"
        who = f"section {section.name!r} (sections[{i}], slug {slug!r})"
        first = owners.setdefault(slug.lower(), (who, key))
        if first[0] == who:
            continue
        if first[1] == "activitypub.site_actor":
            fix = "set activitypub.site_actor to another name, or give the section another slug"
            key = first[1]
            who, other = first[0], who
        else:
            fix = f"give {key.rsplit('.', 1)[0]} another slug"
            other = first[0]
        errors.append(
            ConfigError(
                f"{who} and {other} would be ActivityPub actors with one username"
                f" {slug.lower()!r} (acct:{slug.lower()}@host): {fix}",
                path=path,
                key=key,
            )
        )
    return errors


__all__ = ["actor_name_errors"]
