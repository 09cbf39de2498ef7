"""Bytes -> text for one input, with a problem for every doubt. Pure.

- A file is binary only by a real test: a magic number (PNG, JPEG, GIF, PDF, ZIP,
  gzip, ...) or more than 10% control bytes in its first 8 KB. One stray NUL is not
  binary: it is stripped with a warning at its line.
- A BOM picks UTF-8, UTF-16 or UTF-32. Otherwise the text is read as UTF-8 line by
  line: a line that is not valid UTF-8 is repaired (read as cp1252 when it holds no
  valid UTF-8 sequence, else the bad bytes become U+FFFD) with a warning naming it. A
  file with no valid UTF-8 at all is read as cp1252 with one warning (set
  ``encoding`` on the input to say which). An HTML page that declares a charset
  (``<meta charset=windows-1252>``) and is not UTF-8 is read in that charset.
  Nothing is guessed silently.
- Mojibake (UTF-8 read as cp1252 and saved again: ``CafÃ©``) is repaired where the
  round trip works, with a warning at its line.
- Control characters (C0 except tab, newline, carriage return; DEL) are stripped with
  one warning at the first line holding one.
"""

from __future__ import annotations

import codecs
import re

from ..model import Problem

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ\x90\x00", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"OggS", "an Ogg file"),
    (b"ID3", "an MP3 file"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"\x00\x00\x01\x00", "an icon"),
    (b"wOFF", "a web font"),
)
_MAGIC_FIRST = frozenset(m[:1] for m, _ in MAGIC)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
BINARY_SHARE = 0.10  # of control bytes in the first 8 KB
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_TEXT_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"
# cp1252 readings of a UTF-8 lead byte and its continuation bytes
_CONT = (
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}"
)
MAX_LINE_WARNINGS = 5


