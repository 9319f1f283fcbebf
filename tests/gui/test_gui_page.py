"""The page in a real browser: plugin sections, URL state, config files, keyboard, themes."""

from __future__ import annotations

import json

import pytest

import gui_testkit as kit
from omniopt.gui.server import GuiServer
from omniopt.plugins import PluginManager

pytestmark = pytest.mark.e2e


def _settle(page) -> None:
    page.wait_for_function("() => OmniOptGui.app.urlSettled()")


def _fill_small(page) -> None:
    page.fill("#in-experiment_name", "small")
    page.fill("#in-run_program", "python3 run.py %(x) %(opt)")
    kit.fill_parameters(page, [kit.PARAMETERS[0], kit.PARAMETERS[3]])
    page.fill("#in-max_eval", "30")


# -- plugins decide the fields ---------------------------------------------------
def test_slurm_fields_and_sbatch_script_appear_only_with_the_slurm_plugin(open_page, installed_site, bare_site):
    if "slurm" not in [e["name"] for e in installed_site.schema["executors"]]:
        pytest.skip("the Slurm plugin is not installed here")
    bare = open_page(bare_site.url)
    assert bare.query_selector("#in-partition") is None
    assert bare.query_selector("#sbatch-block") is None

    page = open_page(installed_site.url)
    assert not page.is_visible("#in-partition")  # folded until Slurm is chosen or one of its fields is set
    page.select_option("#in-executor", "slurm")
    assert page.is_visible("#in-partition")
    assert "Slurm partition" in page.text_content("#help-partition")
    _fill_small(page)
    for name, value in (("time", "90.5"), ("partition", "alpha"), ("main_process_gb", "1.5"),
                        ("num_cpus_main_job", "4"), ("account", "p_test")):
        page.fill(f"#in-{name}", value)
    script = kit.output(page, "sbatch")
    lines = script.splitlines()
    assert lines[:3] == ["#!/bin/bash", "#SBATCH --job-name=omniopt_main_small", "#SBATCH --ntasks=1"]
    assert lines[-1] == kit.output(page, "command")

    from omniopt_slurm.resources import main_job_resources

    options = {"time": 90.5, "partition": "alpha", "main_process_gb": 1.5, "num_cpus_main_job": 4, "account": "p_test"}
    expected = ["#SBATCH " + d for d in main_job_resources(options).sbatch_directives()]
    assert [line for line in lines[3:] if line.startswith("#SBATCH")] == expected


def test_a_third_party_executor_shows_its_options_with_help_limits_and_choices(open_page, third_party_site):
    page = open_page(third_party_site.url)
    heading = page.text_content("#section-executor-docker-title")
    assert heading == "Executor: docker"
    assert page.text_content("#help-docker_cpus") == "CPUs per container. Default: 2. From 1 to 64."
    kit.reveal(page, "#in-docker_cpus")
    options = page.eval_on_selector_all("#in-docker_network option", "os => os.map(o => o.value)")
    assert options == ["bridge", "host", "none"]
    assert page.is_checked("#in-docker_keep")
    assert f"--plugin {kit.THIRD_PARTY}" in kit.output(page, "command")  # the page's plugins go along
    page.fill("#in-docker_cpus", "0")
    assert page.text_content("#err-docker_cpus") == "must be at least 1"
    assert page.get_attribute("#in-docker_cpus", "aria-invalid") == "true"
    assert "--docker_cpus: must be at least 1" in kit.problems(page)
    page.click('details[data-owner="executor:docker"] > summary')  # fold it away again
    assert not page.is_visible("#in-docker_cpus")
    page.click("#problems button:text('--docker_cpus: must be at least 1')")
    assert page.evaluate("document.activeElement.id") == "in-docker_cpus"
    _settle(page)
    reopened = page.context.new_page()
    reopened.goto(page.url)
    assert reopened.is_visible("#in-docker_cpus")  # a link with a value set shows its section
    reopened.close()
    page.uncheck("#in-docker_keep")
    assert "--docker_keep=false" in kit.output(page, "command")
    kit.fill_generic(page, third_party_site.schema, {"share_note": "kept out", "username": "ann"})
    assert "--username=ann" in kit.output(page, "command")
    assert "share_note" not in kit.output(page, "command")  # a sub-command's option, not a run flag
    assert page.query_selector("#sbatch-block") is None


