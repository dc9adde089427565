"""The SSDA903 tables: their exact column headers, as the DfE specifies and its validator reads them.

Import recognises a CSV table by its header row (whatever the file is called); export writes
these headers in this order. One definition serves both, so they cannot drift apart.
"""

from __future__ import annotations

SSDA903_TABLES: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
}

# SSDA903 dates are written dd/mm/YYYY.
DATE_FORMAT = "%d/%m/%Y"


def table_for_header(header: list[str]) -> str | None:
    """The table whose exact columns these are (order ignored), or None."""
    wanted = {h.strip().upper() for h in header}
    for name, columns in SSDA903_TABLES.items():
        if wanted == set(columns):
            return name
    return None


def collection_year_bounds(year: int) -> tuple[str, str]:
    """``year`` is the year the collection ends: 2025 is 1 April 2024 to 31 March 2025."""
    return (f"{year - 1}-04-01", f"{year}-03-31")
