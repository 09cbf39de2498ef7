"""The time zone a page's language names, for dates it prints without an offset.

Pages print local times ("14:05 Uhr", ``datePublished: "2019-04-21T12:00"``) and say
nowhere which zone; read as UTC, a Japanese page's dates are nine hours late. The page
does say its language (``<html lang>``, ``og:locale``, ``Content-Language``), and many
languages or language-region pairs are spoken in one zone only. Those name it here;
those spoken across zones (en, es, pt, ru, ar without a region, en-US, es-MX, ...)
name none, and the input's zone (UTC unless configured) stays. Used only when the
input sets ``timezone = "page"`` (the default for inputs that set no timezone); an
offset printed on the page always wins (issue 9, round 5).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from lxml import etree
from lxml.html import HtmlElement

__all__ = ["page_zone", "zone_for_language"]

# A language alone: spoken as a first language in one zone (or in several countries
# that keep the same clock, as German in Germany, Austria and Switzerland).
_LANGUAGE_ZONES = {
    "bg": "Europe/Sofia",
    "ca": "Europe/Madrid",
    "cs": "Europe/Prague",
    "da": "Europe/Copenhagen",
    "de": "Europe/Berlin",
    "el": "Europe/Athens",
    "et": "Europe/Tallinn",
    "fa": "Asia/Tehran",
    "fi": "Europe/Helsinki",
    "fr": "Europe/Paris",
    "he": "Asia/Jerusalem",
    "hi": "Asia/Kolkata",
    "hr": "Europe/Zagreb",
    "hu": "Europe/Budapest",
    "it": "Europe/Rome",
    "ja": "Asia/Tokyo",
    "ko": "Asia/Seoul",
    "lt": "Europe/Vilnius",
    "lv": "Europe/Riga",
    "nb": "Europe/Oslo",
    "nl": "Europe/Amsterdam",
    "nn": "Europe/Oslo",
    "no": "Europe/Oslo",
    "pl": "Europe/Warsaw",
    "ro": "Europe/Bucharest",
    "sk": "Europe/Bratislava",
    "sl": "Europe/Ljubljana",
    "sr": "Europe/Belgrade",
    "sv": "Europe/Stockholm",
    "th": "Asia/Bangkok",
    "tr": "Europe/Istanbul",
    "uk": "Europe/Kyiv",
    "vi": "Asia/Ho_Chi_Minh",
    # Mainland China, Taiwan, Hong Kong, Macau and Singapore all keep UTC+8 all year.
    "zh": "Asia/Shanghai",
}

# A region that keeps one clock, for languages spoken across zones. Brazil spans four
# zones, but its national media print Brasília time (about 93% of the population).
_REGION_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "BR": "America/Sao_Paulo",
    "CH": "Europe/Zurich",
    "CL": "America/Santiago",
    "CO": "America/Bogota",
    "ES": "Europe/Madrid",
    "GB": "Europe/London",
    "HK": "Asia/Hong_Kong",
    "IE": "Europe/Dublin",
    "IN": "Asia/Kolkata",
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
    "NG": "Africa/Lagos",
    "NZ": "Pacific/Auckland",
    "PE": "America/Lima",
    "PH": "Asia/Manila",
    "PK": "Asia/Karachi",
    "PT": "Europe/Lisbon",
    "SG": "Asia/Singapore",
    "TW": "Asia/Taipei",
    "UK": "Europe/London",
    "VE": "America/Caracas",
    "ZA": "Africa/Johannesburg",
}

# Regions that span zones: a language spoken there names none (fr-CA is not Paris).
_WIDE_REGIONS = frozenset({"AU", "CA", "CD", "ID", "KZ", "MX", "RU", "US"})

_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_](?:[a-zA-Z]{4}[-_])?([a-zA-Z]{2}|\d{3}))?\b")


def zone_for_language(tag: str) -> ZoneInfo | None:
    """The one zone a BCP 47 / POSIX locale tag ("de", "pt-BR", "ja_JP", "zh-Hant-TW")
    names, or None when it names none or several."""
    match = _TAG.match(tag.strip())
    if match is None:
        return None
    language, region = match.group(1).lower(), (match.group(2) or "").upper()
    if region in _REGION_ZONES:
        return ZoneInfo(_REGION_ZONES[region])
    if region in _WIDE_REGIONS:
        return None
    name = _LANGUAGE_ZONES.get(language)
    return ZoneInfo(name) if name else None


_DECLARED = etree.XPath(
    "/html/head/meta[translate(@property, 'OGLCAE', 'oglcae') = 'og:locale']/@content"
    " | /html/head/meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')"
    " = 'content-language']/@content"
)


def page_zone(root: HtmlElement) -> ZoneInfo | None:
    """The zone the page's declared languages agree on: ``<html lang>``, ``og:locale``,
    ``Content-Language``. None when none names one zone, or two name different ones
    (a theme's stock ``og:locale`` of ``en_US`` on a German page names none, so
    German wins; ``de`` beside ``ja`` is a contradiction, so nothing is guessed)."""
    tags = [root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""]
    tags.extend(str(value) for value in _DECLARED(root))
    zones = {zone for zone in map(zone_for_language, tags) if zone is not None}
    if len(zones) == 1:
        return zones.pop()
    if zones and len({_offsets(z) for z in zones}) == 1:
        return sorted(zones, key=str)[0]  # "de" and "de_AT": Berlin and Vienna keep one clock
    return None


def _offsets(zone: ZoneInfo) -> tuple[timedelta | None, ...]:
    """A zone's UTC offsets in January and July of a recent year: equal for zones that
    keep one clock."""
    return tuple(datetime(2024, month, 15, 12, tzinfo=zone).utcoffset() for month in (1, 7))
