"""publish end to end on a temp site: stability, identity, dates, the ledger."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from sitefactory import Site, article, make_site, page

from syndicate.publish import publish
from syndicate.state import open_state

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def items(site: Site, feed: str = "feed.xml") -> list[feedparser.FeedParserDict]:
    parsed = feedparser.parse((site.output / feed).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed.entries


def ids(site: Site, feed: str = "feed.xml") -> dict[str, tuple[str, str]]:
    """title -> (id, published) as a reader sees them."""
    return {e.title: (e.id, e.published) for e in items(site, feed)}


@pytest.fixture
def site(tmp_path: Path) -> Site:
    s = make_site(tmp_path)
    s.write_page(
        "front.txt",
        page(
            article(
                "Ferry fares frozen",
                "Fares stay the same next year.",
                section="Transport",
                date="November 20, 2026",
            ),
            article("New bus shelter", "A shelter was built on Mill Road.", section="Transport"),
            article("Choir wins prize", "The choir won first prize.", section="Culture"),
        ),
    )
    return s


def test_rerun_with_no_new_input_changes_no_byte_or_mtime(site: Site) -> None:
    publish(site.config(), now=T0)
    before = site.snapshot()
    report = publish(site.config(), now=T0 + timedelta(hours=1))
    assert report.files_written == []
    assert site.snapshot() == before


def test_rerun_after_touching_inputs_changes_nothing(site: Site) -> None:
    publish(site.config(), now=T0)
    before = site.snapshot()
    for p in site.pages.iterdir():
        site.write_page(p.name, p.read_text(encoding="utf-8"), mtime=T0 + timedelta(days=1))
    report = publish(site.config(), now=T0 + timedelta(days=1))
    assert (report.new, report.updated, report.inputs_read) == (0, 0, 1)
    assert site.snapshot() == before


def test_feed_updated_comes_from_content_not_clock(site: Site) -> None:
    publish(site.config(), now=T0)
    rss = feedparser.parse((site.output / "feed.xml").read_bytes())
    newest = max(e.published_parsed for e in rss.entries)
    assert rss.feed.updated_parsed == newest
    atom = feedparser.parse((site.output / "atom.xml").read_bytes())
    assert atom.feed.updated_parsed == max(e.updated_parsed for e in atom.entries)
    # a forced re-render days later gives the same bytes: no clock in any feed
    before = site.snapshot()
    publish(site.config(), now=T0 + timedelta(days=3), rebuild=True)
    assert site.snapshot() == before


def test_undated_articles_get_first_seen_date_once(site: Site) -> None:
    publish(site.config(), now=T0)
    first = ids(site)
    site.write_page(
        "later.txt",
        page(article("Harbour wall repaired", "Repairs are done.", section="Transport")),
        mtime=T0 + timedelta(days=2),
    )
    publish(site.config(), now=T0 + timedelta(days=2))
    second = ids(site)
    for title, value in first.items():
        assert second[title] == value
    assert second["Harbour wall repaired"][1] == "Fri, 29 Nov 2026 12:00:00 +0000".replace(
        "Fri", "Sun"
    )


def test_page_date_wins_over_first_seen(site: Site) -> None:
    publish(site.config(), now=T0)
    assert ids(site)["Ferry fares frozen"][1] == "Fri, 20 Nov 2026 00:00:00 +0000"


def test_articles_first_seen_together_keep_page_order(site: Site) -> None:
    publish(site.config(), now=T0)
    undated = [e.title for e in items(site) if e.title != "Ferry fares frozen"]
    assert undated == ["New bus shelter", "Choir wins prize"]


def test_edited_article_keeps_id_and_published_but_updates(site: Site) -> None:
    publish(site.config(), now=T0)
    before = {e.title: e for e in items(site, "atom.xml")}
    site.write_page(
        "front.txt",
        page(
            article(
                "Ferry fares frozen",
                "Fares stay the same next year.",
                section="Transport",
                date="November 20, 2026",
            ),
            article(
                "New bus shelter",
                "A shelter was built on Mill Road. It has a bench now.",
                section="Transport",
            ),
            article("Choir wins prize", "The choir won first prize.", section="Culture"),
        ),
        mtime=T0 + timedelta(hours=3),
    )
    report = publish(site.config(), now=T0 + timedelta(hours=3))
    assert (report.new, report.updated, report.unchanged) == (0, 1, 2)
    after = {e.title: e for e in items(site, "atom.xml")}
    edited = after["New bus shelter"]
    assert edited.id == before["New bus shelter"].id
    assert edited.published == before["New bus shelter"].published
    assert edited.updated == "2026-11-27T15:00:00+00:00"
    assert "bench now" in edited.content[0].value


def test_same_title_on_another_page_is_the_same_item(site: Site) -> None:
    publish(site.config(), now=T0)
    ids_before = ids(site)
    site.write_page(
        "other.txt",
        page(article("Choir Wins Prize", "The choir won first prize.", section="Culture")),
        mtime=T0 + timedelta(hours=1),
    )
    report = publish(site.config(), now=T0 + timedelta(hours=1))
    assert report.new == 0
    [item] = items(site, "culture/feed.xml")
    assert item.title == "Choir Wins Prize"  # the newer capture's spelling is an edit
    assert item.id == ids_before["Choir wins prize"][0]


def test_recurring_title_on_different_dates_is_a_new_item(site: Site) -> None:
    site.write_page(
        "brief.txt",
        page(
            article(
                "Morning Briefing", "Monday's news.", section="Briefs", date="November 23, 2026"
            )
        ),
    )
    publish(site.config(), now=T0)
    site.write_page(
        "brief.txt",
        page(
            article(
                "Morning Briefing", "Tuesday's news.", section="Briefs", date="November 24, 2026"
            )
        ),
        mtime=T0 + timedelta(days=1),
    )
    report = publish(site.config(), now=T0 + timedelta(days=1))
    assert report.new == 1
    briefs = items(site, "briefs/feed.xml")
    assert [e.title for e in briefs] == ["Morning Briefing", "Morning Briefing"]
    assert len({e.id for e in briefs}) == 2
    assert len({e.link for e in briefs}) == 2


def test_article_dropped_from_a_recapture_stays_in_its_feed(site: Site) -> None:
    publish(site.config(), now=T0)
    site.write_page(
        "front.txt",
        page(article("Choir wins prize", "The choir won first prize.", section="Culture")),
        mtime=T0 + timedelta(hours=1),
    )
    publish(site.config(), now=T0 + timedelta(hours=1))
    assert {e.title for e in items(site)} == {
        "Ferry fares frozen",
        "New bus shelter",
        "Choir wins prize",
    }


def test_unreadable_input_leaves_last_good_feed_in_place(site: Site) -> None:
    publish(site.config(), now=T0)
    before = site.snapshot()
    site.write_page("front.txt", b"\x00\x01binary junk" * 100, mtime=T0 + timedelta(hours=1))
    report = publish(site.config(), now=T0 + timedelta(hours=1))
    assert [p.path for p in report.errors] == ["pages/front.txt"]
    assert report.exit_code == 3
    assert site.snapshot() == before


def test_input_over_size_limit_is_refused_with_message(tmp_path: Path) -> None:
    s = make_site(tmp_path)
    s.config_path.write_text(
        s.config_path.read_text().replace(
            "item_limit = 50", "item_limit = 50\nmax_input_bytes = 100"
        )
    )
    s.write_page("big.txt", page(article("Big", "x" * 500)))
    s.write_page("small.txt", page(article("Ok", "Fine.")))
    report = publish(s.config(), now=T0)
    [err] = report.errors
    assert err.path == "pages/big.txt" and "over the limit of 100" in err.message
    assert [e.title for e in items(s)] == ["Ok"]


def test_item_limit_keeps_newest(tmp_path: Path) -> None:
    s = make_site(tmp_path, limit=2)
    s.write_page(
        "p.txt",
        page(*(article(f"Story {n}", "Body.", date=f"November {n}, 2026") for n in range(1, 6))),
    )
    publish(s.config(), now=T0)
    assert [e.title for e in items(s)] == ["Story 5", "Story 4"]


def test_withdraw_removes_item_and_undo_restores_it(site: Site) -> None:
    publish(site.config(), now=T0)
    guid = ids(site)["Choir wins prize"][0]
    publish(site.config(), withdraw=[guid], now=T0 + timedelta(hours=1))
    assert "Choir wins prize" not in ids(site)
    notice = (site.output / "culture" / "choir-wins-prize.html").read_text(
        "utf-8"
    )  # a withdrawn notice now
    assert '<meta name="robots" content="noindex">' in notice and "Choir wins prize" not in notice
    # a re-capture that still lists it does not bring it back
    site.write_page(
        "front.txt", (site.pages / "front.txt").read_text() + "\n", mtime=T0 + timedelta(hours=2)
    )
    publish(site.config(), now=T0 + timedelta(hours=2))
    assert "Choir wins prize" not in ids(site)
    publish(site.config(), withdraw=[guid], restore=True, now=T0 + timedelta(hours=3))
    assert ids(site)["Choir wins prize"][0] == guid
    assert "Choir wins prize" in (site.output / "culture" / "choir-wins-prize.html").read_text(
        "utf-8"
    )


def test_every_item_link_resolves_to_a_written_page(site: Site) -> None:
    publish(site.config(), now=T0)
    for e in items(site):
        rel = e.link.removeprefix("https://news.example.org/")
        page_html = (site.output / rel).read_text(encoding="utf-8")
        assert f"<h1>{e.title}</h1>" in page_html


def test_ledger_survives_and_ids_are_stored(site: Site) -> None:
    publish(site.config(), now=T0)
    with open_state(site.config().state_path) as store:
        rows = store.conn.execute("SELECT guid, published FROM articles ORDER BY seq").fetchall()
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert len(rows) == 3 and all(g.startswith("urn:uuid:") for g, _ in rows)


def test_dry_run_writes_nothing(site: Site) -> None:
    report = publish(site.config(), now=T0, dry_run=True)
    assert report.new == 3 and report.files_written
    assert not site.output.exists() or site.snapshot() == {}
    with open_state(site.config().state_path) as store:
        assert store.count_articles() == 0


def test_jsonfeed_lists_items_with_stable_ids(site: Site) -> None:
    publish(site.config(), now=T0)
    doc = json.loads((site.output / "feed.json").read_bytes())
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert {i["title"]: i["id"] for i in doc["items"]} == {t: v[0] for t, v in ids(site).items()}


HTML_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>New bus shelter | Test Gazette</title>
<link rel="canonical" href="https://news.example.org/transport/new-bus-shelter/">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "New bus shelter", "articleSection": "Transport",
 "datePublished": "2026-11-26T08:00:00+00:00", "url": "https://news.example.org/transport/new-bus-shelter/"}}</script>
</head><body><article><h1>New bus shelter</h1>
<p>A shelter was built on Mill Road, with a bench, a timetable board and a light that stays on all night.</p>
<p>{extra}</p></article></body></html>"""


