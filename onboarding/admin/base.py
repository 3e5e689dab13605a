"""The base of every model view: signed-in staff only, scoped by département, partners read-only,
every change written to the audit log."""

import csv
import io
import re
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum

from flask import Response, abort, current_app, flash, request
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model import filters as admin_filters
from flask_admin.model import typefmt
from flask_admin.model.form import converts
from flask_login import current_user
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import true
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.utils import secure_filename

from onboarding.admin.forms import PanelForm
from onboarding.admin.security import SecuredViewMixin
from onboarding.admin.wording import LABELS
from onboarding.extensions import db
from onboarding.fields import (
    FrenchDateField,
    FrenchDateTimeField,
    FrenchTimeField,
    format_date_time,
    parse_date,
    parse_date_time,
    parse_range,
    parse_time,
)
from onboarding.formatting import (
    decimal_number,
    duration,
    half_days_text,
    month_year,
    needs_text,
    short_date,
    yes_no,
)
from onboarding.pathway import audit
from onboarding.pathway.base import MAX_ROW_ID
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.models import AuditAction
from onboarding.pathway.outputs import Output, may_take_out
from onboarding.pathway.scope import department_filter

DATABASE_REFUSAL = (
    "L'enregistrement a été refusé : une valeur est trop longue, en double ou incohérente. "
    "Vérifiez les champs et réessayez."
)


def row_id(value) -> int | None:
    """An id as typed in a URL or a form: a positive integer the database can hold, else None."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ROW_ID else None


# Characters that make a spreadsheet read a cell as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_for_excel(rows) -> str:
    """The panel's one CSV convention, the one French Excel opens as it is: a UTF-8 byte order
    mark, ";" between cells (the comma is the decimal separator), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return "\ufeff" + out.getvalue()


# --- how values read in the panel (lists, details, exports) ------------------------------
def _label(view, value, name):
    """An enum shows its French label; Flask-Admin would show its English name."""
    return getattr(value, "label", None) or value.name


def _bool(view, value, name):
    return yes_no(value)


def _date_time(view, value, name):
    # JJ/MM/AAAA HH:MM in Paris time: what one would type into the panel's date-time input.
    return format_date_time(value)


def _date(view, value, name):
    return short_date(value)


def _time(view, value, name):
    return f"{value:%H:%M}"


def _hours(view, value, name):
    # Every Decimal column of the models is a number of hours.
    return duration(value)


def _list(view, values, name):
    return ", ".join(str(value) for value in values)


# Looked up in order with isinstance: enums before strings, datetime before date.
TYPE_FORMATTERS = {
    type(None): typefmt.empty_formatter,
    Enum: _label,
    bool: _bool,
    datetime: _date_time,
    date: _date,
    time: _time,
    Decimal: _hours,
    list: _list,
    dict: typefmt.dict_formatter,
}
# Spreadsheets: the same words, hours as a decimal number a formula can add up.
EXPORT_TYPE_FORMATTERS = {
    **TYPE_FORMATTERS,
    Decimal: lambda view, value, name: decimal_number(value),
}
# Columns that hold secrets (password hashes, the nonces that sign sessions and links).
SECRETS = ("password_hash", "login_id", "access_nonce", "totp_secret", "totp_last_step",
           "session_version")  # fmt: skip
# Integers that are bitmasks: shown by what they mean, wherever a view shows them.
NAMED_FORMATTERS = {
    "half_days": lambda view, context, model, name: half_days_text(model.half_days),
    "needs": lambda view, context, model, name: needs_text(model.needs),
    # A cohort is the month of entry, "2026-03": read as "mars 2026".
    "cohort": lambda view, context, model, name: month_year(model.cohort),
}


# Flask-Admin's date, time and date-time filters: (kind, how a typed value is read, its format).
FILTER_READERS = (
    (admin_filters.BaseDateBetweenFilter, lambda v: parse_range(v, parse_date),
     "JJ/MM/AAAA au JJ/MM/AAAA"),
    (admin_filters.BaseDateTimeBetweenFilter, lambda v: parse_range(v, parse_date_time),
     "JJ/MM/AAAA HH:MM au JJ/MM/AAAA HH:MM"),
    (admin_filters.BaseTimeBetweenFilter, lambda v: parse_range(v, parse_time), "HH:MM au HH:MM"),
    (admin_filters.BaseDateFilter, parse_date, "JJ/MM/AAAA"),
    (admin_filters.BaseDateTimeFilter, parse_date_time, "JJ/MM/AAAA HH:MM"),
    (admin_filters.BaseTimeFilter, parse_time, "HH:MM"),
)  # fmt: skip


