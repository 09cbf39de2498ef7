"""The scraped text-page source: the seed page, edge cases of real captures, and
properties (no crash, every line accounted for)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicate.model import BulletList, Heading, Paragraph
from syndicate.sources import SourceContext
from syndicate.sources.scraped import classify, parse

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_47e4df431e32f14d.txt"
CAPTURED = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def ctx(path: str = "page.txt", **kw: object) -> SourceContext:
    return SourceContext(path=path, captured_at=CAPTURED, **kw)  # type: ignore[arg-type]


def page(*articles: str, top: str = "Connect with us\n\n", end: str = "") -> str:
    return top + "\n\nContinue Reading\n\n".join(articles) + end


def article(title: str, *body: str, section: str = "Harbour", date: str | None = None) -> str:
    head = f"{section}\n\n{title}\n\nPublished\n\non\n\n"
    if date is not None:
        head += f"{date}\n\n"
    return head + "\n\n".join(body)


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(
            "the seed page ../shared/seeds/000_47e4df431e32f14d.txt is not beside this checkout"
        )
    return SEED.read_text(encoding="utf-8")


# The seed's own sentences stay in the seed: expectations are read from the file with
# rules simpler than the parser's (and counts checked by reading the page by hand).


def _seed_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _seed_titles(text: str) -> list[str]:
    """The line before each 'Published' line: how the theme prints a title."""
    lines = _seed_lines(text)
    return [lines[i - 1] for i, line in enumerate(lines) if line == "Published"]


def _seed_label(text: str) -> str:
    lines = _seed_lines(text)
    return lines[lines.index("Published") - 2]


def test_seed_gives_nine_articles_in_page_order(seed_text: str) -> None:
    result = parse(seed_text, ctx("seed.txt"))
    assert len(result.articles) == 9
    assert [a.title for a in result.articles] == _seed_titles(seed_text)
    assert {a.section for a in result.articles} == {_seed_label(seed_text)}
    assert all(a.published is None for a in result.articles)  # the sample prints no dates
    assert result.problems == ()


def test_seed_bullets_become_one_list_of_four(seed_text: str) -> None:
    bullets = [
        line.strip()[1:].strip()
        for line in seed_text.splitlines()
        if line.strip().startswith("\u2022")
    ]
    assert len(bullets) == 4
    articles = parse(seed_text, ctx()).articles
    lists = [(a.title, b) for a in articles for b in a.body if isinstance(b, BulletList)]
    assert len(lists) == 1
    title, the_list = lists[0]
    assert title == _seed_titles(seed_text)[2]  # the third article's
    assert the_list.items == tuple(bullets)


def test_seed_subheadings_become_headings(seed_text: str) -> None:
    articles = parse(seed_text, ctx()).articles
    # counted by reading the page: 2, 6, 5 and 3 interior subheadings, none elsewhere
    assert [sum(isinstance(b, Heading) for b in a.body) for a in articles] == [
        0,
        2,
        0,
        0,
        6,
        0,
        5,
        3,
        0,
    ]
    lines = set(_seed_lines(seed_text))
    for a in articles:
        for b in a.body:
            if isinstance(b, Heading):
                assert b.text in lines and len(b.text.split()) <= 15 and not b.text.endswith(".")
    question = [b.text for b in articles[6].body if isinstance(b, Heading) and b.text.endswith("?")]
    assert len(question) == 1  # a subheading may end in a question mark


def test_seed_bodies_carry_no_chrome(seed_text: str) -> None:
    chrome = {
        "Connect with us",
        "Continue Reading",
        "Most Viewed",
        "Published",
        "on",
        _seed_label(seed_text),
    }
    for a in parse(seed_text, ctx()).articles:
        texts = [b.text for b in a.body if isinstance(b, (Paragraph, Heading))]
        assert not chrome & set(texts), a.title
        assert a.title not in texts


def test_seed_every_line_is_accounted_for(seed_text: str) -> None:
    roles = classify(seed_text)
    non_blank = [n for n, line in enumerate(seed_text.splitlines(), 1) if line.strip()]
    assert sorted(roles) == non_blank
    assert roles[1] == "chrome"  # "Connect with us"
    assert list(roles.values()).count("title") == 9


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("November 24, 2024", datetime(2024, 11, 24, 0, 0, tzinfo=ZoneInfo("Europe/London"))),
        (
            "Nov 24, 2024 at 10:15 am",
            datetime(2024, 11, 24, 10, 15, tzinfo=ZoneInfo("Europe/London")),
        ),
        ("24/11/2024", datetime(2024, 11, 24, 0, 0, tzinfo=ZoneInfo("Europe/London"))),
        ("2 hours ago", CAPTURED.replace(hour=10)),
    ],
)
def test_date_line_in_the_forms_news_sites_print(printed: str, expected: datetime) -> None:
    text = page(
        article("Ferry timetable changes", "The winter timetable starts on Monday.", date=printed)
    )
    [a] = parse(text, ctx(tz=ZoneInfo("Europe/London"))).articles
    assert a.published == expected.astimezone(UTC)
    assert all(printed not in getattr(b, "text", "") for b in a.body)


def test_published_on_one_line_with_inline_date() -> None:
    text = "Harbour\n\nQuay works finish early\n\nPublished on November 3, 2026\n\nThe quay reopened today.\n"
    [a] = parse(text, ctx()).articles
    assert a.published == datetime(2026, 11, 3, tzinfo=UTC)
    assert a.body == (Paragraph(text="The quay reopened today."),)


def test_several_sections_on_one_page_keep_their_labels() -> None:
    text = page(
        article("Budget agreed", "Councillors agreed the budget.", section="Council"),
        article("Seals return", "Seals were seen on the sandbank.", section="Nature"),
    )
    assert [a.section for a in parse(text, ctx()).articles] == ["Council", "Nature"]


def test_bom_crlf_and_controls_are_handled() -> None:
    text = "\ufeff" + page(article("Night market\x07 opens", "Stalls open at\x00 six.")).replace(
        "\n", "\r\n"
    )
    [a] = parse(text, ctx()).articles
    assert a.title == "Night market opens"
    assert a.body == (Paragraph(text="Stalls open at six."),)


def test_byline_becomes_author() -> None:
    text = page(
        article("Orchard saved", "By Maren Oakes", "The orchard will stay, the trust said.")
    )
    [a] = parse(text, ctx()).articles
    assert [x.name for x in a.authors] == ["Maren Oakes"]
    assert a.body == (Paragraph(text="The orchard will stay, the trust said."),)


def test_most_viewed_block_is_chrome() -> None:
    text = page(
        article("Pier lights", "The pier lights were switched on."),
        end="\n\nMost Viewed\n\nSome other headline\n\nAnother headline\n",
    )
    [a] = parse(text, ctx()).articles
    assert a.body == (Paragraph(text="The pier lights were switched on."),)


def test_truncated_article_is_reported_and_the_rest_kept() -> None:
    text = page(
        article("Complete story", "It has a body."), "Harbour\n\nCut off story\n\nPublished\n\non\n"
    )
    result = parse(text, ctx("cut.txt"))
    assert [a.title for a in result.articles] == ["Complete story"]
    [problem] = result.problems
    assert str(problem).startswith("cut.txt:")
    assert "no body" in problem.message
    assert problem.line == text.splitlines().index("Cut off story") + 1


def test_unreadable_date_is_a_warning_and_the_article_kept() -> None:
    text = page(article("Odd date", "Body text here.", date="Thursday 31/31/2026"))
    result = parse(text, ctx())
    [a] = result.articles
    assert a.published is None
    assert [p.severity for p in result.problems] == ["warning"]
    assert a.body == (Paragraph(text="Body text here."),)


def test_page_without_articles_is_one_problem() -> None:
    result = parse("Just some text\n\nwith no article structure.\n", ctx("junk.txt"))
    assert result.articles == ()
    assert [(p.path, p.line) for p in result.problems] == [("junk.txt", 1)]


lines = st.one_of(
    st.sampled_from(
        [
            "Published",
            "on",
            "Continue Reading",
            "Most Viewed",
            "Connect with us",
            "  \u2022 item",
            "November 24, 2024",
            "2 hours ago",
            "",
            "Section",
            "A Title",
            "By Someone",
        ]
    ),
    st.text(min_size=0, max_size=60),
)


# an article header as the theme prints it (label, title, Published, on, maybe a date), so
# that the generated pages hold articles and not only chrome
headers = st.tuples(
    st.sampled_from(["Harbour", "City Council", "Section"]),
    st.sampled_from(["A Title", "Ferry fares frozen again", "Council meets"]),
    st.sampled_from([["Published", "on"], ["Published on November 24, 2024"]]),
    st.sampled_from([[], ["November 24, 2024"], ["2 hours ago"], ["Not a date at all"]]),
).map(lambda t: [t[0], t[1], *t[2], *t[3]])
chunks = st.one_of(lines.map(lambda line: [line]), headers)


@settings(max_examples=300, deadline=None)
@given(st.lists(chunks, max_size=30).map(lambda parts: [line for part in parts for line in part]))
def test_parser_never_crashes_and_accounts_for_every_line(raw: list[str]) -> None:
    text = "\n".join(raw)
    result = parse(text, ctx())
    roles = classify(text)
    from syndicate.sources.scraped import _elements

    assert sorted(roles) == [e.number for e in _elements(text)]
    assert set(roles.values()) <= {"label", "title", "meta", "date", "byline", "body", "chrome"}
    for a in result.articles:
        assert a.title.strip() and a.body
    # each article (from its label line to the next) keeps every body line as one block
    # or list item, or is skipped with a problem at its label or title line
    by_label = {a.origin.line: a for a in result.articles}
    problem_lines = {p.line for p in result.problems if p.severity == "error"}
    groups: list[tuple[int, int, int]] = []  # (label line, title line, body lines)
    for number in sorted(roles):
        if roles[number] == "label":
            groups.append((number, 0, 0))
        elif groups and roles[number] == "title":
            groups[-1] = (groups[-1][0], number, groups[-1][2])
        elif groups and roles[number] == "body":
            groups[-1] = (groups[-1][0], groups[-1][1], groups[-1][2] + 1)
    assert set(by_label) <= {label for label, _, _ in groups}
    for label, title_line, body_lines in groups:
        if label in by_label:
            kept = sum(
                len(b.items) if isinstance(b, BulletList) else 1 for b in by_label[label].body
            )
            assert kept == body_lines, (label, kept, body_lines)
        else:
            assert {label, title_line} & problem_lines, (
                f"article at line {label} vanished without a problem"
            )


def test_a_second_date_line_is_a_warning_and_stays_out_of_the_body() -> None:
    text = (
        "Harbour\n\nFog closes the bay\n\nPublished\n\non\n\nNovember 20, 2026\n\nNovember 21, 2026\n\n"
        "Ships waited outside until noon.\n"
    )
    result = parse(text, ctx())
    [a] = result.articles
    assert a.published == datetime(2026, 11, 20, tzinfo=UTC)
    assert a.body == (Paragraph(text="Ships waited outside until noon."),)
    assert [(p.line, p.severity) for p in result.problems] == [(11, "warning")]


@pytest.mark.parametrize(
    "first_body_line",
    ["In 2026 the quay was rebuilt twice.", "Crews worked 24 hours a day", "Tuesday was calm."],
)
def test_a_body_line_with_a_number_is_not_a_second_date(first_body_line: str) -> None:
    text = f"Harbour\n\nQuay rebuilt\n\nPublished\n\non\n\nNovember 20, 2026\n\n{first_body_line}\n\nThe end.\n"
    result = parse(text, ctx())
    [a] = result.articles
    assert a.body[0] in (Paragraph(text=first_body_line), Heading(text=first_body_line))
    assert result.problems == ()


@pytest.mark.parametrize(
    ("last", "warned"),
    [
        ("The first barge brought two hundred stones and the", True),
        ("It ended well.", False),
        ("Who pays?", False),
        ("\u201cWe are done,\u201d she said.", False),
        ("\u2022 a list item without a full stop", False),
    ],
)
def test_only_a_last_article_cut_mid_sentence_is_reported_as_truncated(
    last: str, warned: bool
) -> None:
    text = f"Harbour\n\nStones delivered\n\nPublished\n\non\n\nNovember 20, 2026\n\nA first paragraph.\n\n{last}\n"
    result = parse(text, ctx())
    assert len(result.articles) == 1
    assert [p.line for p in result.problems if "mid-sentence" in p.message] == (
        [13] if warned else []
    )


def test_an_article_followed_by_continue_reading_is_not_truncated() -> None:
    text = (
        "Harbour\n\nStones delivered\n\nPublished\n\non\n\nNovember 20, 2026\n\nThe barge brought the\n\n"
        "Continue Reading\n"
    )
    assert parse(text, ctx()).problems == ()
