"""papermill parameterizes Cloudbook notebooks through the papermill-rhai translator
(python/papermill_rhai, installed into .venv by tests/run) and the installed kernelspec."""

import json
import pathlib

import nbformat
import papermill
import pytest
from papermill.translators import papermill_translators

from papermill_rhai import RhaiTranslator, rhai_string

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "tests" / "fixtures" / "params.ipynb"


def test_the_entry_point_registers_the_translator_for_the_language_and_the_kernel():
    assert papermill_translators.find_translator("cloudbook", "rhai") is RhaiTranslator
    assert papermill_translators.find_translator("some-other-kernel", "rhai") is RhaiTranslator


def test_values_become_rhai_literals():
    t = RhaiTranslator.translate
    assert t(None) == "()"
    assert t(True) == "true" and t(False) == "false"
    assert t(42) == "42" and t(-3) == "-3"
    assert t(2.5) == "2.5" and t(3.0) == "3.0" and t(1e20) == "1.0e20" and t(1.5e-7) == "1.5e-7"
    assert t("gp3") == '"gp3"'
    assert t('say "hi"\\n\n\t\x07é') == '"say \\"hi\\"\\\\n\\n\\t\\u0007é"'
    assert t([1, "a", None]) == '[1, "a", ()]'
    assert t({"a b": 1, "c": [True]}) == '#{"a b": 1, "c": [true]}'
    for bad in (2**63, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            t(bad)
    assert RhaiTranslator.codify({"size": 500, "kind": "gp3"}) == '// Parameters\nlet size = 500;\nlet kind = "gp3";\n'
    assert rhai_string("") == '""'


def test_parameters_are_inspected():
    params = papermill.inspect_notebook(str(TEMPLATE))
    assert params["size"]["inferred_type_name"] == "i64" and params["size"]["default"] == "100"
    assert params["kind"]["inferred_type_name"] == "string" and params["kind"]["default"] == '"gp2"'
    assert params["ratio"]["inferred_type_name"] == "f64"
    assert params["opts"]["inferred_type_name"] == "map"
    assert list(params) == ["size", "kind", "ratio", "on", "tags", "opts", "nothing"]


def test_papermill_runs_a_parameterized_notebook_through_the_kernel(tmp_path):
    out = tmp_path / "out.ipynb"
    params = {"size": 500, "kind": 'a "quoted" ${x} name', "ratio": 1e3, "on": True, "tags": ["a", 1], "opts": {"k": "v"}, "nothing": None}
    papermill.execute_notebook(str(TEMPLATE), str(out), parameters=params, kernel_name="cloudbook", progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert nb.cells.index(injected[0]) == 2, "right after the parameters cell"
    assert injected[0].source.startswith("// Parameters\nlet size = 500;\n")
    result = nb.cells[3].outputs[0]["data"]["text/plain"]
    assert result == '500:i64 a "quoted" ${x} name:string 1000.0:f64 true:bool tags=["a", 1] opts=#{"k": "v"} nothing=()'
    assert nb.metadata.papermill.parameters["size"] == 500


def test_cloudbook_run_p_injects_the_same_way(tmp_path):
    import subprocess

    out = tmp_path / "out.ipynb"
    subprocess.run([str(ROOT / "target" / "debug" / "cloudbook"), "run", str(TEMPLATE), "-p", "size=500", "-p", "kind=gp3", "--output", str(out)], check=True)
    nb = json.loads(out.read_text())
    assert nb["cells"][2]["metadata"]["tags"] == ["injected-parameters"]
    assert nb["cells"][3]["outputs"][0]["data"]["text/plain"][0].startswith("500:i64 gp3:string 0.5:f64 false:bool")
    nbformat.validate(nbformat.reads(out.read_text(), as_version=4))


def test_papermill_parameterizes_the_committed_scenario(tmp_path):
    out = tmp_path / "gp2-1000.ipynb"
    scenario = ROOT / "notebooks" / "ebs-nightly-batch-scenario.ipynb"
    papermill.execute_notebook(str(scenario), str(out), parameters={"volume_type": "gp2", "size": 1000}, kernel_name="cloudbook", progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    assert "injected-parameters" in nb.cells[2].metadata.tags
    cell = next(c for c in nb.cells if c.source.endswith("run.Summary"))
    summary = json.loads(cell.outputs[0]["data"]["text/plain"])
    assert (summary["VolumeType"], summary["BaselineIops"], summary["ThrottledSeconds"]) == ("gp2", 3000, 0)
    assert "2 passed, 0 failed" in nb.cells[-1].outputs[0]["data"]["text/plain"]
