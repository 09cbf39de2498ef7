"""The publish gate: every feed document of a run is checked before any replaces the old
one. Pure: bytes and expectations in, failures out (docs/feeds.md, "The publish gate").

Checks, per document:

- XML documents parse with a strict, non-validating, network-free lxml parser (no
  recovery, no entities resolved): well formed, namespaces declared, the declared
  encoding right. These are the causes of feedparser's ``bozo`` flag that our bytes can
  have, so feedparser itself is not needed at run time; the test-suite reads every
  document that passes the gate with feedparser and requires ``bozo`` false
  (tests/test_gate.py). JSON documents parse as JSON and match the JSON Feed 1.1
  schema in syndicate/schemas/ (jsonschema: a runtime dependency for this).
- exactly one ``rel=self`` (JSON Feed: ``feed_url``), equal to the URL it is published at;
- the configured hubs, each once, as ``rel=hub`` links (JSON Feed: ``hubs``); archive
  pages carry none;
- item ids (RSS ``guid``, Atom ``id``, JSON ``id``) unique in the document;
- no date after ``now`` (RSS pubDate / lastBuildDate, Atom published / updated,
  JSON date_published / date_modified). A warning by default, a failure with
  ``[output] future_dates = "error"``: CMS exports carry scheduled posts and a page
  may print tomorrow's date, and one such item should not hold back every feed
  (docs/feeds.md says more).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from importlib import resources
from typing import Any

from lxml import etree

from .errors import RenderError
from .model import FeedFormat, FeedInfo, Problem

ATOM = "{http://www.w3.org/2005/Atom}"
FUTURE = "is in the future"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=False, huge_tree=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Expected:
    """What one feed document must say about itself."""

    format: FeedFormat
    url: str  # its self URL
    hubs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    path: str  # relative to output/
    message: str
    severity: str = "error"  # "warning": a future date, unless output.future_dates = "error"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def check_documents(
    files: Mapping[str, bytes], expected: Mapping[str, Expected], *, now: datetime
) -> list[Failure]:
    """Every failure of every document in ``expected`` (paths into ``files``)."""
    failures: list[Failure] = []
    for rel in sorted(expected):
        failures += [
            Failure(path=rel, message=m, severity="warning" if FUTURE in m else "error")
            for m in check_document(files[rel], expected[rel], now=now)
        ]
    return failures


def check_document(data: bytes, expected: Expected, *, now: datetime) -> list[str]:
    try:
        if expected.format is FeedFormat.JSON:
            return _check_json(data, expected, now)
        return _check_xml(data, expected, now)
    except _Unreadable as err:
        return [str(err)]


class _Unreadable(Exception):
    pass


def _check_xml(data: bytes, expected: Expected, now: datetime) -> list[str]:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as err:
        raise _Unreadable(f"not well-formed XML: line {err.lineno}: {err.msg}") from err
    if expected.format is FeedFormat.RSS:
        channel = root.find("channel")
        if root.tag != "rss" or channel is None:
            raise _Unreadable(f"not an RSS 2.0 document (root element {root.tag!r})")
        links = channel.findall(f"{ATOM}link")
        ids = [el.text or "" for el in channel.iterfind("item/guid")]
        dates = [
            (el.tag, el.text or "")
            for el in (*channel.findall("lastBuildDate"), *channel.iterfind("item/pubDate"))
        ]
        parse = _rfc822
    else:
        if root.tag != f"{ATOM}feed":
            raise _Unreadable(f"not an Atom 1.0 document (root element {root.tag!r})")
        links = root.findall(f"{ATOM}link")
        ids = [el.text or "" for el in root.iterfind(f"{ATOM}entry/{ATOM}id")]
        dates = [
            (etree.QName(el).localname, el.text or "")
            for el in (
                *root.findall(f"{ATOM}updated"),
                *root.iterfind(f"{ATOM}entry/{ATOM}published"),
                *root.iterfind(f"{ATOM}entry/{ATOM}updated"),
            )
        ]
        parse = _rfc3339
    selfs = [link.get("href", "") for link in links if link.get("rel") == "self"]
    hubs = [link.get("href", "") for link in links if link.get("rel") == "hub"]
    return [
        *_self(selfs, expected),
        *_hubs(hubs, expected),
        *_unique(ids),
        *_future(dates, parse, now),
    ]


def _check_json(data: bytes, expected: Expected, now: datetime) -> list[str]:
    try:
        doc = json.loads(data)
    except ValueError as err:
        raise _Unreadable(f"not valid JSON: {err}") from err
    problems = [
        f"JSON Feed schema: {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
        for e in sorted(_jsonfeed_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    ]
    if problems or not isinstance(doc, dict):
        return problems or ["JSON Feed schema: not an object"]
    items = doc.get("items", [])
    hubs = [h.get("url", "") for h in doc.get("hubs", []) if isinstance(h, dict)]
    dates = [
        (k, item[k]) for item in items for k in ("date_published", "date_modified") if k in item
    ]
    return [
        *_self([doc["feed_url"]] if "feed_url" in doc else [], expected),
        *_hubs(hubs, expected),
        *_unique([str(i.get("id", "")) for i in items]),
        *_future(dates, _rfc3339, now),
    ]


def _self(selfs: list[str], expected: Expected) -> list[str]:
    if selfs == [expected.url]:
        return []
    return [f"needs exactly one rel=self link equal to {expected.url!r}, has {selfs!r}"]


def _hubs(hubs: list[str], expected: Expected) -> list[str]:
    if Counter(hubs) == Counter(expected.hubs):
        return []
    return [f"hub links {sorted(hubs)!r} differ from the configured hubs {sorted(expected.hubs)!r}"]


def _unique(ids: Iterable[str]) -> list[str]:
    counts = Counter(ids)
    out = [f"item id {i!r} appears {n} times" for i, n in sorted(counts.items()) if n > 1]
    if "" in counts:
        out.append("an item has an empty id")
    return out


def _future(dates: Iterable[tuple[str, str]], parse: Any, now: datetime) -> list[str]:
    out = []
    ahead: list[tuple[datetime, str]] = []
    for what, text in dates:
        try:
            when = parse(text)
        except (TypeError, ValueError):
            out.append(f"{what} {text!r} is not a date")
            continue
        if when > now:
            ahead.append((when, f"{what} {text.strip()}"))
    if ahead:  # one line per document: the latest, and how many
        out.append(
            f"{len(ahead)} date(s) {FUTURE} (now is {now.isoformat(timespec='seconds')}), the latest"
            f" {max(ahead)[1]}: check the input's dates and time zone (an item already taken:"
            " `syndicate withdraw ID`)"
        )
    return out


def _rfc822(text: str) -> datetime:
    return parsedate_to_datetime(text.strip())


def _rfc3339(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("no time zone")
    return value


@functools.cache
def _jsonfeed_validator() -> Any:
    import jsonschema  # imported on first use: ~0.1 s

    schema = json.loads(
        resources.files("syndicate")
        .joinpath("schemas/jsonfeed-1.1.schema.json")
        .read_text(encoding="utf-8")
    )
    return jsonschema.Draft202012Validator(schema)


def failure_message(failures: list[Failure]) -> str:
    """One message for the run: a line per failure, and what was (not) done."""
    lines = "\n".join(f"  {f}" for f in failures)
    return (
        f"publish gate: {len(failures)} check(s) failed; no feed was replaced, the files already"
        f" published stay as they were:\n{lines}"
    )


def gate_run(
    files: Mapping[str, bytes],
    feeds: Mapping[str, tuple[FeedInfo, FeedFormat]],
    archive_paths: Iterable[str],
    *,
    base_url: str,
    now: datetime,
    future_dates: str = "warning",
) -> list[Problem]:
    """Check a run's subscription documents (``feeds``: path -> info, format) and archive
    pages; raises :class:`~syndicate.errors.RenderError` with one line per failure.
    Future dates are failures with ``future_dates="error"``, else returned as warnings."""
    expected = {
        rel: Expected(format=fmt, url=info.self_urls[fmt], hubs=info.hubs)
        for rel, (info, fmt) in feeds.items()
    }
    for rel in archive_paths:
        fmt = next(f for f in FeedFormat if rel.endswith("/" + f.filename))
        expected[rel] = Expected(format=fmt, url=base_url + rel)
    found = check_documents(files, expected, now=now)
    failures = [f for f in found if f.severity == "error" or future_dates == "error"]
    if failures:
        raise RenderError(failure_message(failures))
    return [
        Problem(path=f.path, line=0, message=f"publish gate: {f.message}", severity="warning")
        for f in found
    ]
