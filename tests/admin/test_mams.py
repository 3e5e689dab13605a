"""Maisons d'assistants maternels in the panel: the record, its carers within the law's limits
(art. L424-1 CASF: at most 6 assistants maternels, at most 20 children), the carer's page."""

import pytest
from sqlalchemy import select

from onboarding.pathway import mam as mams
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import AuditLog, Carer, Mam
from tests.builders import BORDEAUX, PERIGUEUX
from tests.search.conftest import make_carer


def _mam(session, commune=BORDEAUX, name="MAM Les Petits Pas") -> Mam:
    mam = Mam(name=name, address="4 rue des Écoles", commune_insee=commune)
    session.add(mam)
    session.flush()
    return mam


def _carers(session, count: int, capacity: int = 4) -> list[Carer]:
    made = []
    for number in range(count):
        carer = make_carer(session, first_name=f"Camille{number}", last_name="Martin")
        carer.agrement_capacity = capacity
        made.append(carer)
    session.flush()
    return made


def test_a_seventh_carer_is_refused_citing_the_law(session):
    mam = _mam(session)
    *members, seventh = _carers(session, 7, capacity=2)
    for carer in members:
        mams.join(session, mam, carer, actor=None)
    with pytest.raises(RuleViolation) as refused:
        mams.join(session, mam, seventh, actor=None)
    assert refused.value.message == (
        "Une MAM réunit au plus 6 assistants maternels (art. L424-1 du code de l'action sociale "
        "et des familles) : « MAM Les Petits Pas » en compte déjà 6."
    )
    assert seventh.mam_id is None
    assert len(mam.carers) == 6


def test_more_than_twenty_children_in_all_is_refused(session):
    mam = _mam(session)
    members = _carers(session, 4, capacity=4)
    for carer in members:
        mams.join(session, mam, carer, actor=None)
    (fits,) = _carers(session, 1, capacity=4)
    mams.join(session, mam, fits, actor=None)  # 16 + 4 = 20
    (heavy,) = _carers(session, 1, capacity=1)
    with pytest.raises(RuleViolation) as refused:
        mams.join(session, mam, heavy, actor=None)
    assert refused.value.message == (
        f"Une MAM accueille au plus 20 enfants en même temps (art. L424-1 du code de l'action "
        f"sociale et des familles) : avec {heavy}, les agréments de « MAM Les Petits Pas » en "
        "totaliseraient 21."
    )
    assert heavy.mam_id is None
    assert len(mam.carers) == 5


def test_a_carer_works_in_one_mam_at_a_time(session):
    first, second = _mam(session), _mam(session, name="MAM La Ribambelle")
    (carer,) = _carers(session, 1)
    mams.join(session, first, carer, actor=None)
    with pytest.raises(RuleViolation, match="travaille déjà dans la MAM « MAM Les Petits Pas »"):
        mams.join(session, second, carer, actor=None)
    mams.leave(session, carer, actor=None)
    assert carer.mam_id is None
    mams.join(session, second, carer, actor=None)
    assert carer.mam == second


def test_a_carer_joins_a_mam_of_her_own_departement_only(panel, world, session):
    """Refused by the domain, whichever account asks: here the admin, who sees both."""
    mam_33 = _mam(session)
    carer_24 = make_carer(session, PERIGUEUX, first_name="Paule", last_name="Périgord")
    with pytest.raises(RuleViolation) as refused:
        mams.join(session, mam_33, carer_24, actor=None)
    assert refused.value.message == (
        "Paule Périgord exerce dans le département 24 : « MAM Les Petits Pas » est dans le "
        "département 33."
    )
    session.commit()
    panel.sign_in(world.admin)
    assert f'<option value="{carer_24.id}">' not in panel.html(
        f"/admin/mam/details/?id={mam_33.id}"
    )
    panel.post(f"/admin/mam/{mam_33.id}/carers/add/", {"carer_id": carer_24.id})
    assert "exerce dans le département 24" in panel.html(f"/admin/mam/details/?id={mam_33.id}")
    session.refresh(carer_24)
    assert carer_24.mam_id is None