def test_generator_support_is_checked_next_to_the_model(open_page, third_party_site):
    page = open_page(third_party_site.url)
    page.select_option("#in-model", "TEST_GRID")
    assert "Supports: \u2717 multi-objective" in page.text_content("#about-model")
    kit.fill_objectives(page, kit.OBJECTIVES)
    assert page.text_content("#err-model") == "TEST_GRID cannot optimize several results"
    assert page.eval_on_selector_all("details.generators tbody th", "t => t.map(x => x.textContent)")[-1] == "TEST_GRID"


# -- validation: the page and the CLI agree ----------------------------------------
PARAMETER_CASES = [
    ["x", "range", "0", "1", "float", "false"], ["1x", "range", "0", "1", "float", "false"],
    ["trial_index", "range", "0", "1", "float", "false"], ["x", "range", "a", "1", "float", "false"],
    ["x", "range", "5", "1", "float", "false"], ["x", "range", "1", "1", "float", "false"],
    ["x", "range", "0.5", "2", "int", "false"], ["x", "range", "0", "1", "float", "true"],
    ["x", "range", ".1", "1.", "float", "true"], ["x", "range", "-1e-3", "+1E2", "float", "false"],
    ["x", "choice", ""], ["x", "choice", "a,a"], ["x", "choice", "1,1.0"], ["x", "choice", "1,01"],
    ["x", "choice", "a, b"], ["x", "fixed", ""], ["x", "fixed", "3"], ["x_y2", "fixed", "text"],
]


def _row(tokens):
    row = {"name": tokens[0], "kind": tokens[1], "low": "", "high": "", "vtype": "float", "log": False, "values": "", "value": ""}
    if tokens[1] == "range":
        row.update(low=tokens[2], high=tokens[3], vtype=tokens[4], log=tokens[5] == "true")
    elif tokens[1] == "choice":
        row["values"] = tokens[2]
    else:
        row["value"] = tokens[2]
    return row


def _cli_accepts(function, *args) -> bool:
    from omniopt.errors import OmniOptError

    try:
        function(*args)
    except OmniOptError:
        return False
    return True


def test_parameter_rules_match_the_cli(open_page, bare_site):
    from omniopt.parameters import parse_parameter

    page = open_page(bare_site.url)
    for tokens in PARAMETER_CASES:
        page_error = page.evaluate("r => OmniOptGui.validate.parameterError(r, OMNIOPT_SCHEMA.parameter_rules)", _row(tokens))
        assert (page_error is None) == _cli_accepts(parse_parameter, [t for t in tokens]), (tokens, page_error)


def test_option_limits_match_the_cli(open_page, third_party_site):
    from omniopt.config import convert

    specs = {s.name: s for _, s in PluginManager(autoload=False, extra=[kit.THIRD_PARTY]).run_options()}
    page = open_page(third_party_site.url)
    cases = [("num_parallel_jobs", v) for v in ("0", "1", "10000", "10001", "1.5", "2.0", "x")]
    cases += [("worker_timeout", v) for v in ("-1", "0", "0.05", "1e3", "abc")]
    cases += [("docker_memory_gb", v) for v in ("0.1", "0.25")] + [("docker_network", v) for v in ("host", "wifi")]
    for name, value in cases:
        error = page.evaluate("([n, v]) => OmniOptGui.validate.fieldError(OMNIOPT_SCHEMA.fields[n], v)", [name, value])
        assert (error is None) == _cli_accepts(convert, specs[name], value), (name, value, error)


