"""Deterministic benchmark corpus of "scraped text pages" (standard library only).

Usage: python bench/gen_corpus.py OUTDIR --articles N --sections S [--per-file K] [--seed 1]

Articles are numbered 0..N-1 and dealt round-robin over sections ("Section 01".."Section S");
each page file holds up to K articles of one section. Every article draws from its own
random.Random(f"{seed}:{index}"), so article i is identical whatever N is, and
append_article(outdir, N, sections, seed) adds exactly the article a corpus of N+1 would hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import pathlib
import random
import string
import sys
import time

# One pool per line prefix; a pool may continue over several lines. Items end at ";".
WORDS = """
place: Kilnbrook; Fernhill; Saltings; Upper Drennan; Port Sennan; Ballykeel; Easterhope;
place: Marrow Point; Netmakers Row; Culver Road; the old town; Pellow Wharf
person: Ailsa Corben; Tadhg Morrissey; Helena Strand; Ruari Penwith; Nell Ashdown;
person: Kieran Voss; Beatrix Lonergan; Ossian Fell; Maura Tiernan; Jonah Ellery
role: a local councillor; the project manager; a spokesperson for the trust;
role: the chair of the committee; the head of the residents’ association;
role: a shop owner on the high street; a volunteer who has lived here for decades
group: the council; the harbour board; the regional authority; the chamber of commerce;
group: the community trust; the water company; the county college; local traders
thing: the new footbridge; the bus timetable; the library extension; the flood defences;
thing: the market hall; the coastal path; the housing scheme; the recycling centre;
thing: the ferry service; the school playing field; the sea wall; the cycle lane
verb: approved; delayed; reviewed; welcomed; questioned; funded; redesigned; postponed;
verb: extended; backed; criticised; completed
time: last week; on Monday evening; earlier this month; over the summer; this spring;
time: after months of talks; before the end of the year
amount: €40,000; €1.2 million; €250,000; €3.5 million; €80,000; €610,000
topic: Costs; Next steps; Local reaction; Timetable; Background; What changes; Funding;
topic: Concerns; A long wait; The view from the quay
intro: The main changes are:; Under the proposals:; Residents raised several points:;
intro: The report sets out the following:
month: January; February; March; April; May; June; July; August; September; October;
month: November; December
"""
POOLS: dict[str, list[str]] = {}
for _line in WORDS.strip().splitlines():
    _key, _, _items = _line.partition(": ")
    POOLS.setdefault(_key, []).extend(w.strip() for w in _items.split(";") if w.strip())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines()]


SENTENCES = _lines("""
    {Group} {verb} plans for {thing} {time}, ending a debate that has run for years.
    The work is expected to cost around {amount}, most of it from a regional grant.
    “We have waited a long time for this,” said {person}, {role}.
    Residents in {place} say {thing} has been talked about since the nineties.
    Not everyone is convinced: {person}, {role}, said the figures did not add up.
    {Group} will publish a full report on {thing} once the consultation has closed.
    Traders near {place} said they hoped the change would bring more visitors in winter.
    “It’s not perfect, but it is a start,” {person} told a packed meeting in {place}.
    Officials say {thing} should be finished within eighteen months if the weather holds.
    A petition signed by hundreds of people in {place} asked for the decision to be revisited.
    The plans were {verb} {time} after engineers raised questions about the ground conditions.
    Figures seen by the Courier suggest demand has risen sharply in {place} since last year.
    {Person} said the scheme would only work if {group} kept its promises on maintenance.
    Critics argue that {amount} could be better spent elsewhere — on roads, schools or housing.
    Older residents of {place} still remember when {thing} was first proposed.
    “People here don’t want grand gestures, they want things that work,” said {person}.
    A second phase, worth a further {amount}, has not yet been agreed.
    {Group} has promised regular updates, starting with a public meeting in {place}.
    Some families in {place} said they had not been told about the plans at all.
    The idea was first raised {time} by {person}, {role}.
    Supporters point out that similar projects along the coast have paid for themselves.
    Asked whether the timetable was realistic, {person} would only say it was “ambitious”.
    Local schools have been invited to take part, and several have already said yes.
""")
BULLETS = _lines("""
    {Thing} will close for repairs during the quieter months.
    An extra {amount} will be set aside for maintenance.
    Residents of {place} will be consulted before any final decision.
    {Group} will publish quarterly figures on progress.
    Work will begin {time} and continue in phases.
    A drop-in session will be held in {place} for anyone with questions.
