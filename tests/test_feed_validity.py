"""Every file `syndicate publish` writes is a valid feed (page, list) that real consumers
read, for the bundled example site and for hostile and random input (issue 2, "Tests").

The checks themselves live in tests/conformance.py; the last tests here make sure they
reject what they should, so that a passing run means something.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from conformance import (
    ATOM_NS,
    atom_schema,
    check_atom,
    check_html_autodiscovery,
    check_jsonfeed,
    check_opml,
    check_output_dir,
    check_rss,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = REPO / "config" / "example.toml"
EXAMPLE_PAGES = REPO / "config" / "example"
HUBS = (
    "http://127.0.0.1:9/hub-one/",
    "http://127.0.0.1:9/hub-two/",
)  # port 9: nothing is delivered


@dataclass(frozen=True)
class Site:
    """A publishable copy of a config in a temp folder."""

    config: Path
    output: Path
    state: Path

    def publish(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`python -m syndicate publish` as a user runs it (pushes queued, not sent)."""
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "syndicate",
                "publish",
                "--config",
                str(self.config),
                "--no-push",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def ledger(self) -> dict[str, datetime]:
        """guid -> published, read straight from the state file."""
        conn = sqlite3.connect(f"file:{self.state}?mode=ro", uri=True)
        try:
            return {
                g: datetime.fromisoformat(p)
                for g, p in conn.execute("SELECT guid, published FROM articles")
            }
        finally:
            conn.close()


def make_site(
    root: Path,
    *,
    pages: Path | None = EXAMPLE_PAGES,
    hubs: tuple[str, ...] = (),
    item_limit: int | None = None,
) -> Site:
    """Copy the example config (and its pages, unless ``pages`` is None) into ``root``,
    with output and state inside ``root``."""
    cfg_dir = root / "config"
    cfg_dir.mkdir(parents=True)
    if pages is not None:
        shutil.copytree(pages, cfg_dir / "example")
    else:
        (cfg_dir / "example" / "pages").mkdir(parents=True)
    text = EXAMPLE_CONFIG.read_text("utf-8")
    text, n_out = re.subn(r"(?m)^dir = .*$", 'dir = "../output"', text)
    text, n_state = re.subn(r'(?m)^path = "state/.*$', 'path = "../state/site.db"', text)
    assert n_out == 1 and n_state == 1, "config/example.toml changed shape: update make_site"
    if item_limit is not None:
        text, n = re.subn(r"(?m)^item_limit = .*$", f"item_limit = {item_limit}", text)
        assert n == 1
    for hub in hubs:
        text += f'\n[[hubs]]\nurl = "{hub}"\n'
    config = cfg_dir / "site.toml"
    config.write_text(text, "utf-8")
    return Site(config=config, output=root / "output", state=root / "state" / "site.db")


def write_page(site: Site, name: str, data: bytes) -> Path:
    path = site.config.parent / "example" / "pages" / name
    path.write_bytes(data)
    return path


def published(site: Site, *, expect: int = 0) -> Site:
    result = site.publish()
    assert result.returncode == expect, f"publish exited {result.returncode}: {result.stderr}"
    return site


@pytest.fixture
def published_example(tmp_path: Path) -> Site:
    """The bundled example site, published once into tmp_path."""
    return published(make_site(tmp_path))


@pytest.fixture
def published_with_hubs(tmp_path: Path) -> Site:
    return published(make_site(tmp_path, hubs=HUBS))


def feeds_of(site: Site, name: str) -> list[Path]:
    return sorted(site.output.rglob(name))


# --- the example site ----------------------------------------------------------


