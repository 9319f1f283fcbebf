"""The plugin manager: built-ins and entry points of group ``omniopt``.

Discovery is forgiving (a plugin that fails to import is a warning naming it),
use is strict (asking for a missing name lists what exists). The rest of the
code asks typed methods here and never calls ``pm.hook`` itself.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import os
from collections.abc import Iterable
from typing import Any, TypeVar

import pluggy

from omniopt import hookspecs
from omniopt.errors import UnknownGeneratorError, UnknownPluginError, UsageError
from omniopt.types import (
    CommandEntry,
    ExecutorEntry,
    GeneratorEntry,
    GuiFieldsEntry,
    OptionSpec,
    PlotTypeEntry,
    ResultSinkEntry,
)

log = logging.getLogger(__name__)

#: Built-in plugins, registered exactly like installed ones.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "omniopt.builtin.core_options",
    "omniopt.builtin.generators",
    "omniopt.builtin.run_folder_sink",
    "omniopt.builtin.commands",
    "omniopt.builtin.more_generators",
    "omniopt.builtin.plots",
    "omniopt.builtin.gui",
)

#: Set to 1 to skip entry-point plugins (hermetic tests).
DISABLE_AUTOLOAD_ENV = "OMNIOPT_DISABLE_PLUGIN_AUTOLOAD"
#: Comma-separated import paths of plugin modules to load without packaging them.
EXTRA_PLUGINS_ENV = "OMNIOPT_PLUGINS"

E = TypeVar("E")


@dataclasses.dataclass(frozen=True, slots=True)
class PluginInfo:
    """One loaded plugin: where it came from and what it provides."""

    name: str
    distribution: str
    version: str
    provides: dict[str, list[str]]


class PluginManager:
    """Typed access to everything the installed plugins provide."""

    def __init__(self, *, autoload: bool | None = None, extra: Iterable[str] = ()):
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._dists: dict[str, tuple[str, str]] = {}
        self.warnings: list[str] = []
        for module_name in DEFAULT_PLUGINS:
            self._pm.register(importlib.import_module(module_name), name=module_name)
            self._dists[module_name] = ("omniopt", _own_version())
        if autoload is None:
            autoload = os.environ.get(DISABLE_AUTOLOAD_ENV, "") not in ("1", "true", "yes")
        if autoload:
            self._load_entry_points()
        env_extra = [p for p in os.environ.get(EXTRA_PLUGINS_ENV, "").split(",") if p.strip()]
        for path in [*env_extra, *extra]:
            self.load_module(path.strip())
        self._cache: dict[str, Any] = {}

    # -- loading -----------------------------------------------------------------
    def _load_entry_points(self) -> None:
        from importlib.metadata import entry_points

        for ep in entry_points(group=hookspecs.PROJECT_NAME):
            dist = ep.dist.name if ep.dist else "?"
            version = ep.dist.version if ep.dist else "?"
            if self._pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
                if self._pm.is_registered(plugin):
                    continue
                self._pm.register(plugin, name=ep.name)
            except Exception as exc:  # a broken plugin must not stop the run
                message = f"plugin {ep.name!r} from {dist} failed to load and is skipped: {exc}"
                self.warnings.append(message)
                log.warning(message)
                continue
            self._dists[ep.name] = (dist, version)

    def load_module(self, import_path: str) -> None:
        """Register a plugin module by import path (a file path also works)."""
        if import_path in self._dists:
            return
        try:
            if import_path.endswith(".py") and os.path.exists(import_path):
                module = _import_file(import_path)
            else:
                module = importlib.import_module(import_path)
            if self._pm.is_registered(module):
                return
            self._pm.register(module, name=import_path)
        except Exception as exc:
            raise UnknownPluginError(
                f"cannot load plugin {import_path!r}: {exc}",
                "give an importable module path (package.module) or a .py file with omniopt hooks",
            ) from None
        self._dists[import_path] = ("(by import path)", "-")
        self._cache = {}

    def register(self, plugin: object, name: str) -> None:
        """Register an in-memory plugin object (tests, embedding)."""
        self._pm.register(plugin, name=name)
        self._dists[name] = ("(registered)", "-")
        self._cache = {}

    # -- collecting ----------------------------------------------------------------
    def _collect(self, hook_name: str) -> list[tuple[str, Any]]:
        """(plugin name, entry) pairs for one registry hook, cached."""
        if hook_name not in self._cache:
            pairs = []
            hook = getattr(self._pm.hook, hook_name)
            for impl in hook.get_hookimpls():
                for entry in impl.function() or []:
                    pairs.append((impl.plugin_name, entry))
            self._cache[hook_name] = pairs
        return self._cache[hook_name]

    def _named(self, hook_name: str, key: str = "name") -> dict[str, Any]:
        """Entries by upper/lower-case-insensitive name; two providers are an error."""
        seen: dict[str, tuple[str, Any]] = {}
        for plugin, entry in self._collect(hook_name):
            name = getattr(entry, key)
            folded = name.casefold()
            if folded in seen and seen[folded][0] != plugin:
                raise UnknownPluginError(
                    f"{name!r} is provided by two plugins: {seen[folded][0]} and {plugin}",
                    "uninstall one of them",
                )
            seen[folded] = (plugin, entry)
        return {k: v[1] for k, v in seen.items()}

    def generators(self) -> dict[str, GeneratorEntry]:
        return self._named("omniopt_generators")

    def executors(self) -> dict[str, ExecutorEntry]:
        return self._named("omniopt_executors")

    def result_sinks(self) -> dict[str, ResultSinkEntry]:
        return self._named("omniopt_result_sinks")

    def commands(self) -> dict[str, CommandEntry]:
        return self._named("omniopt_commands")

    def plot_types(self) -> dict[str, PlotTypeEntry]:
        return self._named("omniopt_plot_types")

    def gui_fields(self) -> list[GuiFieldsEntry]:
        return [entry for _, entry in self._collect("omniopt_gui_fields")]

    def generator(self, name: str) -> GeneratorEntry:
        found = self.generators().get(name.casefold())
        if found is None:
            available = ", ".join(sorted(e.name for e in self.generators().values()))
            raise UnknownGeneratorError(
                f"unknown generator {name!r}", f"available generators: {available}"
            )
        return found

    def executor(self, name: str) -> ExecutorEntry:
        found = self.executors().get(name.casefold())
        if found is None:
            available = ", ".join(sorted(e.name for e in self.executors().values())) or "none"
            raise UnknownPluginError(
                f"unknown executor {name!r}",
                f"available executors: {available} (install e.g. omniopt-local or omniopt-slurm)",
            )
        return found

    def auto_executor(self) -> ExecutorEntry:
        """The available executor with the highest priority."""
        candidates = [e for e in self.executors().values() if e.is_available()]
        if not candidates:
            raise UnknownPluginError(
                "no executor is installed", "install one: pip install ./plugins/omniopt_local"
            )
        return max(candidates, key=lambda e: e.auto_priority)

    # -- options -------------------------------------------------------------------
    def run_options(self) -> list[tuple[str, OptionSpec]]:
        """Every run option with its owner (``core`` or ``executor:local``...), each name once.

        Two entries may declare the same option name (``--time`` for both the
        core and Slurm); they must agree on its type, so that the flag means one
        thing. The first visible declaration wins over hidden fallbacks.
        """
        owned: list[tuple[str, OptionSpec]] = []
        for _, spec in self._collect("omniopt_run_options"):
            owned.append(("core", spec))
        for kind, entries in (
            ("executor", self.executors()),
            ("generator", self.generators()),
            ("sink", self.result_sinks()),
        ):
            for entry in entries.values():
                owned.extend((f"{kind}:{entry.name}", spec) for spec in entry.options)
        unique: dict[str, tuple[str, OptionSpec]] = {}
        for owner, spec in owned:
            if spec.name in unique:
                first = unique[spec.name][1]
                if first.type != spec.type:
                    raise UsageError(
                        f"option --{spec.name} is declared as {first.type} by "
                        f"{unique[spec.name][0]} and as {spec.type} by {owner}",
                        "plugins must agree on shared option types",
                    )
                if not (first.hidden and not spec.hidden):
                    continue
            unique[spec.name] = (owner, spec)
        return list(unique.values())

    def option_users(self, name: str) -> list[str]:
        """Owners (``executor:local`` ...) that declare an option."""
        users = []
        for kind, entries in (
            ("executor", self.executors()),
            ("generator", self.generators()),
            ("sink", self.result_sinks()),
        ):
            for entry in entries.values():
                if any(spec.name == name for spec in entry.options):
                    users.append(f"{kind}:{entry.name}")
        return users

    # -- listing -------------------------------------------------------------------
    def plugin_infos(self) -> list[PluginInfo]:
        infos = []
        hooks = {
            "generators": "omniopt_generators",
            "executors": "omniopt_executors",
            "result_sinks": "omniopt_result_sinks",
            "commands": "omniopt_commands",
            "plot_types": "omniopt_plot_types",
        }
        for name, (dist, version) in self._dists.items():
            provides: dict[str, list[str]] = {}
            for label, hook_name in hooks.items():
                names = [e.name for plugin, e in self._collect(hook_name) if plugin == name]
                if names:
                    provides[label] = names
            sections = [e.section for plugin, e in self._collect("omniopt_gui_fields") if plugin == name]
            if sections:
                provides["gui_fields"] = sections
            infos.append(PluginInfo(name=name, distribution=dist, version=version, provides=provides))
        return infos


def _own_version() -> str:
    from omniopt import __version__

    return __version__


def _import_file(path: str) -> Any:
    import importlib.util

    name = "omniopt_user_plugin_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"not a Python file: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
