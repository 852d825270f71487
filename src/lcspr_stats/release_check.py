"""`lcspr-stats check-release`: what must be put right before a run's results are shared.

Each check returns plain sentences, never a cell value or an id: the
confidentiality scan says which file holds an identifier and what kind it
is, not the identifier.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config as cfg

# Release settings that are still the template's: bracketed text, "to be added".
PLACEHOLDER = re.compile(
    r"\[[^\]]*\]|\bto be (added|confirmed|completed)\b|\btodo\b|\btbc\b|\bplaceholder\b|xxx",
    re.IGNORECASE,
)
RELEASE_TEXTS = ("title", "producer", "source", "contact", "data_notice")
SYNTHETIC = re.compile(r"\bsynthetic\b", re.IGNORECASE)
BUNDLED_DATA = Path("data") / "raw" / "synthetic_2021"
MIN_THRESHOLD = 3
# Files whose text the scan reads (PNG charts carry their words in the SVG twins).
TEXT_SUFFIXES = {".csv", ".json", ".md", ".html", ".svg", ".txt"}
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]+>")
# An identifier is at most this many words long (ids are one run; names a few words).
MOST_WORDS = 6


@dataclass(frozen=True)
class Finding:
    """One thing to put right before sharing: which check, and what to do."""

    check: str
    message: str

    def render(self) -> str:
        """The line shown to the user."""
        return f"{self.check}: {self.message}"


def placeholders(config: dict) -> list[Finding]:
    """Release settings that still hold template text (``[Contact details ...]``)."""
    release = config["release"]
    found = []
    for key in RELEASE_TEXTS:
        text = str(release[key] if key in release else "")
        if PLACEHOLDER.search(text):
            found.append(
                Finding(
                    "placeholder",
                    f"release.{key} still holds template text; write the real {key} in the config",
                )
            )
    return found


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_bundled_cohort(config: dict, folder: Path, project: Path | None) -> bool:
    """True when every input file is byte for byte the bundled synthetic cohort's."""
    if project is None:
        return False
    bundled = project / BUNDLED_DATA
    for year in config["cohorts"]:
        for source in cfg.SOURCES:
            path = folder / cfg.input_path(config, source, year)
            twin = bundled / path.name
            if not (path.is_file() and twin.is_file() and _sha256(path) == _sha256(twin)):
                return False
    return True


def synthetic_notice(config: dict, folder: Path, project: Path | None) -> list[Finding]:
    """The bundled cohort's "synthetic" wording on data that are not the bundled cohort."""
    release = config["release"]
    keys = [k for k in RELEASE_TEXTS if SYNTHETIC.search(str(release[k] if k in release else ""))]
    if not keys or is_bundled_cohort(config, folder, project):
        return []
    return [
        Finding(
            "synthetic notice",
            f"release.{key} says the data are synthetic, but the inputs are not the bundled "
            "synthetic cohort; describe the real data (or empty data_notice)",
        )
        for key in keys
    ]


def disclosure(config: dict) -> list[Finding]:
    """Disclosure control off, or a threshold below :data:`MIN_THRESHOLD`."""
    control = config["disclosure_control"]  # validated: defaults filled
    if not control["enabled"]:
        return [
            Finding(
                "disclosure control",
                "disclosure_control.enabled is false, so small counts are shown; set it to "
                "true and run again",
            )
        ]
    threshold = int(control["threshold"])
    if threshold < MIN_THRESHOLD:
        return [
            Finding(
                "disclosure control",
                f"disclosure_control.threshold is {threshold}; counts of {MIN_THRESHOLD - 1} "
                f"or fewer could identify a child: use {MIN_THRESHOLD} or more",
            )
        ]
    return []


def strict_with_problems(config: dict, results: Path) -> list[Finding]:
    """Strict mode off while a cohort's ``data_quality.csv`` lists problems."""
    if config["strict"]:
        return []
    found = []
    for year in config["cohorts"]:
        report = results / str(year) / "data_quality.csv"
        if not report.is_file():
            continue
        rows = len(pd.read_csv(report, dtype=str, keep_default_na=False))
        if rows:
            found.append(
                Finding(
                    "data problems",
                    f"{report} lists {rows} problem{'s' if rows != 1 else ''} and strict is "
                    "false; fix them, or say in the release why they stay",
                )
            )
    return found


