"""Visible dates written the Chinese, Japanese and Korean way ("2019年4月21日 12時00分"),
and the custom time elements of GitHub-style pages (``<relative-time datetime=...>``)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from .parsed import published_of

TOKYO = ZoneInfo("Asia/Tokyo")
PROSE = "".join(
    f"<p>Sentence {i} of a story long enough to be an article page.</p>" for i in range(12)
)


def _published(shown: str, tz: ZoneInfo = TOKYO) -> datetime | None:
    page = (
        "<html><head><title>Story</title></head><body><article><h1>港の防波堤についての記事です</h1>"
        f'<p class="date">{shown}</p>{PROSE}</article></body></html>'
    )
    return published_of(page, tz, base_url="https://paper.example/a")


@pytest.mark.parametrize(
    ("shown", "want"),
    [
        ("2019年04月21日 12時00分更新", datetime(2019, 4, 21, 12, 0, tzinfo=TOKYO)),  # "updated"
        ("2019年4月4日", datetime(2019, 4, 4, tzinfo=TOKYO)),
        ("2019年4月4日（木） 09:43", datetime(2019, 4, 4, 9, 43, tzinfo=TOKYO)),  # weekday
        ("最新ニュース　2019年3月15日 9時5分", datetime(2019, 3, 15, 9, 5, tzinfo=TOKYO)),
        ("2019年3月15日公表", datetime(2019, 3, 15, tzinfo=TOKYO)),  # "published"
        ("发布时间：2017年03月01日 14时27分", datetime(2017, 3, 1, 14, 27, tzinfo=TOKYO)),
        ("2019년 4월 4일 오후 3:05", datetime(2019, 4, 4, 15, 5, tzinfo=TOKYO)),  # p.m.
        ("2019년 4월 4일 오전 9:05", datetime(2019, 4, 4, 9, 5, tzinfo=TOKYO)),  # a.m.
    ],
)
def test_a_cjk_written_date_is_read_with_its_time_in_the_input_zone(
    shown: str, want: datetime
) -> None:
    assert _published(shown) == want


def test_a_cjk_day_only_date_gives_way_to_the_same_day_with_a_time() -> None:
    page = (
        "<html><head><title>Story</title>"
        '<meta property="article:published_time" content="2019-04-04"></head><body><article>'
        '<h1>港の防波堤についての記事です</h1><p class="date">2019年4月4日 18時30分</p>'
        f"{PROSE}</article></body></html>"
    )
    assert published_of(page, TOKYO, base_url="https://paper.example/a") == datetime(
        2019, 4, 4, 18, 30, tzinfo=TOKYO
    )


def test_a_relative_time_element_gives_its_datetime() -> None:
    page = (
        "<html><head><title>Repository notes</title></head><body><main>"
        "<h1>Notes on the harbour wall survey</h1>"
        '<relative-time datetime="2020-07-07T12:10:51Z" title="Jul 7, 2020">on Jul 7</relative-time>'
        f"{PROSE}</main></body></html>"
    )
    assert published_of(page, base_url=None) == datetime(2020, 7, 7, 12, 10, 51, tzinfo=UTC)
