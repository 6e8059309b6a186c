"""The English catalogue is complete and in use; the Dutch one is the source.

Dutch is the source language of every UI string, so ``locale/nl`` only carries a
header and ``locale/en`` must translate every msgid. gettext silently skips
fuzzy and empty entries (the Dutch text would show), so these tests read the
``.po`` files with a small parser of their own, check that the committed
``.mo`` files were compiled from them, and check through Django that the
English UI really is English.
"""

from __future__ import annotations

import gettext as gnu_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
NL_PO = LOCALE / "nl" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{.*?\}\}|\{\w*\}")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    """One catalogue entry: its flags, msgid (and plural), and msgstr(s)."""

    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def msgstrs(self) -> list[str]:
        return [v for k, v in sorted(self.fields.items()) if k.startswith("msgstr")]


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m[1], m[1]), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header first; obsolete (#~) ones skipped."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry, key = Entry(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry.fields[key] += _unquote(line)
            elif line.strip():
                key, rest = line.split(" ", 1)
                entry.fields[key] = _unquote(rest)
        if entry.fields:
            entries.append(entry)
    return entries


def _header(path: Path) -> tuple[Entry, dict[str, str]]:
    head = parse_po(path)[0]
    assert head.msgid == "", f"{path} does not start with a header"
    values = dict(
        line.split(": ", 1) for line in head.msgstrs[0].splitlines() if ": " in line
    )
    return head, values


def _messages(path: Path) -> list[Entry]:
    return [e for e in parse_po(path) if e.msgid]


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    """Every en entry has a non-empty msgstr (each plural form too) and none is
    fuzzy, because gettext ignores both and would show the Dutch source."""
    entries = _messages(EN_PO)
    assert len(entries) > 100
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    empty = [e.msgid for e in entries if not all(e.msgstrs)]
    assert fuzzy == []
    assert empty == []
    head, _ = _header(EN_PO)
    assert "fuzzy" not in head.flags


def test_english_translations_keep_every_placeholder():
    """A translation uses exactly the placeholders of its msgid, otherwise the
    ``%`` formatting in the code raises or drops a value."""
    for entry in _messages(EN_PO):
        source = entry.fields.get("msgid_plural", entry.msgid)
        for msgstr in entry.msgstrs:
            assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(
                PLACEHOLDER.findall(source)
            ), entry.msgid


@pytest.mark.parametrize(("path", "language"), [(EN_PO, "en"), (NL_PO, "nl")])
def test_catalogue_headers_are_proper(path, language):
    """Both catalogues declare their language, UTF-8 and two plural forms, and
    the header is not fuzzy (a fuzzy header makes msgfmt drop the metadata)."""
    head, values = _header(path)
    assert "fuzzy" not in head.flags
    assert values["Language"] == language
    assert values["Content-Type"] == "text/plain; charset=UTF-8"
    assert values["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


#: Django's own (English) strings that its Dutch catalogue lacks, so that ours
#: translates them (``web/forms/__init__.py``); every other msgid is Dutch.
DJANGO_MSGIDS = {"- Select an option -"}


def test_dutch_catalogue_keeps_the_source_text():
    """The msgids are Dutch already: the nl catalogue translates nothing, except
    the few English strings of Django itself, which it must translate."""
    for entry in _messages(NL_PO):
        if entry.msgid in DJANGO_MSGIDS:
            assert all(entry.msgstrs), entry.msgid
        else:
            assert not any(entry.msgstrs), entry.msgid


@pytest.mark.parametrize("msgid", sorted(DJANGO_MSGIDS))
def test_django_strings_are_dutch_in_the_dutch_interface(msgid):
    """Django's empty-choice label is not English in the Dutch interface."""
    with translation.override("nl"):
        assert translation.gettext(msgid) != msgid
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid


def test_compiled_english_catalogue_matches_the_po_file():
    """The committed .mo was compiled from the current .po: each msgid gives
    exactly the msgstr(s) of the .po (run ``make messages`` after editing)."""
    with (EN_PO.with_suffix(".mo")).open("rb") as mo:
        compiled = gnu_gettext.GNUTranslations(mo)
    for entry in _messages(EN_PO):
        if "msgid_plural" in entry.fields:
            plural = entry.fields["msgid_plural"]
            one, other = entry.fields["msgstr[0]"], entry.fields["msgstr[1]"]
            assert compiled.ngettext(entry.msgid, plural, 1) == one
            assert compiled.ngettext(entry.msgid, plural, 2) == other
        else:
            assert compiled.gettext(entry.msgid) == entry.fields["msgstr"]


@pytest.mark.parametrize(
    ("dutch", "english"),
    [
        ("Mijn cliënten en zaken", "My clients and cases"),
        ("Licht de weigering toe.", "Explain the refusal."),
        ("Vertrouwenspersoon (AKJ)", "Confidant (AKJ)"),
        ("Cliëntondersteuner", "Client supporter"),
        ("Informele ondersteuner", "Informal supporter"),
        ("Belangenverstrengeling", "Conflict of interest"),
        ("Inhoudelijk gesprek over de hulp", "Meeting about the content of the care"),
    ],
)
def test_key_strings_translate_to_english(dutch, english):
    """With English active, Django's gettext returns the English text."""
    with translation.override("en"):
        assert translation.gettext(dutch) == english
    with translation.override("nl"):
        assert translation.gettext(dutch) == dutch


def test_rule_message_with_placeholders_translates():
    """A rule message from ``roles/services.py`` formats in English, and so does
    the role noun that fills it (``RolePolicy.noun``)."""
    with translation.override("en"):
        message = translation.gettext(
            "Een %(role)s is alleen aanwezig op verzoek van de cliënt."
        ) % {"role": translation.gettext("informele ondersteuner")}
    assert message == "The informal supporter only attends at the client's request."


def test_plural_forms_translate():
    """The open-case counter on the dashboard has an English singular and plural."""
    singular, plural = "%(counter)s lopende zaak", "Alle %(counter)s lopende zaken"
    with translation.override("en"):
        one = translation.ngettext(singular, plural, 1)
        many = translation.ngettext(singular, plural, 3)
    assert one % {"counter": 1} == "1 open case"
    assert many % {"counter": 3} == "All 3 open cases"


@pytest.mark.django_db
def test_login_page_is_english_for_an_english_browser(client):
    """LocaleMiddleware picks English from Accept-Language: the login page
    shows "Log in" and not the Dutch "Inloggen"."""
    response = client.get(reverse("login"), headers={"accept-language": "en"})
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in content
    assert "Log in" in content
    assert "Language" in content
    assert "Inloggen" not in content


@pytest.mark.django_db
def test_login_page_is_dutch_by_default(client):
    """Without a language preference the page is in Dutch (LANGUAGE_CODE)."""
    content = client.get(reverse("login")).content.decode()
    assert '<html lang="nl"' in content
    assert "Inloggen" in content
    assert "Log in" not in content
