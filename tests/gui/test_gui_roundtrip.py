"""Round trips through the real CLI: every field typed into the page must come back
from ``omniopt ... --dump_config`` (and ``--config_yaml``) as it was entered."""

from __future__ import annotations

import pytest

import gui_testkit as kit

pytestmark = pytest.mark.e2e


def _overrides(site: kit.Site, tmp_path) -> dict:
    """Values a generic guess would get wrong: paths, generator and executor names."""
    names = [g["name"] for g in site.schema["generators"]]
    overrides = {
        "plugin": "\n".join(e for e in site.env.get("OMNIOPT_PLUGINS", "").split(",") if e) or "omniopt.builtin.gui",
        "workdir": str(tmp_path),
        "run_dir": str(tmp_path / "my runs"),
        "experiment_name": "round_trip",
        "max_eval": "12",
    }
    if "SOBOL" in names:
        overrides["model"] = "SOBOL"
    if {"SOBOL", "BOTORCH_MODULAR"} <= set(names):
        overrides["generation_strategy"] = "SOBOL=3,BOTORCH_MODULAR"
    executors = [e["name"] for e in site.schema["executors"]]
    if executors:
        overrides["executor"] = executors[-1]
    # Continuing needs a real earlier run, which needs an executor that runs here.
    previous = str(kit.previous_run(site, tmp_path)) if "local" in executors else ""
    overrides["continue_previous_job"] = previous
    # Both are checked by the CLI: a real run folder, a constraint on a result.
    overrides["load_data_from_existing_jobs"] = previous
    overrides["outcome_constraints"] = "MEMORY <= 16\nSPEED >= 0.5"
    return {k: v for k, v in overrides.items() if k in site.schema["fields"]}


def _round_trip(open_page, site: kit.Site, tmp_path, encoding: str) -> None:
    page = open_page(site.url)
    values = kit.fill_everything(page, site, _overrides(site, tmp_path), encoding)
    values = {k: v for k, v in values.items() if v != ""}
    assert kit.problems(page) == []
    command = kit.output(page, "command")
    if encoding == "plain":
        assert "--run_program='python3 train.py" in command
    else:
        assert "--run_program=cHl0aG9u" in command
    kit.assert_config_matches(kit.dump_config(command, site, tmp_path), site, values)

    config = tmp_path / "from_page.yaml"
    config.write_text(kit.output(page, "yaml"), encoding="utf-8")
    kit.assert_config_matches(kit.dump_config_file(config, "config_yaml", site, tmp_path), site, values)


def test_every_field_of_a_third_party_executor_round_trips(open_page, third_party_site, tmp_path):
    assert "docker_cpus" in third_party_site.schema["fields"]
    _round_trip(open_page, third_party_site, tmp_path, "base64")


def test_every_field_of_the_installed_plugins_round_trips(open_page, installed_site, tmp_path):
    _round_trip(open_page, installed_site, tmp_path, "plain")
