"""syndicate.serve under waitress on 127.0.0.1, fetched with requests (and raw
http.client where requests would normalise the path before sending it)."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import feedparser
import pytest
import requests
from lxml import etree
from publisher_helpers import Proc, make_site

from syndicate.config import Config, load_config
from syndicate.publish import publish
from syndicate.serve import build_app, make_server, server_url

HUB = "http://127.0.0.1:9/hub"  # never contacted: publish runs with deliver=False
FEEDS = {
    "feed.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json",
    "business/feed.xml": "application/rss+xml; charset=utf-8",
    "business/atom.xml": "application/atom+xml; charset=utf-8",
    "business/feed.json": "application/feed+json",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Config, str]]:
    root = tmp_path_factory.mktemp("serve")
    config = load_config(make_site(root, hubs=[HUB], base_url="https://news.example.org/"))
    publish(config, deliver=False)
    (root / "secret.txt").write_text("TOP SECRET outside output/")
    os.symlink(root / "secret.txt", config.output.dir / "leak.txt")
    os.symlink(root, config.output.dir / "up")
    (config.output.dir / ".syndicate-tmp-abc").write_text("half-written")
    server = make_server(build_app(config), "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield config, server_url(server).rstrip("/")
    server.close()


def get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, timeout=(2, 5))


@pytest.mark.parametrize("rel", sorted(FEEDS))
def test_feed_served_with_type_validators_cache_and_websub_links(
    site: tuple[Config, str], rel: str
) -> None:
    config, base = site
    resp = get(f"{base}/{rel}", **{"Accept-Encoding": "identity"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == FEEDS[rel]
    assert resp.content == (config.output.dir / rel).read_bytes()
    etag = resp.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    mtime = (config.output.dir / rel).stat().st_mtime
    assert resp.headers["Last-Modified"] == format_datetime(
        datetime.fromtimestamp(int(mtime), UTC), usegmt=True
    )
    assert resp.headers["Cache-Control"] == "public, max-age=60"
    assert resp.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in resp.headers
    assert resp.links["hub"]["url"] == HUB
    assert resp.links["self"]["url"] == f"https://news.example.org/{rel}"
    # what a reader gets over HTTP: the example page's five articles, in the right format
    if rel.endswith(".json"):
        served = json.loads(resp.content)
        assert served["version"] == "https://jsonfeed.org/version/1.1"
        assert len(served["items"]) == 5 and all(i["id"] and i["title"] for i in served["items"])
    else:
        root = etree.fromstring(resp.content)
        parsed = feedparser.parse(resp.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        if rel.endswith("atom.xml"):
            assert root.tag == "{http://www.w3.org/2005/Atom}feed" and parsed.version == "atom10"
        else:
            assert root.tag == "rss" and parsed.version == "rss20"
        assert len(parsed.entries) == 5 and all(e.id and e.title for e in parsed.entries)


@pytest.mark.parametrize("rel", ["feed.xml", "feed.json"])
def test_revalidation_answers_304_on_either_validator(site: tuple[Config, str], rel: str) -> None:
    _, base = site
    first = get(f"{base}/{rel}", **{"Accept-Encoding": "identity"})
    by_etag = get(
        f"{base}/{rel}", **{"If-None-Match": first.headers["ETag"], "Accept-Encoding": "identity"}
    )
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag.headers["ETag"] == first.headers["ETag"]
    assert by_etag.links["self"]["url"].endswith(rel)
    by_date = get(f"{base}/{rel}", **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304
    stale = get(
        f"{base}/{rel}", **{"If-None-Match": '"not-the-etag"', "Accept-Encoding": "identity"}
    )
    assert stale.status_code == 200 and stale.content == first.content
    older = get(f"{base}/{rel}", **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert older.status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 section 13.2.2)
    both = get(
        f"{base}/{rel}",
        **{"If-None-Match": '"other"', "If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert both.status_code == 200


def test_gzip_when_asked_with_its_own_etag(site: tuple[Config, str]) -> None:
    config, base = site
    plain = get(f"{base}/feed.xml", **{"Accept-Encoding": "identity"})
    raw = requests.get(
        f"{base}/feed.xml", headers={"Accept-Encoding": "gzip"}, timeout=(2, 5), stream=True
    )
    body = raw.raw.read(decode_content=False)
    assert raw.headers["Content-Encoding"] == "gzip"
    assert raw.headers["Vary"] == "Accept-Encoding"
    assert int(raw.headers["Content-Length"]) == len(body) < len(plain.content)
    assert gzip.decompress(body) == (config.output.dir / "feed.xml").read_bytes()
    assert raw.headers["ETag"] != plain.headers["ETag"]
    revalidated = get(
        f"{base}/feed.xml", **{"Accept-Encoding": "gzip", "If-None-Match": raw.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    refused = get(f"{base}/feed.xml", **{"Accept-Encoding": "gzip;q=0, br"})
    assert "Content-Encoding" not in refused.headers


def test_head_has_the_headers_and_no_body(site: tuple[Config, str]) -> None:
    _, base = site
    full = get(f"{base}/atom.xml", **{"Accept-Encoding": "identity"})
    head = requests.head(
        f"{base}/atom.xml", headers={"Accept-Encoding": "identity"}, timeout=(2, 5)
    )
    assert head.status_code == 200 and head.content == b""
    for name in (
        "ETag",
        "Last-Modified",
        "Content-Type",
        "Content-Length",
        "Link",
        "Cache-Control",
    ):
        assert head.headers[name] == full.headers[name], name


def test_opml_and_html_types_and_directory_index(site: tuple[Config, str]) -> None:
    config, base = site
    opml = get(f"{base}/feeds.opml")
    assert opml.headers["Content-Type"] == "text/x-opml; charset=utf-8"
    assert "Link" not in opml.headers  # discovery headers are for feeds only
    root = get(f"{base}/")
    assert root.headers["Content-Type"] == "text/html; charset=utf-8"
    assert root.content == (config.output.dir / "index.html").read_bytes()
    section = get(f"{base}/business/")
    assert section.content == (config.output.dir / "business" / "index.html").read_bytes()
    redirect = requests.get(f"{base}/business", allow_redirects=False, timeout=(2, 5))
    assert redirect.status_code == 301 and redirect.headers["Location"] == "/business/"
    assert get(f"{base}/nope.xml").status_code == 404
    assert requests.post(f"{base}/feed.xml", timeout=(2, 5)).status_code == 405


def raw_get(base: str, path: str) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/business/../../secret.txt",
        "/..%2fsecret.txt",
        "/business%2f..%2f..%2fsecret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/business/%2e%2e/%2e%2e/secret.txt",
        "/leak.txt",
        "/up/secret.txt",
        "/feed.xml%00",
        "/..\\secret.txt",
        "/.syndicate-tmp-abc",
        "/%2esyndicate-tmp-abc",
    ],
)
def test_paths_outside_output_are_refused(site: tuple[Config, str], path: str) -> None:
    _, base = site
    status, body = raw_get(base, path)
    assert status in (400, 404), (path, status)
    assert b"SECRET" not in body and b"half-written" not in body


def test_healthz_reports_last_run_and_notices(site: tuple[Config, str]) -> None:
    _, base = site
    resp = get(f"{base}/healthz")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.headers["Cache-Control"] == "no-store"
    doc = resp.json()
    assert doc["status"] == "ok"
    assert doc["last_run"]["status"] == "ok" and doc["last_run"]["summary"]["new"] == 5
    # publish queued one ping per changed feed for the hub (deliver=False: still pending)
    assert doc["notices"] == {"pending": 6, "dead": 0}


def test_new_file_version_gets_a_new_etag(site: tuple[Config, str]) -> None:
    config, base = site
    path = config.output.dir / "extra.html"
    path.write_text("<p>one</p>")
    first = get(f"{base}/extra.html")
    path.write_text("<p>two, longer</p>")
    second = get(f"{base}/extra.html")
    assert second.text == "<p>two, longer</p>" and first.headers["ETag"] != second.headers["ETag"]
    assert get(f"{base}/extra.html", **{"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_serve_command_runs_and_stops_on_sigterm(tmp_path: Path) -> None:
    config = load_config(make_site(tmp_path))
    publish(config, deliver=False)
    proc = Proc(["serve", "--config", str(config.path), "--port", "0"], cwd=tmp_path, name="serve")
    try:
        url = proc.wait_log(r"url=(http://\S+)").group(1)
        resp = get(url + "feed.json")
        assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/feed+json"
        code, _ = proc.stop()
        assert code == 0
    finally:
        proc.close()


def test_each_encoding_revalidates_only_with_its_own_etag(site: tuple[Config, str]) -> None:
    _, base = site
    plain = get(f"{base}/feed.xml", **{"Accept-Encoding": "identity"})
    zipped = requests.get(
        f"{base}/feed.xml", headers={"Accept-Encoding": "gzip"}, timeout=(2, 5), stream=True
    )
    assert zipped.headers["Content-Encoding"] == "gzip"
    # the identity ETag does not validate the gzip representation, nor the reverse
    cross = requests.get(
        f"{base}/feed.xml",
        headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]},
        timeout=(2, 5),
        stream=True,
    )
    assert cross.status_code == 200 and cross.headers["Content-Encoding"] == "gzip"
    back = get(
        f"{base}/feed.xml",
        **{"Accept-Encoding": "identity", "If-None-Match": zipped.headers["ETag"]},
    )
    assert back.status_code == 200 and back.content == plain.content
    same = requests.get(
        f"{base}/feed.xml",
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]},
        timeout=(2, 5),
    )
    assert same.status_code == 304


def test_small_files_are_sent_uncompressed_and_unknown_types_as_octet_stream(
    site: tuple[Config, str],
) -> None:
    config, base = site
    (config.output.dir / "tiny.txt").write_text("short", encoding="utf-8")
    (config.output.dir / "blob.unknownext").write_bytes(b"\x00\x01" * 400)
    tiny = requests.get(
        f"{base}/tiny.txt", headers={"Accept-Encoding": "gzip"}, timeout=(2, 5), stream=True
    )
    assert tiny.status_code == 200 and "Content-Encoding" not in tiny.headers
    assert tiny.raw.read(decode_content=False) == b"short"
    blob = get(f"{base}/blob.unknownext", **{"Accept-Encoding": "gzip"})
    assert blob.headers["Content-Type"] == "application/octet-stream"
    assert "Content-Encoding" not in blob.headers and blob.content == b"\x00\x01" * 400
