"""Benchmark of a run's cost and how it grows; writes docs/performance.md.

Run with ``make bench`` or ``python -m benchmarks.run [--quick]``. Every
timing is a whole process (Python start-up included), repeated, and the
median reported; peak memory is the largest resident set of the process tree
(``/usr/bin/time``'s maximum RSS, which covers the waited-for children).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# Bump the version when the generator or writer changes: cached inputs are reused.
CACHE = ROOT / "benchmarks" / ".cache" / "v2"
SCALES = (1_000, 10_000, 100_000, 1_000_000)
# The one-process baseline is also timed on this commit, side by side with the working tree:
# main as it stood when the start-up and critical-path work began (after the table registry).
REFERENCE = "adadafe"


@dataclass
class Timing:
    """One measured process: wall seconds, peak memory (MiB), what it printed."""

    seconds: float
    peak_mib: float
    output: str


def timed(command: list[str], cwd: Path = ROOT, env: dict | None = None) -> Timing:
    """Run ``command`` (in ``cwd``, with ``env`` if given) to completion; time it, peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        wrapper = (
            ["/usr/bin/time", "-f", "%M", "-o", stats.name]
            if Path("/usr/bin/time").exists()
            else []
        )
        start = time.perf_counter()
        result = subprocess.run(wrapper + command, cwd=cwd, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
        peak_kib = float(stats.read().strip().splitlines()[-1]) if wrapper else float("nan")
    return Timing(seconds, peak_kib / 1024, result.stdout + result.stderr)


def median(timings: list[Timing]) -> Timing:
    """The run with the median wall time (its memory and output go with it)."""
    ordered = sorted(timings, key=lambda t: t.seconds)
    return ordered[len(ordered) // 2]


def snakemake_command(configfile: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--cores",
        "2",
        "--configfile",
        str(configfile),
        *extra,
    ]


def jobs_run(output: str) -> int:
    """Jobs Snakemake ran, from its 'N of M steps' progress lines (0 for a no-op)."""
    found = re.findall(r"(\d+) of (\d+) steps", output)
    return int(found[-1][0]) if found else 0


def make_config(
    work: Path, inputs: dict[str, str] | None = None, keep_exclusions: bool = False
) -> Path:
    """The default config with outputs in ``work`` (and other inputs if given)."""
    from lcspr_stats.config import with_output_dirs

    config = with_output_dirs(
        yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8")), work
    )
    if inputs:
        if not keep_exclusions:
            config["exclusions"] = []
        for source, path in inputs.items():
            config["inputs"][source]["path"] = path
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def clean(work: Path) -> None:
    for name in ("results", "processed", "logs"):
        shutil.rmtree(work / name, ignore_errors=True)


def edit_one_input(path: Path, round_number: int) -> None:
    """Re-save the rapid review register with one cell's spacing changed.

    Snakemake skips a rerun when an input's bytes are unchanged (touching is
    not enough), so this stands for a re-export of one register: the bytes
    change, the figures do not.
    """
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["rapid_reviews"]
    cell = sheet.cell(row=2, column=4)
    cell.value = str(cell.value).strip() + " " * (round_number % 2)
    book.save(path)


BARE_WORKFLOW = """\
rule all:
    input: "b.txt"
rule a:
    output: "a.txt"
    shell: "echo a > {output}"
rule b:
    input: "a.txt"
    output: "b.txt"
    shell: "cat {input} > {output}"
"""


def bare_workflow(folder: Path) -> tuple[Timing, Timing]:
    """Snakemake's own floor: a cold run and a no-op rerun of a two-job workflow of shell echoes.

    What any Snakemake run costs before and after its jobs (start-up, planning, and the
    shutdown of its job threads), with no work and nothing of this package.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Snakefile").write_text(BARE_WORKFLOW, encoding="utf-8")
    for name in ("a.txt", "b.txt"):
        (folder / name).unlink(missing_ok=True)
    command = [sys.executable, "-m", "snakemake", "--cores", "2", "--nolock"]
    cold = timed(command, cwd=folder)
    return cold, timed(command, cwd=folder)


def bench_bundled(repeats: int) -> dict:
    """Cold run, no-op rerun and rerun after editing one input, on the bundled cohort."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        inputs = {}
        for source, spec in config["inputs"].items():
            copy = work / "inputs" / Path(spec["path"]).name
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / spec["path"], copy)
            inputs[source] = str(copy)
        configfile = make_config(work, inputs, keep_exclusions=True)
        cold, noop, version, baseline, edited, floor_cold, floor_noop = ([] for _ in range(7))
        # Each pair whose ratio is reported is measured in the same round, one after the
        # other, so the ratio holds however loaded the shared machine is at the time.
        for _ in range(repeats):
            clean(work)
            cold.append(timed(snakemake_command(configfile)))
            noop.append(timed(snakemake_command(configfile)))
            version.append(timed([sys.executable, "-m", "snakemake", "--version"]))
            bare_cold, bare_noop = bare_workflow(work / "bare")
            floor_cold.append(bare_cold)
            floor_noop.append(bare_noop)
            clean(work)
            baseline.append(
                timed([sys.executable, "-m", "benchmarks.baseline", str(configfile), str(work)])
            )
        total_jobs = jobs_run(cold[0].output)
        clean(work)
        timed(snakemake_command(configfile))  # a full run, so the edits below rerun a part
        for round_number in range(repeats):
            edit_one_input(Path(inputs["rapid_review_register"]), round_number + 1)
            edited.append(timed(snakemake_command(configfile)))
    return {
        "cold": median(cold),
        "noop": median(noop),
        "version": median(version),
        "floor_cold": median(floor_cold),
        "floor_noop": median(floor_noop),
        "touch": median(edited),
        "touch_jobs": jobs_run(median(edited).output),
        "total_jobs": total_jobs,
        "baseline": median(baseline),
        "ratios": {
            "cold_over_baseline": median_ratio(cold, baseline),
            "noop_over_version": median_ratio(noop, version),
            "floor_noop_over_version": median_ratio(floor_noop, version),
            "floor_cold_over_baseline": median_ratio(floor_cold, baseline),
        },
    }


def median_ratio(numerators: list[Timing], denominators: list[Timing]) -> float:
    """The median of the ratios of timings measured in the same round."""
    ratios = sorted(a.seconds / b.seconds for a, b in zip(numerators, denominators))
    return ratios[len(ratios) // 2]


def bench_validate(repeats: int) -> Timing:
    """``lcspr-stats validate`` on the bundled cohort: how soon a user gets an answer."""
    with tempfile.TemporaryDirectory() as tmp:
        config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        # The command line reads paths from the config's own folder: give them whole.
        inputs = {s: str(ROOT / spec["path"]) for s, spec in config["inputs"].items()}
        configfile = make_config(Path(tmp), inputs, keep_exclusions=True)
        command = [sys.executable, "-m", "lcspr_stats.cli", "validate", "--config", str(configfile)]
        return median([timed(command) for _ in range(repeats)])


def reference_tree(rev: str, into: Path) -> Path:
    """The files of commit ``rev`` (``git archive``), unpacked into ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev],
        capture_output=True,
        check=True,
    )
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def baseline_side_by_side(repeats: int, reference: str | None) -> dict:
    """The one-process baseline of this tree and of ``reference``, run in turn, ``repeats`` times.

    Alternating the two keeps them under the same load, so their ratio means something on a
    shared machine. Each uses its own code (``PYTHONPATH``), config and bundled cohort.
    """
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trees = {"current": ROOT}
        if reference:
            trees["reference"] = reference_tree(reference, tmp / "reference")
        configs = {}
        for name, tree in trees.items():
            work = tmp / f"work-{name}"
            work.mkdir()
            config = yaml.safe_load((tree / "config.yaml").read_text(encoding="utf-8"))
            for key, folder in (
                ("results_dir", "results"),
                ("processed_dir", "processed"),
                ("logs_dir", "logs"),
            ):
                config[key] = str(work / folder)
            for spec in config["inputs"].values():
                spec["path"] = str(tree / spec["path"])
            path = work / "config.yaml"
            path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
            configs[name] = (tree, work, path)
        runs = {name: [] for name in trees}
        for _ in range(repeats):
            for name, (tree, work, path) in configs.items():
                clean(work)
                env = {**os.environ, "PYTHONPATH": f"{tree / 'src'}{os.pathsep}{tree}"}
                command = [sys.executable, "-m", "benchmarks.baseline", str(path), str(work)]
                runs[name].append(timed(command, tree, env))
    medians = {name: median(timings) for name, timings in runs.items()}
    if reference:
        medians["current_over_reference"] = median_ratio(runs["current"], runs["reference"])
    return medians


def bare_calamine_read(inputs: dict[str, str]) -> Timing:
    """A process that only reads every sheet of the input workbooks with python-calamine.

    The floor under an end-to-end run at scale: the same files, no cleaning or tables.
    """
    code = (
        "import sys\n"
        "from python_calamine import CalamineWorkbook\n"
        "for path in sys.argv[1:]:\n"
        "    book = CalamineWorkbook.from_path(path)\n"
        "    for name in book.sheet_names:\n"
        "        book.get_sheet_by_name(name).to_python()\n"
    )
    files = sorted(set(inputs.values()))
    return timed([sys.executable, "-c", code, *files])


def scaled_inputs(n_sins: int, fmt: str) -> dict[str, str]:
    """Generate (once, cached under benchmarks/.cache) the inputs of one scale."""
    from benchmarks.scale import scaled_cohort, write_scaled

    directory = CACHE / f"{fmt}_{n_sins}"
    stamp = directory / ".complete"
    sources = {
        "csv": {
            "sin_register": "sins.csv",
            "rapid_review_register": "rapid_reviews.csv",
            "reviews": "reviews.csv",
            "children": "children.csv",
        },
        "xlsx": {
            "sin_register": "sin_register.xlsx",
            "rapid_review_register": "rapid_review_register.xlsx",
            "reviews": "lcspr_coding_schedule.xlsx",
            "children": "lcspr_coding_schedule.xlsx",
        },
    }[fmt]
    if not stamp.exists():
        write_scaled(scaled_cohort(n_sins), directory, fmt)
        stamp.touch()
    return {source: str(directory / name) for source, name in sources.items()}


def bench_scale(n_sins: int, fmt: str, repeats: int) -> dict:
    """End-to-end cold run at one scale and format, and (xlsx) the bare read of its files.

    Returns the median run (``run``) and, for xlsx, the median bare calamine read (``read``)
    and the median ratio of the two measured in the same round (``ratio``).
    """
    inputs = scaled_inputs(n_sins, fmt)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        configfile = make_config(work, inputs)
        runs, reads = [], []
        for _ in range(repeats):
            clean(work)
            runs.append(timed(snakemake_command(configfile)))
            if fmt == "xlsx":
                reads.append(bare_calamine_read(inputs))
    measured = {"run": median(runs)}
    if reads:
        measured.update(read=median(reads), ratio=median_ratio(runs, reads))
    return measured


def bench_readers(n_sins: int) -> dict:
    """Seconds to read the largest SIN register with calamine and with openpyxl (one run each)."""
    path = scaled_inputs(n_sins, "xlsx")["sin_register"]
    code = (
        "import sys, time, pandas as pd\n"
        "t = time.perf_counter()\n"
        "pd.read_excel(sys.argv[1], sheet_name='sins', engine=sys.argv[2], dtype=object)\n"
        "print(time.perf_counter() - t)\n"
    )
    seconds = {}
    for engine in ("calamine", "openpyxl"):
        result = subprocess.run(
            [sys.executable, "-c", code, path, engine], capture_output=True, text=True, check=True
        )
        seconds[engine] = float(result.stdout.strip())
    return seconds


def profile_baseline(n_sins: int, top: int = 12) -> str:
    """Where the time goes: cProfile of the one-process baseline at one scale."""
    from benchmarks.baseline import run_all_stages

    inputs = scaled_inputs(n_sins, "xlsx")
    with tempfile.TemporaryDirectory() as tmp:
        configfile = make_config(Path(tmp), inputs)
        profiler = cProfile.Profile()
        profiler.enable()
        run_all_stages(str(configfile), tmp)
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
    stats.print_stats(top)
    lines = [line for line in text.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    return "\n".join(line.replace(str(ROOT) + "/", "") for line in lines[start:])


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kib = int(handle.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores{memory}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def write_report(results: dict, path: Path) -> None:
    """Write docs/performance.md from the measured figures.

    Every target is a ratio of two timings measured side by side in this run (the machines are
    shared and their speed drifts about threefold); seconds are given beside the ratios.
    """
    bundled = results["bundled"]
    cold, noop, touch, base = (
        bundled["cold"],
        bundled["noop"],
        bundled["touch"],
        bundled["baseline"],
    )
    ratios = bundled.get("ratios", {})
    version = bundled.get("version")

    def ok(flag: bool) -> str:
        return "met" if flag else "**not met**"

    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (`python -m benchmarks.run`); figures are the median of "
        f"{results['repeats']} runs of a whole process, unless said otherwise. A ratio is the "
        "median of the ratios of two timings taken one after the other in the same round, so it "
        "holds on a loaded machine; the seconds beside it drift with the load.",
        "",
        f"Machine: {machine()}.",
        "",
        "## Bundled cohort",
        "",
        "| measure | seconds | ratio | target | |",
        "|---|---|---|---|---|",
        f"| cold full run (`snakemake --cores 2`, clean results/, {bundled['total_jobs']} jobs) "
        f"| {cold.seconds:.2f} | | | |",
        "| the same work in one Python process (`benchmarks/baseline.py`) "
        f"| {base.seconds:.2f} | | | |",
    ]
    if "cold_over_baseline" in ratios:
        r = ratios["cold_over_baseline"]
        lines.append(f"| cold run / one-process baseline | | {r:.2f} | <= 1.3 | {ok(r <= 1.3)} |")
    lines.append(f"| no-op rerun | {noop.seconds:.2f} | | | |")
    if version is not None:
        lines.append(f"| bare `snakemake --version` | {version.seconds:.2f} | | | |")
    if "noop_over_version" in ratios:
        r = ratios["noop_over_version"]
        lines.append(
            f"| no-op rerun / bare `snakemake --version` | | {r:.2f} | <= 1.3 | {ok(r <= 1.3)} |"
        )
    if "floor_cold" in bundled:
        lines.append(
            "| Snakemake's own floor: cold run of a two-job workflow of shell `echo`s "
            f"| {bundled['floor_cold'].seconds:.2f} | "
            f"{ratios['floor_cold_over_baseline']:.2f} of the baseline | | |"
        )
        lines.append(
            "| Snakemake's own floor: no-op rerun of that workflow "
            f"| {bundled['floor_noop'].seconds:.2f} | "
            f"{ratios['floor_noop_over_version']:.2f} of `--version` | | |"
        )
    lines.append(
        f"| rerun after re-saving the rapid review register ({bundled['touch_jobs']} of "
        f"{bundled['total_jobs']} jobs rerun) | {touch.seconds:.2f} | | | |"
    )
    if results.get("validate") is not None:
        lines.append(
            "| `lcspr-stats validate` (the answer before a run) "
            f"| {results['validate'].seconds:.2f} | | | |"
        )
    lines += ["", f"Peak memory of the cold run: {cold.peak_mib:.0f} MiB.", ""]
    side = results.get("side_by_side") or {}
    if "current_over_reference" in side:
        r = side["current_over_reference"]
        lines += [
            "## One-process baseline against the reference commit",
            "",
            f"`benchmarks/baseline.py` of this tree and of commit `{results['reference']}` "
            "(main when this work began), each on its own bundled cohort and config, run in "
            "turn in each round:",
            "",
            "| tree | seconds |",
            "|---|---|",
            f"| this tree | {side['current'].seconds:.2f} |",
            f"| `{results['reference']}` | {side['reference'].seconds:.2f} |",
            "",
            f"Ratio this tree / reference: {r:.2f} (target <= 0.5: {ok(r <= 0.5)}).",
            "",
        ]
    if results.get("scales"):
        lines += [
            "## Scale",
            "",
            "Synthetic registers made by replicating the calibrated cohort "
            "(`benchmarks/scale.py`): about 0.9 rapid reviews and 0.05 LCSPRs per SIN. "
            "End-to-end cold run (`snakemake --cores 2`), "
            f"median of {results['scale_repeats']} run(s). For xlsx, the bare read is a "
            "process that only reads every sheet of the same files with python-calamine, "
            "in the same round.",
            "",
            "| SIN rows | format | seconds | peak MiB | bare read s | run / bare read |",
            "|---|---|---|---|---|---|",
        ]
        for (n, fmt), measured in sorted(results["scales"].items()):
            timing = measured["run"]
            read = f"{measured['read'].seconds:.2f}" if "read" in measured else ""
            ratio = f"{measured['ratio']:.2f}" if "ratio" in measured else ""
            lines.append(
                f"| {n:,} | {fmt} | {timing.seconds:.2f} | {timing.peak_mib:.0f} "
                f"| {read} | {ratio} |"
            )
        largest = max(n for n, _ in results["scales"])
        lines.append("")
        for fmt in ("xlsx", "csv"):
            big = results["scales"].get((largest, fmt))
            small = results["scales"].get((largest // 10, fmt))
            if big and small:
                ratio = big["run"].seconds / small["run"].seconds
                lines.append(
                    f"- {fmt}: {largest // 10:,} -> {largest:,} rows took {ratio:.1f}x the time "
                    f"(linear would be 10x: {ok(ratio <= 10)})."
                )
        if largest >= 1_000_000:
            big = results["scales"].get((largest, "xlsx"))
            if big and "ratio" in big:
                lines.append(
                    f"- {largest:,}-row xlsx end to end / bare calamine read: "
                    f"{big['ratio']:.2f} (target <= 2.5: {ok(big['ratio'] <= 2.5)}); "
                    f"peak {big['run'].peak_mib:.0f} MiB (target < 2048: "
                    f"{ok(big['run'].peak_mib < 2048)})."
                )
        lines.append("")
    if results.get("readers"):
        readers = results["readers"]
        lines += [
            "## Reading the largest SIN register",
            "",
            f"`pandas.read_excel` of the {results['reader_rows']:,}-row xlsx, one run each: "
            f"calamine {readers['calamine']:.1f} s, openpyxl {readers['openpyxl']:.1f} s "
            f"(openpyxl / calamine = {readers['openpyxl'] / readers['calamine']:.1f}x).",
            "",
        ]
    if results.get("profile"):
        lines += [
            "## Where the time goes",
            "",
            f"cProfile of the one-process baseline on the {results['profile_rows']:,}-row xlsx "
            "inputs, by cumulative time:",
            "",
            "```",
            results["profile"],
            "```",
            "",
        ]
    analysis = ROOT / "benchmarks" / "analysis.md"
    if analysis.exists():
        lines += [analysis.read_text(encoding="utf-8").rstrip(), ""]
    lines += [
        "## Reproduce",
        "",
        "```sh",
        "make bench                      # everything above (about 15-30 minutes)",
        ".venv/bin/python -m benchmarks.run --quick   # smallest scale, one repeat",
        "```",
        "",
        "Scaled inputs are cached in `benchmarks/.cache/` (git-ignored).",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per measure (median)")
    parser.add_argument(
        "--scales",
        default=",".join(str(s) for s in SCALES),
        help="SIN register sizes, comma separated",
    )
    parser.add_argument("--scale-repeats", type=int, default=1, help="runs per scale")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--reference",
        default=REFERENCE,
        help="commit whose one-process baseline is timed beside this tree's ('' to skip)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smallest scale, one repeat (for tests)"
    )
    args = parser.parse_args(argv)
    scales = [int(float(s)) for s in args.scales.split(",") if s]
    repeats = args.repeats
    if args.quick:
        scales, repeats = scales[:1], 1
    results = {"repeats": repeats, "scale_repeats": args.scale_repeats}
    print("bundled cohort ...", flush=True)
    results["bundled"] = bench_bundled(repeats)
    print("validate ...", flush=True)
    results["validate"] = bench_validate(repeats)
    if not args.quick:
        print(f"baseline beside {args.reference or 'nothing'} ...", flush=True)
        results["reference"] = args.reference
        results["side_by_side"] = baseline_side_by_side(repeats, args.reference or None)
    results["scales"] = {}
    for n in scales:
        for fmt in ("xlsx", "csv"):
            print(f"scale {n:,} {fmt} ...", flush=True)
            results["scales"][(n, fmt)] = bench_scale(n, fmt, args.scale_repeats)
    largest = max(scales)
    print("readers ...", flush=True)
    results["readers"], results["reader_rows"] = bench_readers(largest), largest
    profile_rows = min(largest, 100_000)
    print("profile ...", flush=True)
    results["profile"], results["profile_rows"] = profile_baseline(profile_rows), profile_rows
    write_report(results, Path(args.out))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