""")
START = dt.date(
    2024, 1, 1
)  # two years ending 2025-12-31: no date after the machine clock (a future date is dropped with a warning)


Template = list[tuple[str, str | None]]


def _compile(template: str) -> Template:
    return [(literal, field) for literal, field, _, _ in string.Formatter().parse(template)]


def _fill(rng: random.Random, template: str | Template) -> str:
    """Fill one template; capitalised placeholders ({Thing}) produce capitalised values."""
    parts: list[str] = []
    for literal, field in _compile(template) if isinstance(template, str) else template:
        parts.append(literal)
        if field:
            value = rng.choice(POOLS[field.lower()])
            parts.append(value[:1].upper() + value[1:] if field[0].isupper() else value)
    return "".join(parts)


COMPILED = [_compile(s) for s in SENTENCES]
STRIDES = [s for s in range(1, len(COMPILED)) if math.gcd(s, len(COMPILED)) == 1]


def _paragraph(rng: random.Random, colon: bool = False) -> str:
    """About 60-100 words; walks the templates with a random stride, so none repeats."""
    target, pos, stride = rng.randint(55, 80), rng.randrange(len(COMPILED)), rng.choice(STRIDES)
    sentences: list[str] = []
    count = 0
    while count < target and len(sentences) < len(COMPILED):
        sentences.append(_fill(rng, COMPILED[pos]))
        count += sentences[-1].count(" ") + 1
        pos = (pos + stride) % len(COMPILED)
    if colon:
        sentences.append(rng.choice(POOLS["intro"]))
    return " ".join(sentences)


def _date_line(index: int, rng: random.Random) -> str | None:
    """One article in ten is undated; the others are spread over 2025-2026 in three forms."""
    if index % 10 == 9:
        return None
    day = START + dt.timedelta(days=(index * 7919) % 730)
    form = index % 3
    if form == 0:
        return f"{POOLS['month'][day.month - 1]} {day.day}, {day.year}"
    if form == 1:
        hour, minute = rng.randint(1, 12), rng.choice(range(0, 60, 5))
        ampm = rng.choice(["am", "pm"])
        return f"{POOLS['month'][day.month - 1][:3]} {day.day}, {day.year} at {hour}:{minute:02d} {ampm}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def section_name(section: int, sections: int) -> str:
    """Name of 0-based section number `section`: "Section 01" .. "Section S"."""
    return f"Section {section + 1:0{max(2, len(str(sections)))}d}"


def article_blocks(index: int, sections: int, seed: int = 1) -> list[str]:
    """The blank-line-separated blocks of article `index` (section label first)."""
    rng = random.Random(f"{seed}:{index}")
    title = _fill(rng, "{Group} {verb} {thing} in {place}")
    blocks = [section_name(index % sections, sections), f"{title} — No. {index}", "Published", "on"]
    date = _date_line(index, rng)
    if date is not None:
        blocks.append(date)
    count = rng.randint(3, 7)
    sub_at = rng.randint(1, count - 1) if rng.random() < 0.5 else -1
    bullets_at = rng.randint(0, count - 2) if rng.random() < 1 / 3 else -1
    for p in range(count):
        if p == sub_at:
            blocks.append(rng.choice(POOLS["topic"]))
        blocks.append(_paragraph(rng, colon=p == bullets_at))
        if p == bullets_at:
            items = rng.sample(BULLETS, rng.randint(3, 4))
            blocks.append("\n".join(f"  • {_fill(rng, b)}" for b in items))
    return blocks


def _page(indices: list[int], sections: int, seed: int, most_viewed: bool) -> str:
    blocks = ["Connect with us"]
    for n, index in enumerate(indices):
        blocks.extend(article_blocks(index, sections, seed))
        if n > 0:
            blocks.append("Continue Reading")
    if most_viewed:
        rng = random.Random(f"{seed}:most-viewed:{indices[0]}")
        blocks.append("Most Viewed")
        blocks.extend(_fill(rng, "{Thing} {verb}").capitalize() for _ in range(3))
    return "\n\n".join(blocks) + "\n"


def _write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def generate(
    outdir: pathlib.Path, articles: int, sections: int, per_file: int = 20, seed: int = 1
) -> list[pathlib.Path]:
    """Write `articles` articles over `sections` sections into `outdir`; return the page files."""
    if articles < 0 or sections < 1 or per_file < 1:
        raise ValueError("need articles >= 0, sections >= 1 and per_file >= 1")
    outdir = pathlib.Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths: list[pathlib.Path] = []
    for section in range(sections):
        indices = list(range(section, articles, sections))
        for chunk, start in enumerate(range(0, len(indices), per_file)):
            name = f"section-{section + 1:03d}-{chunk + 1:04d}.txt"
            text = _page(indices[start : start + per_file], sections, seed, chunk % 2 == 0)
            paths.append(_write(outdir / name, text))
    return paths


def append_article(outdir: pathlib.Path, index: int, sections: int, seed: int = 1) -> pathlib.Path:
    """Write article `index` (e.g. the corpus size, for the next new one) as its own new page."""
    outdir = pathlib.Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    return _write(outdir / f"extra-{index:07d}.txt", _page([index], sections, seed, False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a benchmark corpus of text pages.")
    parser.add_argument("outdir", type=pathlib.Path)
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--sections", type=int, required=True)
    parser.add_argument("--per-file", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    paths = generate(args.outdir, args.articles, args.sections, args.per_file, args.seed)
    print(
        f"gen_corpus: {args.articles} articles, {args.sections} sections, {len(paths)} files"
        f" in {args.outdir} ({time.perf_counter() - began:.2f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
