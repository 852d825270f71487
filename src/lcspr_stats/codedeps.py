"""The package files a Snakemake job can run, computed from the imports: each rule's code inputs.

Snakemake's own code trigger sees only a rule's thin script, so each rule
lists the package files its stage runs among its inputs; editing one reruns
the jobs that can run it, and only those. The list is computed here, never
kept by hand, from the source alone (nothing is imported):

- the script's ``from lcspr_stats.x import f`` names where the job starts;
- a module that is imported runs its top level, so its file and the
  modules its top level imports are needed;
- a name that is used (a function, a class, ``module.attribute``) brings in
  what its body imports, also inside a function (``from .tables import
  build_tables`` within ``run_tables``) and what it uses in turn,
  transitively, across the package;
- a string in that code naming a file or folder of the package's data
  (``"report.html.j2"``, ``"templates"``) brings in those files.

Names are followed statically, so code reached only through ``getattr`` or
``importlib`` is missed; ``tests/test_codedeps.py`` checks the lists against
the modules a real run of each job loads.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "lcspr_stats"
PACKAGE_DIR = Path(__file__).resolve().parent
INIT = "__init__"
#: A demand for a module's top level only (it was imported).
TOP = None
#: A demand for everything in a module (``import x`` used bare, ``from x import *``).
EVERYTHING = "*"

Demand = tuple[str, str | None]  # (module name inside the package, name | TOP | EVERYTHING)
Binding = tuple[str, str | None]  # what a bound name is: (module, name | None for the module)


@dataclass
class Uses:
    """What a piece of code needs: package names it uses and strings it holds."""

    demands: set[Demand] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)


@dataclass
class Module:
    """One package module, read for what its top level and each of its names need."""

    name: str
    path: Path
    top: Uses
    names: dict[str, Uses]


class Package:
    """A package's modules and data, read from source, to follow what a piece of code needs.

    Parameters
    ----------
    name : str
        The package's import name (``lcspr_stats``).
    folder : Path
        Its folder (the one holding ``__init__.py``).
    """

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = Path(folder)
        self.paths = {
            ".".join(path.relative_to(self.folder).with_suffix("").parts): path
            for path in sorted(self.folder.rglob("*.py"))
            if "__pycache__" not in path.parts
        }
        self._read: dict[str, Module] = {}

    # --- reading source -------------------------------------------------------

    def resolve(
        self, node: ast.Import | ast.ImportFrom, here: str
    ) -> list[tuple[str, str, str | None]]:
        """The package imports of one statement: (bound name, module, name | None for a module).

        ``here`` is the importing module's name inside the package ("" outside it).
        """
        if isinstance(node, ast.Import):
            out = []
            for alias in node.names:
                if alias.name == self.name or alias.name.startswith(self.name + "."):
                    inner = alias.name[len(self.name) + 1 :] or INIT
                    if alias.asname or inner == INIT:
                        out.append((alias.asname or alias.name, inner, None))
                    else:  # "import pkg.x" binds pkg; pkg.x.f is then used: count all of x
                        out.append((alias.name.split(".")[0], inner, EVERYTHING))
            return out
        if node.level:
            parts = here.split(".")[:-1] if here else []
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join([*parts, *(node.module.split(".") if node.module else [])])
        elif node.module == self.name or (node.module or "").startswith(self.name + "."):
            base = node.module[len(self.name) + 1 :]
        else:
            return []
        out = []
        for alias in node.names:
            sub = f"{base}.{alias.name}" if base else alias.name
            if sub in self.paths:  # "from . import config": a module
                out.append((alias.asname or alias.name, sub, None))
            else:
                out.append((alias.asname or alias.name, base or INIT, alias.name))
        return out

    def uses(
        self,
        nodes: list[ast.AST],
        here: str,
        bindings: dict[str, Binding],
        own: set[str],
        *,
        top: bool,
    ) -> Uses:
        """What ``nodes`` need: imports they run, names of the package they use, their strings.

        ``bindings`` maps a name bound by a top-level import to what it is;
        ``own`` holds the module's top-level functions and classes. With
        ``top`` (the module's own top level) the bodies of functions are left
        out, as they do not run on import, and an import statement needs only
        the top level of what it imports: which of its names are needed is
        seen where they are used. Inside a function an imported name counts
        as used.
        """
        uses = Uses()
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Import | ast.ImportFrom):
                for _bound, module, name in self.resolve(node, here):
                    uses.demands.add((module, TOP))
                    if not top:
                        uses.demands.add((module, EVERYTHING if name is None else name))
                continue
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                bound = bindings.get(node.value.id)
                if bound is not None and bound[1] is None:  # module.attribute
                    uses.demands.add((bound[0], node.attr))
                    continue
            if isinstance(node, ast.Name):
                bound = bindings.get(node.id)
                if bound is not None:
                    uses.demands.add((bound[0], EVERYTHING if bound[1] is None else bound[1]))
                elif node.id in own:
                    uses.demands.add((here, node.id))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                uses.strings.add(node.value)
            elif top and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                # Decorators and default values run on import; the body does not.
                stack.extend(node.decorator_list)
                stack.extend(d for d in [*node.args.defaults, *node.args.kw_defaults] if d)
                continue
            stack.extend(ast.iter_child_nodes(node))
        return uses

    def module(self, name: str) -> Module:
        """One module (by its name inside the package), read for what it needs."""
        if name not in self._read:
            path = self.paths[name]
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            self._read[name] = self._module(name, path, tree)
        return self._read[name]

    def _module(self, name: str, path: Path, tree: ast.Module) -> Module:
        bindings: dict[str, Binding] = {}
        definitions: dict[str, ast.AST] = {}
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                for bound, module, imported in self.resolve(node, name):
                    bindings[bound] = (module, imported)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                definitions[node.name] = node
        own = set(definitions)
        top = self.uses(tree.body, name, bindings, own, top=True)
        names = {
            key: self.uses([node], name, bindings, own - {key}, top=False)
            for key, node in definitions.items()
        }
        # A name bound by a top-level import is the imported one (a re-export).
        for bound, (module, imported) in bindings.items():
            names.setdefault(
                bound, Uses(demands={(module, EVERYTHING if imported is None else imported)})
            )
        return Module(name, path, top, names)

    # --- following demands ---------------------------------------------------------

    def closure(self, demands: set[Demand]) -> tuple[set[str], set[str]]:
        """Follow demands through the package: the modules needed, the strings their code holds."""
        modules: set[str] = set()
        strings: set[str] = set()
        seen: set[Demand] = set()
        todo = list(demands)
        while todo:
            demand = todo.pop()
            if demand in seen:
                continue
            seen.add(demand)
            name, what = demand
            if name not in self.paths:
                continue
            module = self.module(name)
            # Importing a module runs its package's __init__ first, then its top level.
            package = name.rpartition(".")[0] if name != INIT else None
            if package is not None:
                todo.append((f"{package}.{INIT}" if package else INIT, TOP))
            if what is TOP:
                modules.add(name)
                found = [module.top]
            elif what == EVERYTHING:
                found = [module.top, *module.names.values()]
                todo.append((name, TOP))
            else:
                found = [module.names[what]] if what in module.names else []
                todo.append((name, TOP))
            for use in found:
                todo.extend(use.demands)
                strings |= use.strings
        return modules, strings

    def data_files(self) -> dict[str, list[Path]]:
        """The package's data (not Python), by every string that names it.

        A file is named by its path inside the package or its file name; a
        folder's path or name stands for every data file inside it.
        """
        named: dict[str, list[Path]] = {}
        for path in sorted(self.folder.rglob("*")):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(self.folder)
            folders = [p for p in relative.parents if p != Path(".")]
            keys = {relative.as_posix(), relative.name}
            keys |= {p.as_posix() for p in folders} | {p.name for p in folders}
            for key in keys:
                named.setdefault(key, []).append(path)
        return named

    def files(self, demands: set[Demand]) -> list[str]:
        """The package files ``demands`` can run or read: modules and data files, sorted."""
        modules, strings = self.closure(demands)
        found = {self.paths[m] for m in modules}
        data = self.data_files()
        for text in strings:
            found.update(data.get(text, []))
        return sorted(str(path) for path in found)

    def script_demands(self, script: str | Path) -> set[Demand]:
        """Where a script enters the package: every name it imports from it."""
        path = Path(script)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        demands: set[Demand] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for _bound, module, name in self.resolve(node, ""):
                    demands.add((module, TOP))
                    demands.add((module, EVERYTHING if name is None else name))
        return demands


@functools.cache
def package() -> Package:
    """This package (lcspr_stats), read once per process."""
    return Package(PACKAGE, PACKAGE_DIR)


def script_code(script: str | Path) -> list[str]:
    """The package files a Snakemake script can run, for its rule's inputs.

    Parameters
    ----------
    script : str or Path
        The rule's ``script:`` file, which imports its stage from ``lcspr_stats``.

    Returns
    -------
    list of str
        Absolute paths, sorted: the package modules its imports reach and the
        package data (templates) their code names.
    """
    return package().files(package().script_demands(script))


def function_code(module: str, name: str) -> list[str]:
    """The package files that calling ``lcspr_stats.<module>.<name>`` can run or read."""
    return package().files({(module, TOP), (module, name)})
