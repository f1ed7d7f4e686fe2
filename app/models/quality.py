"""The quality system (ISO 9001 / ISO 14001): processes, documents, risks and their impact
assessments, certifications, audits and their findings, actions, and periodic revisions.

A record's process is the relation ``linked_process`` (column ``process_id``), not ``process``:
WTForms forms own a ``process`` method, so a form field of that name breaks every form.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from app.models.computed import ComputedMixin, product
from app.models.files import AttachedFileMixin
from app.models.mixins import ArchivableMixin, TrackedMixin
from app.models.organisation import Service, VigieUser
from app.models.types import UtcDateTime

if TYPE_CHECKING:
    from app.models.indicators import Indicator
    from app.models.reviews import ManagementReview, Survey


def _link(name: str, left: str, right: str, right_table: str = "") -> Table:
    """A many-to-many association table ``name`` between ``left`` and ``right`` rows."""
    right_table = right_table or right
    return Table(
        name,
        Model.metadata,
        Column(
            f"{left}_id", Integer, ForeignKey(f"{left}.id", ondelete="CASCADE"), primary_key=True
        ),
        Column(
            f"{right}_id",
            Integer,
            ForeignKey(f"{right_table}.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )


process_interface = Table(
    "process_interface",
    Model.metadata,
    Column("process_id", Integer, ForeignKey("process.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "other_process_id", Integer, ForeignKey("process.id", ondelete="CASCADE"), primary_key=True
    ),
)
certification_service = _link("certification_service", "certification", "service")
certification_audit = _link("certification_audit", "certification", "audit")
audit_service = _link("audit_service", "audit", "service")
audit_process = _link("audit_process", "audit", "process")
audit_auditor = _link("audit_auditor", "audit", "user", "ab_user")
audit_auditee = _link("audit_auditee", "audit", "user", "ab_user")
revision_service = _link("revision_service", "revision", "service")

#: Action states that still need work.
OPEN_ACTION_STATES = ("a_faire", "en_cours", "realisee")
#: States where the owner has not completed the action yet: past its due date, it is late. A
#: completed action waiting for its effectiveness check is not (the owner's part is done).
UNFINISHED_ACTION_STATES = ("a_faire", "en_cours")


class Process(TrackedMixin, ArchivableMixin, Model):
    """The fiche d'identité processus: purpose, inputs, outputs, pilot, interfaces."""

    __tablename__ = "process"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", name="fk_process_service"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="realisation")
    pilot_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_process_pilot"), index=True
    )
    purpose: Mapped[str | None] = mapped_column(Text)
    beneficiaries: Mapped[str | None] = mapped_column(Text)
    inputs: Mapped[str | None] = mapped_column(Text)
    outputs: Mapped[str | None] = mapped_column(Text)
    activities: Mapped[str | None] = mapped_column(Text)
    resources: Mapped[str | None] = mapped_column(Text)
    requirements: Mapped[str | None] = mapped_column(Text)

    service: Mapped[Service] = relationship("Service")
    pilot: Mapped[VigieUser | None] = relationship("VigieUser")
    interfaces: Mapped[list[Process]] = relationship(
        "Process",
        secondary=process_interface,
        primaryjoin=lambda: Process.id == process_interface.c.process_id,
        secondaryjoin=lambda: Process.id == process_interface.c.other_process_id,
    )
    indicators: Mapped[list[Indicator]] = relationship(
        "Indicator", back_populates="linked_process", viewonly=True, order_by="Indicator.code"
    )
    risks: Mapped[list[Risk]] = relationship(
        "Risk", back_populates="linked_process", viewonly=True, order_by="Risk.id"
    )
    documents: Mapped[list[Document]] = relationship(
        "Document", back_populates="linked_process", viewonly=True, order_by="Document.code"
    )

    def __repr__(self) -> str:
        return f"{self.code} — {self.name}"


