"""Month names and digits of the languages :mod:`syndicate.dates` does not read, put
into the English it does: "12 марта 2024 г., 14:05" -> "12 March 2024, 14:05",
"١٢ مارس ٢٠٢٤" -> "12 March 2024", "12 मार्च 2024" -> "12 March 2024". Russian,
Ukrainian, Polish, Czech, Turkish, the Scandinavian languages, Finnish, Romanian,
Hungarian, Greek, Indonesian and Malay, Vietnamese, Arabic (the Egyptian and the
Levantine names) and Hindi. Pure.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["to_english"]

_ENGLISH = (
    "January February March April May June July August September October November December"
).split()

# Per month: its names and the inflections dates print (genitive in Slavic languages,
# partitive in Finnish), lower case.
_NAMES: tuple[str, ...] = (
    "января январь янв січня ​​січень stycznia styczeń ledna leden ocak tammikuuta ianuarie"
    " január ιανουαρίου ιαν يناير كانون_الثاني जनवरी",
    "февраля февраль фев лютого лютий lutego luty února únor şubat subat helmikuuta"
    " februarie február φεβρουαρίου φεβ فبراير شباط फ़रवरी फरवरी",
    "марта март мар березня березень marca marzec března březen mart maaliskuuta marts"
    " martie március μαρτίου μαρ maret مارس آذار मार्च",
    "апреля апрель апр квітня квітень kwietnia kwiecień dubna duben nisan huhtikuuta"
    " aprilie április απριλίου απρ أبريل ابريل إبريل نيسان अप्रैल",
    "мая май травня травень maja maj května květen mayıs mayis toukokuuta mai május"
    " μαΐου μαιου مايو أيار ايار मई",
    "июня июнь июн червня червень czerwca czerwiec června červen haziran kesäkuuta iunie"
    " június ιουνίου ιουν يونيو يونيه حزيران जून",
    "июля июль июл липня липень lipca lipiec července červenec temmuz heinäkuuta iulie"
    " július ιουλίου ιουλ يوليو يوليه تموز जुलाई",
    "августа август авг серпня серпень sierpnia sierpień srpna srpen ağustos agustos augusti"
    " elokuuta augusztus αυγούστου αυγ agustus ogos أغسطس اغسطس آب अगस्त",
    "сентября сентябрь сен сент вересня вересень września wrzesień září eylül eylul"
    " syyskuuta septembrie szeptember σεπτεμβρίου σεπ سبتمبر أيلول ايلول सितंबर सितम्बर",
    "октября октябрь окт жовтня жовтень października październik října říjen ekim"
    " lokakuuta octombrie október οκτωβρίου οκτ أكتوبر اكتوبر تشرين_الأول अक्टूबर अक्तूबर",
    "ноября ноябрь ноя листопада листопад listopada listopad listopadu kasım kasim"
    " marraskuuta noiembrie νοεμβρίου νοε نوفمبر تشرين_الثاني नवंबर नवम्बर",
    "декабря декабрь дек грудня грудень grudnia grudzień prosince prosinec aralık aralik"
    " joulukuuta decembrie δεκεμβρίου δεκ desember disember ديسمبر كانون_الأول दिसंबर दिसम्बर",
)
_MONTH_OF = {
    name.replace("_", " "): _ENGLISH[index]
    for index, names in enumerate(_NAMES)
    for name in names.replace("\u200b", "").split()
}
_ALTERNATION = "|".join(re.escape(n) for n in sorted(_MONTH_OF, key=len, reverse=True))
# Not inside a word: no letter before, and no letter or Devanagari sign after.
_MONTH = re.compile(rf"(?<![^\W\d_])({_ALTERNATION})(?![^\W\d_]|[\u0900-\u097f])\.?", re.IGNORECASE)
_VIETNAMESE = re.compile(r"\btháng\s*(\d{1,2})\b", re.IGNORECASE)
# The year's word after it: Russian "г." / "года", Ukrainian "р." / "року", Polish "r.".
_YEAR_WORD = re.compile(r"(?<=\d)\s*(?:г\.|года|гг\.|р\.|року|r\.)(?!\w)", re.IGNORECASE)


def to_english(raw: str) -> str:
    """``raw`` with its digits in ASCII and its month names in English; ``raw`` itself
    when it holds none of them."""
    text = _ascii_digits(raw)
    if not _DIGIT.search(text):
        return text
    words = _LETTERS.findall(text)
    if all(w.isascii() and w.lower() not in _ASCII_NAMES for w in words):
        return text  # the common case, cheaply: English, or no month name of these
    text = _MONTH.sub(lambda m: _english(m, text), text)
    text = _VIETNAMESE.sub(lambda m: _month_number(m.group(1), m.group(0)), text)
    return _YEAR_WORD.sub("", text)


_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]+")
_ASCII_NAMES = frozenset(name for name in _MONTH_OF if name.isascii())
_NUMBER_BEFORE = re.compile(r"\d\.?,?\s*$")
_NUMBER_AFTER = re.compile(r"\s*\d")


def _english(match: re.Match[str], text: str) -> str:
    """The English name, for a month name beside a number ("12 marca", "Mart 2024"):
    a name elsewhere ("Maja Nowak", "Nisan") is a person's, kept."""
    beside = _NUMBER_BEFORE.search(text[: match.start()]) or _NUMBER_AFTER.match(text, match.end())
    return _MONTH_OF[match.group(1).lower()] if beside else match.group(0)


def _month_number(number: str, original: str) -> str:
    month = int(number)
    return _ENGLISH[month - 1] if 1 <= month <= 12 else original


def _ascii_digits(raw: str) -> str:
    if raw.isascii():
        return raw
    return "".join(
        str(unicodedata.digit(ch)) if not ch.isascii() and ch.isdecimal() else ch for ch in raw
    )
