"""The HTML report in a real browser: axe-core 4 finds no WCAG 2.2 AA or best-practice violation.

Assumes Debian's ``chromium`` and ``chromium-driver`` and axe-core from npm
(``.ci/run`` installs both; axe-core into the git-ignored ``.cache/axe``, or
set ``LCSPR_AXE_JS`` to an ``axe.min.js``). Skips, saying which is missing,
where either is absent, except where ``LCSPR_REQUIRE_BROWSER`` is set (CI,
once it has installed both): there a missing one fails.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

YEAR = 2021
AXE_JS = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1024",
]


def _absent(reason: str) -> None:
    if os.environ.get("LCSPR_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}, but LCSPR_REQUIRE_BROWSER is set")
    pytest.skip(reason)


def _axe_script() -> Path:
    path = Path(os.environ.get("LCSPR_AXE_JS", AXE_JS))
    if not path.is_file():
        _absent(f"axe-core is not installed ({path}): run .ci/run or npm install axe-core")
    return path


def _browser(tmp_path: Path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        _absent("Chromium is not installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    # A fresh profile: nothing of an earlier run (or of the user) in the page.
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(driver))


@pytest.fixture(scope="module")
def axe_results(bundled_run, tmp_path_factory):
    script = _axe_script().read_text(encoding="utf-8")
    browser = _browser(tmp_path_factory.mktemp("chromium"))
    try:
        browser.get((bundled_run / "report.html").as_uri())
        browser.execute_script(script)
        results = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(r => done({violations: r.violations, passes: r.passes.length,"
            " version: axe.version}))"
            ".catch(e => done({error: String(e)}));",
            TAGS,
        )
    finally:
        browser.quit()
    assert "error" not in results, results.get("error")
    return results


def test_axe_core_4_ran_its_rules_on_the_report(axe_results):
    assert axe_results["version"].startswith("4.")
    assert axe_results["passes"] > 10  # rules that applied and passed: the page was checked


def test_report_has_no_wcag_22_aa_or_best_practice_violation(axe_results):
    found = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [node["target"] for node in v["nodes"][:5]],
        }
        for v in axe_results["violations"]
    ]
    assert found == [], json.dumps(found, indent=2)
