"""`syndicate serve` answers 410 Gone for a withdrawn article's page (issue 11), with the
notice as the body, on a real waitress server; other pages stay 200."""

from __future__ import annotations

import threading
from pathlib import Path

import requests
from lxml import etree
from sitefactory import article, make_site, page

from syndicate.publish import publish
from syndicate.serve import build_app, make_server, server_url


def test_withdrawn_page_is_410_gone_and_restored_page_200(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    site.write_page(
        "a.txt",
        page(
            article("Harbour gala cancelled", "The gala will not go ahead."),
            article("Quay clock restored", "The clock strikes again."),
        ),
    )
    publish(site.config(), deliver=False)
    guid = next(
        i.findtext("guid")
        for i in etree.fromstring((site.output / "feed.xml").read_bytes()).iter("item")
        if i.findtext("title") == "Harbour gala cancelled"
    )
    publish(site.config(), deliver=False, withdraw=[guid])
    server = make_server(build_app(site.config()), "127.0.0.1", 0)
    threading.Thread(target=server.run, daemon=True).start()
    base = server_url(server)
    try:
        gone = requests.get(base + "harbour/harbour-gala-cancelled.html", timeout=5)
        assert gone.status_code == 410
        assert '<meta name="robots" content="noindex">' in gone.text
        assert gone.headers["Content-Type"] == "text/html; charset=utf-8"
        head = requests.head(base + "harbour/harbour-gala-cancelled.html", timeout=5)
        assert head.status_code == 410
        cond = requests.get(
            base + "harbour/harbour-gala-cancelled.html",
            timeout=5,
            headers={"If-None-Match": gone.headers["ETag"]},
        )
        assert cond.status_code == 410  # never a 304 for a gone page
        assert requests.get(base + "harbour/quay-clock-restored.html", timeout=5).status_code == 200
        publish(site.config(), deliver=False, withdraw=[guid], restore=True)
        assert (
            requests.get(base + "harbour/harbour-gala-cancelled.html", timeout=5).status_code == 200
        )
    finally:
        server.close()
