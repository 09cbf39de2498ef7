"""xml_safe keeps exactly the characters XML 1.0 allows (section 2.2, ``Char``), less the
C1 controls, whatever path it takes (printable text skips the regex scan: issue 12)."""

from __future__ import annotations

from syndicate.text import xml_safe


def allowed(cp: int) -> bool:
    if 0x7F <= cp <= 0x9F:  # DEL and C1 controls: never text in a news page
        return False
    return (
        cp in (0x9, 0xA, 0xD)
        or 0x20 <= cp <= 0xD7FF
        or 0xE000 <= cp <= 0xFFFD
        or 0x10000 <= cp <= 0x10FFFF
    )


def test_every_bmp_character_is_kept_or_removed_as_xml_asks() -> None:
    for cp in range(0x10000):
        for text in (chr(cp), f"Quay {chr(cp)} news", f"line one\n{chr(cp)}"):
            expected = text if allowed(cp) else text.replace(chr(cp), "")
            assert xml_safe(text) == expected, hex(cp)


def test_astral_characters_are_kept() -> None:
    assert xml_safe("Fish \U0001f41f and \U00010348") == "Fish \U0001f41f and \U00010348"


def test_printable_text_comes_back_unchanged() -> None:
    text = "Ferry fares \u201cfrozen\u201d at \u20ac3 \u2014 again"
    assert xml_safe(text) is text
