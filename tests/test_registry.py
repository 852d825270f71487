"""The table registry: every table declared once, and breakdowns declared in config alone.

Assumes the bundled synthetic cohort (``bundled_run``) and its processed
frames beside the results; the cross-tabulation test runs the whole workflow
once more with one extra declaration and disclosure control at threshold 10.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from conftest import ROOT, config_into, load_default_config, run_snakemake
from test_disclosure import determined

from lcspr_stats.config import check_config
from lcspr_stats.errors import InputError
from lcspr_stats.registry import FIXED, table_names, table_specs

# Its tests share a module fixture that runs the pipeline: keep them on one xdist worker,
# so that run is made once (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_registry")

CROSSTAB = {
    "name": "review_type_by_incident",
    "title": "Type of review by death or serious harm",
    "population": "lcsprs",
    "rows": "review_type",
    "columns": "incident_type",
    "key_figure": "review_type_by_incident_counts",
    "after": "review_types",
}


def test_names_are_unique_and_in_report_order(default_config):
    names = table_names(check_config(copy.deepcopy(default_config)))
    assert len(names) == len(set(names))
    # The config's declarations go after the table they name.
    assert names.index("review_types") == names.index("timeliness") + 1
    assert names.index("methodology") == names.index("publication") + 1
    assert names[: len(FIXED) and 6] == [s.name for s in FIXED[:6]]


def test_contents_lists_every_registered_table_in_order(bundled_run, default_config):
    contents = pd.read_csv(bundled_run / "tables" / "contents.csv")
    assert contents["table"].tolist() == table_names(check_config(copy.deepcopy(default_config)))
    for name in contents["table"]:
        assert (bundled_run / "tables" / f"{name}.csv").is_file()


def _string_literals(path: Path) -> list[tuple[int, str]]:
    """String constants of a module that are not dictionary or column keys.

    A subscript (``codebook["review_types"]``, ``frame["methodology"]``) or
    the first argument of ``.get()`` is a key of a mapping (a codebook entry
    or a column that shares a table's name), not a reference to a table.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    keys: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            keys.add(id(node.slice))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "pop", "setdefault")
            and node.args
        ):
            keys.add(id(node.args[0]))
        if isinstance(node, ast.Dict):
            keys.update(id(k) for k in node.keys if k is not None)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in keys
    ]


def shared_words(config: dict, key_figures: dict) -> set[str]:
    """Words that name a table and also something else: a codebook entry, a
    contract column (``methodology``) or a key figure (``goodness_of_fit``)."""
    from lcspr_stats.settings import Settings
    from lcspr_stats.validate import source_specs

    codebook = Settings.from_config(config).codebook
    columns = {s.name for specs in source_specs(codebook).values() for s in specs}
    return set(config["codebook"]) | columns | set(key_figures)


def test_no_table_name_is_spelled_outside_the_registry(default_config, key_figures):
    config = check_config(copy.deepcopy(default_config))
    names = set(table_names(config))
    # Only a word that is nothing but a table's name is checked in the package;
    # the rule files are checked for every name.
    package_names = names - shared_words(config, key_figures)
    assert len(package_names) >= len(names) - 6, "the check would be too weak"
    found = []
    package = ROOT / "src" / "lcspr_stats"
    for path in sorted(package.rglob("*.py")):
        if path.name == "registry.py":
            continue
        for line, value in _string_literals(path):
            if value in package_names or any(value == f"{n}.csv" for n in names):
                found.append(f"{path.relative_to(ROOT)}:{line}: {value!r}")
    pattern = re.compile(r"[\"'/](" + "|".join(map(re.escape, sorted(names))) + r")(\.csv)?[\"']")
    for path in [ROOT / "Snakefile", *sorted((ROOT / "workflow").rglob("*.smk"))]:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(text):
                found.append(f"{path.relative_to(ROOT)}:{number}: {text.strip()}")
    assert not found, "table names spelled outside the registry:\n" + "\n".join(found)


def test_the_check_catches_a_spelled_name(tmp_path):
    # The scan above must be able to fail: a module that names a table is caught.
    module = tmp_path / "m.py"
    module.write_text('NAME = "table3_durations"\nx = codebook["review_types"]\n')
    literals = [value for _line, value in _string_literals(module)]
    assert "table3_durations" in literals and "review_types" not in literals


