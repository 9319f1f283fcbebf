/* Reading config files in the page: JSON, and the parts of YAML and TOML that
 * omniopt and OmniOpt2 config files use (key/value, lists, [[parameter]] tables). */
(function (OG) {
  "use strict";

  /** A scalar written without quotes, resolved as PyYAML (YAML 1.1) or TOML resolve it:
   *  YAML needs a dot in a float ("1e3" stays text) and knows yes/no/on/off and null. */
  function plainScalar(text, dialect) {
    var t = text.trim();
    if (/^[-+]?\d+$/.test(t)) return parseInt(t, 10);
    var float = dialect === "yaml" ? /^[-+]?(\d+\.\d*|\.\d+)([eE][-+]\d+)?$/ : /^[-+]?(\d+\.\d+|\d+)([eE][-+]?\d+)?$/;
    if (float.test(t)) return Number(t);
    var yes = dialect === "yaml" ? /^(true|True|TRUE|yes|Yes|YES|on|On|ON)$/ : /^true$/;
    var no = dialect === "yaml" ? /^(false|False|FALSE|no|No|NO|off|Off|OFF)$/ : /^false$/;
    if (yes.test(t)) return true;
    if (no.test(t)) return false;
    if (dialect === "yaml" && /^(null|Null|NULL|~)?$/.test(t)) return null;
    return t;
  }

  /** Reads one value at text[i]: quoted string, flow list [..], flow map {..} or plain scalar. */
  function Reader(text, dialect) {
    this.text = text;
    this.i = 0;
    this.dialect = dialect;
  }
  Reader.prototype.skip = function () {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i++;
  };
  Reader.prototype.value = function (inFlow) {
    this.skip();
    var c = this.text[this.i];
    if (c === '"') return this.doubleQuoted();
    if (c === "'") return this.singleQuoted();
    if (c === "[") return this.list();
    if (c === "{") return this.map();
    var start = this.i;
    var stops = inFlow ? ",]}" : "";
    while (this.i < this.text.length && stops.indexOf(this.text[this.i]) < 0) this.i++;
    return plainScalar(this.text.slice(start, this.i), this.dialect);
  };
  Reader.prototype.doubleQuoted = function () {
    var end = this.i + 1;
    while (end < this.text.length && this.text[end] !== '"') end += this.text[end] === "\\" ? 2 : 1;
    var raw = this.text.slice(this.i, end + 1);
    this.i = end + 1;
    return JSON.parse(raw.replace(/\\'/g, "'"));
  };
  Reader.prototype.singleQuoted = function () {
    var out = "";
    this.i++;
    while (this.i < this.text.length) {
      if (this.text[this.i] === "'") {
        if (this.dialect === "yaml" && this.text[this.i + 1] === "'") { out += "'"; this.i += 2; continue; }
        this.i++;
        return out;
      }
      out += this.text[this.i++];
    }
    throw new Error("a quoted text is not closed");
  };
  Reader.prototype.list = function () {
    var out = [];
    this.i++;
    for (;;) {
      this.skip();
      if (this.text[this.i] === "]") { this.i++; return out; }
      if (this.i >= this.text.length) throw new Error("a list [ is not closed");
      out.push(this.value(true));
      this.skip();
      if (this.text[this.i] === ",") this.i++;
    }
  };
  Reader.prototype.map = function () {
    var out = {};
    this.i++;
    for (;;) {
      this.skip();
      if (this.text[this.i] === "}") { this.i++; return out; }
      if (this.i >= this.text.length) throw new Error("a map { is not closed");
      var key = this.text.slice(this.i).match(/^["']?([A-Za-z0-9_\-]+)["']?\s*[:=]/);
      if (!key) throw new Error("cannot read a key near " + this.text.slice(this.i, this.i + 20));
      this.i += key[0].length;
      out[key[1]] = this.value(true);
      this.skip();
      if (this.text[this.i] === ",") this.i++;
    }
  };

  function readValue(text, dialect) {
    var reader = new Reader(text, dialect);
    var value = reader.value(false);
    reader.skip();
    if (reader.i < text.length) throw new Error("unexpected text after a value: " + text.slice(reader.i));
    return value;
  }

  /** Drops a trailing comment (a # outside quotes). */
  function stripComment(line) {
    var quote = null;
    for (var i = 0; i < line.length; i++) {
      var c = line[i];
      if (quote) { if (c === quote) quote = null; else if (c === "\\" && quote === '"') i++; }
      else if (c === '"' || c === "'") quote = c;
      else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
    }
    return line;
  }

  function indentOf(line) {
    return line.match(/^ */)[0].length;
  }

  /** The YAML subset: top-level keys with scalars, flow values, block lists and block text. */
  function parseYaml(text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    var out = {};
    var i = 0;
    function blockItems(minIndent) {
      var items = [];
      while (i < lines.length) {
        var line = stripComment(lines[i]);
        if (!line.trim()) { i++; continue; }
        if (indentOf(line) < minIndent || !/^\s*-(\s|$)/.test(line)) break;
        var body = line.trim().slice(1).trim();
        var asKey = body.match(/^([A-Za-z0-9_\-]+):\s+(.*)$/);
        i++;
        if (asKey && !/^["'\[{]/.test(body)) {
          var item = {};
          item[asKey[1]] = readValue(asKey[2], "yaml");
          items.push(item);
        } else {
          items.push(readValue(body, "yaml"));
        }
      }
      return items;
    }
    while (i < lines.length) {
      var line = stripComment(lines[i]);
      if (!line.trim() || /^(---|\.\.\.)\s*$/.test(line)) { i++; continue; }
      var m = line.match(/^([A-Za-z0-9_\-]+)\s*:(?:\s+(.*))?$/);
      if (!m || indentOf(line) !== 0) throw new Error("line " + (i + 1) + " is not 'key: value'");
      var rest = (m[2] || "").trim();
      i++;
      if (rest === "|" || rest === ">" || rest === "|-" || rest === ">-") {
        var block = [];
        while (i < lines.length && (!lines[i].trim() || indentOf(lines[i]) > 0)) block.push(lines[i++]);
        while (block.length && !block[block.length - 1].trim()) block.pop();
        var cut = Math.min.apply(null, block.filter(function (l) { return l.trim(); }).map(indentOf));
        var joined = block.map(function (l) { return l.slice(cut); }).join(rest[0] === "|" ? "\n" : " ");
        out[m[1]] = rest.length === 1 ? joined + "\n" : joined;
      } else if (rest) {
        out[m[1]] = readValue(rest, "yaml");
      } else {
        out[m[1]] = blockItems(0);
      }
    }
    return out;
  }

  /** The TOML subset: key = value (values may span lines), [[table]] arrays, [table]. */
  function parseToml(text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    var out = {};
    var target = out;
    for (var i = 0; i < lines.length; i++) {
      var line = stripComment(lines[i]).trim();
      if (!line) continue;
      var array = line.match(/^\[\[\s*([A-Za-z0-9_\-]+)\s*\]\]$/);
      var table = line.match(/^\[\s*([A-Za-z0-9_\-]+)\s*\]$/);
      if (array) {
        out[array[1]] = out[array[1]] || [];
        target = {};
        out[array[1]].push(target);
        continue;
      }
      if (table) {
        target = out[table[1]] = out[table[1]] || {};
        continue;
      }
      var m = line.match(/^["']?([A-Za-z0-9_\-]+)["']?\s*=\s*(.*)$/);
      if (!m) throw new Error("line " + (i + 1) + " is not 'key = value'");
      var value = m[2];
      if (/^"""/.test(value)) {
        var body = value.slice(3);
        while (body.indexOf('"""') < 0 && i + 1 < lines.length) body += "\n" + lines[++i];
        target[m[1]] = body.slice(0, body.indexOf('"""')).replace(/^\n/, "");
        continue;
      }
      while (unbalanced(value) && i + 1 < lines.length) value += " " + stripComment(lines[++i]).trim();
      target[m[1]] = readValue(value.replace(/,\s*\]/g, "]"), "toml");
    }
    return out;
  }

  function unbalanced(text) {
    var depth = 0, quote = null;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (quote) { if (c === quote) quote = null; else if (c === "\\" && quote === '"') i++; }
      else if (c === '"' || c === "'") quote = c;
      else if (c === "[" || c === "{") depth++;
      else if (c === "]" || c === "}") depth--;
    }
    return depth > 0;
  }

  /** A config file's text into a plain object; the format from the name, else guessed. */
  function parseConfig(text, fileName) {
    var name = String(fileName || "").toLowerCase();
    var trimmed = text.trim();
    if (/\.json$/.test(name) || (!/\.(ya?ml|toml)$/.test(name) && /^\{/.test(trimmed))) return JSON.parse(text);
    if (/\.toml$/.test(name) || (!/\.ya?ml$/.test(name) && /^\s*(\[\[?[A-Za-z0-9_\-]+\]\]?|[A-Za-z0-9_\-]+\s*=)/m.test(text) && !/^[A-Za-z0-9_\-]+\s*:/m.test(text))) return parseToml(text);
    return parseYaml(text);
  }

  OG.configfile = { parseConfig: parseConfig, parseYaml: parseYaml, parseToml: parseToml };
})(window.OmniOptGui = window.OmniOptGui || {});
