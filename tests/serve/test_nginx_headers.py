"""config/nginx/syndicate.conf, run by a real nginx on 127.0.0.1, answers with the same
headers as `syndicate serve` on the same output folder (issue 11). Skipped when nginx
is not installed (CI installs it: apt-get install nginx)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from publisher_helpers import make_site

from syndicate.config import load_config
from syndicate.publish import publish
from syndicate.serve import build_app, make_server, server_url

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "config" / "nginx" / "syndicate.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
HUB = "http://127.0.0.1:9/hub"
SITE = "https://news.example.org/"
PATHS = [
    "feed.xml",
    "atom.xml",
    "feed.json",
    "business/feed.xml",
    "business/atom.xml",
    "business/feed.json",
    "feeds.opml",
    "index.html",
    "business/index.html",
    "business/",
    "",
]
SAME = ("Content-Type", "Cache-Control", "X-Content-Type-Options", "Content-Encoding")

if NGINX is None and os.environ.get("SYNDICATE_REQUIRE_NGINX"):
    raise RuntimeError(
        "nginx is required here (SYNDICATE_REQUIRE_NGINX is set by .ci/run) but not installed"
    )
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    root = tmp_path_factory.mktemp("nginx")
    config = load_config(make_site(root, hubs=[HUB], base_url=SITE))
    publish(config, deliver=False)
    (config.output.dir / ".syndicate-tmp-abc").write_text("half-written")
    port = _free_port()
    conf = (
        CONF.read_text()
        .replace("__LISTEN__", f"127.0.0.1:{port}")
        .replace("__ROOT__", str(Path(config.output.dir).resolve()))
        .replace("__SITE_URL__", SITE)
        .replace("__HUB_URL__", HUB)
        .replace("__MAX_AGE__", str(config.serve.max_age))
    )
    (root / "syndicate.conf").write_text(conf)
    temps = " ".join(
        f"{k}_temp_path {root / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (root / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\nerror_log {root / 'error.log'};\npid {root / 'nginx.pid'};\n"
        f"events {{}}\nhttp {{\naccess_log off;\n{temps}\ninclude {root / 'syndicate.conf'};\n}}\n"
    )
    proc = subprocess.Popen(
        [str(NGINX), "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    nginx_url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            requests.get(nginx_url, timeout=1)
            break
        except requests.ConnectionError:
            if proc.poll() is not None:
                pytest.fail(
                    f"nginx did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
                )
            time.sleep(0.05)
    server = make_server(build_app(config), "127.0.0.1", 0)
    threading.Thread(target=server.run, daemon=True).start()
    yield server_url(server), nginx_url
    server.close()
    proc.terminate()
    proc.wait(10)


def _links(resp: requests.Response) -> set[str]:
    return {v.strip() for v in resp.raw.headers.getlist("Link") for v in v.split(",")}


@pytest.mark.parametrize("rel", PATHS)
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_nginx_sends_the_headers_serve_sends(
    servers: tuple[str, str], rel: str, encoding: str
) -> None:
    ours, theirs = (
        requests.get(base + rel, headers={"Accept-Encoding": encoding}, timeout=5, stream=True)
        for base in servers
    )
    assert ours.status_code == theirs.status_code == 200
    for name in SAME:
        assert ours.headers.get(name) == theirs.headers.get(name), (rel, name)
    assert _links(ours) == _links(theirs), rel
    assert ("Accept-Encoding" in ours.headers.get("Vary", "")) == (
        "Accept-Encoding" in theirs.headers.get("Vary", "")
    )
    for resp in (ours, theirs):
        assert resp.headers.get("ETag") and resp.headers.get("Last-Modified")
    ours.content, theirs.content  # noqa: B018 - read both bodies
    assert ours.content == theirs.content  # requests decodes gzip: the same file either way


@pytest.mark.parametrize("rel", ["feed.xml", "business/atom.xml", "index.html"])
def test_nginx_answers_conditional_polls_with_304_like_serve(
    servers: tuple[str, str], rel: str
) -> None:
    cache = set()
    for base in servers:
        first = requests.get(base + rel, timeout=5)
        again = requests.get(
            base + rel, timeout=5, headers={"If-None-Match": first.headers["ETag"]}
        )
        assert again.status_code == 304, base
        cache.add(again.headers.get("Cache-Control"))
    assert len(cache) == 1 and None not in cache


@pytest.mark.parametrize("rel", [".syndicate-tmp-abc", "nope.xml"])
def test_nginx_refuses_dotfiles_and_missing_files_like_serve(
    servers: tuple[str, str], rel: str
) -> None:
    assert [requests.get(base + rel, timeout=5).status_code for base in servers] == [404, 404]
