"""The SQL store: system of record (municipalities, councils, people) and read model
(cycles, audit trail, projections, inbox). Everything is synchronous SQLAlchemy; every
function takes a ``Session`` first and leaves committing to the caller (``session_scope``).
"""

# The console's sign-in tables belong to the schema too (migrations compare against it).
from store import opinion_models as opinion_models

# So do the volunteer requests' tables (store/volunteer_request_models.py).
from store import volunteer_request_models as volunteer_request_models
from store.access_tokens import TokenRecord
from store.audit_log import AccessAuditRow, BrokenLink, DirectoryAuditRow
from store.board import OverviewRow, municipality_name, overview
from store.board_summary import MunicipalitySummary, summary
from store.closed_minutes import ClosedYearMinutesRow
from store.console_auth import PersonRoles, SessionRecord
from store.cycle_snapshots import CycleSnapshot, keep_snapshot, stored_cycle
from store.cycles import (
    CycleRow,
    HistoryRow,
    history,
    list_cycles,
    record_cycle_opened,
    record_event,
)
from store.db import make_engine, migrate, read_scope, session_factory, session_scope
from store.deliveries import (
    DeliveryJob,
    DeliveryRow,
    FailureReason,
    claim_delivery,
    deliveries,
    delivery_id,
    enqueue_all_deliveries,
    enqueue_deliveries,
    failed_deliveries_count,
    failure_reasons,
    mark_delivery_failed,
    mark_delivery_sent,
    record_delivery_error,
)
from store.directory import (
    LoadSummary,
    PersonContact,
    council_ids,
    council_name,
    council_setup,
    load_municipality,
    person_contacts,
    person_names,
)
from store.directory_changes import DirectoryChange
from store.erasure import ERASED_NAME, Erasure, erase_person
from store.errors import (
    ConflictingId,
    InvalidMunicipalityFile,
    InvalidVolunteer,
    NotFound,
    StoreError,
)
from store.municipality_file import MunicipalityFile, read_municipality_file
from store.notifications import (
    InboxRow,
    deliver_inbox,
    deliver_to_inboxes,
    inbox,
    mark_read,
)
from store.plan_drafts import PlanDraft
from store.tasks import ActivityRecordView, TaskView, activity_records, tasks_for, visible_councils
from store.volunteer_csv import ImportReport, InvalidVolunteerFile, import_volunteers
from store.volunteers import (
    ResourceEntry,
    ResourceRow,
    VolunteerEntry,
    VolunteerRow,
    check_volunteers,
    renew_volunteer,
    resources,
    upsert_resource,
    upsert_volunteer,
    volunteers,
    withdraw_volunteer,
)
from store.yearly_report import ReportRow, yearly_report

__all__ = [
    "ERASED_NAME",
    "AccessAuditRow",
    "ActivityRecordView",
    "BrokenLink",
    "ClosedYearMinutesRow",
    "ConflictingId",
    "CycleRow",
    "CycleSnapshot",
    "DeliveryJob",
    "DeliveryRow",
    "DirectoryAuditRow",
    "DirectoryChange",
    "Erasure",
    "FailureReason",
    "HistoryRow",
    "ImportReport",
    "InboxRow",
    "InvalidMunicipalityFile",
    "InvalidVolunteer",
    "InvalidVolunteerFile",
    "LoadSummary",
    "MunicipalityFile",
    "MunicipalitySummary",
    "NotFound",
    "OverviewRow",
    "PersonContact",
    "PersonRoles",
    "PlanDraft",
    "ReportRow",
    "ResourceEntry",
    "ResourceRow",
    "SessionRecord",
    "StoreError",
    "TaskView",
    "TokenRecord",
    "VolunteerEntry",
    "VolunteerRow",
    "activity_records",
    "check_volunteers",
    "claim_delivery",
    "council_ids",
    "council_name",
    "council_setup",
    "deliver_inbox",
    "deliver_to_inboxes",
    "deliveries",
    "delivery_id",
    "enqueue_all_deliveries",
    "enqueue_deliveries",
    "erase_person",
    "failed_deliveries_count",
    "failure_reasons",
    "history",
    "import_volunteers",
    "inbox",
    "keep_snapshot",
    "list_cycles",
    "load_municipality",
    "make_engine",
    "mark_delivery_failed",
    "mark_delivery_sent",
    "mark_read",
    "migrate",
    "municipality_name",
    "overview",
    "person_contacts",
    "person_names",
    "read_municipality_file",
    "read_scope",
    "record_cycle_opened",
    "record_delivery_error",
    "record_event",
    "renew_volunteer",
    "resources",
    "session_factory",
    "session_scope",
    "stored_cycle",
    "summary",
    "tasks_for",
    "upsert_resource",
    "upsert_volunteer",
    "visible_councils",
    "volunteers",
    "withdraw_volunteer",
    "yearly_report",
]
