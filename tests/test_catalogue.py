"""The catalogue look-up API, its renderers and the ``show`` and ``catalogue`` commands."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tagsig
from tagsig import (
    CatalogueEntry,
    CookiePattern,
    UnknownTagError,
    catalogue_entries,
    catalogue_entry,
)
from tagsig._cli.main import main
from tagsig._i18n import Translator
from tagsig._render.catalogue import (
    render_entry_markdown,
    render_entry_text,
    render_list_text,
)
from tagsig._render.catalogue_html import render_entry_html, write_catalogue
from tagsig._signatures.catalogue import Prose, cookie_display_name

EN = Translator("en")
GA = Translator("ga")


class TestLookUp:
    """catalogue_entry: by id, name or alias, in any case; did-you-mean for near misses."""

    @pytest.mark.parametrize("query", ["intercom", "INTERCOM", "Intercom", "  intercom "])
    def test_id_or_name_in_any_case(self, query: str) -> None:
        """Id and name are found whatever their case and surrounding space."""
        assert catalogue_entry(query).id == "intercom"

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("GTM", "google-tag-manager"),
            ("google tag manager", "google-tag-manager"),
            ("Typekit", "adobe-fonts"),
            ("AddThis", "addthis"),
            ("AppNexus", "xandr"),
            ("facebook pixel", "meta-pixel"),
            ("Krux", "salesforce-audience-studio"),
            ("Dotomi", "conversant"),
            ("SharedID", "prebid-sharedid"),
            ("Webtrekk", "mapp-intelligence"),
        ],
    )
    def test_aliases_and_bracketed_names(self, query: str, expected: str) -> None:
        """Aliases of the catalogue and names in brackets of the signature name find it."""
        assert catalogue_entry(query).id == expected

    def test_every_alias_and_curated_name_finds_its_own_tag(self) -> None:
        """No alias of the catalogue file claims another tag's name, or is claimed by one."""
        path = Path(__file__).resolve().parents[1] / "data" / "catalogue.json"
        entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
        for sid, raw in entries.items():
            for alias in raw.get("aliases", []):
                assert catalogue_entry(alias).id == sid, (sid, alias)
        for entry in catalogue_entries():
            assert catalogue_entry(entry.name).id == entry.id, entry.name

    def test_unknown_name_suggests_close_ones(self) -> None:
        """A near miss raises a tagsig error naming what was meant."""
        with pytest.raises(UnknownTagError) as caught:
            catalogue_entry("intercon")
        assert "Intercom" in caught.value.suggestions
        assert str(caught.value).startswith(
            "expected the id, name or alias of a tag, found 'intercon' (did you mean "
        )
        assert isinstance(caught.value, tagsig.TagsigError)

    def test_far_miss_has_no_suggestion(self) -> None:
        """Nothing close: the message has no "did you mean"."""
        with pytest.raises(UnknownTagError) as caught:
            catalogue_entry("zzzzzzzzzzzzzzzz")
        assert caught.value.suggestions == ()
        assert "did you mean" not in str(caught.value)

    def test_error_pickles(self) -> None:
        """The error crosses process boundaries with its suggestions."""
        error = pickle.loads(pickle.dumps(UnknownTagError("x", ("A", "B"))))
        assert (error.tag, error.suggestions) == ("x", ("A", "B"))

    @settings(max_examples=25)
    @given(st.text(max_size=30))
    def test_any_query_finds_a_tag_or_raises_a_tagsig_error(self, query: str) -> None:
        """Whatever is looked up, the answer is an entry or an UnknownTagError."""
        found: CatalogueEntry | UnknownTagError
        try:
            found = catalogue_entry(query)
        except UnknownTagError as error:
            found = error
        if isinstance(found, UnknownTagError):
            assert found.tag == query
        else:
            assert found.name


