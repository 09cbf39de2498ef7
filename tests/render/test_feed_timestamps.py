"""Feed timestamps are whole seconds in every format, and an edit and a new article in
one run get distinct Atom ``updated`` values (issue 11: the W3C validator's
DuplicateUpdated). Two real publishes into a real SQLite ledger; read with feedparser
and with ../shared/feedtools/validate-feed (0 errors, 0 warnings)."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from sitefactory import Site, article, make_site, page

from syndicate.publish import publish

REPO = Path(__file__).resolve().parent.parent.parent
VALIDATE_FEED = REPO.parent / "shared" / "feedtools" / "validate-feed"
ATOM = "{http://www.w3.org/2005/Atom}"
FIRST = datetime(2026, 11, 20, 8, 15, 30, 123456, tzinfo=UTC)
SECOND = datetime(2026, 11, 21, 9, 45, 10, 654321, tzinfo=UTC)  # microseconds on purpose


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = make_site(tmp_path_factory.mktemp("stamps"))
    old = article("Tide gauge repaired", "The gauge at the north pier reads again.")
    site.write_page("a.txt", page(old))
    assert publish(site.config(), now=FIRST, deliver=False).new == 1
    edited = article(
        "Tide gauge repaired", "The gauge at the north pier reads again, after a week dark."
    )
    new = article("Lantern walk moved", "The lantern walk starts at the boathouse this year.")
    site.write_page("a.txt", page(edited, new))
    report = publish(site.config(), now=SECOND, deliver=False)
    assert (report.new, report.updated) == (1, 1), report
    return site


@pytest.mark.parametrize("feed", ["atom.xml", "harbour/atom.xml"])
def test_atom_dates_are_whole_seconds_and_entry_updated_values_distinct(
    site: Site, feed: str
) -> None:
    data = (site.output / feed).read_bytes()
    assert not feedparser.parse(data).bozo
    root = etree.fromstring(data)
    stamps = [el.text or "" for el in root.iter(f"{ATOM}updated", f"{ATOM}published")]
    assert stamps and all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]00:00)", s) for s in stamps
    ), stamps
    updated = [e.findtext(f"{ATOM}updated") for e in root.iter(f"{ATOM}entry")]
    assert len(updated) == 2 and len(set(updated)) == 2, updated
    assert root.findtext(f"{ATOM}updated") == max(
        updated
    )  # the feed's updated is its newest entry's


def test_jsonfeed_dates_are_whole_seconds(site: Site) -> None:
    items = json.loads((site.output / "feed.json").read_bytes())["items"]
    stamps = [i[k] for i in items for k in ("date_published", "date_modified") if k in i]
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps), (
        stamps
    )


@pytest.mark.skipif(
    not VALIDATE_FEED.exists(), reason="../shared/feedtools/validate-feed is not set up here"
)
def test_w3c_validator_finds_no_error_or_warning_after_an_edit_and_a_new_article(
    site: Site,
) -> None:
    files = [
        str(site.output / f)
        for f in ("feed.xml", "atom.xml", "harbour/atom.xml", "harbour/feed.xml")
    ]
    result = subprocess.run(
        [str(VALIDATE_FEED), "--map", f"{site.output}=https://news.example.org", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DuplicateUpdated" not in result.stdout, result.stdout
    assert "WARN" not in result.stdout and "FAIL" not in result.stdout, result.stdout


def test_same_feed_renders_the_same_bytes_twice(site: Site) -> None:
    before = (site.output / "atom.xml").read_bytes()
    publish(site.config(), now=SECOND, deliver=False, rebuild=True)
    assert (site.output / "atom.xml").read_bytes() == before
