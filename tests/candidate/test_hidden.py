"""The carer's space tells her why parents do not see her, from the same rule as the search."""

from datetime import timedelta

from onboarding.pathway.base import utcnow
from tests.builders import TODAY, complete_part1
from tests.candidate.conftest import text

TITLE = "Les parents ne voient pas votre profil pour le moment"


def test_an_approved_carer_learns_why_she_is_not_shown(place, space, session):
    space.open(place.approved)

    page = text(space.client.get("/espace-assmat/"))

    assert TITLE in page
    assert "Vous avez choisi de masquer votre profil." in page
    assert "Votre accord de publication n'est pas enregistré." in page
    assert "Vos disponibilités n'ont pas été confirmées depuis six mois." in page
    assert "La fin de la première partie de votre formation n'est pas encore enregistrée" in page
    assert "Votre agrément n'est plus" not in page


def test_a_carer_parents_see_gets_no_such_message(place, space, session):
    carer = place.approved.carer
    complete_part1(session, place.approved, on=TODAY - timedelta(days=1))
    carer.is_published = True
    carer.publication_consent_at = utcnow()
    carer.last_confirmed_on = TODAY
    session.commit()
    space.open(place.approved)

    assert TITLE not in text(space.client.get("/espace-assmat/"))