def test_example_site_output_checks_out(published_example: Site) -> None:
    view = check_output_dir(published_example.output)
    ledger = published_example.ledger()
    sections = {p.parent.name for p in feeds_of(published_example, "feed.xml")} - {"output"}
    assert len(sections) >= 3
    assert len(view.feeds) == 3 * (len(sections) + 1)  # rss + atom + json, per section and combined
    assert len(view.pages) == len(ledger) >= 20  # one readable page per article
    assert set(view.opml["feeds.opml"].feeds) == {
        f.self_url for f in view.by_format("rss").values()
    }
    combined = view.feeds["feed.xml"]
    assert {i.id for i in combined.items} == set(ledger)  # 25 items < item limit 50: all of them


def test_atom_feeds_validate_against_rfc4287_schema(published_example: Site) -> None:
    schema = atom_schema()
    atoms = feeds_of(published_example, "atom.xml")
    assert len(atoms) >= 4
    for path in atoms:
        tree = etree.parse(str(path))
        assert schema.validate(tree), f"{path.name}: {schema.error_log}"
        check_atom(path.read_bytes(), str(path))
    # and the schema has teeth: the same feed with an entry's id removed is refused
    tree = etree.parse(str(atoms[0]))
    entry_id = tree.getroot().find(f"{{{ATOM_NS}}}entry/{{{ATOM_NS}}}id")
    entry_id.getparent().remove(entry_id)
    assert not schema.validate(tree)


def test_every_feed_reads_without_bozo(published_example: Site) -> None:
    from reader._vendor import feedparser as fp_dev  # the line with JSON Feed support

    count = 0
    for name, parse, version in (
        ("feed.xml", feedparser.parse, "rss20"),
        ("atom.xml", feedparser.parse, "atom10"),
        ("feed.json", fp_dev.parse, "json11"),
    ):
        for path in feeds_of(published_example, name):
            d = parse(path.read_bytes())
            assert not d.bozo, f"{path}: {d.get('bozo_exception')!r}"
            assert d.version == version, path
            assert d.entries, f"{path}: no entries"
            for e in d.entries:
                assert (
                    e.get("id") and e.get("title") and e.get("link") and e.get("published_parsed")
                ), (path, e)
            count += 1
    assert count == 15


def test_rss_carries_one_hub_link_per_configured_hub(published_with_hubs: Site) -> None:
    for path in feeds_of(published_with_hubs, "feed.xml"):
        view = check_rss(path.read_bytes(), str(path))
        assert view.hubs == HUBS, path
        channel = etree.parse(str(path)).getroot().find("channel")
        rels = [li.get("rel") for li in channel.findall(f"{{{ATOM_NS}}}link")]
        assert rels.count("self") == 1 and rels.count("hub") == len(HUBS), (path, rels)
    for path in feeds_of(published_with_hubs, "atom.xml"):
        assert check_atom(path.read_bytes(), str(path)).hubs == HUBS, path


def test_jsonfeed_lists_hubs(published_with_hubs: Site) -> None:
    paths = feeds_of(published_with_hubs, "feed.json")
    assert paths
    for path in paths:
        check_jsonfeed(path.read_bytes(), str(path))
        doc = json.loads(path.read_bytes())
        assert doc["hubs"] == [{"type": "WebSub", "url": hub} for hub in HUBS], path


def test_jsonfeed_has_no_hubs_key_without_hubs(published_example: Site) -> None:
    for path in feeds_of(published_example, "feed.json"):
        assert "hubs" not in json.loads(path.read_bytes()), path


def _consumer_items(view: object) -> list[tuple[str, str, str, tuple[int, ...]]]:
    d = view.consumer  # type: ignore[attr-defined]
    return [(e.id, e.title, e.link, tuple(e.published_parsed)[:6]) for e in d.entries]


