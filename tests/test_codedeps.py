"""Each rule's code inputs, computed from the imports (lcspr_stats.codedeps): complete, tight.

A real run checks them against the modules each job loaded (tests/test_read_once.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from lcspr_stats.codedeps import PACKAGE_DIR, Package, function_code, script_code

SCRIPTS = sorted((ROOT / "workflow" / "scripts").glob("*.py"))


def write_package(folder: Path, modules: dict[str, str], data: dict[str, str]) -> Package:
    """A package ``pkg`` in ``folder`` with the given modules (source) and data files."""
    root = folder / "pkg"
    for name, source in {"__init__": "", **modules}.items():
        path = root / f"{name.replace('.', '/')}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    for name, text in data.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return Package("pkg", root)


def names(package: Package, files: list[str]) -> set[str]:
    return {Path(f).relative_to(package.folder).as_posix() for f in files}


@pytest.fixture
def toy(tmp_path) -> Package:
    """Two stages in one module, as in stages.py: each imports what only it uses inside itself."""
    return write_package(
        tmp_path,
        {
            "stages": """
                from . import shared as sh
                from .helpers import tidy

                def run_a():
                    from .only_a import work
                    return work(tidy(sh.VALUE))

                def run_b():
                    from .only_b import Thing
                    return _render(Thing())

                def _render(thing):
                    from .render import render
                    return render(thing, "page.j2")
            """,
            "shared": "VALUE = 1\n",
            "helpers": """
                from .reexport import tidy
            """,
            "reexport": """
                def tidy(x):
                    from .deep import clean
                    return clean(x)

                def unused():
                    from .never import nothing
            """,
            "deep": "def clean(x):\n    return x\n",
            "never": "nothing = None\n",
            "only_a": "def work(x):\n    return x\n",
            "only_b": """
                class Thing:
                    def show(self):
                        from .method_import import shown
                        return shown
            """,
            "method_import": "shown = 1\n",
            "render": "def render(thing, name):\n    return name\n",
            "as_value": "from . import stages\nRUNNERS = [stages]\n",
            "by_attribute": "from . import stages as st\n\ndef go():\n    return st.run_a()\n",
        },
        {"templates/page.j2": "{{ x }}", "templates/other.j2": "", "notes.yaml": ""},
    )


def test_a_stage_needs_its_own_imports_and_what_they_need_transitively(toy):
    found = names(toy, toy.files({("stages", None), ("stages", "run_a")}))
    # The module's top level (shared, helpers and what helpers re-exports),
    # run_a's own import, and what tidy imports inside itself (deep).
    assert found == {
        "__init__.py",
        "stages.py",
        "shared.py",
        "helpers.py",
        "reexport.py",
        "deep.py",
        "only_a.py",
    }


def test_a_stage_does_not_need_what_only_another_stage_imports(toy):
    a = names(toy, toy.files({("stages", None), ("stages", "run_a")}))
    b = names(toy, toy.files({("stages", None), ("stages", "run_b")}))
    assert "only_b.py" not in a and "render.py" not in a
    assert "only_a.py" not in b
    # run_b calls _render of its own module, which imports render and names a template;
    # using the class Thing brings what its method imports.
    assert {"only_b.py", "method_import.py", "render.py", "templates/page.j2"} <= b
    assert "templates/other.j2" not in b and "notes.yaml" not in b
    # An unused function's import is not followed.
    assert "never.py" not in a | b


def test_a_folder_named_in_code_brings_every_file_in_it(tmp_path):
    package = write_package(
        tmp_path,
        {"loader": "from pathlib import Path\nHERE = Path(__file__).parent / 'templates'\n"},
        {"templates/a.j2": "", "templates/b.j2": "", "other.yaml": ""},
    )
    found = names(package, package.files({("loader", None)}))
    assert found == {"__init__.py", "loader.py", "templates/a.j2", "templates/b.j2"}


def test_a_script_enters_where_it_imports(toy, tmp_path):
    script = tmp_path / "script.py"
    script.write_text("from pkg.stages import run_b\nrun_b()\n", encoding="utf-8")
    entered = toy.files(toy.script_demands(script))
    assert entered == toy.files({("stages", None), ("stages", "run_b")})


def test_a_module_used_as_a_value_brings_all_of_it_and_one_attribute_only_that(toy):
    whole = names(toy, toy.files({("as_value", None)}))
    assert {"only_a.py", "only_b.py", "render.py", "templates/page.j2"} <= whole
    attribute = names(toy, toy.files({("by_attribute", None), ("by_attribute", "go")}))
    assert "only_a.py" in attribute and "only_b.py" not in attribute
    # Imported at the top but not used: only the module's own top level is needed.
    assert "only_a.py" not in names(toy, toy.files({("by_attribute", None)}))


def test_the_drift_issue_9_found_is_gone():
    """analyse lists check, validate, safety and disclosure; the release rules settings."""
    package_files = {
        script.stem: {Path(f).relative_to(PACKAGE_DIR).as_posix() for f in script_code(script)}
        for script in SCRIPTS
    }
    assert {"check.py", "validate.py", "join.py", "derive.py"} <= package_files["analyse"]
    assert {"safety.py", "disclosure.py", "tables.py"} <= package_files["analyse"]
    # The release rules read their settings (the confidence level) through settings.py
    # since uncertainty.settings() went; they list what they import.
    for release in ("figures", "workbook", "report"):
        assert "settings.py" in package_files[release]
    assert {"templates/report.html.j2", "templates/summary.md.j2"} <= package_files["report"]
    # ... and stays tight: editing io.py reruns only the job that reads inputs, and
    # one job's stage in lcspr_stats.jobs does not bring in another's.
    assert [s for s, files in package_files.items() if "io.py" in files] == ["analyse"]
    assert "figures.py" not in package_files["analyse"]
    assert "ods.py" not in package_files["analyse"] and "ods.py" in package_files["workbook"]
    assert "tables.py" not in package_files["report"]


def test_function_code_is_the_closure_of_one_stage():
    files = {Path(f).name for f in function_code("stages", "run_tables")}
    assert {"stages.py", "tables.py", "disclosure.py", "uncertainty.py"} <= files
    assert "io.py" not in files


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_every_module_a_script_imports_is_listed(script):
    """Independent check: import what the script imports in a fresh Python, see what loads.

    Only the imports run (no stage), so this sees module-level imports; the real
    run in tests/test_read_once.py sees the imports inside the stages too.
    """
    imports = "\n".join(
        line for line in script.read_text().splitlines() if line.startswith(("from ", "import "))
    )
    probe = (
        f"{imports}\nimport json, sys\n"
        "print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items()"
        " if n.split('.')[0] == 'lcspr_stats' and getattr(m, '__file__', None))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = {str(Path(f).resolve()) for f in json.loads(result.stdout)}
    assert loaded, "the script imports from lcspr_stats"
    assert loaded - set(script_code(script)) == set()
