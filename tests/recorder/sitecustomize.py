"""Records what a run does, in every Python process of it: put this folder on PYTHONPATH.

Python imports ``sitecustomize`` at start-up, so the ``lcspr-stats`` command,
Snakemake and each job's script (all started with the environment of the
run) load this. With ``LCSPR_STATS_TEST_RECORD`` naming a file, each process
appends JSON lines to it:

- ``{"read": [path, sheet], "pid": ...}`` each time
  ``lcspr_stats.io.read_source`` reads an input (wrapped as the module is
  first imported, before any other module binds the name);
- ``{"rule": ..., "inputs": [...], "loaded": [...]}`` when a Snakemake
  script's process ends: the rule's inputs and the package files of every
  ``lcspr_stats`` module it had loaded by then (after the stage ran).

Nothing is changed in the package: this is the test's own instrument.
"""

import atexit
import importlib.abc
import importlib.util
import json
import os
import sys

RECORD = os.environ.get("LCSPR_STATS_TEST_RECORD")


def _append(entry: dict) -> None:
    line = json.dumps({**entry, "pid": os.getpid()}) + "\n"
    # One write per line, appended: lines of processes running at once do not mix.
    with open(RECORD, "a", encoding="utf-8") as handle:
        handle.write(line)


class _CountReads(importlib.abc.MetaPathFinder):
    """Finds lcspr_stats.io as usual, and wraps its read_source once it has run."""

    def find_spec(self, name, path=None, target=None):
        if name != "lcspr_stats.io":
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            read = module.read_source

            def counted(path, sheet, *args, **kwargs):
                _append({"read": [os.path.realpath(path), sheet]})
                return read(path, sheet, *args, **kwargs)

            module.read_source = counted

        spec.loader.exec_module = exec_module
        return spec


def _record_job() -> None:
    smk = getattr(sys.modules.get("__main__"), "snakemake", None)
    if smk is None or not hasattr(smk, "rule"):
        return
    loaded = sorted(
        os.path.realpath(module.__file__)
        for name, module in list(sys.modules.items())
        if name.split(".")[0] == "lcspr_stats" and getattr(module, "__file__", None)
    )
    inputs = [os.path.realpath(str(path)) for path in smk.input]
    _append({"rule": smk.rule, "inputs": inputs, "loaded": loaded})


if RECORD:
    sys.meta_path.insert(0, _CountReads())
    atexit.register(_record_job)
