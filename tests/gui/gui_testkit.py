"""Helpers for the GUI tests: sites built for a plugin set, form filling, the real CLI.

A *site* is the exported page for one set of plugins plus the environment in
which the ``omniopt`` CLI sees exactly the same plugins, so that what the page
writes can be checked by the real parser.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from omniopt.gui.export import write_static
from omniopt.gui.schema import build_schema
from omniopt.plugins import DISABLE_AUTOLOAD_ENV, EXTRA_PLUGINS_ENV, PluginManager

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
THIRD_PARTY = str(Path(__file__).with_name("thirdparty_plugin.py"))


@dataclasses.dataclass
class Site:
    """The page for one plugin set, and the CLI environment that matches it."""

    directory: Path
    schema: dict[str, Any]
    env: dict[str, str]

    @property
    def url(self) -> str:
        return (self.directory / "index.html").as_uri()


def make_site(directory: Path, *, autoload: bool, extra: tuple[str, ...] = ()) -> Site:
    pm = PluginManager(autoload=autoload, extra=list(extra))
    write_static(directory, pm)
    env = {k: v for k, v in os.environ.items() if k not in (DISABLE_AUTOLOAD_ENV, EXTRA_PLUGINS_ENV)}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    if not autoload:
        env[DISABLE_AUTOLOAD_ENV] = "1"
    if extra:
        env[EXTRA_PLUGINS_ENV] = ",".join(extra)
    return Site(directory=directory, schema=build_schema(pm), env=env)


def omniopt_executable() -> str:
    found = Path(sys.executable).with_name("omniopt")
    return str(found) if found.exists() else (shutil.which("omniopt") or "omniopt")


def dump_config(command: str, site: Site, cwd: Path) -> dict[str, Any]:
    """Runs the page's command line in a shell with ``--dump_config`` and reads the YAML."""
    assert command.startswith("omniopt "), command
    line = omniopt_executable() + command[len("omniopt"):] + " --dump_config"
    done = subprocess.run(["bash", "-c", line], env=site.env, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"omniopt --dump_config failed ({done.returncode}): {done.stderr.strip()}\n{line}"
    return yaml.safe_load(done.stdout)


def dump_config_file(path: Path, kind: str, site: Site, cwd: Path) -> dict[str, Any]:
    done = subprocess.run([omniopt_executable(), f"--{kind}={path}", "--dump_config"], env=site.env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"omniopt --{kind} --dump_config failed ({done.returncode}): {done.stderr.strip()}"
    return yaml.safe_load(done.stdout)


def previous_run(site: Site, cwd: Path) -> Path:
    """A real, finished one-trial run with the round trip's parameters, to continue from."""
    program = "echo " + " ".join(f"{name}: 1" for name, _ in OBJECTIVES) + " " + " ".join(f"%({p['name']})" for p in PARAMETERS)
    args = [omniopt_executable(), "--experiment_name=previous", f"--run_program={program}", "--model=SOBOL",
            "--max_eval=1", "--executor=local", "--result_names", *[f"{n}={d}" for n, d in OBJECTIVES]]
    for p in PARAMETERS:
        args += ["--parameter", *parameter_tokens(p)]
    done = subprocess.run(args, env=site.env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return cwd / "runs" / "previous" / "0"


# -- what the round trip enters ---------------------------------------------------
PARAMETERS = [
    {"name": "x", "kind": "range", "low": "-5", "high": "10.5", "vtype": "float", "log": False},
    {"name": "lr", "kind": "range", "low": "1e-5", "high": "0.1", "vtype": "float", "log": True},
    {"name": "epochs", "kind": "range", "low": "1", "high": "100", "vtype": "int", "log": False},
    {"name": "opt", "kind": "choice", "values": "adam,sgd,rms prop"},
    {"name": "batch", "kind": "choice", "values": "16,32,64"},
    {"name": "fixed_value", "kind": "fixed", "value": "42"},
]
PROGRAM = "python3 train.py --x %(x) --lr=$(lr) --epochs %epochs --opt '%(opt)' --batch $batch --f %(fixed_value) # it's \"quoted\""
OBJECTIVES = [("LOSS", "min"), ("ACCURACY", "max")]
CONSTRAINTS = ["x + 2*lr <= 10", "2*x - epochs >= -50"]


def parameter_tokens(p: dict[str, Any]) -> list[str]:
    if p["kind"] == "choice":
        return [p["name"], "choice", p["values"]]
    if p["kind"] == "fixed":
        return [p["name"], "fixed", p["value"]]
    return [p["name"], "range", p["low"], p["high"], p["vtype"], "true" if p["log"] else "false"]


def _number_text(spec: dict[str, Any], offset: float) -> str:
    low = spec["min"] if spec["min"] is not None else 0
    value = low + offset
    if spec["max"] is not None and value > spec["max"]:
        value = spec["max"]
    if spec["default"] is not None and value == spec["default"]:
        value = value - 1 if spec["max"] is not None and value + 1 > spec["max"] else value + 1
    return str(int(value)) if spec["type"] == "int" else repr(float(value))


def generic_values(schema: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A valid, non-default value for every generic field of the schema (text or bool)."""
    values: dict[str, Any] = {}
    for name, spec in schema["fields"].items():
        if spec["widget"] in ("program", "parameters", "objectives", "constraints") or not spec["in_command"]:
            continue
        if name in overrides:
            values[name] = overrides[name]
        elif spec["type"] == "bool":
            values[name] = not spec["default"]
        elif spec["choices"]:
            values[name] = next(c for c in spec["choices"] if c != spec["default"])
        elif spec["type"] in ("int", "float"):
            values[name] = _number_text(spec, 3 if spec["type"] == "int" else 0.75)
        elif spec["type"] == "list":
            values[name] = "a:b\nc d:e"
        else:
            values[name] = "value of " + name
    return values


def expected_value(spec: dict[str, Any], value: Any) -> Any:
    """What the CLI must make of a value typed into a generic field."""
    if spec["type"] == "bool":
        return bool(value)
    if spec["type"] == "int":
        return int(value)
    if spec["type"] == "float":
        return float(value)
    if spec["type"] == "list":
        return str(value).splitlines()
    return str(value)


# -- the page ------------------------------------------------------------------------
def reveal(page: Any, selector: str) -> None:
    """Unfolds the plugin section holding a control, as a user clicks its heading."""
    if not page.is_visible(selector):
        owner = page.eval_on_selector(selector, "n => n.closest('details').getAttribute('data-owner')")
        page.click(f'details[data-owner="{owner}"] > summary')


def fill_generic(page: Any, schema: dict[str, Any], values: dict[str, Any]) -> None:
    for name, value in values.items():
        selector = f"#in-{name}"
        reveal(page, selector)
        kind = page.eval_on_selector(selector, "n => n.tagName.toLowerCase() + ':' + (n.type || '')")
        if kind == "input:checkbox":
            page.set_checked(selector, bool(value))
        elif kind.startswith("select"):
            page.select_option(selector, str(value))
        else:
            page.fill(selector, str(value))


def fill_parameters(page: Any, parameters: list[dict[str, Any]]) -> None:
    for i, p in enumerate(parameters):
        if i > 0:
            page.click("#add-parameter")
        prefix = f"#parameter-{i}-"
        page.fill(prefix + "name", p["name"])
        page.select_option(prefix + "kind", p["kind"])
        if p["kind"] == "range":
            page.fill(prefix + "low", p["low"])
            page.fill(prefix + "high", p["high"])
            page.select_option(prefix + "vtype", p["vtype"])
            page.set_checked(prefix + "log", p["log"])
        elif p["kind"] == "choice":
            page.fill(prefix + "values", p["values"])
        else:
            page.fill(prefix + "value", p["value"])


def fill_objectives(page: Any, objectives: list[tuple[str, str]]) -> None:
    for i, (name, direction) in enumerate(objectives):
        if i > 0:
            page.click("#add-objective")
        page.fill(f"#objective-{i}-name", name)
        page.select_option(f"#objective-{i}-direction", direction)


def fill_constraints(page: Any, constraints: list[str]) -> None:
    for i, text in enumerate(constraints):
        page.click("#add-constraint")
        page.fill(f"#constraint-{i}", text)


def fill_everything(page: Any, site: Site, overrides: dict[str, Any], encoding: str) -> dict[str, Any]:
    """Fills every field of the page; returns the generic values entered."""
    values = generic_values(site.schema, overrides)
    page.fill("#in-run_program", PROGRAM)
    page.check(f"#encoding-{encoding}")
    fill_parameters(page, PARAMETERS)
    fill_objectives(page, OBJECTIVES)
    fill_constraints(page, CONSTRAINTS)
    fill_generic(page, site.schema, values)
    return values


def problems(page: Any) -> list[str]:
    return page.eval_on_selector_all("#problems li", "items => items.map(i => i.textContent)")


def output(page: Any, which: str) -> str:
    return page.text_content(f"#out-{which}")


# -- comparing what the CLI parsed with what was entered ----------------------------
def assert_config_matches(data: dict[str, Any], site: Site, values: dict[str, Any]) -> None:
    from omniopt.parameters import parse_parameter
    from omniopt.program import try_base64

    assert data["run_program"] == PROGRAM
    parsed = [parse_parameter(tokens) for tokens in data["parameter"]]
    assert parsed == [parse_parameter(parameter_tokens(p)) for p in PARAMETERS]
    assert data["result_names"] == [f"{n}={d}" for n, d in OBJECTIVES]
    assert [try_base64(str(c)) or c for c in data["experiment_constraints"]] == CONSTRAINTS
    from omniopt.plugins import PluginManager

    # Secrets (tokens, passwords) are kept out of written configs on purpose.
    secret = {spec.name for _, spec in PluginManager().run_options() if spec.secret}
    assert not secret & set(data)
    mismatches = {}
    for name, value in values.items():
        if name in secret:
            continue
        expected = expected_value(site.schema["fields"][name], value)
        if data.get(name) != expected:
            mismatches[name] = (data.get(name), expected)
    assert not mismatches, f"parsed != entered for {mismatches}"
