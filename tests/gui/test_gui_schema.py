"""The field schema is exactly what the plugins declare: nothing missing, nothing invented."""

from __future__ import annotations

import json
import re

import pytest

from gui_testkit import THIRD_PARTY
from omniopt.gui.schema import CLI_ONLY_OPTIONS, SBATCH_OPTIONS, build_schema, schema_script
from omniopt.plugins import PluginManager


@pytest.fixture
def third_party_pm():
    return PluginManager(autoload=False, extra=[THIRD_PARTY])


def test_every_visible_run_option_is_a_field_with_its_declaration(third_party_pm):
    schema = build_schema(third_party_pm)
    visible = {spec.name: (owner, spec) for owner, spec in third_party_pm.run_options()
               if not spec.hidden and spec.name not in CLI_ONLY_OPTIONS}
    run_fields = {name for name, f in schema["fields"].items() if not f["owner"].startswith("gui:")}
    assert run_fields == set(visible)
    for name, (owner, spec) in visible.items():
        field = schema["fields"][name]
        assert field["owner"] == owner
        assert (field["type"], field["min"], field["max"], field["required"], field["repeat"]) == (
            spec.type, spec.min, spec.max, spec.required, spec.repeat)
        assert field["choices"] == (list(spec.choices) if spec.choices else None)
        assert field["flag"] == f"--{name}"


def test_hidden_fallbacks_and_command_line_only_options_are_left_out(third_party_pm):
    fields = build_schema(third_party_pm)["fields"]
    assert "partition" not in fields  # a hidden OmniOpt2 fallback while no Slurm plugin is loaded
    assert not CLI_ONLY_OPTIONS & set(fields)


def test_a_third_party_executor_gets_its_own_section(third_party_pm):
    schema = build_schema(third_party_pm)
    section = next(s for s in schema["sections"] if s["owner"] == "executor:docker")
    assert section["description"] == "Runs each trial in a container."
    assert section["fields"][:3] == ["docker_image", "docker_cpus", "docker_memory_gb"]
    cpus = schema["fields"]["docker_cpus"]
    assert (cpus["default"], cpus["min"], cpus["max"], cpus["help"]) == (2, 1, 64, "CPUs per container.")
    assert schema["fields"]["docker_network"]["widget"] == "choice"
    assert "docker" in [e["name"] for e in schema["executors"]]


def test_generators_carry_what_they_support(third_party_pm):
    generators = {g["name"]: g for g in build_schema(third_party_pm)["generators"]}
    assert generators["TEST_GRID"]["supports_constraints"] is False
    assert generators["TEST_GRID"]["supports_multi_objective"] is False
    assert generators["TEST_GRID"]["supports_choice"] is True


def test_gui_fields_entries_are_sections_of_their_own(third_party_pm):
    schema = build_schema(third_party_pm)
    section = next(s for s in schema["sections"] if s["title"] == "Sharing (test)")
    assert section["fields"] == ["username", "share_note"]
    # username is an (OmniOpt2-compatible) run option; share_note belongs to a sub-command only
    assert [schema["fields"][n]["in_command"] for n in section["fields"]] == [True, False]


def test_slurm_fields_and_the_sbatch_script_follow_the_slurm_plugin():
    bare = build_schema(PluginManager(autoload=False))
    assert bare["sbatch_options"] == {}
    installed = PluginManager(autoload=True)
    schema = build_schema(installed)
    if "slurm" not in installed.executors():
        pytest.skip("the Slurm plugin is not installed here")
    assert schema["sbatch_options"] == SBATCH_OPTIONS
    assert schema["fields"]["partition"]["owner"] == "executor:slurm"


def test_schema_script_is_a_plain_assignment_of_json():
    text = schema_script(build_schema(PluginManager(autoload=False)))
    match = re.fullmatch(r"window\.OMNIOPT_SCHEMA = (.*);\n", text, re.S)
    assert match and json.loads(match.group(1))["fields"]["experiment_name"]["required"] is True