def test_feed_round_trip_keeps_title_link_id_date(published_example: Site) -> None:
    """RSS, Atom and JSON views of each feed, as feedparser reads them, agree item by
    item (same order), and ids and dates agree with the ledger."""
    view = check_output_dir(published_example.output)
    ledger = published_example.ledger()
    folders = {rel.rpartition("/")[0] for rel in view.feeds}
    assert len(folders) >= 4
    for folder in folders:
        prefix = f"{folder}/" if folder else ""
        rss, atom, jsonf = (view.feeds[prefix + n] for n in ("feed.xml", "atom.xml", "feed.json"))
        assert _consumer_items(rss) == _consumer_items(atom) == _consumer_items(jsonf), (
            folder or "combined"
        )
        assert (
            [i.title for i in rss.items]
            == [i.title for i in atom.items]
            == [i.title for i in jsonf.items]
        )
        for item in rss.items:
            assert item.id in ledger, item
            assert item.published == ledger[item.id].replace(microsecond=0), item
        for item in atom.items:  # whole seconds in Atom too (issue 11)
            assert item.published == ledger[item.id].replace(microsecond=0), item
    # A dated article carries its page's date (Europe/London, as the example config says).
    by_title = {i.title: i for i in view.feeds["feed.xml"].items}
    mills = by_title["Ferrisgate Mills to reopen as a food and craft market"]
    assert mills.published.astimezone(ZoneInfo("Europe/London")).date().isoformat() == "2026-10-09"


# --- hostile input ---------------------------------------------------------------

CONTROLS = "".join(chr(c) for c in range(0x01, 0x20) if chr(c) not in "\t\n\r")
# str.splitlines() also breaks lines at these (see test_control_characters_in_a_line_do_not_split_it)
LINE_BREAKING = "\x0b\x0c\x1c\x1d\x1e"
INLINE_CONTROLS = "".join(c for c in CONTROLS if c not in LINE_BREAKING)


def _page(*articles: tuple[str, str, str | None, tuple[str, ...]], eol: str = "\n") -> str:
    """A page in the scraped text format: (section, title, date line or None, paragraphs)."""
    blocks = ["Connect with us"]
    for n, (section, title, date, paras) in enumerate(articles):
        blocks += [section, title, "Published", "on", *([date] if date else []), *paras]
        if n:
            blocks.append("Continue Reading")
    blocks += ["Most Viewed", "Something else entirely"]
    return eol.join(f"{b}{eol}" for b in blocks)


def test_forbidden_xml_characters_never_reach_a_feed(tmp_path: Path) -> None:
    site = make_site(tmp_path, pages=None)
    # 1. UTF-8 with a BOM and CRLF line ends; C0 controls inside the title and body, and a
    #    NUL past the first 4 KiB (a NUL earlier marks the whole file as binary: refused).
    filler = "Filler sentence about the harbour wall and its long history. " * 80
    utf8 = _page(
        (
            "Business",
            f"Tolls{INLINE_CONTROLS} rise at the harbour",
            "November 24, 2026",
            (
                "Harbour tolls\x07 will rise\x1b by a fifth\x08 next year.",
                filler,
                "A late\x00 paragraph with a NUL.",
            ),
        ),
        eol="\r\n",
    )
    write_page(site, "bom-crlf.txt", b"\xef\xbb\xbf" + utf8.encode("utf-8"))
    # 2. cp1252 bytes (curly quotes, euro sign, e-acute, ellipsis) with CRLF and controls.
    cp = _page(
        (
            "Business",
            "Caf\xe9 owners\u2019 \u20ac5 plan\x01\x02",
            "24/11/2026",
            ("\u201cIt\u2019s a start\u201d\x1f, said the caf\xe9 owner\u2026",),
        ),
        eol="\r\n",
    )
    write_page(site, "cp1252.txt", cp.encode("cp1252"))

    result = site.publish()
    assert result.returncode == 0, result.stderr
    view = check_output_dir(site.output)  # every file: no forbidden character, well-formed
    titles = {i.title for i in view.feeds["business/feed.xml"].items}
    assert titles == {"Tolls rise at the harbour", "Caf\xe9 owners\u2019 \u20ac5 plan"}
    for path in site.output.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8")
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufeff]", text), path
            assert "\r" not in text, path
    content = json.loads((site.output / "business" / "feed.json").read_bytes())
    bodies = {i["title"]: i["content_html"] for i in content["items"]}
    assert (
        "<p>Harbour tolls will rise by a fifth next year.</p>"
        in bodies["Tolls rise at the harbour"]
    )
    assert "<p>A late paragraph with a NUL.</p>" in bodies["Tolls rise at the harbour"]
    assert (
        "\u201cIt\u2019s a start\u201d, said the caf\xe9 owner\u2026"
        in bodies["Caf\xe9 owners\u2019 \u20ac5 plan"]
    )


