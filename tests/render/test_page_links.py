"""Links between article pages, section pages and feeds are relative paths: the same
paths ``posixpath.relpath`` gives, without its working-directory lookup."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from syndicate.render.pages import relative

BASE = "https://news.example.org/"
segment = st.sampled_from(["a", "b", "sec-1", ".", "..", "index.html", "x.xml"])
path = st.lists(segment, min_size=0, max_size=4).map("/".join)


@given(target=path, here=path)
def test_a_link_is_the_relpath_from_the_linking_page(target: str, here: str) -> None:
    start = posixpath.dirname(here) or "."
    folder = target == "" or target.endswith("/")
    want = posixpath.relpath(target + "index.html" if folder else target, start)
    assert relative(BASE + target, here, BASE) == want


def test_a_link_outside_the_site_is_kept_whole() -> None:
    assert (
        relative("https://elsewhere.example/x", "a/b.html", BASE) == "https://elsewhere.example/x"
    )


def test_a_folder_link_points_at_its_index() -> None:
    assert relative(BASE + "sec-1/", "sec-2/story.html", BASE) == "../sec-1/index.html"
    assert relative(BASE + "feed.xml#top", "sec-2/story.html", BASE) == "../feed.xml"
