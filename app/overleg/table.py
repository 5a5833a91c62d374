"""Who sits at the table of an overleg: the checks on a chosen table (one rule, in
permissions.why_not_at_table) and writing it. Used by the planning use cases in service.py."""

from sqlmodel import Session, col, select

from app.errors import DomainError
from app.organisations.models import Organisation
from app.overleg.models import (
    MeetingSeries,
    MemberRole,
    SeriesMember,
    SeriesOrganisation,
    SeriesTable,
)
from app.security import permissions
from app.users.models import User


def _check_organisations(session: Session, table: SeriesTable) -> None:
    organisations = session.exec(
        select(Organisation).where(col(Organisation.id).in_(table.organisation_ids))
    ).all()
    if len(organisations) != len(set(table.organisation_ids)) or not all(
        o.active for o in organisations
    ):
        raise DomainError("Kies alleen bestaande, actieve organisaties.", field="organisation_ids")


def _field_of(table: SeriesTable, user_id: int) -> str:
    """The form field a chosen person came from (the first, when several)."""
    if user_id in table.member_ids:
        return "member_ids"
    return "chair_ids" if user_id in table.chair_ids else "secretary_id"


def check_table(session: Session, table: SeriesTable) -> dict[int, User]:
    """Everyone chosen can sit at this table (permissions.why_not_at_table); refused beside the
    field they were chosen in. The people chosen, by id."""
    _check_organisations(session, table)
    users = {
        user.id: user
        for user in session.exec(select(User).where(col(User.id).in_(table.people))).all()
        if user.id is not None
    }
    missing = sorted(table.people - users.keys())
    if missing:
        raise DomainError(
            "Een gekozen persoon bestaat niet (meer).", field=_field_of(table, missing[0])
        )
    refused = [
        (_field_of(table, user.id), f"{user.name} {reason}.")
        for user in sorted(users.values(), key=lambda u: u.name)
        if (reason := permissions.why_not_at_table(user, organisation_ids=table.organisation_ids))
    ]
    if refused:
        field_name = refused[0][0]
        sentences = [sentence for field, sentence in refused if field == field_name]
        raise DomainError(" ".join(sentences), field=field_name)
    return users


def check_roles_at_table(table: SeriesTable, users: dict[int, User]) -> None:
    """On the edit form the members are everyone at the table: a chair or secretary among them."""
    secretary = [table.secretary_id] if table.secretary_id else []
    for field_name, ids in (("chair_ids", table.chair_ids), ("secretary_id", secretary)):
        outside = sorted(users[i].name for i in set(ids) - set(table.member_ids))
        if outside:
            raise DomainError(
                f"{', '.join(outside)} zit niet aan tafel: vink ook aan bij de leden, of kies "
                "iemand anders.",
                field=field_name,
            )


def roles_of(table: SeriesTable) -> dict[int, MemberRole]:
    roles = {user_id: MemberRole.MEMBER for user_id in table.member_ids}
    if table.secretary_id:
        roles[table.secretary_id] = MemberRole.SECRETARY
    roles |= {user_id: MemberRole.CHAIR for user_id in table.chair_ids}
    return roles


def set_organisations(session: Session, series: MeetingSeries, wanted: set[int]) -> None:
    current = session.exec(
        select(SeriesOrganisation).where(SeriesOrganisation.series_id == series.id)
    ).all()
    for row in current:
        if row.organisation_id not in wanted:
            session.delete(row)
    kept = {row.organisation_id for row in current}
    session.add_all(
        SeriesOrganisation(series_id=series.id, organisation_id=organisation_id)
        for organisation_id in sorted(wanted - kept)
    )


def set_members(
    session: Session, series: MeetingSeries, roles: dict[int, MemberRole]
) -> tuple[list[int], list[int]]:
    """Seat exactly these people in these roles: who joined, who left. Access to everything of
    the overleg follows the SeriesMember row, so whoever left loses it with this commit."""
    current = session.exec(select(SeriesMember).where(SeriesMember.series_id == series.id)).all()
    left = []
    for member in current:
        if member.user_id not in roles:
            left.append(member.user_id)
            session.delete(member)
        elif member.role != roles[member.user_id]:
            member.role = roles[member.user_id]
            session.add(member)
    joined = sorted(roles.keys() - {member.user_id for member in current})
    session.add_all(
        SeriesMember(series_id=series.id, user_id=user_id, role=roles[user_id])
        for user_id in joined
    )
    return joined, sorted(left)
