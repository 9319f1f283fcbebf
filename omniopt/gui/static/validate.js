/* The CLI's checks, run in the page: option limits from the schema (exported from
 * each OptionSpec) and the parameter, objective, constraint and placeholder rules. */
(function (OG) {
  "use strict";

  var NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
  var INT = /^[+-]?\d+$/;

  /** The CLI's own patterns, exported into the schema. */
  function textRule(name, flags) {
    return new RegExp(window.OMNIOPT_SCHEMA.text_rules[name], flags);
  }

  /** What is wrong with one typed option value, or null. */
  function fieldError(spec, raw) {
    if (spec.type === "bool") return null;
    var text = String(raw === undefined || raw === null ? "" : raw).trim();
    if (!text) return spec.required ? "is required" : null;
    if (spec.type === "int" || spec.type === "float") {
      if (!NUMBER.test(text)) return spec.type === "int" ? "must be a whole number" : "must be a number";
      var value = Number(text);
      if (spec.type === "int" && !Number.isInteger(value)) return "must be a whole number";
      if (spec.min !== null && value < spec.min) return "must be at least " + spec.min;
      if (spec.max !== null && value > spec.max) return "must be at most " + spec.max;
    }
    if (spec.choices && spec.choices.indexOf(text) < 0) return "must be one of " + spec.choices.join(", ");
    return null;
  }

  function nameError(name, rules, what) {
    if (!name) return what + " needs a name";
    if (!new RegExp(rules.name_pattern).test(name)) return what + " name '" + name + "' is not valid: use letters, digits and _ and start with a letter or _";
    if (rules.reserved_names && rules.reserved_names.indexOf(name) >= 0) return "'" + name + "' is reserved for a run-folder column: rename it";
    return null;
  }

  /** What is wrong with one parameter row (the first problem), or null. */
  function parameterError(row, rules) {
    var name = row.name.trim();
    var bad = nameError(name, rules, "a parameter");
    if (bad) return bad;
    if (row.kind === "fixed") return row.value.trim() ? null : "fixed needs a value";
    if (row.kind === "choice") {
      var values = row.values.split(rules.choice_separator).map(function (v) { return v.trim(); })
        .filter(function (v) { return v; });
      if (values.length < rules.min_choice_values) return "choice needs values, e.g. a,b,c";
      var seen = {};
      for (var i = 0; i < values.length; i++) {
        var key = canonicalChoice(values[i]);
        if (seen[key]) return "choice lists '" + values[i] + "' twice";
        seen[key] = true;
      }
      return null;
    }
    var low = row.low.trim(), high = row.high.trim();
    if (!NUMBER.test(low)) return "lower bound " + (low ? "'" + low + "' is not a number" : "is missing");
    if (!NUMBER.test(high)) return "upper bound " + (high ? "'" + high + "' is not a number" : "is missing");
    if (!(Number(low) < Number(high))) return "lower bound must be below upper bound (use fixed for a single value)";
    if (row.vtype === "int" && (!Number.isInteger(Number(low)) || !Number.isInteger(Number(high)))) return "int bounds must be whole numbers";
    if (row.log && Number(low) <= 0) return "a log-scale range needs a lower bound above 0";
    return null;
  }

  /** Choices compare as the CLI reads them: numbers by value, text as text. */
  function canonicalChoice(text) {
    if (INT.test(text)) return String(parseInt(text, 10));
    if (NUMBER.test(text)) {
      var shown = String(Number(text));
      return /^-?\d+$/.test(shown) ? shown + ".0" : shown;
    }
    return text;
  }

  /** Names written as placeholders in the program (%(x), $(x), %x; $x only for known names). */
  function placeholders(program, names) {
    var found = {};
    var m;
    var pattern = textRule("placeholder", "g");
    while ((m = pattern.exec(program)) !== null) {
      found[m[1] || m[2] || m[3]] = m[1] ? "%(" + m[1] + ")" : m[2] ? "$(" + m[2] + ")" : "%" + m[3];
    }
    names.forEach(function (n) {
      if (new RegExp("\\$" + n + "(?![A-Za-z0-9_])").test(program)) found[n] = "$" + n;
    });
    return found;
  }

  function usesParameter(program, name) {
    var n = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp("%\\(" + n + "\\)|\\$\\(" + n + "\\)|[%$]" + n + "(?![A-Za-z0-9_])").test(program);
  }

  /** {errors, warnings} of the program against the parameters. */
  function programCheck(program, parameterNames, spec) {
    var errors = [], warnings = [];
    if (!program.trim()) {
      if (spec && spec.required) errors.push("is required");
      return { errors: errors, warnings: warnings };
    }
    var found = placeholders(program, parameterNames);
    Object.keys(found).forEach(function (name) {
      if (parameterNames.indexOf(name) >= 0) return;
      if (found[name] === "%(" + name + ")") errors.push("the program uses %(" + name + ") but there is no parameter " + name);
      else warnings.push(found[name] + " is not a parameter; it stays as written");
    });
    parameterNames.forEach(function (name) {
      if (!usesParameter(program, name)) warnings.push("parameter " + name + " is not used in the program (write %(" + name + "))");
    });
    return { errors: errors, warnings: warnings };
  }

  function objectiveError(o, rules) {
    var name = o.name.trim();
    if (!name) return "a result needs a name";
    if (!new RegExp(rules.name_pattern).test(name.replace(/-/g, "_"))) return "result name '" + name + "' is not valid: use letters, digits and _";
    if (rules.directions.indexOf(o.direction) < 0) return "direction must be min or max";
    return null;
  }

  /** What is wrong with a linear constraint over the range parameters, or null. */
  function constraintError(text, rangeNames) {
    var original = (OG.format.cliDecodes(text) || text).trim();
    var m = /^(.+?)(<=|>=)(.+)$/.exec(original);
    if (!m) return "needs <= or >=, e.g. x + 2*y <= 10";
    var named = 0;
    var sides = [m[1], m[3]];
    var term = textRule("constraint_term", "y");
    for (var s = 0; s < 2; s++) {
      var side = sides[s], position = 0, terms = 0;
      while (position < side.length) {
        term.lastIndex = position;
        var t = term.exec(side);
        if (!t || term.lastIndex === position || (t.groups.coef === undefined && t.groups.name === undefined)) return "cannot read '" + side.slice(position).trim() + "'";
        if (terms && t.groups.sign === undefined) return "missing + or - before '" + t[0].trim() + "'";
        if (t.groups.name !== undefined) {
          if (rangeNames.indexOf(t.groups.name) < 0) return "'" + t.groups.name + "' is not a range parameter";
          named++;
        }
        terms++;
        position = term.lastIndex;
      }
      if (!terms) return "a side is empty";
    }
    return named ? null : "names no parameter";
  }

  function generatorNames(schema) {
    return schema.generators.map(function (g) { return g.name; });
  }

  function findGenerator(schema, name) {
    var folded = String(name).trim().toLowerCase();
    for (var i = 0; i < schema.generators.length; i++) {
      if (schema.generators[i].name.toLowerCase() === folded) return schema.generators[i];
    }
    return null;
  }

  /** Generators the form would use, for the support checks. */
  function usedGenerators(state, schema) {
    var strategy = String(state.values.generation_strategy || "").trim();
    if (strategy) return strategy.split(",").map(function (p) { return p.split("=")[0].trim(); });
    var model = String(state.values.model || "").trim() || (schema.fields.model ? schema.fields.model.default : "");
    return model ? [model] : [];
  }

  function strategyError(text, schema) {
    text = String(text || "").trim();
    if (!text) return null;
    var parts = text.split(",");
    for (var i = 0; i < parts.length; i++) {
      var pieces = parts[i].split("=");
      var count = pieces.slice(1).join("=").trim();
      if (count && !INT.test(count)) return "'" + count + "' is not a number of trials: write SOBOL=5,BOTORCH_MODULAR=10";
      if (schema.generators.length && !findGenerator(schema, pieces[0])) return "unknown generator '" + pieces[0].trim() + "'; available: " + generatorNames(schema).join(", ");
    }
    return null;
  }

  /** What the chosen generators cannot do with this form, or null. */
  function supportError(state, schema) {
    var objectives = state.objectives.filter(function (o) { return o.name.trim(); }).length;
    var constraints = state.constraints.filter(function (c) { return c.trim(); }).length;
    var choices = state.parameters.some(function (p) { return p.kind === "choice" && p.name.trim(); });
    var continuing = String(state.values.continue_previous_job || "").trim();
    var names = usedGenerators(state, schema);
    for (var i = 0; i < names.length; i++) {
      var g = findGenerator(schema, names[i]);
      if (!g) {
        if (schema.generators.length && !state.values.generation_strategy) return "unknown generator '" + names[i] + "'; available: " + generatorNames(schema).join(", ");
        continue;
      }
      if (objectives > 1 && !g.supports_multi_objective) return g.name + " cannot optimize several results";
      if (constraints && !g.supports_constraints) return g.name + " does not support constraints";
      if (choices && !g.supports_choice) return g.name + " does not support choice parameters";
      if (continuing && !g.supports_continue) return g.name + " cannot continue a previous run";
    }
    return null;
  }

  /** Every problem of the form: [{slot, focus, message, warning?}], slot = error element id. */
  function validate(state, schema) {
    var problems = [];
    var add = function (slot, focus, message, warning, where) {
      problems.push({ slot: slot, focus: focus, message: message, warning: Boolean(warning), where: where || "" });
    };
    var rules = schema.parameter_rules;
    var named = state.parameters.filter(function (p) { return p.name.trim(); });
    var names = named.map(function (p) { return p.name.trim(); });
    var rangeNames = named.filter(function (p) { return p.kind === "range"; }).map(function (p) { return p.name.trim(); });
    Object.keys(schema.fields).forEach(function (name) {
      var spec = schema.fields[name];
      var w = spec.widget;
      if (w === "program") {
        var check = programCheck(state.program, names, spec);
        check.errors.forEach(function (m) { add("err-" + name, "in-" + name, m, false, spec.flag); });
        check.warnings.forEach(function (m) { add("warn-" + name, "in-" + name, m, true, spec.flag); });
      } else if (w === "parameters") {
        if (!state.parameters.length) add("err-parameter", "add-parameter", "add at least one parameter", false, spec.flag);
        var seen = {};
        state.parameters.forEach(function (row, i) {
          var bad = parameterError(row, rules);
          if (!bad && seen[row.name.trim()]) bad = "parameter " + row.name.trim() + " is defined twice";
          seen[row.name.trim()] = true;
          if (bad) add("err-parameter-" + i, "parameter-" + i + "-name", bad, false, "parameter " + (i + 1));
        });
        if (named.length && named.every(function (p) { return p.kind === "fixed"; })) add("err-parameter", "parameter-0-kind", "every parameter is fixed: nothing to optimize", false, spec.flag);
      } else if (w === "objectives") {
        var seenResult = {};
        state.objectives.forEach(function (o, i) {
          var bad = objectiveError(o, schema.objective_rules);
          if (!bad && seenResult[o.name.trim()]) bad = "result " + o.name.trim() + " is listed twice";
          seenResult[o.name.trim()] = true;
          if (bad) add("err-objective-" + i, "objective-" + i + "-name", bad, false, "result " + (i + 1));
        });
      } else if (w === "constraints") {
        state.constraints.forEach(function (c, i) {
          var bad = c.trim() ? constraintError(c, rangeNames) : null;
          if (bad) add("err-constraint-" + i, "constraint-" + i, bad, false, "constraint " + (i + 1));
        });
      } else if (w === "generation_strategy") {
        var bad = strategyError(state.values[name], schema);
        if (bad) add("err-" + name, "in-" + name, bad, false, spec.flag);
      } else if (w === "generator") {
        var unsupported = supportError(state, schema);
        if (unsupported) add("err-" + name, "in-" + name, unsupported, false, spec.flag);
      } else if (!spec.repeat && spec.type !== "list") {
        // As in the CLI: a continued run takes its budget from the earlier run.
        var continuing = name === "max_eval" && String(state.values.continue_previous_job || "").trim();
        var error = continuing && !String(state.values[name]).trim() ? null : fieldError(spec, state.values[name]);
        if (error) add("err-" + name, "in-" + name, error, false, spec.flag);
      } else if (spec.required && !String(state.values[name] || "").trim()) {
        add("err-" + name, "in-" + name, "is required", false, spec.flag);
      }
    });
    return problems;
  }

  OG.validate = {
    NUMBER: NUMBER,
    INT: INT,
    fieldError: fieldError,
    parameterError: parameterError,
    constraintError: constraintError,
    findGenerator: findGenerator,
    usedGenerators: usedGenerators,
    validate: validate,
  };
})(window.OmniOptGui = window.OmniOptGui || {});