def test_text_capture_and_html_page_of_one_article_are_one_item(tmp_path: Path) -> None:
    s = make_site(tmp_path)
    s.config_path.write_text(
        s.config_path.read_text().replace(
            'paths = ["pages/*.txt"]\nformat = "scraped"', 'paths = ["pages/*.txt", "pages/*.html"]'
        )
    )
    s.write_page(
        "front.txt",
        page(article("New bus shelter", "A shelter was built on Mill Road.", section="Transport")),
    )
    publish(s.config(), now=T0)
    [(guid, published)] = ids(s).values()
    s.write_page(
        "shelter.html",
        HTML_PAGE.format(extra="Residents had asked for it for years, the council said."),
        mtime=T0 + timedelta(hours=1),
    )
    report = publish(s.config(), now=T0 + timedelta(hours=1))
    assert (report.new, report.updated) == (0, 1)
    [item] = items(s)
    assert (item.id, item.published) == (guid, published)
    assert item.link == "https://news.example.org/transport/new-bus-shelter/"
    # a later text capture keeps the canonical URL and the same id
    s.write_page(
        "front.txt",
        page(
            article(
                "New bus shelter",
                "A shelter was built on Mill Road. It is lit.",
                section="Transport",
            )
        ),
        mtime=T0 + timedelta(hours=2),
    )
    publish(s.config(), now=T0 + timedelta(hours=2))
    [item] = items(s)
    assert item.id == guid and item.link == "https://news.example.org/transport/new-bus-shelter/"


def test_html_page_first_then_text_capture_is_one_item(tmp_path: Path) -> None:
    s = make_site(tmp_path)
    s.config_path.write_text(
        s.config_path.read_text().replace(
            'paths = ["pages/*.txt"]\nformat = "scraped"', 'paths = ["pages/*.txt", "pages/*.html"]'
        )
    )
    s.write_page("shelter.html", HTML_PAGE.format(extra="Residents had asked for it for years."))
    publish(s.config(), now=T0)
    [(guid, _)] = ids(s).values()
    s.write_page(
        "front.txt",
        page(article("New Bus Shelter", "A shelter was built on Mill Road.", section="Transport")),
        mtime=T0 + timedelta(hours=1),
    )
    report = publish(s.config(), now=T0 + timedelta(hours=1))
    assert report.new == 0
    [item] = items(s)
    assert item.id == guid and item.link == "https://news.example.org/transport/new-bus-shelter/"