def test_constraint_rules_match_the_cli(open_page, bare_site):
    from omniopt.parameters import parse_linear_constraint, parse_parameter

    params = [parse_parameter(["x", "range", "0", "1"]), parse_parameter(["y", "range", "0", "1"]),
              parse_parameter(["z", "choice", "a,b"])]
    page = open_page(bare_site.url)
    for text in ("x + 2*y <= 10", "x + y", "x + z <= 1", "2x + y >= 1", "x y <= 1", "3 <= 4",
                 "x * 2 + y <= 3", "-x - .5*y >= -1e1", "x + w <= 1", "eCArIDIqeSA8PSAxMA=="):
        error = page.evaluate("t => OmniOptGui.validate.constraintError(t, ['x', 'y'])", text)
        assert (error is None) == _cli_accepts(parse_linear_constraint, text, params), (text, error)


def test_errors_are_shown_next_to_the_field_and_placeholders_are_checked(open_page, bare_site):
    page = open_page(bare_site.url)
    assert set(kit.problems(page)) >= {"--experiment_name: is required", "--run_program: is required", "--max_eval: is required"}
    page.fill("#in-run_program", "python3 t.py %(x) %(nope) $HOME %d")
    page.fill("#parameter-0-name", "x")
    page.fill("#parameter-0-low", "5")
    page.fill("#parameter-0-high", "1")
    assert page.text_content("#err-parameter-0") == "lower bound must be below upper bound (use fixed for a single value)"
    assert page.text_content("#err-run_program") == "the program uses %(nope) but there is no parameter nope"
    assert "%d is not a parameter; it stays as written" in page.text_content("#warn-run_program")
    assert "HOME" not in page.text_content("#warn-run_program")  # $NAME is a shell variable unless a parameter
    page.click("#add-parameter")
    page.fill("#parameter-1-name", "unused")
    page.select_option("#parameter-1-kind", "fixed")
    page.fill("#parameter-1-value", "1")
    assert "parameter unused is not used in the program" in page.text_content("#warn-run_program")
    page.click("#problems li button >> nth=0")
    assert page.evaluate("document.activeElement.id") == "in-experiment_name"


# -- URL state, history, config files -------------------------------------------------
def test_the_url_reproduces_the_form_and_back_and_forward_work(open_page, third_party_site):
    page = open_page(third_party_site.url)
    _fill_small(page)
    page.press("#in-max_eval", "Tab")
    _settle(page)
    page.fill("#in-num_parallel_jobs", "8")
    page.press("#in-num_parallel_jobs", "Tab")
    _settle(page)
    command = kit.output(page, "command")
    assert "--num_parallel_jobs=8" in command

    copy = open_page(page.url)
    assert kit.output(copy, "command") == command
    assert copy.input_value("#parameter-1-values") == "adam,sgd,rms prop"

    page.go_back()
    page.wait_for_function("() => document.getElementById('in-num_parallel_jobs').value === '1'")
    assert "--num_parallel_jobs" not in kit.output(page, "command")
    assert page.input_value("#in-max_eval") == "30"
    page.go_forward()
    page.wait_for_function("() => document.getElementById('in-num_parallel_jobs').value === '8'")
    assert kit.output(page, "command") == command


def test_the_yaml_output_loads_back_into_the_form(open_page, third_party_site, tmp_path):
    page = open_page(third_party_site.url)
    page.fill("#in-experiment_name", "loaded")
    page.fill("#in-run_program", kit.PROGRAM)
    page.fill("#in-max_eval", "30")
    kit.fill_parameters(page, kit.PARAMETERS)
    kit.fill_objectives(page, kit.OBJECTIVES)
    kit.fill_constraints(page, kit.CONSTRAINTS)
    kit.fill_generic(page, third_party_site.schema, {"docker_memory_gb": "1", "docker_keep": False, "docker_volumes": "/a:/b\n/c d:/d",
                                                     "docker_network": "host", "executor": "docker"})
    path = tmp_path / "page.yaml"
    path.write_text(kit.output(page, "yaml"), encoding="utf-8")
    fresh = open_page(third_party_site.url)
    fresh.set_input_files("#config-file", str(path))
    fresh.wait_for_function("() => document.getElementById('notice').textContent.startsWith('Loaded')")
    assert kit.problems(page) == []
    # Numbers come back as YAML wrote them (1e-5 as 0.00001): the same values for the CLI.
    loaded = kit.dump_config(kit.output(fresh, "command"), third_party_site, tmp_path)
    assert _normalized(loaded) == _normalized(kit.dump_config(kit.output(page, "command"), third_party_site, tmp_path))
    assert kit.problems(fresh) == []


