/* The form state: defaults from the schema, to and from the page URL, from a config file.
 * State = {values: {option: text|bool}, program, encoding, parameters, objectives, constraints}. */
(function (OG) {
  "use strict";

  var LOG_TRUE = ["true", "1", "yes", "log"];

  function blankParameter() {
    return { name: "", kind: "range", low: "", high: "", vtype: "float", log: false, values: "", value: "" };
  }

  function objectiveFrom(text) {
    var parts = String(text).split("=");
    var direction = (parts.slice(1).join("=") || "min").trim().toLowerCase();
    return { name: parts[0].trim(), direction: direction };
  }

  function genericDefault(spec) {
    if (spec.type === "bool") return Boolean(spec.default);
    if (spec.repeat) return "";
    if (spec.type === "list") return Array.isArray(spec.default) ? spec.default.join("\n") : "";
    return spec.default === null || spec.default === undefined ? "" : String(spec.default);
  }

  function defaultState(schema) {
    var values = {};
    Object.keys(schema.fields).forEach(function (name) {
      values[name] = genericDefault(schema.fields[name]);
    });
    if (schema.fields.plugin && schema.plugins_by_path.length) values.plugin = schema.plugins_by_path.join("\n");
    var results = schema.fields.result_names ? schema.fields.result_names.default || [] : [];
    return {
      values: values,
      program: "",
      encoding: "base64",
      parameters: [blankParameter()],
      objectives: results.map(objectiveFrom),
      constraints: [],
    };
  }

  /** A parameter row from CLI-style tokens (strings or typed values from a file). */
  function parameterFrom(tokens) {
    var row = blankParameter();
    var text = tokens.map(function (t) { return Array.isArray(t) ? t.join(",") : String(t === null ? "" : t); });
    row.name = text[0] || "";
    var kind = (text[1] || "range").toLowerCase();
    row.kind = ["range", "choice", "fixed"].indexOf(kind) >= 0 ? kind : "range";
    if (row.kind === "range") {
      row.low = text[2] || "";
      row.high = text[3] || "";
      row.vtype = (text[4] || "float").toLowerCase() === "int" ? "int" : "float";
      row.log = LOG_TRUE.indexOf(String(text[5] || "").toLowerCase()) >= 0;
    } else if (row.kind === "choice") {
      row.values = text.slice(2).join(",");
    } else {
      row.value = text[2] || "";
    }
    return row;
  }

  /** A parameter from a config file: list, {param: [...]}, {name, type, ...} or "x range 0 1". */
  function parameterFromConfig(item) {
    if (item && !Array.isArray(item) && typeof item === "object") {
      if (item.param) return parameterFromConfig(item.param);
      var kind = item.type || "range";
      if (kind === "choice") return parameterFrom([item.name, "choice", [].concat(item.values || [])]);
      if (kind === "fixed") return parameterFrom([item.name, "fixed", item.value]);
      return parameterFrom([item.name, "range", item.low, item.high, item.value_type || "float", item.log_scale ? "true" : "false"]);
    }
    if (typeof item === "string") return parameterFrom(item.trim().split(/\s+/));
    return parameterFrom(item || []);
  }

  function packParameter(row) {
    return JSON.stringify([row.name, row.kind, row.low, row.high, row.vtype, row.log ? 1 : 0, row.values, row.value]);
  }

  function unpackParameter(text) {
    try {
      var a = JSON.parse(text);
      if (Array.isArray(a) && a.length === 8) {
        return { name: String(a[0]), kind: String(a[1]), low: String(a[2]), high: String(a[3]),
          vtype: a[4] === "int" ? "int" : "float", log: Boolean(a[5]), values: String(a[6]), value: String(a[7]) };
      }
    } catch (e) { /* not packed: read it as the CLI's words */ }
    return parameterFrom(text.trim().split(/\s+/));
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  /** The URL fragment (without #) holding every value that differs from the defaults. */
  function toHash(state, schema) {
    var base = defaultState(schema);
    var q = new URLSearchParams();
    Object.keys(schema.fields).forEach(function (name) {
      var spec = schema.fields[name];
      if (spec.widget === "program") {
        if (state.program) q.set(name, state.program);
        if (state.encoding !== base.encoding) q.set("encoding", state.encoding);
      } else if (spec.widget === "parameters") {
        if (same(state.parameters, base.parameters)) return;
        if (!state.parameters.length) q.append(name, "");
        state.parameters.forEach(function (row) { q.append(name, packParameter(row)); });
      } else if (spec.widget === "objectives") {
        if (same(state.objectives, base.objectives)) return;
        if (!state.objectives.length) q.append(name, "");
        state.objectives.forEach(function (o) { q.append(name, o.name + "=" + o.direction); });
      } else if (spec.widget === "constraints") {
        state.constraints.forEach(function (c) { q.append(name, c); });
      } else if (state.values[name] !== base.values[name]) {
        q.set(name, spec.type === "bool" ? String(Boolean(state.values[name])) : state.values[name]);
      }
    });
    return q.toString();
  }

  function fromHash(hash, schema) {
    var state = defaultState(schema);
    var q = new URLSearchParams(String(hash || "").replace(/^#/, ""));
    var lists = { parameters: null, objectives: null, constraints: null };
    q.forEach(function (value, key) {
      if (key === "encoding") { state.encoding = value === "plain" ? "plain" : "base64"; return; }
      var spec = schema.fields[key];
      if (!spec) return;
      if (spec.widget === "program") state.program = value;
      else if (spec.widget === "parameters") push(lists, "parameters", value && unpackParameter(value));
      else if (spec.widget === "objectives") push(lists, "objectives", value && objectiveFrom(value));
      else if (spec.widget === "constraints") push(lists, "constraints", value);
      else state.values[key] = spec.type === "bool" ? value === "true" || value === "1" : value;
    });
    Object.keys(lists).forEach(function (k) { if (lists[k]) state[k] = lists[k]; });
    return state;
  }

  function push(lists, key, item) {
    lists[key] = lists[key] || [];
    if (item || item === "") lists[key].push(item);
  }

  function textOf(value) {
    if (Array.isArray(value)) return value.map(textOf).join(" ");
    return value === null || value === undefined ? "" : String(value);
  }

  /** The form state a config file describes; keys the form has no field for are listed. */
  function fromConfig(config, schema) {
    var state = defaultState(schema);
    var ignored = [];
    Object.keys(config).forEach(function (key) {
      var name = key.replace(/-/g, "_");
      var spec = schema.fields[name];
      var value = config[key];
      if (!spec) { ignored.push(key); return; }
      if (spec.widget === "program") {
        var text = textOf(value);
        var decoded = OG.format.cliDecodes(text);
        state.program = decoded !== null ? decoded : text;
        state.encoding = decoded !== null ? "base64" : "plain";
      } else if (spec.widget === "parameters") {
        state.parameters = [].concat(value || []).map(parameterFromConfig);
      } else if (spec.widget === "objectives") {
        var words = Array.isArray(value) ? value : textOf(value).split(/\s+/).filter(Boolean);
        state.objectives = words.map(objectiveFrom);
      } else if (spec.widget === "constraints") {
        state.constraints = [].concat(value || []).map(function (c) {
          var t = textOf(c);
          return OG.format.cliDecodes(t) || t;
        });
      } else if (spec.type === "bool") {
        state.values[name] = value === true || /^(true|1|yes|on)$/i.test(textOf(value));
      } else if (spec.repeat || spec.type === "list") {
        state.values[name] = [].concat(value === null || value === undefined ? [] : value).map(textOf).join("\n");
      } else {
        state.values[name] = textOf(value);
      }
    });
    return { state: state, ignored: ignored };
  }

  OG.state = {
    blankParameter: blankParameter,
    defaultState: defaultState,
    toHash: toHash,
    fromHash: fromHash,
    fromConfig: fromConfig,
  };
})(window.OmniOptGui = window.OmniOptGui || {});
