"""The day's work at a glance: the home's figures and the lists they link to, the candidate list
in next-deadline order, the activity list opening on what is coming."""

import re
from datetime import timedelta

from onboarding.pathway import enrollment
from onboarding.pathway.models import CandidateStatus, DossierItemStatus
from tests import builders

S = CandidateStatus


def _figures(html: str) -> dict[str, tuple[int, str]]:
    """The home's "this week" table: label → (count, link)."""
    section = html.split('id="this-week"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<td>([^<]+)</td>\s*<td[^>]*><a href=\"([^\"]+)\"[^>]*>(\d+)</a>", section)
    return {label: (int(count), url.replace("&amp;", "&")) for label, url, count in rows}


def test_home_figures_count_in_scope_and_link_to_the_same_rows(panel, world, session):
    # 33: one decision overdue (complete dossier more than 3 months ago).
    late = builders.make_candidate(
        session, S.UNDER_EVALUATION, last_name="EnRetard",
        referred_on=builders.TODAY - timedelta(days=200),
    )  # fmt: skip
    filed = builders.make_candidate(session, S.DOSSIER_FILED, last_name="Déposée")
    complete = builders.make_candidate(session, S.DOSSIER_FILED, last_name="Complète")
    for item in complete.dossier_items:
        item.status = DossierItemStatus.RECEIVED
        item.received_on = builders.TODAY
    # A roll call to take in 33 (the past activity, one pending line), none in 24.
    enrollment.enroll(
        session, world.candidate_33, world.past_activity_33, actor=None,
        today=world.past_activity_33.date,
    )  # fmt: skip
    excused = enrollment.enroll(session, late, world.activity_33, actor=None, today=builders.TODAY)
    enrollment.excuse(session, excused, today=builders.TODAY, by_candidate=True)
    world.candidate_33.coordinator = world.coordinator_33
    session.commit()

    panel.sign_in(world.coordinator_33)
    figures = _figures(panel.html("/admin/"))
    assert figures["Échéances dépassées ou dans les 14 jours"][0] == 1
    assert figures["dont échéances déjà dépassées"][0] == 1
    # Said once, with its list: the key figures below do not repeat it.
    assert "Échéances légales dépassées" not in panel.html("/admin/")
    assert figures["Appels à faire (activités passées)"][0] == 1
    assert figures["Dossiers déposés, pièces manquantes"][0] == 1
    assert figures["Dossiers déposés, toutes pièces reçues : à déclarer complets"][0] == 1
    assert figures["Dossiers complets en attente de décision"][0] == 1
    # The request made to the approved carer of 33; the one of 24 is out of scope.
    assert figures["Demandes des parents sans suite donnée"][0] == 1
    assert figures["Absences excusées aux activités à venir"][0] == 1

    soon = panel.html(figures["Échéances dépassées ou dans les 14 jours"][1])
    assert "EnRetard" in soon
    assert "Girondine" not in soon
    missing = panel.html(figures["Dossiers déposés, pièces manquantes"][1])
    assert filed.last_name in missing
    assert "Complète" not in missing
    to_declare = panel.html(
        figures["Dossiers déposés, toutes pièces reçues : à déclarer complets"][1]
    )
    assert "Complète" in to_declare
    assert filed.last_name not in to_declare
    roll_calls = panel.html(figures["Appels à faire (activités passées)"][1])
    assert f"/admin/activity/details/?id={world.past_activity_33.id}" in roll_calls
    assert f"/admin/activity/details/?id={world.activity_33.id}" not in roll_calls
    excused_list = panel.html(figures["Absences excusées aux activités à venir"][1])
    assert "EnRetard" in excused_list

    mine = panel.html(
        re.search(r'href="([^"]+)"[^>]*>Mes candidats \(1\)', panel.html("/admin/"))
        .group(1)
        .replace("&amp;", "&")
    )
    assert "Girondine" in mine
    assert "EnRetard" not in mine


def test_home_figures_of_another_departement_are_not_counted(panel, world, session):
    builders.make_candidate(
        session, S.UNDER_EVALUATION, commune=builders.PERIGUEUX,
        referred_on=builders.TODAY - timedelta(days=200),
    )  # fmt: skip
    session.commit()
    panel.sign_in(world.coordinator_33)
    figures = _figures(panel.html("/admin/"))
    assert figures["dont échéances déjà dépassées"][0] == 0
    assert figures["Dossiers complets en attente de décision"][0] == 0


def test_candidate_list_opens_soonest_deadline_first(panel, world, session):
    later = builders.make_candidate(session, S.APPROVED, last_name="Ensuite")  # training in months
    first = builders.make_candidate(
        session, S.UNDER_EVALUATION, last_name="Dabord",
        referred_on=builders.TODAY - timedelta(days=200),
    )  # fmt: skip
    session.commit()
    panel.sign_in(world.coordinator_33)
    html = panel.html("/admin/candidate/")
    assert html.index(first.last_name) < html.index(later.last_name)
    # People without a deadline come last.
    assert html.index(later.last_name) < html.index("Girondine")
    # Latest first, on request, still puts people without a deadline last.
    index = 8  # the next-deadline column
    reverse = panel.html(f"/admin/candidate/?sort={index}&desc=1")
    assert (
        reverse.index(later.last_name) < reverse.index(first.last_name) < reverse.index("Girondine")
    )


def test_activity_list_opens_on_what_is_coming_and_marks_roll_calls(panel, world, session):
    enrollment.enroll(
        session, world.candidate_33, world.past_activity_33, actor=None,
        today=world.past_activity_33.date,
    )  # fmt: skip
    session.commit()
    panel.sign_in(world.coordinator_33)
    coming = panel.html("/admin/activity/")
    assert f"details/?id={world.activity_33.id}" in coming
    assert f"details/?id={world.past_activity_33.id}" not in coming

    from onboarding.admin.views.activities import ActivityView

    period = next(i for i, f in enumerate(ActivityView()._filters) if f.name == "Période")
    past = panel.html(f"/admin/activity/?flt0_{period}=past")
    assert f"details/?id={world.past_activity_33.id}" in past
    assert "appel à faire" in past
    assert f"details/?id={world.activity_33.id}" not in past

    # Once the roll call is taken, the mark goes.
    row = world.past_activity_33.enrollments[0]
    enrollment.take_roll_call(
        session, world.past_activity_33, [enrollment.Mark(row.id, "attended")],
        today=builders.TODAY,
    )  # fmt: skip
    session.commit()
    assert "appel à faire" not in panel.html(f"/admin/activity/?flt0_{period}=past")


def test_a_cancelled_activity_is_not_among_those_to_come_and_is_marked(panel, world, session):
    """As the home counts them: "à venir" leaves the cancelled ones out; "toutes" and the
    candidate's page show them marked "annulée"."""
    from onboarding.admin.views.activities import ActivityView

    enrollment.enroll(session, world.candidate_33, world.activity_33, actor=None,
                      today=builders.TODAY)  # fmt: skip
    world.activity_33.is_cancelled = True
    session.commit()
    panel.sign_in(world.coordinator_33)
    assert f"details/?id={world.activity_33.id}" not in panel.html("/admin/activity/")
    period = next(i for i, f in enumerate(ActivityView()._filters) if f.name == "Période")
    every = panel.html(f"/admin/activity/?flt0_{period}=all")
    row = every.split(f"details/?id={world.activity_33.id}", 1)[1].split("</tr>", 1)[0]
    assert "annulée" in row
    page = panel.html(f"/admin/candidate/details/?id={world.candidate_33.id}")
    coming = page.split('id="activities"', 1)[1].split("</section>", 1)[0]
    assert world.activity_33.title in coming
    assert "annulée" in coming


def test_the_home_is_for_staff_only(client, world):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/auth/login" in response.location


def test_the_list_and_the_candidate_page_show_the_same_next_deadline(panel, world, session):
    candidate = world.approved_33
    due = candidate.next_deadline_on
    assert candidate.next_deadline == "training_part1"
    panel.sign_in(world.coordinator_33)
    row = panel.html("/admin/candidate/").split(f"details/?id={candidate.id}", 1)[1]
    row = row.split("</tr>", 1)[0]
    assert f"{due:%d/%m/%Y}" in row
    assert "Formation initiale, première partie (80 h)" in row
    page = panel.html(f"/admin/candidate/details/?id={candidate.id}")
    assert (
        "Prochaine échéance : <strong>Formation initiale, première partie (80 h)</strong>" in page
    )