class TestIntercom:
    """The seed entry, exactly as the issue describes it."""

    def test_page_facts(self) -> None:
        """Chat and support, high complexity, the four facts, its three cookies."""
        entry = catalogue_entry("intercom")
        assert (entry.category, entry.complexity) == ("chat", "high")
        assert (entry.sets_cookies, entry.sends_pii, entry.cross_site_tracking) == (
            True,
            False,
            False,
        )
        assert (entry.consent, entry.consent_required) == ("functional", True)
        assert [c.name for c in entry.cookies] == [
            "intercom-id-XXXXX",
            "intercom-session-XXXXX",
            "intercom-device-id-XXXXX",
        ]
        assert (entry.performance.script_kb, entry.performance.requests_per_page) == (250, 2)
        assert len(entry.mistakes) == 5

    def test_compliance(self) -> None:
        """Intercom, Inc. in the US, under the EU-US Data Privacy Framework."""
        compliance = catalogue_entry("intercom").compliance
        assert (compliance.owner, compliance.country, compliance.transfer) == (
            "Intercom, Inc.",
            "US",
            "dpf",
        )
        assert ("functional", "consent") in [(b.purpose, b.basis) for b in compliance.legal_basis]

    def test_detection(self) -> None:
        """Detection counts the host and cookie patterns and names the methods."""
        detection = catalogue_entry("intercom").detection
        assert detection.methods == ("network", "cookie")
        assert detection.patterns == detection.hosts + detection.cookies == 9

    def test_related_services(self) -> None:
        """The catalogue's own related services come first, then others of the category."""
        related = catalogue_entry("intercom").related
        assert [r.id for r in related[:4]] == ["zendesk", "hubspot-chat", "drift", "crisp"]
        assert all(r.reason == "category" for r in related[4:])
        assert "intercom" not in [r.id for r in related]

    def test_entry_is_immutable(self) -> None:
        """Entries are frozen."""
        entry = catalogue_entry("intercom")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            entry.name = "x"  # type: ignore[misc]


class TestEntries:
    """catalogue_entries and the entries of the whole database."""

    def test_every_curated_entry_is_complete(self) -> None:
        """A curated entry has an overview, compliance advice, a complexity and related."""
        entries = catalogue_entries()
        assert len(entries) >= 200
        for entry in entries:
            assert entry.is_curated
            assert entry.overview is not None
            assert entry.compliance.configure is not None
            assert entry.complexity is not None
            assert entry.compliance.legal_basis
            assert entry.related, entry.id

    def test_filters(self) -> None:
        """--category and --consent filter; results are sorted by name."""
        chosen = catalogue_entries(category="consent", consent="essential")
        assert chosen
        assert all(e.category == "consent" and e.consent == "essential" for e in chosen)
        names = [e.name.casefold() for e in chosen]
        assert names == sorted(names)
        assert len(catalogue_entries(curated_only=False)) > len(catalogue_entries())

    def test_uncurated_entry_has_no_prose(self) -> None:
        """A tag without catalogue text still has its facts; its prose is None."""
        entry = next(e for e in catalogue_entries(curated_only=False) if not e.is_curated)
        assert entry.overview is None
        assert entry.compliance.configure is None
        assert "No catalogue text yet." in render_entry_text(entry, EN)


class TestCookieNames:
    """Wildcards written as the catalogue writes them."""

    @pytest.mark.parametrize(
        ("pattern", "expected"),
        [
            (CookiePattern(name="_ga"), "_ga"),
            (CookiePattern(name="_ga_", match="prefix"), "_ga_XXXXX"),
            (CookiePattern(name="_sid", match="suffix"), "XXXXX_sid"),
            (CookiePattern(name="abc", match="contains"), "XXXXXabcXXXXX"),
            (CookiePattern(name=r"^_hj\w+$", match="regex"), "_hjXXXXX"),
            (CookiePattern(name=r"ab\.c[0-9]{2,8}", match="regex"), "ab.cXXXXX"),
            (CookiePattern(name="x(a|b)", match="regex"), "/x(a|b)/"),
        ],
    )
    def test_rendering(self, pattern: CookiePattern, expected: str) -> None:
        """Prefix, suffix, contains and simple regular expressions become XXXXX."""
        assert cookie_display_name(pattern) == expected

    @given(
        st.from_regex(r"[a-z_]{1,8}", fullmatch=True), st.from_regex(r"[a-z_]{1,8}", fullmatch=True)
    )
    def test_simple_regex_reads_like_the_name_it_matches(self, head: str, tail: str) -> None:
        """A regex head + any run + tail renders as head + XXXXX + tail."""
        pattern = CookiePattern(name=f"{head}[A-Za-z0-9]+{tail}", match="regex")
        shown = cookie_display_name(pattern)
        assert shown == f"{head}XXXXX{tail}"
        assert pattern.matches(shown.replace("XXXXX", "Ab9"))