def test_control_characters_in_a_line_do_not_split_it(tmp_path: Path) -> None:
    site = make_site(tmp_path, pages=None)
    write_page(
        site,
        "vt.txt",
        _page(
            (
                "Business",
                "Cafe\x0b owners\x1c plan today",
                None,
                ("A body para\x0cgraph here, with text.",),
            )
        ).encode(),
    )
    assert site.publish().returncode == 0
    view = check_output_dir(site.output)
    items = view.feeds["feed.xml"].items
    assert [(i.title, i.link.split("/")[-2]) for i in items] == [
        ("Cafe owners plan today", "business")
    ]


def test_markup_in_input_is_escaped(tmp_path: Path) -> None:
    site = make_site(tmp_path, pages=None)
    title = 'Rates & charges: <script>alert("x")</script> <b>bold</b> claims'
    para = 'Fish & chips <img src=x onerror="alert(1)"> cost <em>more</em> & less; a < b > c.'
    write_page(
        site, "markup.txt", _page(("Business", title, "November 24, 2026", (para,))).encode()
    )
    result = site.publish()
    assert result.returncode == 0, result.stderr
    view = check_output_dir(site.output)  # includes: no <script> element in any HTML page

    rss = view.feeds["business/feed.xml"]
    assert [i.title for i in rss.items] == [title]  # text, once unescaped: as written
    assert [i.title for i in view.feeds["business/atom.xml"].items] == [title]
    assert [i.title for i in view.feeds["business/feed.json"].items] == [title]
    escaped_para = (
        'Fish &amp; chips &lt;img src=x onerror="alert(1)"&gt; cost &lt;em&gt;more&lt;/em&gt;'
        " &amp; less; a &lt; b &gt; c."
    )
    root = etree.parse(str(site.output / "business" / "feed.xml")).getroot()
    encoded = root.find(
        f"channel/item/{{{'http://purl.org/rss/1.0/modules/content/'}}}encoded"
    ).text
    assert encoded == f"<p>{escaped_para}</p>"
    doc = json.loads((site.output / "business" / "feed.json").read_bytes())
    assert doc["items"][0]["content_html"] == f"<p>{escaped_para}</p>"
    page = next(p for p in (site.output / "business").glob("*.html") if p.name != "index.html")
    html = page.read_text("utf-8")
    assert "<script>" not in html and "<img" not in html and "<em>" not in html
    assert escaped_para in html


# --- random input (hypothesis) -----------------------------------------------------


def _safe_line(text: str) -> bool:
    # double-escape detection reads "&amp;" in text as escaped twice: keep such text out
    return not re.search(r"&(#?\w+);", text)


