"""What the platform emulators' pages share to speak English or French: the words by key,
the page's locale for Babel, and which language a browser asks for.

Each emulator keeps its own words (the platform's own translations, not billing_saas's
catalogue) in a ``PageWording`` subclass with ``WORDS``, and writes amounts and dates its
platform's way.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import ClassVar

from babel import Locale, UnknownLocaleError

LANGUAGES = ("en", "fr")
DEFAULT = "en"
NNBSP = "\u202f"  # French: before ! ? ;
NBSP = "\u00a0"  # French: before :


@dataclass(frozen=True)
class PageWording:
    """One page's language (``en``/``fr``, for the words) and Babel locale (``fr_CA``…, for
    amounts and dates)."""

    WORDS: ClassVar[dict[str, dict[str, str]]] = {}

    language: str = DEFAULT
    locale: str = DEFAULT

    def text(self, key: str, **values) -> str:
        """The words for ``key``, plain (escape them where they go into HTML)."""
        words = self.WORDS[key]
        return words.get(self.language, words[DEFAULT]).format(**values)

    def html(self, key: str, **values) -> str:
        """The words for ``key`` as HTML text, the values escaped."""
        escaped = {name: html.escape(str(value), quote=False) for name, value in values.items()}
        words = self.WORDS[key]
        return html.escape(words.get(self.language, words[DEFAULT]), quote=False).format(**escaped)

    @classmethod
    def for_tag(cls, tag: str | None):
        """The wording for a locale tag (``fr``, ``fr-CA``, ``en_GB``), or None when the
        emulator cannot write its language."""
        if not tag:
            return None
        tag = tag.strip().replace("_", "-")
        language = tag.split("-")[0].lower()
        if language not in LANGUAGES:
            return None
        try:
            locale = str(Locale.parse(tag, sep="-"))
        except (ValueError, UnknownLocaleError):
            locale = language
        return cls(language, locale)

    @classmethod
    def from_browser(cls, accept_language: str | None):
        """The first language of ``Accept-Language`` (by preference) the emulator writes,
        or None."""
        for tag in browser_languages(accept_language):
            found = cls.for_tag(tag)
            if found:
                return found
        return None


def browser_languages(accept_language: str | None) -> list[str]:
    """The tags of an ``Accept-Language`` header, most wanted first (``q=0`` left out)."""
    tags = []
    for index, part in enumerate((accept_language or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            tags.append((-quality, index, tag))
    return [tag for _quality, _index, tag in sorted(tags)]