class TestRenderers:
    """Text, Markdown and JSON show the page's sections in its order, in both languages."""

    ORDER_EN = (
        "Sets cookies",
        "Sends PII",
        "Cross-site tracking",
        "Consent required",
        "Cookies",
        "Overview",
        "Detected capabilities",
        "Performance impact",
        "Common mistakes",
        "Compliance considerations",
        "Related services",
    )
    ORDER_GA = (
        "Socraíonn fianáin",
        "Seolann PII",
        "Rianú trassuímh",
        "Toiliú riachtanach",
        "Fianáin",
        "Forbhreathnú",
        "Cumais Braite",
        "Tionchar Feidhmíochta",
        "Botúin Choitianta",
        "Breithnithe Comhlíontachta",
        "Seirbhísí Gaolmhara",
    )

    @pytest.mark.parametrize(
        "render", [render_entry_text, render_entry_markdown, render_entry_html]
    )
    @pytest.mark.parametrize(("tr", "labels"), [(EN, ORDER_EN), (GA, ORDER_GA)])
    def test_sections_in_page_order(
        self, render: object, tr: Translator, labels: tuple[str, ...]
    ) -> None:
        """Every section label appears, in the order of the catalogue page."""
        assert callable(render)
        text = str(render(catalogue_entry("intercom"), tr))
        positions = [text.find(label) for label in labels]
        assert -1 not in positions, [lb for lb, p in zip(labels, positions, strict=True) if p < 0]
        assert positions == sorted(positions)

    def test_irish_text_page(self) -> None:
        """The Irish page uses the glossary, Irish plural forms and Irish prose for Intercom."""
        text = render_entry_text(catalogue_entry("intercom"), GA)
        assert "Comhrá & Tacaíocht · Castacht ard" in text
        assert "9 bpatrún: Líonra (6), Fianáin (3)" in text
        assert "Ardán teachtaireachtaí" in text
        assert "Creat AE-SAM um Príobháideachas Sonraí" in text
        # the mistakes are English: the page says so
        assert "tá sé i mBéarla anseo" in text

    def test_irish_prose_where_written(self) -> None:
        """A tag with Irish prose shows it on the Irish page, with no English note for it."""
        entry = catalogue_entry("hotjar")
        assert entry.overview is not None
        assert entry.overview.text("ga") == (
            "Teasmhapaí, taifeadtaí seisiún agus suirbhéanna.",
            "ga",
        )
        assert "Teasmhapaí" in render_entry_text(entry, GA)
        assert "Heatmaps" in render_entry_text(entry, EN)

    def test_english_prose_is_flagged_on_an_irish_page(self) -> None:
        """An overview with no Irish text shows in English with a note; Irish text has none."""
        english = "Live chat and shared inbox with a messenger widget on the site."
        entry = attrs.evolve(catalogue_entry("crisp"), overview=Prose((("en", english),)))
        text = render_entry_text(entry, GA)
        assert f"  {english}\n  (Níl an téacs seo scríofa sa teanga seo fós" in text
        irish = render_entry_text(catalogue_entry("crisp"), GA)
        overview = irish.split("Forbhreathnú\n", 1)[1].split("\n\n", 1)[0]
        assert "Níl an téacs seo scríofa" not in overview

    def test_markdown_escapes(self) -> None:
        """Markdown escapes the characters of its syntax in names and prose."""
        text = render_entry_markdown(catalogue_entry("intercom"), EN)
        assert "`intercom-id-XXXXX`" in text
        assert "| Sets cookies | Yes |" in text

    def test_list_counts_with_plural(self) -> None:
        """The list ends with a count in the right plural form."""
        entries = catalogue_entries(category="fonts")
        assert render_list_text(entries, GA).endswith(f"{len(entries)} chlib\n")
        assert render_list_text(entries, EN).endswith(f"{len(entries)} tags\n")
        assert render_list_text((), EN) == "No tag matches.\n"


