/* Text the page writes: the omniopt command, the YAML config, the sbatch script.
 * Pure functions of (state, schema); no DOM here. */
(function (OG) {
  "use strict";

  var SHELL_SAFE = /^[A-Za-z0-9_.+\-\/:=@%,]+$/;
  var YAML_PLAIN = /^[A-Za-z_][A-Za-z0-9_.\/\-=]*$/;
  var YAML_RESERVED = /^(y|n|yes|no|on|off|true|false|null|nan|inf)$/i;

  /** One shell word: bare when harmless, single-quoted otherwise. */
  function shellQuote(text) {
    text = String(text);
    if (SHELL_SAFE.test(text)) return text;
    return "'" + text.replace(/'/g, "'\"'\"'") + "'";
  }

  /** Base64 of the UTF-8 bytes of a string. */
  function base64Encode(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary);
  }

  /** The string a base64 text decodes to, or null if it is not base64 of UTF-8 text. */
  function base64Decode(text) {
    var compact = String(text).trim();
    if (!compact || compact.length % 4 !== 0 || !/^[A-Za-z0-9+\/]+={0,2}$/.test(compact)) return null;
    try {
      var binary = atob(compact);
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (e) {
      return null;
    }
  }

  /** The text the CLI reads from a base64 word, or null: like the CLI, only base64 that
   *  decodes to a plausible command (with a space, %, $ or /) counts as base64. */
  function cliDecodes(text) {
    var decoded = base64Decode(text);
    return decoded !== null && /[ %$\/]/.test(decoded) ? decoded : null;
  }

  /** A number as YAML 1.1 reads it back as a number (PyYAML needs "1.0e-07", not "1e-7"). */
  function yamlNumber(raw, isInt) {
    var text = String(raw).trim().replace(/^\+/, "");
    if (isInt) return text;
    var value = Number(text);
    var out = String(value);
    if (/e/.test(out) && !/\./.test(out)) out = out.replace("e", ".0e");
    return out;
  }

  function yamlString(text) {
    text = String(text);
    if (YAML_PLAIN.test(text) && !YAML_RESERVED.test(text)) return text;
    return JSON.stringify(text);
  }

  /** A YAML scalar for a typed value object {kind: "num"|"int"|"str"|"bool", value}. */
  function yamlScalar(item) {
    if (item.kind === "int") return yamlNumber(item.value, true);
    if (item.kind === "num") return yamlNumber(item.value, false);
    if (item.kind === "bool") return item.value ? "true" : "false";
    return yamlString(item.value);
  }

  function yamlFlow(items) {
    return "[" + items.map(yamlScalar).join(", ") + "]";
  }

  function isNumberText(text) {
    return OG.validate.NUMBER.test(String(text).trim());
  }

  /** The CLI tokens of one parameter row (as typed, trimmed). */
  function parameterTokens(row) {
    var name = row.name.trim();
    if (row.kind === "choice") return [name, "choice", row.values.trim()];
    if (row.kind === "fixed") return [name, "fixed", row.value.trim()];
    var tokens = [name, "range", row.low.trim(), row.high.trim(), row.vtype];
    if (row.log) tokens.push("true");
    return tokens;
  }

  /** The same parameter as typed YAML items. */
  function parameterItems(row) {
    var name = { kind: "str", value: row.name.trim() };
    if (row.kind === "choice") return [name, { kind: "str", value: "choice" }, { kind: "str", value: row.values.trim() }];
    if (row.kind === "fixed") {
      var v = row.value.trim();
      return [name, { kind: "str", value: "fixed" }, { kind: isNumberText(v) ? "num" : "str", value: v }];
    }
    var isInt = row.vtype === "int";
    var boundKind = function (text) {
      return isNumberText(text) ? (isInt && OG.validate.INT.test(text.trim()) ? "int" : "num") : "str";
    };
    var items = [name, { kind: "str", value: "range" },
      { kind: boundKind(row.low), value: row.low.trim() },
      { kind: boundKind(row.high), value: row.high.trim() },
      { kind: "str", value: row.vtype }];
    if (row.log) items.push({ kind: "bool", value: true });
    return items;
  }

  function objectiveText(o) {
    return o.name.trim() + "=" + o.direction;
  }

  /** Words of one line (one occurrence of a repeatable option). */
  function listTokens(raw) {
    return String(raw).trim() ? String(raw).trim().split(/\s+/) : [];
  }

  /** Values of a list option: one per line, so that a value may hold spaces. */
  function listItems(raw) {
    return String(raw).split("\n").map(function (v) { return v.trim(); }).filter(Boolean);
  }

  function sameList(a, b) {
    return a.length === b.length && a.every(function (x, i) { return String(x) === String(b[i]); });
  }

  /** Whether a generic field's value differs from its default (so it must be written). */
  function differsFromDefault(spec, raw) {
    var d = spec.default;
    if (spec.type === "bool") return Boolean(raw) !== Boolean(d);
    if (spec.repeat) return listItems(raw).length > 0;
    if (spec.type === "list") return !sameList(listItems(raw), Array.isArray(d) ? d : []);
    var text = String(raw).trim();
    if (text === "") return false;
    if (d === null || d === undefined) return true;
    if (spec.type === "int" || spec.type === "float") return Number(text) !== Number(d);
    return text !== String(d);
  }

  /** Program or constraint as the user chose (base64 or plain), always so that the CLI
   *  reads back exactly this text: plain text the CLI would take for base64 is encoded,
   *  and text it would not decode from base64 stays plain. */
  function encodeText(state, text) {
    var wantsBase64 = state.encoding === "base64" || cliDecodes(text) !== null;
    return wantsBase64 && /[ %$\/]/.test(text) ? base64Encode(text) : text;
  }

  /** Each option that the command and the YAML carry, in form order, as
   *  {spec, tokens (CLI words), items (typed YAML values), scalar (one value, not a list)}. */
  function collectOptions(state, schema) {
    var out = [];
    schema.sections.forEach(function (section) {
      section.fields.forEach(function (name) {
        var spec = schema.fields[name];
        var entry = optionEntry(spec, state, schema);
        if (entry) out.push(entry);
      });
    });
    return out;
  }

  function optionEntry(spec, state, schema) {
    if (spec.in_command === false) return null;
    var widget = spec.widget;
    var raw = state.values[spec.name];
    if (widget === "program") {
      if (!state.program.trim()) return null;
      var program = encodeText(state, state.program);
      return { spec: spec, tokens: [program], scalar: { kind: "str", value: program } };
    }
    if (widget === "parameters") {
      var rows = state.parameters.filter(function (r) { return r.name.trim(); });
      if (!rows.length) return null;
      return { spec: spec, repeated: rows.map(parameterTokens), yamlRows: rows.map(parameterItems) };
    }
    if (widget === "objectives") {
      var objectives = state.objectives.filter(function (o) { return o.name.trim(); }).map(objectiveText);
      if (!objectives.length || sameList(objectives, spec.default || [])) return null;
      return { spec: spec, tokens: objectives, items: objectives.map(function (t) { return { kind: "str", value: t }; }) };
    }
    if (widget === "constraints") {
      var constraints = state.constraints.filter(function (c) { return c.trim(); }).map(function (c) {
        return encodeText(state, c.trim());
      });
      if (!constraints.length) return null;
      return { spec: spec, tokens: constraints, items: constraints.map(function (t) { return { kind: "str", value: t }; }) };
    }
    if (!spec.required && !differsFromDefault(spec, raw)) return null;
    if (spec.type === "bool") return { spec: spec, bool: Boolean(raw), scalar: { kind: "bool", value: Boolean(raw) } };
    if (spec.repeat) {
      var lines = String(raw).split("\n").map(listTokens).filter(function (t) { return t.length; });
      if (!lines.length) return null;
      return {
        spec: spec, repeated: lines,
        yamlRows: lines.map(function (t) { return t.map(function (v) { return { kind: "str", value: v }; }); }),
      };
    }
    if (spec.type === "list") {
      var tokens = listItems(raw);
      if (!tokens.length) return null;
      return { spec: spec, tokens: tokens, items: tokens.map(function (t) { return { kind: "str", value: t }; }) };
    }
    var text = String(raw).trim();
    if (!text) return null;
    var kind = spec.type === "int" && OG.validate.INT.test(text) ? "int"
      : (spec.type === "int" || spec.type === "float") && isNumberText(text) ? "num" : "str";
    return { spec: spec, tokens: [text], scalar: { kind: kind, value: text } };
  }

  /** The omniopt command line (one line, OmniOpt2 style: --flag=value). */
  function buildCommand(state, schema) {
    var words = ["omniopt"];
    collectOptions(state, schema).forEach(function (e) {
      var flag = e.spec.flag;
      if (e.bool !== undefined) {
        words.push(e.bool ? flag : flag + "=false");
      } else if (e.repeated) {
        e.repeated.forEach(function (tokens) {
          words.push(flag + " " + tokens.map(shellQuote).join(" "));
        });
      } else if (e.scalar || e.spec.type !== "list") {
        words.push(flag + "=" + shellQuote(e.tokens[0]));
      } else {
        words.push(flag + " " + e.tokens.map(shellQuote).join(" "));
      }
    });
    return words.join(" ");
  }

  /** The equivalent YAML config file (keys are the option names). */
  function buildYaml(state, schema) {
    var lines = ["# omniopt --config_yaml=THIS_FILE"];
    collectOptions(state, schema).forEach(function (e) {
      var key = e.spec.name;
      if (e.yamlRows) {
        lines.push(key + ":");
        e.yamlRows.forEach(function (items) { lines.push("  - " + yamlFlow(items)); });
      } else if (e.scalar) {
        lines.push(key + ": " + yamlScalar(e.scalar));
      } else {
        lines.push(key + ": " + yamlFlow(e.items));
      }
    });
    return lines.join("\n") + "\n";
  }

  /** An #SBATCH value in Slurm's units: whole minutes (at least 1), memory in MB. */
  function sbatchValue(option, raw) {
    if (option === "time") return String(Math.max(Math.ceil(Number(raw)), 1));
    if (option === "main_process_gb") return Math.ceil(Number(raw) * 1024) + "M";
    return raw;
  }

  /** The sbatch script that runs omniopt itself as a Slurm job (head-node mode);
   *  inside the job omniopt runs in place and submits the trials as jobs. */
  function buildSbatch(state, schema) {
    var name = String(state.values.experiment_name || "").trim().replace(/[^A-Za-z0-9_.-]/g, "_") || "omniopt";
    var lines = ["#!/bin/bash", "#SBATCH --job-name=omniopt_main_" + name, "#SBATCH --ntasks=1"];
    Object.keys(schema.sbatch_options).forEach(function (option) {
      var spec = schema.fields[option];
      if (!spec) return;
      var raw = String(state.values[option] === undefined ? "" : state.values[option]).trim();
      if (!raw || OG.validate.fieldError(spec, raw)) return;
      lines.push("#SBATCH " + schema.sbatch_options[option] + "=" + shellQuote(sbatchValue(option, raw)));
    });
    lines.push("", buildCommand(state, schema), "");
    return lines.join("\n");
  }

  OG.format = {
    cliDecodes: cliDecodes,
    buildCommand: buildCommand,
    buildYaml: buildYaml,
    buildSbatch: buildSbatch,
  };
})(window.OmniOptGui = window.OmniOptGui || {});
