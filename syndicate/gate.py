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

from .docscan import Doc, Unreadable, json_parts, scan_xml
from .errors import RenderError
from .model import FeedFormat, FeedInfo, Problem

ATOM = "{http://www.w3.org/2005/Atom}"
FUTURE = "is in the future"
GATE = "publish gate"  # how its problems and its refusal begin
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
    files: Mapping[str, Doc], expected: Mapping[str, Expected], *, now: datetime
) -> list[Failure]:
    """Every failure of every document in ``expected`` (paths into ``files``: bytes, or
    the files holding them, read as a stream: syndicate/docscan.py)."""
    failures: list[Failure] = []
    for rel in sorted(expected):
        failures += [
            Failure(path=rel, message=m, severity="warning" if FUTURE in m else "error")
            for m in check_document(files[rel], expected[rel], now=now)
        ]
    return failures


def check_document(data: Doc, expected: Expected, *, now: datetime) -> list[str]:
    try:
        if expected.format is FeedFormat.JSON:
            return _check_json(data, expected, now)
        return _check_xml(data, expected, now)
    except Unreadable as err:
        return [str(err)]


def _check_xml(data: Doc, expected: Expected, now: datetime) -> list[str]:
    scan = scan_xml(data, expected.format)
    selfs = [href for rel, href in scan.links if rel == "self"]
    hubs = [href for rel, href in scan.links if rel == "hub"]
    dates = [*scan.dates, *(d for item in scan.items for d in item.dates)]
    parse = _rfc822 if expected.format is FeedFormat.RSS else _rfc3339
    return [
        *_self(selfs, expected),
        *_hubs(hubs, expected),
        *_unique(scan.ids()),
        *_future(dates, parse, now),
    ]


def _check_json(data: Doc, expected: Expected, now: datetime) -> list[str]:
    """The top of the document and each item against the JSON Feed schema (the items
    one at a time: a schema error inside one is named by its place, items/N/...)."""
    problems: list[str] = []
    ids: list[str] = []
    dates: list[tuple[str, str]] = []
    n = 0
    for part, value in json_parts(data):
        if part == "item":
            problems += _schema_errors("item", value, ("items", n))
            if isinstance(value, dict):
                ids.append(str(value.get("id", "")))
                dates += [(k, value[k]) for k in ("date_published", "date_modified") if k in value]
            n += 1
            continue
        doc = value
        problems = _schema_errors("feed", doc, ()) + problems
    if problems or not isinstance(doc, dict):
        return problems or ["JSON Feed schema: not an object"]
    hubs = [h.get("url", "") for h in doc.get("hubs", []) if isinstance(h, dict)]
    return [
        *_self([doc["feed_url"]] if "feed_url" in doc else [], expected),
        *_hubs(hubs, expected),
        *_unique(ids),
        *_future(dates, _rfc3339, now),
    ]


def _schema_errors(which: str, value: Any, where: tuple[str | int, ...]) -> list[str]:
    """Schema errors of ``value`` (``which``: "feed" or "item"). fastjsonschema, compiled
    once, passes a good value in microseconds (jsonschema: ~0.2 ms an item, the larger part
    of a cold publish with archives); a value it refuses is read again by jsonschema, which
    names every error, not the first."""
    import fastjsonschema

    try:
        _fast_validator(which)(value)
        return []
    except fastjsonschema.JsonSchemaValueException as err:
        first = err.message.removeprefix("data")
    found = [
        f"JSON Feed schema: {'/'.join(str(p) for p in (*where, *e.absolute_path)) or '(top)'}:"
        f" {e.message}"
        for e in sorted(
            _jsonfeed_validator(which).iter_errors(value), key=lambda e: list(e.absolute_path)
        )
    ]
    return found or [f"JSON Feed schema: {'/'.join(map(str, where)) or '(top)'}: {first}"]


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
def _jsonfeed_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        resources.files("syndicate")
        .joinpath("schemas/jsonfeed-1.1.schema.json")
        .read_text(encoding="utf-8")
    )
    return schema


def _rule(which: str) -> dict[str, Any]:
    """The schema of the top of a document ("feed"), or its rule for one member of
    ``items`` with the definitions it refers to ("item"). The top is checked with its
    ``items`` emptied (items are checked one at a time), so the "feed" rule leaves out the
    rule for a member: the same verdicts, and half the compiling (fastjsonschema builds
    each validator at run time: 0.1 s of a one-article run, issue 12)."""
    schema = _jsonfeed_schema()
    if which == "feed":
        members = {**schema["properties"]["items"], "items": {}}
        return {**schema, "properties": {**schema["properties"], "items": members}}
    return {
        "$schema": schema["$schema"],
        "$defs": schema["$defs"],
        **schema["properties"]["items"]["items"],
    }


@functools.cache
def _jsonfeed_validator(which: str) -> Any:
    import jsonschema  # imported on first use: ~0.1 s

    return jsonschema.Draft202012Validator(_rule(which))


def fast_rule(which: str) -> dict[str, Any]:
    """``_rule(which)`` as fastjsonschema reads it: the schema's keywords (type, $ref to
    $defs, properties, required, items, anyOf, const, pattern, minLength, minimum) mean
    the same in draft-07, fastjsonschema's newest."""
    return {**_rule(which), "$schema": "http://json-schema.org/draft-07/schema#"}


@functools.cache
def _fast_validator(which: str) -> Any:
    from . import fast_jsonfeed  # generated ahead of time when current (fast_jsonfeed.py)

    return fast_jsonfeed.load(fast_rule(which), which)


def failure_message(failures: list[Failure]) -> str:
    """One message for the run: a line per failure, and what was (not) done."""
    lines = "\n".join(f"  {f}" for f in failures)
    return (
        f"{GATE}: {len(failures)} check(s) failed; no feed was replaced, the files already"
        f" published stay as they were:\n{lines}"
    )


def gate_run(
    files: Mapping[str, Doc],
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
        Problem(path=f.path, line=0, message=f"{GATE}: {f.message}", severity="warning")
        for f in found
    ]
