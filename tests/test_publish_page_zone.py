"""The page zone (``inputs.timezone = "page"``, the default since issue 9 round 5) moves
how zoneless dates are read; dates the ledger already holds must not move with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
from sitefactory import Site, make_site

from syndicate.publish import publish
from syndicate.state import open_state

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

# A German page of our own writing that prints its time without an offset.
PAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>{title} | Hafenblatt</title>
<link rel="canonical" href="https://news.example.org/hafen/{slug}/">
<meta property="article:published_time" content="2026-11-20T09:30:00">
</head><body><article><h1>{title}</h1>
<p>Die Fähre fährt ab Montag nach dem neuen Fahrplan, mit zwei Fahrten mehr am Abend.</p>
<p>Der Hafenmeister sagte, die Anleger seien dafür schon verlängert worden.</p>
</article></body></html>"""


def html_site(tmp_path: Path, timezone: str | None) -> Site:
    site = make_site(tmp_path)
    line = f'\ntimezone = "{timezone}"' if timezone else ""
    site.config_path.write_text(
        site.config_path.read_text().replace(
            'paths = ["pages/*.txt"]\nformat = "scraped"', f'paths = ["pages/*.html"]{line}'
        )
    )
    return site


def recapture(site: Site, name: str) -> None:
    """The same page saved again: other bytes (unchanged files are not re-read), same
    article."""
    path = site.pages / name
    site.write_page(name, path.read_text(encoding="utf-8") + "<!-- saved again -->")


def dates(site: Site) -> dict[str, tuple[str, str]]:
    parsed = feedparser.parse((site.output / "atom.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {e.title: (e.published, e.updated) for e in parsed.entries}


def ledger(site: Site) -> list[tuple[str, str, str, str]]:
    with open_state(site.root / "state" / "test.db") as store:
        rows = store.conn.execute(
            "SELECT guid, first_seen, published, updated FROM articles ORDER BY seq"
        ).fetchall()
    return [tuple(row) for row in rows]


def test_republishing_a_utc_read_state_under_the_page_zone_moves_no_date(
    tmp_path: Path,
) -> None:
    site = html_site(tmp_path, "UTC")  # as every input read before the page zone
    site.write_page("faehre.html", PAGE.format(title="Neuer Fahrplan für die Fähre", slug="f"))
    publish(site.config(), now=T0)
    assert dates(site)["Neuer Fahrplan für die Fähre"][0] == "2026-11-20T09:30:00+00:00"
    feeds, rows, before = dates(site), ledger(site), site.snapshot()

    site = html_site(tmp_path, None)  # the setting dropped: the default, "page"
    recapture(site, "faehre.html")
    report = publish(site.config(), now=T0 + timedelta(hours=1))
    assert (report.new, report.updated, report.unchanged) == (0, 0, 1)
    assert dates(site) == feeds and ledger(site) == rows
    assert site.snapshot() == before

    # A page first seen now is read in Berlin time (09:30 CET is 08:30 UTC).
    site.write_page("anleger.html", PAGE.format(title="Anleger verlängert", slug="a"))
    publish(site.config(), now=T0 + timedelta(hours=2))
    now = dates(site)
    assert now["Anleger verlängert"][0] == "2026-11-20T08:30:00+00:00"
    assert now["Neuer Fahrplan für die Fähre"] == feeds["Neuer Fahrplan für die Fähre"]
    assert ledger(site)[0] == rows[0]


# No canonical link and no base_url: the item is keyed by section, title and day.
UNLINKED = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>Neue Poller am Kai</title>
<meta property="article:published_time" content="2026-11-20">
</head><body><article><h1>Neue Poller am Kai</h1>
<p>Am Kai stehen seit dieser Woche zwölf neue Poller aus Stahl, jeder für vierzig Tonnen.</p>
<p>Die alten Poller aus Gusseisen kommen ins Hafenmuseum, sagte die Stadt am Freitag.</p>
</article></body></html>"""


def test_an_item_keyed_by_its_day_stays_one_item_when_the_page_zone_moves_the_day(
    tmp_path: Path,
) -> None:
    site = html_site(tmp_path, "UTC")
    site.write_page("poller.html", UNLINKED)
    publish(site.config(), now=T0)
    feeds, rows, before = dates(site), ledger(site), site.snapshot()
    assert feeds["Neue Poller am Kai"][0] == "2026-11-20T00:00:00+00:00"

    site = html_site(tmp_path, None)  # midnight in Berlin is 23:00 UTC the day before
    recapture(site, "poller.html")
    report = publish(site.config(), now=T0 + timedelta(hours=1))
    assert (report.new, report.updated, report.unchanged) == (0, 0, 1)
    assert dates(site) == feeds and ledger(site) == rows
    assert site.snapshot() == before
