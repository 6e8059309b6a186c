"""The person key (``cases.person_key``): a keyed hash that recognises the
same person inside an organisation and for R9, never shown, recomputed by
``rekey_persons`` after the secret changes."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.utils import quote
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from cases import services as case_services
from cases.checks import person_key_secret
from cases.models import Application, Client, LinkRequest
from cases.person_key import normalise_name, person_key
from roles import services as role_services

BIRTH = datetime.date(2011, 4, 2)


def key(first: str, last: str, born: datetime.date = BIRTH) -> str:
    return person_key(first_name=first, last_name=last, date_of_birth=born)


# --- the key ------------------------------------------------------------------------


@override_settings(NAAST_PERSON_KEY_SECRET="geheim-1")
def test_the_key_is_an_hmac_of_the_normalised_name_and_date_with_the_secret() -> None:
    import hashlib
    import hmac

    expected = hmac.new(
        b"geheim-1", b"sem bakker|2011-04-02", hashlib.sha256
    ).hexdigest()
    assert key("Sem", "Bakker") == expected
    assert len(expected) == 64


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("sem", "bakker"),
        ("SEM", "BAKKER"),
        ("  Sem ", " Bakker  "),
        ("Sem", "Bakker\t"),
        ("Sém", "Bäkker"),
    ],
)
def test_case_whitespace_and_accents_do_not_change_the_key(first, last) -> None:
    assert key(first, last) == key("Sem", "Bakker")


def test_inner_whitespace_and_punctuation_are_normalised() -> None:
    """The docstring's promise: "lotte MULDER" and "Lotte  Mülder" are one person."""
    assert normalise_name("lotte", "MULDER") == normalise_name("Lotte ", " Mülder")
    assert key("Anne  Fleur", "de   Vries") == key("Anne Fleur", "de Vries")
    assert key("Anne-Fleur", "de Vries") == key("Anne Fleur", "de Vries")
    assert normalise_name("Anne-Fleur", "d'Arc") == "anne fleur d arc"


def test_another_person_or_date_is_another_key() -> None:
    assert key("Sem", "Bakker") != key("Sam", "Bakker")
    assert key("Sem", "Bakker") != key("Sem", "Bakker", datetime.date(2011, 4, 3))


def test_another_secret_is_another_key() -> None:
    with override_settings(NAAST_PERSON_KEY_SECRET="geheim-1"):
        one = key("Sem", "Bakker")
    with override_settings(NAAST_PERSON_KEY_SECRET="geheim-2"):
        two = key("Sem", "Bakker")
    assert one != two


# --- never shown --------------------------------------------------------------------