def sniff_binary(data: bytes) -> str | None:
    """What the bytes are when they are not text (a magic number, or many control bytes)."""
    if data[:1] in _MAGIC_FIRST:
        for magic, what in MAGIC:
            if data.startswith(magic):
                return what
    head = data[:8192]
    if head and (len(head) - len(head.translate(None, _CONTROL_BYTES))) / len(head) > BINARY_SHARE:
        return "binary data (over 10% control bytes)"
    return None


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _repair_lines(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """UTF-8 line by line; lines that are not are repaired, each with a warning."""
    lines = data.split(b"\n")
    out: list[str] = []
    bad: list[int] = []
    problems: list[Problem] = []
    for n, raw in enumerate(lines, start=1):
        try:
            out.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError as err:
            column = err.start + 1
        bad.append(n)
        strict_rest = raw.decode("utf-8", errors="replace")
        if any(ord(c) > 127 and c != "\ufffd" for c in strict_rest):
            out.append(strict_rest)
            how = "the undecodable bytes were replaced by U+FFFD"
        else:
            out.append(raw.decode("cp1252", errors="replace"))
            how = "read this line as cp1252"
        if len(bad) <= MAX_LINE_WARNINGS:
            problems.append(
                Problem(
                    path=path,
                    line=n,
                    severity="warning",
                    message=f"not valid UTF-8 (byte 0x{raw[column - 1]:02X} at column {column});"
                    f" {how} (save the file as UTF-8, or set encoding on the input)",
                )
            )
    if len(bad) > MAX_LINE_WARNINGS:
        problems.append(
            Problem(
                path=path,
                line=bad[MAX_LINE_WARNINGS],
                severity="warning",
                message=f"{len(bad) - MAX_LINE_WARNINGS} more lines are not valid UTF-8"
                " and were repaired the same way",
            )
        )
    return "\n".join(out), problems


_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{2,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    re.IGNORECASE,
)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page (or XML) declares in its first 4 KB, when Python knows it
    and it is not UTF-8 (a page that says UTF-8 but is not gets the per-line repair)."""
    m = _DECLARED.search(data[:4096])
    if m is None:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii").lower()
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if info.name in ("utf-8", "utf-16", "utf-32") or info.name.startswith(("utf-16", "utf-32")):
        return None
    return info.name


def _has_utf8_multibyte(data: bytes) -> bool:
    """Whether the bytes hold at least one valid UTF-8 sequence beyond ASCII."""
    return any(ord(c) > 127 and c != "\ufffd" for c in data.decode("utf-8", errors="replace"))


def _trim_cut_utf8(data: bytes) -> tuple[bytes, bool]:
    """Drop a UTF-8 sequence cut off by the end of the file (a truncated capture)."""
    tail = data[-3:]
    for n in range(len(tail), 0, -1):
        lead = tail[-n]
        need = (
            2
            if 0xC2 <= lead <= 0xDF
            else 3
            if 0xE0 <= lead <= 0xEF
            else 4
            if 0xF0 <= lead <= 0xF4
            else 0
        )
        if need > n and all(0x80 <= c <= 0xBF for c in tail[-n + 1 :]):
            return data[:-n], True
    return data, False


def _cut_problem(line: int, path: str, name: str) -> Problem:
    return Problem(
        path=path,
        line=line,
        severity="warning",
        message=f"the file ends inside a {name.upper()} character (truncated?); the cut bytes were dropped",
    )


def _cp1252_bytes(text: str) -> bytes:
    return b"".join(c.encode("cp1252") if ord(c) > 255 else bytes([ord(c)]) for c in text)


# What a repaired character may be: Latin, Greek, Cyrillic, punctuation, currency,
# symbols, emoji. "É»" (as in «ÉTÉ») would decode to U+027B, an IPA letter: left alone.
_PLAUSIBLE = (
    (0xA0, 0x24F),
    (0x370, 0x52F),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x215F),
    (0x2190, 0x21FF),
    (0x2600, 0x27BF),
    (0x1F300, 0x1FAFF),
)


def _unbake(m: re.Match[str]) -> str:
    try:
        fixed = _cp1252_bytes(m.group()).decode("utf-8")
    except UnicodeError:
        return m.group()
    if all(any(lo <= ord(c) <= hi for lo, hi in _PLAUSIBLE) for c in fixed):
        return fixed
    return m.group()


_MOJIBAKE_LEAD = re.compile(rb"\xc3[\x82-\xb4]")  # how those lead characters look in UTF-8 bytes


def _fix_mojibake(text: str, path: str, data: bytes | None = None) -> tuple[str, list[Problem]]:
    """Repair UTF-8 that was read as cp1252 and saved again, with a warning per line."""
    if data is not None and _MOJIBAKE_LEAD.search(data) is None:
        return text, []  # a byte search is 10x faster than the character class
    if _MOJIBAKE.search(text) is None:
        return text, []
    problems: list[Problem] = []
    lines = text.split("\n")
    fixed_lines = 0
    for i, line in enumerate(lines):
        if _MOJIBAKE.search(line) is None:
            continue
        fixed = _MOJIBAKE.sub(_unbake, line)
        if fixed == line:
            continue
        fixed_lines += 1
        if fixed_lines <= MAX_LINE_WARNINGS:
            sample = next(m.group() for m in _MOJIBAKE.finditer(line) if _unbake(m) != m.group())
            problems.append(
                Problem(
                    path=path,
                    line=i + 1,
                    severity="warning",
                    message=f"mojibake (UTF-8 once read as cp1252): {sample!r} repaired"
                    f" to {_MOJIBAKE.sub(_unbake, sample)!r}",
                )
            )
        lines[i] = fixed
    if fixed_lines > MAX_LINE_WARNINGS:
        problems.append(
            Problem(
                path=path,
                line=0,
                severity="warning",
                message=f"mojibake repaired on {fixed_lines - MAX_LINE_WARNINGS} more lines",
            )
        )
    return "\n".join(lines), problems


def strip_controls(text: str, path: str, data: bytes | None = None) -> tuple[str, list[Problem]]:
    """Remove control characters, with one warning at the first line holding one."""
    if data is not None and len(data.translate(None, _CONTROL_TEXT_BYTES)) == len(data):
        return text, []  # no control byte in UTF-8 bytes: no control character
    first = _CONTROL.search(text)
    if first is None:
        return text, []
    count = len(_CONTROL.findall(text))
    line = _line_of(text, first.start())
    return _CONTROL.sub("", text), [
        Problem(
            path=path,
            line=line,
            severity="warning",
            message=f"{count} control character{'s' if count > 1 else ''} removed (first U+{ord(first.group()):04X})",
        )
    ]


def _decode_bom(data: bytes, path: str) -> tuple[str, list[Problem]] | None:
    """Text by its byte order mark; None when it has none."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            break
    else:
        return None
    problems: list[Problem] = []
    unit = 4 if name == "utf-32" else 2 if name == "utf-16" else 1
    cut = (len(data) - len(bom)) % unit
    text = data[: len(data) - cut].decode(name, errors="replace").lstrip("\ufeff")
    if cut:
        problems.append(_cut_problem(text.count("\n") + 1, path, name))
    if "\ufffd" in text:
        problems.append(
            Problem(
                path=path,
                line=_line_of(text, text.index("\ufffd")),
                severity="warning",
                message=f"not valid {name.removesuffix('-sig').upper()} after its byte order"
                " mark; the bad bytes were replaced by U+FFFD",
            )
        )
    return text, problems


def _decode_forced(data: bytes, path: str, encoding: str) -> tuple[str, list[Problem]]:
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as err:
        return data.decode(encoding, errors="replace"), [
            Problem(
                path=path,
                line=data.count(b"\n", 0, err.start) + 1,
                severity="warning",
                message=f"not valid {encoding} (the configured encoding); the bad bytes were replaced by U+FFFD",
            )
        ]


def _decode_not_utf8(data: bytes, path: str, err: UnicodeDecodeError) -> tuple[str, list[Problem]]:
    """Bytes that are not UTF-8: the declared charset, else per-line repair, else cp1252."""
    declared = declared_charset(data)
    if declared is not None:
        text = data.decode(declared, errors="replace")
        if "\ufffd" not in text:
            return text, []
        return text, [
            Problem(
                path=path,
                line=_line_of(text, text.index("\ufffd")),
                severity="warning",
                message=f"not valid {declared} (as the page declares); the bad bytes were"
                " replaced by U+FFFD",
            )
        ]
    if _has_utf8_multibyte(data):
        return _repair_lines(data, path)
    return data.decode("cp1252", errors="replace"), [
        Problem(
            path=path,
            line=data.count(b"\n", 0, err.start) + 1,
            severity="warning",
            message="not UTF-8; read as cp1252 (set encoding on the input if that is wrong)",
        )
    ]


_CHAR_REF = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,2})|0*([0-9]{1,3}));")
_CONTROL_CODES = frozenset(range(32)) - {9, 10, 13} | {127}


