"""The synthetic authority's programme: the Plymouth PID's six work streams with their actions,
its risk register re-scored over the last months, and its efficiency savings plan.

Runs after the register is written (``load.write_authority``), inside its transaction, from a
random stream of its own so the rest of the authority is untouched. The PID's dates (2011-12)
are moved to sit around ``window.today``: some actions done, some in progress, a few overdue
or blocked. The savings plan's three years are the PID's figures for last, this and next
financial year; the placements line's achieved saving is not written here: the savings page
reads it from the placement review's realised moves in the register.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from divert.core.models import Authority
from divert.programme.models import Action, Risk, RiskScore, SavingsLine, WorkStream, financial_year_of
from divert.synth.timeline import Window

#: (work stream, lead) in the PID's order.
STREAMS = (
    ("Improving shared safeguarding intelligence (hub)", "Siobhan Wallace"),
    ("Early intervention improvement", "Carol Henwood"),
    ("Child protection improvement", "Richard Yellop"),
    ("Youth provision improvement", "John Miller"),
    ("Post 16 care service improvement", "Richard Porter"),
    ("Placement improvement", "Anne Osborne"),
)

#: (stream index, what, how, measure, resources, owner, days from today it is due, indicators).
ACTIONS: tuple[tuple[int, str, str, str, str, str, int, tuple[str, ...]], ...] = (
    (
        0,
        "Creation of safeguarding hub",
        "Governance and implementation groups in place; confirm business case; "
        "sort IT issues and case system links; establish hub team and a threshold manager; "
        "develop multi-agency protocol",
        "Multi-agency partnership dealing with all enquiries of concern about children with additional needs",
        "Agreement on IT for receiving referrals; funding agreed; continued partner support (police led)",
        "Siobhan Wallace",
        -120,
        ("contacts_decided_1wd_pct", "contacts"),
    ),
    (
        0,
        "Establish baseline and continuous evaluation of the hub",
        "Baseline the hub's contacts and referrals; "
        "clear pathways and threshold understanding with localities",
        "Re-referral rate falls",
        "Performance team time",
        "Siobhan Wallace",
        20,
        ("re_referral_pct", "referrals"),
    ),
    (
        1,
        "Improve universal and targeted services to vulnerable children at an earlier stage",
        "Reorganise key staff into multi-disciplinary locality teams; information "
        "sharing, CAF, lead professional",
        "Improved outcomes for vulnerable children and young people",
        "Links with health and the voluntary sector",
        "Carol Henwood",
        -200,
        ("early_help_open",),
    ),
    (
        1,
        "Roll out the DASH assessment for domestic abuse in all agencies",
        "PDAP plan to roll out and train staff; agree operational date",
        "DASH assessments routinely received and used by the police",
        "Training",
        "Nicky Scutt, Mark Collings",
        -30,
        (),
    ),
    (
        1,
        "Secure multi-agency funding for the Making a Change programme for perpetrators of domestic abuse",
        "Funding secured; ensure treatment services for children's social care cases",
        "Courses are run; perpetrators attend and their behaviour changes",
        "£10,000 from children's services; other agencies to match fund",
        "Mark Collings, Nicky Scutt",
        -10,
        (),
    ),
    (
        1,
        "Close social care processes where needs can be met by family support alone",
        "Transfer the case to a lead professional through the hub and CAF while the 12 "
        "week intervention runs",
        "No cases kept open to social care purely for family support",
        "Officer time",
        "Nicky Scutt, Amanda Paddison, Karen Morris",
        45,
        ("early_help_stepped_up_pct",),
    ),
    (
        1,
        "Develop the family group conference service for early intervention",
        "Secure funding to extend the service",
        "Share of family group conferences a year dedicated to early intervention",
        "Funding for infrastructure",
        "Nicky Scutt, Mark Collings, Mabel Edge",
        14,
        (),
    ),
    (
        1,
        "Strong inputs from children's centres to diversion from care",
        "Establish bespoke programmes in line with centre contracts",
        "Fewer very young children entering care",
        "Officer time",
        "Jo Hall, Sue Smith",
        75,
        ("cla_starts",),
    ),
    (
        2,
        "Right level of support to children in need cases open to social care",
        "Audit long-term CIN cases; consider a CAF when a child comes off a protection plan",
        "Fewer cases on caseloads; children supported by the agencies best suited",
        "Officer time",
        "Richard Yellop, Amanda Paddison",
        -60,
        ("cin_count", "caseload_per_worker"),
    ),
    (
        2,
        "Community based assessments rather than mother and baby residential foster care",
        "Ongoing training on the family support tools",
        "More community assessments; lower spend on bought assessments",
        "Officer time",
        "Richard Yellop, Nicky Scutt",
        10,
        (),
    ),
    (
        2,
        "Effective input from adult mental health, drug and alcohol and learning disability services",
        "Commission appropriate services; focus on the child's needs",
        "More adults able to care for their children",
        "Resource issue to be raised with the Safeguarding Board",
        "Fiona Fleming, Dave Schwartz",
        -25,
        (),
    ),
    (
        2,
        "Prevent drift in child protection cases by using all previous history in planning",
        "Develop and use an electronic tool for collating chronologies",
        "All cases have high quality chronologies that inform assessment",
        "Officer time and case system support",
        "Richard Yellop, Karen Morris, Karen Porte",
        -90,
        ("cp_open_18m", "repeat_cp_pct"),
    ),
    (
        3,
        "Divert 11 to 17 year olds with multiple vulnerabilities from care",
        "Develop intensive support capacity within localities; target those most at risk "
        "using CAF and the hub",
        "Fewer 11-17 year olds entering care; more supported at tier 3 through CAF",
        "Team capacity strengthened to 8",
        "John Miller",
        30,
        ("cla_starts",),
    ),
    (
        3,
        "Divert 16 and 17 year olds from care (Southwark judgement)",
        "Intensive support before young people present to advice and assessment",
        "Fewer 16-17 year olds enter care after an intensive support intervention",
        "As above",
        "John Miller",
        -5,
        (),
    ),
    (
        4,
        "Robust advice and support for young people who are or may become homeless",
        "Re-procure the homeless advice service focused on advice, prevention and mediation",
        "More CAFs completed; fewer young people needing intensive support or social care",
        "Project board in place and finance agreed",
        "Richard Porter, Sophie Slater",
        60,
        (),
    ),
    (
        4,
        "Education and awareness of the dangers of youth homelessness (myth busters)",
        "Use an off-the-shelf toolkit in schools and other settings",
        "Fewer homeless young people",
        "Funding for toolkit",
        "Richard Porter, Dave Schwartz, John Miller",
        120,
        (),
    ),
    (
        4,
        "Quality accommodation and transitional support for young people with medium to high needs",
        "Develop a pre-qualified list of providers",
        "Preferred provider list with lower costs",
        "None",
        "Richard Porter, Emma Crowther",
        -40,
        (),
    ),
    (
        5,
        "Less use of the independent sector by more use of in-house provision",
        "Fortnightly placement review meetings of all children not in permanent "
        "placements, independent sector first",
        "Smaller independent sector population and budget commitment",
        "Managers and commissioning at each meeting",
        "Anne Osborne, Tony Marchese",
        7,
        ("agency_fostering", "agency_residential", "inhouse_foster_share_pct"),
    ),
    (
        5,
        "More cost-effective residential placements in or near the city with step-down within 6 months",
        "Commission up to 4 placements with an agreed step-down to foster care; train "
        "social workers in step-down",
        "Savings on individual placements; less time in residential care",
        "Head of service, managers, commissioning",
        "Dave Simpkins, Anne Osborne, Tony Marchese, Emma Crowther",
        -15,
        ("residential_count",),
    ),
    (
        5,
        "More in-house foster placements",
        "Allocate every assessment on application; monthly information "
        "evenings; a separate fostering assessment team",
        "More fostering households able to take a placement",
        "Social workers for assessments; extra fostering panels",
        "Anne Osborne",
        90,
        ("foster_households_active", "foster_approvals"),
    ),
    (
        5,
        "In-house parent and child placements",
        "Recruit the team and carers; develop the project's systems",
        "In-house parent and child placements delivered; delay in care proceedings reduced",
        "Invest to save bid",
        "Nicky Scutt, Anne Osborne",
        150,
        (),
    ),
)

#: (title, mitigation, probability, impact) as the PID first scored them.
RISKS = (
    (
        "Rise in numbers of children presented at the front door to children's social care",
        "Robust gatekeeping and assessment",
        3,
        4,
    ),
    (
        "Rise in court ordered placements against our care planning",
        "Continued liaison with the judiciary",
        2,
        4,
    ),
    (
        "Cuts to local preventative services push demand onto children's social care",
        "Smarter working; locality work",
        3,
        3,
    ),
    ("More young people whose needs are so complex they need secure beds", "Manageable", 2, 2),
    (
        "Too few in-house Band 4 foster placements, so more use of the independent sector",
        "Recruitment of Band 4 carers",
        3,
        4,
    ),
    (
        "Children stagnate in long-term residential placements without a foster market to move to",
        "Development of the local fostering market",
        3,
        4,
    ),
    ("Parent and child invest to save project does not achieve its savings", "Manageable", 2, 5),
    ("Rise in the number of children in care", "This programme", 4, 5),
    (
        "CAF and localities not implemented well, so more children reach advice and assessment",
        "Early intervention; development of CAF",
        3,
        4,
    ),
)
RISK_OWNERS = ("Dave Simpkins", "Joy Howick", "Jonathan Fry")

#: (area, [(target £000, FTE) for the three years], comment): the PID's efficiency delivery plan.
SAVINGS = (
    (
        SavingsLine.Area.PLACEMENTS,
        ((400, None), (750, None), (1500, None)),
        "Cost and volume contract re-negotiated; fewer children in care; less use of the independent sector",
    ),
    (
        SavingsLine.Area.STAFF,
        ((0, 0), (100, None), (400, None)),
        "Supernumerary posts deleted; agency staff reduced",
    ),
    (SavingsLine.Area.COURT, ((180, 0), (180, 0), (180, 0)), "No secure placements used"),
    (
        SavingsLine.Area.YOS,
        ((50, 1), (50, None), (50, None)),
        "Realigned: preventative service within the youth service",
    ),
    (
        SavingsLine.Area.CARE_LEAVERS,
        ((130, 0), (130, 0), (130, 0)),
        "Achieved from 1 April of the first year",
    ),
    (
        SavingsLine.Area.INTEGRATION,
        ((0, 0), (70, None), (140, None)),
        "Intensive support service diverting children",
    ),
)
#: Forecasts for (this year, next year) by area.
FORECASTS = {
    SavingsLine.Area.PLACEMENTS: ("amber", "amber"),
    SavingsLine.Area.STAFF: ("green", "amber"),
    SavingsLine.Area.COURT: ("green", "green"),
    SavingsLine.Area.YOS: ("green", "green"),
    SavingsLine.Area.CARE_LEAVERS: ("green", "green"),
    SavingsLine.Area.INTEGRATION: ("amber", "red"),
}


def _status(days: int, rng: random.Random) -> str:
    if days < -60:
        return Action.Status.DONE
    if days < 0:
        return rng.choice([Action.Status.DONE, Action.Status.IN_PROGRESS, Action.Status.BLOCKED])
    return rng.choice([Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS, Action.Status.IN_PROGRESS])


def _actions(streams: list[WorkStream], today: dt.date, rng: random.Random) -> list[Action]:
    rows = []
    for index, what, how, measure, resources, owner, days, indicators in ACTIONS:
        due = today + dt.timedelta(days=days)
        status = _status(days, rng)
        done_on = (
            min(today, due + dt.timedelta(days=rng.randint(-20, 10)))
            if status == Action.Status.DONE
            else None
        )
        barrier = "Waiting on partner funding and IT agreement" if status == Action.Status.BLOCKED else ""
        rows.append(
            Action(
                stream=streams[index],
                what=what,
                how=how,
                measure=measure,
                resources=resources,
                owner=owner,
                due=due,
                status=status,
                done_on=done_on,
                barrier=barrier,
                indicators=list(indicators),
            )
        )
    return rows


def _risks(authority: Authority, window: Window, rng: random.Random) -> None:
    """Each risk scored as the PID did six months ago, then re-scored by the board once or twice since."""
    first = window.today - dt.timedelta(days=182)
    risks, history = [], []
    for n, (title, mitigation, p, i) in enumerate(RISKS):
        scores = [(first, p, i, "Assessed in the project initiation document")]
        for months in sorted(rng.sample([150, 120, 90, 60, 30], rng.randint(0, 2))):
            p = min(5, max(1, p + rng.choice([-1, 0, 1])))
            i = min(5, max(1, i + rng.choice([-1, 0, 0, 1])))
            scores.append(
                (first + dt.timedelta(days=months), p, i, "Re-scored at the monthly programme board")
            )
        risk = Risk(
            authority=authority,
            title=title,
            mitigation=mitigation,
            owner=RISK_OWNERS[n % 3],
            description=title,
            probability=p,
            impact=i,
        )
        risks.append(risk)
        history.append(scores)
    Risk.objects.bulk_create(risks)
    RiskScore.objects.bulk_create(
        RiskScore(risk=risk, date=d, probability=p, impact=i, note=note, by_label="Programme board")
        for risk, scores in zip(risks, history, strict=True)
        for d, p, i, note in scores
    )


def _savings(authority: Authority, window: Window) -> list[SavingsLine]:
    """Last year's lines carry what was achieved (placements' from the register); this year's and
    next year's carry a forecast, and this year's the savings already achieved where the PID says so."""
    this_year = financial_year_of(window.today)
    rows = []
    for area, years, comment in SAVINGS:
        for offset, (target, fte) in enumerate(years):
            year = this_year - 1 + offset
            line = SavingsLine(
                authority=authority,
                area=area,
                year=year,
                target_k=Decimal(target),
                fte=None if fte is None else Decimal(fte),
                comment=comment,
            )
            if offset == 0 and area != SavingsLine.Area.PLACEMENTS:
                line.on_track = "green" if area != SavingsLine.Area.STAFF else "amber"
                line.achieved_k = Decimal(target)
                line.achieved_on = dt.date(year + 1, 3, 31)
            elif offset > 0:
                line.on_track = FORECASTS[area][offset - 1]
                if offset == 1 and area in (SavingsLine.Area.CARE_LEAVERS, SavingsLine.Area.YOS):
                    line.achieved_k = Decimal(target)
                    line.achieved_on = dt.date(year, 4, 1)
            else:
                line.on_track = "amber"
            rows.append(line)
    return rows


def add_programme(authority: Authority, window: Window, rng: random.Random) -> None:
    """Write the programme's work streams, actions, risks and savings plan for ``authority``.

    Any the authority already has are replaced: they hang from the authority alone, which a
    flush of the register keeps, so a rebuild would otherwise meet its own work streams."""
    WorkStream.objects.filter(authority=authority).delete()
    Risk.objects.filter(authority=authority).delete()
    SavingsLine.objects.filter(authority=authority).delete()
    streams = WorkStream.objects.bulk_create(
        WorkStream(authority=authority, name=name, lead=lead, order=n)
        for n, (name, lead) in enumerate(STREAMS)
    )
    Action.objects.bulk_create(_actions(streams, window.today, rng))
    _risks(authority, window, rng)
    SavingsLine.objects.bulk_create(_savings(authority, window))
