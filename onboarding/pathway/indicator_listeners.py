"""The flush listeners that keep the indicators' summary rows (`indicators.summary`) in the same
transaction as the changes. Registered with the models; the summary is imported at the first
flush only, since the indicators import much of the domain, which imports the models."""

from sqlalchemy import event
from sqlalchemy.orm import Session


@event.listens_for(Session, "before_flush")
def _count_before(session: Session, flush_context, instances) -> None:
    """While the database holds the old state: what the records concerned count."""
    from onboarding.pathway.indicators import summary

    summary.count_before(session)


@event.listens_for(Session, "after_flush_postexec")
def _count_after(session: Session, flush_context) -> None:
    """Once the flush is done (the steps reached and next deadlines rewritten): the difference."""
    from onboarding.pathway.indicators import summary

    summary.count_after(session)