def strip_control_refs(text: str, path: str) -> tuple[str, list[Problem]]:
    """Remove HTML character references to control characters (``&#1;``, ``&#x0B;``),
    with one warning at the first: the HTML parser drops a whole body over one."""
    if "&#" not in text:
        return text, []
    first: list[int] = []

    def drop(m: re.Match[str]) -> str:
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        if code not in _CONTROL_CODES:
            return m.group()
        first.append(m.start())
        return ""

    cleaned = _CHAR_REF.sub(drop, text)
    if not first:
        return text, []
    return cleaned, [
        Problem(
            path=path,
            line=_line_of(text, first[0]),
            severity="warning",
            message=f"{len(first)} character reference{'s' if len(first) > 1 else ''} to control"
            " characters removed",
        )
    ]


def decode_input(
    data: bytes, path: str, *, encoding: str | None = None
) -> tuple[str | None, list[Problem]]:
    """The text of one input and the problems met; None when it is not text."""
    by_bom = _decode_bom(data, path)
    if by_bom is not None:
        text, problems = by_bom
    else:
        what = sniff_binary(data)
        if what is not None:
            return None, [Problem(path=path, line=0, message=f"input is {what}, not text; skipped")]
        if encoding:
            text, problems = _decode_forced(data, path, encoding)
        else:
            problems = []
            data, cut = _trim_cut_utf8(data)
            if cut:
                problems.append(_cut_problem(data.count(b"\n") + 1, path, "utf-8"))
            try:
                text = data.decode("utf-8")
                clean: bytes | None = data
            except UnicodeDecodeError as err:
                text, more = _decode_not_utf8(data, path, err)
                problems.extend(more)
                clean = None
            text, more = _fix_mojibake(text, path, clean)
            problems.extend(more)
    # In UTF-8, UTF-16, UTF-32 and single-byte charsets alike a control character is
    # written with a control byte: no such byte, no control character.
    text, more = strip_controls(text, path, data)
    problems.extend(more)
    if not text.strip():
        problems.append(
            Problem(
                path=path, line=0, severity="warning", message="input is empty; nothing to read"
            )
        )
    return text, problems
