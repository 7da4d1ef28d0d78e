"""Code-shape figures for the labels and pages side: lines per module, the largest functions,
and the ``duplicates`` report on ``labels/ ui/ pages/``.

Run: ``.venv/bin/python bench/measure_code.py NAME`` (NAME: ``before`` or ``after``); writes
``bench/results/code_NAME.json`` and ``bench/results/code_NAME.md``. ``duplicates`` is the
workshop's duplicate-lines tool; without it that part is left out, saying so.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
FOLDERS = ("labels", "pages", "ui")
LARGEST = 15


def module_lines(folder: str) -> dict[str, int]:
    """Lines of every Python module in ``folder`` (recursively), by path."""
    return {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def function_sizes(folders: tuple[str, ...]) -> list[tuple[str, int]]:
    """``(module:qualified name, lines)`` of every function and method, largest first."""
    sizes: list[tuple[str, int]] = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text())
            sizes += _functions(tree, str(path.relative_to(ROOT)), "")
    return sorted(sizes, key=lambda item: -item[1])


def _functions(node: ast.AST, module: str, prefix: str) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                size = (child.end_lineno or child.lineno) - child.lineno + 1
                found.append((f"{module}:{name}", size))
            found += _functions(child, module, f"{name}.")
    return found


def duplicates_report() -> str:
    """The ``duplicates`` tool's rows for labels/, ui/ and pages/ (or why there are none)."""
    tool = shutil.which("duplicates")
    if tool is None:
        return "(the duplicates tool is not installed here)"
    rows = []
    for folder in FOLDERS:
        run = subprocess.run(
            [tool, "--repo", str(ROOT / folder), "--most", "40", "--seconds", "60"],
            capture_output=True,
            text=True,
            check=False,
        )
        rows.append(f"## {folder}/\n{run.stdout.strip()}")
    return "\n\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="before or after")
    name = parser.parse_args().name
    lines = {folder: module_lines(folder) for folder in ("labels", "pages")}
    largest = function_sizes(FOLDERS)[:LARGEST]
    dups = duplicates_report()
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"module_lines": lines, "largest_functions": largest, "duplicates": dups}
    (RESULTS / f"code_{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    md = [f"# Code shape ({name})", "", "`python bench/measure_code.py " + name + "`", ""]
    for folder, table in lines.items():
        md += [f"## Lines per module, {folder}/ ({sum(table.values())} in all)", ""]
        md += ["| module | lines |", "| --- | ---: |"]
        md += [f"| {path} | {n} |" for path, n in table.items()]
        md.append("")
    md += [f"## The {LARGEST} largest functions (labels/, pages/, ui/)", ""]
    md += ["| function | lines |", "| --- | ---: |"]
    md += [f"| {fn} | {n} |" for fn, n in largest]
    md += ["", "## duplicates", "", "```", dups, "```", ""]
    (RESULTS / f"code_{name}.md").write_text("\n".join(md))
    print("\n".join(md))


if __name__ == "__main__":
    main()
