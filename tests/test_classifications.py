"""The shipped classifications (data/reference/classifications.csv): every form lands right.

Assumes the repository's config.yaml codebook (the contract's DfE codes and
groups) and the tiny cohort of tests/tiny_cohort.py.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from conftest import ROOT, config_into, load_default_config
from tiny_cohort import tiny_frames, write_tiny_inputs

from lcspr_stats import classifications as shipped
from lcspr_stats.check import check_inputs
from lcspr_stats.config import check_config
from lcspr_stats.derive import ethnic_group
from lcspr_stats.errors import InputError
from lcspr_stats.io import SourceTable, normalise_header, write_xlsx
from lcspr_stats.settings import Settings
from lcspr_stats.tables import data_sources_table
from lcspr_stats.validate import clean_source

FILE = ROOT / "data" / "reference" / "classifications.csv"
TABLE = pd.read_csv(FILE, dtype=str, keep_default_na=False)

# The contract's groups (docs: data-contract, "Ethnic group of the index child"), written
# out here rather than read from the config, so a wrong group in either is caught.
CONTRACT_GROUP = {
    "WBRI": "White British",
    **dict.fromkeys(["WIRI", "WOTH", "WIRT", "WROM"], "White Other"),
    **dict.fromkeys(["MWBC", "MWBA", "MWAS", "MOTH"], "Mixed"),
    **dict.fromkeys(["AIND", "APKN", "ABAN", "AOTH"], "Asian/Asian British"),
    **dict.fromkeys(["BCRB", "BAFR", "BOTH"], "Black/Black British"),
    **dict.fromkeys(["CHNE", "OOTH"], "Other"),
    **dict.fromkeys(["REFU", "NOBT"], "Not known"),
}
# Official wording, checked against the sources named in the file's `source` column.
SPOT_CHECKS = {
    "Asian, Asian British or Asian Welsh: Indian": "AIND",
    "Black, Black British, Black Welsh, Caribbean or African: African": "BAFR",
    "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups": "MOTH",
    "White: English, Welsh, Scottish, Northern Irish or British": "WBRI",
    "White: Roma": "WROM",
    "Other ethnic group: Arab": "OOTH",
    "Asian/Asian British: Indian": "AIND",
    "Asian/Asian British: Chinese": "CHNE",
    "Black/African/Caribbean/Black British: Caribbean": "BCRB",
    "White: English/Welsh/Scottish/Northern Irish/British": "WBRI",
    "Mixed / multiple ethnic groups - White and Asian": "MWAS",
    "Black or Black British - African": "BAFR",
    "Asian or Asian British - Indian": "AIND",
    "A": "WBRI",
    "B": "WIRI",
    "C": "WOTH",
    "D": "MWBC",
    "H": "AIND",
    "R": "CHNE",
    "S": "OOTH",
    "Z": "REFU",
    "99": "NOBT",
    "White - British": "WBRI",
    "Gypsy / Roma": "WROM",
}
NHS_CODES = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "Z"]


def _settings() -> Settings:
    return Settings.from_config(check_config(load_default_config()))


def _clean_sins(column: str, values: list, settings: Settings | None = None):
    """Clean a SIN register whose ``column`` holds ``values`` (one row each)."""
    n = len(values)
    frame = pd.DataFrame(
        {
            "sin_id": [f"S{i}" for i in range(n)],
            "partnership": ["P"] * n,
            "incident_date": ["2021-01-01"] * n,
            "notification_date": ["2021-01-02"] * n,
            "incident_type": ["death"] * n,
            "child_sex": ["male"] * n,
            "child_ethnicity": ["WBRI"] * n,
        }
    )
    frame[column] = values
    table = SourceTable(frame.astype(object), "sins.xlsx", "sins", {c: c for c in frame.columns})
    return clean_source(table, "sin_register", settings or _settings())


def _variants(form: str) -> list[str]:
    """A written form as registers mangle it: case, padding, doubled spaces, en dashes."""
    return [
        form,
        form.upper(),
        f"  {form.lower()} ",
        form.replace(" ", "  "),
        form.replace(" - ", " \u2013 ").replace("-", "\u2010"),
        form.replace(" ", "\u00a0"),
    ]


def test_the_file_covers_every_standard_set_and_names_its_sources():
    classes = set(TABLE["classification"])
    assert {
        "DfE school census",
        "ONS 2001 census",
        "ONS 2011 census",
        "ONS 2021 census",
        "NHS Data Dictionary",
    } <= classes
    assert (TABLE["source"] != "").all()
    nhs = TABLE[
        (TABLE["attribute"] == "ethnicity") & (TABLE["classification"] == "NHS Data Dictionary")
    ]
    assert sorted(c for c in nhs["code"] if c) == sorted([*NHS_CODES, "99"])
    dfe = TABLE[TABLE["classification"] == "DfE school census"]
    assert set(dfe["code"]) == set(CONTRACT_GROUP) == set(dfe["maps_to"])


def test_every_label_and_code_of_every_classification_lands_in_its_dfe_code_and_group():
    settings = _settings()
    rows = TABLE[TABLE["attribute"] == "ethnicity"].to_dict("records")
    forms, expected = [], []
    for row in rows:
        for form in shipped.row_keys(row):
            for variant in _variants(form):
                forms.append(variant)
                expected.append(row["maps_to"])
    frame, quality = _clean_sins("child_ethnicity", forms, settings)
    assert quality.empty, quality.head().to_dict("records")
    assert frame["child_ethnicity"].tolist() == expected
    groups = ethnic_group(frame["child_ethnicity"], settings.codebook.ethnicity)
    assert groups.tolist() == [CONTRACT_GROUP[code] for code in expected]


@pytest.mark.parametrize(("written", "code"), SPOT_CHECKS.items())
def test_official_wording_reads_as_the_right_code(written, code):
    frame, quality = _clean_sins("child_ethnicity", [written])
    assert quality.empty
    assert frame["child_ethnicity"].tolist() == [code]


def test_a_value_read_through_a_classification_says_which_one():
    frame, _quality = _clean_sins(
        "child_ethnicity", ["Asian, Asian British or Asian Welsh: Indian", "K", "WBRI", None]
    )
    via = frame["child_ethnicity" + shipped.VIA_SUFFIX]
    assert via.tolist()[:2] == ["ONS 2021 census", "NHS Data Dictionary"]
    # The codebook's own code, and a blank, are not "read through" anything.
    assert via.isna().tolist()[2:] == [True, True]


def test_nhs_codes_typed_as_numbers_are_read():
    frame, quality = _clean_sins("child_ethnicity", [99.0, 99])
    assert quality.empty
    assert frame["child_ethnicity"].tolist() == ["NOBT", "NOBT"]


def test_an_unknown_value_still_gets_its_data_quality_row():
    frame, quality = _clean_sins("child_ethnicity", ["Martian", "Asian/Asian British: Indian"])
    assert frame["child_ethnicity"].isna().tolist() == [True, False]
    bad = quality.loc[quality["column"] == "child_ethnicity"]
    assert bad[["row", "value", "rule"]].values.tolist() == [[2, "Martian", "unknown code"]]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("M", "male"),
        ("F", "female"),
        ("Male", "male"),
        ("FEMALE", "female"),
        ("Boy", "male"),
        ("girl", "female"),
        ("Unknown", "not known"),
        ("Not stated", "not known"),
        ("Indeterminate", "other"),
        (1, "male"),
        ("2", "female"),
        ("X", "not known"),
    ],
)
def test_sex_spellings_read_as_the_codebook_codes(written, code):
    frame, quality = _clean_sins("child_sex", [written])
    assert quality.empty
    assert frame["child_sex"].tolist() == [code]


def test_every_sex_and_yes_no_form_of_the_file_is_read():
    settings = _settings()
    sex = TABLE[TABLE["attribute"] == "sex"].to_dict("records")
    forms = [(v, r["maps_to"]) for r in sex for f in shipped.row_keys(r) for v in _variants(f)]
    frame, quality = _clean_sins("child_sex", [f for f, _ in forms], settings)
    assert quality.empty
    assert frame["child_sex"].tolist() == [c for _, c in forms]
    yes_no = TABLE[TABLE["attribute"] == "yes_no"].to_dict("records")
    cells = [(v, r["maps_to"] == "yes") for r in yes_no for v in _variants(r["label"])]
    children = pd.DataFrame(
        {
            "lcspr_id": ["L1"] * len(cells),
            "child_ref": [f"C{i}" for i in range(len(cells))],
            "is_index_child": [c for c, _ in cells],
        }
    )
    table = SourceTable(children.astype(object), "s.xlsx", "children", {})
    frame, quality = clean_source(table, "children", settings)
    assert quality.empty
    assert frame["is_index_child"].tolist() == [yes for _, yes in cells]


def test_the_config_synonyms_come_first():
    config = check_config(load_default_config())
    config["codebook"]["synonyms"] = {**config["codebook"]["synonyms"], "boy": "female"}
    frame, _ = _clean_sins("child_sex", ["Boy"], Settings.from_config(config))
    assert frame["child_sex"].tolist() == ["female"]  # the team's (odd) choice wins


def test_a_file_where_one_form_means_two_values_is_refused(tmp_path):
    path = tmp_path / shipped.CLASSIFICATIONS_FILE
    bad = pd.concat(
        [TABLE.head(2), TABLE.head(1).assign(maps_to="WIRI", classification="mine")],
        ignore_index=True,
    )
    bad.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 4: 'WBRI' maps to 'WIRI' here but to 'WBRI'"):
        shipped.load(path)


def test_headings_and_classifications_share_no_spelling_rules_by_accident():
    # Matching keys fold dashes and spacing; headings fold case and spaces to "_".
    assert shipped.match_key("White \u2013 British") == shipped.match_key("white-british")
    assert normalise_header("Child's  ethnicity") == "child's_ethnicity"


def _ons_nhs_cohort(tmp_path):
    """The tiny cohort with ONS 2021 wording in the schedule and NHS codes in the SIN register."""
    frames = tiny_frames()
    ons = {
        "WBRI": "White: English, Welsh, Scottish, Northern Irish or British",
        "BAFR": "Black, Black British, Black Welsh, Caribbean or African: African",
        "NOBT": "99",
    }
    children = frames["children"].copy()
    children["ethnicity"] = (
        children["ethnicity"].map(ons).fillna("Mixed or Multiple ethnic groups: White and Asian")
    )
    children["sex"] = children["sex"].map({"male": "1", "female": "2"}).fillna("F")
    sins = frames["sin_register"].copy()
    sins["child_ethnicity"] = ["F", "A", "A", "S"]
    config = load_default_config()
    config["exclusions"] = []
    for source, path in write_tiny_inputs(tmp_path).items():
        config["inputs"][source]["path"] = path
    write_xlsx({"sins": sins}, tmp_path / "sin_register.xlsx")
    write_xlsx(
        {"reviews": frames["reviews"], "children": children},
        tmp_path / "lcspr_coding_schedule.xlsx",
    )
    config["reference"] = {k: str(ROOT / v) for k, v in config["reference"].items()}
    configfile = config_into(tmp_path, config)
    return check_inputs(check_config(yaml.safe_load(configfile.read_text(encoding="utf-8"))), 2021)


def test_ons_and_nhs_coded_inputs_are_never_missing_nor_taken_from_the_sin(tmp_path):
    result = _ons_nhs_cohort(tmp_path)
    columns = {"ethnicity", "child_ethnicity", "sex", "child_sex"}
    assert not result.quality["column"].isin(columns).any()
    lcsprs = result.cohort.lcsprs
    sources = data_sources_table(lcsprs).frame.set_index("attribute")
    assert sources.loc["ethnicity", ["n_from_sin", "n_not_known"]].tolist() == [0, 0]
    assert sources.loc["sex", ["n_from_sin", "n_not_known"]].tolist() == [0, 0]
    assert sources.loc["ethnicity", "n_from_coding_schedule"] == lcsprs["has_index_child"].sum()
    # data_sources names the classifications the index children's values were read through.
    notes = data_sources_table(lcsprs).notes
    assert (
        "Values of ethnicity written in a standard classification were read as codes: "
        "NHS Data Dictionary, ONS 2021 census." in notes
    )
    assert (
        "Values of sex written in a standard classification were read as codes: "
        "NHS Data Dictionary." in notes
    )
    # The reconciliation says which classification read how many values, per source.
    recon = result.cohort.reconciliation
    classified = recon.loc[recon["status"] == shipped.RECONCILIATION_STATUS]
    assert set(zip(classified["source"], classified["reason"], classified["rows"])) == {
        (
            "children",
            "ethnicity: read through the ONS 2021 census classification (valid values)",
            7,
        ),
        (
            "children",
            "ethnicity: read through the NHS Data Dictionary classification (valid values)",
            1,
        ),
        ("children", "sex: read through the NHS Data Dictionary classification (valid values)", 6),
        (
            "sin_register",
            "child_ethnicity: read through the NHS Data Dictionary classification (valid values)",
            4,
        ),
    }
