"""Words of the demo's quality system: risks, documents, audit findings, certifying bodies.

The words are in ``demo/data/quality.toml``; this module reads them at import. Risks are
written per service as a service would fill its *fiche de maîtrise des risques*; documents
list the service's own modes opératoires, forms and commitments (every process also gets its
procedure, built from the process name); findings are the kind of remarks an auditor writes,
each with the corrective action a service would answer with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from demo.datafile import Fields, read


@dataclass(frozen=True)
class RiskDef:
    title: str
    cause: str
    consequence: str
    controls: str


class DocumentDef(NamedTuple):
    """A document of a service: unpacks as ``kind, title, extension``."""

    kind: str
    title: str
    extension: str


class TransverseDocumentDef(NamedTuple):
    """A document of no service: unpacks as ``code, kind, title, extension``."""

    code: str
    kind: str
    title: str
    extension: str


@dataclass(frozen=True)
class FindingDef:
    """``evidence`` and ``action`` are empty for a strength (« point_fort »)."""

    kind: str
    clause: str
    description: str
    evidence: str
    action: str


# ------------------------------------------------------------------------------------ reading
def _risk(f: Fields) -> RiskDef:
    return RiskDef(f.text("title"), f.text("cause"), f.text("consequence"), f.text("controls"))


def _document(f: Fields) -> DocumentDef:
    return DocumentDef(f.text("kind"), f.text("title"), f.text("extension"))


def _transverse_document(f: Fields) -> TransverseDocumentDef:
    return TransverseDocumentDef(
        f.text("code"), f.text("kind"), f.text("title"), f.text("extension")
    )


def _finding(f: Fields) -> FindingDef:
    return FindingDef(
        kind=f.text("kind"),
        clause=f.text("clause"),
        description=f.text("description"),
        evidence=f.optional_text("evidence") or "",
        action=f.optional_text("action") or "",
    )


@dataclass(frozen=True)
class _QualityFile:
    certifying_bodies: tuple[str, ...]
    service_documents: dict[str, tuple[DocumentDef, ...]]
    transverse_documents: tuple[TransverseDocumentDef, ...]
    risks: dict[str, tuple[RiskDef, ...]]
    findings: tuple[FindingDef, ...]


_FILE = read(
    "quality",
    lambda f: _QualityFile(
        certifying_bodies=f.texts("certifying_bodies"),
        service_documents=f.mapping(
            "service_documents", lambda g, code: g.records(code, _document)
        ),
        transverse_documents=f.records("transverse_document", _transverse_document),
        risks=f.mapping("risks", lambda g, code: g.records(code, _risk)),
        findings=f.records("finding", _finding),
    ),
)

#: Risks of each service, in the order of its fiche.
RISKS: dict[str, tuple[RiskDef, ...]] = _FILE.risks

#: Documents of each service besides its processes' procedures.
SERVICE_DOCUMENTS: dict[str, tuple[DocumentDef, ...]] = _FILE.service_documents

#: Transverse documents (no service): the quality manual and the common governance rules.
TRANSVERSE_DOCUMENTS: tuple[TransverseDocumentDef, ...] = _FILE.transverse_documents

FINDINGS: tuple[FindingDef, ...] = _FILE.findings

CERTIFYING_BODIES: tuple[str, ...] = _FILE.certifying_bodies
