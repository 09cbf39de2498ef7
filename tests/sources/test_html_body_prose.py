"""A section of prose is article text whatever its class names: a BEM modifier saying it
may carry ads ("Report__Section--Ads") does not make it an ad, even when the section is
written as one long paragraph broken by <br>s; a short promo box still goes."""

from __future__ import annotations

from .parsed import body_of

_body = body_of


def _section(name: str) -> str:
    lines = "<br><br>".join(
        f"Step {i} of the {name} test: the oven was heated for ten minutes and the loaf "
        "turned twice before the crust was right."
        for i in range(4)
    )
    return f'<section class="Report__Section Report__Section--Ads"><h2>{name}</h2><p>{lines}</p></section>'


def test_a_section_of_one_long_paragraph_named_for_ads_is_body_text() -> None:
    promo = '<div class="promo-box"><p>Subscribe for more bread tips.</p></div>'
    page = (
        "<html><head><title>Oven</title></head><body><article><h1>The oven test</h1>"
        f"{_section('Heat')}{_section('Crust')}{promo}{_section('Cleaning')}"
        "</article></body></html>"
    )
    body = _body(page)
    for name in ("Heat", "Crust", "Cleaning"):
        assert f"Step 3 of the {name} test" in body
    assert "Subscribe for more" not in body
