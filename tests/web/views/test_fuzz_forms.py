"""Every form, fuzzed: arbitrary text and unicode, huge values, numbers out of
range, wrong types, missing and extra fields and script payloads.

The forms are found, not listed: every page of the access matrices is opened
as a role that may see it, and each ``<form method="post">`` on it is
submitted with generated data. Whatever comes in, Naast answers without a
500, never echoes a script payload unescaped, and a refused submission (the
form shown again with its errors, or a 4xx) changes no row. The list pages'
filters take arbitrary query strings without a 500.

Each example runs in a savepoint that is rolled back, so every example starts
from the same world. Hypothesis is derandomised and the number of examples per
form is small, so the run is reproducible and bounded in time.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.web.access

# Examples per form and per list; ``NAAST_FUZZ_EXAMPLES=500`` searches deeper
# by hand. The defaults keep the module near a minute on two cores.
EXAMPLES = int(os.environ.get("NAAST_FUZZ_EXAMPLES", "20"))
LIST_EXAMPLES = int(os.environ.get("NAAST_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
LIST_FUZZ = settings(FUZZ, max_examples=LIST_EXAMPLES)

# Statuses a submission may get; anything else (a 500 above all) is a bug.
ALLOWED = {200, 204, 302, 400, 403, 404, 405, 409, 429}

# Payloads that must never come back unescaped; the markers are what we look
# for in the response.
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SCRIPT, IMG, "{{7*7}}", "{% debug %}", "'; DROP TABLE cases_client; --"]
MARKERS = [SCRIPT, "<img src=x onerror"]

# Forms of the base layout, on every page: not this module's business.
SKIPPED_ACTIONS = {"logout", "set_language", "web:session_extend"}


# --- which pages, as whom --------------------------------------------------------


def _matrix_rows() -> list[tuple[str, str | None, str, dict]]:
    rows = []
    for info in pkgutil.iter_modules(tests.web.access.__path__):
        if info.name.startswith("test_access"):
            module = importlib.import_module(f"tests.web.access.{info.name}")
            rows += [row for row in module.MATRIX if len(row) == 4]
    return rows


def _pages() -> list[tuple[str, str | None, str]]:
    """One (url name, object key, role) per page a role may GET, files left out."""
    pages: dict[str, tuple[str, str | None, str]] = {}
    for name, key, method, expected in _matrix_rows():
        if method != "get" or name in pages:
            continue
        if name.endswith(("_csv", "_pdf", "_json", "_print")):
            continue
        allowed = [role for role, status in expected.items() if status == 200]
        if allowed:
            pages[name] = (name, key, allowed[0])
    return sorted(pages.values())


PAGES = _pages()


@pytest.fixture
def fuzz_world(
    cases_world,
    clients_world,
    avg_world,
    boundary_world,
    emergency_world,
    notes_world,
    outreach_world,
    contacts_world,
    report_world,
):
    """The access-matrix world with every object any matrix names."""
    return report_world


# --- reading forms -------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    values: list[str] = field(default_factory=list)  # options or the given value
    multiple: bool = False


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action", ""))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "name" not in a:
            if tag == "option" and self._select is not None:
                self._select.values.append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            existing = form.fields.setdefault(name, Field(name, kind))
            existing.values.append(a.get("value", ""))
            existing.multiple = existing.multiple or kind == "checkbox"
        elif tag == "textarea":
            form.fields.setdefault(name, Field(name, "textarea"))
        elif tag == "select":
            self._select = form.fields.setdefault(
                name, Field(name, "select", multiple="multiple" in a)
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_on(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def _url_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


# --- what to send --------------------------------------------------------------------

# Text a browser could send: any unicode but lone surrogates (not encodable).
_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
_huge = st.builds(
    lambda ch, n: ch * n,
    st.sampled_from(["a", "é", "9", "<", "\U0001f600"]),
    st.sampled_from([10_000, 50_000]),
)
_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(["-1", "0", "2147483648", "9" * 40, "1e309", "NaN", "-0", "1,5"]),
).map(str)
_dates = st.sampled_from(
    [
        "31-12-2024",
        "2024-02-30",
        "0000-00-00",
        "9999-12-31",
        "0001-01-01",
        "2024-13-01T25:61",
        "yesterday",
        "2024-06-01T10:00",
        "1-1-1",
    ]
)
_nasty = st.one_of(_text, _huge, _numbers, _dates, st.sampled_from(PAYLOADS))
# A query string longer than a few kilobytes never reaches Django (servers
# refuse the request line); long ones render into every sort and page link.
_nasty_query = st.one_of(
    _text,
    st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "é", "<"]), st.just(2000)),
    _numbers,
    _dates,
    st.sampled_from(PAYLOADS),
)


# Values a form accepts, so that submissions get past the form to the
# service and their payloads are stored and shown again.
_PLAUSIBLE = {
    "date": st.sampled_from(["2026-12-01", "2025-01-31", "2000-02-29"]),
    "datetime-local": st.sampled_from(["2026-12-01T10:00", "2025-01-31T23:59"]),
    "time": st.sampled_from(["10:00", "23:59"]),
    "number": st.sampled_from(["0", "1", "3", "12"]),
    "email": st.sampled_from(["a@example.org", "x@y.nl"]),
}
_words = st.one_of(st.sampled_from(PAYLOADS), _text.filter(str.strip))


def _value(f: Field) -> st.SearchStrategy:
    good = [v for v in f.values if v]
    if f.kind in {"select", "radio", "checkbox"} and good:
        choice = st.sampled_from(good)
        if f.multiple:
            return st.one_of(st.lists(choice, max_size=3, unique=True), _nasty)
        return st.one_of(choice, choice, choice, _nasty, st.lists(choice, min_size=2))
    if f.kind == "hidden" and good:
        return st.one_of(st.just(good[0]), st.just(good[0]), _nasty)
    plausible = _PLAUSIBLE.get(f.kind, _words)
    return st.one_of(
        plausible, plausible, _nasty, st.lists(_text, min_size=2, max_size=3)
    )


# The edges of each input type, sent one field at a time in an otherwise
# sensible submission: dates that overflow a deadline computation, numbers
# that overflow a column.
_EXTREMES = {
    "date": ["9999-12-31", "0001-01-01", "1900-01-01"],
    "datetime-local": ["9999-12-31T23:59", "0001-01-01T00:00", "1900-01-01T00:00"],
    "number": ["2147483648", "-2147483649", "9" * 30, "-1", "1e5"],
}


def _sensible(f: Field) -> object:
    good = [v for v in f.values if v]
    if good:
        return good[-1] if f.kind == "select" else good[0]
    return {
        "date": "2026-12-01",
        "datetime-local": "2026-12-01T10:00",
        "time": "10:00",
        "number": "3",
        "email": "a@example.org",
    }.get(f.kind, SCRIPT)


def extremes(form: Form) -> list[dict[str, object]]:
    base = {
        f.name: _sensible(f)
        for f in form.fields.values()
        if f.name != "csrfmiddlewaretoken"
    }
    return [
        {**base, f.name: value}
        for f in form.fields.values()
        for value in _EXTREMES.get(f.kind, [])
    ] + [base]


@st.composite
def payloads(draw, form: Form) -> dict[str, object]:
    data: dict[str, object] = {}
    for f in form.fields.values():
        if f.name == "csrfmiddlewaretoken" or draw(st.integers(0, 5)) == 0:
            continue  # a missing field, now and then
        data[f.name] = draw(_value(f))
    extra = draw(st.dictionaries(_text.filter(bool), _nasty, max_size=2))
    return {**extra, **data}


# --- checks --------------------------------------------------------------------------


def assert_escaped(response, url: str) -> None:
    if "html" not in response.get("Content-Type", ""):
        return
    content = response.content.decode(errors="replace")
    for marker in MARKERS:
        assert marker not in content, f"unescaped payload on {url}"


def _refused(response, htmx: bool) -> bool:
    """A 4xx, or the form shown again: a full page answers a success with a
    redirect; an htmx partial answers it with 200, so there errors tell."""
    if response.status_code >= 400:
        return True
    content = response.content.decode(errors="replace")
    return (
        not htmx
        or "utrecht-form-field-error-message" in content
        or ("naast-error-summary" in content)
    )


def _submit(client, db_state, url: str, data: dict, htmx: bool) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic():
        before = db_state()
        response = client.post(url, data, headers=headers)
        status = response.status_code
        assert status in ALLOWED, (status, url, data)
        assert_escaped(response, url)
        if status == 302:
            location = response["Location"]
            if location.startswith("/") and not location.startswith("/inloggen"):
                page = client.get(location)
                assert page.status_code in ALLOWED, (page.status_code, location)
                assert_escaped(page, location)
        elif _refused(response, htmx):
            assert db_state() == before, f"a refused submission changed rows: {url}"
        transaction.set_rollback(True)


# --- the tests -----------------------------------------------------------------------


def test_forms_survive_any_input(client, fuzz_world, db_state):
    """No input makes a form answer 500, echo a script unescaped, or write a
    row when the submission is refused. One world serves every form (each
    example rolls back); every failing form is reported, not only the first."""
    seen: set[str | None] = set()
    failures: list[str] = []
    fuzzed = 0
    for name, key, role in PAGES:
        client.force_login(fuzz_world.users[role])
        url = reverse(name, args=[fuzz_world.objects[key]] if key else [])
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        for form in forms_on(page.content.decode()):
            action = form.action or url
            target = _url_name(action)
            if form.method != "post" or target in SKIPPED_ACTIONS or target in seen:
                continue
            seen.add(target)
            fuzzed += 1
            try:
                _fuzz(client, db_state, action, form)
            except Exception as exc:  # collected, all reported below
                failures.append(_failure(f"{target} ({name} as {role})", exc))
    assert fuzzed >= 30, f"only {fuzzed} forms found"
    assert not failures, "\n".join(failures)


def _fuzz(client, db_state, action: str, form: Form) -> None:
    for data in extremes(form):
        try:
            _submit(client, db_state, action, data, htmx=False)
        except Exception as exc:
            raise AssertionError(f"{exc!r} for {data}") from exc

    @FUZZ
    @given(data=payloads(form), htmx=st.booleans())
    def submit(data: dict, htmx: bool) -> None:
        _submit(client, db_state, action, data, htmx)

    submit()


def test_login_and_session_forms_survive_any_input(client, world, db_state):
    """The login form, open to anyone, and the session's "extend" button take
    any input without a 500 or an unescaped payload."""
    url = reverse("login")
    (login,) = [
        form
        for form in forms_on(client.get(url).content.decode())
        if form.method == "post" and _url_name(form.action or url) == "login"
    ]
    _fuzz(client, db_state, url, login)
    client.force_login(world.users["vp1"])
    extend = Form("post", reverse("web:session_extend"))
    extend.fields["next"] = Field("next", "hidden", ["/"])
    _fuzz(client, db_state, extend.action, extend)


LIST_PAGES = [
    "web:client_list",
    "web:case_list",
    "web:complaint_list",
    "web:meeting_list",
    "web:application_list",
    "web:outreach_list",
    "web:access_log",
    "web:privacy_emergency_list",
    "web:retention_register",
    "web:report_municipal",
    "web:report_municipal_index",
    # Not lists, but pages that read a query parameter (?client=).
    "web:family_member_add",
    "web:conflict_record",
]


def test_list_filters_survive_any_query(client, fuzz_world):
    """Arbitrary filter, sort and page parameters never make a list answer 500."""
    failures: list[str] = []
    for name in LIST_PAGES:
        name, key, role = next(page for page in PAGES if page[0] == name)
        client.force_login(fuzz_world.users[role])
        url = reverse(name, args=[fuzz_world.objects[key]] if key else [])
        page = client.get(url)
        assert page.status_code == 200, url
        names = {"page", "sort", "o", "q", "per_page"}
        for form in forms_on(page.content.decode()):
            if form.method == "get":
                names |= set(form.fields)
        try:
            _search(client, url, sorted(names))
        except Exception as exc:  # collected, all reported below
            failures.append(_failure(f"{name} as {role}", exc))
    assert not failures, "\n".join(failures)


def _search(client, url: str, names: list[str]) -> None:
    params = st.dictionaries(
        st.one_of(st.sampled_from(names), _text),
        st.one_of(_nasty_query, st.lists(_text, min_size=2, max_size=3)),
        max_size=4,
    )

    @LIST_FUZZ
    @given(query=params, htmx=st.booleans())
    def search(query: dict, htmx: bool) -> None:
        headers = {"HX-Request": "true"} if htmx else {}
        with transaction.atomic():
            response = client.get(url, query, headers=headers)
            assert response.status_code in ALLOWED, (response.status_code, query)
            assert_escaped(response, url)
            transaction.set_rollback(True)

    search()


def _failure(what: str, exc: Exception) -> str:
    notes = "\n".join(getattr(exc, "__notes__", []))
    return f"{what}: {exc!r}\n{notes}"[:3000]


# --- what the fuzzing found ------------------------------------------------------------


@pytest.mark.parametrize("name", ["web:family_member_add", "web:conflict_record"])
@pytest.mark.parametrize("value", ["²", "①", "٣", "9" * 40])
def test_family_pages_take_a_client_parameter_that_is_no_number(
    client,
    clients_world,
    name,
    value,
):
    """``?client=²`` passed ``str.isdigit()`` and reached the primary-key
    lookup, which answered 500; now only ASCII digits are looked up and the
    page falls back to the first member."""
    client.force_login(clients_world.users["vp1"])
    url = reverse(name, args=[clients_world.objects["family"]])
    assert client.get(url, {"client": value}).status_code == 200


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00", "1899-12-31T23:59"])
def test_a_meeting_in_year_one_is_refused_not_a_500(client, world, db_state, starts_at):
    """A meeting at 0001-01-01 00:00 (Amsterdam) lies before year 1 in UTC: the
    save raised OverflowError (500). The form now refuses years outside
    1900–2999 with a message next to the field, and saves nothing."""
    client.force_login(world.users["vp1"])
    url = reverse("web:meeting_plan", args=[world.objects["complaint_case"]])
    before = db_state()
    response = client.post(url, {"kind": "question_complaint", "starts_at": starts_at})
    assert response.status_code == 200
    assert "Kies een datum tussen 1900 en 2999." in response.content.decode()
    assert db_state() == before


@pytest.mark.parametrize("number", ["9223372036854775808", "1" + "0" * 30])
def test_access_log_client_number_beyond_any_key_is_refused_not_a_500(
    client, privacy_world, number
):
    """The access log's client number had no maximum: 2**63 reached the
    lookup and overflowed SQLite's integer (OverflowError, a 500). The filter
    now says the number is too large and shows the log unfiltered."""
    client.force_login(privacy_world.users["po"])
    response = client.get(reverse("web:access_log"), {"client": number})
    assert response.status_code == 200
    assert response.context["filterset"].form.has_error("client", "max_value")


@pytest.mark.parametrize("target", ["0", "web:dashboard", "5485238332"])
def test_extending_the_session_with_a_next_that_is_no_path(client, world, target):
    """``next=0`` passed the same-host check and ``redirect()`` took it for a
    view name: NoReverseMatch, a 500. Only a path is followed now."""
    client.force_login(world.users["vp1"])
    response = client.post(reverse("web:session_extend"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", ["0", "web:dashboard"])
def test_the_second_factor_follows_only_a_path(rf, target):
    """The two-factor pages had the same trap as the session's extend
    button: ``?next=0`` went to ``redirect()`` as a view name."""
    from django.conf import settings
    from django.shortcuts import resolve_url

    from accounts.views import _next_url

    request = rf.get("/", {"next": target})
    assert _next_url(request) == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert _next_url(rf.get("/", {"next": "/zaken/"})) == "/zaken/"