def _normalized(data):
    from omniopt.parameters import parse_parameter

    return {**data, "parameter": [parse_parameter(t) for t in data["parameter"]]}


@pytest.mark.parametrize("name,text", [
    ("omniopt2.toml", """experiment_name = "example"
max_eval = 20
num_parallel_jobs = 4
run_program = "./train --int_param='%(int_param)' --choice_param='%(choice_param)'"
[[parameter]]
param = ["int_param", "range", -100, 10, "int"]
[[parameter]]
param = ["choice_param", "choice", "1,2,4,8,16,hallo"]
"""),
    ("config.json", json.dumps({"experiment_name": "j", "max_eval": 5, "run_program": "echo %(a) %(b)",
                                "parameter": [["a", "range", 0.01, 1, "float", True], ["b", "fixed", 3]],
                                "result_names": ["Q=max"], "worker_timeout": 0.5})),
])
def test_config_files_load_into_the_form_as_the_cli_reads_them(open_page, third_party_site, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page = open_page(third_party_site.url)
    page.set_input_files("#config-file", str(path))
    page.wait_for_function("() => document.getElementById('notice').textContent.startsWith('Loaded')")
    kind = "config_toml" if name.endswith(".toml") else "config_json"
    from_page = kit.dump_config(kit.output(page, "command"), third_party_site, tmp_path)
    from_file = kit.dump_config_file(path, kind, third_party_site, tmp_path)
    assert from_page.pop("plugin") == [kit.THIRD_PARTY]  # the page adds the plugins it was built with
    assert _normalized(from_page) == _normalized(from_file)


def test_a_broken_config_file_is_reported_in_one_line(open_page, bare_site, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("experiment_name: [unclosed\n", encoding="utf-8")
    page = open_page(bare_site.url)
    page.set_input_files("#config-file", str(path))
    page.wait_for_function("() => document.getElementById('notice').className === 'bad'")
    assert page.text_content("#notice").startswith("Cannot read broken.yaml: ")


# -- keyboard, labels, themes ----------------------------------------------------------
def test_the_form_works_by_keyboard_alone(open_page, bare_site):
    page = open_page(bare_site.url)
    page.focus("#parameter-0-name")
    page.keyboard.type("alpha")
    page.focus("#add-parameter")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "parameter-1-name"
    page.keyboard.type("beta")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "parameter-1-kind"
    page.focus('[aria-label="Move parameter 2 up"]')
    page.keyboard.press("Enter")
    names = page.evaluate("OmniOptGui.app.state().parameters.map(p => p.name)")
    assert names == ["beta", "alpha"]
    assert page.evaluate("document.activeElement.id") == "parameter-0-name"  # its up button is disabled now
    page.click("#add-parameter")
    page.keyboard.type("gamma")
    page.focus("#move-parameter-0-down")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "move-parameter-1-down"  # follows the moved row
    page.keyboard.press("Enter")
    assert page.evaluate("OmniOptGui.app.state().parameters.map(p => p.name)") == ["alpha", "gamma", "beta"]
    page.click('[aria-label="Remove parameter 2"]')
    page.click("#move-parameter-1-up")  # back to beta, alpha
    page.focus('[aria-label="Remove parameter 1"]')
    page.keyboard.press("Enter")
    assert page.evaluate("OmniOptGui.app.state().parameters.map(p => p.name)") == ["alpha"]
    assert page.evaluate("document.activeElement.id") == "parameter-0-name"
    page.focus("#skip")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "out-command"


def test_every_control_has_a_label(open_page, installed_site):
    page = open_page(installed_site.url)
    page.click("#add-constraint")
    unlabeled = page.evaluate("""() => Array.from(document.querySelectorAll('input, select, textarea, button'))
        .filter(n => n.id !== 'config-file')
        .filter(n => !(n.labels && n.labels.length) && !n.getAttribute('aria-label') && !n.textContent.trim())
        .map(n => n.id || n.outerHTML)""")
    assert unlabeled == []


def test_screenshots_in_light_and_dark(open_page, installed_site, tmp_path_factory):
    shots = tmp_path_factory.mktemp("gui-screenshots")
    backgrounds = {}
    for scheme in ("light", "dark"):
        page = open_page(installed_site.url, color_scheme=scheme)
        _fill_small(page)
        kit.fill_objectives(page, kit.OBJECTIVES)
        page.fill("#in-num_parallel_jobs", "0")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(shots / f"gui-{scheme}.png"), full_page=True)
        page.set_viewport_size({"width": 420, "height": 900})
        page.screenshot(path=str(shots / f"gui-{scheme}-narrow.png"))
        backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    print(f"screenshots in {shots}")
    assert backgrounds["light"] == "rgb(246, 248, 250)"
    assert backgrounds["dark"] == "rgb(13, 17, 23)"


def test_theme_button_overrides_the_system_setting(open_page, bare_site):
    page = open_page(bare_site.url, color_scheme="light")
    page.click("#theme")
    page.click("#theme")
    assert page.text_content("#theme") == "Theme: dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 17, 23)"


def test_served_page_copies_the_command_and_downloads_the_yaml(browser, third_party_site):
    server = GuiServer(0, PluginManager(autoload=False, extra=[kit.THIRD_PARTY])).start()
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], accept_downloads=True)
    errors = []
    try:
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(server.url)
        _fill_small(page)
        page.click('button[data-copy="out-command"]')
        page.wait_for_function("() => document.getElementById('notice').textContent.startsWith('Copied')")
        assert page.evaluate("navigator.clipboard.readText()") == kit.output(page, "command")
        page.click("#copy-link")
        page.wait_for_function("() => document.getElementById('notice').textContent.includes('link')")
        assert page.evaluate("navigator.clipboard.readText()") == page.url
        with page.expect_download() as download:
            page.click("#download-yaml")
        assert download.value.suggested_filename == "small.yaml"
        with open(download.value.path(), encoding="utf-8") as handle:
            assert handle.read() == kit.output(page, "yaml")
    finally:
        context.close()
        server.close()
    assert errors == []


