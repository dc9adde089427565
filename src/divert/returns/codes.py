"""Which SSDA903 codes an import accepts, and how earlier collection years' codes map to today's.

Returns from earlier years used codes the DfE has since replaced. Refusing them would make a
council's history unimportable, so they are mapped to the current code and each mapping is
reported as a data-quality warning, never applied silently:

- SEX ``1`` -> ``M``, ``2`` -> ``F`` (returns before 2024/25 used numbers).
- PLACE ``H5`` (semi-independent living) and ``P2`` (independent living) -> ``K3`` (supported
  accommodation, which replaced both in 2024/25); ``Z1`` (other placements) -> ``Z14``
  (other placements: other), the catch-all of the codes that replaced it.
"""

from __future__ import annotations

from django.db import models

from divert.care.models import CareLeaverContact, MissingEpisode
from divert.core.codes import (
    CategoryOfNeed,
    Ethnicity,
    LegalStatus,
    Placement,
    PlaceProvider,
    PreviousPermanence,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
    ReviewParticipation,
    SDQReason,
    Sex,
)

EARLIER_CODES: dict[str, dict[str, str]] = {
    "SEX": {"1": "M", "2": "F"},
    "PLACE": {"H5": "K3", "P2": "K3", "Z1": "Z14"},
}


def _values(choices: type[models.TextChoices], *, drop: frozenset[str] = frozenset()) -> frozenset[str]:
    return frozenset(str(v) for v in choices.values) - drop


# The earlier placement codes are still in ``Placement`` (old rows may hold them) but an import
# maps them, so they are not "current" here.
CURRENT_CODES: dict[str, frozenset[str]] = {
    "SEX": _values(Sex),
    "ETHNIC": _values(Ethnicity),
    "RNE": _values(ReasonNewEpisode),
    "LS": _values(LegalStatus),
    "CIN": _values(CategoryOfNeed),
    "PLACE": _values(Placement, drop=frozenset(EARLIER_CODES["PLACE"])),
    "PLACE_PROVIDER": _values(PlaceProvider),
    "REC": _values(ReasonEpisodeCeased),
    "REASON_PLACE_CHANGE": _values(ReasonPlaceChange),
    "REVIEW_CODE": _values(ReviewParticipation),
    "IN_TOUCH": _values(CareLeaverContact.InTouch),
    "MISSING": _values(MissingEpisode.Kind),
    "SDQ_REASON": _values(SDQReason),
    "PREV_PERM": _values(PreviousPermanence),
}