titles = st.text(min_size=1, max_size=80).filter(_safe_line)
paragraphs = st.lists(st.text(min_size=1, max_size=300).filter(_safe_line), min_size=1, max_size=4)
articles = st.lists(
    st.tuples(
        st.sampled_from(["Business", "Culture", "Ünïcode Désk"]),
        titles,
        st.sampled_from([None, "November 24, 2026", "2 hours ago", "24/11/2026"]),
        paragraphs,
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    articles=articles,
    eol=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
)
def test_random_articles_always_publish_valid_feeds(
    articles: list, eol: str, encoding: str
) -> None:
    from syndicate.config import load_config
    from syndicate.publish import publish

    pages = [_page(*[(s, t, d, tuple(p)) for s, t, d, p in articles], eol=eol)]
    data = pages[0].encode(encoding, errors="surrogatepass")
    assume(b"\x00" not in data[:4096])  # a NUL there marks the file as binary (refused by design)
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp), pages=None)
        write_page(
            site,
            "anchor.txt",
            _page(
                (
                    "Business",
                    "A steady article",
                    "November 2, 2026",
                    ("Always here, so no feed is empty.",),
                )
            ).encode(),
        )
        write_page(site, "random.txt", data)
        config = load_config(site.config)
        now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
        report = publish(config, now=now, deliver=False)
        view = check_output_dir(site.output)
        assert "A steady article" in {i.title for i in view.feeds["feed.xml"].items}
        assert len(view.feeds["feed.xml"].items) == min(report.articles_total, 50)
        # publishing again with nothing changed writes nothing
        again = publish(config, now=now, deliver=False)
        assert again.files_written == [], again.files_written


# --- the checkers reject what they should ------------------------------------------


def _mutate(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data, old
    return data.replace(old, new, 1)


def test_checkers_reject_broken_feeds(published_example: Site) -> None:
    out = published_example.output
    rss, atom, jsonf = ((out / n).read_bytes() for n in ("feed.xml", "atom.xml", "feed.json"))
    opml, index = (out / "feeds.opml").read_bytes(), (out / "index.html").read_bytes()
    guid = re.search(rb"<guid[^>]*>[^<]+</guid>", rss).group()
    broken = [
        (check_rss, _mutate(rss, guid, b""), "has no guid"),
        (check_rss, _mutate(rss, b"<pubDate>", b"<pubDate>not a date "), "not an RFC 822 date"),
        (
            check_rss,
            _mutate(rss, b"Crumb &amp; Kettle", b"Crumb &amp;amp; Kettle"),
            "escaped twice",
        ),
        (check_rss, _mutate(rss, b'rel="self"', b'rel="related"'), "rel=self"),
        (check_rss, b"<!DOCTYPE rss [<!ENTITY x 'y'>]>" + rss.split(b"?>", 1)[1], "DOCTYPE"),
        (check_rss, _mutate(rss, b"<title>", b"<title>\x0b"), "not well-formed"),
        (
            check_atom,
            re.sub(rb"\s*<author>.*?</author>", b"", atom, count=1, flags=re.DOTALL),
            "atom:author",
        ),
        (check_atom, _mutate(atom, b"<updated>", b"<updated>yesterday"), "RELAX NG"),
        (check_atom, re.sub(rb"(<updated>[^<]*?)\+00:00", rb"\1", atom, count=1), "RFC 3339"),
        (
            check_jsonfeed,
            jsonf.replace(b'"id": "urn:uuid:', b'"id": 0, "x": "', 1),
            "JSON Feed 1.1 schema",
        ),
        (check_jsonfeed, jsonf.replace(b'"content_html"', b'"no_content"'), "JSON Feed 1.1 schema"),
        (check_opml, re.sub(rb'xmlUrl="[^"]*"', b"", opml), "xmlUrl"),
        (check_opml, re.sub(rb"<body>.*</body>", b"<body/>", opml, flags=re.DOTALL), "no outline"),
        (check_html_autodiscovery, re.sub(rb'<link rel="alternate"[^>]*>', b"", index), "no <link"),
        (
            check_html_autodiscovery,
            _mutate(index, b"<body>", b"<body><script>x()</script>"),
            "<script>",
        ),
    ]
    for check, data, message in broken:
        with pytest.raises(AssertionError, match=re.escape(message)):
            check(data)
    # and each accepts the untouched original
    (
        check_rss(rss),
        check_atom(atom),
        check_jsonfeed(jsonf),
        check_opml(opml),
        check_html_autodiscovery(index),
    )
