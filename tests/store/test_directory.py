"""Loading municipality files and reading council set-ups back."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from domain.model import Role, VoteRule
from store import (
    ConflictingId,
    NotFound,
    council_ids,
    council_name,
    council_setup,
    load_municipality,
    person_contacts,
    person_names,
    read_municipality_file,
    session_scope,
)
from store.models import CouncilSchool
from tests.store.support import EXAMPLES, load_example, row_counts


def test_loading_the_same_file_twice_changes_nothing(clean_engine: Engine) -> None:
    data = read_municipality_file(EXAMPLES / "kushiro.yaml")
    with session_scope(clean_engine) as session:
        first = load_municipality(session, data)
    counts = row_counts(clean_engine)
    with session_scope(clean_engine) as session:
        second = load_municipality(session, data)
    assert first.changed
    assert not second.changed
    assert row_counts(clean_engine) == counts
    assert counts["people"] == 38
    assert counts["councils"] == 4
    assert counts["municipality_staff"] == 2


def test_members_left_out_of_the_file_leave_the_council(clean_engine: Engine) -> None:
    data = read_municipality_file(EXAMPLES / "kushiro.yaml")
    load_example(clean_engine, "kushiro")
    chuo = data.councils[0]
    fewer = chuo.model_copy(update={"members": chuo.members[:-1]})
    edited = data.model_copy(update={"councils": (fewer, *data.councils[1:])})
    with session_scope(clean_engine) as session:
        summary = load_municipality(session, edited)
    assert summary.deleted == 2  # the last member held two roles: member and coordinator
    with session_scope(clean_engine) as session:
        setup = council_setup(session, chuo.id)
    assert chuo.members[-1].person not in setup.roster.everyone()


def test_council_setup_merges_roles_and_adds_staff(clean_engine: Engine) -> None:
    load_example(clean_engine, "kushiro")
    with session_scope(clean_engine) as session:
        setup = council_setup(session, "kushiro-kushiro")
    roster = setup.roster
    assert setup.municipality_id == "kushiro"
    assert setup.vote_rule == VoteRule()
    assert roster.everyone()[0] == "kushiro-kushiro-chair"
    assert roster.everyone()[-2:] == ("kushiro-chief", "kushiro-board")
    assert roster.roles_of("kushiro-kushiro-coord-1") == {Role.MEMBER, Role.COORDINATOR}
    assert roster.roles_of("kushiro-kushiro-coord-2") == {Role.COORDINATOR}
    assert roster.roles_of("kushiro-chief") == {Role.CHIEF_COORDINATOR}
    assert roster.roles_of("kushiro-board") == {Role.BOARD_ADMIN}
    assert "kushiro-kushiro-coord-2" not in roster.voters()
    assert "kushiro-kushiro-principal" not in roster.voters()
    assert len(roster.entries) == len(set(roster.everyone()))
    # Staff hold no seat: nobody from another council appears.
    assert not any(m.startswith("kushiro-chuo") for m in roster.everyone())


def test_a_person_listed_twice_gets_one_roster_entry(clean_engine: Engine) -> None:
    data = read_municipality_file(EXAMPLES / "okayama.yaml")
    council = data.councils[1]
    doubled = council.model_copy(
        update={
            "members": (
                *council.members,
                council.members[0].model_copy(update={"roles": ("member",)}),
            )
        }
    )
    with session_scope(clean_engine) as session:
        edited = data.model_copy(update={"councils": (data.councils[0], doubled)})
        load_municipality(session, edited)
        setup = council_setup(session, council.id)
    chair = council.members[0].person
    assert [e.roles for e in setup.roster.entries if e.member_id == chair] == [
        (Role.CHAIR, Role.MEMBER)
    ]


def test_municipality_vote_rule_is_used(clean_engine: Engine) -> None:
    load_example(clean_engine, "asahikawa")
    with session_scope(clean_engine) as session:
        setup = council_setup(session, "asahikawa-koyo")
    assert setup.vote_rule.majority.numerator == 2
    assert setup.vote_rule.majority.inclusive


def test_joint_council_serves_two_schools(clean_engine: Engine) -> None:
    load_example(clean_engine, "okayama")
    with session_scope(clean_engine) as session:
        schools = session.scalars(
            select(CouncilSchool.school_id).where(
                CouncilSchool.council_id == "okayama-higashiyama-joint"
            )
        ).all()
        ids = council_ids(session, "okayama")
        setup = council_setup(session, "okayama-higashiyama-joint")
    assert sorted(schools) == ["okayama-higashiyama-es", "okayama-higashiyama-jhs"]
    assert ids == ["okayama-higashiyama-joint", "okayama-minamihama", "okayama-nishikawa"]
    assert len(setup.roster.holders_of(Role.PRINCIPAL)) == 2
    with session_scope(clean_engine) as session:
        assert (
            council_name(session, "okayama-higashiyama-joint") == "東山中学校区合同学校運営協議会"
        )


def test_unknown_council_and_municipality_are_named(clean_engine: Engine) -> None:
    with session_scope(clean_engine) as session:
        with pytest.raises(NotFound, match="'nowhere'"):
            council_setup(session, "nowhere")
        with pytest.raises(NotFound, match="'atlantis'"):
            council_ids(session, "atlantis")
        with pytest.raises(NotFound, match="'nowhere'"):
            council_name(session, "nowhere")


def test_an_id_of_another_municipality_is_refused(clean_engine: Engine) -> None:
    load_example(clean_engine, "kushiro")
    data = read_municipality_file(EXAMPLES / "okayama.yaml")
    thief = data.people[0].model_copy(update={"id": "kushiro-chief"})
    edited = data.model_copy(update={"people": (thief, *data.people[1:]), "staff": ()})
    counts = row_counts(clean_engine)
    with (
        pytest.raises(ConflictingId, match=r"people id 'kushiro-chief'.*'kushiro'"),
        session_scope(clean_engine) as session,
    ):
        load_municipality(session, edited)
    assert row_counts(clean_engine) == counts


def test_names_and_contacts_by_id(clean_engine: Engine) -> None:
    load_example(clean_engine, "okayama")
    with session_scope(clean_engine) as session:
        names = person_names(session, ["okayama-higashiyama-chair", "nobody"])
        contacts = person_contacts(session, ["okayama-higashiyama-coord"])
    assert names == {"okayama-higashiyama-chair": "三宅 和夫"}
    assert contacts["okayama-higashiyama-coord"].webhook_url == (
        "https://hooks.okayama.example.jp/higashiyama"
    )
