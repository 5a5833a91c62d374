"""The coverage function: every reason, every boundary day, and a property over random histories."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.covenants.coverage import (
    Coverage,
    Declaration,
    NotCoveredReason,
    Person,
    coverage_on,
    expiring_versions,
    organisations_without_signature,
)
from app.covenants.models import CovenantSignature, CovenantVersion

POLICE, HOUSING = 1, 2
START, END = date(2026, 1, 1), date(2027, 12, 31)
AGENT = Person(key="gebruiker:1", name="Wim Wijkagent", organisation_id=POLICE)
GUEST = Person(key="gast:1", name="Gerda Gast", organisation_id=None)


def version(
    version_id: int = 1, start: date = START, end: date | None = END, covenant_id: int = 1
) -> CovenantVersion:
    return CovenantVersion(
        id=version_id,
        covenant_id=covenant_id,
        label=f"{version_id}.0",
        established_on=start - timedelta(days=30),
        in_force_from=start,
        in_force_until=end,
    )


def signature(
    signed_on: date,
    withdrawn_on: date | None = None,
    version_id: int = 1,
    organisation_id: int = POLICE,
    signature_id: int = 1,
) -> CovenantSignature:
    return CovenantSignature(
        id=signature_id,
        version_id=version_id,
        organisation_id=organisation_id,
        signed_on=signed_on,
        signatory_name="P. Teamchef",
        signatory_function="teamchef",
        withdrawn_on=withdrawn_on,
    )


def answer_for(
    day: date,
    versions: list[CovenantVersion],
    signatures: list[CovenantSignature],
    person: Person = AGENT,
    declarations: Sequence[Declaration] = (),
) -> Coverage:
    [answer] = coverage_on(
        day, versions=versions, signatures=signatures, people=[person], declarations=declarations
    )
    return answer


def test_a_valid_signature_covers_and_names_it_as_the_ground() -> None:
    ground = signature(date(2025, 12, 18))

    answer = answer_for(date(2026, 6, 1), [version()], [ground])

    assert answer.covered and answer.signature is ground and answer.reason is None
    assert answer.explanation == "Gedekt door de ondertekening van 18 dec 2025."


@pytest.mark.parametrize(
    ("day", "covered", "reason"),
    [
        (START - timedelta(days=1), False, NotCoveredReason.NOT_YET_IN_FORCE),
        (START, True, None),
        (END, True, None),
        (END + timedelta(days=1), False, NotCoveredReason.EXPIRED),
    ],
    ids=["dag voor ingang", "eerste dag", "laatste dag", "dag na einde"],
)
def test_the_covenant_period_counts_both_ends(
    day: date, covered: bool, reason: NotCoveredReason | None
) -> None:
    answer = answer_for(day, [version()], [signature(date(2025, 12, 18))])

    assert (answer.covered, answer.reason) == (covered, reason)


def test_an_open_ended_covenant_never_expires() -> None:
    answer = answer_for(date(2040, 1, 1), [version(end=None)], [signature(date(2025, 12, 18))])

    assert answer.covered


@pytest.mark.parametrize(
    ("day", "covered"),
    [(date(2026, 3, 9), False), (date(2026, 3, 10), True)],
    ids=["dag voor ondertekening", "dag van ondertekening"],
)
def test_a_signature_counts_from_its_own_day(day: date, covered: bool) -> None:
    answer = answer_for(day, [version()], [signature(date(2026, 3, 10))])

    assert answer.covered is covered
    assert answer.reason is (None if covered else NotCoveredReason.NOT_SIGNED)


@pytest.mark.parametrize(
    ("day", "covered", "reason"),
    [
        (date(2026, 4, 30), True, None),
        (date(2026, 5, 1), False, NotCoveredReason.WITHDRAWN),
        (date(2026, 9, 1), False, NotCoveredReason.WITHDRAWN),
    ],
    ids=["dag voor intrekking", "dag van intrekking", "later"],
)
def test_a_withdrawn_signature_stops_covering_on_the_withdrawal_day(
    day: date, covered: bool, reason: NotCoveredReason | None
) -> None:
    signatures = [signature(date(2025, 12, 18), withdrawn_on=date(2026, 5, 1))]

    answer = answer_for(day, [version()], signatures)

    assert (answer.covered, answer.reason) == (covered, reason)


def test_an_organisation_that_never_signed_is_not_covered() -> None:
    answer = answer_for(
        date(2026, 6, 1),
        [version()],
        [signature(date(2025, 12, 18))],
        person=Person(key="gebruiker:5", name="Wouter", organisation_id=HOUSING),
    )

    assert not answer.covered
    assert answer.reason is NotCoveredReason.NOT_SIGNED
    assert answer.explanation == "De organisatie heeft het convenant niet ondertekend."


def test_a_guest_without_organisation_is_not_covered() -> None:
    answer = answer_for(date(2026, 6, 1), [version()], [], person=GUEST)

    assert answer.reason is NotCoveredReason.NO_ORGANISATION


def test_withdrawn_then_signed_again_is_covered_by_the_new_signature() -> None:
    old = signature(date(2025, 12, 18), withdrawn_on=date(2026, 3, 1), signature_id=1)
    new = signature(date(2026, 4, 15), signature_id=2)
    signatures = [old, new]

    in_the_gap = answer_for(date(2026, 4, 1), [version()], signatures)
    after = answer_for(date(2026, 4, 15), [version()], signatures)
    before = answer_for(date(2026, 2, 1), [version()], signatures)

    assert in_the_gap.reason is NotCoveredReason.WITHDRAWN
    assert after.covered and after.signature is new
    assert before.covered and before.signature is old


def test_two_versions_each_need_their_own_signature() -> None:
    first = version(1, START, date(2026, 12, 31))
    second = version(2, date(2027, 1, 1), None)
    signed_first_only = [signature(date(2025, 12, 18), version_id=1)]

    in_first = answer_for(date(2026, 12, 31), [first, second], signed_first_only)
    in_second = answer_for(date(2027, 1, 1), [first, second], signed_first_only)
    both = answer_for(
        date(2027, 1, 1),
        [first, second],
        [*signed_first_only, signature(date(2026, 12, 1), version_id=2, signature_id=2)],
    )

    assert in_first.covered
    assert in_second.reason is NotCoveredReason.NOT_SIGNED
    assert both.covered and both.signature.version_id == 2


def test_a_gap_before_the_next_version_says_not_yet_in_force() -> None:
    versions = [version(1, START, date(2026, 6, 30)), version(2, date(2026, 9, 1), None)]

    answer = answer_for(date(2026, 7, 15), versions, [signature(date(2025, 12, 18))])

    assert answer.reason is NotCoveredReason.NOT_YET_IN_FORCE


def test_a_declaration_covers_someone_the_covenant_does_not() -> None:
    declaration = Declaration(person_key=GUEST.key, text_version=2, signed_at=datetime.now(UTC))

    guest = answer_for(date(2026, 6, 1), [version()], [], person=GUEST, declarations=[declaration])
    other_guest = answer_for(
        date(2026, 6, 1),
        [version()],
        [],
        person=Person("gast:2", "Ander", None),
        declarations=[declaration],
    )

    assert guest.covered and guest.declaration is declaration and guest.signature is None
    assert "geheimhoudingsverklaring" in guest.explanation and "tekstversie 2" in guest.explanation
    assert other_guest.reason is NotCoveredReason.NO_ORGANISATION


def test_a_signature_is_the_ground_even_when_a_declaration_exists() -> None:
    ground = signature(date(2025, 12, 18))
    declaration = Declaration(person_key=AGENT.key, text_version=1, signed_at=datetime.now(UTC))

    answer = answer_for(date(2026, 6, 1), [version()], [ground], declarations=[declaration])

    assert answer.signature is ground and answer.declaration is None


def test_organisations_without_signature_lists_only_the_uncovered() -> None:
    signatures = [signature(date(2025, 12, 18), organisation_id=POLICE)]

    missing = organisations_without_signature(
        date(2026, 6, 1),
        versions=[version()],
        signatures=signatures,
        organisation_ids=[POLICE, HOUSING],
    )

    assert missing == [HOUSING]


@pytest.mark.parametrize(
    ("today", "warned"),
    [
        (END - timedelta(days=61), False),
        (END - timedelta(days=60), True),
        (END, True),
        (END + timedelta(days=1), False),
    ],
    ids=["61 dagen ervoor", "60 dagen ervoor", "laatste dag", "al verlopen"],
)
def test_expiry_warning_starts_sixty_days_before_the_end(today: date, warned: bool) -> None:
    assert bool(expiring_versions(today, versions=[version()])) is warned


def test_no_expiry_warning_when_a_next_version_takes_over() -> None:
    versions = [version(1), version(2, END + timedelta(days=1), None)]

    assert expiring_versions(END - timedelta(days=10), versions=versions) == []


days = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[CovenantVersion], list[CovenantSignature]]:
    versions = []
    for version_id in (1, 2):
        start = draw(days)
        end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=date(2029, 12, 31))))
        versions.append(version(version_id, start, end))
    signatures = []
    for signature_id in range(draw(st.integers(0, 4))):
        signed_on = draw(days)
        withdrawn = draw(
            st.one_of(st.none(), st.dates(min_value=signed_on, max_value=date(2029, 1, 1)))
        )
        signatures.append(
            signature(
                signed_on,
                withdrawn,
                version_id=draw(st.sampled_from([1, 2])),
                organisation_id=draw(st.sampled_from([POLICE, HOUSING])),
                signature_id=signature_id,
            )
        )
    return versions, signatures


@given(history=histories(), day=days)
def test_covered_exactly_when_a_signature_of_the_own_organisation_holds_on_a_version_in_force(
    history: tuple[list[CovenantVersion], list[CovenantSignature]], day: date
) -> None:
    versions, signatures = history
    in_force = {
        v.id
        for v in versions
        if v.in_force_from <= day and (v.in_force_until is None or day <= v.in_force_until)
    }
    expected = any(
        s.organisation_id == POLICE
        and s.version_id in in_force
        and s.signed_on <= day
        and (s.withdrawn_on is None or day < s.withdrawn_on)
        for s in signatures
    )

    answer = answer_for(day, versions, signatures)

    assert answer.covered is expected
    assert (answer.reason is None) is expected
    if not in_force:
        assert answer.reason in (NotCoveredReason.NOT_YET_IN_FORCE, NotCoveredReason.EXPIRED)