def read_filter_values_in_french(flt) -> None:
    """A date, time or date-time filter gets a plain text box (not Flask-Admin's English picker)
    read as the panel's forms read dates, its format said beside its operation."""
    if getattr(flt, "reads_french", False):
        return  # a filter declared on the class is shared by every app built in a process
    for kind, read, expected in FILTER_READERS:
        if isinstance(flt, kind):
            flt.reads_french = True
            operation = flt.operation
            flt.data_type = None
            flt.clean = read
            flt.validate = lambda value, read=read: _readable(read, value)
            flt.operation = lambda operation=operation, expected=expected: (
                f"{operation()} ({expected})"
            )
            return


def _readable(read, value) -> bool:
    try:
        read(value)
    except ValueError:
        return False
    return True


class PanelModelConverter(AdminModelConverter):
    """Every date, time and date-time column of every panel form gets the app's one French
    input (onboarding.fields), instead of Flask-Admin's English picker that rereads what was
    typed (01/12/2026 became 2001-12-20)."""

    @converts("Date")
    def convert_date(self, field_args, **extra):
        field_args.pop("widget", None)
        return FrenchDateField(**field_args)

    @converts("DateTime")
    def convert_datetime(self, field_args, **extra):
        field_args.pop("widget", None)
        return FrenchDateTimeField(**field_args)

    @converts("Time")
    def convert_time(self, field_args, **extra):
        field_args.pop("widget", None)
        return FrenchTimeField(**field_args)


