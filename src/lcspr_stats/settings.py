"""The run's settings: typed, immutable sections built once from the validated config.

Every default lives in the config schema (lcspr_stats/schemas/config.schema.yaml);
:meth:`Settings.from_config` fills the ones a config leaves out from there and
nowhere else, so no module spells a default of its own.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .config import SOURCES, _fill_defaults, load_schema

# One rule fills defaults: the one check_config applies.
from .errors import InputError

# Reference files looked for beside ``reference.scr_periods`` when the config names none.
CLASSIFICATIONS_FILE = "classifications.csv"
LABELS_FILE = "output_labels.csv"


def classifications_path(scr_periods: str) -> Path:
    """Where the shipped classifications are looked for: beside ``reference.scr_periods``."""
    return Path(scr_periods).parent / CLASSIFICATIONS_FILE


class FrozenMap(Mapping):
    """A read-only, hashable mapping (insertion order kept).

    Parameters
    ----------
    items : Mapping, optional
        The keys and values; values should themselves be hashable.
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, items: Mapping | None = None) -> None:
        self._data = dict(items or {})
        self._hash: int | None = None

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._data) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


def freeze(value: Any) -> Any:
    """``value`` made immutable: mappings become :class:`FrozenMap`, lists tuples (recursively)."""
    if isinstance(value, Mapping):
        return FrozenMap({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


@cache
def _schema() -> dict:
    # Read once per process: building Settings must stay cheap (every stage builds one).
    return load_schema()


def fill_defaults(instance: Any, schema: dict) -> Any:
    """A deep copy of ``instance`` with the schema's defaults filled in, recursively.

    The rule of :func:`lcspr_stats.config.check_config` (and of Snakemake's
    ``validate(config, schema)``): a default object is itself filled. Neither
    ``instance`` nor the schema is changed or shared with the result.
    """
    filled = copy.deepcopy(instance)
    _fill_defaults(filled, schema)
    # The filled-in defaults are the schema's own objects: copy them out of it.
    return copy.deepcopy(filled)


def schema_defaults(section: str | None = None) -> dict:
    """The schema's defaults: every top-level one, or those of one section (e.g. ``uncertainty``).

    Parameters
    ----------
    section : str, optional
        A top-level key whose ``properties`` carry defaults.

    Returns
    -------
    dict
        A fresh dict (safe to change).
    """
    schema = _schema()
    if section is not None:
        schema = schema["properties"][section]
    return fill_defaults({}, schema)


@dataclass(frozen=True)
class Source:
    """One input source: its file (``{year}`` filled per cohort) and sheet.

    Attributes
    ----------
    path : str
        The path as configured, ``{year}`` unfilled.
    sheet : str
        The sheet (or table) name.
    columns : FrozenMap of str to str
        The source's headings as it writes them -> contract columns
        (``inputs.<source>.columns``; empty: the contract's own headings).
    """

    path: str
    sheet: str
    columns: FrozenMap = field(default_factory=FrozenMap)

    def path_for(self, year: int | str) -> str:
        """The path of this source for one cohort year."""
        return self.path.replace("{year}", str(year))


@dataclass(frozen=True)
class Inputs:
    """The four input sources, by name (``SOURCES`` order).

    Attributes
    ----------
    sin_register, rapid_review_register, reviews, children : Source
        Each source's path and sheet.
    """

    sin_register: Source
    rapid_review_register: Source
    reviews: Source
    children: Source

    def __getitem__(self, source: str) -> Source:
        if source not in SOURCES:
            raise KeyError(source)
        return getattr(self, source)

    def input_path(self, source: str, year: int | str) -> str:
        """Path of one source for a cohort year (``{year}`` in the path is filled)."""
        return self[source].path_for(year)

    def sheet(self, source: str) -> str:
        """Sheet name of one source."""
        return self[source].sheet

    def paths(self, year: int | str) -> list[str]:
        """Every source's path for one cohort, each file once, in ``SOURCES`` order."""
        return list(dict.fromkeys(self.input_path(s, year) for s in SOURCES))


@dataclass(frozen=True)
class Dirs:
    """Where a run writes.

    Attributes
    ----------
    processed : str
        Intermediate files (``processed_dir``).
    results : str
        The release (``results_dir``).
    logs : str
        Logs (``logs_dir``).
    """

    processed: str
    results: str
    logs: str


@dataclass(frozen=True)
class Durations:
    """How durations are measured and the targets they are compared with.

    Attributes
    ----------
    weeks : str
        ``completed`` (whole weeks) or ``exact``.
    rr_within_working_days : int
        Target for incident to rapid review, in working days.
    bank_holiday_subdivision : str
        The ``holidays`` subdivision whose bank holidays are not working days.
    lcspr_within_days : int
        Target for rapid review to LCSPR, in days.
    rr_clock_start : str
        ``incident`` (as published) or ``notification``: the date the working
        days to the rapid review are counted from.
    """

    weeks: str
    rr_within_working_days: int
    bank_holiday_subdivision: str
    lcspr_within_days: int
    rr_clock_start: str = "incident"


@dataclass(frozen=True)
class Exclusion:
    """One LCSPR left out of one duration statistic, with the reason shown.

    Attributes
    ----------
    lcspr_id : str
    statistic : str
        ``incident_to_rr`` or ``rr_to_lcspr``.
    reason : str
    """

    lcspr_id: str
    statistic: str
    reason: str

    def as_dict(self) -> dict:
        """The exclusion as the config spells it."""
        return asdict(self)


@dataclass(frozen=True)
class Reference:
    """The published reference tables the cohort is compared with.

    Attributes
    ----------
    scr_periods, scr_age_bands, scr_death_serious_harm : str
        Paths of the three CSV files.
    files : tuple of str
        The same paths in the order the config lists them (for the manifest).
    by_name : FrozenMap of str to str
        Config key to path, in the config's order.
    """

    scr_periods: str
    scr_age_bands: str
    scr_death_serious_harm: str
    files: tuple[str, ...]
    by_name: FrozenMap


@dataclass(frozen=True)
class AgeBand:
    """One age band of the index child (inclusive years)."""

    label: str
    min: int
    max: int


@dataclass(frozen=True)
class EthnicityCode:
    """One ethnicity code: its label and the group it is counted in."""

    label: str
    group: str


@dataclass(frozen=True)
class Codebook:
    """The codes the inputs use and how they are grouped (config ``codebook``).

    Attributes
    ----------
    raw : FrozenMap
        The whole section as configured (read-only; lists are tuples).
    yes_values, no_values, sex, sin_incident_types, review_incident_types, lcspr_decisions, \
review_types, publication, published_statuses, methodology, ethnic_groups, \
minoritised_groups, harm_subcategories : tuple of str
        Code lists.
    synonyms, practice_themes : FrozenMap of str to str
        Spelling to code; theme column to its label.
    harm_categories, serious_harm_groups : FrozenMap of str to tuple of str
        Categories per incident type; serious-harm groups and their categories.
    review_type_missing_label, harm_subcategory_of, methodology_not_stated : str
    age_bands : tuple of AgeBand
    subsample_age_split : int
    ethnicity : FrozenMap of str to EthnicityCode
    """

    raw: FrozenMap = field(repr=False)
    yes_values: tuple[str, ...]
    no_values: tuple[str, ...]
    sex: tuple[str, ...]
    synonyms: FrozenMap
    sin_incident_types: tuple[str, ...]
    review_incident_types: tuple[str, ...]
    lcspr_decisions: tuple[str, ...]
    review_types: tuple[str, ...]
    review_type_missing_label: str
    harm_categories: FrozenMap
    harm_subcategory_of: str
    harm_subcategories: tuple[str, ...]
    serious_harm_groups: FrozenMap
    publication: tuple[str, ...]
    published_statuses: tuple[str, ...]
    methodology: tuple[str, ...]
    methodology_not_stated: str
    practice_themes: FrozenMap
    age_bands: tuple[AgeBand, ...]
    subsample_age_split: int
    ethnicity: FrozenMap
    ethnic_groups: tuple[str, ...]
    minoritised_groups: tuple[str, ...]

    @classmethod
    def from_section(cls, section: Mapping) -> Codebook:
        """Build from the config's ``codebook`` section (defaults already filled)."""
        raw = freeze(section)
        lists = {
            name: tuple(raw[name])
            for name in (
                "yes_values",
                "no_values",
                "sex",
                "sin_incident_types",
                "review_incident_types",
                "lcspr_decisions",
                "review_types",
                "harm_subcategories",
                "publication",
                "published_statuses",
                "methodology",
                "ethnic_groups",
                "minoritised_groups",
            )
        }
        return cls(
            raw=raw,
            synonyms=raw["synonyms"],
            review_type_missing_label=raw["review_type_missing_label"],
            harm_categories=raw["harm_categories"],
            harm_subcategory_of=raw["harm_subcategory_of"],
            serious_harm_groups=raw["serious_harm_groups"],
            methodology_not_stated=raw["methodology_not_stated"],
            practice_themes=raw["practice_themes"],
            age_bands=tuple(
                AgeBand(b["label"], int(b["min"]), int(b["max"])) for b in raw["age_bands"]
            ),
            subsample_age_split=int(raw["subsample_age_split"]),
            ethnicity=FrozenMap(
                {
                    code: EthnicityCode(e["label"], e["group"])
                    for code, e in raw["ethnicity"].items()
                }
            ),
            **lists,
        )

    @property
    def age_band_labels(self) -> tuple[str, ...]:
        """The age bands' labels, in order."""
        return tuple(b.label for b in self.age_bands)

    @property
    def ethnicity_not_known(self) -> str:
        """The group a child with no usable ethnicity is counted in (the last group listed)."""
        return self.ethnic_groups[-1]


@dataclass(frozen=True)
class DurationBins:
    """Width of the bars in the duration charts, in weeks."""

    incident_to_rapid_review: int
    rapid_review_to_lcspr: int


@dataclass(frozen=True)
class Release:
    """How the results are released: workbook cover, charts, report (config ``release``).

    Attributes
    ----------
    title, producer, source, contact, data_notice : str
    labels : str or None
        A labels file replacing the default labels, if set.
    duration_bin_weeks : DurationBins
    figure_dpi : int
    """

    title: str
    producer: str
    source: str
    contact: str
    data_notice: str
    labels: str | None
    duration_bin_weeks: DurationBins
    figure_dpi: int

    def as_dict(self) -> dict:
        """The section as the config spells it (for code that still takes the mapping)."""
        return asdict(self)


@dataclass(frozen=True)
class Uncertainty:
    """Confidence intervals and tests (config ``uncertainty``).

    Attributes
    ----------
    confidence_level : float
    interval_decimals : int
    bootstrap_resamples : int
    seed : int
    comparison_period : str or None
        The reference period compared with; ``None`` means the last one listed.
    min_expected_count : float
    monte_carlo_resamples : int
    median_interval : str
        ``exact`` (order statistics, no seed) or ``bootstrap``.
    goodness_of_fit_assuming_fixed_scr_shares : bool
        Also test the cohort against the SCR shares taken as exact (the old test).
    """

    confidence_level: float
    interval_decimals: int
    bootstrap_resamples: int
    seed: int
    comparison_period: str | None
    min_expected_count: float
    monte_carlo_resamples: int
    median_interval: str = "exact"
    goodness_of_fit_assuming_fixed_scr_shares: bool = False

    def as_dict(self) -> dict:
        """The section as a dict (the ``ci`` mapping table builders and key figures take)."""
        return asdict(self)


@dataclass(frozen=True)
class Disclosure:
    """Statistical disclosure control (config ``disclosure_control``).

    Attributes
    ----------
    enabled : bool
    threshold : int
        Counts from 1 to ``threshold - 1`` are suppressed.
    suppress_zeros : bool
    """

    enabled: bool
    threshold: int
    suppress_zeros: bool


@dataclass(frozen=True)
class PlausibleDates:
    """The years any date may fall in (config ``plausible_dates``; issue 14).

    Attributes
    ----------
    earliest_year, latest_year : int
    """

    earliest_year: int
    latest_year: int

    @property
    def years(self) -> tuple[int, int]:
        """``(earliest_year, latest_year)``."""
        return (self.earliest_year, self.latest_year)


@dataclass(frozen=True)
class Settings:
    """Everything a run is configured with, typed and read-only.

    Build it once with :meth:`from_config` where a stage or command starts and
    pass it (or the section a function needs) down.

    Attributes
    ----------
    cohorts : tuple of int
    inputs : Inputs
    dirs : Dirs
    strict : bool
    dates_day_first : bool
    plausible_dates : PlausibleDates
        The earliest and latest year a date may fall in.
    max_input_bytes, max_unzipped_bytes : int
    rapid_review_years : tuple of int
        As configured (empty: see :meth:`rapid_review_years_for`).
    durations : Durations
    percent_rounding : str
        ``half_up`` or ``half_even``.
    exclusions : tuple of Exclusion
    reference : Reference
    codebook : Codebook
    release : Release
    uncertainty : Uncertainty
    disclosure : Disclosure
    breakdowns : tuple of FrozenMap
        The tables declared in config (:mod:`lcspr_stats.breakdowns`), as declared.
    as_at_date : datetime.date or None
        As configured (None: see :meth:`as_at`).
    config : dict
        The validated config with defaults filled (a private copy; not compared
        or hashed). Only for the manifest, which records it, and for code not
        yet converted that takes the mapping; do not change it.
    """

    cohorts: tuple[int, ...]
    inputs: Inputs
    dirs: Dirs
    strict: bool
    dates_day_first: bool
    plausible_dates: PlausibleDates
    max_input_bytes: int
    max_unzipped_bytes: int
    rapid_review_years: tuple[int, ...]
    durations: Durations
    percent_rounding: str
    exclusions: tuple[Exclusion, ...]
    reference: Reference
    codebook: Codebook
    release: Release
    uncertainty: Uncertainty
    disclosure: Disclosure
    breakdowns: tuple[FrozenMap, ...]
    as_at_date: dt.date | None
    config: dict = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_config(cls, config: Mapping | Settings) -> Settings:
        """Build the settings from a config that passed the schema.

        Parameters
        ----------
        config : dict or Settings
            A config checked by :func:`lcspr_stats.config.check_config` or
            Snakemake's ``validate``; defaults the config leaves out are filled
            from the schema (again, harmlessly, if already filled). A
            ``Settings`` is returned as it is.

        Returns
        -------
        Settings
        """
        if isinstance(config, Settings):
            return config
        filled = fill_defaults(dict(config), _schema())
        inputs = filled["inputs"]
        release = filled["release"]
        bins = release["duration_bin_weeks"]
        ci = filled["uncertainty"]
        durations = filled["durations"]
        sdc = filled["disclosure_control"]
        reference = filled["reference"]
        return cls(
            cohorts=tuple(int(y) for y in filled["cohorts"]),
            inputs=Inputs(
                **{
                    s: Source(
                        str(inputs[s]["path"]),
                        str(inputs[s]["sheet"]),
                        FrozenMap({str(k): str(v) for k, v in inputs[s]["columns"].items()}),
                    )
                    for s in SOURCES
                }
            ),
            dirs=Dirs(
                processed=str(filled["processed_dir"]),
                results=str(filled["results_dir"]),
                logs=str(filled["logs_dir"]),
            ),
            strict=bool(filled["strict"]),
            dates_day_first=bool(filled["dates_day_first"]),
            plausible_dates=PlausibleDates(
                earliest_year=int(filled["plausible_dates"]["earliest_year"]),
                latest_year=int(filled["plausible_dates"]["latest_year"]),
            ),
            max_input_bytes=int(filled["max_input_bytes"]),
            max_unzipped_bytes=int(filled["max_unzipped_bytes"]),
            rapid_review_years=tuple(int(y) for y in filled["rapid_review_years"]),
            durations=Durations(
                weeks=durations["weeks"],
                rr_within_working_days=int(durations["rr_within_working_days"]),
                bank_holiday_subdivision=durations["bank_holiday_subdivision"],
                lcspr_within_days=int(durations["lcspr_within_days"]),
                rr_clock_start=durations["rr_clock_start"],
            ),
            percent_rounding=filled["percent_rounding"],
            exclusions=tuple(
                Exclusion(str(e["lcspr_id"]), e["statistic"], e["reason"])
                for e in filled["exclusions"]
            ),
            reference=Reference(
                scr_periods=str(reference["scr_periods"]),
                scr_age_bands=str(reference["scr_age_bands"]),
                scr_death_serious_harm=str(reference["scr_death_serious_harm"]),
                files=tuple(str(p) for p in reference.values()),
                by_name=FrozenMap({k: str(p) for k, p in reference.items()}),
            ),
            codebook=Codebook.from_section(filled["codebook"]),
            release=Release(
                title=release["title"],
                producer=release["producer"],
                source=release["source"],
                contact=release["contact"],
                data_notice=release["data_notice"],
                labels=release["labels"],
                duration_bin_weeks=DurationBins(
                    incident_to_rapid_review=int(bins["incident_to_rapid_review"]),
                    rapid_review_to_lcspr=int(bins["rapid_review_to_lcspr"]),
                ),
                figure_dpi=int(release["figure_dpi"]),
            ),
            uncertainty=Uncertainty(
                confidence_level=float(ci["confidence_level"]),
                interval_decimals=int(ci["interval_decimals"]),
                bootstrap_resamples=int(ci["bootstrap_resamples"]),
                seed=int(ci["seed"]),
                comparison_period=ci["comparison_period"],
                min_expected_count=ci["min_expected_count"],
                monte_carlo_resamples=int(ci["monte_carlo_resamples"]),
                median_interval=ci["median_interval"],
                goodness_of_fit_assuming_fixed_scr_shares=bool(
                    ci["goodness_of_fit_assuming_fixed_scr_shares"]
                ),
            ),
            disclosure=Disclosure(
                enabled=bool(sdc["enabled"]),
                threshold=int(sdc["threshold"]),
                suppress_zeros=bool(sdc["suppress_zeros"]),
            ),
            breakdowns=tuple(freeze(d) for d in filled["breakdowns"]),
            as_at_date=_as_date(filled["as_at_date"]),
            config=filled,
        )

    def input_path(self, source: str, year: int | str) -> str:
        """Path of one source for a cohort year (``{year}`` in the path is filled)."""
        return self.inputs.input_path(source, year)

    @property
    def classifications_path(self) -> str:
        """The shipped classifications file: ``classifications.csv`` beside ``scr_periods``."""
        return str(classifications_path(self.reference.scr_periods))

    def rapid_review_years_for(self, year: int) -> list[int]:
        """Years of rapid reviews received shown in Table 2 (none configured: year-1 and year)."""
        return list(self.rapid_review_years) or [int(year) - 1, int(year)]

    def as_at(self) -> dt.date:
        """The as-at date of the registers: as configured, else 31 December of the latest cohort."""
        return self.as_at_date or dt.date(max(self.cohorts), 12, 31)

    def classification_inputs(self) -> list[str]:
        """The classifications file as a list: ``[path]`` if it exists, else empty."""
        path = self.classifications_path
        return [path] if Path(path).is_file() else []

    def cohort_inputs(self, year: int | str) -> list[str]:
        """Every input file of one cohort: its sources (each file once), then reference tables.

        The shipped classifications file comes last, where there is one.
        """
        return self.inputs.paths(year) + list(self.reference.files) + self.classification_inputs()


def _as_date(value: object) -> dt.date | None:
    """A configured date (ISO text, or a date YAML already parsed), or None."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"as_at_date: {value!r} is not a date (YYYY-MM-DD)") from None


def labels_path(config: dict | Settings) -> str | None:
    """The labels file of a run: ``release.labels``, else the one beside the SCR periods.

    Returns None when the config names none and there is none beside
    ``reference.scr_periods`` (a workspace with its own reference folder may
    not have copied it): headings then fall back to the column names.

    Parameters
    ----------
    config : dict or Settings
        The validated config (the workflow's rules pass theirs), or its Settings.
    """
    settings = Settings.from_config(config)
    if settings.release.labels:
        return str(settings.release.labels)
    beside = Path(settings.reference.scr_periods).parent / LABELS_FILE
    return str(beside) if beside.is_file() else None
