"""Access rules: plain predicates over loaded objects, the one place they are written."""

from collections.abc import Callable, Collection

from app.overleg.models import MemberRole, SeriesMember
from app.tasks.models import Task
from app.users.models import User


def can_change_data(user: User) -> bool:
    """The FG (privacy officer) reads and changes nothing: no overleg, casus, covenant, account
    or task. The FG role wins over any other role the same person holds (beheerder, deelnemer,
    chair), so such a person is read-only as a whole. Only their own account stays theirs:
    logging in and out, their own password and their own calendar link. Applied to every
    state-changing request by `app.security.deps.refuse_read_only`."""
    return not user.is_privacy_officer


def can_manage_accounts(user: User) -> bool:
    """Beheerders manage organisations and users."""
    return user.is_admin


def can_read_audit_log(user: User) -> bool:
    """The FG (privacy officer) reads the audit trail."""
    return user.is_privacy_officer


def can_handle_rights_requests(user: User) -> bool:
    """The FG keeps the register of residents' rights requests and answers them: the one
    state-changing work of the FG (create_app() leaves the rights router open to the FG)."""
    return user.is_privacy_officer


def can_manage_covenants(user: User) -> bool:
    """Beheerders record covenants, versions, signatures and the declaration text (a beheerder
    who is also FG reads them only)."""
    return user.is_admin and can_change_data(user)


def can_view_covenants(user: User) -> bool:
    """Partners may read the covenant they work under, beheerders manage it, and the FG reads it
    to check the basis on which data is shared."""
    return user.is_admin or user.is_participant or user.is_privacy_officer


def can_work_in_overleggen(user: User) -> bool:
    """Who has overleggen to open: beheerders (all of them) and participants (their own)."""
    return user.is_admin or user.is_participant


def can_have_tasks(user: User) -> bool:
    """Only participants sit at a table and get actions."""
    return user.is_participant


def can_receive_task_digest(user: User) -> bool:
    """The weekly e-mail about one's tasks (and the choice to switch it off) is for those who
    can have tasks; never the FG, who sits at no table and acts on nothing."""
    return can_have_tasks(user) and can_change_data(user)


def can_keep_contact_card(user: User) -> bool:
    """A contact card is for the people who sit at tables (beheerders and participants); the FG
    sits at none and changes nothing."""
    return can_work_in_overleggen(user) and can_change_data(user)


def can_plan(user: User) -> bool:
    """Only beheerders plan overleggen and their meetings; a beheerder who is also the FG is
    read-only as a whole, so is not offered the planning forms either."""
    return user.is_admin and can_change_data(user)


def can_see_retention(user: User) -> bool:
    """Beheerders and the FG see what the purge will remove soon, and the terms."""
    return user.is_admin or user.is_privacy_officer


def can_change_retention(user: User) -> bool:
    """Beheerders change an overleg's bewaartermijnen and keep a casus longer (a beheerder who
    is also FG only reads them)."""
    return user.is_admin and can_change_data(user)


def why_not_at_table(user: User, *, organisation_ids: Collection[int]) -> str | None:
    """Why this person cannot sit at the table of an overleg of these organisations, as the end
    of a Dutch sentence after their name (None: they can). At the table sit active deelnemers of
    its organisations: never the FG, who changes nothing, and a beheerder only when also a
    deelnemer (planning needs no seat)."""
    if not user.active or not user.organisation.active:
        return "is niet actief"
    if user.is_privacy_officer:
        return "is functionaris gegevensbescherming en zit niet aan tafel"
    if not user.is_participant:
        return "is geen deelnemer"
    if user.organisation_id not in organisation_ids:
        return "hoort niet bij een van de gekozen organisaties"
    return None


def can_see_series(user: User, membership: SeriesMember | None) -> bool:
    """Members of an overleg (and beheerders) know it exists; to everyone else it is a 404."""
    return user.is_admin or membership is not None


