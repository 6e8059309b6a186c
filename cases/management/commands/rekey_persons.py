"""``python manage.py rekey_persons``: compute every client's person key again
with the current ``NAAST_PERSON_KEY_SECRET``.

Run it once after changing the secret (``cases.person_key``): until then a
person registered again is not recognised inside their organisation, and R9
compares keys made with different secrets. Pending link requests are rekeyed
too. Batches of 2,000, each in its own transaction; running it twice changes
nothing the second time.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.models import Client, LinkRequest
from cases.person_key import person_key

BATCH = 2000


class Command(BaseCommand):
    help = "Bereken de persoonssleutel van elke cliënt opnieuw (na een nieuw geheim)."

    def handle(self, *args, **options) -> None:
        changed = 0
        batch: list[Client] = []
        for client in Client.objects.only(
            "pk", "first_name", "last_name", "date_of_birth", "person_key"
        ).iterator(chunk_size=BATCH):
            key = person_key(
                first_name=client.first_name,
                last_name=client.last_name,
                date_of_birth=client.date_of_birth,
            )
            if key != client.person_key:
                client.person_key = key
                batch.append(client)
            if len(batch) >= BATCH:
                changed += self._save(batch)
                batch = []
        changed += self._save(batch)
        requests = 0
        for request in LinkRequest.objects.filter(status=LinkRequest.Status.PENDING):
            data = request.registration
            if not data:
                continue
            key = person_key(
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=datetime.date.fromisoformat(data["date_of_birth"]),
            )
            if key != request.person_key:
                LinkRequest.objects.filter(pk=request.pk).update(person_key=key)
                requests += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"{changed} person key(s) and {requests} link request(s) rekeyed"
            )
        )

    @staticmethod
    def _save(batch: list[Client]) -> int:
        with transaction.atomic():
            Client.objects.bulk_update(batch, ["person_key"])
        return len(batch)