def stale_results(config: dict, folder: Path, results: Path, config_file: Path) -> list[Finding]:
    """A cohort's results missing, or older than the config or any input or reference file."""
    found = []
    sources = [config_file] + [Path(p) for p in config["reference"].values()]
    for year in config["cohorts"]:
        cohort = results / str(year)
        made = [p for p in cohort.rglob("*") if p.is_file()] if cohort.is_dir() else []
        if not made or not (cohort / "manifest.json").is_file():
            found.append(
                Finding("results", f"{cohort}/ has no complete results; run lcspr-stats run")
            )
            continue
        oldest = min(p.stat().st_mtime for p in made)
        inputs = [folder / cfg.input_path(config, s, year) for s in cfg.SOURCES]
        newer = [
            str(p)
            for p in dict.fromkeys([*sources, *inputs])
            if (folder / p).is_file() and (folder / p).stat().st_mtime > oldest
        ]
        if newer:
            found.append(
                Finding(
                    "results",
                    f"{cohort}/ is older than {', '.join(newer)}; run lcspr-stats run again "
                    "(--force to remake everything)",
                )
            )
    return found


def file_text(path: Path) -> str:
    """The words a reader of ``path`` sees: text files as they are, workbooks by their XML."""
    if path.suffix in TEXT_SUFFIXES:
        return path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return "\n".join(
                _TAG.sub(" ", book.read(name).decode("utf-8", "replace"))
                for name in book.namelist()
                if name.endswith(".xml")
            )
    return ""


def identifiers_in(text: str, identifiers: frozenset[str]) -> bool:
    """True if a run of up to :data:`MOST_WORDS` whole words of ``text`` is an identifier."""
    lowered = text.lower()
    spans = [(m.start(), m.end()) for m in _WORD.finditer(lowered)]
    for i, (start, _) in enumerate(spans):
        for _, end in spans[i : i + MOST_WORDS]:
            part = lowered[start:end]
            if len(part) >= 3 and part in identifiers:
                return True
    return False


def identifiers_found(config: dict, results: Path, processed: Path) -> list[Finding]:
    """Files under each cohort's results that hold an id or partnership name of its inputs.

    The identifiers are those :func:`lcspr_stats.confidential.identifying_values`
    takes from the clean frames the run wrote (``<processed_dir>/<year>/ingest``).
    """
    from .confidential import identifying_values

    found = []
    for year in config["cohorts"]:
        frames = {
            p.stem: pd.read_pickle(p)
            for p in sorted((processed / str(year) / "ingest").glob("*.pkl"))
        }
        if not frames:
            continue
        identifiers = identifying_values(frames)
        for path in sorted((results / str(year)).rglob("*")):
            if path.is_file() and identifiers_in(file_text(path), identifiers):
                found.append(
                    Finding(
                        "identifier",
                        f"{path} holds an id or partnership name from the inputs (not shown "
                        "here); remove it before sharing",
                    )
                )
    return found


def check_release(config: dict, config_file: Path, project: Path | None) -> list[Finding]:
    """Every finding of every check, in the order the user guide lists them.

    Parameters
    ----------
    config : dict
        The validated config.
    config_file : Path
        Its path (relative paths in it resolve against its folder).
    project : Path, optional
        The lcspr-stats project folder, to recognise the bundled cohort.

    Returns
    -------
    list of Finding
        Empty when the release can be shared.
    """
    folder = config_file.resolve().parent
    results = folder / config["results_dir"]
    processed = folder / config["processed_dir"]
    return [
        *placeholders(config),
        *synthetic_notice(config, folder, project),
        *disclosure(config),
        *strict_with_problems(config, results),
        *stale_results(config, folder, results, config_file.resolve()),
        *identifiers_found(config, results, processed),
    ]