def test_unknown_variable_and_category_are_clear_config_errors(default_config):
    from lcspr_stats.breakdowns import check_declaration

    codebook = default_config["codebook"]
    with pytest.raises(InputError, match=r"breakdowns \(x\): rows: unknown variable 'colour'"):
        check_declaration({"name": "x", "population": "lcsprs", "rows": "colour"}, codebook)
    with pytest.raises(InputError, match=r"'purple' not a category of review_type"):
        check_declaration(
            {
                "name": "x",
                "population": "lcsprs",
                "rows": "review_type",
                "rows_categories": ["thematic", "purple"],
            },
            codebook,
        )
    bad = copy.deepcopy(default_config)
    bad["breakdowns"] = [{**CROSSTAB, "columns": "colour"}]
    with pytest.raises(InputError, match="breakdowns"):
        check_config(bad)


@pytest.fixture(scope="module")
def crosstab_run(tmp_path_factory) -> Path:
    """The bundled cohort with one cross-tabulation added in config, at threshold 10."""
    tmp = tmp_path_factory.mktemp("crosstab")
    config = load_default_config()
    config["breakdowns"] = [*config["breakdowns"], CROSSTAB]
    config["disclosure_control"] = {"enabled": True, "threshold": 10}
    result = run_snakemake(config_into(tmp, config))
    assert result.returncode == 0, result.stderr[-4000:]
    return tmp / "results" / "2021"


def test_a_cross_tabulation_added_in_config_reaches_every_output(crosstab_run, bundled_run):
    name, title = CROSSTAB["name"], CROSSTAB["title"]
    table = pd.read_csv(crosstab_run / "tables" / f"{name}.csv", keep_default_na=False)
    contents = pd.read_csv(crosstab_run / "tables" / "contents.csv")
    names = contents["table"].tolist()
    assert names[names.index("review_types") + 1] == name
    assert title in contents["title"].tolist()
    book = openpyxl.load_workbook(crosstab_run / "lcspr_tables_2021.xlsx", read_only=True)
    found = [
        ws.title
        for ws in book.worksheets
        if any(title in str(row[0]) for row in ws.iter_rows(max_row=3, values_only=True) if row)
    ]
    assert found, "the cross-tabulation has no sheet in the workbook"
    assert title in (crosstab_run / "report.html").read_text(encoding="utf-8")
    figures = json.loads((crosstab_run / "key_figures.json").read_text(encoding="utf-8"))
    assert set(figures[CROSSTAB["key_figure"]]) == set(table["review_type"]) - {"Total"}

    # The counts, from the derived frame with pandas' own cross-tabulation.
    lcsprs = pd.read_pickle(bundled_run.parents[1] / "processed" / "2021" / "lcsprs.pkl")
    rows = lcsprs["review_type"].astype("object").fillna("not recorded")
    expected = pd.crosstab(rows, lcsprs["incident_type"], margins=True, margins_name="Total")
    columns = {"death": "n_death", "serious harm": "n_serious_harm"}
    suppressed = []
    for _, row in table.iterrows():
        label = row["review_type"]
        for value, column in {**columns, "Total": "n"}.items():
            truth = int(expected.loc[label, value]) if label in expected.index else 0
            if row[column] == "[c]":
                suppressed.append((label, column))
            else:
                assert int(row[column]) == truth, (label, column)
    small = [
        (label, column)
        for label in expected.index
        for value, column in {**columns, "Total": "n"}.items()
        if 0 < int(expected.loc[label, value]) < 10
    ]
    assert small and set(small) <= set(suppressed), "every count under 10 is [c]"

    # No [c] can be worked out from the margins: row n = its columns, column
    # totals = the rows above (the Total row's n is n_lcsprs, published elsewhere).
    # The rank test is test_disclosure's, independent of the pipeline's.
    body = table.loc[table["review_type"] != "Total"]
    relations = [
        SimpleNamespace(
            total=(row["review_type"], "n"),
            parts=[(row["review_type"], c) for c in columns.values()],
        )
        for _, row in table.iterrows()
    ] + [
        SimpleNamespace(total=("Total", c), parts=[(r, c) for r in body["review_type"]])
        for c in [*columns.values(), "n"]
    ]
    cells = [(r, c) for r in table["review_type"] for c in [*columns.values(), "n"]]
    grid = SimpleNamespace(values=dict.fromkeys(cells, 0), relations=relations)
    assert not determined(grid, set(suppressed))


def test_a_declared_breakdown_gets_a_note_naming_its_base(crosstab_run):
    notes = pd.read_csv(crosstab_run / "tables" / "notes.csv")
    own = notes.loc[notes["table"] == CROSSTAB["name"], "note"].tolist()
    assert any("Percentages are of all LCSPRs" in note for note in own)


def test_table_specs_follow_the_config(default_config):
    config = check_config(copy.deepcopy(default_config))
    config["breakdowns"] = [*config["breakdowns"], {**CROSSTAB, "after": None}]
    specs = table_specs(config)
    assert specs[-1].name == CROSSTAB["name"] and specs[-1].declared["columns"] == "incident_type"
