"""Score the HTML source per field on the fixtures in tests/data/html/, next to trafilatura alone.

    python bench/score_extract.py [--verbose] [--inflate] [--dir DIR]

``--dir`` scores another fixture directory (default tests/data/html/; the held-out
set is tests/data/html-heldout/). A fixture is ``NAME.html`` plus ``NAME.expected.json`` (our own pages; see
tests/data/html/). Fields: title exact, published exact to the minute with zone,
body token F1 (article pages only), url, section. trafilatura alone is given the same
page URL and scored on title, date (its ``date`` is day-only: it cannot match a
minute) and body.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from syndicate.sources import SourceContext  # noqa: E402
from syndicate.sources.html import parse  # noqa: E402
from syndicate.sources.rules import load_rule_file  # noqa: E402

FIXTURES = ROOT / "tests" / "data" / "html"
RULES = ROOT / "config" / "rules"
CAPTURED = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def token_f1(got: str, want: str) -> float:
    g, w = Counter(tokens(got)), Counter(tokens(want))
    common = sum((g & w).values())
    if not common:
        return 0.0
    precision, recall = common / sum(g.values()), common / sum(w.values())
    return 2 * precision * recall / (precision + recall)


def html_text(fragment: str) -> str:
    from lxml.html import fragment_fromstring

    return fragment_fromstring(fragment, create_parent="div").text_content() if fragment else ""


def minute(value: str | datetime | None) -> str | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def fixture_dir() -> Path:
    if "--dir" in sys.argv:
        return Path(sys.argv[sys.argv.index("--dir") + 1]).resolve()
    return FIXTURES


def load_fixtures() -> list[tuple[str, str, dict]]:
    out = []
    for page in sorted(fixture_dir().glob("*.html")):
        expected_path = page.with_suffix(".expected.json")
        if expected_path.exists():
            out.append(
                (
                    page.stem,
                    page.read_text(encoding="utf-8"),
                    json.loads(expected_path.read_text("utf-8")),
                )
            )
    return out


def context_for(name: str, expected: dict) -> SourceContext:
    options = dict(expected.get("options", {}))
    if expected.get("rule"):
        options["rule"] = load_rule_file(str(RULES / f"{expected['rule']}.toml"))
    return SourceContext(
        path=f"{name}.html",
        captured_at=CAPTURED,
        tz=ZoneInfo(expected["tz"]),
        base_url=expected.get("base_url"),
        options=options,
    )


def score(verbose: bool = False) -> dict[str, list[float]]:
    fields: dict[str, list[float]] = {
        k: []
        for k in (
            "title",
            "published",
            "url",
            "section",
            "body_f1",
            "traf_title",
            "traf_date",
            "traf_body_f1",
        )
    }
    import trafilatura

    for name, text, expected in load_fixtures():
        if "--inflate" in sys.argv:
            from bench.bench_extract import inflate

            text = inflate(text)
        result = parse(text, context_for(name, expected))
        by_url = {a.url: a for a in result.articles}
        for want in expected["articles"]:
            got = by_url.get(want["url"])
            if got is None and result.articles and len(expected["articles"]) == 1:
                got = result.articles[0]
            ok = {
                "title": got is not None and got.title == want["title"],
                "published": got is not None
                and minute(got.published) == minute(want.get("published")),
                "url": got is not None and got.url == want["url"],
                "section": got is not None and got.section == want["section"],
            }
            for key, value in ok.items():
                fields[key].append(float(value))
            if "body" in want:
                body = (
                    "".join(html_text(b.html) for b in got.body if hasattr(b, "html"))
                    if got
                    else ""
                )
                fields["body_f1"].append(token_f1(body, want["body"]))
                doc = trafilatura.bare_extraction(
                    text, url=expected.get("base_url"), with_metadata=True
                )
                t_title = doc.title if doc else None
                t_date = doc.date if doc else None
                fields["traf_title"].append(float(t_title == want["title"]))
                fields["traf_date"].append(
                    float(
                        bool(t_date)
                        and minute(
                            datetime.fromisoformat(t_date).replace(tzinfo=ZoneInfo(expected["tz"]))
                        )
                        == minute(want["published"])
                    )
                )
                t_body = trafilatura.extract(text, url=expected.get("base_url")) or ""
                fields["traf_body_f1"].append(token_f1(t_body, want["body"]))
            if verbose:
                bad = [k for k, v in ok.items() if not v]
                print(
                    f"{name}: {want['title'][:50]!r}: {'ok' if not bad else 'WRONG ' + ', '.join(bad)}"
                )
                if bad and got is not None:
                    print(
                        f"    got title={got.title!r} published={got.published} url={got.url} section={got.section!r}"
                    )
        for problem in result.problems:
            if verbose:
                print(f"    problem: {problem}")
    return fields


def main() -> None:
    fields = score(verbose="--verbose" in sys.argv)
    print(f"{'field':<14} {'score':>6}  n")
    for key, values in fields.items():
        if values:
            print(f"{key:<14} {sum(values) / len(values):6.3f}  {len(values)}")


if __name__ == "__main__":
    main()
