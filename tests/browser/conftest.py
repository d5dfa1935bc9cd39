"""Fixtures for real-browser tests (JupyterLab in headless Chromium).

- ``lab``: one JupyterLab on a copy of ``notebooks/`` for the whole session;
- ``browser_page``: a fresh :class:`NotebookPage` per test (own context);
  its kernels are shut down afterwards;
- ``notebook``: ``browser_page`` with the test module's ``NOTEBOOK`` opened and run to
  the end (within the module's ``RUN_TIMEOUT`` seconds).

Every test in this folder is marked ``browser``. Without Chromium or
playwright they are skipped, unless $CI is set or
DLSKILLS_REQUIRE_BROWSER=1, where they fail. A failing test leaves a
screenshot in ``tests/browser/artifacts/<test>.png``.
"""
import os
import re
from pathlib import Path

import pytest

from harness.lab import (ExplorerPage, JupyterLab, NotebookPage, browser_missing_reason,
                         chromium)

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"


def browser_required():
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return ci or os.environ.get("DLSKILLS_REQUIRE_BROWSER") == "1"


@pytest.hookimpl(tryfirst=True)  # before `-m` selection looks at the markers
def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_browser():
    """The playwright Browser (system Chromium, headless), one per session."""
    reason = browser_missing_reason()
    if reason:
        if browser_required():
            pytest.fail(f"{reason} (browser tests are required: CI or "
                        "DLSKILLS_REQUIRE_BROWSER=1 is set)", pytrace=False)
        pytest.skip(reason)
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def lab(chromium_browser):
    """One JupyterLab on a private copy of the repository's notebooks/."""
    with JupyterLab() as server:
        yield server


@pytest.fixture
def browser_page(chromium_browser):
    """A NotebookPage in a fresh browser context; closed after the test."""
    notebook = NotebookPage.new(chromium_browser)
    yield notebook
    notebook.close()
    if notebook.lab is not None:
        notebook.lab.shutdown_kernels()


@pytest.fixture
def notebook(request, browser_page, lab):
    """The test module's NOTEBOOK, opened in a fresh page and run to the end."""
    browser_page.open(lab, request.module.NOTEBOOK)
    browser_page.run_all(timeout=getattr(request.module, "RUN_TIMEOUT", 300))
    return browser_page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "teardown" or not report.failed:
        return
    pages = [value for value in getattr(item, "funcargs", {}).values()
             if isinstance(value, ExplorerPage)]
    if not pages:
        return
    notebook = pages[0]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)
    path = ARTIFACTS / f"{name}.png"
    lines = []
    try:
        notebook.screenshot(path)
        lines.append(f"screenshot: {path}")
    except Exception as error:  # the page may be gone
        lines.append(f"no screenshot ({error.__class__.__name__}: {error})")
    if notebook.lab is not None:
        lines.append(f"{type(notebook.lab).__name__} log (tail):\n" + notebook.lab.log_tail(30))
    report.sections.append(("dlskills browser", "\n".join(lines)))
    print(f"\n[dlskills browser] {lines[0]}")
