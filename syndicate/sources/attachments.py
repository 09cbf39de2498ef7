"""Enclosures from JSON exports and Markdown front matter. Pure.

One reader for both sources, so that they accept the same spellings:

- ``enclosures`` / ``attachments`` / ``enclosure`` / ``audio`` / ``video`` (the first
  present): a URL, a list of URLs, an object or a list of objects;
- an object's keys: ``url`` (or ``href``, ``src``), ``type`` (or ``mime_type``,
  ``mime``), ``length`` (or ``size_in_bytes``, ``size``, ``bytes``), ``title``,
  ``duration`` (seconds, or ``HH:MM:SS``);
- a missing type is guessed from the URL's extension (``.mp3`` -> ``audio/mpeg``); an
  entry whose type cannot be known, or whose URL is not http(s), is a warning and is
  left out (the article is still read).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..model import Enclosure
from ..sanitize import absolute_url

__all__ = ["ENCLOSURE_KEYS", "read_enclosures"]

ENCLOSURE_KEYS = ("enclosures", "attachments", "enclosure", "audio", "video")
_URL_KEYS = ("url", "href", "src")
_TYPE_KEYS = ("type", "mime_type", "mime", "mimeType")
_LENGTH_KEYS = ("length", "size_in_bytes", "size", "bytes")
_EXTRA_TYPES = {
    ".m4a": "audio/mp4",
    ".opus": "audio/ogg",
    ".oga": "audio/ogg",
    ".ogg": "audio/ogg",
    ".webm": "video/webm",
    ".m4v": "video/mp4",
    ".flac": "audio/flac",
}


def read_enclosures(
    item: Mapping[str, Any], base_url: str | None
) -> tuple[tuple[Enclosure, ...], list[str]]:
    """The enclosures an export item or front matter names, and a warning per entry left out."""
    raw = next((item[k] for k in ENCLOSURE_KEYS if item.get(k) not in (None, "", [], {})), None)
    if raw is None:
        return (), []
    out: list[Enclosure] = []
    warnings: list[str] = []
    for n, value in enumerate(raw if isinstance(raw, list) else [raw], start=1):
        try:
            enclosure = _one(value, base_url)
        except ValueError as err:
            warnings.append(f"enclosure {n} left out: {err}")
            continue
        if all(e.url != enclosure.url for e in out):
            out.append(enclosure)
    return tuple(out), warnings


def _first(d: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((d[k] for k in keys if d.get(k) not in (None, "")), None)


def _one(value: Any, base_url: str | None) -> Enclosure:
    d: Mapping[str, Any] = value if isinstance(value, Mapping) else {"url": value}
    raw_url = _first(d, _URL_KEYS)
    url = absolute_url(raw_url, base_url) if isinstance(raw_url, str) else None
    if url is None:
        raise ValueError(f"no http(s) URL (got {raw_url!r})")
    mime = _first(d, _TYPE_KEYS)
    if not isinstance(mime, str) or "/" not in mime:
        mime = guess_type(url)
    if mime is None:
        raise ValueError(
            f'no media type given and none known for {url!r}: add type = "audio/mpeg" (or the like)'
        )
    length = _int(_first(d, _LENGTH_KEYS), "length")
    title = d.get("title")
    return Enclosure(
        url=url,
        type=mime.strip().lower(),
        length=length or 0,
        title=title.strip() or None if isinstance(title, str) else None,
        duration=_duration(d.get("duration") or d.get("duration_in_seconds")),
    )


def guess_type(url: str) -> str | None:
    path = urlsplit(url).path.lower()
    ext = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
    return _EXTRA_TYPES.get(ext) or mimetypes.guess_type(path, strict=False)[0]


def _int(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number of bytes, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{what} must be a number of bytes, got {value!r}") from err
    if number < 0:
        raise ValueError(f"{what} must not be negative, got {number}")
    return number


def _duration(value: Any) -> int | None:
    """Seconds from a number or ``[[HH:]MM:]SS``; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        try:
            seconds = 0
            for part in value.strip().split(":"):
                seconds = seconds * 60 + int(part)
            return seconds
        except ValueError:
            pass
    raise ValueError(f"duration must be seconds or HH:MM:SS, got {value!r}")
