"""The printed documents: attestations, sign-in sheet, pathway booklet, availability sheet.

Each function takes plain domain objects and returns PDF bytes, so that the panel and,
later, the candidate space call the same code. The rules (which steps are mandatory, which
deadlines run) come from onboarding.pathway; this module only gathers and prints.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from onboarding.documents.bundles import render_bundle
from onboarding.documents.rendering import render_pdf
from onboarding.pathway import training
from onboarding.pathway.deadlines import Deadline
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.indicators import ANSWER_DAYS, DEADLINE_LABELS, Indicators
from onboarding.pathway.models import (
    Activity,
    Attendance,
    Candidate,
    Carer,
    Enrollment,
    ImmersionConvention,
)
from onboarding.pathway.progress import StepProgress, missing_mandatory_steps
from onboarding.pathway.schedule import DAYS, NEED_LABELS, NEEDS, PERIODS, half_day_names

# One PDF of attestations holds at most this many people (a few seconds of printing).
MAX_ATTESTATIONS = 200
SIGN_IN_LINES_PER_PAGE = 15
PRESENCE_ATTESTATION = "documents/presence_attestation.html"


@dataclass(frozen=True)
class Issuer:
    """Who issues the document: the structure, the person, the date."""

    structure: str
    person: str
    issued_on: date


@dataclass(frozen=True)
class AttendedRow:
    activity: Activity
    hours: Decimal


@dataclass(frozen=True)
class PresenceRecord:
    candidate: Candidate
    rows: list[AttendedRow]
    # Every enrolment, attended or not, for the booklet.
    enrollments: list[Enrollment]

    @property
    def total(self) -> Decimal:
        return sum((row.hours for row in self.rows), Decimal(0))


def presence_record(candidate: Candidate) -> PresenceRecord:
    """The activities attended (cancelled ones excluded) in date order, with the hours credited."""
    enrollments = sorted(
        candidate.enrollments, key=lambda e: (e.activity.date, e.activity.start_time)
    )
    rows = [
        AttendedRow(e.activity, e.hours_credited or Decimal(0))
        for e in enrollments
        if e.attendance == Attendance.ATTENDED and not e.activity.is_cancelled
    ]
    return PresenceRecord(candidate, rows, enrollments)


def presence_attestations(candidates: list[Candidate], issuer: Issuer) -> bytes:
    """One attestation de présence per candidate, each from a new page, in one PDF: tagged for
    one person, a bundle to print (each page footed with its person's name) for several."""
    if not candidates:
        raise RuleViolation("Aucune attestation à éditer : la sélection est vide.")
    if len(candidates) > MAX_ATTESTATIONS:
        raise RuleViolation(
            f"Au plus {MAX_ATTESTATIONS} attestations par document ({len(candidates)} "
            "demandées) : réduisez la sélection."
        )
    records = [presence_record(candidate) for candidate in candidates]
    if len(records) == 1:
        return render_pdf(PRESENCE_ATTESTATION, parts=records, issuer=issuer)
    return render_bundle(PRESENCE_ATTESTATION, records, issuer=issuer)


def sign_in_sheet(activity: Activity, issuer: Issuer) -> bytes:
    """The feuille d'émargement: the activity and its enrolled people, 15 lines a page."""
    rows = sorted(
        activity.enrollments,
        key=lambda e: (e.candidate.last_name.casefold(), e.candidate.first_name.casefold()),
    )
    return render_pdf(
        "documents/sign_in_sheet.html",
        activity=activity,
        rows=rows,
        per_page=SIGN_IN_LINES_PER_PAGE,
        issuer=issuer,
    )


def pathway_booklet(
    candidate: Candidate,
    progress: list[StepProgress],
    deadlines: list[Deadline],
    issuer: Issuer,
) -> bytes:
    """The livret de parcours: steps, activities and hours, dossier, decisions, deadlines."""
    summary = {
        "part1_hours": training.course_hours(candidate, 1),
        "part1_done_on": training.part1_done_on(candidate),
        "part2_hours": training.course_hours(candidate, 2),
    }
    return render_pdf(
        "documents/pathway_booklet.html",
        candidate=candidate,
        record=presence_record(candidate),
        progress=progress,
        deadlines=deadlines,
        training=summary,
        issuer=issuer,
    )


def completion_attestation(
    candidate: Candidate, progress: list[StepProgress], issuer: Issuer, reason: str = ""
) -> bytes:
    """The attestation de fin de parcours. While a mandatory step is not done it is refused,
    unless a written reason is given (the caller logs it first, pathway.transitions
    .attest_completion): it then names the steps not done and the reason."""
    if not any(item.step.is_mandatory for item in progress):
        raise RuleViolation(
            "Aucune étape obligatoire dans le parcours de son territoire : la fin de parcours ne "
            "peut pas être attestée."
        )
    missing = missing_mandatory_steps(progress)
    reason = (reason or "").strip()
    if missing and not reason:
        steps = ", ".join(f"« {item.step.title} »" for item in missing)
        raise RuleViolation(
            f"Parcours inachevé : l'attestation de fin de parcours sera disponible une fois "
            f"toutes les étapes obligatoires faites. Reste à faire : {steps}."
        )
    return render_pdf(
        "documents/completion_attestation.html",
        candidate=candidate,
        steps=[item for item in progress if item.is_done],
        missing=missing,
        reason=reason if missing else "",
        record=presence_record(candidate),
        issuer=issuer,
    )


def convention_summary(convention: ImmersionConvention, issuer: Issuer) -> bytes:
    """The PMSMP convention's summary: beneficiary, host, tutor, prescriber, purpose, dates."""
    siret = convention.host_siret
    return render_pdf(
        "documents/immersion_convention.html",
        convention=convention,
        candidate=convention.candidate,
        siret=f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}",
        issuer=issuer,
    )


def availability_sheet(carer: Carer, issuer: Issuer) -> bytes:
    """The fiche de disponibilités for parents: only what she agreed to publish."""
    if not carer.is_published:
        raise RuleViolation(
            "Cette assistante maternelle n'a pas accepté la publication de son profil : "
            "sa fiche de disponibilités ne peut pas être remise aux parents."
        )
    vacancies = list(carer.vacancies)
    return render_pdf(
        "documents/availability_sheet.html",
        carer=carer,
        vacancies=vacancies,
        vacancy_half_days={v.id: set(half_day_names(v.half_days)) for v in vacancies},
        vacancy_needs={
            v.id: [NEED_LABELS[name] for name in NEEDS if getattr(v, name)] for v in vacancies
        },
        days=[{"key": key, "label": label} for key, label in DAYS],
        periods=[{"key": key, "label": label.capitalize()} for key, label in PERIODS],
        issuer=issuer,
    )


def indicators_report(result: Indicators, scope: str, issuer: Issuer) -> bytes:
    """The indicators on one page, for funders: aggregates only, no name."""
    return render_pdf(
        "documents/indicators_report.html",
        result=result,
        scope=scope,
        issuer=issuer,
        deadline_labels=DEADLINE_LABELS,
        answer_days=ANSWER_DAYS,
    )
