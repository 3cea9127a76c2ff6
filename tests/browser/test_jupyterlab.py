"""JupyterLab in a real browser: start JupyterLab on loopback with the Cloudbook kernelspec,
drive headless Chromium (Debian's package) with Playwright, open tests/browser/fixture.ipynb,
Run All Cells from the menu, and check in the DOM that an HTML table, an SVG chart and an
AWS error rendered. The screenshot goes to target/browser/screenshot.png, JupyterLab's log
next to it.

Gated (it needs Chromium, JupyterLab and ~30 s): set CLOUDBOOK_BROWSER_TEST=1. tests/run
installs what it needs (tests/requirements-browser.txt, `apt-get install chromium`) when the
variable is set; see README "Browser test". CLOUDBOOK_CHROMIUM overrides the browser path.
"""

import base64
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = pathlib.Path(__file__).with_name("fixture.ipynb")
ARTIFACTS = ROOT / "target" / "browser"

if os.environ.get("CLOUDBOOK_BROWSER_TEST") != "1":
    pytest.skip("browser test: set CLOUDBOOK_BROWSER_TEST=1 to run it", allow_module_level=True)


def chromium_path():
    for p in (os.environ.get("CLOUDBOOK_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser")):
        if p and os.access(p, os.X_OK):
            return p
    pytest.skip("browser test: no Chromium (apt-get install chromium, or set CLOUDBOOK_CHROMIUM)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server on loopback in its own process group, with a throwaway root dir,
    settings and workspaces (so no state from a previous run or the user leaks in)."""

    def __init__(self, tmp: pathlib.Path):
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        root = tmp / "root"
        root.mkdir()
        nb = json.loads(FIXTURE.read_text())
        for c in nb["cells"]:
            assert c.get("outputs", []) == [] and c.get("execution_count") is None, "fixture must be committed without outputs"
        shutil.copy(FIXTURE, root / FIXTURE.name)
        # Jupyter's user dirs in tmp too: no user-wide kernelspec or config applies, nothing is
        # written to $HOME. The kernelspec comes from JUPYTER_PATH (tests/run) or the venv.
        env = dict(os.environ, **{f"JUPYTER_{d.upper()}_DIR": str(tmp / d) for d in ("runtime", "config", "data")})
        # No "official Jupyter news?" toast over the outputs in the screenshot.
        settings = tmp / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / "jupyterlab.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "jupyterlab",
                "--no-browser", "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
                f"--LabApp.user_settings_dir={tmp / 'settings'}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ]
            + (["--allow-root"] if os.geteuid() == 0 else []),
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True,
        )

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        url = f"{self.base}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"jupyter lab not up after {timeout}s:\n{self.log_path.read_text()}")

    def api(self, path):
        with urllib.request.urlopen(f"{self.base}/api/{path}?token={self.token}", timeout=5) as r:
            return json.load(r)

    def kernel_ready(self):
        """The notebook's cloudbook kernel is started, idle, and the browser's websocket is
        attached. (JupyterLab's toolbar says "idle" before any kernel exists: not enough.)"""
        kernels = [s["kernel"] for s in self.api("sessions") if s["path"] == FIXTURE.name]
        if not kernels or kernels[0]["name"] != "cloudbook":
            return False
        k = self.api(f"kernels/{kernels[0]['id']}")
        return k["execution_state"] == "idle" and k["connections"] >= 1

    def stop(self):
        # SIGTERM lets the server shut its kernels down; then make sure the whole group is gone.
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.log.close()


@pytest.fixture
def chromium():
    """Checked before JupyterLab starts: skip early and clearly when the browser side is missing."""
    pytest.importorskip("playwright.sync_api", reason="browser test: pip install -r tests/requirements-browser.txt")
    return chromium_path()


@pytest.fixture
def lab():
    with tempfile.TemporaryDirectory(prefix="cloudbook-browser-") as tmp:
        server = Lab(pathlib.Path(tmp))
        try:
            server.wait_ready()
            yield server
        finally:
            server.stop()


def outputs(page, cell_index, mime=None):
    """The rendered outputs of code cell `cell_index` (0-based, code cells only), of one MIME type
    if given (JupyterLab marks each rendered output with the MIME type it chose to render)."""
    sel = ".jp-OutputArea-output" + (f'[data-mime-type="{mime}"]' if mime else "")
    return page.locator(".jp-Notebook .jp-CodeCell").nth(cell_index).locator(sel)


def test_jupyterlab_renders_table_chart_and_error(chromium, lab):
    from playwright import sync_api

    assert "cloudbook" in lab.api("kernelspecs")["kernelspecs"], "the Cloudbook kernelspec is not visible to JupyterLab (JUPYTER_PATH?)"
    with sync_api.sync_playwright() as pw:
        # Root (CI containers) cannot use Chromium's sandbox.
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.set_default_timeout(60_000)
        try:
            page.goto(f"{lab.base}/lab/tree/{FIXTURE.name}?token={lab.token}")
            page.locator(".jp-NotebookPanel .jp-CodeCell").first.wait_for()
            # The fixture names the cloudbook kernelspec, so no kernel picker should appear; accept
            # the preselected kernel if a JupyterLab version asks anyway.
            picker = page.locator(".jp-Dialog .jp-mod-accept")
            deadline = time.monotonic() + 60
            while not lab.kernel_ready():
                assert time.monotonic() < deadline, f"no idle, connected cloudbook kernel: {lab.api('sessions')}"
                if picker.count():
                    picker.first.click()
                time.sleep(0.5)
            page.locator('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for()
            assert outputs(page, 0).count() == 0, "outputs before running: the fixture is not clean"

            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first.click()

            # The error is the last cell: once it shows, every cell has run.
            error = outputs(page, 2, "application/vnd.jupyter.stderr")
            error.wait_for()
            prompts = [page.locator(".jp-Notebook .jp-CodeCell").nth(i).locator(".jp-InputPrompt").inner_text() for i in range(3)]
            assert [p.strip() for p in prompts] == ["[1]:", "[2]:", "[3]:"]

            # A table, as HTML (not the text/plain grid): iam::access_matrix, 2 actions x 1 resource.
            table = outputs(page, 0, "text/html").locator("table")
            assert table.count() == 1
            assert table.locator("thead th").all_inner_texts() == ["Principal", "Action", "Resource", "Decision", "Reason"]
            rows = table.locator("tbody tr")
            assert rows.count() == 2
            assert rows.nth(0).locator("td").nth(1).inner_text() == "s3:GetObject"
            assert rows.nth(0).locator("td").nth(3).inner_text() == "allowed"
            assert rows.nth(1).locator("td").nth(3).inner_text() == "implicitDeny"
            # The table's inline styles survive (trusted output, not sanitized): "allowed" is green.
            assert rows.nth(0).locator("td").nth(3).evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(230, 244, 234)"
            assert outputs(page, 0).count() == 1, "the table also shows as text"

            # The chart: JupyterLab renders image/svg+xml as an <img> with a data: URL (so users can
            # save it). The browser must have decoded it (naturalWidth > 0 means the SVG parsed) and
            # it must be our chart at its declared size.
            svg = outputs(page, 1, "image/svg+xml")
            assert svg.count() == 1 and outputs(page, 1).count() == 1
            img = svg.locator("img")
            src = img.get_attribute("src")
            assert src.startswith("data:image/svg+xml")
            body = src.split(",", 1)[1]
            doc = base64.b64decode(body).decode() if ";base64" in src.split(",", 1)[0] else urllib.parse.unquote(body)
            assert doc.lstrip().startswith("<svg") and "browser fixture" in doc
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
            assert img.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [720, 360]
            box = img.bounding_box()
            assert box["width"] > 100 and box["height"] > 50, box

            # The error: AWS's code and message, where in the cell, as a stderr output.
            text = error.inner_text()
            assert "NotFoundException: Alias arn:aws:kms:us-east-1:111122223333:alias/does-not-exist is not found." in text
            assert "line 1, column 6" in text
            assert "\x1b" not in text, "raw ANSI escapes in the error"
        finally:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "screenshot.png"), full_page=True)
            browser.close()
