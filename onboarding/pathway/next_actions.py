"""What a candidate should do next, in plain French, from where they stand."""

from datetime import date

from onboarding.pathway.carers import availability_reminder
from onboarding.pathway.clock import day_in_words
from onboarding.pathway.deadlines import Deadline
from onboarding.pathway.enrollment import upcoming_enrollments
from onboarding.pathway.models import Attendance, Candidate, CandidateStatus, DossierItemStatus
from onboarding.pathway.progress import TO_DO, StepProgress

S = CandidateStatus


def next_actions(
    candidate: Candidate, progress: list[StepProgress], deadlines: list[Deadline], today: date
) -> list[str]:
    status = candidate.status
    if status == S.WITHDRAWN:
        return ["Vous êtes sorti(e) du parcours. Pour le reprendre, contactez votre conseiller."]
    actions = []
    upcoming = [
        e for e in upcoming_enrollments(candidate, today) if e.attendance == Attendance.PENDING
    ]
    if upcoming:
        first = upcoming[0].activity
        actions.append(
            f"Venir à « {first.title} » le {day_in_words(first.date)} "
            f"à {first.start_time.hour} h {first.start_time.minute:02d}, {first.place_name}."
        )
    if status in (S.REFERRED, S.IN_PATHWAY):
        for item in progress:
            if item.step.is_mandatory and item.state == TO_DO:
                actions.append(
                    f"Vous inscrire à l'étape « {item.step.title} » : votre conseiller vous "
                    "proposera une date."
                )
    missing = [i for i in candidate.dossier_items if i.status == DossierItemStatus.MISSING]
    if status in (S.IN_PATHWAY, S.DOSSIER_FILED) and missing:
        pieces = ", ".join(item.kind.label for item in missing)
        actions.append(f"Réunir les pièces manquantes de votre dossier : {pieces}.")
    if status == S.UNDER_EVALUATION:
        actions.append(
            "Le service de PMI de votre département va vous proposer un entretien et une visite "
            "de votre logement."
        )
    for deadline in deadlines:
        if deadline.code == "training_part1" and deadline.met_on is None:
            actions.append(
                f"Suivre la première partie de la formation initiale (80 h) avant le "
                f"{day_in_words(deadline.due_on)}, et avant d'accueillir un enfant."
            )
    carer = candidate.carer
    if carer is not None:
        if not carer.is_published:
            actions.append("Publier votre profil pour que les parents vous trouvent.")
        reminder = availability_reminder(carer, today)
        if reminder is not None and reminder.overdue:
            actions.append(
                "Confirmer vos disponibilités dès maintenant : c'était à faire avant le "
                f"{day_in_words(reminder.due_on)} (obligation légale, deux fois par an)."
            )
        elif reminder is not None:
            actions.append(
                f"Confirmer vos disponibilités avant le {day_in_words(reminder.due_on)} "
                "(obligation légale, deux fois par an)."
            )
        elif carer.last_confirmed_on is None:
            actions.append(
                "Déclarer vos places (ou l'absence de place) et confirmer vos disponibilités, "
                "pour apparaître aux parents."
            )
    return actions
