"""Score the HTML source per field on public dev sets of real pages, beside trafilatura
alone and a naive metadata extractor, in one run.

    python bench/score_real.py --mirrors DIR [--set NAME] [--part dev|held|all] [--verbose] [--no-unpack]
        [--timezone page|UTC]

``DIR`` holds bare git snapshots named ``owner+name/repo`` (what the session's fetch tool
leaves; any ``git clone --bare`` laid out so works) of the four repositories below. Their
pages are unpacked into ``bench/real/`` (ignored by git: publishers' pages are never
committed) and read from there. The sets and the truth each brings:

- mozilla/readability ``test/test-pages/*/``: source.html; expected-metadata.json (title,
  byline, publishedTime); expected.html (body text and subheadings).
- postlight/parser ``fixtures/`` with the first test case of each
  ``src/extractors/custom/*/index.test.js``: title, author, date_published, and the
  first 13 words of the content ("body start").
- AndyTheFactory/newspaper4k ``tests/data/``: html/*.html with metadata/*.json (title,
  authors, publish_date) and txt/*.txt (body text).
- adbar/trafilatura ``tests/cache/`` with ``tests/evaldata.json``: text snippets the
  body must hold ("with") and must not hold ("without"); no metadata truth.

Fields: one article (the page read as exactly one article, not a listing), title exact (whitespace folded), date exact (same instant within 60 s; only where
the truth has a time of day; a zoneless truth is a wall clock, matched at any offset in
use; a postlight truth is read in its extractor's ``timezone``, where local midnight is
a date with no time of day: see ``date_scores``) and same day, body F1 over 4-word shingles (text read with a
break at every block and <br>, for every system and the truth alike), subheading
precision and recall per page, authors (same set of names), body start, snippets.
Speed: seconds over all pages for each system in this run, as a ratio to trafilatura.
All pages are read with the generic path (no site rules), zone UTC.

Every page falls, by a hash of its set and name, into a dev part (two in three pages: the
ones to look at with ``--verbose`` while fixing causes) or a held-out part (the rest: never
tuned on, reported beside). ``--part all`` (the default) prints a table for each part.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from lxml import html as lxml_html  # noqa: E402
from trafilatura.htmlprocessing import build_html_output  # noqa: E402

from syndicate.model import Html  # noqa: E402
from syndicate.sources import SourceContext  # noqa: E402
from syndicate.sources.html import parse  # noqa: E402

UNPACKED = ROOT / "bench" / "real"
CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
SETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "readability": ("mozilla+readability", ("test/test-pages",)),
    "postlight": ("postlight+parser", ("fixtures", "src/extractors/custom")),
    "newspaper4k": ("AndyTheFactory+newspaper4k", ("tests/data",)),
    "trafilatura": ("adbar+trafilatura", ("tests/cache", "tests/evaldata.json")),
}


@dataclass(slots=True, kw_only=True)
class Case:
    set: str
    name: str
    page: Path
    url: str | None
    title: str | None = None
    date: str | None = None
    zone: str | None = None  # the zone the truth's own extractor read the page's dates in
    authors: tuple[str, ...] | None = None
    body: str | None = None
    subheads: tuple[str, ...] | None = None
    start: str | None = None
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Got:
    title: str = ""
    date: datetime | None = None
    authors: tuple[str, ...] = ()
    body_html: str = ""
    articles: int = 1  # how many articles the system read on the page


# --- bringing the sets in --------------------------------------------------------------


def unpack(mirrors: Path) -> None:
    for name, (repo, paths) in SETS.items():
        git_dir = mirrors / repo / "repo"
        if not git_dir.exists():
            print(f"skipped set {name}: no snapshot at {git_dir}", file=sys.stderr)
            continue
        target = UNPACKED / name
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", f"--git-dir={git_dir}", "archive", "HEAD", *paths],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)


def load_readability(base: Path) -> Iterator[Case]:
    for folder in sorted((base / "test" / "test-pages").iterdir()):
        meta_path = folder / "expected-metadata.json"
        if not (folder / "source.html").exists() or not meta_path.exists():
            continue
        meta = json.loads(meta_path.read_text("utf-8"))
        expected = lxml_html.fromstring((folder / "expected.html").read_text("utf-8") or "<div/>")
        heads = tuple(fold(h.text_content()) for h in expected.iter("h2", "h3", "h4", "h5", "h6"))
        yield Case(
            set="readability",
            name=folder.name,
            page=folder / "source.html",
            url="http://fakehost/test/page.html",
            title=meta.get("title"),
            date=meta.get("publishedTime"),
            authors=split_names(meta.get("byline")),
            body=block_text(expected),
            subheads=tuple(h for h in heads if h),
        )


_JS_STRING = r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`)"
_JS_VALUE = rf"(?:{_JS_STRING}(?:\s*\+\s*{_JS_STRING})*|null)"


def js_value(raw: str) -> str | None:
    if raw.strip() == "null":
        return None
    parts = re.findall(_JS_STRING, raw)
    return "".join(_js_string(p) for p in parts)


def _js_string(literal: str) -> str:
    if literal[0] == "`":
        return literal[1:-1]
    try:
        return str(ast.literal_eval(literal))
    except (ValueError, SyntaxError):
        return literal[1:-1]


def load_postlight(base: Path) -> Iterator[Case]:
    for test in sorted((base / "src" / "extractors" / "custom").glob("*/index.test.js")):
        source = test.read_text("utf-8")
        first = source.split("\n  it(", 1)[0]  # the "initial test case" block
        url = re.search(rf"url\s*=\s*({_JS_VALUE})", first)
        fixture = re.search(r"readFileSync\(\s*['\"]\./(fixtures/[^'\"]+)['\"]", first)
        if url is None or fixture is None or not (base / fixture.group(1)).exists():
            continue
        truth: dict[str, str | None] = {}
        for key in ("title", "author", "date_published", "first13"):
            found = re.search(rf"assert\.equal\(\s*{key},\s*({_JS_VALUE})\s*,?\s*\)", first)
            if found:
                truth[key] = js_value(found.group(1))
        yield Case(
            set="postlight",
            name=test.parent.name,
            page=base / fixture.group(1),
            url=js_value(url.group(1)),
            title=truth.get("title"),
            date=truth.get("date_published"),
            zone=extractor_zone(test.parent / "index.js"),
            authors=split_names(truth["author"]) if "author" in truth else None,
            start=truth.get("first13"),
        )


_DATE_RULE = re.compile(r"date_published:\s*\{(.*?)\n\s*\}", re.DOTALL)
_RULE_ZONE = re.compile(r"timezone:\s*['\"]([^'\"]+)['\"]")


def extractor_zone(path: Path) -> str | None:
    """The ``timezone`` of a postlight extractor's ``date_published`` rule: the zone its
    truth was computed in (a day-only "2019年02月13日" read in Asia/Tokyo is given as
    "2019-02-12T15:00:00.000Z", local midnight, a day with no time of day)."""
    if not path.exists():
        return None
    rule = _DATE_RULE.search(path.read_text("utf-8"))
    zone = _RULE_ZONE.search(rule.group(1)) if rule else None
    return zone.group(1) if zone else None


def load_newspaper(base: Path) -> Iterator[Case]:
    data = base / "tests" / "data"
    for meta_path in sorted((data / "metadata").glob("*.json")):
        page, text = (
            data / "html" / f"{meta_path.stem}.html",
            data / "txt" / f"{meta_path.stem}.txt",
        )
        if not page.exists():
            continue
        meta = json.loads(meta_path.read_text("utf-8"))
        yield Case(
            set="newspaper4k",
            name=meta_path.stem,
            page=page,
            url=meta.get("url"),
            title=meta.get("title"),
            date=meta.get("publish_date"),
            authors=tuple(meta["authors"]) if meta.get("authors") else None,
            body=text.read_text("utf-8") if text.exists() else meta.get("text"),
        )


def load_trafilatura(base: Path) -> Iterator[Case]:
    truth = json.loads((base / "tests" / "evaldata.json").read_text("utf-8"))
    for url, entry in truth.items():
        page = base / "tests" / "cache" / entry["file"]
        if page.exists():
            yield Case(
                set="trafilatura",
                name=entry["file"],
                page=page,
                url=url,
                with_=tuple(entry.get("with", ())),
                without=tuple(entry.get("without", ())),
            )


LOADERS: dict[str, Callable[[Path], Iterator[Case]]] = {
    "readability": load_readability,
    "postlight": load_postlight,
    "newspaper4k": load_newspaper,
    "trafilatura": load_trafilatura,
}


# --- the three systems -------------------------------------------------------------------


# As an input that sets no timezone reads pages: zoneless dates in the zone the page's
# language names, else UTC (docs/inputs.md). ``--timezone UTC`` reads them all as UTC.
ZONE_FROM_PAGE = True


def run_syndicate(text: str, case: Case) -> Got:
    ctx = SourceContext(
        path=case.name,
        captured_at=CAPTURED,
        tz=ZoneInfo("UTC"),
        base_url=case.url,
        zone_from_page=ZONE_FROM_PAGE,
    )
    result = parse(text, ctx)
    if not result.articles:
        return Got(articles=0)
    article = result.articles[0]
    body = "".join(b.html for b in article.body if isinstance(b, Html))
    if len(result.articles) > 1:  # an article page read as a listing: count it against us
        body = ""
    return Got(
        title=article.title,
        date=article.published,
        authors=tuple(a.name for a in article.authors),
        body_html=body,
        articles=len(result.articles),
    )


def run_trafilatura(text: str, case: Case) -> Got:
    doc = trafilatura.bare_extraction(
        text,
        url=case.url,
        with_metadata=True,
        output_format="html",
        include_formatting=True,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    if doc is None or isinstance(doc, dict):
        return Got()
    body = str(build_html_output(doc)) if doc.body is not None else ""
    return Got(
        title=doc.title or "",
        date=to_moment(doc.date),
        authors=split_names(doc.author) or (),
        body_html=body,
    )


def run_naive(text: str, case: Case) -> Got:
    """What a page declares, read the obvious way: og:title or <title>,
    article:published_time or the first <time datetime>, meta author, every <p>."""
    try:
        root = lxml_html.document_fromstring(text)
    except Exception:
        return Got()

    def meta(*keys: str) -> str:
        for key in keys:
            for element in root.xpath(f"//meta[@property='{key}' or @name='{key}']"):
                if element.get("content"):
                    return str(element.get("content"))
        return ""

    title = meta("og:title") or (root.findtext(".//title") or "")
    times = root.xpath("//time/@datetime")
    date = meta("article:published_time", "datePublished", "date") or (times[0] if times else "")
    body = "".join(
        f"<{e.tag}>{e.text_content()}</{e.tag}>"
        for e in root.iter("p", "h2", "h3", "h4")
        if not any(a.tag in ("nav", "footer", "header", "aside") for a in e.iterancestors())
    )
    return Got(
        title=" ".join(title.split()),
        date=to_moment(date),
        authors=split_names(meta("author")) or (),
        body_html=body,
    )


SYSTEMS: dict[str, Callable[[str, Case], Got]] = {
    "syndicate": run_syndicate,
    "trafilatura": run_trafilatura,
    "naive": run_naive,
}


# --- scoring -----------------------------------------------------------------------------


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def split_names(raw: str | None) -> tuple[str, ...] | None:
    if not raw:
        return None
    raw = re.sub(r"^\s*(?:by|von|par|por)\s+", "", fold(raw), flags=re.IGNORECASE)
    names = re.split(r"\s*(?:,|;|\band\b|\bund\b|&|\|)\s*", raw)
    return tuple(n for n in (n.strip() for n in names) if n)


def name_key(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(re.sub(r"\W+", " ", n.casefold()).strip() for n in names if n.strip())


def to_moment(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# The UTC offsets in use (whole hours, and the half and quarter hours some zones keep):
# a zoneless truth ("2015-04-30T07:19:58", a page's own wall clock) matches an answer
# that is the same wall-clock time at one of them.
_OFFSETS = tuple(timedelta(hours=h) for h in range(-12, 15)) + tuple(
    timedelta(minutes=m)
    for m in (-570, -210, -150, 210, 270, 330, 345, 390, 525, 570, 630, 765, 825)
)


_NEAR = timedelta(seconds=60)


def date_scores(case: Case, got: datetime | None) -> dict[str, float]:
    """Date exact (only where the truth has a time of day) and date same day.

    A truth with no zone leaves the zone out: it says the wall clock only, so it is
    exact for an answer at that wall-clock time in any offset in use, and its day is
    compared in the offset that matched (else in UTC). A truth whose extractor read the
    page in a named zone has its day, and its time of day, in that zone: local midnight
    there is a date with no time of day, and a day-only answer read in UTC (as all
    systems here read pages) is the same day at its UTC midnight."""
    truth = to_moment(case.date)
    if truth is None:
        return {}
    zoneless = re.search(r"(?:Z|[+-]\d{2}:?\d{2})$", (case.date or "").strip()) is None
    local = truth
    if case.zone and not zoneless:
        try:
            local = truth.astimezone(ZoneInfo(case.zone))
        except (KeyError, ValueError):
            pass
    has_time = bool(re.search(r"[T ]\d{2}:\d{2}", case.date or "")) and (
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
    ) != (0, 0, 0, 0)
    matched = None
    if has_time and got is not None:
        offsets = _OFFSETS if zoneless else (timedelta(0),)
        matched = next((o for o in offsets if abs(got - (truth - o)) <= _NEAR), None)
    scores: dict[str, float] = {}
    if has_time:
        scores["date exact"] = float(matched is not None)
    if got is None:
        scores["date same day"] = 0.0
    elif zoneless:
        shift = matched if matched is not None else timedelta(0)
        scores["date same day"] = float((got.astimezone(UTC) + shift).date() == truth.date())
    else:
        # In the truth's zone, or in UTC (the zone the systems read the pages in): a
        # day-only answer read in UTC is the right day at UTC midnight.
        days = {got.astimezone(local.tzinfo).date()}
        if got.astimezone(UTC) == got.astimezone(UTC).replace(
            hour=0, minute=0, second=0, microsecond=0
        ):
            days.add(got.astimezone(UTC).date())
        scores["date same day"] = float(local.date() in days)
    return scores


_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]|\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _TOKEN.findall(text.casefold())
    return Counter(tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 1 if words else 0)))


def shingle_f1(got: str, want: str) -> float:
    g, w = shingles(got), shingles(want)
    common = sum((g & w).values())
    if not common:
        return 0.0
    precision, recall = common / sum(g.values()), common / sum(w.values())
    return 2 * precision * recall / (precision + recall)


def body_parts(body_html: str) -> tuple[str, tuple[str, ...]]:
    if not body_html.strip():
        return "", ()
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    heads = tuple(fold(h.text_content()) for h in root.iter("h2", "h3", "h4", "h5", "h6"))
    return block_text(root), tuple(h for h in heads if h)


_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr td th figure "
    "figcaption section article header footer dd dt hr".split()
)


def block_text(root: lxml_html.HtmlElement) -> str:
    """The text with a line break where a block or <br> ends: ``text_content()`` alone
    glues "...all for</p><p>the blog" into the non-word "forthe", which no shingle of the
    truth matches (the same reading for every system and for the truth)."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return str(root.text_content())


