"""Issue 14 beyond the corpus: a planted name reaches no output, log or screen; alias bombs;
a full disk; recovery after a real SIGKILL."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
import yaml
from broken_inputs import frames, run_in_process, write_cohort
from conftest import ROOT, load_default_config
from scan_outputs import scan

from lcspr_stats.config import load_config, with_output_dirs
from lcspr_stats.errors import EXIT_INPUT, InputError, run_reporting_errors
from lcspr_stats.recovery import clear_stale_lock, lock_files
from lcspr_stats.stages import write_csv

# A name no input, code or output of the tiny cohort holds.
NAME = "Zebedee Quackenbush"
PLANTED = {NAME: "planted name", "Zebedee": "first name", "Quackenbush": "surname"}


def lcspr_stats(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The ``lcspr-stats`` command of this environment, as a user runs it."""
    command = [str(Path(sys.executable).with_name("lcspr-stats")), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)


def run_folder(tmp: Path, config: dict) -> Path:
    """Write ``config`` into ``tmp`` with its outputs there and reference paths absolute."""
    config = with_output_dirs(config, tmp)
    config["reference"] = {k: str(ROOT / v) for k, v in config["reference"].items()}
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


# --- a distinctive name in every column of every sheet -------------------------------------


def plant_everywhere(data: dict[str, pd.DataFrame]) -> list[str]:
    """Put NAME into one cell of every column of every sheet (a different row each)."""
    planted = []
    for source, frame in data.items():
        for position, column in enumerate(frame.columns):
            row = position % len(frame)
            frame.loc[row, column] = NAME
            planted.append(f"{source}.{column}")
    return planted


def test_a_planted_name_reaches_only_processed(tmp_path):
    """Assumes the tiny cohort still runs with one bad cell per column (it does: no id is
    duplicated, and the cohort keeps LCSPRs submitted in 2021)."""
    data = frames()
    planted = plant_everywhere(data)
    # Code, yes/no, number, date, free-text and id columns all received it.
    for column in (
        "sin_register.child_sex",
        "reviews.in_subsample",
        "children.age_years",
        "sin_register.incident_date",
        "reviews.partnership",
        "sin_register.sin_id",
        "children.child_ref",
    ):
        assert column in planted
    config = write_cohort(tmp_path / "inputs", data)
    config_path = run_folder(tmp_path, config)

    validate = lcspr_stats("validate", "--config", str(config_path), "--show", "200", cwd=tmp_path)
    run = lcspr_stats("run", "--config", str(config_path), cwd=tmp_path)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert run.returncode == 0, run.stdout + run.stderr
    assert "withheld" in validate.stdout  # problems were listed, described

    screen = tmp_path / "screen"
    screen.mkdir()
    for name, done in (("validate", validate), ("run", run)):
        (screen / f"{name}.txt").write_text(done.stdout + done.stderr, encoding="utf-8")
    hits = []
    for folder in ("results", "logs", "screen", ".snakemake/log"):
        if (tmp_path / folder).exists():
            hits += [f"{folder}/{hit}" for hit in scan(tmp_path / folder, PLANTED)]
    assert hits == []
    # The unmasked copy keeps it, outside results/.
    assert NAME in (tmp_path / "processed" / "2021" / "data_quality_unmasked.csv").read_text()
    # And with --show-values the research team sees it on their own screen.
    shown = lcspr_stats(
        "validate", "--config", str(config_path), "--show", "200", "--show-values", cwd=tmp_path
    )
    assert NAME in shown.stdout


# --- a YAML alias bomb in the config ------------------------------------------------------


