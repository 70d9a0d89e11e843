"""The French catalogue is whole, compiled, and no text of a template escapes it.

A new string that nobody translated, a fuzzy entry, a stale ``.mo`` or a sentence typed
straight into a template fails here, in the commit that brings it.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.checkers import python_format
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.test import override_settings

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# Where makemessages looks: the product, not its tests, the bench or the virtualenv.
IGNORED = [".venv", "bench", "tests", "*/tests/*", "staticfiles", "test-artifacts", ".data"]


def _catalogue(path: Path):
    with open(path, "rb") as handle:
        return read_po(handle, locale="fr")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict:
    """Every string the code marks for translation today, as ``makemessages`` finds it."""
    if not shutil.which("xgettext"):
        pytest.fail("xgettext (GNU gettext) is missing: `make test` installs it")
    # makemessages reads the folder it runs in and writes beside the sources it finds: run it
    # in a folder of links to the sources, so that it writes there, not over our catalogue.
    work = tmp_path_factory.mktemp("sources")
    for source in BASE_DIR.iterdir():
        if source.name not in ("locale", ".git") and (source.is_dir() or source.suffix == ".py"):
            (work / source.name).symlink_to(source)
    out = work / "locale"
    out.mkdir()
    with override_settings(LOCALE_PATHS=[out]), _cwd(work):
        call_command(
            "makemessages",
            locale=["fr"],
            ignore_patterns=IGNORED,
            no_location=True,
            symlinks=True,
            verbosity=0,
        )
    return {message.id: message for message in _catalogue(out / "fr/LC_MESSAGES/django.po")}


@contextmanager
def _cwd(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def test_every_string_of_the_code_is_in_the_french_catalogue(extracted):
    committed = {message.id for message in _catalogue(CATALOGUE) if message.id}
    missing = [msgid for msgid in extracted if msgid and msgid not in committed]
    stale = [msgid for msgid in committed if msgid not in extracted]
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
    assert not stale, f"no longer in the code (run `make messages`): {stale[:10]}"


def test_every_french_entry_is_translated_and_not_fuzzy():
    untranslated, fuzzy, broken = [], [], []
    for message in _catalogue(CATALOGUE):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
        try:
            python_format(_catalogue_for_checks, message)
        except Exception as error:  # noqa: BLE001 - every kind of mismatch is reported
            broken.append((message.id, str(error)))
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]
    assert not broken, broken[:10]


_catalogue_for_checks = None  # babel's checkers take the catalogue; python_format ignores it


def test_the_compiled_catalogue_is_the_current_one():
    """The ``.mo`` is committed (a fresh clone shows French at once): it must say what the
    ``.po`` says."""
    with open(COMPILED, "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _catalogue(CATALOGUE):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(message.id[0], message.id[1], 1) == message.string[0]
            assert compiled.ngettext(message.id[0], message.id[1], 5) == message.string[1]
        else:
            assert compiled.gettext(message.id) == message.string, message.id


# ---- templates: visible words only inside translation tags ----------------------------------
TEMPLATE_DIRS = [BASE_DIR / "templates", *sorted(BASE_DIR.glob("*/templates")),
                 *sorted(BASE_DIR.glob("*/*/templates"))]  # fmt: skip
# Words that read the same in every language (brands, codes, symbols).
SAME_IN_EVERY_LANGUAGE = {"Stripe", "QuickBooks", "Intuit", "B", "ID", "OK", "PDF", "htmx"}
WORD = re.compile(r"[^\W\d_]{2,}")


class _VisibleText(HTMLParser):
    """Text a person reads: between tags, in ``alt``/``title``/``placeholder``/``aria-label``,
    and the ``value`` of submit buttons made of ``<input>``; not in scripts or styles."""

    READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            shown_value = (
                tag == "input"
                and name == "value"
                and (dict(attrs).get("type") in ("submit", "button"))
            )
            if value and (name in self.READ_ATTRIBUTES or shown_value):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


def _untranslated_words(source: str) -> list[str]:
    """Words of ``source`` outside ``{% translate %}``/``{% blocktranslate %}`` (and outside
    ``{% comment %}`` and blocks that fill a CSS class, ``{% block body_class %}``)."""
    text, skipped = [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            words = token.contents.split()
            name = words[0] if words else ""
            if name in ("blocktranslate", "blocktrans", "comment") or (
                name == "block" and len(words) > 1 and words[1].endswith("_class")
            ):
                skipped += 1
            elif name in ("endblocktranslate", "endblocktrans", "endcomment") or (
                name == "endblock" and skipped
            ):
                skipped -= 1
            text.append("\0")  # a tag splits text, as the words around it are separate
        elif token.token_type == TokenType.VAR:
            text.append("\0")
        elif token.token_type == TokenType.TEXT and not skipped:
            text.append(token.contents)
    parser = _VisibleText()
    parser.feed("".join(text))
    words = []
    for chunk in parser.found:
        for word in WORD.findall(chunk.replace("\0", " ")):
            if word not in SAME_IN_EVERY_LANGUAGE:
                words.append(word)
    return words


def _templates():
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                yield path


@pytest.mark.parametrize(
    "path", list(_templates()), ids=lambda path: str(path.relative_to(BASE_DIR))
)
def test_no_template_shows_words_outside_translation(path):
    words = _untranslated_words(path.read_text())
    assert not words, f"{path.relative_to(BASE_DIR)}: wrap in {{% translate %}}: {words[:8]}"


def test_the_template_check_finds_a_sentence_typed_straight_in():
    assert _untranslated_words("<p>Pay now</p>") == ["Pay", "now"]
    assert _untranslated_words('<input placeholder="Search">') == ["Search"]
    assert _untranslated_words('{% load i18n %}<p>{% translate "Pay now" %}</p>') == []
    assert _untranslated_words("{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}") == []
    assert _untranslated_words("<p>{{ item.name }} · Stripe</p>") == []