def test_a_coordinator_creates_a_mam_adds_and_removes_carers(panel, world, session):
    (carer,) = _carers(session, 1)
    session.commit()
    panel.sign_in(world.coordinator_33)
    created = {"name": "MAM Les Petits Pas", "address": "4 rue des Écoles", "commune": BORDEAUX}
    response = panel.post("/admin/mam/new/", created)
    assert response.status_code == 302
    mam = session.scalars(select(Mam)).one()
    assert (mam.department_code, mam.commune_insee) == ("33", BORDEAUX)
    details = panel.html(f"/admin/mam/details/?id={mam.id}")
    assert "Personne pour le moment." in details
    assert f'<option value="{carer.id}">' in details
    panel.post(f"/admin/mam/{mam.id}/carers/add/", {"carer_id": carer.id})
    session.refresh(carer)
    assert carer.mam_id == mam.id
    assert "Camille0 Martin" in panel.html(f"/admin/mam/details/?id={mam.id}")
    carer_page = panel.html(f"/admin/carer/details/?id={carer.id}")
    assert "MAM Les Petits Pas" in carer_page
    journal = session.scalars(select(AuditLog.action).where(AuditLog.object_type == "Carer"))
    assert "mam_join" in list(journal)
    panel.post(f"/admin/mam/{mam.id}/carers/remove/", {"carer_id": carer.id})
    session.refresh(carer)
    assert carer.mam_id is None
    assert "Exerce à domicile" in panel.html(f"/admin/carer/details/?id={carer.id}")


def test_the_panel_shows_the_laws_refusal_and_changes_nothing(panel, world, session):
    mam = _mam(session)
    members = _carers(session, 7, capacity=2)
    for carer in members[:6]:
        mams.join(session, mam, carer, actor=None)
    session.commit()
    panel.sign_in(world.coordinator_33)
    response = panel.client.post(
        f"/admin/mam/{mam.id}/carers/add/",
        data={"csrf_token": panel.token(), "carer_id": members[6].id},
        follow_redirects=True,
    )
    assert "Une MAM réunit au plus 6 assistants maternels (art. L424-1" in response.get_data(
        as_text=True
    ).replace("&#39;", "'")
    session.refresh(members[6])
    assert members[6].mam_id is None


def test_mams_are_scoped_by_departement(panel, world, session):
    mam_24 = _mam(session, PERIGUEUX, name="MAM du Périgord")
    (carer_33,) = _carers(session, 1)
    session.commit()
    panel.sign_in(world.coordinator_33)
    assert "MAM du Périgord" not in panel.html("/admin/mam/")
    assert panel.get(f"/admin/mam/details/?id={mam_24.id}").status_code == 404
    assert panel.post(f"/admin/mam/{mam_24.id}/carers/add/", {"carer_id": carer_33.id}
                      ).status_code == 404  # fmt: skip
    session.refresh(carer_33)
    assert carer_33.mam_id is None
    response = panel.post("/admin/mam/new/", {"name": "MAM Ailleurs", "address": "1 rue",
                                              "commune": PERIGUEUX})  # fmt: skip
    assert session.scalar(select(Mam).where(Mam.name == "MAM Ailleurs")) is None
    assert response.status_code in (200, 302)


def test_a_partner_reads_mams_and_changes_nothing(panel, world, session):
    mam = _mam(session)
    (carer,) = _carers(session, 1)
    session.commit()
    panel.sign_in(world.partner_33)
    assert "Ajouter une assistante maternelle" not in panel.html(f"/admin/mam/details/?id={mam.id}")
    assert panel.post(f"/admin/mam/{mam.id}/carers/add/", {"carer_id": carer.id}
                      ).status_code == 403  # fmt: skip
    session.refresh(carer)
    assert carer.mam_id is None