def alias_bomb(path: Path, levels: int = 13) -> int:
    """Write a 'billion laughs' YAML file; return how many aliases it uses."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 9 * (levels - 1)


def test_lcspr_stats_refuses_an_alias_bomb(tmp_path):
    aliases = alias_bomb(tmp_path / "config.yaml")
    with pytest.raises(InputError) as error:
        load_config(tmp_path / "config.yaml")
    assert str(error.value) == (
        f"file '{tmp_path / 'config.yaml'}': config uses {aliases} YAML aliases (*name), over "
        "the limit of 100; refused as a possible alias bomb"
    )


def test_lcspr_stats_refuses_a_config_too_large(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("# " + "x" * (1 << 20) + "\ncohorts: [2021]\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_config(path)
    size = path.stat().st_size
    assert str(error.value) == (
        f"file '{path}': config file is {size} bytes, over the limit of 1048576; refused"
    )


def test_bare_snakemake_refuses_an_alias_bomb_before_walking_it(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    aliases = alias_bomb(bomb)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "1", "--configfile", str(bomb), "-n"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert f"ERROR file '{bomb}': config uses {aliases} YAML aliases" in done.stderr
    assert time.monotonic() - started < 120


# --- a full disk ----------------------------------------------------------------------------


class FullDisk:
    """A file handle whose write fails as on a full disk (no file name: as os.write gives)."""

    def __init__(self, fd: int, *args, **kwargs) -> None:
        os.close(fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_names_the_folder_and_leaves_nothing_half_written(tmp_path):
    folder = tmp_path / "results" / "2021"
    messages = []
    with mock.patch("lcspr_stats.determinism.os.fdopen", FullDisk):
        status = run_reporting_errors(
            lambda: write_csv(pd.DataFrame({"a": [1]}), folder / "table_1.csv"),
            show=messages.append,
        )
    assert status == EXIT_INPUT
    assert messages == [
        f"no space left on device writing to the folder '{folder}'; free some space (or set "
        "results_dir, processed_dir and logs_dir to a disk with room) and run again: nothing "
        "half-written is left"
    ]
    assert list(folder.iterdir()) == []


def test_a_full_disk_during_a_run_stops_it_cleanly(tmp_path):
    config = write_cohort(tmp_path / "inputs")
    messages = []
    with mock.patch("lcspr_stats.determinism.os.fdopen", FullDisk):
        status = run_reporting_errors(
            lambda: run_in_process(tmp_path, config), show=messages.append
        )
    assert status == EXIT_INPUT
    ingest = tmp_path / "processed" / "2021" / "ingest"
    assert messages[0].startswith(f"no space left on device writing to the folder '{ingest}';")
    assert not (tmp_path / "results").exists()
    assert not [p for p in tmp_path.rglob("*.tmp")]


# --- recovery after a kill -------------------------------------------------------------------


def test_a_stale_lock_is_removed_when_no_run_is_going_on(tmp_path):
    locks = tmp_path / ".snakemake" / "locks"
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text("x")
    unlock = [sys.executable, "-c", "import shutil; shutil.rmtree('.snakemake/locks')"]
    note = clear_stale_lock(tmp_path, unlock)
    assert note.startswith("  A run in this folder was stopped before it finished")
    assert lock_files(tmp_path) == []


def test_a_lock_held_by_a_live_run_is_left_alone(tmp_path):
    locks = tmp_path / ".snakemake" / "locks"
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text("x")
    # A process that looks like Snakemake working in the folder.
    live = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)  # snakemake"], cwd=tmp_path
    )
    # Wait until /proc shows the new process's command line (a loaded machine can lag).
    cmdline = Path("/proc") / str(live.pid) / "cmdline"
    for _ in range(100):
        if cmdline.exists() and b"snakemake" in cmdline.read_bytes():
            break
        time.sleep(0.05)
    try:
        with pytest.raises(InputError) as error:
            clear_stale_lock(tmp_path, [sys.executable, "-c", "raise SystemExit(1)"])
        assert str(error.value) == (
            f"another run is going on in '{tmp_path}' (process {live.pid}); wait for it to "
            "finish, or stop it, then run again"
        )
        assert lock_files(tmp_path) != []
    finally:
        live.kill()
        live.wait()


def test_sigkill_mid_run_then_the_documented_command_recovers(tmp_path, bundled_run):
    """A real SIGKILL of the whole run (Snakemake and its jobs) after a few steps; then the
    README's command, ``lcspr-stats run``, finishes and every result is byte-identical to an
    uninterrupted run (manifest.json records paths and commands, so it is left out)."""
    # The bundled cohort's relative paths, as in the uninterrupted run (they are reported).
    (tmp_path / "data").symlink_to(ROOT / "data")
    config_path = tmp_path / "config.yaml"
    config = with_output_dirs(load_default_config(), tmp_path)
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    command = [str(Path(sys.executable).with_name("lcspr-stats")), "run", "--config"]
    first = subprocess.Popen(
        [*command, str(config_path)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    for line in first.stdout:
        if "3 of" in line and "steps done" in line:
            break
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert lock_files(tmp_path), "the kill left no lock: it came too late to test recovery"

    again = subprocess.run(
        [*command, str(config_path)], cwd=tmp_path, capture_output=True, text=True, timeout=900
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "was stopped before it finished" in again.stdout
    results = tmp_path / "results" / "2021"
    made = sorted(p.relative_to(results) for p in results.rglob("*") if p.is_file())
    expected = sorted(p.relative_to(bundled_run) for p in bundled_run.rglob("*") if p.is_file())
    assert made == expected
    for relative in made:
        if relative.name != "manifest.json":
            assert (results / relative).read_bytes() == (bundled_run / relative).read_bytes(), (
                relative
            )
    assert not [p for p in tmp_path.rglob("*.tmp")]