def score_case(case: Case, got: Got, scores: dict[str, list[float]]) -> list[str]:
    """Adds this page's scores; returns the names of the fields it got wrong."""
    wrong: list[str] = []

    def add(key: str, value: float) -> None:
        scores.setdefault(key, []).append(value)
        if value < 0.5:
            wrong.append(key)

    text, heads = body_parts(got.body_html)
    add("one article", float(got.articles == 1))  # every page in the sets is one article
    if case.title:
        add("title exact", float(fold(got.title) == fold(case.title)))
    for key, value in date_scores(case, got.date).items():
        add(key, value)
    if case.body:
        add("body F1", shingle_f1(text, case.body))
    if case.subheads is not None:
        if heads:
            add("subhead precision", sum(h in case.subheads for h in heads) / len(heads))
        if case.subheads:
            add("subhead recall", sum(h in heads for h in case.subheads) / len(case.subheads))
    if case.authors is not None:
        add("authors", float(name_key(got.authors) == name_key(case.authors)))
    if case.start:
        add("body start", float(fold(case.start)[:60] in fold(text)[:400]))
    folded = fold(text)
    if case.with_:
        add("snippets with", sum(fold(s) in folded for s in case.with_) / len(case.with_))
    if case.without:
        add(
            "snippets without", sum(fold(s) not in folded for s in case.without) / len(case.without)
        )
    return wrong