class Document(TrackedMixin, ArchivableMixin, Model):
    """A controlled document (procedure, mode opératoire, formulaire…) and its approval state.

    No service means a transverse document (quality manual, governance rules). A published
    document is readable by every agent.
    """

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False, default="procedure")
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("service.id", name="fk_document_service"), index=True
    )
    process_id: Mapped[int | None] = mapped_column(
        ForeignKey("process.id", name="fk_document_process"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_document_owner"), index=True
    )
    approver_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_document_approver"), index=True
    )
    review_due: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(24), nullable=False, default="brouillon", index=True)

    service: Mapped[Service | None] = relationship("Service")
    linked_process: Mapped[Process | None] = relationship("Process", back_populates="documents")
    owner: Mapped[VigieUser | None] = relationship("VigieUser", foreign_keys=[owner_id])
    approver: Mapped[VigieUser | None] = relationship("VigieUser", foreign_keys=[approver_id])
    versions: Mapped[list[DocumentVersion]] = relationship(
        "DocumentVersion",
        back_populates="document",
        viewonly=True,
        order_by="DocumentVersion.number.desc()",
    )

    @property
    def current_version(self) -> DocumentVersion | None:
        """The published version if there is one, else the latest draft."""
        for version in self.versions:
            if version.status == "publiee":
                return version
        return self.versions[0] if self.versions else None

    def __repr__(self) -> str:
        return f"{self.code} — {self.title}"


class DocumentVersion(AttachedFileMixin, TrackedMixin, ArchivableMixin, Model):
    """One version of a document: a file (PDF, ODT, DOCX…) or a text, and who approved it."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_document_version_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", name="fk_document_version_document"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    text: Mapped[str | None] = mapped_column(Text)
    change_summary: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_document_version_author"), index=True
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_document_version_approved_by")
    )
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: ``brouillon`` until published, then ``publiee``; ``obsolete`` once superseded.
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="brouillon")

    document: Mapped[Document] = relationship("Document", back_populates="versions")
    author: Mapped[VigieUser | None] = relationship("VigieUser", foreign_keys=[author_id])
    approved_by: Mapped[VigieUser | None] = relationship("VigieUser", foreign_keys=[approved_by_id])

    def __repr__(self) -> str:
        return f"v{self.number}"


class Risk(ComputedMixin, TrackedMixin, ArchivableMixin, Model):
    """The fiche de maîtrise des risques: gross and residual criticality (likelihood × severity)."""

    __tablename__ = "risk"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", name="fk_risk_service"), nullable=False, index=True
    )
    process_id: Mapped[int | None] = mapped_column(
        ForeignKey("process.id", name="fk_risk_process"), index=True
    )
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    cause: Mapped[str | None] = mapped_column(Text)
    consequence: Mapped[str | None] = mapped_column(Text)
    likelihood: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    severity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    criticality: Mapped[int | None] = mapped_column(Integer, index=True)
    controls: Mapped[str | None] = mapped_column(Text)
    residual_likelihood: Mapped[int | None] = mapped_column(Integer)
    residual_severity: Mapped[int | None] = mapped_column(Integer)
    residual_criticality: Mapped[int | None] = mapped_column(Integer)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_risk_owner"), index=True
    )
    review_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="identifie")

    service: Mapped[Service] = relationship("Service")
    linked_process: Mapped[Process | None] = relationship("Process", back_populates="risks")
    owner: Mapped[VigieUser | None] = relationship("VigieUser")
    impact_assessments: Mapped[list[ImpactAssessment]] = relationship(
        "ImpactAssessment", back_populates="risk", viewonly=True
    )

    def refresh_computed(self) -> None:
        self.criticality = product(self.likelihood, self.severity)
        self.residual_criticality = product(self.residual_likelihood, self.residual_severity)

    def __repr__(self) -> str:
        return self.title


#: The five stakeholder groups of an impact assessment, as (column prefix, seed's word).
STAKEHOLDERS = (
    ("partners", "partenaires"),
    ("users", "usagers"),
    ("citizens", "administrés"),
    ("staff", "agents"),
    ("environment", "environnement"),
)


class ImpactAssessment(TrackedMixin, ArchivableMixin, Model):
    """Impact of a risk or an action on each stakeholder group, from −2 to +2, with a comment."""

    __tablename__ = "impact_assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk_id: Mapped[int | None] = mapped_column(
        ForeignKey("risk.id", name="fk_impact_assessment_risk"), index=True
    )
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", name="fk_impact_assessment_action"), index=True
    )
    partners: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    partners_comment: Mapped[str | None] = mapped_column(Text)
    users: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    users_comment: Mapped[str | None] = mapped_column(Text)
    citizens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    citizens_comment: Mapped[str | None] = mapped_column(Text)
    staff: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    staff_comment: Mapped[str | None] = mapped_column(Text)
    environment: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    environment_comment: Mapped[str | None] = mapped_column(Text)
    assessed_on: Mapped[date | None] = mapped_column(Date)

    risk: Mapped[Risk | None] = relationship("Risk", back_populates="impact_assessments")
    action: Mapped[Action | None] = relationship("Action", back_populates="impact_assessments")

    @property
    def balance(self) -> int:
        """Sum of the five scores: a quick read of whether the subject helps or harms overall."""
        return sum(int(getattr(self, name) or 0) for name, _word in STAKEHOLDERS)

    def __repr__(self) -> str:
        subject = self.risk or self.action
        return f"Impact · {subject}" if subject is not None else "Impact"


class Certification(TrackedMixin, ArchivableMixin, Model):
    """An ISO 9001 / ISO 14001 certificate held by one or more services."""

    __tablename__ = "certification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    standard: Mapped[str] = mapped_column(String(24), nullable=False, default="ISO 9001:2015")
    certifying_body: Mapped[str | None] = mapped_column(String(200))
    certificate_number: Mapped[str | None] = mapped_column(String(64))
    obtained_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="valide")
    comment: Mapped[str | None] = mapped_column(Text)

    services: Mapped[list[Service]] = relationship("Service", secondary=certification_service)
    audits: Mapped[list[Audit]] = relationship(
        "Audit", secondary=certification_audit, back_populates="certifications"
    )

    def __repr__(self) -> str:
        return f"{self.standard} · {self.certificate_number or self.id}"


class AuditProgramme(TrackedMixin, ArchivableMixin, Model):
    """The year's audit programme (internal audits, certification and follow-up audits)."""

    __tablename__ = "audit_programme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="projet")
    objectives: Mapped[str | None] = mapped_column(Text)

    audits: Mapped[list[Audit]] = relationship(
        "Audit", back_populates="programme", viewonly=True, order_by="Audit.planned_date"
    )

    def __repr__(self) -> str:
        return self.title


