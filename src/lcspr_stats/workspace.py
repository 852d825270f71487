"""A new cohort's workspace: its config, blank input templates and reference files."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import yaml

from . import config as cfg
from .determinism import atomic_write_text
from .errors import InputError
from .input_templates import write_templates
from .settings import Settings
from .sources import SOURCE_TABLE

# Files of a workspace, relative to its folder; {year} is the cohort year.
INPUT_FILES = {source.name: f"inputs/{{year}}/{source.file}" for source in SOURCE_TABLE}
REFERENCE_DIR = "reference"
TOP_LEVEL_KEY = re.compile(r"^([A-Za-z_][\w-]*):")


# Names the project folder when the package is installed on its own (``pip install .``).
PROJECT_VARIABLE = "LCSPR_STATS_PROJECT"


def project_root() -> Path:
    """The lcspr-stats project folder: the one holding the Snakefile and workflow/.

    The folder named by ``LCSPR_STATS_PROJECT`` if set, else the project the
    package sits in (an editable install, ``pip install -e .``). A plain
    ``pip install .`` copies only the package, so it needs the variable.

    Raises
    ------
    InputError
        If that folder holds no workflow.
    """
    named = os.environ.get(PROJECT_VARIABLE)
    # The source tree: src/lcspr_stats/ is two levels below the project folder.
    root = Path(named) if named else Path(__file__).resolve().parents[2]
    if (root / "Snakefile").is_file() and (root / "workflow" / "rules").is_dir():
        return root
    if named:
        raise InputError(
            f"{PROJECT_VARIABLE} names no lcspr-stats project (Snakefile, workflow/)", file=named
        )
    raise InputError(
        f"cannot find the lcspr-stats workflow (Snakefile) above {Path(__file__).parent}; "
        f"set {PROJECT_VARIABLE} to the lcspr-stats folder, or install the package from "
        "it with `pip install -e .`"
    )


def default_config_path() -> Path:
    """The project's own config.yaml (the bundled synthetic cohort)."""
    return project_root() / "config.yaml"


