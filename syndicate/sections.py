"""Sections: names from pages -> slugs, titles and feed descriptions. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .config import Config
from .model import FeedFormat, FeedInfo, Podcast
from .text import slugify, title_key


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionInfo:
    slug: str
    name: str
    title: str
    description: str
    podcast: Podcast | None = None


class SectionMap:
    """Resolves the section label a page printed to the configured (or derived) slug."""

    def __init__(self, config: Config, known: dict[str, str] | None = None):
        """``known``: the ledger's sections (slug -> name); a name seen before keeps the
        slug it was given, whatever slugify says today (issue 11: stored slugs never change)."""
        self.config = config
        self._by_name = {title_key(s.name): s for s in config.sections}
        self._known = {title_key(n): slug for slug, n in (known or {}).items()}
        # slugs in use, by the title key of the name that has them: a new name never takes one
        self._owner = {slug: title_key(n) for slug, n in (known or {}).items()}
        self._owner.update({s.slug: key for key, s in self._by_name.items() if s.slug})
        self._slugs: dict[str, str] = {}

    def slug_for(self, name: str) -> str:
        slug = self._slugs.get(name)
        if slug is None:
            slug = self._derive(name)
            self._slugs[name] = slug
        return slug

    def _derive(self, name: str) -> str:
        key = title_key(name)
        s = self._by_name.get(key)
        if s is not None and s.slug:
            return s.slug
        if key in self._known:
            return self._known[key]
        base = slugify(s.name if s is not None else name, max_length=60)
        slug, n = base, 2
        while self._owner.setdefault(slug, key) != key:  # another name has it: -2, -3...
            slug, n = f"{base}-{n}", n + 1
        return slug

    def info(self, slug: str, name: str) -> SectionInfo:
        s = self._by_name.get(title_key(name))
        site = self.config.site
        title = s.title if s and s.title else f"{site.title}: {s.name if s else name}"
        desc = s.description if s and s.description else f"{name} from {site.title}"
        return SectionInfo(
            slug=slug,
            name=s.name if s else name,
            title=title,
            description=desc,
            podcast=s.podcast if s else None,
        )

    def ordered(self, known: dict[str, str]) -> list[SectionInfo]:
        """Configured sections first, in config order, then the rest by slug."""
        infos = {slug: self.info(slug, name) for slug, name in known.items()}
        order = [self.slug_for(s.name) for s in self.config.sections]
        first = [infos[s] for s in order if s in infos]
        rest = [infos[s] for s in sorted(infos) if s not in order]
        return first + rest


def feed_paths(section_slug: str, formats: Iterable[FeedFormat]) -> dict[FeedFormat, str]:
    """Each format's file, relative to the output folder ("" is the combined feed)."""
    prefix = f"{section_slug}/" if section_slug else ""
    return {fmt: prefix + fmt.filename for fmt in formats}


def feed_urls(config: Config, section_slug: str) -> dict[FeedFormat, str]:
    """The self URL of each format of a feed: base URL + its path, never from a request."""
    return {
        fmt: config.site.base_url + path
        for fmt, path in feed_paths(section_slug, config.output.formats).items()
    }


def section_feed_info(config: Config, section: SectionInfo) -> FeedInfo:
    site = config.site
    return FeedInfo(
        key=section.slug,
        title=section.title,
        description=section.description,
        home_url=f"{site.base_url}{section.slug}/",
        self_urls=feed_urls(config, section.slug),
        hubs=tuple(h.url for h in config.hubs),
        language=site.language,
        author=site.author,
        podcast=section.podcast,
    )


def combined_feed_info(config: Config) -> FeedInfo:
    site = config.site
    return FeedInfo(
        key="",
        title=site.title,
        description=site.description or f"Everything from {site.title}",
        home_url=site.base_url,
        self_urls=feed_urls(config, ""),
        hubs=tuple(h.url for h in config.hubs),
        language=site.language,
        author=site.author,
    )
