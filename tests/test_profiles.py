"""The SLURM profile (profiles/slurm): valid Snakemake options, and a dry run with it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT, config_into, load_default_config, run_snakemake

PROFILE = ROOT / "profiles" / "slurm"
PROFILE_FILE = PROFILE / "config.v8+.yaml"
HAS_SLURM_PLUGIN = importlib.util.find_spec("snakemake_executor_plugin_slurm") is not None


def parse_profile(profile_dir):
    """Parse a profile with Snakemake's own command-line parser (its profile schema).

    Every key of a profile is a command-line option, so an unknown or
    misspelt key makes the parser stop (SystemExit 2).
    """
    from snakemake.cli import get_argument_parser

    return get_argument_parser(profiles=[str(profile_dir)]).parse_args([])


def workflow_rules() -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--list-rules"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return {line.strip() for line in result.stdout.splitlines() if line.strip()}


def test_profile_is_valid_snakemake_options_with_resources_per_rule(tmp_path):
    profile = yaml.safe_load(PROFILE_FILE.read_text())
    assert profile["executor"] == "slurm"
    if not HAS_SLURM_PLUGIN:
        # --executor only accepts installed plugins; check the rest of the profile.
        del profile["executor"]
    (tmp_path / PROFILE_FILE.name).write_text(yaml.safe_dump(profile))
    args = parse_profile(tmp_path)
    assert args.jobs == 50 and args.latency_wait == 60 and args.retries == 1
    assert {"mem_mb", "runtime"} <= set(args.default_resources)
    rules = workflow_rules()
    assert {"analyse", "trends"} <= set(args.set_resources)
    assert set(args.set_resources) <= rules, "a profile entry names no rule of the workflow"
    for rule, resources in args.set_resources.items():
        assert {"mem_mb", "runtime"} <= set(resources), rule


def test_a_misspelt_profile_key_is_refused(tmp_path):
    (tmp_path / "config.v8+.yaml").write_text("jobs: 5\nlattency-wait: 60\n")
    with pytest.raises(SystemExit) as stopped:
        parse_profile(tmp_path)
    assert stopped.value.code == 2


@pytest.mark.skipif(
    not HAS_SLURM_PLUGIN,
    reason="the SLURM executor plugin is an extra, not installed here (make slurm; CI installs it)",
)
def test_workflow_dry_runs_on_slurm_with_the_profile(tmp_path):
    config = load_default_config()
    configfile = config_into(tmp_path, config)
    result = run_snakemake(configfile, "--profile", str(PROFILE), "--dry-run")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert "Using profile" in output
    for rule in ("analyse", "figures", "workbook", "report", "trends"):
        assert f"rule {rule}:" in output
    # The per-rule resources reach the jobs SLURM would get.
    assert "mem_mb=2000" in output and "runtime=30" in output  # analyse
    assert "mem_mb=1000" in output and "runtime=5" in output  # trends
    assert not (tmp_path / "results").exists()
