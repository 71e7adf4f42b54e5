"""Reading municipality files: the examples are valid; bad files fail in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.model import VoteRule
from store import InvalidMunicipalityFile, read_municipality_file
from tests.store.support import EXAMPLES

GOOD_HEAD = "municipality: {id: town, name: 町, prefecture: 県}\n"
PEOPLE = "people: [{id: p1, name: 山田 太郎}]\n"
SCHOOLS = "schools: [{id: s1, name: 小学校}]\n"


def _council(school: str, person: str, role: str) -> str:
    members = f"[{{person: {person}, roles: [{role}]}}]"
    return f"councils: [{{id: c1, name: 協議会, schools: [{school}], members: {members}}}]\n"


@pytest.mark.parametrize("name", ["kushiro", "okayama", "asahikawa"])
def test_examples_are_valid(name: str) -> None:
    data = read_municipality_file(EXAMPLES / f"{name}.yaml")
    assert data.municipality.id == name
    assert data.councils


def test_kushiro_example_matches_the_seed() -> None:
    data = read_municipality_file(EXAMPLES / "kushiro.yaml")
    names = {s.name for s in data.schools}
    assert names == {"中央小学校", "共栄小学校", "鳥取小学校", "釧路小学校"}
    assert len(data.councils) == 4
    coordinators = {m.person for c in data.councils for m in c.members if "coordinator" in m.roles}
    assert len(coordinators) == 8
    assert [s.role for s in data.staff].count("chief_coordinator") == 1
    assert data.vote_rule == VoteRule()


def test_okayama_example_has_a_joint_council() -> None:
    data = read_municipality_file(EXAMPLES / "okayama.yaml")
    assert any(len(c.schools) == 2 for c in data.councils)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("municipality: {id: town, name: 町}\n", "municipality.prefecture: required field"),
        (
            GOOD_HEAD + "schools: [{id: s1, name: 小, district: nowhere}]\n",
            "unknown district 'nowhere'",
        ),
        (
            GOOD_HEAD + PEOPLE + SCHOOLS + _council("s9", "p1", "chair"),
            "councils[0].schools[0]: unknown school 's9'",
        ),
        (
            GOOD_HEAD + PEOPLE + SCHOOLS + _council("s1", "ghost", "chair"),
            "councils[0].members[0].person: unknown person 'ghost'",
        ),
        (
            GOOD_HEAD + PEOPLE + SCHOOLS + _council("s1", "p1", "king"),
            "councils[0].members[0].roles[0]",
        ),
        (GOOD_HEAD + "staff: [{person: ghost, role: board_admin}]\n", "unknown person 'ghost'"),
        (GOOD_HEAD + PEOPLE + "staff: [{person: p1, role: chair}]\n", "staff[0].role"),
        (GOOD_HEAD + "people: [{id: p1, name: a}, {id: p1, name: b}]\n", "duplicate id 'p1'"),
        (GOOD_HEAD + "people: [{id: p1, name: a, email: nope}]\n", "people[0].email"),
        (GOOD_HEAD + "colour: blue\n", "colour: unknown field"),
        ("municipality: {id: 'bad id', name: 町, prefecture: 県}\n", "municipality.id"),
        (
            GOOD_HEAD + "districts: [{id: d1, name: 区, model_district: "
            "{from_year: 2026, to_year: 2025, budget_yen: 20000}}]\n",
            "to_year 2025 is before from_year 2026",
        ),
        # A vote rule that can never pass: more votes than members, or all of them and more.
        (
            GOOD_HEAD + "vote_rule: {quorum: {numerator: 3, denominator: 2}}\n",
            "vote_rule: quorum of 3/2 can never be met",
        ),
        (
            GOOD_HEAD + "vote_rule: {majority: {numerator: 1, denominator: 1}}\n",
            "vote_rule: majority of 1/1 can never be met",
        ),
        ("municipality: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_bad_file_gives_one_line_naming_the_problem(
    tmp_path: Path, body: str, expected: str
) -> None:
    path = tmp_path / "town.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InvalidMunicipalityFile) as caught:
        read_municipality_file(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert expected in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidMunicipalityFile, match=r"missing\.yaml: cannot read"):
        read_municipality_file(tmp_path / "missing.yaml")


def test_a_unanimous_vote_rule_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "town.yaml"
    path.write_text(
        GOOD_HEAD + "vote_rule: {majority: {numerator: 1, denominator: 1, inclusive: true}}\n",
        encoding="utf-8",
    )
    assert read_municipality_file(path).vote_rule.majority.inclusive
