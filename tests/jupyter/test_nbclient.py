"""nbclient runs every committed notebook through the installed kernelspec, as JupyterLab
would, and gets the outputs that `cloudbook run` committed (except the pager page of
`help(...)`, which Jupyter does not store in notebooks and `cloudbook run` shows as display
data); no cell errors unless it is tagged `raises-exception`."""

import copy
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOUR = ROOT / "notebooks" / "tour.ipynb"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def joined(v):
    return "".join(v) if isinstance(v, list) else v


def comparable(outputs):
    out = []
    for o in outputs:
        o = copy.deepcopy(dict(o))
        o.pop("execution_count", None)
        if "text" in o:
            o["text"] = joined(o["text"])
        if "data" in o:
            o["data"] = {k: joined(v) if (k.startswith("text/") or k == "image/svg+xml") else v for k, v in o["data"].items()}
        out.append(o)
    return out


def test_committed_tour_is_valid_nbformat():
    nb = nbformat.read(TOUR, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "cloudbook"
    assert "seed" in nb.metadata["cloudbook"]


def test_nbclient_runs_the_tour_through_the_kernelspec():
    stored = nbformat.read(TOUR, as_version=4)
    nb = copy.deepcopy(stored)
    NotebookClient(nb, kernel_name="cloudbook", timeout=60).execute()
    nbformat.validate(nb)
    checked = 0
    for before, after in zip(stored.cells, nb.cells):
        if before.cell_type != "code":
            continue
        assert after.execution_count == before.execution_count
        if "help(" in before.source:
            assert after.outputs == []
            continue
        assert comparable(after.outputs) == comparable(before.outputs), before.source
        checked += 1
    assert checked >= 8


def test_run_output_validates(tmp_path):
    import subprocess

    out = tmp_path / "out.ipynb"
    subprocess.run([str(ROOT / "target" / "debug" / "cloudbook"), "run", str(TOUR), "--output", str(out)], check=True)
    nbformat.validate(nbformat.read(out, as_version=4))


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p != TOUR], ids=lambda p: p.stem)
def test_nbclient_runs_every_notebook_with_the_committed_outputs(path):
    stored = nbformat.read(path, as_version=4)
    nb = copy.deepcopy(stored)
    NotebookClient(nb, kernel_name="cloudbook", timeout=300).execute()
    code = [(b, a) for b, a in zip(stored.cells, nb.cells) if b.cell_type == "code"]
    assert code, "a notebook with code"
    for before, after in code:
        errors = [o for o in after.outputs if o.output_type == "error"]
        if "raises-exception" not in before.metadata.get("tags", []):
            assert errors == [], (before.source, errors)
        if "help(" in before.source:
            continue
        assert comparable(after.outputs) == comparable(before.outputs), before.source
