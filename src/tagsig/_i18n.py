"""Translations: gettext catalogues per language, plural forms and locale formatting.

Messages are written in English in the code and marked with :func:`gettext`,
:func:`ngettext` or :func:`N_` (``pybabel extract`` finds them; see ``babel.cfg``). A
language is one ``locale/LANG/LC_MESSAGES/tagsig.po`` file in the package: a built wheel
ships it compiled to ``tagsig.mo``; a source checkout compiles the ``.po`` on first use
and keeps the result while the ``.po`` is unchanged (:func:`tagsig._resources.cached`).
English, the language of the code, needs no catalogue: its ``.po`` translates every
message to itself. A message a language does not translate yet falls back to English.

>>> gettext("Overview", "ga")
'Forbhreathnú'
>>> [ngettext("{count} pattern", "{count} patterns", n, "ga").format(count=n) for n in (1, 7)]
['1 phatrún', '7 bpatrún']
>>> gettext("Overview", "en")
'Overview'
"""

from __future__ import annotations

import datetime
import functools
import gettext as _gettext
import io
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, TypeAlias

from attrs import frozen

from tagsig._exceptions import ArgumentError
from tagsig._resources import cached, package_folder

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "DEFAULT_LANGUAGE",
    "N_",
    "Language",
    "Translator",
    "gettext",
    "languages",
    "ngettext",
    "resolve_language",
    "translator",
]

Language: TypeAlias = str
"""A language code (ISO 639-1, lower case: ``"en"``, ``"ga"``)."""

DEFAULT_LANGUAGE: Final[Language] = "en"
"""The language of the messages in the code, and the fallback for any untranslated one."""

_DOMAIN: Final = "tagsig"
_ENVIRONMENT: Final = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _locale_folder() -> Traversable:
    return package_folder("locale")


@functools.cache
def languages() -> tuple[Language, ...]:
    """Return the shipped languages, English first: one per ``locale/LANG`` catalogue.

    >>> languages()
    ('en', 'ga')
    """
    found = {
        folder.name
        for folder in _locale_folder().iterdir()
        if folder.is_dir()
        and any((folder / "LC_MESSAGES" / f"{_DOMAIN}.{ext}").is_file() for ext in ("mo", "po"))
    }
    found.add(DEFAULT_LANGUAGE)
    return (DEFAULT_LANGUAGE, *sorted(found - {DEFAULT_LANGUAGE}))


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for a deferred mark)
    """Mark ``message`` for extraction without translating it (translate it later)."""
    return message


def resolve_language(
    language: str | None = None, environ: Mapping[str, str] | None = None
) -> Language:
    """Return the language to use: ``language`` when given, else the one the locale names.

    The locale is read as gettext reads it: ``LANGUAGE`` (a colon-separated list), then
    ``LC_ALL``, ``LC_MESSAGES`` and ``LANG``; the first shipped language named wins, and
    English is the fallback.

    >>> resolve_language(environ={"LANG": "ga_IE.UTF-8"})
    'ga'
    >>> resolve_language(environ={"LANGUAGE": "fr:ga", "LANG": "en_IE.UTF-8"})
    'ga'
    >>> resolve_language("en", environ={"LANG": "ga_IE.UTF-8"})
    'en'

    Raises:
        ArgumentError: ``language`` is given but is not a shipped language.

    """
    if language is not None:
        found = _shipped(language)
        if found is None:
            raise ArgumentError(
                f"expected a language among {', '.join(languages())}, found {language!r}"
            )
        return found
    env = os.environ if environ is None else environ
    for variable in _ENVIRONMENT:
        for name in env.get(variable, "").split(":"):
            found = _shipped(name)
            if found is not None:
                return found
    return DEFAULT_LANGUAGE


def _shipped(name: str) -> Language | None:
    code = name.split(".", 1)[0].split("@", 1)[0].replace("-", "_").split("_", 1)[0].lower()
    return code if code in languages() else None


@functools.cache
def _translations(language: Language) -> _gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        # The messages are written in English: the English catalogue is the identity.
        return _gettext.NullTranslations()
    folder = _locale_folder() / language / "LC_MESSAGES"
    compiled = folder / f"{_DOMAIN}.mo"
    if compiled.is_file():
        return _gettext.GNUTranslations(io.BytesIO(compiled.read_bytes()))
    source = folder / f"{_DOMAIN}.po"
    if source.is_file():
        return _gettext.GNUTranslations(io.BytesIO(_compiled_po(source)))
    return _gettext.NullTranslations()


def _compiled_po(source: Traversable) -> bytes:
    """Return ``source`` (a ``.po``) compiled, kept from an earlier run while it is unchanged.

    Compiling with Babel costs a tenth of a second; reading the kept result, a fraction
    of a millisecond.
    """
    po = source.read_bytes()
    return cached("mo-1", po, lambda: compile_po(po))


def compile_po(po: bytes) -> bytes:
    """Compile the text of a ``.po`` catalogue to the bytes of a ``.mo`` file with Babel.

    Untranslated and fuzzy messages are left out, so gettext falls back to English.
    """
    from babel.messages.mofile import write_mo  # noqa: PLC0415 (only a source checkout)
    from babel.messages.pofile import read_po  # noqa: PLC0415

    catalog = read_po(io.BytesIO(po))
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def gettext(message: str, language: Language) -> str:
    """Return ``message`` translated into ``language``, or ``message`` when untranslated."""
    return _translations(language).gettext(message)


def ngettext(singular: str, plural: str, count: int, language: Language) -> str:
    """Return the form of the message for ``count`` in ``language``, by its plural rule.

    Irish has five forms (one, two, few, many, other); English two.
    """
    return _translations(language).ngettext(singular, plural, count)


@frozen
class Translator:
    """The translation functions and locale formats of one language, for renderers.

    >>> Translator("ga").number(1234.5)
    '1,234.5'
    >>> Translator("ga").date(datetime.date(2026, 12, 2))
    '2 Noll 2026'
    """

    language: Language
    """The language translated into."""

    def gettext(self, message: str) -> str:
        """Return ``message`` in this language (see :func:`gettext`)."""
        return gettext(message, self.language)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Return the plural form for ``count`` in this language (see :func:`ngettext`)."""
        return ngettext(singular, plural, count, self.language)

    def number(self, value: float) -> str:
        """Format ``value`` as a decimal number the way this language writes it."""
        from babel.numbers import format_decimal  # noqa: PLC0415 (loads locale data)

        return str(format_decimal(value, locale=self.language))

    def date(self, value: datetime.date) -> str:
        """Format ``value`` as a medium-length date the way this language writes it."""
        from babel.dates import format_date  # noqa: PLC0415 (loads locale data)

        return str(format_date(value, format="medium", locale=self.language))


def translator(language: str | None = None) -> Translator:
    """Return the :class:`Translator` for ``language``, or for the locale when ``None``.

    Raises:
        ArgumentError: ``language`` is not a shipped language.

    """
    return Translator(resolve_language(language))
