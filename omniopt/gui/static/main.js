/* Wires the page: state <-> URL (back and forward work), outputs, copy, config loading, theme. */
(function (OG) {
  "use strict";

  var schema = window.OMNIOPT_SCHEMA;
  var state;
  var lastHash = null;
  var committed = true;

  function byId(id) {
    return document.getElementById(id);
  }

  function hashNow() {
    return location.hash.replace(/^#/, "");
  }

  function setUrl(hash, push) {
    var url = hash ? "#" + hash : location.pathname + location.search;
    try {
      if (push) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
    } catch (e) {
      // Some file:// setups refuse the history API; the fragment alone still works.
      if (push) location.hash = hash;
      else location.replace("#" + hash);
    }
  }

  var URL_DELAY_MS = 250;
  var urlTimer = null;

  /** Typing updates the current history entry (at most every URL_DELAY_MS, as
   *  browsers throttle the history API); a finished edit starts a new entry. */
  function writeUrl(commit) {
    clearTimeout(urlTimer);
    urlTimer = null;
    if (!commit) {
      urlTimer = setTimeout(function () { urlTimer = null; writeUrlNow(false); }, URL_DELAY_MS);
      return;
    }
    writeUrlNow(true);
  }

  function writeUrlNow(commit) {
    var hash = OG.state.toHash(state, schema);
    if (hash !== lastHash) {
      setUrl(hash, committed);
      lastHash = hash;
      committed = false;
    }
    if (commit) committed = true;
  }

  function setText(id, text) {
    var node = byId(id);
    if (node && node.textContent !== text) node.textContent = text;
  }

  function problemItem(problem) {
    var text = problem.where ? problem.where + ": " + problem.message : problem.message;
    return OG.form.h("li", {}, OG.form.h("button", { type: "button", class: "link", "data-focus": problem.focus, text: text }));
  }

  var shownProblems = null;

  /** The summary of errors, each a button to its field. Rebuilt only when it changes,
   *  so that a click is not lost when the blur of a field refreshes the page. */
  function showStatus(problems) {
    var errors = problems.filter(function (p) { return !p.warning; });
    var signature = JSON.stringify(errors);
    if (signature === shownProblems) return;
    shownProblems = signature;
    var box = byId("problems");
    box.textContent = "";
    var summary = byId("summary");
    if (!errors.length) {
      summary.textContent = "Ready: the command is complete and valid.";
      summary.className = "ok";
      return;
    }
    summary.textContent = errors.length === 1 ? "1 problem to fix before running:" : errors.length + " problems to fix before running:";
    summary.className = "bad";
    errors.forEach(function (p) { box.appendChild(problemItem(p)); });
  }

  function refresh() {
    var problems = OG.validate.validate(state, schema);
    OG.form.showProblems(problems);
    OG.form.showGenerator(schema);
    showStatus(problems);
    setText("out-command", OG.format.buildCommand(state, schema));
    setText("out-yaml", OG.format.buildYaml(state, schema));
    if (byId("out-sbatch")) setText("out-sbatch", OG.format.buildSbatch(state, schema));
  }

  function changed(commit) {
    refresh();
    writeUrl(commit);
  }

  function load(newState) {
    state = newState;
    OG.form.render(byId("form"), state, schema, changed);
    refresh();
  }

  function announce(text, isError) {
    var node = byId("notice");
    node.textContent = text;
    node.className = isError ? "bad" : "ok";
  }

  function copyText(text, what) {
    var done = function () { announce("Copied the " + what + " to the clipboard."); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }

  function fallbackCopy(text) {
    var area = OG.form.h("textarea", { class: "offscreen", "aria-hidden": "true" });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing else to try */ }
    document.body.removeChild(area);
  }

  function download() {
    var name = (String(state.values.experiment_name || "").trim() || "omniopt").replace(/[^A-Za-z0-9_.-]/g, "_") + ".yaml";
    var url = URL.createObjectURL(new Blob([byId("out-yaml").textContent], { type: "text/yaml" }));
    var a = OG.form.h("a", { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function loadFile(file) {
    var reader = new FileReader();
    reader.onload = function () {
      try {
        var config = OG.configfile.parseConfig(String(reader.result), file.name);
        if (!config || typeof config !== "object" || Array.isArray(config)) throw new Error("it does not hold option: value pairs");
        var result = OG.state.fromConfig(config, schema);
        load(result.state);
        writeUrl(true);
        announce("Loaded " + file.name + "." + (result.ignored.length ? " Not in this form (no installed plugin shows them): " + result.ignored.join(", ") + "." : ""));
      } catch (e) {
        announce("Cannot read " + file.name + ": " + e.message + ". Give a YAML, TOML or JSON config file.", true);
      }
    };
    reader.readAsText(file);
  }

  var THEMES = ["auto", "light", "dark"];

  function storedTheme() {
    try { return localStorage.getItem("omniopt-gui-theme") || "auto"; } catch (e) { return "auto"; }
  }

  function applyTheme(theme) {
    if (theme === "auto") document.documentElement.removeAttribute("data-theme");
    else document.documentElement.setAttribute("data-theme", theme);
    var button = byId("theme");
    button.textContent = "Theme: " + theme;
    try { localStorage.setItem("omniopt-gui-theme", theme); } catch (e) { /* private mode: not remembered */ }
  }

  function restoreFromUrl() {
    if (hashNow() === lastHash) return;
    clearTimeout(urlTimer);
    urlTimer = null;
    load(OG.state.fromHash(hashNow(), schema));
    lastHash = OG.state.toHash(state, schema);
    committed = true;
  }

  function start() {
    if (!schema) {
      byId("form").textContent = "schema.js is missing: export the page again with 'omniopt gui export DIR'.";
      return;
    }
    if (!schema.sbatch_options || !Object.keys(schema.sbatch_options).length) {
      var sbatch = byId("sbatch-block");
      sbatch.parentNode.removeChild(sbatch);
    }
    setText("version", "omniopt " + schema.version + " \u00b7 fields from the installed plugins: " +
      schema.executors.length + " executor(s), " + schema.generators.length + " generator(s)");
    load(OG.state.fromHash(hashNow(), schema));
    lastHash = OG.state.toHash(state, schema);
    // Back/forward (popstate) and a pasted or edited link (hashchange) restore the form.
    window.addEventListener("popstate", restoreFromUrl);
    window.addEventListener("hashchange", restoreFromUrl);
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (b) {
      b.addEventListener("click", function () { copyText(byId(b.getAttribute("data-copy")).textContent, b.getAttribute("data-what")); });
    });
    byId("problems").addEventListener("click", function (e) {
      if (e.target.getAttribute && e.target.getAttribute("data-focus")) OG.form.reveal(e.target.getAttribute("data-focus"));
    });
    byId("download-yaml").addEventListener("click", download);
    byId("copy-link").addEventListener("click", function () {
      writeUrl(true);
      copyText(location.href, "link to this form");
    });
    byId("load").addEventListener("click", function () { byId("config-file").click(); });
    byId("config-file").addEventListener("change", function (e) {
      if (e.target.files.length) loadFile(e.target.files[0]);
      e.target.value = "";
    });
    byId("reset").addEventListener("click", function () {
      load(OG.state.defaultState(schema));
      writeUrl(true);
      announce("The form is back to the defaults.");
    });
    byId("skip").addEventListener("click", function () { byId("out-command").focus(); });
    applyTheme(storedTheme());
    byId("theme").addEventListener("click", function () {
      var current = document.documentElement.getAttribute("data-theme") || "auto";
      applyTheme(THEMES[(THEMES.indexOf(current) + 1) % THEMES.length]);
    });
  }

  OG.app = {
    state: function () { return state; },
    refresh: refresh,
    /** True when the URL holds the current form (no write pending). */
    urlSettled: function () { return urlTimer === null; },
  };
  document.addEventListener("DOMContentLoaded", start);
})(window.OmniOptGui = window.OmniOptGui || {});