class StaffModelView(SecuredViewMixin, ModelView):
    """Subclasses say how a row belongs to a département with `scope_clause()`."""

    form_base_class = PanelForm
    # Flask-Admin's list with a label for each selection checkbox, and forms that post to their
    # own page (Flask-Admin writes action="", which HTML forbids).
    list_template = "admin/panel_list.html"
    create_template = "admin/panel_create.html"
    edit_template = "admin/panel_edit.html"
    model_form_converter = PanelModelConverter
    page_size = 50
    can_set_page_size = True
    can_view_details = True
    export_types = ["csv", "xlsx"]
    export_max_rows = 10_000
    # Whether the list offers CSV and XLSX exports; who may use them: onboarding/pathway/outputs.py.
    exportable = True

    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS
    column_type_formatters_export = EXPORT_TYPE_FORMATTERS

    def __init__(self, model, name=None, **kwargs):
        # French labels and formatters by default, the view's own first; set before Flask-Admin
        # builds its columns, filters and forms from them.
        self.column_labels = {**LABELS, **(self.column_labels or {})}
        # Secrets are never shown nor exported, whatever a view lists by default.
        self.column_details_exclude_list = [*SECRETS, *(self.column_details_exclude_list or [])]
        self.column_export_exclude_list = [*SECRETS, *(self.column_export_exclude_list or [])]
        named = {key: fmt for key, fmt in NAMED_FORMATTERS.items() if hasattr(model, key)}
        self.column_formatters = {**named, **(self.column_formatters or {})}
        # Left None, details and exports use column_formatters (Flask-Admin's default).
        for attribute in ("column_formatters_detail", "column_formatters_export"):
            own = getattr(self, attribute)
            if own is not None:
                setattr(self, attribute, {**named, **own})
        super().__init__(model, db, name=name, **kwargs)
        for flt in self._filters or []:
            read_filter_values_in_french(flt)

    # --- who may do what -------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return not current_user.is_authenticated or current_user.is_read_only

    @property
    def can_create(self) -> bool:
        return self.allows_create and not self.read_only

    @property
    def can_edit(self) -> bool:
        return self.allows_edit and not self.read_only

    @property
    def can_delete(self) -> bool:
        return self.allows_delete and not self.read_only

    @property
    def can_export(self) -> bool:
        return self.exportable and self.may_take_out(Output.LIST_EXPORT)

    def may_take_out(self, output: Output) -> bool:
        return current_user.is_authenticated and may_take_out(current_user, output)

    allows_create = True
    allows_edit = True
    allows_delete = False

    # Views that change data: never for a read-only partner.
    WRITING_VIEWS = frozenset(
        {"create_view", "edit_view", "delete_view", "action_view", "ajax_update"}
    )

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        if self.read_only and (request.method == "POST" or name in self.WRITING_VIEWS):
            abort(403)
        if name == "export" and not self.may_take_out(Output.LIST_EXPORT):
            abort(403)
        return None

    def is_action_allowed(self, name: str) -> bool:
        return not self.read_only and super().is_action_allowed(name)

    # --- what they may see -----------------------------------------------------------
    def scope_clause(self):
        """A WHERE clause keeping the rows of the user's départements."""
        return true()

    def get_query(self):
        return super().get_query().filter(self.scope_clause())

    def get_count_query(self):
        return super().get_count_query().filter(self.scope_clause())

    def get_one(self, id):
        key = row_id(id)
        if key is None:
            abort(404)
        row = self.get_query().filter(self.model.id == key).one_or_none()
        if row is None:
            abort(404)
        return row

    def _get_filter_groups(self):
        """Filter options computed per request: they depend on who is asking."""
        if not self._filters:
            return None
        groups: dict[str, list[dict]] = {}
        for index, flt in enumerate(self._filters):
            options = flt.get_options(self)
            groups.setdefault(str(flt.name), []).append(
                {
                    "index": index,
                    "arg": self.get_filter_arg(index, flt),
                    "operation": str(flt.operation()),
                    "options": [(key, str(label)) for key, label in options] if options else None,
                    "type": flt.data_type,
                }
            )
        return groups

    # Beyond this page a list is empty anyway; PostgreSQL refuses a negative or huge OFFSET.
    MAX_PAGE = 100_000

    def _get_list_extra_args(self):
        view_args = super()._get_list_extra_args()
        view_args.page = min(max(view_args.page or 0, 0), self.MAX_PAGE)
        return view_args

    def _get_list_filter_args(self):
        """Filters with a list of options accept only those options: any other value (a typed
        URL, a stale link) would reach the database as an unknown enum value."""
        kept = []
        for idx, name, value in super()._get_list_filter_args() or []:
            options = self._filters[idx].get_options(self)
            if options and str(value) not in {str(key) for key, _ in options}:
                flash(f"Filtre « {name} » : valeur inconnue, filtre ignoré.", "error")
                continue
            kept.append((idx, name, value))
        return kept if self._filters else None

    def handle_view_exception(self, exc):
        """A domain refusal raised while saving shows its French message; nothing is saved.

        Flask-Admin would otherwise flash the exception's text, which for a database error holds
        the SQL and the values typed: personal data, and a map of the schema."""
        if isinstance(exc, PathwayError):
            flash(exc.message, "error")
            return True
        if isinstance(exc, OperationalError | InterfaceError):
            # The database is unreachable: the app's 503 page says so.
            raise exc
        if isinstance(exc, SQLAlchemyError):
            db.session.rollback()
            current_app.logger.warning(
                "%s refused by the database: %s", type(self).__name__, type(exc).__name__
            )
            flash(DATABASE_REFUSAL, "error")
            return True
        return super().handle_view_exception(exc)

    def get_export_value(self, model, name):
        return neutralise_cell(super().get_export_value(model, name))

    def _export_csv(self, return_url):
        """CSV in the panel's one convention (csv_for_excel), column titles in French."""
        _count, rows = self._export_data()
        body = csv_for_excel(
            [
                [str(title) for _, title in self._export_columns],
                *([self.get_export_value(row, column) for column, _ in self._export_columns]
                  for row in rows),
            ]
        )  # fmt: skip
        name = secure_filename(self.get_export_name(export_type="csv"))
        return Response(
            body,
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def _export_tablib(self, export_type, return_url):
        """XLSX written by openpyxl, its sheet named after the list ("Candidats"), where
        Flask-Admin's tablib named it "Tablib Dataset"; other formats as Flask-Admin does."""
        if export_type != "xlsx":
            return super()._export_tablib(export_type, return_url)
        from openpyxl import Workbook

        _count, rows = self._export_data()
        book = Workbook(write_only=True)
        # A sheet's name: 31 characters at most, none of []:*?/\.
        sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", str(self.name))[:31])
        sheet.append([str(title) for _, title in self._export_columns])
        for row in rows:
            # Text, as the CSV export writes it (and as tablib did).
            values = (self.get_export_value(row, column) for column, _ in self._export_columns)
            sheet.append(["" if value is None else str(value) for value in values])
        body = io.BytesIO()
        book.save(body)
        name = secure_filename(self.get_export_name(export_type="xlsx"))
        return Response(
            body.getvalue(),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    # --- what they changed -----------------------------------------------------------
    def on_model_change(self, form, model, is_created):
        # Recorded in the same transaction as the change: both are committed, or neither.
        state = sa_inspect(model)
        fields = [attr.key for attr in state.attrs if attr.history.has_changes()]
        db.session.flush()
        self._audit(AuditAction.CREATE if is_created else AuditAction.UPDATE, model, fields)

    def on_model_delete(self, model):
        self._audit(AuditAction.DELETE, model, [])

    def _audit(self, action: AuditAction, model, fields: list[str]) -> None:
        audit.record(
            db.session,
            actor=current_user._get_current_object(),
            action=action,
            object_type=type(model).__name__,
            object_id=model.id,
            fields=fields,
        )


def department_of_user_filter(column):
    return department_filter(current_user, column)


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """An ajax lookup that offers only rows the signed-in user may see."""

    def __init__(self, name, model, scope, **options):
        super().__init__(name, db, model, **options)
        self.scope = scope

    def get_query(self):
        return super().get_query().filter(self.scope())

    def get_one(self, pk):
        key = getattr(self.model, self.pk)
        if key.type.python_type is int:
            # A typed value that is not an id finds nothing (PostgreSQL would refuse to compare).
            pk = row_id(pk)
            if pk is None:
                return None
        return self.get_query().filter(key == pk).one_or_none()
