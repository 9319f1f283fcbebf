// Run page: results table (sort, filter), plots, per-trial logs, live updates.
// Every value from the run is put into the page as text (textContent), never as markup.
"use strict";

(function () {
  const section = document.getElementById("run");
  const runId = section.dataset.runId;
  const api = "/api/v1/runs/" + encodeURIComponent(runId);
  const POLL_MS = 3000;
  const PAGE_ROWS = 250;

  let version = Number(section.dataset.version);
  let table = { columns: [], rows: [] };
  let sortColumn = -1;
  let sortAscending = true;
  let shownRows = PAGE_ROWS;

  async function getJson(path) {
    const response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(path + ": HTTP " + response.status);
    return response.json();
  }

  function text(tag, content, className) {
    const element = document.createElement(tag);
    element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  function formatValue(value) {
    if (typeof value === "number" && !Number.isInteger(value)) return String(Number(value.toPrecision(8)));
    return value === null || value === undefined ? "" : String(value);
  }

  // ---- summary ----------------------------------------------------------------
  function showSummary(run) {
    const summary = run.summary || {};
    const status = document.getElementById("status");
    status.textContent = run.status;
    status.className = "status status-" + run.status;
    document.getElementById("live").hidden = !(run.live && run.status === "running");
    const total = summary.max_eval ? " / " + summary.max_eval : "";
    document.getElementById("progress").textContent = (summary.n_trials || 0) + total + " trials";
    const bar = document.getElementById("progress-bar");
    bar.max = summary.max_eval || Math.max(1, summary.n_trials || 0);
    bar.value = summary.n_trials || 0;
    const best = summary.best;
    document.getElementById("best").textContent = best && best.objective
      ? best.objective + " = " + formatValue(best.value) + " (trial " + best.trial_index + ")"
      : "none yet";
    document.getElementById("updated").textContent = new Date(run.updated_at * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  // ---- table --------------------------------------------------------------------
  const OPERATORS = [">=", "<=", "!=", ">", "<", "="];

  function parseFilter(query) {
    // Words are ANDed: "COMPLETED x>0.5" keeps completed rows with x above 0.5.
    return query.trim().split(/\s+/).filter(Boolean).map(function (word) {
      for (const op of OPERATORS) {
        const at = word.indexOf(op);
        if (at > 0) {
          const column = table.columns.indexOf(word.slice(0, at));
          if (column >= 0) return { column: column, op: op, value: word.slice(at + op.length) };
        }
      }
      return { text: word.toLowerCase() };
    });
  }

  function matches(row, condition) {
    if (condition.text !== undefined) {
      return row.some(function (cell) { return String(cell).toLowerCase().includes(condition.text); });
    }
    const cell = row[condition.column];
    const number = Number(condition.value);
    const numeric = typeof cell === "number" && condition.value !== "" && !Number.isNaN(number);
    const left = numeric ? cell : String(cell);
    const right = numeric ? number : condition.value;
    switch (condition.op) {
      case ">=": return left >= right;
      case "<=": return left <= right;
      case ">": return left > right;
      case "<": return left < right;
      case "!=": return left !== right;
      default: return left === right;
    }
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "number") return -1;
    if (typeof b === "number") return 1;
    return String(a).localeCompare(String(b));
  }

  function visibleRows() {
    const conditions = parseFilter(document.getElementById("table-filter").value);
    let rows = table.rows.filter(function (row) { return conditions.every(function (c) { return matches(row, c); }); });
    if (sortColumn >= 0) {
      rows = rows.slice().sort(function (a, b) {
        const order = compare(a[sortColumn], b[sortColumn]);
        return sortAscending ? order : -order;
      });
    }
    return rows;
  }

  function renderTable() {
    const element = document.getElementById("results");
    const headRow = document.createElement("tr");
    table.columns.forEach(function (name, position) {
      const th = text("th", name);
      if (position === sortColumn) th.className = sortAscending ? "sorted-asc" : "sorted-desc";
      th.addEventListener("click", function () {
        sortAscending = position === sortColumn ? !sortAscending : true;
        sortColumn = position;
        renderTable();
      });
      headRow.appendChild(th);
    });
    element.tHead.replaceChildren(headRow);
    const rows = visibleRows();
    const indexColumn = table.columns.indexOf("trial_index");
    const fragment = document.createDocumentFragment();
    rows.slice(0, shownRows).forEach(function (row) {
      const tr = document.createElement("tr");
      row.forEach(function (cell) { tr.appendChild(text("td", formatValue(cell))); });
      if (indexColumn >= 0) {
        tr.dataset.trial = String(row[indexColumn]);
        tr.addEventListener("click", function () { showLog(tr); });
      }
      fragment.appendChild(tr);
    });
    element.tBodies[0].replaceChildren(fragment);
    const count = document.getElementById("table-count");
    count.textContent = rows.length + " of " + table.rows.length + " trials" +
      (rows.length > shownRows ? " (first " + shownRows + " shown, scroll the table for more)" : "");
  }

  function watchTableScroll() {
    const wrap = document.querySelector(".table-wrap");
    wrap.addEventListener("scroll", function () {
      if (wrap.scrollTop + wrap.clientHeight > wrap.scrollHeight - 200 && shownRows < table.rows.length) {
        shownRows += PAGE_ROWS;
        renderTable();
      }
    });
  }

  // ---- logs ------------------------------------------------------------------------
  async function showLog(tr) {
    document.querySelectorAll("#results tr.selected").forEach(function (row) { row.classList.remove("selected"); });
    tr.classList.add("selected");
    const target = document.getElementById("trial-log");
    const trial = tr.dataset.trial;
    document.getElementById("log-title").textContent = "Trial log: trial " + trial;
    try {
      const answer = await getJson(api + "/trials/" + encodeURIComponent(trial) + "/log");
      const parts = [];
      for (const [name, content] of Object.entries(answer.logs)) {
        parts.push(text("h3", name));
        parts.push(text("pre", content || "(empty)", "log"));
      }
      target.replaceChildren.apply(target, parts);
      target.className = "";
    } catch (problem) {
      target.replaceChildren(text("p", "No log was uploaded for trial " + trial + ".", "hint"));
    }
  }

  // ---- plots -----------------------------------------------------------------------
  // A plot is drawn when it scrolls into view: WebGL plots (parallel coordinates) are
  // costly without a graphics card, and a page with many plots should open at once.
  const observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) drawPlot(entry.target.closest(".plot"));
    });
  }, { rootMargin: "200px" });

  function drawPlot(box) {
    const figure = box.figureToDraw;
    if (!figure) return;
    box.figureToDraw = null;
    const area = box.querySelector(".plot-area");
    Plotly.react(area, figure.data, figure.layout, { responsive: true, displaylogo: false }).then(function () {
      box.dataset.rendered = "1";
    });
  }

  function isVisible(box) {
    const rect = box.getBoundingClientRect();
    return rect.bottom > -200 && rect.top < window.innerHeight + 200;
  }

  function renderPlots(answer) {
    const holder = document.getElementById("plots");
    const status = document.getElementById("plots-status");
    const existing = {};
    holder.querySelectorAll(".plot").forEach(function (div) { existing[div.dataset.plot] = div; });
    const keep = new Set();
    answer.plots.forEach(function (plot) {
      let box = existing[plot.name];
      if (!box) {
        box = document.createElement("div");
        box.className = "plot";
        box.dataset.plot = plot.name;
        box.appendChild(text("h3", plot.help || plot.name));
        const area = document.createElement("div");
        area.className = "plot-area";
        box.appendChild(area);
        holder.appendChild(box);
        observer.observe(area);
      }
      keep.add(plot.name);
      if (plot.error) {
        box.querySelector(".plot-area").replaceChildren(text("p", plot.error, "error"));
        box.dataset.rendered = "error";
        return;
      }
      box.figureToDraw = plot.figure;
      if (isVisible(box)) drawPlot(box);
    });
    Object.keys(existing).forEach(function (name) { if (!keep.has(name)) existing[name].remove(); });
    status.textContent = answer.plots.length ? "" : "No plots yet: they appear once trials have finished.";
  }

  // ---- loading and live updates ---------------------------------------------------
  // plotly.min.js is large: it is loaded only once the table is shown, so that
  // starting the plotting library never delays the table.
  let plotlyLoading = null;
  function loadPlotly() {
    if (window.Plotly) return Promise.resolve();
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = "/static/plotly.min.js";
        script.onload = resolve;
        script.onerror = function () { reject(new Error("could not load plotly.min.js")); };
        document.head.appendChild(script);
      });
    }
    return plotlyLoading;
  }

  async function loadAll() {
    // Summary and table first; the plots (the largest answer) draw when they arrive.
    const plotsArriving = getJson(api + "/plots");
    const [run, tableAnswer] = await Promise.all([getJson(api), getJson(api + "/table")]);
    version = run.version;
    showSummary(run);
    table = tableAnswer;
    renderTable();
    document.body.dataset.tableVersion = String(version);
    await new Promise(function (resolve) { setTimeout(resolve, 0); });  // let the table paint
    await loadPlotly();
    renderPlots(await plotsArriving);
    document.body.dataset.loadedVersion = String(version);
    return run;
  }

  async function poll(run) {
    if (!(run.live && (run.status === "running" || run.status === "uploading"))) return;
    try {
      const answer = await getJson(api + "/version");
      if (answer.version !== version) run = await loadAll();
    } catch (problem) {
      // The server may restart; try again at the next tick.
    }
    setTimeout(function () { poll(run); }, POLL_MS);
  }

  document.getElementById("table-filter").addEventListener("input", function () {
    shownRows = PAGE_ROWS;
    renderTable();
  });
  watchTableScroll();
  const deleteForm = document.getElementById("delete-form");
  if (deleteForm) {
    deleteForm.addEventListener("submit", function (event) {
      if (!window.confirm("Delete this run for good?")) event.preventDefault();
    });
  }
  loadAll().then(function (run) {
    document.body.dataset.ready = "1";
    setTimeout(function () { poll(run); }, POLL_MS);
  }).catch(function (problem) {
    document.getElementById("plots-status").textContent = "Could not load the run: " + problem.message;
    document.body.dataset.ready = "error";
  });
})();