@dataclass(slots=True)
class Tally:
    scores: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def run(cases: list[Case], verbose: bool) -> Tally:
    tally = Tally()
    for case in cases:
        text = case.page.read_text("utf-8", errors="replace")
        for system, extract in SYSTEMS.items():
            start = time.perf_counter()
            got = extract(text, case)
            tally.seconds[system] = tally.seconds.get(system, 0.0) + time.perf_counter() - start
            wrong = score_case(case, got, tally.scores.setdefault(system, {}))
            if verbose and system == "syndicate" and wrong:
                print(f"{case.set}/{case.name}: WRONG {', '.join(wrong)}")
                print(f"    got title={got.title!r} date={got.date} authors={got.authors}")
                print(f"    want title={case.title!r} date={case.date} authors={case.authors}")
    return tally


def part_of(case: Case) -> str:
    digest = hashlib.sha256(f"{case.set}/{case.name}".encode()).digest()
    return "held" if digest[0] % 3 == 0 else "dev"


def table(cases: list[Case], tally: Tally, title: str) -> None:
    per_set = Counter(c.set for c in cases)
    print(f"\n{title}: {len(cases)} pages: " + ", ".join(f"{k} {v}" for k, v in per_set.items()))
    systems = list(SYSTEMS)
    print(f"| {'field':<18} | " + " | ".join(f"{s:>11}" for s in systems) + " |   n |")
    print("|" + "---|" * (len(systems) + 2))
    for key in tally.scores["syndicate"]:
        cells = []
        for system in systems:
            values = tally.scores[system].get(key, [])  # subhead precision: pages with any
            cells.append(f"{sum(values) / len(values):11.3f}" if values else f"{'':>11}")
        print(
            f"| {key:<18} | " + " | ".join(cells) + f" | {len(tally.scores['syndicate'][key]):>3} |"
        )
    base = tally.seconds["trafilatura"]
    print(
        f"| {'speed vs trafilatura':<18} | "
        + " | ".join(f"{base / tally.seconds[s]:10.2f}x" for s in systems)
        + " |     |"
    )


def main() -> None:
    args = sys.argv[1:]
    if "--no-unpack" not in args:
        if "--mirrors" not in args:
            sys.exit(__doc__)
        unpack(Path(args[args.index("--mirrors") + 1]))
    chosen = [args[args.index("--set") + 1]] if "--set" in args else list(LOADERS)
    cases = [
        c for name in chosen if (UNPACKED / name).exists() for c in LOADERS[name](UNPACKED / name)
    ]
    part = args[args.index("--part") + 1] if "--part" in args else "all"
    global ZONE_FROM_PAGE
    ZONE_FROM_PAGE = "--timezone" not in args or args[args.index("--timezone") + 1] == "page"
    for name in ("dev", "held"):
        if part in (name, "all"):
            chosen_cases = [c for c in cases if part_of(c) == name]
            verbose = "--verbose" in args and name == "dev"
            label = "dev part" if name == "dev" else "held-out part"
            table(chosen_cases, run(chosen_cases, verbose=verbose), label)


if __name__ == "__main__":
    main()
