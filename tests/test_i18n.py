"""Translations: every shipped language is complete, plural forms follow CLDR, locale rules."""

from __future__ import annotations

import ast
import gettext
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from tagsig import _i18n
from tagsig._i18n import Translator, compile_po, languages, resolve_language

from .conftest import REPO

LOCALE = REPO / "src" / "tagsig" / "locale"
SOURCES = sorted((REPO / "src" / "tagsig").rglob("*.py"))


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _template_ids() -> set[str]:
    with (LOCALE / "tagsig.pot").open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


class TestCatalogues:
    """The shipped .po files."""

    @pytest.mark.parametrize("language", languages())
    def test_every_message_is_translated(self, language: str) -> None:
        """Each message id of the template has a full translation in every language."""
        catalog = _read(LOCALE / language / "LC_MESSAGES" / "tagsig.po")
        ids = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
        assert set(ids) == _template_ids()
        for message in ids.values():
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings), message.id
            assert not message.fuzzy, message.id
            assert len(strings) in (1, catalog.num_plurals), message.id

    @pytest.mark.parametrize("language", languages())
    def test_placeholders_are_kept(self, language: str) -> None:
        """A translation keeps exactly the ``{placeholders}`` of its message."""
        catalog = _read(LOCALE / language / "LC_MESSAGES" / "tagsig.po")
        for message in catalog:
            if not message.id:
                continue
            source = message.id if isinstance(message.id, str) else message.id[0]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in strings:
                assert isinstance(string, str)
                assert set(re.findall(r"{\w+}", string)) == set(re.findall(r"{\w+}", source)), (
                    language,
                    source,
                )

    def test_irish_plural_rule_is_cldr(self) -> None:
        """The Irish header carries CLDR's five forms: one, two, few (3-6), many (7-10)."""
        catalog = _read(LOCALE / "ga" / "LC_MESSAGES" / "tagsig.po")
        assert catalog.num_plurals == 5
        rule = gettext.c2py(catalog.plural_expr)
        assert [rule(n) for n in (0, 1, 2, 3, 6, 7, 10, 11, 100)] == [4, 0, 1, 2, 2, 3, 3, 4, 4]

    @given(st.integers(min_value=0, max_value=10_000))
    def test_irish_plural_matches_cldr_for_any_count(self, count: int) -> None:
        """The compiled rule and Babel's CLDR rule pick the same category for any count."""
        category = Locale.parse("ga").plural_form(count)
        order = ["one", "two", "few", "many", "other"]
        form = _i18n.ngettext("{count} tag", "{count} tags", count, "ga")
        assert (
            form
            == ["{count} chlib", "{count} chlib", "{count} chlib", "{count} gclib", "{count} clib"][
                order.index(category)
            ]
        )

    def test_glossary_terms_are_used(self) -> None:
        """The page labels of the shared glossary are translated with its exact terms."""
        glossary = REPO.parent / "shared" / "catalogue" / "glossary.tsv"
        if not glossary.is_file():
            pytest.skip("the shared glossary is absent")
        rows = [line.split("\t") for line in glossary.read_text("utf-8").splitlines()[1:]]
        for english, irish, _where in rows:
            assert _i18n.gettext(english, "ga") == irish, english

    def test_every_translated_string_is_in_the_template(self) -> None:
        """Every literal passed to gettext/ngettext/N_ in the code is in tagsig.pot."""
        ids = _template_ids()
        used: set[str] = set()
        for path in SOURCES:
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in ("gettext", "ngettext", "N_") and path.name != "_i18n.py":
                        used.add(node.args[0].value)
        assert used
        assert used <= ids, sorted(used - ids)

    def test_template_is_current(self, tmp_path: Path) -> None:
        """``pybabel extract`` with the repository's config writes the shipped template."""
        pybabel = Path(sys.executable).parent / "pybabel"
        out = tmp_path / "tagsig.pot"
        subprocess.run(
            [
                str(pybabel),
                "extract",
                "-F",
                str(REPO / "babel.cfg"),
                "-k",
                "N_",
                "--no-location",
                "--sort-output",
                "--ignore-dirs",
                ".* __pycache__",
                "-o",
                str(out),
                str(REPO / "src" / "tagsig"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        with out.open("rb") as f:
            extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
        assert extracted == _template_ids()


class TestTranslation:
    """gettext, ngettext and the locale formats."""

    def test_untranslated_message_falls_back_to_english(self) -> None:
        """A message no catalogue holds comes back as written."""
        assert _i18n.gettext("A message nobody translated", "ga") == ("A message nobody translated")

    def test_compiled_catalogue_leaves_out_untranslated(self) -> None:
        """An empty or fuzzy msgstr compiles to nothing, so English shows."""
        po = (
            b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
            b'"Plural-Forms: nplurals=5; plural=(n==1 ? 0 : n==2 ? 1 : n<7 ? 2 : '
            b'n<11 ? 3 : 4);\\n"\n\n'
            b'msgid "Overview"\nmsgstr ""\n\n#, fuzzy\nmsgid "Cookies"\nmsgstr "Fian\xc3\xa1in"\n'
            b'\nmsgid "Yes"\nmsgstr "T\xc3\xa1"\n'
        )
        translations = gettext.GNUTranslations(io.BytesIO(compile_po(po)))
        assert translations.gettext("Overview") == "Overview"
        assert translations.gettext("Cookies") == "Cookies"
        assert translations.gettext("Yes") == "Tá"

    @pytest.mark.parametrize(
        ("count", "expected"),
        [
            (1, "1 phatrún"),
            (2, "2 phatrún"),
            (3, "3 phatrún"),
            (6, "6 phatrún"),
            (7, "7 bpatrún"),
            (10, "10 bpatrún"),
            (11, "11 patrún"),
            (0, "0 patrún"),
        ],
    )
    def test_irish_has_five_forms(self, count: int, expected: str) -> None:
        """Irish numbers lenite after 1-6, eclipse after 7-10, leave 0 and 11+ plain."""
        text = Translator("ga").ngettext("{count} pattern", "{count} patterns", count)
        assert text.format(count=count) == expected

    def test_english_has_two_forms(self) -> None:
        """English: singular for one, plural for any other count."""
        tr = Translator("en")
        assert [
            tr.ngettext("{count} tag", "{count} tags", n).format(count=n) for n in (0, 1, 2)
        ] == ["0 tags", "1 tag", "2 tags"]

    def test_numbers_and_dates_follow_the_locale(self) -> None:
        """Babel formats numbers and dates per language."""
        import datetime

        day = datetime.date(2026, 3, 17)
        assert Translator("en").date(day) == "Mar 17, 2026"
        assert Translator("ga").date(day) == "17 Márta 2026"
        assert Translator("en").number(1234.5) == "1,234.5"


class TestLanguageChoice:
    """--lang, then the locale variables gettext reads, then English."""

    @pytest.mark.parametrize(
        ("environ", "expected"),
        [
            ({}, "en"),
            ({"LANG": "ga_IE.UTF-8"}, "ga"),
            ({"LANG": "ga"}, "ga"),
            ({"LC_MESSAGES": "ga_IE", "LANG": "en_GB.UTF-8"}, "ga"),
            ({"LC_ALL": "en_IE.UTF-8", "LC_MESSAGES": "ga_IE"}, "en"),
            ({"LANGUAGE": "de:ga", "LC_ALL": "en_IE.UTF-8"}, "ga"),
            ({"LANG": "fr_FR.UTF-8"}, "en"),
            ({"LANG": "C"}, "en"),
            ({"LANG": "ga_IE@euro"}, "ga"),
        ],
    )
    def test_from_the_environment(self, environ: dict[str, str], expected: str) -> None:
        """The first shipped language named by the locale variables wins."""
        assert resolve_language(environ=environ) == expected

    def test_explicit_language_wins(self) -> None:
        """An explicit language overrides the locale."""
        assert resolve_language("en", environ={"LANG": "ga_IE.UTF-8"}) == "en"
        assert resolve_language("GA") == "ga"

    def test_unknown_explicit_language_is_an_error(self) -> None:
        """A language that is not shipped is refused, naming the shipped ones."""
        with pytest.raises(ValueError, match="expected a language among en, ga, found 'xx'"):
            resolve_language("xx")


@pytest.mark.slow
def test_wheel_ships_compiled_catalogues(tmp_path: Path) -> None:
    """The built wheel holds a .mo per language, compiled from its .po, and the catalogue."""
    import zipfile

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode != 0 and "hatchling" in result.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("tagsig-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {"tagsig/data/catalogue.json", "tagsig/data/catalogue.schema.json"} <= names
        for language in languages():
            compiled = archive.read(f"tagsig/locale/{language}/LC_MESSAGES/tagsig.mo")
            translations = gettext.GNUTranslations(io.BytesIO(compiled))
            expected = "Forbhreathnú" if language == "ga" else "Overview"
            assert translations.gettext("Overview") == expected


def test_a_language_is_one_po_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new folder with a tagsig.po is a new language: chosen, translated, falling back."""
    for language in ("en", "ga"):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "tagsig.po").write_bytes(
            (LOCALE / language / "LC_MESSAGES" / "tagsig.po").read_bytes()
        )
    french = tmp_path / "fr" / "LC_MESSAGES"
    french.mkdir(parents=True)
    (french / "tagsig.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "Overview"\nmsgstr "Aperçu"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(_i18n, "_locale_folder", lambda: tmp_path)
    for cached in (_i18n.languages, _i18n._translations):
        cached.cache_clear()
    try:
        assert _i18n.languages() == ("en", "fr", "ga")
        assert resolve_language(environ={"LANG": "fr_FR.UTF-8"}) == "fr"
        assert _i18n.gettext("Overview", "fr") == "Aperçu"
        assert _i18n.gettext("Cookies", "fr") == "Cookies"
    finally:
        for cached in (_i18n.languages, _i18n._translations):
            cached.cache_clear()


def test_cli_refuses_an_unknown_language(capsys: pytest.CaptureFixture[str]) -> None:
    """--lang with a language that is not shipped is a usage error, exit 2."""
    from tagsig._cli.main import main

    with pytest.raises(SystemExit) as caught:
        main(["show", "intercom", "--lang", "xx"])
    assert caught.value.code == 2
    assert "expected a language among en, ga, found 'xx'" in capsys.readouterr().err


@given(
    st.dictionaries(
        st.sampled_from(["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"]), st.text(max_size=20)
    )
)
def test_any_locale_resolves_to_a_shipped_language(environ: dict[str, str]) -> None:
    """Whatever the locale variables hold, the answer is a shipped language, never an error."""
    assert resolve_language(environ=environ) in languages()