def _blocks(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Line span ``[start, end)`` of each top-level key's value in a YAML text.

    A block runs from its key's line up to the next key, less the comment
    lines just above that key (they describe it) and the blank lines above them.
    """
    starts = [(i, m.group(1)) for i, line in enumerate(lines) if (m := TOP_LEVEL_KEY.match(line))]
    spans = {}
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        while end > start + 1 and lines[end - 1].startswith("#"):
            end -= 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        spans[key] = (start, end)
    return spans


def render_config(base_text: str, values: dict[str, str], header: str) -> str:
    """A config text: ``base_text`` with some top-level keys' values replaced.

    The comments of ``base_text`` are kept (its leading comment block becomes
    ``header``), so every key stays explained.

    Parameters
    ----------
    base_text : str
        The YAML text of the config to start from.
    values : dict
        Top-level key -> the YAML text that replaces its whole block
        (beginning ``key:``). Keys the base lacks are appended.
    header : str
        Comment lines put in place of the base's leading comments.
    """
    lines = base_text.splitlines(keepends=True)
    spans = _blocks(lines)
    first = min((s for s, _ in spans.values()), default=len(lines))
    # The leading comment block ends at the first blank line before any key.
    intro_end = next((i for i in range(first) if not lines[i].strip()), 0)
    out = [header.rstrip("\n") + "\n"]
    i = intro_end
    replaced = set()
    while i < len(lines):
        key = next((k for k, (s, _) in spans.items() if s == i), None)
        if key in values:
            out.append(values[key].rstrip("\n") + "\n")
            replaced.add(key)
            i = spans[key][1]
            continue
        out.append(lines[i])
        i += 1
    for key, text in values.items():
        if key not in replaced:
            out.append("\n" + text.rstrip("\n") + "\n")
    return "".join(out)


def workspace_values(year: int, base: Settings) -> dict[str, str]:
    """The YAML text of each key ``init`` sets in a new cohort's config.

    ``base`` is the settings of the config the new one starts from.
    """
    sheet = {source: base.inputs.sheet(source) for source in cfg.SOURCES}
    inputs = [
        "inputs:",
        "  # Blank templates written by `lcspr-stats init`: fill them in or paste into",
        "  # them. Put an earlier cohort's files in inputs/<year>/ and add its year to",
        "  # cohorts to compare the years (results/trends/).",
    ]
    for source in SOURCE_TABLE:
        inputs += [
            f"  # {source.description}",
            f"  {source.name}:",
            f"    path: {INPUT_FILES[source.name]}",
            f"    sheet: {sheet[source.name]}",
        ]
    reference = ["reference:"] + [
        f"  {key}: {REFERENCE_DIR}/{Path(path).name}"
        for key, path in base.reference.by_name.items()
    ]
    return {
        "cohorts": f"cohorts: [{int(year)}]",
        "inputs": "\n".join(inputs),
        "processed_dir": "processed_dir: processed   # intermediate frames (not for publication)",
        "results_dir": "results_dir: results       # results/<year>/... (aggregates only)",
        "logs_dir": "logs_dir: logs             # one log per job (may name input files)",
        "exclusions": "\n".join(
            [
                "exclusions: []",
                "# For example:",
                "#   - lcspr_id: LCSPR-2022-007",
                "#     statistic: rr_to_lcspr",
                "#     reason: Paused for criminal proceedings by agreement with the Panel.",
            ]
        ),
        "reference": "\n".join(reference),
    }


# A new cohort's data are real: the bundled cohort's "synthetic" source line and
# notice must not follow them into the workbook and report.
NEW_SOURCE = '"[Source of the data: to be written before publication]"'


def neutral_release(text: str) -> str:
    """Replace the release block's ``source`` and ``data_notice`` with neutral values.

    Only those two keys of the top-level ``release:`` block change; their
    comments and every other key stay as they are.
    """
    lines = text.splitlines(keepends=True)
    span = _blocks(lines).get("release")
    if span is None:
        return text
    start, end = span
    out, i = [], start
    while i < end:
        match = re.match(r"^  (source|data_notice):", lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        value = NEW_SOURCE if match.group(1) == "source" else '""'
        out.append(f"  {match.group(1)}: {value}\n")
        i += 1
        # Skip the old value's continuation lines (a folded block scalar).
        while i < end and lines[i].startswith("    "):
            i += 1
    return "".join(lines[:start] + out + lines[end:])


def init_workspace(
    directory: str | Path,
    year: int,
    base_config: str | Path | None = None,
    *,
    force: bool = False,
) -> list[Path]:
    """Set up a folder for a new cohort: config, blank templates, SCR reference files.

    Parameters
    ----------
    directory : str or Path
        The workspace folder (created if needed).
    year : int
        The cohort year.
    base_config : str or Path, optional
        Config whose codebook, durations and other settings the new config
        keeps (default: the project's config.yaml). Its exclusions are not
        kept: they name LCSPRs of its own cohorts.
    force : bool
        Overwrite files that exist.

    Returns
    -------
    list of Path
        Every file written, config first.

    Raises
    ------
    InputError
        A file exists (without ``force``), or the base config is unusable.
    """
    directory = Path(directory)
    base_path = Path(base_config) if base_config else default_config_path()
    base = Settings.from_config(cfg.load_config(base_path))
    base_text = base_path.read_text(encoding="utf-8")
    header = (
        f"# lcspr-stats configuration for the {int(year)} cohort, written by\n"
        f"# `lcspr-stats init` from {base_path.name}. Every key is checked against\n"
        "# the lcspr_stats config schema before anything runs.\n"
        "# Relative paths resolve against this file's folder: run it with\n"
        "#   lcspr-stats validate --config THIS_FILE\n"
        "#   lcspr-stats run --config THIS_FILE\n"
    )
    text = neutral_release(render_config(base_text, workspace_values(year, base), header))
    # The base's reference folders are copied whole (the SCR figures, their
    # README and any other file the config names beside them), and every path
    # into them is pointed at the workspace's reference/ folder.
    folders = list(dict.fromkeys(str(Path(p).parent) for p in base.reference.files))
    references = []
    for folder in folders:
        if folder not in ("", "."):
            text = text.replace(f"{folder}/", f"{REFERENCE_DIR}/")
        for source in sorted((base_path.parent / folder).glob("*")):
            if source.is_file():
                references.append((source, directory / REFERENCE_DIR / source.name))
    settings = Settings.from_config(cfg.check_config(yaml.safe_load(text)))

    config_path = directory / "config.yaml"
    template_paths = sorted({directory / settings.input_path(s, year) for s in cfg.SOURCES})
    targets = [config_path, *template_paths, *(target for _, target in references)]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise InputError(
            "already exists; choose a new folder or pass --force to overwrite: "
            + ", ".join(existing),
            file=existing[0] if len(existing) == 1 else "",
        )
    for path in base.reference.files:
        if not (base_path.parent / path).is_file():
            raise InputError("reference file not found", file=str(base_path.parent / path))

    atomic_write_text(config_path, text)
    written = [config_path, *write_templates(settings, year, directory)]
    for source, target in references:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written
