"""Text that looks like a tag stays text in every format's summary and title (issue 8,
section 5): RSS descriptions and Atom ``type="html"`` summaries hold the plain summary
escaped as HTML; JSON Feed summaries and all titles are plain text. Checked with
feedparser (its sanitised values) and with the W3C validator's code via
../shared/feedtools/validate-feed (0 errors, 0 warnings)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
from lxml import html as lxml_html
from sitefactory import Site, article, make_site, page

from syndicate.publish import publish

REPO = Path(__file__).resolve().parent.parent.parent
VALIDATE_FEED = REPO.parent / "shared" / "feedtools" / "validate-feed"

TEXT_TITLE = "Quay <img src=x onerror=alert(1)> & <b>bold</b> claims"
TEXT_BODY = (
    "Fish & chips <img src=x onerror=alert(1)> cost <script>alert(2)</script> more; a < b > c."
)
MD_TITLE = "Harbour <svg onload=alert(3)> notes"
MD_SUMMARY_TEXT = "The <img src=y onerror=alert(4)> tag, in code."
MARKDOWN = f"""---
title: "{MD_TITLE}"
date: 2026-11-21 09:30
section: Harbour
url: https://harbour.example.net/notes/
---
`{MD_SUMMARY_TEXT}` And \\<iframe src=z> escaped in Markdown.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("escaping")
    site = make_site(root, extra='\n[[inputs]]\npaths = ["posts/*.md"]\nformat = "markdown"\n')
    site.write_page("a.txt", page(article(TEXT_TITLE, TEXT_BODY, date="November 20, 2026")))
    (root / "posts").mkdir()
    (root / "posts" / "notes.md").write_text(MARKDOWN, encoding="utf-8")
    report = publish(site.config(), deliver=False)
    assert report.new == 2 and not report.errors
    return site


def entries(site: Site, name: str) -> dict[str, feedparser.FeedParserDict]:
    parsed = feedparser.parse((site.output / name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {e.title: e for e in parsed.entries}


def shown_text(fragment: str) -> str:
    """What a reader displays for an HTML summary, and proof that it holds no element."""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    assert [el.tag for el in root.iter()] == ["div"], fragment
    return str(root.text_content())


def title_text(entry: feedparser.FeedParserDict) -> str:
    """The title a reader shows: plain as given, or the text of its sanitised HTML."""
    if entry.title_detail.type == "text/html":
        return shown_text(entry.title)
    assert entry.title_detail.type == "text/plain"
    return str(entry.title)


@pytest.mark.parametrize("feed", ["feed.xml", "atom.xml", "harbour/feed.xml", "harbour/atom.xml"])
def test_markup_like_text_is_text_in_rss_and_atom_summaries_and_titles(
    site: Site, feed: str
) -> None:
    got = {title_text(e): e for e in entries(site, feed).values()}
    assert set(got) == {TEXT_TITLE, MD_TITLE}  # titles: the literal text, as readers show it
    text = got[TEXT_TITLE]
    assert text.summary_detail.type == "text/html"
    assert shown_text(text.summary) == TEXT_BODY
    md = got[MD_TITLE]
    assert shown_text(md.summary).startswith(MD_SUMMARY_TEXT)
    assert "<iframe src=z>" in shown_text(md.summary)


def test_jsonfeed_summary_and_title_are_the_plain_text(site: Site) -> None:
    doc = json.loads((site.output / "feed.json").read_bytes())
    by_title = {i["title"]: i for i in doc["items"]}
    assert set(by_title) == {TEXT_TITLE, MD_TITLE}
    assert by_title[TEXT_TITLE]["summary"] == TEXT_BODY  # JSON Feed 1.1: summary is plain text
    assert by_title[MD_TITLE]["summary"].startswith(MD_SUMMARY_TEXT)
    assert "<img" not in by_title[TEXT_TITLE]["content_html"]  # content_html stays escaped HTML


def test_rss_plain_text_uses_hex_references_outside_cdata(site: Site) -> None:
    xml = (site.output / "feed.xml").read_bytes()
    assert (
        b"<title>Quay &#x26;lt;img src=x onerror=alert(1)&#x26;gt; &#x26;amp; &#x26;lt;b&#x26;gt;bold"
        b"&#x26;lt;/b&#x26;gt; claims</title>"
    ) in xml  # tag-like: escaped as HTML, then hex references
    assert b"<![CDATA[<p>Fish &amp; chips &lt;img" in xml  # CDATA is literal: left alone


@pytest.mark.skipif(
    not VALIDATE_FEED.exists() or shutil.which("python3") is None,
    reason="../shared/feedtools/validate-feed is not set up here",
)
def test_w3c_validator_and_readers_find_no_security_risk_and_no_warning(site: Site) -> None:
    files = [
        str(site.output / f)
        for f in ("feed.xml", "atom.xml", "harbour/feed.xml", "harbour/atom.xml")
    ]
    result = subprocess.run(
        [str(VALIDATE_FEED), "--map", f"{site.output}=https://news.example.org", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SecurityRisk" not in result.stdout and "ContainsHTML" not in result.stdout
    assert (
        result.stdout.count(" OK ") >= 4 * 5 - 4
    )  # w3c, feedparser, sfeed, newsboat, agree per file
