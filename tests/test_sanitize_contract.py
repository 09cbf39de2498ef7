"""Dangerous markup never reaches a reader: every input kind, every output.

One table of hostile fragments (scripts by URL scheme, event handlers, ``style``,
``srcset``, SVG, forms, plugins, ``<base>``, meta refresh) is fed through each input kind
(scraped text, HTML page, Markdown, JSON export) of one real publish; then every feed
format (RSS description and content:encoded, Atom content and summary, JSON Feed
content_html) and the article pages are parsed as a reader would parse them and checked
element by element (tests/markup_check.py). Each case also carries safe words that
must arrive, so a dropped article or body cannot pass for a clean one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from markup_check import element_violations, url_scheme, violations

from syndicate.config import load_config
from syndicate.publish import publish
from syndicate.sanitize import sanitize_html

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
BASE = "https://contract.example/"

# name -> a fragment of hostile markup (one line, so every input kind can carry it)
DANGER: dict[str, str] = {
    "javascript-link": '<a href="javascript:alert(1)">js link</a>',
    "javascript-obfuscated": '<a href="  JaVa&#x09;ScRiPt:alert(1)">obfuscated link</a>',
    "vbscript-link": '<a href="vbscript:msgbox(1)">vb link</a>',
    "data-html-link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>',
    "data-svg-image": '<img src="data:image/svg+xml,%3Csvg%20onload%3Dalert(1)%3E" alt="data image">',
    "event-handlers": '<img src="https://img.contract.example/a.png" onerror="alert(1)" alt="pic">'
    '<b onclick="alert(2)" onmouseover="alert(3)">bold</b>',
    "style-attribute": '<span style="background:url(javascript:alert(1))">styled words</span>',
    "style-element": "<style>body{background:url(javascript:alert(1))}</style>",
    "srcset": '<img src="https://img.contract.example/b.png" srcset="javascript:alert(1) 1x, '
    'data:image/png;base64,AAAA 2x" alt="set">',
    "svg": '<svg onload="alert(1)"><script>alert(2)</script><a xlink:href="javascript:alert(3)">s</a></svg>',
    "script": "<script>alert(1)</script>",
    "iframe": '<iframe src="https://evil.contract.example/"></iframe>',
    "form": '<form action="https://evil.contract.example/steal"><input name="card">'
    '<button formaction="javascript:alert(1)">send</button></form>',
    "embed-object": '<embed src="https://evil.contract.example/x.swf">'
    '<object data="https://evil.contract.example/x.swf"></object>',
    "base": '<base href="https://evil.contract.example/">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.contract.example/">',
}
KINDS = ("scraped", "html", "markdown", "json")
SAFE = "Harbourside lantern festival draws crowds"  # words every case's body carries


def title(kind: str, case: str) -> str:
    return f"Contract {kind} {case.replace('-', ' ')}"


def _scraped(kind: str, case: str, fragment: str) -> str:
    return (
        f"Contract\n\n{title(kind, case)}\n\nPublished\n\non\n\nNovember 20, 2026\n\n"
        f"{SAFE} along the quay, before the markup {fragment} and after it.\n\n"
        "The organisers said the quay was busier than last year.\n\n"
        "A closing paragraph that keeps the article long enough to be read as one.\n\n"
    )


def _html(kind: str, case: str, fragment: str) -> str:
    para = "The organisers counted more visitors than last year and thanked the volunteers. " * 3
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title(kind, case)}</title></head><body><article><h1>{title(kind, case)}</h1>"
        "<time datetime='2026-11-20T10:00:00Z'>20 November 2026</time>"
        f"<p>{SAFE} along the quay, before the markup {fragment} and after it. {para}</p>"
        f"<p>{para}</p>"
        f"<p>{para}</p></article></body></html>"
    )


def _markdown(kind: str, case: str, fragment: str) -> str:
    return (
        f"---\ntitle: {title(kind, case)}\ndate: 2026-11-20T10:00:00Z\nsection: Contract\n---\n\n"
        f"{SAFE} along the quay, before the markup {fragment} and after it.\n\n"
        "A closing paragraph.\n"
    )


def _json_entry(kind: str, case: str, fragment: str) -> dict[str, str]:
    return {
        "title": title(kind, case),
        "date": "2026-11-20T10:00:00Z",
        "section": "Contract",
        "content": f"<p>{SAFE} along the quay, before the markup {fragment} and after it.</p>"
        "<p>The organisers said the quay was busier than last year.</p>",
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class Published:
    out: Path
    # title -> [(where, HTML a reader renders)] over every feed file and article page
    fragments: dict[str, list[tuple[str, str]]]
    pages: dict[str, lxml_html.HtmlElement]  # title -> parsed article page


def _write_site(root: Path) -> Path:
    for kind in ("scraped", "html", "markdown"):
        (root / kind).mkdir(parents=True)
    entries = []
    for case, fragment in DANGER.items():
        (root / "scraped" / f"{case}.txt").write_text(
            _scraped("scraped", case, fragment), encoding="utf-8"
        )
        (root / "html" / f"{case}.html").write_text(_html("html", case, fragment), encoding="utf-8")
        (root / "markdown" / f"{case}.md").write_text(
            _markdown("markdown", case, fragment), encoding="utf-8"
        )
        entries.append(_json_entry("json", case, fragment))
    (root / "export.json").write_text(json.dumps(entries, indent=1), encoding="utf-8")
    groups = "".join(
        f'[[inputs]]\nname = "{kind}"\npaths = ["{pattern}"]\nformat = "{kind}"\n'
        'section = "Contract"\ncaptured_at = 2026-11-27T09:00:00Z\n\n'
        for kind, pattern in (
            ("scraped", "scraped/*.txt"),
            ("html", "html/*.html"),
            ("markdown", "markdown/*.md"),
            ("json", "export.json"),
        )
    )
    config = root / "syndicate.toml"
    config.write_text(
        f'[site]\ntitle = "Contract Courier"\nbase_url = "{BASE}"\n\n{groups}'
        '[output]\ndir = "output"\nformats = ["rss", "atom", "json"]\nitem_limit = 500\n'
        'article_pages = true\n\n[state]\npath = "state/site.db"\n',
        encoding="utf-8",
    )
    return config


def _feed_fragments(out: Path) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    atom = "{http://www.w3.org/2005/Atom}"
    content_ns = "{http://purl.org/rss/1.0/modules/content/}encoded"
    for path in sorted(out.rglob("feed.xml")):
        rel = str(path.relative_to(out))
        for item in etree.parse(str(path)).getroot().iter("item"):
            name = item.findtext("title") or ""
            for tag, label in (("description", "description"), (content_ns, "content:encoded")):
                found.setdefault(name, []).append((f"{rel} {label}", item.findtext(tag) or ""))
    for path in sorted(out.rglob("atom.xml")):
        rel = str(path.relative_to(out))
        for entry in etree.parse(str(path)).getroot().iter(f"{atom}entry"):
            name = entry.findtext(f"{atom}title") or ""
            for tag in ("content", "summary"):
                el = entry.find(f"{atom}{tag}")
                if el is None:
                    continue
                kind = el.get("type", "text")
                # type="text" is shown as text by every reader: only html/xhtml can carry markup
                text = (
                    (el.text or "")
                    if kind == "html"
                    else (
                        "".join(etree.tostring(c, encoding="unicode") for c in el)
                        if kind == "xhtml"
                        else ""
                    )
                )
                found.setdefault(name, []).append((f"{rel} {tag} ({kind})", text))
    for path in sorted(out.rglob("feed.json")):
        rel = str(path.relative_to(out))
        for item in json.loads(path.read_bytes())["items"]:
            # summary and content_text are plain text by the JSON Feed 1.1 spec
            found.setdefault(item["title"], []).append(
                (f"{rel} content_html", item.get("content_html", ""))
            )
    return found


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    root = tmp_path_factory.mktemp("contract")
    config = load_config(_write_site(root))
    report = publish(config, now=NOW)
    assert report.errors == []
    out = config.output.dir
    pages: dict[str, lxml_html.HtmlElement] = {}
    for page in out.glob("*/*.html"):
        if page.name != "index.html":
            doc = lxml_html.fromstring(page.read_bytes())
            pages[doc.findtext(".//article/h1") or ""] = doc
    return Published(out=out, fragments=_feed_fragments(out), pages=pages)


CASES = [(kind, case) for kind in KINDS for case in DANGER]


def _fragments(published: Published, kind: str, case: str) -> list[tuple[str, str]]:
    fragments = published.fragments.get(title(kind, case))
    assert fragments, f"{title(kind, case)!r} is in no feed"
    # the combined feed and the section feed, each in three formats, and the RFC 5005
    # archive pages holding the item (issue 15): outputs too, checked alike
    where = {w.split(" ")[0] for w, _ in fragments}
    assert SUBSCRIPTION <= where, where
    assert all(w in SUBSCRIPTION or "/archive/" in "/" + w for w in where), where
    return fragments


SUBSCRIPTION = {
    "feed.xml",
    "atom.xml",
    "feed.json",
    "contract/feed.xml",
    "contract/atom.xml",
    "contract/feed.json",
}


def _is_body(where: str) -> bool:
    return "content" in where


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}-{c}" for k, c in CASES])
def test_hostile_markup_reaches_no_feed_body(published: Published, kind: str, case: str) -> None:
    bodies = [(w, text) for w, text in _fragments(published, kind, case) if _is_body(w)]
    # content:encoded, Atom content, content_html; combined + section (+ archive pages)
    assert len([w for w, _ in bodies if w.split(" ")[0] in SUBSCRIPTION]) == 6
    assert all(
        SAFE in lxml_html.fragment_fromstring(b, create_parent="div").text_content()
        for _, b in bodies
    )
    assert [(w, v) for w, text in bodies for v in violations(text)] == []


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}-{c}" for k, c in CASES])
def test_hostile_markup_reaches_no_feed_summary(published: Published, kind: str, case: str) -> None:
    summaries = [(w, text) for w, text in _fragments(published, kind, case) if not _is_body(w)]
    assert summaries  # RSS description at least; Atom summary when its type is html
    assert any(SAFE in text for _, text in summaries)
    assert [(w, v) for w, text in summaries for v in violations(text)] == []


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}-{c}" for k, c in CASES])
def test_hostile_markup_reaches_no_article_page(published: Published, kind: str, case: str) -> None:
    doc = published.pages.get(title(kind, case))
    assert doc is not None, f"no article page for {title(kind, case)!r}"
    article = doc.find(".//article")
    assert article is not None and SAFE in article.text_content()
    assert element_violations(article) == []
    # outside the article the page holds its own <style>, charset/viewport/description
    # metas and feed links: nothing else of those kinds, and no refresh or base anywhere
    head = doc.find("head")
    assert head is not None
    assert [el.tag for el in doc.iter("style", "base", "script")] == ["style"]
    assert all(m.get("http-equiv") is None for m in doc.iter("meta"))
    assert element_violations(doc, allowed_tags=frozenset({"style", "meta", "link"})) == []


def test_index_and_section_pages_carry_no_hostile_markup(published: Published) -> None:
    pages = [published.out / "index.html", published.out / "contract" / "index.html"]
    for page in pages:
        doc = lxml_html.fromstring(page.read_bytes())
        assert [el.tag for el in doc.iter("style", "base", "script")] == ["style"], page.name
        assert element_violations(doc, allowed_tags=frozenset({"style", "meta", "link"})) == []
    section = (published.out / "contract" / "index.html").read_text(encoding="utf-8")
    assert all(title(k, c) in section for k, c in CASES)


# --- the sanitizer itself: the pure gate every HTML body goes through ------------------


@pytest.mark.parametrize("case", sorted(DANGER))
def test_sanitizer_leaves_no_live_hostile_markup(case: str) -> None:
    cleaned = sanitize_html(f"<p>{SAFE} {DANGER[case]} after</p>", base_url=BASE)
    assert violations(cleaned) == []
    assert SAFE in cleaned and "after" in cleaned


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
        "blob:https://contract.example/1",
        "filesystem:https://contract.example/x",
        "ftp://files.contract.example/x",
        "//evil.contract.example/x",
    ],
)
@pytest.mark.parametrize("attr", ["a href", "img src", "blockquote cite", "q cite", "del cite"])
def test_no_scheme_but_http_mailto_tel_survives_in_a_url_attribute(url: str, attr: str) -> None:
    tag, name = attr.split(" ")
    close = "" if tag == "img" else f"x</{tag}>"
    cleaned = sanitize_html(f'<p><{tag} {name}="{url}">{close}</p>', base_url=BASE)
    root = lxml_html.fragment_fromstring(cleaned, create_parent="div")
    values = [el.get(name) for el in root.iter(tag) if el.get(name) is not None]
    assert all(url_scheme(v) in {"http", "https"} for v in values), cleaned


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://contract.example/a", "https://contract.example/a"),
        ("http://contract.example/a", "http://contract.example/a"),
        ("mailto:desk@contract.example", "mailto:desk@contract.example"),
        ("tel:+353100000", "tel:+353100000"),
        ("/relative/path", "https://contract.example/relative/path"),
    ],
)
def test_safe_links_survive_and_relative_ones_become_absolute(url: str, kept: str) -> None:
    cleaned = sanitize_html(f'<p><a href="{url}">x</a></p>', base_url=BASE)
    link = lxml_html.fragment_fromstring(cleaned, create_parent="div").find(".//a")
    assert link is not None and link.get("href") == kept


def test_relative_links_are_dropped_without_a_base_url() -> None:
    cleaned = sanitize_html('<p><a href="/relative">x</a> <img src="pic.png" alt="p"></p>')
    root = lxml_html.fragment_fromstring(cleaned, create_parent="div")
    assert [el.get("href") for el in root.iter("a")] == [None]
    assert [el.get("src") for el in root.iter("img")] == [None]


def test_content_of_dropped_elements_goes_with_them() -> None:
    cleaned = sanitize_html(
        "<p>kept</p><script>alert('gone')</script><style>.gone{}</style>"
        "<form><p>form text gone</p></form><svg><text>svg text gone</text></svg>"
        "<iframe>frame text gone</iframe><textarea>area gone</textarea>"
    )
    assert "kept" in cleaned
    assert "gone" not in cleaned
