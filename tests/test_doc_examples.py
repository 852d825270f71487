"""The message examples of the user guide and docs/data-quality.md are what the code prints.

The convention: an example is marked by an HTML comment naming the case of the
broken-input corpus (tests/broken_inputs.py) that produces it,
``<!-- example: CASE -->``, which Markdown does not show. The example is

- on the comment's own line: the fenced block, or else the first `code span`,
  of the next line;
- after text on a line (a table row): the `code span`s before the comment,
  each checked.

Each example must appear verbatim in one rendering of its case's messages: the
message itself, as the workflow shows it (``ERROR ...`` and the line saying
nothing was written), as the command line shows it (``lcspr-stats: error:
...``), or, for a per-value case, its data-quality rule and action as validate
lists them. Cases are built in ``inputs/2021`` of a folder that is the working
directory, with the config called ``config.yaml``, so paths read as they do
for a user working in the config's folder.
"""

from __future__ import annotations

import re

import pytest
from broken_inputs import CASES
from conftest import ROOT

from lcspr_stats.check import check_inputs, strict_messages
from lcspr_stats.config import check_config
from lcspr_stats.errors import InputError
from lcspr_stats.preflight import STOPPED, preflight

DOCS = ("docs/user-guide.md", "docs/data-quality.md")
MARK = re.compile(r"<!-- example: ([\w-]+) -->")
SPAN = re.compile(r"`([^`\n]+)`")
BY_NAME = {case.name: case for case in CASES}


def examples(doc: str) -> list[tuple[str, str, int]]:
    """``(case, example, line number)`` for every marked example of one page."""
    lines = (ROOT / doc).read_text(encoding="utf-8").splitlines()
    found = []
    for number, line in enumerate(lines):
        for mark in MARK.finditer(line):
            before = line[: mark.start()]
            if before.strip():
                spans = SPAN.findall(before)
                found += [(mark.group(1), span, number + 1) for span in spans]
                continue
            following = lines[number + 1]
            if following.startswith("```"):
                end = lines.index("```", number + 2)
                found.append((mark.group(1), "\n".join(lines[number + 2 : end]), number + 1))
            else:
                found.append((mark.group(1), SPAN.findall(following)[0], number + 2))
    return found


EXAMPLES = [(doc, *example) for doc in DOCS for example in examples(doc)]


def renderings(name: str, folder) -> list[str]:
    """Every way the terminal or data_quality.csv shows the outcome of one case."""
    case = BY_NAME[name]
    config = case.build(folder / "inputs" / "2021")
    try:
        check_config(config, file="config.yaml")
        preflight(config, config_file="config.yaml")
    except InputError as error:
        message = error.render()
        return [message, f"ERROR {message}\n{STOPPED}", f"lcspr-stats: error: {message}"]
    result = check_inputs(config, 2021)
    lines = strict_messages(result.quality)
    lines += [f"{r.rule} ({r.action})" for r in result.quality.itertuples()]
    return lines


def test_both_pages_mark_their_examples():
    pages = {doc for doc, *_ in EXAMPLES}
    assert pages == set(DOCS)
    assert len(EXAMPLES) >= 10
    assert {name for _doc, name, *_ in EXAMPLES} <= set(BY_NAME)


@pytest.mark.parametrize(
    ("doc", "name", "example", "line"),
    EXAMPLES,
    ids=[f"{doc.split('/')[-1]}:{line}" for doc, _n, _e, line in EXAMPLES],
)
def test_every_marked_example_is_a_real_message(doc, name, example, line, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = renderings(name, tmp_path.relative_to(tmp_path))
    assert any(example in text for text in shown), (doc, line, example, shown)
