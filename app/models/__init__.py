"""Vigie's models, one module per area; importing this package registers every table."""

from app.models.dashboards import Dashboard, DashboardWidget
from app.models.history import HistoryEntry
from app.models.indicators import (
    Indicator,
    Measurement,
    ReportingPeriod,
    SourceApplication,
    Target,
)
from app.models.jobs import Job
from app.models.lists import SavedFilter
from app.models.notifications import Notification
from app.models.organisation import Service, VigieUser, user_service
from app.models.quality import (
    Action,
    Audit,
    AuditProgramme,
    Certification,
    Document,
    DocumentVersion,
    Finding,
    ImpactAssessment,
    Process,
    Revision,
    Risk,
)
from app.models.reviews import Complaint, ManagementReview, Proposal, Survey
from app.models.strategy import (
    Axis,
    IndividualObjective,
    Programme,
    ServiceObjective,
    StrategicObjective,
)

__all__ = [
    "Action",
    "Audit",
    "AuditProgramme",
    "Axis",
    "Certification",
    "Complaint",
    "Dashboard",
    "DashboardWidget",
    "Document",
    "DocumentVersion",
    "Finding",
    "HistoryEntry",
    "ImpactAssessment",
    "Indicator",
    "IndividualObjective",
    "Job",
    "ManagementReview",
    "Measurement",
    "Notification",
    "Process",
    "Programme",
    "Proposal",
    "ReportingPeriod",
    "Revision",
    "Risk",
    "SavedFilter",
    "Service",
    "ServiceObjective",
    "SourceApplication",
    "StrategicObjective",
    "Survey",
    "Target",
    "VigieUser",
    "user_service",
]
