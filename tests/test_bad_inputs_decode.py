"""The decoding rules of syndicate/inputs/decode.py on their own: what is binary, what is
repaired, and that good text in many languages comes through untouched, with no warning."""

from __future__ import annotations

import pytest
from badinputs import GIF, GZIP, JPEG, PDF, PNG, ZIP

from syndicate.inputs.decode import decode_input, sniff_binary
from syndicate.model import Problem

GOOD = [
    "Die Straße am Hafen wird im Frühjahr saniert, sagte die Bürgermeisterin.",
    "«ÉTÉ» : la fête du port commence à midi, où l'on mange des crêpes.",
    "O peixe é vendido às três horas na praça São João; não há fila.",
    "Đường ven biển sẽ mở cửa lại vào thứ Hai tuần tới.",
    "Hafnarstjórinn sagði að ferjan kæmi ekki fyrr en á þriðjudag.",
    "Паром отправится в девять утра, сообщил капитан порта.",
    "Το λιμάνι θα είναι κλειστό την Κυριακή λόγω καιρού.",
    "İskele yarın öğleden sonra yeniden açılacak.",
    "港の市場は月曜日に再開します。",
    "Prices rose 5 % — “quite a lot”, said the harbour master… © 2026 · ½ price ±2 °C",
    "Emoji survive too: \u2693\ufe0f \U0001f6a2 \U0001f41f",
]


@pytest.mark.parametrize("line", GOOD)
def test_good_utf8_text_in_many_languages_comes_through_untouched(line: str) -> None:
    text, problems = decode_input((line + "\n").encode("utf-8"), "p.txt")
    assert (text, problems) == (line + "\n", [])


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (PNG, "a PNG image"),
        (JPEG, "a JPEG image"),
        (GIF, "a GIF image"),
        (PDF, "a PDF document"),
        (ZIP, "a ZIP archive"),
        (GZIP, "a gzip archive"),
        (b"\x7fELF\x02\x01\x01" + bytes(64), "an executable"),
    ],
)
def test_a_magic_number_makes_a_file_binary(data: bytes, what: str) -> None:
    assert sniff_binary(data) == what
    text, [problem] = decode_input(data, "p.txt")
    assert text is None and problem.severity == "error" and what in problem.message


def test_a_few_control_bytes_are_stripped_not_binary() -> None:
    data = ("A line of ordinary text.\n" * 40).encode() + b"one \x00 nul and \x07 bell\n"
    text, [problem] = decode_input(data, "p.txt")
    assert (
        text is not None
        and "\x00" not in text
        and "\x07" not in text
        and "one  nul and  bell" in text
    )
    assert (problem.line, problem.severity) == (41, "warning")
    assert "2 control characters removed" in problem.message


def test_a_file_of_control_bytes_is_binary() -> None:
    data = bytes(range(32)) * 100
    assert sniff_binary(data) == "binary data (over 10% control bytes)"


def test_a_stray_byte_repairs_only_its_own_line() -> None:
    data = "Zürich\n".encode() + b"caf\xe9 au lait\n" + "Genève\n".encode()
    text, [problem] = decode_input(data, "p.txt")
    assert text == "Zürich\ncafé au lait\nGenève\n"
    assert problem.line == 2 and "byte 0xE9 at column 4" in problem.message


def test_a_declared_charset_is_used_without_a_warning() -> None:
    data = '<html><head><meta charset="iso-8859-15"><title>Prix 5 €</title>'.encode("iso-8859-15")
    assert decode_input(data, "p.html") == (
        '<html><head><meta charset="iso-8859-15"><title>Prix 5 €</title>',
        [],
    )


def test_a_configured_encoding_wins_and_bad_bytes_are_named() -> None:
    text, problems = decode_input("Ça va\n".encode("cp1252"), "p.txt", encoding="cp1252")
    assert (text, problems) == ("Ça va\n", [])
    text, [problem] = decode_input(b"ok\n\xff\xfe bad\n", "p.txt", encoding="utf-8")
    assert problem.line == 2 and "the configured encoding" in problem.message


def test_mojibake_is_repaired_and_named_at_its_line() -> None:
    data = "Fine line\nSmÃ¸rrebrÃ¸d at the cafÃ©\n".encode()
    text, [problem] = decode_input(data, "p.txt")
    assert text == "Fine line\nSmørrebrød at the café\n"
    assert problem.line == 2 and "mojibake" in problem.message


@pytest.mark.parametrize(
    ("path", "message", "printed"),
    [
        ("pages/a\nb.txt", "plain", "pages/a\\nb.txt:3: warning: plain"),
        ("pages/caf\udce9.txt", "x", "pages/caf\\xe9.txt:3: warning: x"),
        (
            "p.md",
            "YAML says:\n  in line 2\r\n\tcolumn 3",
            "p.md:3: warning: YAML says:\\n  in line 2\\r\\n\\tcolumn 3",
        ),
        ("p.json", "title 'a\ud800b'", "p.json:3: warning: title 'a\\ud800b'"),
        ("p.txt", "caf\u00e9 \u2028 split", "p.txt:3: warning: caf\u00e9 \\u2028 split"),
    ],
)
def test_a_problem_always_prints_as_one_encodable_line(
    path: str, message: str, printed: str
) -> None:
    text = str(Problem(path=path, line=3, severity="warning", message=message))
    assert text == printed
    text.encode("utf-8")
