"""Playing a candidate's story through the pathway engine, so that every one of its rules
is checked: referral, enrolments and roll calls, conventions, transitions, training."""

from collections import Counter
from datetime import date

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from onboarding.demo.activities import Calendar
from onboarding.demo.candidates import Profile
from onboarding.demo.places import (
    TRAINING_PROVIDERS,
)
from onboarding.demo.stories import Attend, Book, Convene, Course, Evaluate, Move, Receive, Story
from onboarding.demo.timestamps import moment
from onboarding.pathway import dossier, enrollment, training, transitions
from onboarding.pathway.immersion import create_convention
from onboarding.pathway.models import (
    Candidate,
    DecisionOutcome,
    StaffUser,
)
from onboarding.pathway.referral import Referral, refer_candidate

DECISION_OUTCOMES = {
    "grant": DecisionOutcome.GRANTED.value,
    "deem_granted": DecisionOutcome.DEEMED_GRANTED.value,
    "refuse": DecisionOutcome.REFUSED.value,
}


class Player:
    """Applies a story with the domain functions, so that every rule of the engine is checked."""

    def __init__(self, session: Session, calendar: Calendar, today: date):
        self.session = session
        self.calendar = calendar
        self.today = today
        self.enrollments = 0
        self.conventions = 0
        self.trainings = 0
        self.decisions: Counter = Counter()

    def play(self, profile: Profile, story: Story) -> Candidate:
        session, today = self.session, self.today
        candidate = refer_candidate(
            session,
            Referral(
                first_name=profile.first_name,
                last_name=profile.last_name,
                commune_insee=profile.place.insee_code,
                referral_source=profile.source,
                referred_on=story.referred_on,
                is_job_seeker=profile.is_job_seeker,
                france_travail_id=profile.france_travail_id,
                email=profile.email,
                phone=profile.phone,
                address=profile.address,
                birth_date=profile.birth_date,
                referred_by=profile.referred_by,
                coordinator=profile.coordinator,
                requested_capacity=profile.requested_capacity,
                has_cap_aepe_units=profile.has_cap_aepe_units,
            ),
            today=today,
        )
        # A new candidate has none of these yet: saying so spares the engine a query for each.
        for name in ("decisions", "trainings", "conventions", "enrollments"):
            set_committed_value(candidate, name, [])
        set_committed_value(candidate, "carer", None)
        actor = profile.coordinator
        items = {item.kind: item for item in candidate.dossier_items}
        for event in story.events:
            if isinstance(event, Attend | Book):
                self._enrol(candidate, actor, event)
            elif isinstance(event, Convene):
                create_convention(
                    session,
                    candidate,
                    host_name=event.host.name,
                    host_siret=event.host.siret,
                    host_tutor=f"Accueil de {event.host.name}",
                    host_address=f"{event.host.address}, {event.host.place.name}",
                    prescriber=profile.referred_by or "France Travail",
                    purpose=event.purpose,
                    starts_on=event.starts_on,
                    ends_on=event.ends_on,
                )
                self.conventions += 1
            elif isinstance(event, Move):
                self._move(candidate, actor, event)
            elif isinstance(event, Receive):
                dossier.mark_item(items[event.kind], event.status, on=event.on, today=today)
            elif isinstance(event, Course):
                training.record_course(
                    session,
                    candidate,
                    part=event.part,
                    block=event.block,
                    hours=event.hours,
                    completed_on=event.on,
                    includes_first_aid=event.first_aid,
                    provider=TRAINING_PROVIDERS[candidate.department_code],
                    today=today,
                )
                self.trainings += 1
            elif isinstance(event, Evaluate):
                training.record_part1_evaluation(
                    session, candidate, passed=event.passed, completed_on=event.on, today=today
                )
                self.trainings += 1
        if candidate.status != profile.scenario.status:
            raise AssertionError(
                f"scenario {profile.scenario.name} ended at {candidate.status}, "
                f"not {profile.scenario.status}"
            )
        return candidate

    def _enrol(self, candidate: Candidate, actor: StaffUser | None, event: Attend | Book) -> None:
        activity = self.calendar.activity(self.session, event.slot)
        row = enrollment.enroll(self.session, candidate, activity, actor=actor, today=self.today)
        event.slot.seats_taken += 1
        self.enrollments += 1
        if isinstance(event, Attend):
            mark = enrollment.Mark(row.id, event.attendance.value, event.hours)
            enrollment.take_roll_call(self.session, activity, [mark], today=self.today, actor=actor)
        elif event.excused:
            enrollment.excuse(self.session, row, today=self.today, by_candidate=True)

    def _move(self, candidate: Candidate, actor: StaffUser | None, move: Move) -> None:
        session, today = self.session, self.today
        match move.name:
            case "grant":
                transitions.grant(
                    session, candidate, actor=actor, decided_on=move.on,
                    capacity=move.capacity, reason=move.reason, today=today,
                )  # fmt: skip
            case "refuse":
                transitions.refuse(
                    session, candidate, actor=actor, decided_on=move.on, reason=move.reason,
                    today=today,
                )  # fmt: skip
            case "deem_granted":
                transitions.deem_granted(session, candidate, actor=actor, today=today)
            case "withdraw":
                transitions.withdraw(
                    session, candidate, actor=actor, on=move.on, reason=move.withdrawal,
                    note=move.note, today=today,
                )  # fmt: skip
            case _:
                getattr(transitions, move.name)(
                    session, candidate, actor=actor, on=move.on, today=today
                )
        if move.name in DECISION_OUTCOMES:
            self.decisions[DECISION_OUTCOMES[move.name]] += 1
        candidate.status_changed_at = moment(move.on, f"log|{move.name}|{candidate.full_name}")
