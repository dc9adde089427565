"""The figures the synthetic authority is calibrated to, and the knobs that get it there.

Targets follow ``shared/REFERENCE.md`` sections 1, 4 and 5 (DfE national statistics, the
FOI placement mix, CMA and LGA costs) and the seeds' councils (Plymouth: about 380 in care
among some 60,000 children, 63 per 10,000). The tunable parameters below them were set by
running the generator and comparing ``divert calibration`` with the targets; they are not
facts and say nothing about any real authority.
"""

from __future__ import annotations

# --- Targets -------------------------------------------------------------------------------
# Entries and exits each year as a share of the number in care (England: 33,050 started and
# 34,450 ceased against about 82,000 in care; a stable authority has starts = ceases).
TURNOVER = 0.41
AGE_AT_ENTRY = {"under 1": 0.15, "1-4": 0.15, "5-9": 0.15, "10-15": 0.26, "16+": 0.29}
PLACEMENT_MIX = {
    "in_house_foster": 0.279,
    "ifa": 0.248,
    "kinship": 0.156,
    "childrens_home": 0.114,
    "supported": 0.098,
    "with_parents": 0.060,
}
INDEPENDENT_SHARE = 0.44  # IFA 24.8% + 88% of children's homes + 75% of supported + residential schools
THREE_PLUS_PLACEMENTS = 0.23  # of children looked after 2+ years, 3+ placements in 2 years
LONG_TERM_STABILITY = 0.69  # under-16s looked after 2.5+ years, same placement 2+ years
ADOPTED_SHARE_OF_CEASES = 3_040 / 34_450
REFERRALS_PER_10K = 510.0  # about 5.1% of children a year
RE_REFERRAL_RATE = 0.22
CIN_PER_10K = 333.0  # children in need at 31 March 2024: 332.9 per 10,000
CP_PER_10K = 40.0
POLICE_SHARE = 0.28
SCHOOLS_SHARE = 0.21
IFA_WEEKLY_2021 = 820.0  # CMA 2021
CHILDRENS_HOME_WEEKLY_2021 = 3_830.0  # CMA 2021
PRICE_INFLATION = 0.03  # a year

# --- Front door ----------------------------------------------------------------------------
REFERRAL_SOURCES = {
    "6": 28.0,
    "2A": 21.0,
    "2B": 2.0,
    "3A": 3.0,
    "3B": 3.0,
    "3C": 1.0,
    "3D": 1.0,
    "3E": 3.0,
    "3F": 3.0,
    "4": 2.0,
    "5A": 3.0,
    "5B": 3.0,
    "5C": 3.0,
    "5D": 3.0,
    "1A": 5.0,
    "1B": 1.0,
    "1C": 1.0,
    "1D": 1.0,
    "7": 3.0,
    "8": 5.0,
    "9": 1.5,
    "10": 2.5,
}
REFERRAL_AGE = {"unborn-0": 0.11, "1-4": 0.19, "5-9": 0.24, "10-15": 0.36, "16-17": 0.10}
ROUTE_AT_DECISION = {"nfa": 0.06, "early_help": 0.05, "assessment": 0.72, "strategy": 0.17}
AFTER_ASSESSMENT = {"nfa": 0.40, "early_help": 0.13, "cin": 0.41, "strategy": 0.06}
ICPC_SHARE = 0.43  # of section 47 enquiries
CP_PLAN_SHARE = 0.88  # of initial conferences
NEW_REFERRAL_SHARE = 0.615  # of all referrals, first referrals of children not in care
RE_REFERRAL_P = 0.31  # chance a closed case is referred again within 12 months
LATER_REFERRAL_P = 0.12  # chance of a referral after more than 12 months
CONTACTS_PER_REFERRAL = 0.85  # contacts that do not become referrals
CIN_PLAN_MEDIAN_DAYS = (200.0, 560.0)  # ordinary plans, long-term plans (disabled children)
CIN_PLAN_LONG_SHARE = 0.3
CP_PLAN_MEDIAN_DAYS = 230.0
STEP_DOWN_SHARE = 0.55  # CP plans followed by a CIN plan
CP_CATEGORIES = {"NEG": 0.50, "EMO": 0.36, "PHY": 0.07, "SAB": 0.04, "MUL": 0.03}

# --- Care ----------------------------------------------------------------------------------
STOCK_GAIN = 1.5  # how hard monthly entries steer the number in care back to target
ROUTES = {  # how each period of care is meant to end, by age band at entry
    "under 1": {"adoption": 0.37, "sgo": 0.235, "home": 0.22, "cao": 0.03, "long": 0.125, "other": 0.02},
    "1-4": {"adoption": 0.205, "sgo": 0.25, "home": 0.325, "cao": 0.04, "long": 0.16, "other": 0.02},
    "5-9": {"adoption": 0.02, "sgo": 0.20, "home": 0.44, "cao": 0.05, "long": 0.25, "other": 0.04},
    "10-15": {"sgo": 0.05, "home": 0.52, "cao": 0.03, "long": 0.32, "other": 0.08},
    "16+": {"home": 0.30, "long": 0.60, "other": 0.10},
}
COURT_SHARE = {"under 1": 0.82, "1-4": 0.78, "5-9": 0.66, "10-15": 0.45, "16+": 0.08}
UASC_SHARE = {"10-15": 0.03, "16+": 0.17}
STABILITY = {"stable": 0.62, "moderate": 0.18, "unstable": 0.20}
MOVES_PER_YEAR = {"stable": 0.025, "moderate": 0.35, "unstable": 2.0}
