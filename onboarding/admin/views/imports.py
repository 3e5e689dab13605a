"""The panel's "Importer" page: a carers' list or an adviser's referrals, uploaded, checked by a
dry run whose report is shown line by line, then applied on confirmation.

The file is kept in the database between the two steps under a random token, for its owner
only (`onboarding.imports.uploads`): the confirmation applies exactly the file that was checked,
on whichever worker it lands, without asking for it again. Admins and coordinators import, each
within their départements; partners are refused (403)."""

from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from onboarding.admin.security import SecuredViewMixin, staff_signed_in
from onboarding.extensions import db
from onboarding.imports import uploads
from onboarding.imports.reading import MAX_BYTES, TOO_LARGE, check_size
from onboarding.imports.run import run_import
from onboarding.pathway import carer_import, referral_import
from onboarding.pathway.clock import today
from onboarding.pathway.models import ImportKind
from onboarding.web_changes import apply, unshown

IMPORTERS = {
    ImportKind.CARERS: carer_import.CarerImport,
    ImportKind.REFERRALS: referral_import.ReferralImport,
}
# The multipart envelope around the file.
ENVELOPE = 64 * 1024


class ImportView(SecuredViewMixin, BaseView):
    def is_accessible(self) -> bool:
        return staff_signed_in() and not current_user.is_read_only

    def _importer(self, kind: ImportKind):
        return IMPORTERS[kind](current_user._get_current_object(), today=today())

    def _page(self, status: int = 200, **context):
        for name in ("kind", "error", "report", "token", "filename"):
            context.setdefault(name, None)
        page = self.render(
            "admin/imports.html",
            kinds=list(ImportKind),
            columns={kind: IMPORTERS[kind].columns for kind in ImportKind},
            max_megabytes=MAX_BYTES // (1024 * 1024),
            **context,
        )
        return page, status

    @expose("/")
    def index(self):
        return self._page()

    @expose("/verifier", methods=["POST"])
    def check(self):
        try:
            kind = ImportKind(request.form.get("type", ""))
        except ValueError:
            return self._page(400, error="Choisissez ce que contient le fichier.")
        if (request.content_length or 0) > MAX_BYTES + ENVELOPE:
            return self._page(400, kind=kind, error=TOO_LARGE)
        upload = request.files.get("fichier")
        if upload is None or not upload.filename:
            return self._page(400, kind=kind, error="Choisissez un fichier CSV ou XLSX.")
        try:
            data = upload.read(MAX_BYTES + 1)
        finally:
            upload.close()  # a large one is a temporary file
        user = current_user._get_current_object()

        def dry_run():
            check_size(len(data))
            report = run_import(db.session, self._importer(kind), data, upload.filename)
            db.session.rollback()  # a dry run writes nothing: only the file is kept
            return report, uploads.keep(db.session, user, kind, upload.filename, data)

        done = apply(dry_run, show=unshown)
        if not done:
            return self._page(400, kind=kind, error=done.refusal.message)
        report, token = done.value
        return self._page(kind=kind, report=report, token=token, filename=upload.filename)

    @expose("/appliquer", methods=["POST"])
    def confirm(self):
        user = current_user._get_current_object()
        upload = uploads.find(db.session, user, request.form.get("jeton", ""))
        if upload is None:
            flash("Ce fichier n'est plus disponible : déposez-le de nouveau.", "error")
            return redirect(url_for(".index"))
        skip = request.form.get("ignorer_refusees") == "1"
        kind, filename = upload.kind, upload.filename

        def wet_run():
            report = run_import(db.session, self._importer(kind), upload.content, filename,
                                wet_run=True, skip_refused=skip)  # fmt: skip
            if report.applied:
                db.session.delete(upload)
            else:
                db.session.rollback()
            return report

        done = apply(wet_run, show=unshown)
        if not done:
            return self._page(400, kind=kind, error=done.refusal.message)
        report = done.value
        if report.applied and report.created and kind == ImportKind.CARERS:
            by_email = sum(1 for carer in report.created if carer.email)
            flash(
                f"{by_email} assistante(s) maternelle(s) invitée(s) par e-mail à ouvrir leur "
                f"espace ; {len(report.created) - by_email} sans e-mail : imprimez leur lettre "
                "depuis la liste des assistantes maternelles (filtre « jamais invitée »).",
                "info",
            )
        token = None if report.applied else request.form.get("jeton")
        return self._page(kind=kind, report=report, token=token, filename=filename)