class TestCommands:
    """tagsig show and tagsig catalogue."""

    def test_show_text(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Show TAG prints the entry."""
        assert main(["show", "Intercom", "--lang", "en"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("Intercom\nChat & Support · High complexity\n")

    def test_show_json_keeps_codes(self, capsys: pytest.CaptureFixture[str]) -> None:
        """JSON holds machine codes whatever the language, and the prose's language."""
        assert main(["show", "intercom", "--format", "json", "--lang", "ga"]) == 0
        document = json.loads(capsys.readouterr().out)
        assert document["category"] == "chat"
        assert document["facts"] == {
            "sets_cookies": True,
            "sends_pii": False,
            "cross_site_tracking": False,
            "consent_required": True,
            "consent": "functional",
        }
        assert document["compliance"]["transfer"] == "dpf"
        assert document["overview_language"] == "ga"
        assert document["cookies"][0]["name"] == "intercom-id-XXXXX"

    def test_show_language_from_the_locale(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without --lang the locale decides."""
        for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(variable, raising=False)
        monkeypatch.setenv("LANG", "ga_IE.UTF-8")
        assert main(["show", "intercom"]) == 0
        assert "Socraíonn fianáin" in capsys.readouterr().out

    def test_show_unknown_is_one_error_line(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown tag exits 2 with one line, with suggestions, no traceback."""
        assert main(["show", "intercon"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert err.startswith(
            "tagsig: error: expected the id, name or alias of a tag, found "
            "'intercon' (did you mean 'Intercom'"
        )

    @pytest.mark.parametrize(
        "argv",
        [["show"], ["show", "intercom", "--list"], ["show", "intercom", "--category", "chat"]],
    )
    def test_show_usage_errors(self, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        """TAG and --list exclude each other; filters go with --list."""
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
        assert "tagsig: error:" in capsys.readouterr().err

    @pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
    def test_show_list(self, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
        """Show --list filters by category and consent in every format."""
        assert (
            main(
                [
                    "show",
                    "--list",
                    "--category",
                    "chat",
                    "--consent",
                    "functional",
                    "--format",
                    fmt,
                    "--lang",
                    "en",
                ]
            )
            == 0
        )
        out = capsys.readouterr().out
        assert "Intercom" in out
        assert "Drift" not in out

    def test_catalogue_writes_pages(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Catalogue --output writes the index and one page per curated tag."""
        assert main(["catalogue", "--output", str(tmp_path / "site"), "--lang", "ga"]) == 0
        pages = sorted(p.name for p in (tmp_path / "site").iterdir())
        assert "index.html" in pages
        assert "intercom.html" in pages
        assert len(pages) == len(catalogue_entries()) + 1
        assert f"({len(pages) - 1} clib)" in capsys.readouterr().out

    def test_catalogue_unwritable_output(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An output path that cannot be a directory is one error line, exit 2."""
        blocker = tmp_path / "file"
        blocker.write_text("x", encoding="utf-8")
        assert main(["catalogue", "--output", str(blocker / "site")]) == 2
        assert capsys.readouterr().err.startswith(f"tagsig: error: {blocker / 'site'}: ")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the Irish catalogue once."""
    out = tmp_path_factory.mktemp("site")
    write_catalogue(out, GA)
    return out


class TestSite:
    """The written pages are self-contained and linked."""

    def test_no_network_reference(self, site: Path) -> None:
        """No page names any URL scheme in an attribute, nor loads anything."""
        for page in site.iterdir():
            text = page.read_text(encoding="utf-8")
            assert not re.search(r"(?:src|href)=\"(?:https?:)?//", text), page.name
            assert "default-src 'none'" in text
            assert '<html lang="ga">' in text

    def test_related_links_resolve(self, site: Path) -> None:
        """Every link between pages points at a written page."""
        for page in site.iterdir():
            for target in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")):
                assert (site / target).is_file(), (page.name, target)
        intercom = (site / "intercom.html").read_text(encoding="utf-8")
        assert '<a href="zendesk.html">' in intercom

    def test_pages_escape_text(self) -> None:
        """Text from the data is HTML-escaped."""
        entry = attrs.evolve(catalogue_entry("intercom"), name="<script>x</script>")
        page = render_entry_html(entry, EN)
        assert "<script>x" not in page
        assert "&lt;script&gt;x" in page


def test_analyze_never_loads_the_catalogue() -> None:
    """Running the CLI for analysis imports none of the catalogue modules."""
    example = Path(__file__).resolve().parents[1] / "examples" / "shop.har"
    code = (
        "import sys, io, contextlib; from tagsig._cli.main import main; "
        "CATALOGUE = {'tagsig._signatures.catalogue', 'tagsig._render.catalogue', "
        "'tagsig._render.catalogue_html'}; "
        "out = io.StringIO(); ctx = contextlib.redirect_stdout(out); ctx.__enter__(); "
        f"main(['analyze', {str(example)!r}]); ctx.__exit__(None, None, None); "
        "print(sorted(m for m in sys.modules if m in CATALOGUE))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


_OFFLINE = """
import socket, sys

def refuse(*args, **kwargs):
    raise AssertionError(f"network access attempted: {args!r}")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from tagsig._cli.main import main

assert main(["show", "intercom", "--lang", "ga", "--format", "html"]) == 0
assert main(["catalogue", "--output", sys.argv[1], "--lang", "ga"]) == 0
print("offline ok")
"""


def test_catalogue_is_offline(tmp_path: Path) -> None:
    """Showing a tag and writing the catalogue work with sockets refused."""
    result = subprocess.run(
        [sys.executable, "-c", _OFFLINE, str(tmp_path / "site")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "offline ok" in result.stdout


def test_show_html_is_one_page(capsys: pytest.CaptureFixture[str]) -> None:
    """Show with --format html prints one self-contained page, related services unlinked."""
    assert main(["show", "intercom", "--format", "html", "--lang", "en"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>")
    assert "<h2>Related services</h2>" in page
    assert 'href="zendesk.html"' not in page


@pytest.mark.parametrize(
    ("country", "dpf", "expected"),
    [
        ("IE", None, "eea"),
        ("NO", None, "eea"),
        ("US", True, "dpf"),
        ("US", False, None),
        ("GB", None, None),
        (None, None, None),
    ],
)
def test_uncurated_transfer_only_where_the_vendor_settles_it(
    country: str | None, dpf: bool | None, expected: str | None
) -> None:
    """Without catalogue data: EEA vendors need no transfer, DPF ones use it, else unknown."""
    from tagsig._signatures.catalogue import _transfer

    assert _transfer(country, dpf) == expected
    uncurated = [e for e in catalogue_entries(curated_only=False) if not e.is_curated]
    assert all(e.compliance.legal_basis == () for e in uncurated)


def test_missing_catalogue_file_is_a_tagsig_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken installation without the catalogue file raises SignatureError."""
    from tagsig._signatures import catalogue as _catalogue

    def missing(name: str) -> Path:
        raise FileNotFoundError(name)

    monkeypatch.setattr(_catalogue, "data_file", missing)
    _catalogue._extras.cache_clear()
    try:
        with pytest.raises(
            tagsig.SignatureError,
            match=r"expected a readable bundled "
            r"'catalogue\.json'",
        ):
            _catalogue._extras()
    finally:
        monkeypatch.undo()
        _catalogue._extras.cache_clear()
