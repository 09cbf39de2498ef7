"""What counts as live, dangerous markup in a published fragment, checked on the parsed tree.

Shared by the sanitizer contract tests: a fragment is parsed the way a browser or a feed
reader would (lxml's HTML parser, entities decoded), then every element and attribute is
checked. Text that merely *reads* like a tag (``&lt;script&gt;``) is text, not markup.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

# Elements that must never survive into an article body.
FORBIDDEN_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "param",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "svg",
        "math",
        "base",
        "meta",
        "link",
        "noscript",
        "template",
        "video",
        "audio",
        "source",
    }
)
# Attributes whose value is fetched or followed by a browser.
URL_ATTRS = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "poster",
        "data",
        "background",
        "cite",
        "longdesc",
        "ping",
        "lowsrc",
        "dynsrc",
        "codebase",
        "manifest",
        "icon",
        "xlink:href",
        "usemap",
    }
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: whitespace and control characters inside are ignored
    (``java\\tscript:`` is ``javascript:``); ``None`` for a relative URL."""
    squeezed = _NOISE.sub("", value).lower()
    m = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
    return m.group(1) if m else None


def violations(fragment: str, *, allowed_tags: frozenset[str] = frozenset()) -> list[str]:
    """Every live dangerous thing in ``fragment``: forbidden elements, event handlers,
    ``style``/``srcset`` attributes and URLs with a scheme outside http(s)/mailto/tel."""
    if not fragment.strip():
        return []
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    return element_violations(root, allowed_tags=allowed_tags)


def element_violations(
    root: lxml_html.HtmlElement, *, allowed_tags: frozenset[str] = frozenset()
) -> list[str]:
    found: list[str] = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        local = tag.rsplit("}", 1)[-1].lower()
        if local in FORBIDDEN_TAGS and local not in allowed_tags:
            found.append(f"<{local}> element")
        for name, value in el.attrib.items():
            attr = str(name).rsplit("}", 1)[-1].lower()
            if attr.startswith("on"):
                found.append(f"{attr} attribute on <{local}>")
            elif attr in ("style", "srcset"):
                found.append(f"{attr} attribute on <{local}>")
            elif attr in URL_ATTRS or str(name).endswith("}href"):
                scheme = url_scheme(str(value))
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"{scheme}: URL in {attr} of <{local}>")
    return found
