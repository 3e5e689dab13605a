"""The demo's staff accounts: the three sign-ins printed for visitors, and colleagues covering the
other départements so that every candidate has a coordinator."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from onboarding.pathway import staff
from onboarding.pathway.geography import NOUVELLE_AQUITAINE
from onboarding.pathway.models import PartnerKind, Role, StaffUser


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    departments: tuple[str, ...] = ()
    full_name: str = ""
    # A partner's kind: the demo's partner is a Relais Petite Enfance.
    partner_kind: str | None = None


# Addresses on a reserved domain (RFC 2606): no mail sent from a demo reaches anyone.
DEMO_ACCOUNTS = (
    DemoAccount(
        Role.ADMIN.value, "admin@assmat-demo.example", "demo-admin-2026", (),
        "Hélène Garnier",
    ),
    DemoAccount(
        Role.COORDINATOR.value, "coordination@assmat-demo.example", "demo-coordination-2026",
        ("24", "33"), "Claire Dubreuil",
    ),
    DemoAccount(
        Role.PARTNER.value, "partenaire@assmat-demo.example", "demo-partenaire-2026", ("33",),
        "Relais Petite Enfance de Mérignac", PartnerKind.RPE.value,
    ),
)  # fmt: skip
# They share the demo coordinator's password.
OTHER_COORDINATORS = (
    DemoAccount(
        Role.COORDINATOR.value, "coordination.charentes@assmat-demo.example",
        DEMO_ACCOUNTS[1].password, ("16", "17"), "Sandrine Morel",
    ),
    DemoAccount(
        Role.COORDINATOR.value, "coordination.limousin@assmat-demo.example",
        DEMO_ACCOUNTS[1].password, ("19", "23", "87"), "Julien Chastang",
    ),
    DemoAccount(
        Role.COORDINATOR.value, "coordination.sud@assmat-demo.example",
        DEMO_ACCOUNTS[1].password, ("40", "47", "64"), "Maialen Etcheverry",
    ),
    DemoAccount(
        Role.COORDINATOR.value, "coordination.poitou@assmat-demo.example",
        DEMO_ACCOUNTS[1].password, ("79", "86"), "Karima Benali",
    ),
)  # fmt: skip


@dataclass
class Staff:
    created: int
    reused: int
    # The coordinators who follow the candidates of each département.
    coordinators: dict[str, list[StaffUser]]


def ensure_staff(session: Session) -> Staff:
    """The demo accounts, reused when an account with the same email already exists."""
    created = reused = 0
    coordinators: dict[str, list[StaffUser]] = {code: [] for code in NOUVELLE_AQUITAINE}
    # Hashes made in this run, by password: a salted hash is valid on another account too,
    # and each new one costs a tenth of a second.
    hashes: dict[str, str] = {}
    for account in DEMO_ACCOUNTS + OTHER_COORDINATORS:
        user = staff.find_by_email(session, account.email)
        if user is not None:
            reused += 1
        elif account.password in hashes:
            user = StaffUser(
                email=account.email,
                role=Role(account.role),
                departments=",".join(sorted(account.departments)),
                full_name=account.full_name,
                password_hash=hashes[account.password],
                is_active=True,
            )
            session.add(user)
            created += 1
        else:
            user = staff.create_staff_user(
                session,
                email=account.email,
                role=account.role,
                password=account.password,
                departments=list(account.departments),
                full_name=account.full_name,
            )
            hashes[account.password] = user.password_hash
            created += 1
        if account.partner_kind and user.partner_kind is None:
            user.partner_kind = PartnerKind(account.partner_kind)
        if user.role == Role.COORDINATOR and user.is_active:
            for code in user.department_codes:
                if code in coordinators:
                    coordinators[code].append(user)
    return Staff(created, reused, coordinators)
