"""The kinds of agency a question, problem or complaint can be about.

One table, used by contact moments now and by complaints (the party
complained about) next. A gecertificeerde instelling is not a
jeugdhulpaanbieder (it carries out child-protection measures and youth
probation, Jeugdwet art. 1.1 and chapter 3), and the Raad voor de
Kinderbescherming, Veilig Thuis and the municipality are agencies a youth or
parent can have a question or complaint about in their own right (Jeugdwet
§4.2 for providers and GIs; Awb chapter 9 for the municipality; the Raad and
Veilig Thuis have complaint procedures of their own).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    CARE_PROVIDER = "care_provider", _("Jeugdhulpaanbieder")
    CERTIFIED_INSTITUTION = "certified_institution", _("Gecertificeerde instelling")
    CHILD_PROTECTION_BOARD = (
        "child_protection_board",
        _("Raad voor de Kinderbescherming"),
    )
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    MUNICIPALITY = "municipality", _("Gemeente")
    YOUTH_PROBATION = "youth_probation", _("Jeugdreclassering")
    SCHOOL = "school", _("School of onderwijs")
    OTHER = "other", _("Andere instantie")
    NONE = "none", _("Geen instantie")
