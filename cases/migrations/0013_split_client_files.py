"""One client file per organisation (R13).

Before this migration one client record could be shared by several
organisations: a client supporter who registered a youth the AKJ already knew
was attached to the AKJ's record. Afterwards every client, family and case
belongs to one organisation:

* a client belongs to the organisation that registered them first (its first
  case; without cases, the organisation of whoever recorded them, else that of
  the family they are in); every other organisation with cases of the client
  gets a copy of the personal data as a file of its own, its cases and
  permission rows move to that copy, and ``ClientAlias`` keeps old → new so
  that "who looked at my file" and the inzage follow the access log, whose
  rows are hash-chained and keep the old number;
* care and informal supporters go with the organisation that recorded them
  (from the history and the assignments), consents and what was shared under
  them with their informal supporter; where the origin is unknown they stay
  with the organisation that registered the client first;
* a family belongs to the organisation that recorded it; its members and
  conflicting interests point at that organisation's files of those people
  (made for it where it had none);
* an application belongs to the municipality's organisation: its client is
  that organisation's file of the applicant.

Every client gets its person key (``cases.person_key``), every case the team
of the caseworker who opened it (or the first team of its organisation), and
every outreach visit the team of its confidant.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import migrations

from cases.person_key import person_key

KEEPERS = ("akj", "client_support", "municipality")
CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "person_key",
    "kind",
    "municipality_id",
    "lives_in_institution",
    "institution_id",
    "created_at",
)


class _Split:
    def __init__(self, apps) -> None:
        self.apps = apps
        get = apps.get_model
        self.Client = get("cases", "Client")
        self.SupportCase = get("cases", "SupportCase")
        self.ClientAlias = get("cases", "ClientAlias")
        self.Organisation = get("accounts", "Organisation")
        self.Team = get("accounts", "Team")
        self.User = get("accounts", "User")
        self.user_org = dict(self.User.objects.values_list("pk", "organisation_id"))
        self.keepers = set(
            self.Organisation.objects.filter(kind__in=KEEPERS).values_list(
                "pk", flat=True
            )
        )
        #: (original client pk, organisation pk) → the file of that organisation
        self.files: dict[tuple[int, int], int] = {}
        self.primary: dict[int, int] = {}

    # --- the organisations ----------------------------------------------------------

    def keeper_org(self, user_id: int | None) -> int | None:
        org = self.user_org.get(user_id)
        return org if org in self.keepers else None

    def first_history_org(self, model: str, object_id: int) -> int | None:
        """The organisation of whoever wrote the first version of a row."""
        History = self.apps.get_model("cases", f"Historical{model}")
        first = (
            History.objects.filter(id=object_id)
            .order_by("history_date", "history_id")
            .values_list("history_user_id", flat=True)
            .first()
        )
        return self.keeper_org(first)

    def client_file(self, client_id: int, organisation_id: int) -> int:
        """The file of ``organisation_id`` of the person of ``client_id``,
        copied from the original when it has none yet."""
        key = (client_id, organisation_id)
        if key in self.files:
            return self.files[key]
        original = self.Client.objects.get(pk=client_id)
        copy = self.Client.objects.create(
            organisation_id=organisation_id,
            **{field: getattr(original, field) for field in CLIENT_FIELDS},
        )
        self.ClientAlias.objects.create(old_client_id=client_id, client=copy)
        self.files[key] = copy.pk
        return copy.pk

    # --- the steps ----------------------------------------------------------------------

    def run(self) -> None:
        self.person_keys()
        self.case_teams()
        self.outreach_teams()
        self.clients()
        self.applications()
        self.care()
        self.informal_supporters()
        self.families()

    def person_keys(self) -> None:
        batch = []
        for client in self.Client.objects.only(
            "pk", "first_name", "last_name", "date_of_birth"
        ).iterator(chunk_size=2000):
            client.person_key = person_key(
                first_name=client.first_name,
                last_name=client.last_name,
                date_of_birth=client.date_of_birth,
            )
            batch.append(client)
            if len(batch) >= 2000:
                self.Client.objects.bulk_update(batch, ["person_key"])
                batch = []
        self.Client.objects.bulk_update(batch, ["person_key"])

    def case_teams(self) -> None:
        user_team = dict(
            self.User.objects.filter(team__isnull=False).values_list("pk", "team_id")
        )
        first_team: dict[int, int] = {}
        for team in self.Team.objects.order_by("pk"):
            first_team.setdefault(team.organisation_id, team.pk)
        for case in self.SupportCase.objects.filter(team__isnull=True).only(
            "pk", "organisation_id", "opened_by_id"
        ):
            team = user_team.get(case.opened_by_id)
            if team is None or self.Team.objects.get(pk=team).organisation_id != (
                case.organisation_id
            ):
                team = first_team.get(case.organisation_id)
            if team is None:
                organisation = self.Organisation.objects.get(pk=case.organisation_id)
                team = self.Team.objects.create(
                    organisation=organisation, name=f"Team {organisation.name}"[:100]
                ).pk
                first_team[case.organisation_id] = team
            self.SupportCase.objects.filter(pk=case.pk).update(team_id=team)

    def outreach_teams(self) -> None:
        Visit = self.apps.get_model("cases", "OutreachVisit")
        for confidant, team in self.User.objects.filter(
            team__isnull=False, pk__in=Visit.objects.values("confidant_id")
        ).values_list("pk", "team_id"):
            Visit.objects.filter(confidant_id=confidant, team__isnull=True).update(
                team_id=team
            )

    def clients(self) -> None:
        """Each client to the organisation that registered them first; the
        cases and permission rows of every other organisation to its copy."""
        case_orgs: dict[int, list[int]] = defaultdict(list)
        for client_id, org in self.SupportCase.objects.order_by(
            "opened_at", "pk"
        ).values_list("client_id", "organisation_id"):
            if org not in case_orgs[client_id]:
                case_orgs[client_id].append(org)
        Membership = self.apps.get_model("cases", "FamilyMembership")
        fallback = min(self.keepers) if self.keepers else None
        for client in list(
            self.Client.objects.filter(organisation__isnull=True).only("pk")
        ):
            orgs = case_orgs.get(client.pk, [])
            primary = (
                (orgs[0] if orgs else None)
                or self.first_history_org("Client", client.pk)
                or self.family_org_of(Membership, case_orgs, client.pk)
                or fallback
            )
            if primary is None:
                raise RuntimeError(
                    "Client %s belongs to no organisation and there is none to "
                    "give it to; add an organisation first." % client.pk
                )
            self.Client.objects.filter(pk=client.pk).update(organisation_id=primary)
            self.files[(client.pk, primary)] = client.pk
            self.primary[client.pk] = primary
            for org in orgs:
                if org != primary:
                    self.move_cases(client.pk, org)

    def family_org_of(self, Membership, case_orgs, client_id: int) -> int | None:
        families = Membership.objects.filter(client_id=client_id).values("family_id")
        for member in (
            Membership.objects.filter(family_id__in=families)
            .exclude(client_id=client_id)
            .order_by("pk")
            .values_list("client_id", flat=True)
        ):
            if case_orgs.get(member):
                return case_orgs[member][0]
        return None

    def move_cases(self, client_id: int, organisation_id: int) -> None:
        Assignment = self.apps.get_model("roles", "Assignment")
        Permission = self.apps.get_model("roles", "ClientUserObjectPermission")
        copy = self.client_file(client_id, organisation_id)
        cases = self.SupportCase.objects.filter(
            client_id=client_id, organisation_id=organisation_id
        )
        holders = set(
            Assignment.objects.filter(
                case__in=cases, ended_at__isnull=True, user__isnull=False
            ).values_list("user_id", flat=True)
        )
        others = set(
            Assignment.objects.filter(
                case__client_id=client_id, ended_at__isnull=True, user__isnull=False
            )
            .exclude(case__in=cases)
            .values_list("user_id", flat=True)
        )
        cases.update(client_id=copy)
        for row in Permission.objects.filter(
            content_object_id=client_id, user_id__in=holders
        ):
            if row.user_id in others:
                # Also supports the person in another organisation's file.
                Permission.objects.get_or_create(
                    user_id=row.user_id,
                    permission_id=row.permission_id,
                    content_object_id=copy,
                )
            else:
                Permission.objects.filter(pk=row.pk).update(content_object_id=copy)

    def applications(self) -> None:
        Application = self.apps.get_model("cases", "Application")
        for application in Application.objects.select_related("municipality"):
            municipality = application.municipality
            organisation = self.Organisation.objects.filter(
                kind="municipality", municipality=municipality
            ).order_by("pk").first() or self.Organisation.objects.create(
                name=f"Gemeente {municipality.name}",
                kind="municipality",
                municipality=municipality,
            )
            self.keepers.add(organisation.pk)
            if self.primary.get(application.client_id) == organisation.pk:
                continue
            Application.objects.filter(pk=application.pk).update(
                client_id=self.client_file(application.client_id, organisation.pk)
            )

    def care(self) -> None:
        Care = self.apps.get_model("cases", "Care")
        for care in Care.objects.only("pk", "client_id"):
            org = self.first_history_org("Care", care.pk)
            if org and (care.client_id, org) in self.files:
                Care.objects.filter(pk=care.pk).update(
                    client_id=self.files[(care.client_id, org)]
                )

    def informal_supporters(self) -> None:
        Supporter = self.apps.get_model("roles", "InformalSupporter")
        Assignment = self.apps.get_model("roles", "Assignment")
        Consent = self.apps.get_model("roles", "Consent")
        SharedItem = self.apps.get_model("roles", "SharedItem")
        for supporter in Supporter.objects.all():
            original = supporter.client_id
            orgs: list[int] = []
            for org in Assignment.objects.filter(
                informal_supporter=supporter
            ).values_list("case__organisation_id", flat=True):
                if org not in orgs:
                    orgs.append(org)
            for recorder in Consent.objects.filter(
                informal_supporter=supporter
            ).values_list("recorded_by_id", flat=True):
                org = self.keeper_org(recorder)
                if org and (original, org) in self.files and org not in orgs:
                    orgs.append(org)
            primary = self.primary.get(original)
            if not orgs:
                orgs = [primary]
            elif primary in orgs:
                orgs.remove(primary)
                orgs.insert(0, primary)
            for index, org in enumerate(orgs):
                client = self.client_file(original, org)
                if index == 0:
                    Supporter.objects.filter(pk=supporter.pk).update(client_id=client)
                    holder = supporter.pk
                else:
                    holder = Supporter.objects.create(
                        client_id=client,
                        name=supporter.name,
                        relation=supporter.relation,
                        phone=supporter.phone,
                        email=supporter.email,
                        created_at=supporter.created_at,
                    ).pk
                    Assignment.objects.filter(
                        informal_supporter=supporter, case__organisation_id=org
                    ).update(informal_supporter_id=holder)
                consents = Consent.objects.filter(informal_supporter=supporter)
                mine = [
                    c.pk
                    for c in consents
                    if (self.keeper_org(c.recorded_by_id) or orgs[0]) == org
                ]
                Consent.objects.filter(pk__in=mine).update(
                    client_id=client, informal_supporter_id=holder
                )
                SharedItem.objects.filter(consent_id__in=mine).update(
                    client_id=client, informal_supporter_id=holder
                )

    def families(self) -> None:
        Family = self.apps.get_model("cases", "Family")
        Membership = self.apps.get_model("cases", "FamilyMembership")
        Conflict = self.apps.get_model("cases", "ConflictingInterest")
        for family in Family.objects.filter(organisation__isnull=True):
            members = list(Membership.objects.filter(family=family).order_by("pk"))
            org = self.first_history_org("Family", family.pk) or next(
                (self.primary[m.client_id] for m in members), None
            )
            if org is None:
                org = min(self.keepers)
            Family.objects.filter(pk=family.pk).update(organisation_id=org)
            for membership in members:
                Membership.objects.filter(pk=membership.pk).update(
                    client_id=self.client_file(membership.client_id, org)
                )
            for conflict in Conflict.objects.filter(family=family):
                a = self.client_file(conflict.client_a_id, org)
                b = self.client_file(conflict.client_b_id, org)
                Conflict.objects.filter(pk=conflict.pk).update(
                    client_a_id=min(a, b), client_b_id=max(a, b)
                )


def split_client_files(apps, schema_editor) -> None:
    _Split(apps).run()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_organisation_boundary"),
        ("roles", "0005_referrals"),
        ("accounts", "0004_teams"),
    ]

    operations = [
        migrations.RunPython(split_client_files, migrations.RunPython.noop),
    ]
