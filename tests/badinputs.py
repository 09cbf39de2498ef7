"""A corpus of bad inputs (our own writing), generated into a temp folder by the tests.

Each :class:`Bad` is one kind of bad input: the files it puts under ``pages/`` (beside
a good article the test adds), the problem lines the run must print for it (file,
line, severity and a fragment of the message), the titles of its own that must still
be published, and text that must never reach a feed. ``kind`` is one of the four
input kinds: ``text`` (scraped text pages), ``html``, ``markdown``, ``json`` (JSON
and JSON Lines exports).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Name = str | bytes


@dataclass(frozen=True)
class Expect:
    path: str  # as printed: relative to the config folder, escaped
    line: int
    severity: str
    fragment: str  # part of the message

    def matches(self, text: str) -> bool:
        head = f"{self.path}:{self.line}: {self.severity}: "
        return text.startswith(head) and self.fragment in text[len(head) :]


@dataclass(frozen=True)
class Bad:
    id: str
    kind: str
    files: dict[Name, bytes]
    expect: tuple[Expect, ...]
    published: tuple[str, ...] = ()  # titles of this input that must be in the feed
    absent: tuple[str, ...] = ()  # text that must be in no output file
    setup: Callable[[Path], None] | None = None  # extra files: symlinks, pipes (root = site folder)
    extra: dict[str, str] = field(default_factory=dict)  # extra keys for the [[inputs]] table


GOOD_TITLE = "Lighthouse keeper hands over the lamp room"
GOOD_PAGE = (
    f"Harbour\n\n{GOOD_TITLE}\n\nPublished\n\non\n\nNovember 20, 2026\n\n"
    "After forty winters on the point the keeper passed the keys to her deputy on Friday.\n"
)


def text(
    title: str,
    *,
    body: str = "The ferry timetable changes on Monday, the operator said.",
    date: str = "November 21, 2026",
    section: str = "Harbour",
) -> str:
    """A scraped text page with one article: label 1, title 3, Published 5, on 7, date 9, body 11."""
    return f"{section}\n\n{title}\n\nPublished\n\non\n\n{date}\n\n{body}\n"


def html(
    title: str,
    *,
    body: str = "<p>The new bridge opens to cyclists first, the council said on Tuesday.</p>"
    "<p>Cars follow a week later, once the lights are tested.</p>",
    date: str = "2026-11-21T10:00:00Z",
    canonical: str | None = None,
    head: str = "",
) -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n{link}\n'
        f'<meta property="article:published_time" content="{date}">\n{head}</head>\n<body>\n<article>\n'
        f"<h1>{title}</h1>\n{body}\n</article>\n</body>\n</html>\n"
    )


def md(
    title: str,
    *,
    body: str = "The market hall reopens with forty stalls and a new roof.",
    date: str = "2026-11-21T09:00:00Z",
    extra: str = "",
) -> str:
    """Markdown with YAML front matter: --- 1, title 2, date 3, section 4, extra, --- , body."""
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date}\nsection: Culture\n{extra}---\n\n{body}\n"


def entry(title: str, **more: object) -> dict[str, object]:
    return {
        "title": title,
        "date": "2026-11-21T08:00:00Z",
        "section": "Harbour",
        "content": "<p>The pontoon was towed back into place at high tide.</p>",
        **more,
    }


def js(*entries: object) -> str:
    """A JSON array with one entry per line: [ on line 1, entries on lines 2, 3, ..."""
    return "[\n" + ",\n".join(json.dumps(e, ensure_ascii=False) for e in entries) + "\n]\n"


def b(s: str) -> bytes:
    return s.encode("utf-8")


def E(path: str, line: int, severity: str, fragment: str) -> Expect:  # noqa: N802 - reads as a table
    return Expect(path, line, severity, fragment)


LONG_TITLE = " ".join(
    ["Harbour board debates the long promised breakwater extension"] * 2000
)  # ~122k chars
LONG_WORD = "x" * 100_000
LONG_SUMMARY = "The board met again. " * 200
FUTURE = "December 24, 2031"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
GIF = b"GIF89a" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 2
GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)) * 2
NOISE = bytes((i * 37 + 11) % 32 for i in range(4000))  # control bytes only, no magic number


def _symlink_outside(root: Path) -> None:
    secret = root / "private"
    secret.mkdir()
    (secret / "diary.txt").write_text(
        text("Private diary entry never to publish"), encoding="utf-8"
    )
    (root / "pages" / "leak.txt").symlink_to(secret / "diary.txt")


def _symlinked_folder_outside(root: Path) -> None:
    other = root / "elsewhere"
    other.mkdir()
    (other / "note.txt").write_text(text("Folder beyond the inputs is read"), encoding="utf-8")
    (root / "pages" / "linked").symlink_to(other, target_is_directory=True)


def _symlink_allowed(root: Path) -> None:
    shared = root / "shared"
    shared.mkdir()
    (shared / "wire.txt").write_text(text("Wire story from the shared folder"), encoding="utf-8")
    (root / "pages" / "wire.txt").symlink_to(shared / "wire.txt")


def _symlink_inside(root: Path) -> None:
    (root / "pages" / "real.txt").write_text(
        text("Story read through a link inside"), encoding="utf-8"
    )
    (root / "pages" / "alias.txt").symlink_to(root / "pages" / "real.txt")


def _broken_symlink(root: Path) -> None:
    (root / "pages" / "gone.txt").symlink_to(root / "pages" / "missing.txt")


def _fifo(root: Path) -> None:
    os.mkfifo(root / "pages" / "pipe.txt")


T = "pages/t.txt"
TEXT: list[Bad] = [
    Bad("text-empty-file", "text", {"t.txt": b""}, (E(T, 0, "warning", "input is empty"),)),
    Bad(
        "text-blank-lines-only",
        "text",
        {"t.txt": b"\n  \n\t\n\n"},
        (E(T, 0, "warning", "input is empty"),),
    ),
    Bad(
        "text-nul-in-title",
        "text",
        {"t.txt": b(text("Tide gauge\x00 repaired"))},
        (E(T, 3, "warning", "1 control character removed (first U+0000)"),),
        published=("Tide gauge repaired",),
    ),
    Bad(
        "text-one-nul-in-a-long-page",
        "text",
        {
            "t.txt": b(
                text(
                    "Dredger arrives early",
                    body="The dredger came in at dawn.\x00 Work starts today.\n\n"
                    + "It will stay for three weeks, the port said.\n" * 40,
                )
            )
        },
        (E(T, 11, "warning", "control character removed"),),
        published=("Dredger arrives early",),
    ),
    Bad(
        "text-terminal-escapes",
        "text",
        {
            "t.txt": b(
                text(
                    "Harbour lights dimmed",
                    body="\x1b[1mThe lights\x1b[0m were dimmed for the eclipse.",
                )
            )
        },
        (E(T, 11, "warning", "2 control characters removed (first U+001B)"),),
        published=("Harbour lights dimmed",),
        absent=("\x1b",),
    ),
    Bad(
        "text-del-and-form-feed",
        "text",
        {
            "t.txt": b(
                text(
                    "Pilot boat renamed",
                    body="The boat\x7f is now called\x0c Gannet, after a vote.",
                )
            )
        },
        (E(T, 11, "warning", "2 control characters removed (first U+007F)"),),
        published=("Pilot boat renamed",),
    ),
    Bad(
        "text-stray-latin1-byte",
        "text",
        {
            "t.txt": b(text("Café on the quay reopens", body="The owners repainted it.")).replace(
                b"The owners", b"The caf\xe9 owners"
            )
        },
        (E(T, 11, "warning", "not valid UTF-8 (byte 0xE9 at column 8); read this line as cp1252"),),
        published=("Café on the quay reopens",),
        absent=("cafÃ©",),
    ),
    Bad(
        "text-whole-file-cp1252",
        "text",
        {
            "t.txt": text(
                "Caf\u00e9 owners win award",
                body="The \u201cbest caf\u00e9\u201d prize went to them.",
            ).encode("cp1252")
        },
        (E(T, 3, "warning", "not UTF-8; read as cp1252"),),
        published=("Café owners win award",),
    ),
    Bad(
        "text-mojibake",
        "text",
        {"t.txt": b(text("Caf\u00c3\u00a9 owners win again"))},
        (E(T, 3, "warning", "mojibake"),),
        published=("Café owners win again",),
        absent=("Ã©",),
    ),
    Bad(
        "text-mojibake-quotes",
        "text",
        {"t.txt": b(text("Harbour master \u00e2\u20ac\u0153retires\u00e2\u20ac\u009d"))},
        (E(T, 3, "warning", "mojibake"),),
        published=("Harbour master \u201cretires\u201d",),
    ),
    Bad(
        "text-encoded-surrogate-bytes",
        "text",
        {
            "t.txt": b(text("Net repair shed opens")).replace(
                b"The ferry", b"The \xed\xa0\x80 ferry \xc3\xa9"
            )
        },
        (
            E(
                T,
                11,
                "warning",
                "not valid UTF-8 (byte 0xED at column 5); the undecodable bytes were replaced",
            ),
        ),
        published=("Net repair shed opens",),
    ),
    Bad(
        "text-overlong-utf8",
        "text",
        {
            "t.txt": b(text("Slipway closed for works")).replace(
                b"The ferry", b"The \xc0\xaf ferry \xc3\xa9"
            )
        },
        (E(T, 11, "warning", "not valid UTF-8 (byte 0xC0 at column 5)"),),
        published=("Slipway closed for works",),
    ),
    Bad(
        "text-cut-utf8-at-end",
        "text",
        {
            "t.txt": b(text("Crane hire costs rise", body="Prices rose by a tenth \u00e9."))
            + b"\xe2\x80"
        },
        (E(T, 12, "warning", "the file ends inside a UTF-8 character (truncated?)"),),
        published=("Crane hire costs rise",),
    ),
    Bad(
        "text-many-bad-lines",
        "text",
        {
            "t.txt": text(
                "Fish market counts its stalls",
                body="\u00e9\n\n"
                + "\n\n".join(f"Stall {i} sells caf\udce9 and tea." for i in range(1, 9)),
            ).encode("utf-8", "surrogateescape")
        },
        (
            *(E(T, 11 + 2 * i, "warning", "not valid UTF-8 (byte 0xE9") for i in range(1, 6)),
            E(T, 23, "warning", "3 more lines are not valid UTF-8"),
        ),
        published=("Fish market counts its stalls",),
    ),
    Bad(
        "text-utf16-le-bom",
        "text",
        {"t.txt": text("Buoy tender returns").encode("utf-16")},
        (),
        published=("Buoy tender returns",),
    ),
    Bad(
        "text-utf16-be-bom",
        "text",
        {"t.txt": b"\xfe\xff" + text("Quay wall survey done").encode("utf-16-be")},
        (),
        published=("Quay wall survey done",),
    ),
    Bad(
        "text-utf32-bom",
        "text",
        {"t.txt": text("Tug crews sign new deal").encode("utf-32")},
        (),
        published=("Tug crews sign new deal",),
    ),
    Bad(
        "text-utf16-odd-byte",
        "text",
        {
            "t.txt": text(
                "Mooring fees frozen", body="The fees stay as they are. Next year too."
            ).encode("utf-16")
            + b"\x41"
        },
        (E(T, 12, "warning", "the file ends inside a UTF-16 character"),),
        published=("Mooring fees frozen",),
    ),
    Bad(
        "text-utf8-bom",
        "text",
        {"t.txt": b"\xef\xbb\xbf" + b(text("Ferry gets new engines"))},
        (),
        published=("Ferry gets new engines",),
    ),
    Bad(
        "text-crlf-endings",
        "text",
        {"t.txt": b(text("Lock gates painted")).replace(b"\n", b"\r\n")},
        (),
        published=("Lock gates painted",),
    ),
    Bad("text-png-named-txt", "text", {"t.txt": PNG}, (E(T, 0, "error", "a PNG image, not text"),)),
    Bad("text-gzip-named-txt", "text", {"t.txt": GZIP}, (E(T, 0, "error", "a gzip archive"),)),
    Bad("text-pdf-named-txt", "text", {"t.txt": PDF}, (E(T, 0, "error", "a PDF document"),)),
    Bad("text-zip-named-txt", "text", {"t.txt": ZIP}, (E(T, 0, "error", "a ZIP archive"),)),
    Bad(
        "text-control-noise",
        "text",
        {"t.txt": NOISE},
        (E(T, 0, "error", "over 10% control bytes"),),
    ),
    Bad(
        "text-no-article",
        "text",
        {"t.txt": b"Some notes about the harbour.\n\nNothing here is an article.\n"},
        (E(T, 1, "error", "no article found"),),
    ),
    Bad(
        "text-only-chrome",
        "text",
        {"t.txt": b"Connect with us\n\nAdvertisement\n\nShare\n"},
        (E(T, 1, "error", "no article found"),),
    ),
    Bad(
        "text-header-without-body",
        "text",
        {"t.txt": b"Harbour\n\nSea wall inspection\n\nPublished\n\non\n"},
        (E(T, 3, "error", "has no body"),),
    ),
    Bad(
        "text-truncated-capture",
        "text",
        {
            "t.txt": b(
                text(
                    "Breakwater stones delivered",
                    body="The first barge brought two hundred stones and the",
                )
            )
        },
        (E(T, 11, "warning", "stops mid-sentence at the end of the file"),),
        published=("Breakwater stones delivered",),
    ),
    Bad(
        "text-two-date-lines",
        "text",
        {
            "t.txt": b(
                text(
                    "Ice warning for the bay",
                    body="November 22, 2026\n\nSkippers were told to stay in port.",
                )
            )
        },
        (E(T, 11, "warning", "a second date line 'November 22, 2026'; using the first"),),
        published=("Ice warning for the bay",),
    ),
    Bad(
        "text-unreadable-date",
        "text",
        {"t.txt": b(text("Storm damage assessed", date="Octember 45, 2026"))},
        (E(T, 9, "warning", "unreadable date 'Octember 45, 2026'"),),
        published=("Storm damage assessed",),
    ),
    Bad(
        "text-future-date",
        "text",
        {"t.txt": b(text("Regatta route announced", date=FUTURE))},
        (
            E(
                T,
                1,
                "warning",
                "published date 2031-12-24T00:00:00+00:00 is more than a day in the future",
            ),
        ),
        published=("Regatta route announced",),
    ),
    Bad(
        "text-huge-title",
        "text",
        {"t.txt": b(text(LONG_TITLE))},
        (E(T, 1, "warning", f"title of {len(LONG_TITLE):,} characters cut to 300"),),
        absent=(LONG_TITLE[:1000],),
    ),
    Bad(
        "text-huge-title-one-word",
        "text",
        {"t.txt": b(text(LONG_WORD))},
        (E(T, 1, "warning", "title of 100,000 characters cut to 300"),),
        absent=(LONG_WORD[:1000],),
    ),
    Bad(
        "text-over-size-limit",
        "text",
        {
            "t.txt": b(
                text("Oversized page", body="A line of filler text for the size test.\n" * 30_000)
            )
        },
        (E(T, 0, "error", "over the limit of 1,000,000"),),
    ),
    Bad(
        "text-name-with-newline",
        "text",
        {"bad\nname.txt": b(text("Name with a newline"))},
        (E("pages/bad\\nname.txt", 0, "error", "holds a control character"),),
        absent=("Name with a newline",),
    ),
    Bad(
        "text-name-with-tab",
        "text",
        {"tab\tname.txt": b(text("Name with a tab"))},
        (E("pages/tab\\tname.txt", 0, "error", "holds a control character"),),
    ),
    Bad(
        "text-name-undecodable-byte",
        "text",
        {b"caf\xe9.txt": b(text("Name that is not UTF-8"))},
        (E("pages/caf\\xe9.txt", 0, "error", "its name is not valid UTF-8"),),
        absent=("Name that is not UTF-8",),
    ),
    Bad(
        "text-symlink-outside",
        "text",
        {},
        (E("pages/leak.txt", 0, "warning", "outside the input folders"),),
        absent=("Private diary entry",),
        setup=_symlink_outside,
    ),
    Bad(
        "text-symlinked-folder-outside",
        "text",
        {},
        (
            E(
                "pages/linked/note.txt",
                0,
                "warning",
                "symlink to elsewhere/note.txt, outside the input folders",
            ),
        ),
        absent=("Folder beyond the inputs",),
        setup=_symlinked_folder_outside,
    ),
    Bad(
        "text-symlink-allowed-by-option",
        "text",
        {},
        (),
        published=("Wire story from the shared folder",),
        setup=_symlink_allowed,
        extra={"follow_symlinks": "true"},
    ),
    Bad(
        "text-symlink-inside",
        "text",
        {},
        (),
        published=("Story read through a link inside",),
        setup=_symlink_inside,
    ),
    Bad(
        "text-broken-symlink",
        "text",
        {},
        (E("pages/gone.txt", 0, "warning", "broken symlink"),),
        setup=_broken_symlink,
    ),
    Bad(
        "text-named-pipe",
        "text",
        {},
        (E("pages/pipe.txt", 0, "warning", "not a regular file"),),
        setup=_fifo,
    ),
]

H = "pages/h.html"
HTML: list[Bad] = [
    Bad("html-empty-file", "html", {"h.html": b""}, (E(H, 0, "warning", "input is empty"),)),
    Bad("html-jpeg-named-html", "html", {"h.html": JPEG}, (E(H, 0, "error", "a JPEG image"),)),
    Bad("html-gif-named-html", "html", {"h.html": GIF}, (E(H, 0, "error", "a GIF image"),)),
    Bad(
        "html-no-title",
        "html",
        {"h.html": b"<html><head></head><body><div></div></body></html>"},
        (E(H, 1, "error", "no title found"),),
    ),  # one error per empty page (issue 11, check)
    Bad(
        "html-script-only",
        "html",
        {"h.html": b"<script>document.write('x')</script>\n"},
        (E(H, 1, "error", "no title found"),),
    ),  # one error per empty page (issue 11, check)
    Bad(
        "html-title-no-body",
        "html",
        {
            "h.html": b(
                html("Bridge tolls scrapped", body="").replace(
                    '<meta property="article:published_time" content="2026-11-21T10:00:00Z">', ""
                )
            )
        },
        (E(H, 11, "warning", "no publication date"), E(H, 11, "warning", "no body text")),
        published=("Bridge tolls scrapped",),
    ),
    Bad(
        "html-nul-bytes",
        "html",
        {"h.html": b(html("Tram line extended")).replace(b"<p>The new", b"<p>\x00The new")},
        (E(H, 12, "warning", "control character removed"),),
        published=("Tram line extended",),
    ),
    Bad(
        "html-stray-invalid-byte",
        "html",
        {
            "h.html": b(html("Night buses return \u00e9")).replace(
                b"<p>The new bridge", b"<p>The new br\xefdge"
            )
        },
        (E(H, 12, "warning", "not valid UTF-8 (byte 0xEF"),),
        published=("Night buses return é",),
    ),
    Bad(
        "html-declared-cp1252",
        "html",
        {
            "h.html": html("Caf\u00e9 terrace permit", head="")
            .replace('charset="utf-8"', 'charset="windows-1252"')
            .encode("cp1252")
        },
        (),
        published=("Café terrace permit",),
    ),
    Bad(
        "html-says-utf8-is-cp1252",
        "html",
        {"h.html": html("Caf\u00e9 licence renewed").encode("cp1252")},
        (E(H, 5, "warning", "not UTF-8; read as cp1252"),),
        published=("Café licence renewed",),
    ),
    Bad(
        "html-mojibake-title",
        "html",
        {"h.html": b(html("Stra\u00c3\u0178e renamed after the mayor"))},
        (E(H, 5, "warning", "mojibake"), E(H, 11, "warning", "mojibake")),
        published=("Straße renamed after the mayor",),
    ),
    Bad(
        "html-utf16-bom",
        "html",
        {"h.html": html("Cycle lane consultation").encode("utf-16")},
        (),
        published=("Cycle lane consultation",),
    ),
    Bad(
        "html-future-date",
        "html",
        {"h.html": b(html("Library hours extended", date="2031-03-01T10:00:00Z"))},
        (E(H, 11, "warning", "more than a day in the future"),),
        published=("Library hours extended",),
    ),
    Bad(
        "html-unreadable-date",
        "html",
        {"h.html": b(html("Museum roof fixed", date="soon-ish"))},
        (E(H, 11, "warning", "no publication date"),),
        published=("Museum roof fixed",),
    ),
    Bad(
        "html-huge-title",
        "html",
        {"h.html": b(html(LONG_TITLE[:20_000]))},
        (E(H, 11, "warning", "characters cut to 300"),),
        absent=(LONG_TITLE[:1000],),
    ),
    Bad(
        "html-huge-description",
        "html",
        {
            "h.html": b(
                html(
                    "Council tax vote delayed",
                    head=f'<meta name="description" content="{LONG_SUMMARY}">\n',
                )
            )
        },
        (E(H, 12, "warning", "summary of 4,199 characters cut to 1000"),),
        published=("Council tax vote delayed",),
    ),
    Bad(
        "html-deep-nesting",
        "html",
        {
            "h.html": b(
                html(
                    "Deeply nested page",
                    body="<div>" * 5000 + "<p>Inner text of the page.</p>" + "</div>" * 5000,
                )
            )
        },
        (E(H, 0, "warning", "nested deeper than 255 levels"), E(H, 11, "warning", "no body text")),
        published=("Deeply nested page",),
    ),
    Bad(
        "html-broken-json-ld",
        "html",
        {
            "h.html": b(
                html(
                    "Pool reopens after repairs",
                    head='<script type="application/ld+json">{"@type": "NewsArticle", </script>\n',
                )
            )
        },
        (),
        published=("Pool reopens after repairs",),
    ),
    Bad(
        "html-control-char-in-title",
        "html",
        {"h.html": b(html("School\x0b run changes"))},
        (E(H, 5, "warning", "2 control characters removed (first U+000B)"),),
        published=("School run changes",),
    ),
    Bad(
        "html-tracking-canonical",
        "html",
        {
            "h.html": b(
                html(
                    "Park gates locked at dusk",
                    canonical="https://News.Example.org:443/parks/gates/?utm_source=feed&fbclid=AbC#top",
                )
            )
        },
        (),
        published=("Park gates locked at dusk",),
        absent=("utm_source", "fbclid"),
    ),
    Bad(
        "html-surrogate-and-nul-char-refs",
        "html",
        {
            "h.html": b(
                html(
                    "Ferry &#xD800;refit &#0;done",
                    body="<p>Refit &#xDFFF; finished &#1; early today, the yard said.</p>"
                    "<p>The ferry returns to the island route on Monday morning.</p>",
                )
            )
        },
        (E(H, 5, "warning", "3 character references to control characters removed"),),
        published=("Ferry \ufffdrefit done",),
        absent=("&#xD800;",),
    ),
    Bad(
        "md-char-refs-in-body",
        "markdown",
        {"m.md": b(md("Organ restored", body="Pipes &#xD800; cleaned &#0; and tuned."))},
        (),
        published=("Organ restored",),
    ),
    Bad(
        "html-over-size-limit",
        "html",
        {"h.html": b(html("Huge page", body="<p>filler text</p>\n" * 80_000))},
        (E(H, 0, "error", "over the limit of 1,000,000"),),
    ),
    Bad(
        "html-name-with-newline",
        "html",
        {"x\n.html": b(html("Newline in an HTML name"))},
        (E("pages/x\\n.html", 0, "error", "holds a control character"),),
    ),
]

M = "pages/m.md"
MARKDOWN: list[Bad] = [
    Bad("md-empty-file", "markdown", {"m.md": b""}, (E(M, 0, "warning", "input is empty"),)),
    Bad(
        "md-bad-yaml",
        "markdown",
        {"m.md": b"---\ntitle: [unclosed\ndate: 2026-11-21\n---\n\nBody text.\n"},
        (E(M, 3, "error", "front matter is not valid YAML"),),
    ),
    Bad(
        "md-unclosed-front-matter",
        "markdown",
        {"m.md": b"---\ntitle: Never closed\n\nBody text.\n"},
        (E(M, 1, "error", "never closes"),),
    ),
    Bad(
        "md-bad-toml",
        "markdown",
        {"m.md": b"+++\ntitle = \n+++\n\nBody text.\n"},
        (E(M, 2, "error", "front matter is not valid TOML"),),
    ),
    Bad(
        "md-front-matter-a-list",
        "markdown",
        {"m.md": b"---\n- one\n- two\n---\n\nBody text.\n"},
        (E(M, 2, "error", "not a table of keys"),),
    ),
    Bad(
        "md-no-title",
        "markdown",
        {"m.md": b"Just a paragraph, no heading and no front matter.\n"},
        (E(M, 1, "error", "no title"),),
    ),
    Bad(
        "md-bad-date",
        "markdown",
        {"m.md": b(md("Choir concert moved", date="whenever"))},
        (E(M, 1, "warning", "is not a date I can read"),),
        published=("Choir concert moved",),
    ),
    Bad(
        "md-future-date",
        "markdown",
        {"m.md": b(md("Festival line-up out", date="2031-06-01T12:00:00Z"))},
        (E(M, 1, "warning", "more than a day in the future"),),
        published=("Festival line-up out",),
    ),
    Bad(
        "md-huge-title",
        "markdown",
        {"m.md": b(md(LONG_TITLE))},
        (E(M, 1, "warning", "characters cut to 300"),),
        absent=(LONG_TITLE[:1000],),
    ),
    Bad(
        "md-huge-summary",
        "markdown",
        {
            "m.md": b(
                md("Gallery extension approved", extra=f"summary: {json.dumps(LONG_SUMMARY)}\n")
            )
        },
        (E(M, 1, "warning", "summary of 4,199 characters cut to 1000"),),
        published=("Gallery extension approved",),
    ),
    Bad(
        "md-nul-in-body",
        "markdown",
        {"m.md": b(md("Orchestra tours abroad", body="Tickets\x00 sell fast."))},
        (E(M, 7, "warning", "control character removed"),),
        published=("Orchestra tours abroad",),
    ),
    Bad(
        "md-stray-invalid-byte",
        "markdown",
        {
            "m.md": b(
                md("Theatre seats replaced \u00e9", body="The old seats go to auction.")
            ).replace(b"old seats", b"old s\xe8ats")
        },
        (E(M, 7, "warning", "not valid UTF-8 (byte 0xE8"),),
        published=("Theatre seats replaced é",),
    ),
    Bad(
        "md-cp1252",
        "markdown",
        {"m.md": md("Caf\u00e9 concert series").encode("cp1252")},
        (E(M, 2, "warning", "not UTF-8; read as cp1252"),),
        published=("Café concert series",),
    ),
    Bad(
        "md-mojibake",
        "markdown",
        {"m.md": b(md("Caf\u00c3\u00a9 quartet plays"))},
        (E(M, 2, "warning", "mojibake"),),
        published=("Café quartet plays",),
    ),
    Bad("md-gif-named-md", "markdown", {"m.md": GIF}, (E(M, 0, "error", "a GIF image"),)),
    Bad(
        "md-utf16-bom",
        "markdown",
        {"m.md": md("Poetry prize shortlist").encode("utf-16")},
        (),
        published=("Poetry prize shortlist",),
    ),
    Bad(
        "md-tracking-url",
        "markdown",
        {
            "m.md": b(
                md(
                    "Dance school opens",
                    extra='url: "https://news.example.org/culture/dance/?utm_medium=x&gclid=1"\n',
                )
            )
        },
        (),
        published=("Dance school opens",),
        absent=("utm_medium", "gclid"),
    ),
    Bad(
        "md-surrogate-escapes-in-front-matter",
        "markdown",
        {
            "m.md": b'---\ntitle: "Harbour \\ud800 news"\nsection: "Quay \\udfff"\ntags: ["t\\ud801"]\n'
            b'author: "A \\ud802"\ndate: 2026-11-21T09:00:00Z\n---\n\nBody text of the post.\n'
        },
        (
            E(
                M,
                2,
                "warning",
                "4 lone UTF-16 surrogate escapes in the front matter replaced by U+FFFD",
            ),
        ),
        published=("Harbour \ufffd news",),
    ),
    Bad(
        "md-yaml-alias-bomb",
        "markdown",
        {
            "m.md": b"---\n"
            + b"".join(
                b"l%d: &l%d [%s]\n" % (i, i, b",".join([b"*l%d" % (i - 1)] * 9) if i else b"x")
                for i in range(12)
            )
            + b"tags: *l11\ntitle: Alias bomb defused\ndate: 2026-11-21T09:00:00Z\n---\n\nBody text.\n"
        },
        (),
        published=("Alias bomb defused",),
    ),
    Bad(
        "md-yaml-cyclic-tags",
        "markdown",
        {
            "m.md": b"---\ntitle: Cyclic tags\ntags: &t [a, *t]\ndate: 2026-11-21T09:00:00Z\n---\n\nBody text.\n"
        },
        (),
        published=("Cyclic tags",),
    ),
    Bad(
        "md-control-escape-in-front-matter",
        "markdown",
        {"m.md": b(md("Film club\x01 returns"))},
        (E(M, 1, "warning", "control characters removed from the title"),),
        published=("Film club returns",),
    ),
]

J = "pages/j.json"
L = "pages/j.jsonl"
JSON: list[Bad] = [
    Bad("json-empty-file", "json", {"j.json": b""}, (E(J, 0, "warning", "input is empty"),)),
    Bad(
        "json-syntax-error",
        "json",
        {"j.json": b'[\n{"title": "A"\n'},
        (E(J, 3, "error", "not valid JSON"),),
    ),
    Bad(
        "json-trailing-comma",
        "json",
        {"j.json": b'[\n{"title": "Ferry", "content": "x",}\n]\n'},
        (E(J, 2, "error", "not valid JSON"),),
    ),
    Bad(
        "json-a-number",
        "json",
        {"j.json": b"42\n"},
        (E(J, 1, "error", "expected an array of article objects"),),
    ),
    Bad(
        "json-entries-not-objects",
        "json",
        {"j.json": b(js("just a string", entry("Quay crane inspected")))},
        (E(J, 2, "error", "not an object"),),
        published=("Quay crane inspected",),
    ),
    Bad(
        "json-entry-without-title",
        "json",
        {"j.json": b(js({"content": "<p>No title here.</p>"}, entry("Pier cafe licence granted")))},
        (E(J, 2, "error", "no title"),),
        published=("Pier cafe licence granted",),
    ),
    Bad(
        "json-bad-date",
        "json",
        {"j.json": b(js(entry("Harbour tax review", date="whenever")))},
        (E(J, 2, "warning", "published date 'whenever'"),),
        published=("Harbour tax review",),
    ),
    Bad(
        "json-nan-date",
        "json",
        {"j.json": b'[\n{"title": "Tide table misprint", "date": NaN, "content": "x"}\n]\n'},
        (E(J, 2, "warning", "published date 'nan'"),),
        published=("Tide table misprint",),
    ),
    Bad(
        "json-future-date",
        "json",
        {"j.json": b(js(entry("Cruise season dates", date="2031-05-01T08:00:00Z")))},
        (E(J, 2, "warning", "more than a day in the future"),),
        published=("Cruise season dates",),
    ),
    Bad(
        "json-huge-title",
        "json",
        {"j.json": b(js(entry(LONG_TITLE)))},
        (E(J, 2, "warning", "characters cut to 300"),),
        absent=(LONG_TITLE[:1000],),
    ),
    Bad(
        "json-huge-summary",
        "json",
        {"j.json": b(js(entry("Marina fees consultation", excerpt=LONG_SUMMARY)))},
        (E(J, 2, "warning", "summary of 4,199 characters cut to 1000"),),
        published=("Marina fees consultation",),
    ),
    Bad(
        "json-deep-nesting",
        "json",
        {"j.json": b"[" * 5000 + b"]" * 5000},
        (E(J, 0, "error", "nested too deeply"),),
    ),
    Bad(
        "json-lone-surrogate-escape",
        "json",
        {
            "j.json": b'[\n{"title": "Sea shanty night \\ud800", "content": "<p>Songs \\udfff.</p>"}\n]\n'
        },
        (E(J, 2, "warning", "2 lone UTF-16 surrogate escapes"),),
        published=("Sea shanty night \ufffd",),
    ),
    Bad(
        "json-nul-escape-in-title",
        "json",
        {"j.json": b'[\n{"title": "Boat show\\u0000 tickets", "content": "x"}\n]\n'},
        (E(J, 2, "warning", "control characters removed from the title"),),
        published=("Boat show tickets",),
    ),
    Bad(
        "json-raw-control-in-string",
        "json",
        {
            "j.json": b'[\n{"title": "Net loft\x01 sold", "content": "<p>Sold to the rowing club.</p>"}\n]\n'
        },
        (E(J, 2, "warning", "1 control character removed (first U+0001)"),),
        published=("Net loft sold",),
    ),
    Bad(
        "json-stray-invalid-byte",
        "json",
        {
            "j.json": b(js(entry("Dock caf\u00e9 closes"))).replace(
                b"The pontoon", b"The p\xf6ntoon"
            )
        },
        (E(J, 2, "warning", "not valid UTF-8 (byte 0xF6"),),
        published=("Dock café closes",),
    ),
    Bad("json-zip-named-json", "json", {"j.json": ZIP}, (E(J, 0, "error", "a ZIP archive"),)),
    Bad(
        "json-tracking-url",
        "json",
        {
            "j.json": b(
                js(
                    entry(
                        "Seafront lights switched on",
                        url="https://news.example.org/harbour/lights?mc_cid=9&id=4&utm_campaign=z",
                    )
                )
            )
        },
        (),
        published=("Seafront lights switched on",),
        absent=("mc_cid", "utm_campaign"),
    ),
    Bad(
        "json-title-a-number",
        "json",
        {"j.json": b'[\n{"title": 1984, "content": "<p>A year.</p>"}\n]\n'},
        (),
        published=("1984",),
    ),
    Bad(
        "jsonl-one-bad-line",
        "json",
        {
            "j.jsonl": b(
                json.dumps(entry("Lifeboat crew honoured"))
                + "\n{broken\n"
                + json.dumps(entry("Beach cleaned"))
                + "\n"
            )
        },
        (E(L, 2, "error", "not valid JSON"),),
        published=("Lifeboat crew honoured", "Beach cleaned"),
    ),
    Bad(
        "jsonl-invalid-byte-line",
        "json",
        {
            "j.jsonl": b(json.dumps(entry("Fog horn tested")) + "\n").replace(
                b"The pontoon", b"The p\xf6ntoon"
            )
            + b(json.dumps(entry("Jetty lamps \u00e9"), ensure_ascii=False) + "\n")
        },
        (E(L, 1, "warning", "not valid UTF-8 (byte 0xF6"),),
        published=("Fog horn tested",),
    ),
    Bad(
        "jsonl-not-object-line",
        "json",
        {"j.jsonl": b'"a string"\n' + b(json.dumps(entry("Rowing club wins")) + "\n")},
        (E(L, 1, "error", "not an object"),),
        published=("Rowing club wins",),
    ),
    Bad("json-empty-array", "json", {"j.json": b"[]\n"}, ()),
]

CASES: list[Bad] = [*TEXT, *HTML, *MARKDOWN, *JSON]