def test_the_key_is_on_no_page_of_the_client_for_its_caseworker(client, world) -> None:
    youth = Client.objects.get(pk=world.objects["youth"])
    assert youth.person_key
    client.force_login(world.users["vp1"])
    for url in (
        reverse("web:client_detail", args=[youth.pk]),
        reverse("web:case_detail", args=[world.objects["complaint_case"]]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert youth.person_key not in response.content.decode()


def test_the_key_is_not_in_the_admin_for_a_superuser(client, world) -> None:
    youth = Client.objects.get(pk=world.objects["youth"])
    # A corrected name gives a new key: the admin's comparison of the two
    # versions must show neither.
    old_key = youth.person_key
    youth = case_services.client_update(
        actor=world.users["vp1"],
        client=youth,
        first_name="Semmy",
        last_name=youth.last_name,
        date_of_birth=youth.date_of_birth,
        kind=youth.kind,
        municipality=youth.municipality,
    )
    assert youth.person_key != old_key
    superuser = User.objects.create_superuser("root", password="x")
    client.force_login(superuser)
    opts = Client._meta
    pages = [
        reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(youth.pk)]
        ),
        reverse(
            f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(youth.pk)]
        ),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert youth.person_key not in html, url
        assert old_key not in html, url
    # Nor in the admin of the link requests, which carry the key too.
    request = _pending_link_request(world)
    lr = LinkRequest._meta
    for url in (
        reverse(f"admin:{lr.app_label}_{lr.model_name}_changelist"),
        reverse(f"admin:{lr.app_label}_{lr.model_name}_change", args=[request.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert request.person_key not in response.content.decode(), url


def test_a_corrected_name_is_the_persons_key(world) -> None:
    """``client_update`` recomputes the key: a stale key would not recognise
    the person registered again under the corrected name."""
    youth = Client.objects.get(pk=world.objects["youth"])
    updated = case_services.client_update(
        actor=world.users["vp1"],
        client=youth,
        first_name="Semmy",
        last_name="Bakker",
        date_of_birth=youth.date_of_birth,
        kind=youth.kind,
        municipality=youth.municipality,
    )
    updated.refresh_from_db()
    assert updated.person_key == key("Semmy", "Bakker", youth.date_of_birth)


# --- the deploy check ---------------------------------------------------------------


@override_settings(NAAST_PERSON_KEY_SECRET_SET=False)
def test_deploy_check_warns_without_a_secret_of_its_own() -> None:
    warnings = person_key_secret(None)
    assert [w.id for w in warnings] == ["naast.W001"]
    assert "rekey_persons" in warnings[0].hint


@override_settings(NAAST_PERSON_KEY_SECRET_SET=True)
def test_deploy_check_is_quiet_with_a_secret() -> None:
    assert person_key_secret(None) == []


def test_the_check_is_a_deploy_check_only() -> None:
    from django.core.checks import registry

    assert person_key_secret in registry.registry.get_checks(
        include_deployment_checks=True
    )
    assert person_key_secret not in registry.registry.get_checks()


# --- rekey_persons ------------------------------------------------------------------


def _pending_link_request(world) -> LinkRequest:
    """A new confidant registers the youth vp1 supports: a team lead decides (R13)."""
    existing = LinkRequest.objects.filter(status=LinkRequest.Status.PENDING).first()
    if existing:
        return existing
    youth = Client.objects.get(pk=world.objects["youth"])
    vp1 = world.users["vp1"]
    newcomer = User.objects.create_user(
        "vp3",
        password="x",
        role=User.Role.AKJ_CONFIDANT,
        organisation=vp1.organisation,
        team=vp1.team,
    )
    result = case_services.client_register(
        actor=newcomer,
        first_name=youth.first_name,
        last_name=youth.last_name,
        date_of_birth=youth.date_of_birth,
        kind=youth.kind,
        municipality=youth.municipality,
        case_kind="question",
        case_title="Nog een vraag",
    )
    assert isinstance(result, LinkRequest)
    return result


def test_rekey_persons_recomputes_every_key_after_a_secret_change(world) -> None:
    request = _pending_link_request(world)
    before = dict(Client.objects.values_list("pk", "person_key"))
    with override_settings(NAAST_PERSON_KEY_SECRET="een-nieuw-geheim"):
        call_command("rekey_persons", stdout=(out := _Out()))
        for client in Client.objects.all():
            assert client.person_key == key(
                client.first_name, client.last_name, client.date_of_birth
            )
            assert client.person_key != before[client.pk]
        request.refresh_from_db()
        data = request.registration
        assert request.person_key == key(
            data["first_name"],
            data["last_name"],
            datetime.date.fromisoformat(data["date_of_birth"]),
        )
        assert (
            request.person_key
            == Client.objects.get(pk=world.objects["youth"]).person_key
        )
        assert f"{len(before)} person key(s) and 1 link request(s)" in out.text
        # Twice changes nothing the second time.
        call_command("rekey_persons", stdout=(again := _Out()))
        assert "0 person key(s) and 0 link request(s)" in again.text


def test_r9_recognises_the_person_after_rekeying(world) -> None:
    """The client supporter supports the youth in the client-support file;
    the application is on the municipality's file. After the secret changes
    and ``rekey_persons`` ran, R9 still sees they are the same person."""
    application = Application.objects.get(pk=world.objects["application"])
    supporter = world.users["co1"]
    with override_settings(NAAST_PERSON_KEY_SECRET="een-nieuw-geheim"):
        call_command("rekey_persons", stdout=_Out())
        co_youth = Client.objects.get(pk=world.objects["co_youth"])
        assert (
            application.client.__class__.objects.get(
                pk=application.client_id
            ).person_key
            == co_youth.person_key
        )
        applicant = Client.objects.get(pk=application.client_id)
        with pytest.raises(Exception) as info:
            role_services.ensure_not_supporting(user=supporter, client=applicant)
        assert getattr(info.value, "code", None) == "r9_supporter_decides"


def test_without_rekeying_r9_would_not_recognise_the_person(world) -> None:
    """Why the command exists: a key made with the new secret does not match
    the stored ones (R9 compares keys)."""
    co_youth = Client.objects.get(pk=world.objects["co_youth"])
    with override_settings(NAAST_PERSON_KEY_SECRET="een-nieuw-geheim"):
        assert key(co_youth.first_name, co_youth.last_name, co_youth.date_of_birth) != (
            co_youth.person_key
        )


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
