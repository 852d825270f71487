"""docs/data-quality.md lists every check with the message and the rule a user really sees."""

from __future__ import annotations

import re

import pytest
from broken_inputs import BASELINE, FATAL, PER_VALUE, expected_text
from conftest import ROOT

DOC = (ROOT / "docs" / "data-quality.md").read_text(encoding="utf-8")
# The location a message starts with: file, sheet, row, column, as far as known.
LOCATION = re.compile(
    r"^(file '[^']*'(, )?)?(sheet '[^']*'(, )?)?(row \d+(, )?)?(column '[^']*')?: "
)


def templates() -> list[re.Pattern]:
    """Every `code span` of the page, with <placeholders> matching anything."""
    spans = re.findall(r"`([^`\n]+)`", DOC)
    out = []
    for span in spans:
        parts = re.split(r"<[^>]+>", span)
        out.append(re.compile(".+?".join(re.escape(p) for p in parts)))
    return out


TEMPLATES = templates()


def details(message: str) -> list[str]:
    """The parts of a fatal message after each location."""
    lines = message.split("\n")
    head, rest = lines[0], lines[1:]
    found = []
    if re.fullmatch(r"\d+ problems stop the run:", head) or head.startswith("strict mode:"):
        if head.startswith("strict mode:"):
            found.append(head)
        candidates = [line.strip() for line in rest]
    elif "config key" in head and "not valid" in head:
        return [LOCATION.sub("", head)] + [line.strip() for line in rest]
    else:
        candidates = [message]
    for line in candidates:
        found.append(LOCATION.sub("", line))
    return found


@pytest.mark.parametrize("case", FATAL, ids=lambda c: c.name)
def test_every_fatal_message_is_documented(case, tmp_path):
    for detail in details(expected_text(case.message, tmp_path)):
        assert any(t.fullmatch(detail) for t in TEMPLATES), detail


def test_every_rule_and_action_is_documented():
    rules = {row[5] for case in PER_VALUE for row in case.problems}
    actions = {row[6] for case in PER_VALUE for row in case.problems}
    spans = set(re.findall(r"`([^`\n]+)`", DOC))
    assert rules - spans == set()
    assert actions - spans == set()


def test_every_documented_rule_is_in_the_corpus():
    table = DOC.split("## Per-value checks", 1)[1].split("## Where", 1)[0]
    documented = set(re.findall(r"^\| `([^`]+)`", table, flags=re.MULTILINE))
    in_corpus = {row[5] for case in PER_VALUE for row in case.problems} | {BASELINE[5]}
    # n_children's range has the same rule as the ages (tested in test_validate).
    assert documented - in_corpus == {"out of range 1-10000"}