class Audit(AttachedFileMixin, TrackedMixin, ArchivableMixin, Model):
    """An audit of some services and processes; its attached file is the audit report."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_programme.id", name="fk_audit_programme"), index=True
    )
    code: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="interne")
    standard: Mapped[str | None] = mapped_column(String(24))
    lead_auditor_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_audit_lead_auditor"), index=True
    )
    planned_date: Mapped[date | None] = mapped_column(Date, index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    objectives: Mapped[str | None] = mapped_column(Text)
    conclusion: Mapped[str | None] = mapped_column(Text)
    no_finding: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    state: Mapped[str] = mapped_column(String(24), nullable=False, default="planifie", index=True)

    programme: Mapped[AuditProgramme | None] = relationship(
        "AuditProgramme", back_populates="audits"
    )
    lead_auditor: Mapped[VigieUser | None] = relationship(
        "VigieUser", foreign_keys=[lead_auditor_id]
    )
    services: Mapped[list[Service]] = relationship("Service", secondary=audit_service)
    processes: Mapped[list[Process]] = relationship("Process", secondary=audit_process)
    auditors: Mapped[list[VigieUser]] = relationship("VigieUser", secondary=audit_auditor)
    auditees: Mapped[list[VigieUser]] = relationship("VigieUser", secondary=audit_auditee)
    certifications: Mapped[list[Certification]] = relationship(
        "Certification", secondary=certification_audit, back_populates="audits", viewonly=True
    )
    findings: Mapped[list[Finding]] = relationship(
        "Finding", back_populates="audit", viewonly=True, order_by="Finding.id"
    )

    def __repr__(self) -> str:
        return f"{self.code} — {self.title}"


class Finding(TrackedMixin, ArchivableMixin, Model):
    """A constat: non-conformity, observation, improvement lead or strength, with its evidence."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(
        ForeignKey("audit.id", name="fk_finding_audit"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="observation")
    clause: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, nullable=False)
    evidence: Mapped[str | None] = mapped_column(Text)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", name="fk_finding_service"), nullable=False, index=True
    )
    process_id: Mapped[int | None] = mapped_column(
        ForeignKey("process.id", name="fk_finding_process"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="ouvert")

    audit: Mapped[Audit] = relationship("Audit", back_populates="findings")
    service: Mapped[Service] = relationship("Service")
    linked_process: Mapped[Process | None] = relationship("Process")
    actions: Mapped[list[Action]] = relationship(
        "Action", back_populates="finding", viewonly=True, order_by="Action.id"
    )

    @property
    def is_nonconformity(self) -> bool:
        return self.kind.startswith("nc_")

    def __repr__(self) -> str:
        from app.declarations.choices import FINDING_KIND  # declarations import the models

        kind = FINDING_KIND.label(self.kind)
        return f"{kind} · {self.clause or ''} {self.description[:60]}".strip()


class Action(ComputedMixin, TrackedMixin, ArchivableMixin, Model):
    """An action of the action plan, with its origin, owner, due date and effectiveness check."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16), nullable=False, default="suggestion")
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="corrective")
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", name="fk_action_service"), nullable=False, index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_action_owner"), index=True
    )
    opened_on: Mapped[date | None] = mapped_column(Date, default=date.today)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    completed_on: Mapped[date | None] = mapped_column(Date)
    days_to_close: Mapped[int | None] = mapped_column(Integer)
    effectiveness: Mapped[str | None] = mapped_column(String(16))
    effectiveness_checked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("ab_user.id", name="fk_action_checked_by")
    )
    effectiveness_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("finding.id", name="fk_action_finding"), index=True
    )
    risk_id: Mapped[int | None] = mapped_column(
        ForeignKey("risk.id", name="fk_action_risk"), index=True
    )
    management_review_id: Mapped[int | None] = mapped_column(
        ForeignKey("management_review.id", name="fk_action_management_review"), index=True
    )
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revision.id", name="fk_action_revision"), index=True
    )
    survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey.id", name="fk_action_survey"), index=True
    )
    state: Mapped[str] = mapped_column(String(24), nullable=False, default="a_faire", index=True)

    service: Mapped[Service] = relationship("Service")
    owner: Mapped[VigieUser | None] = relationship("VigieUser", foreign_keys=[owner_id])
    effectiveness_checked_by: Mapped[VigieUser | None] = relationship(
        "VigieUser", foreign_keys=[effectiveness_checked_by_id]
    )
    finding: Mapped[Finding | None] = relationship("Finding", back_populates="actions")
    risk: Mapped[Risk | None] = relationship("Risk")
    management_review: Mapped[ManagementReview | None] = relationship("ManagementReview")
    revision: Mapped[Revision | None] = relationship("Revision")
    survey: Mapped[Survey | None] = relationship("Survey")
    impact_assessments: Mapped[list[ImpactAssessment]] = relationship(
        "ImpactAssessment", back_populates="action", viewonly=True
    )

    @hybrid_property
    def late(self) -> bool:
        """Past its due date and not completed (the action plan shows these first)."""
        return bool(
            self.due_date is not None
            and self.due_date < date.today()
            and self.state in UNFINISHED_ACTION_STATES
        )

    @late.inplace.expression
    @classmethod
    def _late_expression(cls) -> ColumnElement[bool]:
        return and_(
            cls.due_date.is_not(None),
            cls.due_date < date.today(),
            cls.state.in_(UNFINISHED_ACTION_STATES),
        )

    def refresh_computed(self) -> None:
        if self.completed_on is not None and self.opened_on is not None:
            self.days_to_close = (self.completed_on - self.opened_on).days
        else:
            self.days_to_close = None

    def __repr__(self) -> str:
        return f"{self.code} — {self.title}"


class Revision(TrackedMixin, ArchivableMixin, Model):
    """A periodic revision of commitments, objectives, action plans, organisation or processes."""

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    scope: Mapped[str] = mapped_column(String(16), nullable=False, default="objectifs")
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    summary: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(24), nullable=False, default="ouverte", index=True)

    services: Mapped[list[Service]] = relationship("Service", secondary=revision_service)

    def __repr__(self) -> str:
        return f"{self.year} · {self.title}"
