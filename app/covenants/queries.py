"""What the covenant pages, the start page and the coverage checks read: overviews, warnings
and whether organisations are covered on a day."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.attendance.models import ConfidentialityDeclaration
from app.covenants import coverage
from app.covenants.models import (
    Covenant,
    CovenantDocument,
    CovenantSignature,
    CovenantVersion,
    DeclarationText,
)
from app.organisations.models import Organisation
from app.overleg.models import MeetingSeries, SeriesOrganisation


@dataclass(frozen=True)
class CovenantOverview:
    """Everything the covenant page shows, loaded in a fixed number of queries."""

    covenant: Covenant
    versions: list[CovenantVersion]
    signatures: list[CovenantSignature]
    organisations: list[Organisation]
    documents: dict[int, CovenantDocument]

    @property
    def version_by_id(self) -> dict[int | None, CovenantVersion]:
        return {version.id: version for version in self.versions}

    @property
    def organisation_by_id(self) -> dict[int | None, Organisation]:
        return {organisation.id: organisation for organisation in self.organisations}

    def signatures_of(self, organisation_id: int, version_id: int) -> list[CovenantSignature]:
        """The signatures (newest first) an organisation put on a version."""
        return [
            s
            for s in self.signatures
            if s.organisation_id == organisation_id and s.version_id == version_id
        ]


@dataclass(frozen=True)
class CoverageWarnings:
    expiring: list[tuple[Covenant, CovenantVersion]]
    unsigned: list[tuple[Covenant, Organisation]]


@dataclass(frozen=True)
class CoverageInputs:
    """What the coverage check weighs: covenant versions, signatures on them, and the
    geheimhoudingsverklaringen signed for meetings."""

    versions: list[CovenantVersion]
    signatures: list[CovenantSignature]
    # Each declaration with the version of the text it accepted (not the text itself).
    declarations: list[tuple[ConfidentialityDeclaration, int]] = field(default_factory=list)

    def of_covenant(self, covenant_id: int) -> list[CovenantVersion]:
        """The versions of one covenant."""
        return [version for version in self.versions if version.covenant_id == covenant_id]

    def grounds(self, meeting_id: int) -> list[coverage.Declaration]:
        """The declarations for one meeting, keyed to the member or guest who signed them; an
        unlinked paper record covers nobody."""
        grounds = []
        for declaration, text_version in self.declarations:
            if declaration.meeting_id != meeting_id:
                continue
            if declaration.user_id is not None:
                key = coverage.member_key(declaration.user_id)
            elif declaration.attendance_id is not None:
                key = coverage.guest_key(declaration.attendance_id)
            else:
                continue
            grounds.append(coverage.Declaration(key, text_version, declaration.signed_at))
        return grounds

    def check(
        self,
        day: date,
        *,
        covenant_id: int,
        people: Sequence[coverage.Person],
        meeting_id: int | None = None,
    ) -> list[coverage.Coverage]:
        """The coverage of these people on the day (at this meeting, with its declarations)."""
        return coverage.coverage_on(
            day,
            versions=self.of_covenant(covenant_id),
            signatures=self.signatures,
            people=people,
            declarations=self.grounds(meeting_id) if meeting_id is not None else (),
        )


def coverage_inputs(
    session: Session,
    *,
    covenant_ids: Collection[int] | None = None,
    organisation_ids: Collection[int] | None = None,
    meeting_ids: Collection[int] = (),
    user_id: int | None = None,
) -> CoverageInputs:
    """The one loader of the coverage check's inputs: the versions of these covenants (all when
    None), the signatures on them (of these organisations; all when None), and the
    declarations for these meetings (of this user only, when given). Two or three statements."""
    versions_query = select(CovenantVersion).order_by(col(CovenantVersion.id))
    if covenant_ids is not None:
        versions_query = versions_query.where(col(CovenantVersion.covenant_id).in_(covenant_ids))
    versions = list(session.exec(versions_query).all())
    signatures_query = select(CovenantSignature).where(
        col(CovenantSignature.version_id).in_([v.id for v in versions])
    )
    if organisation_ids is not None:
        signatures_query = signatures_query.where(
            col(CovenantSignature.organisation_id).in_(organisation_ids)
        )
    signatures = list(session.exec(signatures_query).all())
    if not meeting_ids:
        return CoverageInputs(versions, signatures)
    declarations_query = (
        select(ConfidentialityDeclaration, DeclarationText.version)
        .join(DeclarationText)
        .where(col(ConfidentialityDeclaration.meeting_id).in_(meeting_ids))
        .order_by(col(ConfidentialityDeclaration.id))
    )
    if user_id is not None:
        declarations_query = declarations_query.where(ConfidentialityDeclaration.user_id == user_id)
    declarations = [(row[0], row[1]) for row in session.exec(declarations_query).all()]
    return CoverageInputs(versions, signatures, declarations)


def covenant_title(session: Session, *, covenant_id: int) -> str:
    """The title of a covenant (for pages that only name it)."""
    covenant = session.get(Covenant, covenant_id)
    return covenant.title if covenant else ""


def list_covenants(session: Session) -> list[tuple[Covenant, list[CovenantVersion]]]:
    """Every covenant with its versions, newest version first."""
    covenants = session.exec(select(Covenant).order_by(col(Covenant.title))).all()
    versions = session.exec(
        select(CovenantVersion).order_by(col(CovenantVersion.in_force_from).desc())
    ).all()
    return [(c, [v for v in versions if v.covenant_id == c.id]) for c in covenants]


def overview(session: Session, *, covenant: Covenant) -> CovenantOverview:
    """The covenant with its versions, all signatures, the organisations and document facts."""
    versions = list(
        session.exec(
            select(CovenantVersion)
            .where(CovenantVersion.covenant_id == covenant.id)
            .order_by(col(CovenantVersion.in_force_from), col(CovenantVersion.id))
        ).all()
    )
    version_ids = [version.id for version in versions]
    signatures = list(
        session.exec(
            select(CovenantSignature)
            .where(col(CovenantSignature.version_id).in_(version_ids))
            .order_by(col(CovenantSignature.signed_on).desc(), col(CovenantSignature.id).desc())
        ).all()
    )
    documents = session.exec(
        select(CovenantDocument)
        .where(col(CovenantDocument.version_id).in_(version_ids))
        .options(defer(CovenantDocument.content))  # type: ignore[arg-type]
    ).all()
    organisations = list(
        session.exec(
            select(Organisation).where(col(Organisation.active)).order_by(col(Organisation.name))
        ).all()
    )
    return CovenantOverview(
        covenant=covenant,
        versions=versions,
        signatures=signatures,
        organisations=organisations,
        documents={document.version_id: document for document in documents},
    )


def _members_per_covenant(session: Session) -> dict[int, set[int]]:
    rows = session.exec(
        select(MeetingSeries.covenant_id, SeriesOrganisation.organisation_id).join(
            SeriesOrganisation, col(SeriesOrganisation.series_id) == MeetingSeries.id
        )
    ).all()
    members: dict[int, set[int]] = {}
    for covenant_id, organisation_id in rows:
        members.setdefault(covenant_id, set()).add(organisation_id)
    return members


def coverage_warnings(session: Session, *, day: date) -> CoverageWarnings:
    """For the beheerder: covenants about to expire, and member organisations of the
    overleggen under a covenant in force that are not covered by it (while no overleg uses a
    covenant yet, every active organisation counts as a future member)."""
    covenants = session.exec(select(Covenant).order_by(col(Covenant.title))).all()
    inputs = coverage_inputs(session)
    all_active = session.exec(
        select(Organisation).where(col(Organisation.active)).order_by(col(Organisation.name))
    ).all()
    members = _members_per_covenant(session)
    expiring, unsigned = [], []
    for covenant in covenants:
        own = inputs.of_covenant(covenant.id)
        expiring += [(covenant, v) for v in coverage.expiring_versions(day, versions=own)]
        if not any(version.in_force_on(day) for version in own):
            continue
        member_ids = members.get(covenant.id)
        organisations = [o for o in all_active if member_ids is None or o.id in member_ids]
        missing = set(
            coverage.organisations_without_signature(
                day,
                versions=own,
                signatures=inputs.signatures,
                organisation_ids=[organisation.id for organisation in organisations],
            )
        )
        unsigned += [(covenant, o) for o in organisations if o.id in missing]
    return CoverageWarnings(expiring=expiring, unsigned=unsigned)


def organisation_covered(
    session: Session, *, covenant_id: int, organisation_id: int, day: date
) -> bool:
    """Whether the organisation is covered by the covenant on the day."""
    return organisations_covered(
        session, covenant_id=covenant_id, organisation_ids={organisation_id}, day=day
    )


def organisations_covered(
    session: Session, *, covenant_id: int, organisation_ids: set[int], day: date
) -> bool:
    """Whether every one of these organisations is covered by the covenant on the day."""
    inputs = coverage_inputs(session, covenant_ids=[covenant_id], organisation_ids=organisation_ids)
    people = [
        coverage.Person(coverage.organisation_key(organisation_id), "", organisation_id)
        for organisation_id in organisation_ids
    ]
    answers = inputs.check(day, covenant_id=covenant_id, people=people)
    return all(answer.covered for answer in answers)


def organisation_status(
    session: Session, *, organisation: Organisation, day: date
) -> list[tuple[Covenant, coverage.Coverage, list[tuple[CovenantVersion, CovenantSignature]]]]:
    """Per covenant: whether the organisation is covered today, and its signature history."""
    covenants = session.exec(select(Covenant).order_by(col(Covenant.title))).all()
    inputs = coverage_inputs(session, organisation_ids=[organisation.id])
    person = coverage.Person(
        coverage.organisation_key(organisation.id), organisation.name, organisation.id
    )
    by_id = {version.id: version for version in inputs.versions}
    status = []
    for covenant in covenants:
        [answer] = inputs.check(day, covenant_id=covenant.id, people=[person])
        history = [
            (by_id[s.version_id], s)
            for s in sorted(inputs.signatures, key=lambda s: s.signed_on)
            if s.organisation_id == organisation.id
            and by_id[s.version_id].covenant_id == covenant.id
        ]
        status.append((covenant, answer, history))
    return status


def declaration_texts(session: Session) -> list[DeclarationText]:
    """Every version of the geheimhoudingsverklaring, newest first."""
    return list(session.exec(select(DeclarationText).order_by(col(DeclarationText.version).desc())))
