"""What a person reads on a page, for the tests that judge pages by their words.

:class:`VisibleText` is the page's visible text as one string (the human-values test);
:class:`PageText` is the same text as the pieces the page is made of — each text node, plus
the texts a person meets in attributes (a tooltip, a screen reader's name, a placeholder, the
messages scripts show) — and the addresses of every resource the page loads (``src``,
``href`` of ``<link>``, CSS ``url()``) or links to (``href`` of ``<a>`` and ``<area>``,
``action`` of ``<form>``). Text inside an element that says it is in another language
(``lang="…"``) is left out: it is meant to be in that language.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

#: Elements whose content nobody reads.
SILENT = frozenset({"script", "style", "template", "noscript"})
#: Attributes whose value is text a person reads or hears.
TEXT_ATTRIBUTES = frozenset(
    {
        "title",
        "aria-label",
        "aria-description",
        "placeholder",
        "alt",
        # messages the scripts show (written by the templates, translated there)
        "data-announce",
        "data-checking",
        "data-invalid",
        "data-message",
        "data-placeholder",
        "data-scroll-label",
        "data-select-choose",
        "data-select-more",
        "data-select-none",
        "data-select-remove",
        "data-select-searching",
        "data-sending",
    }
)
#: ``<input type=…>`` whose ``value`` is the button's text.
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
#: Attributes that load a resource, by element (``href`` of a link loads a style sheet or an
#: icon; of an ``<a>``, it is a link the person follows).
LOADING = {"src", "srcset", "poster", "data", "xlink:href"}
#: CSS ``url(…)`` in a style attribute or element.
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")


def _collapsed(text: str) -> str:
    return " ".join(text.split())


class VisibleText(HTMLParser):
    """The text a person sees: no tags, no attributes, no scripts or styles."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._silent = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SILENT:
            self._silent += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SILENT and self._silent:
            self._silent -= 1

    def handle_data(self, data: str) -> None:
        if not self._silent:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return _collapsed(" ".join(self.parts))


class PageText(HTMLParser):
    """A page as pieces of text and addresses (see the module docstring)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        #: (what, address): resources the page loads
        self.loads: list[tuple[str, str]] = []
        #: (what, address): links and form targets the person may follow
        self.links: list[tuple[str, str]] = []
        self._silent: list[str] = []
        #: [tag, depth] of the element in another language being read (``lang="…"``: the
        #: language menu names each language in itself), whose text is not the page's
        self._other_language: list[Any] = []
        self.feed(html)
        self.close()

    def _piece(self, text: str | None) -> None:
        text = _collapsed(text or "")
        if text and not self._other_language:
            self.pieces.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if self._other_language and self._other_language[0] == tag:
            self._other_language[1] += 1
        elif values.get("lang") and tag != "html" and not self._other_language:
            self._other_language = [tag, 1]
        if tag in SILENT:
            self._silent.append(tag)
        for name, value in values.items():
            if name in TEXT_ATTRIBUTES:
                self._piece(value)
            if name in LOADING or (name == "href" and tag == "link"):
                for address in value.split(","):
                    if address.strip():
                        self.loads.append((f"<{tag} {name}>", address.strip().split()[0]))
            if name == "style":
                self.loads += [(f"<{tag} style>", url) for url in CSS_URL.findall(value)]
        if tag in ("a", "area") and "href" in values:
            self.links.append((f"<{tag} href>", values["href"]))
        if tag == "form" and values.get("action"):
            self.links.append(("<form action>", values["action"]))
        if tag == "input" and values.get("type") in BUTTON_INPUTS:
            self._piece(values.get("value"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SILENT:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._silent and self._silent[-1] == tag:
            self._silent.pop()
        if self._other_language and self._other_language[0] == tag:
            self._other_language[1] -= 1
            if not self._other_language[1]:
                self._other_language = []

    def handle_data(self, data: str) -> None:
        if self._silent and self._silent[-1] == "style":
            self.loads += [("<style>", url) for url in CSS_URL.findall(data)]
        elif not self._silent:
            self._piece(data)