CONFIG_TEXTS = [
    ("a.yaml", "experiment_name: demo   # a comment\nmax_eval: 10\nworker_timeout: 0.5\nseed: ~\n"
               "run_program: 'echo ''%(x)'' # not a comment'\nresult_names: [A=min, \"B=max\"]\n"
               "parameter:\n  - [x, range, -1.5, 1e3, float, true]\n  - param: [c, choice, \"a,b\"]\n  - y fixed 3\n"
               "force_local_execution: yes\nexperiment_constraints:\n- x >= 0\n"),
    ("b.yaml", "---\nrun_program: |\n  python3 t.py \\\n    --x %(x)\nexperiment_name: \"q\\\"uote\"\n"),
    ("c.toml", "experiment_name = 'lit'\nmax_eval = 20 # twenty\nrun_program = \"\"\"\necho %(x)\n\"\"\"\n"
               "result_names = [\n  \"A=min\",\n  \"B=max\",\n]\n[[parameter]]\nparam = [\"x\", \"range\", -100, 10, \"int\"]\n"),
    ("d.json", '{"experiment_name": "j", "parameter": [["x", "range", 0, 1]], "seed": null}'),
]


def test_config_files_parse_in_the_page_as_the_cli_parses_them(open_page, bare_site):
    import tomllib

    import yaml

    page = open_page(bare_site.url)
    for name, text in CONFIG_TEXTS:
        expected = (yaml.safe_load(text) if name.endswith(".yaml") else
                    tomllib.loads(text) if name.endswith(".toml") else json.loads(text))
        parsed = page.evaluate("([t, n]) => OmniOptGui.configfile.parseConfig(t, n)", [text, name])
        assert parsed == expected, name
