"""The publish gate (issue 15): every feed document is checked before any replaces the
old one; a failing gate leaves what was published and exits 1, one line per failure."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from publisher_helpers import page_text
from test_archives import BASE, NOW, _add, _files, _publish, _site

from syndicate.config import load_config
from syndicate.errors import RenderError
from syndicate.gate import Expected, check_document
from syndicate.model import FeedFormat
from syndicate.publish import publish

HUB = "http://127.0.0.1:9/hub"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    config = _site(tmp_path)
    text = config.read_text(encoding="utf-8") + f'\n[[hubs]]\nurl = "{HUB}"\n'
    config.write_text(text, encoding="utf-8")
    _add(tmp_path, "world", "World", [f"World story {n}" for n in range(9)], 1)
    _publish(config)
    return tmp_path / "output"


def _feed_docs(out: Path) -> dict[str, Expected]:
    docs = {}
    for path in sorted(out.rglob("*")):
        fmt = next((f for f in FeedFormat if path.name == f.filename), None)
        if fmt is not None:
            rel = str(path.relative_to(out))
            archive = "archive/" in rel
            docs[rel] = Expected(format=fmt, url=BASE + rel, hubs=() if archive else (HUB,))
    return docs


def test_every_document_a_publish_writes_passes_the_gate_and_feedparser_reads_it_without_bozo(
    out: Path,
) -> None:
    docs = _feed_docs(out)
    assert any("archive/" in rel for rel in docs) and "world/feed.json" in docs
    for rel, expected in docs.items():
        data = (out / rel).read_bytes()
        assert check_document(data, expected, now=NOW) == [], rel
        if expected.format is not FeedFormat.JSON:
            assert not feedparser.parse(data).bozo, rel  # the lighter XML check stands for this


def _fails(
    out: Path, rel: str, edit: tuple[bytes, bytes], expected: Expected | None = None
) -> list[str]:
    data = (out / rel).read_bytes()
    assert edit[0] in data, f"{edit[0]!r} not in {rel}"
    exp = expected or _feed_docs(out)[rel]
    return check_document(data.replace(edit[0], edit[1], 1), exp, now=NOW)


@pytest.mark.parametrize("whole_max", [None, 0], ids=["whole", "stream"])
def test_each_check_refuses_what_it_should(
    out: Path, whole_max: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if whole_max is not None:
        monkeypatch.setattr("syndicate.docscan.WHOLE_MAX", whole_max)
    assert "not well-formed XML" in _fails(out, "world/feed.xml", (b"</channel>", b""))[0]
    assert (
        "exactly one rel=self"
        in _fails(out, "world/atom.xml", (b'rel="self"', b'rel="related"'))[0]
    )
    assert (
        "exactly one rel=self"
        in _fails(out, "world/feed.xml", (b"world/feed.xml", b"world/other.xml"))[0]
    )
    assert "hub links" in _fails(out, "world/atom.xml", (b'rel="hub"', b'rel="related"'))[0]
    assert "hub links" in _fails(out, "world/feed.json", (b'"hubs"', b'"_hubs"'))[0]
    data = (out / "world/feed.json").read_bytes()
    doc = json.loads(data)
    first_id = doc["items"][0]["id"].encode()
    second_id = doc["items"][1]["id"].encode()
    assert "appears 2 times" in _fails(out, "world/feed.json", (second_id, first_id))[0]
    assert any(
        "in the future" in m
        for m in _fails(out, "world/atom.xml", (b"<updated>2026-11", b"<updated>2027-11"))
    )
    schema = _fails(out, "world/feed.json", (b'"version"', b'"versio"'))
    assert schema and all(m.startswith("JSON Feed schema:") for m in schema)


def test_a_failing_gate_leaves_the_old_files_and_exits_1_with_a_line_per_failure(out: Path) -> None:
    root = out.parent
    before = _files(out)
    future = _days_ahead(1)  # tomorrow: under a day ahead (inputs clamp dates further out)
    (root / "pages" / "oops.txt").write_text(
        page_text("A story from next year", section="World", date=future), encoding="utf-8"
    )
    config = root / "syndicate.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "[output]\n", '[output]\nfuture_dates = "error"\n'
        ),
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "syndicate", "publish", "--config", str(config), "--no-push"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    lines = [line for line in run.stderr.splitlines() if "in the future" in line]
    assert len(lines) == len({line.split(":")[0] for line in lines})  # one line per document
    assert "publish gate:" in run.stderr and "no feed was replaced" in run.stderr
    # one line per failure, each naming the file: the world and combined feeds, all three formats
    assert {line.split(":")[0].strip() for line in lines} >= {
        "world/feed.xml",
        "world/atom.xml",
        "world/feed.json",
        "feed.xml",
    }
    after = _files(out)
    feeds = {rel for rel in before if any(rel.endswith(f.filename) for f in FeedFormat)}
    assert feeds and {rel: after[rel] for rel in before} == before  # every old file byte for byte
    assert not [
        p for p in out.rglob("*") if ".tmp" in p.name or p.name.startswith(".")
    ]  # no temps left


def test_future_dates_warn_by_default_and_refuse_with_future_dates_error(out: Path) -> None:
    root = out.parent
    config = root / "syndicate.toml"
    (root / "pages" / "soon.txt").write_text(
        page_text("A story dated next month", section="World", date=_days_ahead(1)),
        encoding="utf-8",
    )
    report = publish(
        load_config(config), deliver=False
    )  # by the clock: inputs clamp dates a day ahead of it
    warnings = [p for p in report.problems if "publish gate" in p.message]
    assert warnings and all(
        p.severity == "warning" and "in the future" in p.message for p in warnings
    )
    assert {p.path for p in warnings} >= {"world/feed.xml", "world/atom.xml", "world/feed.json"}
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "[output]\n", '[output]\nfuture_dates = "error"\n'
        ),
        encoding="utf-8",
    )
    (root / "pages" / "soon.txt").write_text(
        page_text("Another story dated later", section="World", date=_days_ahead(1)),
        encoding="utf-8",
    )
    with pytest.raises(RenderError, match="in the future"):
        publish(load_config(config), deliver=False)


def _days_ahead(days: int) -> str:
    """A date that is in the future by the clock, as the scraped pages print dates."""
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%B %d, %Y").replace(" 0", " ")


def test_the_fast_schema_check_agrees_with_jsonschema_on_every_mutation(out: Path) -> None:
    import jsonschema

    from syndicate.gate import _rule, _schema_errors

    full = jsonschema.Draft202012Validator(_rule("item"))
    item = json.loads((out / "world/feed.json").read_bytes())["items"][0]
    item["authors"] = [{"name": "A. Writer"}]
    mutations: list[object] = [item, {k: v for k, v in item.items() if k != "id"}]
    for key in [*item, "image", "attachments", "tags", "language", "banner_image"]:
        for bad in (7, "", None, [], {"x": 1}, "not a url", [{"url": 3}], True):
            mutations.append({**item, key: bad})
    mutations += [{**item, "authors": [{}]}, {**item, "authors": [{"name": 1}]}, "x", 3, []]
    disagree = [
        m
        for m in mutations
        if bool(list(full.iter_errors(m))) != bool(_schema_errors("item", m, ()))
    ]
    assert len(mutations) > 100 and disagree == []
