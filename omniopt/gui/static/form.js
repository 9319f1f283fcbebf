/* The form: built from the schema, bound to the state object, re-drawn only
 * where rows are added, removed or reordered (so typing never loses focus). */
(function (OG) {
  "use strict";

  /** Creates an element: h("input", {id: "x", type: "text"}, child, "text", ...). */
  function h(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "value") node.value = value;
      else if (key === "checked") node.checked = Boolean(value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    var append = function (child) {
      if (child === null || child === undefined || child === false) return;
      if (Array.isArray(child)) child.forEach(append);
      else node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    };
    for (var i = 2; i < arguments.length; i++) append(arguments[i]);
    return node;
  }

  function humanize(name) {
    var words = name.replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function helpText(spec) {
    var parts = [spec.help];
    var d = spec.default;
    if (d !== null && d !== undefined && !(Array.isArray(d) && !d.length) && spec.type !== "bool") {
      parts.push("Default: " + (Array.isArray(d) ? d.join(" ") : d) + ".");
    }
    if (spec.min !== null && spec.max !== null) parts.push("From " + spec.min + " to " + spec.max + ".");
    else if (spec.min !== null) parts.push("At least " + spec.min + ".");
    else if (spec.max !== null) parts.push("At most " + spec.max + ".");
    if (spec.in_command === false) parts.push("(Not a flag of the run command: shown for reference.)");
    return parts.filter(Boolean).join(" ");
  }

  function label(spec, forId) {
    return h("label", { for: forId }, humanize(spec.name), " ",
      h("code", { text: spec.flag }),
      spec.required ? h("span", { class: "required", "aria-hidden": "true", text: " *" }) : null);
  }

  function slots(name) {
    return [
      h("p", { class: "help", id: "help-" + name, text: helpText(OG.form.schema.fields[name]) }),
      h("p", { class: "error", id: "err-" + name }),
    ];
  }

  function describedBy(name) {
    return "help-" + name + " err-" + name;
  }

  function options(values) {
    return values.map(function (v) { return { value: v, label: v }; });
  }

  function select(attrs, options, current) {
    var node = h("select", attrs);
    options.forEach(function (o) {
      var opt = h("option", { value: o.value, text: o.label });
      if (o.value === current) opt.selected = true;
      node.appendChild(opt);
    });
    return node;
  }

  // -- generic fields -------------------------------------------------------------
  function genericField(spec, state) {
    var name = spec.name, id = "in-" + name, value = state.values[name];
    var common = { id: id, "data-bind": "values." + name, "aria-describedby": describedBy(name),
      "aria-required": spec.required ? "true" : null };
    if (spec.type === "bool") {
      common.type = "checkbox";
      common.checked = value;
      return h("div", { class: "field checkbox", "data-field": name }, h("input", common), label(spec, id), slots(name));
    }
    var control;
    if (spec.choices) {
      var choices = options(spec.choices);
      if (!spec.required && (spec.default === null || spec.default === undefined)) choices.unshift({ value: "", label: "(not set)" });
      control = select(common, choices, value);
    } else if (spec.type === "list") {
      common.rows = 2;
      common.value = value;
      common.spellcheck = "false";
      common.placeholder = spec.repeat ? "one " + spec.flag + " per line" : "one " + (spec.metavar || "value") + " per line";
      control = h("textarea", common);
    } else {
      common.type = "text";
      common.value = value;
      common.autocomplete = "off";
      common.spellcheck = "false";
      if (spec.type === "int") common.inputmode = "numeric";
      if (spec.type === "float") common.inputmode = "decimal";
      if (spec.metavar) common.placeholder = spec.metavar;
      control = h("input", common);
    }
    return h("div", { class: "field", "data-field": name }, label(spec, id), control, slots(name));
  }

  // -- program --------------------------------------------------------------------
  function programField(spec, state) {
    var id = "in-" + spec.name;
    var radios = h("fieldset", { class: "encoding" }, h("legend", { text: "Write the program into the command" }));
    [["base64", "base64-encoded (safe for any quoting)"], ["plain", "as plain, quoted text"]].forEach(function (pair) {
      var rid = "encoding-" + pair[0];
      radios.appendChild(h("span", { class: "radio" },
        h("input", { type: "radio", name: "encoding", id: rid, value: pair[0], "data-bind": "encoding", checked: state.encoding === pair[0] }),
        h("label", { for: rid, text: pair[1] })));
    });
    return h("div", { class: "field wide", "data-field": spec.name },
      label(spec, id),
      h("textarea", { id: id, rows: 3, "data-bind": "program", value: state.program, spellcheck: "false",
        placeholder: "python3 train.py --lr %(lr) --epochs %(epochs)",
        "aria-describedby": describedBy(spec.name) + " warn-" + spec.name, "aria-required": "true" }),
      slots(spec.name), h("p", { class: "warning", id: "warn-" + spec.name }), radios);
  }

  // -- rows: parameters, objectives, constraints ----------------------------------
  function rowButtons(kind, i, count, what) {
    var box = h("span", { class: "row-buttons" });
    if (kind === "parameter") {
      box.appendChild(h("button", { type: "button", id: "move-" + kind + "-" + i + "-up", "data-action": "move", "data-list": kind, "data-index": i, "data-step": -1,
        "aria-label": "Move " + what + " up", title: "Move up", disabled: i === 0, text: "\u2191" }));
      box.appendChild(h("button", { type: "button", id: "move-" + kind + "-" + i + "-down", "data-action": "move", "data-list": kind, "data-index": i, "data-step": 1,
        "aria-label": "Move " + what + " down", title: "Move down", disabled: i === count - 1, text: "\u2193" }));
    }
    box.appendChild(h("button", { type: "button", "data-action": "remove", "data-list": kind, "data-index": i,
      "aria-label": "Remove " + what, title: "Remove", text: "\u2715" }));
    return box;
  }

  function small(id, text, control) {
    return h("span", { class: "cell" }, h("label", { for: id, text: text }), control);
  }

  function parameterRow(row, i, count) {
    var p = "parameter-" + i + "-", bind = "parameters." + i + ".";
    var what = "parameter " + (i + 1);
    var cells = [
      small(p + "name", "Name", h("input", { id: p + "name", type: "text", "data-bind": bind + "name", value: row.name,
        autocomplete: "off", spellcheck: "false", placeholder: "lr", "aria-describedby": "err-parameter-" + i })),
      small(p + "kind", "Type", select({ id: p + "kind", "data-bind": bind + "kind", "data-redraw": "parameter" },
        options(OG.form.schema.parameter_rules.kinds), row.kind)),
    ];
    if (row.kind === "range") {
      cells.push(
        small(p + "low", "Lower bound", h("input", { id: p + "low", type: "text", inputmode: "decimal", "data-bind": bind + "low", value: row.low, autocomplete: "off", "aria-describedby": "err-parameter-" + i })),
        small(p + "high", "Upper bound", h("input", { id: p + "high", type: "text", inputmode: "decimal", "data-bind": bind + "high", value: row.high, autocomplete: "off", "aria-describedby": "err-parameter-" + i })),
        small(p + "vtype", "Value type", select({ id: p + "vtype", "data-bind": bind + "vtype" },
          options(OG.form.schema.parameter_rules.value_types), row.vtype)),
        h("span", { class: "cell check" }, h("input", { id: p + "log", type: "checkbox", "data-bind": bind + "log", checked: row.log }),
          h("label", { for: p + "log", text: "Log scale" })));
    } else if (row.kind === "choice") {
      cells.push(small(p + "values", "Values, comma-separated", h("input", { id: p + "values", type: "text", class: "grow", "data-bind": bind + "values",
        value: row.values, autocomplete: "off", spellcheck: "false", placeholder: "adam,sgd,rmsprop", "aria-describedby": "err-parameter-" + i })));
    } else {
      cells.push(small(p + "value", "Value", h("input", { id: p + "value", type: "text", "data-bind": bind + "value", value: row.value,
        autocomplete: "off", spellcheck: "false", "aria-describedby": "err-parameter-" + i })));
    }
    var group = h("li", { class: "row parameter", role: "group", "aria-label": what });
    group.appendChild(h("span", { class: "cells" }, cells));
    group.appendChild(rowButtons("parameter", i, count, what));
    group.appendChild(h("p", { class: "error", id: "err-parameter-" + i }));
    return group;
  }

  function objectiveRow(o, i) {
    var p = "objective-" + i + "-", what = "result " + (i + 1);
    var li = h("li", { class: "row objective", role: "group", "aria-label": what },
      h("span", { class: "cells" },
        small(p + "name", "Result name", h("input", { id: p + "name", type: "text", "data-bind": "objectives." + i + ".name", value: o.name,
          autocomplete: "off", spellcheck: "false", "aria-describedby": "err-objective-" + i })),
        small(p + "direction", "Goal", select({ id: p + "direction", "data-bind": "objectives." + i + ".direction" },
          [{ value: "min", label: "minimize" }, { value: "max", label: "maximize" }], o.direction))),
      rowButtons("objective", i, 0, what),
      h("p", { class: "error", id: "err-objective-" + i }));
    return li;
  }

  function constraintRow(c, i) {
    var what = "constraint " + (i + 1);
    return h("li", { class: "row constraint", role: "group", "aria-label": what },
      h("span", { class: "cells" },
        small("constraint-" + i, "Constraint", h("input", { id: "constraint-" + i, type: "text", class: "grow", "data-bind": "constraints." + i,
          value: c, autocomplete: "off", spellcheck: "false", placeholder: "x + 2*y <= 10", "aria-describedby": "err-constraint-" + i }))),
      rowButtons("constraint", i, 0, what),
      h("p", { class: "error", id: "err-constraint-" + i }));
  }

  var LISTS = {
    parameter: { key: "parameters", row: parameterRow, blank: function () { return OG.state.blankParameter(); }, add: "Add parameter" },
    objective: { key: "objectives", row: objectiveRow, blank: function () { return { name: "", direction: "min" }; }, add: "Add result" },
    constraint: { key: "constraints", row: constraintRow, blank: function () { return ""; }, add: "Add constraint" },
  };

  function listField(spec, kind) {
    var id = "list-" + kind;
    var headingId = "label-" + spec.name;
    return h("div", { class: "field wide", "data-field": spec.name, role: "group", "aria-labelledby": headingId },
      h("span", { class: "label", id: headingId }, humanize(spec.name), " ", h("code", { text: spec.flag })),
      h("p", { class: "help", id: "help-" + spec.name, text: helpText(spec) }),
      h("ol", { class: "rows", id: id }),
      h("button", { type: "button", class: "add", id: "add-" + kind, "data-action": "add", "data-list": kind, text: LISTS[kind].add }),
      h("p", { class: "error", id: "err-" + kind }));
  }

  function drawList(kind) {
    var list = LISTS[kind];
    var container = document.getElementById("list-" + kind);
    if (!container) return;
    var items = OG.form.state[list.key];
    container.textContent = "";
    items.forEach(function (item, i) { container.appendChild(list.row(item, i, items.length)); });
  }

  // -- generators and executors -----------------------------------------------------
  function supportsList(g) {
    var marks = [["multi-objective", g.supports_multi_objective], ["constraints", g.supports_constraints],
      ["choice parameters", g.supports_choice], ["continuing", g.supports_continue]];
    return marks.map(function (m) { return (m[1] ? "\u2713 " : "\u2717 ") + m[0]; }).join(" \u00b7 ");
  }

  function generatorTable(schema) {
    var head = h("tr", {}, h("th", { scope: "col", text: "Generator" }), h("th", { scope: "col", text: "What it does" }),
      h("th", { scope: "col", text: "Several results" }), h("th", { scope: "col", text: "Constraints" }),
      h("th", { scope: "col", text: "Choice" }), h("th", { scope: "col", text: "Continue" }));
    var body = h("tbody");
    schema.generators.forEach(function (g) {
      var yes = function (v) { return h("td", { text: v ? "yes" : "no" }); };
      body.appendChild(h("tr", {}, h("th", { scope: "row", text: g.name }), h("td", { text: g.description }),
        yes(g.supports_multi_objective), yes(g.supports_constraints), yes(g.supports_choice), yes(g.supports_continue)));
    });
    return h("details", { class: "generators" }, h("summary", { text: "Installed generators (" + schema.generators.length + ")" }),
      h("table", {}, h("thead", {}, head), body));
  }

  function generatorField(spec, state, schema) {
    if (!schema.generators.length) return genericField(spec, state);
    var id = "in-" + spec.name;
    var options = schema.generators.map(function (g) { return { value: g.name, label: g.name }; });
    var current = state.values[spec.name];
    var known = OG.validate.findGenerator(schema, current);
    if (current && !known) options.unshift({ value: current, label: current + " (not installed)" });
    return h("div", { class: "field", "data-field": spec.name }, label(spec, id),
      select({ id: id, "data-bind": "values." + spec.name, "aria-describedby": describedBy(spec.name) + " about-" + spec.name },
        options, known ? known.name : current),
      h("p", { class: "about", id: "about-" + spec.name, "aria-live": "polite" }),
      slots(spec.name), generatorTable(schema));
  }

  function executorField(spec, state, schema) {
    if (!schema.executors.length) return genericField(spec, state);
    var id = "in-" + spec.name;
    var options = [{ value: "", label: "(best available)" }].concat(schema.executors.map(function (e) {
      return { value: e.name, label: e.name + (e.description ? " \u2014 " + e.description : "") };
    }));
    var current = state.values[spec.name];
    if (current && !schema.executors.some(function (e) { return e.name === current; })) options.push({ value: current, label: current + " (not installed)" });
    return h("div", { class: "field", "data-field": spec.name }, label(spec, id),
      select({ id: id, "data-bind": "values." + spec.name, "aria-describedby": describedBy(spec.name) }, options, current),
      slots(spec.name));
  }

  function strategyField(spec, state, schema) {
    var node = genericField(spec, state);
    if (schema.generators.length) {
      node.querySelector(".help").textContent += " Generators: " + schema.generators.map(function (g) { return g.name; }).join(", ") + ".";
    }
    return node;
  }

  function field(spec, state, schema) {
    switch (spec.widget) {
      case "program": return programField(spec, state);
      case "parameters": return listField(spec, "parameter");
      case "objectives": return listField(spec, "objective");
      case "constraints": return listField(spec, "constraint");
      case "generator": return generatorField(spec, state, schema);
      case "executor": return executorField(spec, state, schema);
      case "generation_strategy": return strategyField(spec, state, schema);
      default: return genericField(spec, state);
    }
  }

  /** Whether a plugin's section matters for this form: its executor or generator is
   *  chosen, or one of its fields holds a value other than the default. */
  function relevant(section, state, schema) {
    var defaults = OG.state.defaultState(schema).values;
    var owner = section.owner.split(":");
    if (owner[0] === "executor" && owner[1] === state.values.executor) return true;
    if (owner[0] === "generator" && OG.validate.usedGenerators(state, schema).some(function (g) {
      return g.toLowerCase() === owner[1].toLowerCase();
    })) return true;
    return section.fields.some(function (name) { return state.values[name] !== defaults[name]; });
  }

  /** Core sections are always open; a plugin's section is a <details>, open when relevant. */
  function sectionNode(section, state, schema) {
    var id = "section-" + section.id.replace(/[^A-Za-z0-9_-]/g, "-");
    var heading = h("h2", { id: id + "-title", text: section.title });
    var node;
    if (section.owner === "core") {
      node = h("section", { class: "section", id: id, "aria-labelledby": id + "-title", "data-owner": section.owner }, heading);
    } else {
      var count = section.fields.length === 1 ? "1 option" : section.fields.length + " options";
      node = h("details", { class: "section plugin", id: id, "data-owner": section.owner, open: relevant(section, state, schema) },
        h("summary", {}, heading, h("span", { class: "count", text: count })));
    }
    var from = section.owner === "core" || /^gui:/.test(section.owner) ? "" : "From the plugin " + section.owner + (section.description ? ": " : ".");
    if (from || section.description) node.appendChild(h("p", { class: "owner", text: from + section.description }));
    var grid = h("div", { class: "fields" });
    section.fields.forEach(function (name) { grid.appendChild(field(schema.fields[name], state, schema)); });
    node.appendChild(grid);
    return node;
  }

  /** Opens the sections that became relevant (a chosen executor or generator). */
  function openRelevant() {
    var schema = OG.form.schema;
    schema.sections.forEach(function (section) {
      var node = document.querySelector('details[data-owner="' + section.owner + '"]');
      if (node && !node.open && relevant(section, OG.form.state, schema)) node.open = true;
    });
  }

  /** Focuses a control, opening its section first if it is folded away. */
  function reveal(id) {
    var node = document.getElementById(id);
    if (!node) return;
    var folded = node.closest("details");
    if (folded) folded.open = true;
    node.focus();
  }

  // -- binding --------------------------------------------------------------------
  function assign(path, value) {
    var keys = path.split(".");
    var target = OG.form.state;
    for (var i = 0; i < keys.length - 1; i++) target = target[keys[i]];
    target[keys[keys.length - 1]] = value;
  }

  function onEdit(event) {
    var node = event.target;
    var path = node.getAttribute && node.getAttribute("data-bind");
    if (!path) return;
    if (node.type === "radio" && !node.checked) return;
    assign(path, node.type === "checkbox" ? node.checked : node.value);
    if (node.getAttribute("data-redraw") && event.type === "change") {
      drawList(node.getAttribute("data-redraw"));
      var again = document.getElementById(node.id);
      if (again) again.focus();
    }
    if (event.type === "change" && /^values\.(executor|model|generation_strategy)$/.test(path)) openRelevant();
    OG.form.onChange(event.type === "change");
  }

  function rowInputId(kind, i) {
    return kind === "constraint" ? "constraint-" + i : kind + "-" + i + "-name";
  }

  /** Add, remove and move rows; focus goes where the keyboard user expects it. */
  function onClick(event) {
    var button = event.target.closest ? event.target.closest("button[data-action]") : null;
    if (!button) return;
    var kind = button.getAttribute("data-list");
    var list = LISTS[kind];
    var items = OG.form.state[list.key];
    var i = Number(button.getAttribute("data-index"));
    var action = button.getAttribute("data-action");
    var focusId, fallbackId;
    if (action === "add") {
      items.push(list.blank());
      focusId = rowInputId(kind, items.length - 1);
    } else if (action === "remove") {
      items.splice(i, 1);
      focusId = items.length ? rowInputId(kind, Math.min(i, items.length - 1)) : "add-" + kind;
    } else {
      var step = Number(button.getAttribute("data-step"));
      items.splice(i + step, 0, items.splice(i, 1)[0]);
      // The same button of the moved row, unless the row reached the end of the list.
      focusId = button.id.replace("-" + i + "-", "-" + (i + step) + "-");
      fallbackId = rowInputId(kind, i + step);
    }
    drawList(kind);
    var node = document.getElementById(focusId);
    if (!node || node.disabled) node = document.getElementById(fallbackId);
    if (node) node.focus();
    OG.form.onChange(true);
  }

  /** Shows each problem next to its field; marks the inputs for screen readers. */
  function showProblems(problems) {
    var root = OG.form.root;
    Array.prototype.forEach.call(root.querySelectorAll(".error, .warning"), function (n) { n.textContent = ""; });
    Array.prototype.forEach.call(root.querySelectorAll("[aria-invalid]"), function (n) { n.removeAttribute("aria-invalid"); });
    problems.forEach(function (p) {
      var slot = document.getElementById(p.slot);
      if (!slot) return;
      slot.textContent = slot.textContent ? slot.textContent + " " + p.message : p.message;
      var input = document.getElementById(p.focus);
      if (input && !p.warning) input.setAttribute("aria-invalid", "true");
    });
  }

  function showGenerator(schema) {
    var about = document.getElementById("about-model");
    if (!about) return;
    var g = OG.validate.findGenerator(schema, OG.form.state.values.model);
    about.textContent = g ? (g.description ? g.description + " " : "") + "Supports: " + supportsList(g) + "." : "";
  }

  function render(root, state, schema, onChange) {
    OG.form.root = root;
    OG.form.state = state;
    OG.form.schema = schema;
    OG.form.onChange = onChange;
    root.textContent = "";
    schema.sections.forEach(function (section) { root.appendChild(sectionNode(section, state, schema)); });
    Object.keys(LISTS).forEach(drawList);
    if (!root.getAttribute("data-bound")) {
      root.addEventListener("input", onEdit);
      root.addEventListener("change", onEdit);
      root.addEventListener("click", onClick);
      root.setAttribute("data-bound", "1");
    }
  }

  OG.form = { h: h, render: render, showProblems: showProblems, showGenerator: showGenerator, reveal: reveal };
})(window.OmniOptGui = window.OmniOptGui || {});
