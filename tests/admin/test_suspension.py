"""A suspension of a carer's agrément (L421-6 CASF), recorded from her page in the panel: at most
four months (R421-24), refused in French beyond; parents do not see her meanwhile; lifted, she is
shown again; audited; scoped and refused to partners and without a form token."""

from datetime import timedelta

from sqlalchemy import select

from onboarding.pathway import shown
from onboarding.pathway.base import utcnow
from onboarding.pathway.models import AuditLog
from tests import builders


def _url(world, end="") -> str:
    return f"/admin/carer/suspension/{world.approved_33.carer.id}{end}"


def _page(panel, world) -> str:
    return panel.html(f"/admin/carer/details/?id={world.approved_33.carer.id}")


def test_a_suspension_hides_her_until_it_ends_and_lifting_it_shows_her_again(
    panel, world, session, client
):
    carer = world.approved_33.carer
    carer.is_published = True
    carer.publication_consent_at = utcnow()
    carer.last_confirmed_on = builders.TODAY
    carer.training_part1_on = builders.TODAY - timedelta(days=30)
    session.commit()
    assert shown.may_show_carer(carer, today=builders.TODAY)
    assert client.get(f"/assmat/{carer.id}").status_code == 200
    panel.sign_in(world.coordinator_33)
    assert "Agrément : non suspendu." in _page(panel, world)

    response = panel.post(_url(world), {"until": "15/05/2026"})
    assert response.status_code == 302
    session.refresh(carer)
    assert carer.agrement_suspended_until == builders.TODAY.replace(month=5, day=15)
    page = _page(panel, world)
    assert "suspendu jusqu'au 15/05/2026" in page
    assert not shown.may_show_carer(carer, today=builders.TODAY)
    # Hidden until its end, whatever the start asked; shown again once it has ended.
    after = builders.TODAY.replace(month=5, day=16)
    assert not shown.may_show_carer(carer, today=builders.TODAY, care_from=after)
    assert shown.may_show_carer(carer, today=after)
    assert client.get(f"/assmat/{carer.id}").status_code == 404
    entry = session.scalars(
        select(AuditLog).where(AuditLog.object_type == "Carer").order_by(AuditLog.id)
    ).all()[-1]
    assert (entry.actor_id, entry.fields) == (world.coordinator_33.id, ["agrement_suspended_until"])

    assert panel.post(_url(world, "/fin")).status_code == 302
    session.refresh(carer)
    assert shown.may_show_carer(carer, today=builders.TODAY)
    assert client.get(f"/assmat/{carer.id}").status_code == 200
    assert "Agrément : non suspendu." in _page(panel, world)


def test_the_law_refuses_more_than_four_months_and_a_past_end(panel, world, session):
    panel.sign_in(world.coordinator_33)
    too_long = panel.client.post(
        _url(world), data={"csrf_token": panel.token(), "until": "17/07/2026"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Une suspension d'agrément dure au plus quatre mois (art. R421-24" in too_long.get_data(
        as_text=True
    ).replace("&#39;", "'")
    past = panel.client.post(
        _url(world), data={"csrf_token": panel.token(), "until": "01/03/2026"},
        follow_redirects=True,
    )  # fmt: skip
    assert "La fin de la suspension est déjà passée." in past.get_data(as_text=True)
    typo = panel.client.post(
        _url(world), data={"csrf_token": panel.token(), "until": "31/04/2026"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Date invalide : utilisez le format JJ/MM/AAAA" in typo.get_data(as_text=True)
    not_suspended = panel.client.post(
        _url(world, "/fin"), data={"csrf_token": panel.token()}, follow_redirects=True
    )
    assert "Son agrément n'est pas suspendu." in not_suspended.get_data(as_text=True).replace(
        "&#39;", "'"
    )
    session.refresh(world.approved_33.carer)
    assert world.approved_33.carer.agrement_suspended_until is None


def test_partners_other_departements_and_forged_posts_are_refused(panel, world, session, auth):
    panel.sign_in(world.partner_33)
    assert panel.post(_url(world), {"until": "15/05/2026"}).status_code == 403
    auth.logout()
    panel.sign_in(world.coordinator_24)
    assert panel.post(_url(world), {"until": "15/05/2026"}).status_code == 404
    auth.logout()
    panel.sign_in(world.coordinator_33)
    assert panel.client.post(_url(world), data={"until": "15/05/2026"}).status_code == 400
    session.refresh(world.approved_33.carer)
    assert world.approved_33.carer.agrement_suspended_until is None