def can_see_table(user: User, membership: SeriesMember | None) -> bool:
    """De tafel, with everyone's phone and bereikbaarheid: for the people at that table only
    (a beheerder or FG who is no member gets a 404, like everyone else)."""
    return membership is not None


def can_run_meetings(user: User, membership: SeriesMember | None) -> bool:
    """The overleg's chairs and secretary (and beheerders) compose and freeze its agenda."""
    chairing = membership is not None and membership.role in (
        MemberRole.CHAIR,
        MemberRole.SECRETARY,
    )
    return user.is_admin or chairing


def can_see_all_statistics(user: User) -> bool:
    """Beheerders report on every overleg, so the Beleidsinformatie is in their menu."""
    return user.is_admin


def can_see_series_statistics(user: User, membership: SeriesMember | None) -> bool:
    """The Beleidsinformatie of an overleg: beheerders, and the overleg's chairs (a secretary or
    member only runs or attends it). The FG reads the audit trail, not policy figures; to
    anyone else the page is a 404."""
    chairing = membership is not None and membership.role == MemberRole.CHAIR
    return can_see_all_statistics(user) or chairing


def can_see_case(user: User, membership: SeriesMember | None) -> bool:
    """Only members of the overleg know a casus exists; to anyone else it is a 404."""
    return membership is not None


def can_see_identified(
    user: User, membership: SeriesMember | None, *, covered: bool, submitting_organisation_id: int
) -> bool:
    """Name, birth date, BSN and address: for covered members, and the organisation that
    brought the casus (rule 2)."""
    own_case = user.organisation_id == submitting_organisation_id
    return can_see_case(user, membership) and (covered or own_case)


def can_change_submission(
    user: User, membership: SeriesMember | None, *, submitting_organisation_id: int
) -> bool:
    """Correcting or withdrawing a casus: the people at the table of the organisation that
    brought it (a chair's role gives no say over what another organisation submitted)."""
    return can_see_case(user, membership) and user.organisation_id == submitting_organisation_id


def can_change_identification(
    user: User, membership: SeriesMember | None, *, submitting_organisation_id: int
) -> bool:
    """Identifying or anonymising a casus: its own organisation, or the overleg's chairs."""
    own_case = user.organisation_id == submitting_organisation_id
    return can_see_case(user, membership) and (own_case or can_run_meetings(user, membership))


def can_read_minutes(
    user: User, membership: SeriesMember | None, *, attended_covered: Callable[[], bool]
) -> bool:
    """The verslag: who was present at that meeting and covered then, the overleg's chairs (and
    secretary) and beheerders (rule 5). Attendance is only looked up when it matters."""
    return can_run_meetings(user, membership) or (membership is not None and attended_covered())


def can_read_excerpt(
    user: User,
    membership: SeriesMember | None,
    *,
    attended_covered: Callable[[], bool],
    submitting_organisation_id: int,
) -> bool:
    """An uittreksel goes to the organisation that brought the casus, besides the readers of
    the verslag."""
    own_case = membership is not None and user.organisation_id == submitting_organisation_id
    return own_case or can_read_minutes(user, membership, attended_covered=attended_covered)


def can_read_actions(
    user: User,
    membership: SeriesMember | None,
    *,
    attended_covered: Callable[[], bool],
    organisation_id: int,
) -> bool:
    """An organisation's actions overview: its own people at the table, and the readers of the
    verslag."""
    own = membership is not None and user.organisation_id == organisation_id
    return own or can_read_minutes(user, membership, attended_covered=attended_covered)


def can_report_back(user: User, membership: SeriesMember | None, task: Task) -> bool:
    """Seeing a task under 'mijn acties', and reporting back on it: members of the overleg in
    which it was agreed, when the task names them, or names no one and they belong to the
    assigned organisation. Beheerders only where they are members."""
    at_the_table = (
        membership is not None
        and membership.user_id == user.id
        and membership.series_id == task.series_id
    )
    if not at_the_table:
        return False
    if task.assignee_user_id is not None:
        return task.assignee_user_id == user.id
    return task.assignee_organisation_id == user.organisation_id
