"""A file uploaded to the panel's import, kept between its dry run and its confirmation: in the
database, so that any worker of any host can apply it, and only for its owner."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onboarding.pathway.base import Choice, Model, UTCDateTime, choice_column_type, utcnow

if TYPE_CHECKING:
    from onboarding.pathway.models.staff import StaffUser


class ImportKind(Choice):
    CARERS = ("carers", "Assistantes maternelles agréées")
    REFERRALS = ("referrals", "Orientations de candidates")


class ImportUpload(Model):
    __tablename__ = "import_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A random token: the confirmation names the file by it, never by its id.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[ImportKind] = mapped_column(choice_column_type(ImportKind, "import_kind"))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    staff_user: Mapped["StaffUser"] = relationship()

    def __repr__(self) -> str:
        return f"<ImportUpload {self.id} {self.kind}>"
