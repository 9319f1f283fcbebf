"""Plots of a run folder: one plotting code for ``omniopt plot``, ``omniopt report`` and the Share server.

Stable API::

    from omniopt.run_data import load_run
    from omniopt.plotting import figures

    run = load_run("runs/my_experiment/0")           # RunDataError (an OmniOptError) if unusable
    figures.available_plot_types(run)                 # ["scatter", "general", ...] this run allows
    figures.plot_type_help()                          # {name: one-line help} of every plot type
    fig = figures.build(run, "pareto_front")          # plotly.graph_objects.Figure
    fig.to_html(full_html=False, include_plotlyjs=False)
    figures.save(run, "scatter", "scatter.svg")       # .svg/.png via matplotlib, .html via plotly
    figures.plotly_js_path()                          # local plotly.min.js to serve or inline
    chart = figures.chart(run, "scatter")             # the neutral Chart behind both renderers
    figures.figure_of(chart); figures.save_chart(chart, "a.svg")   # draw a computed chart (cache it)

    from omniopt.plotting.report import write_report, report_html
    write_report(run, "report.html")                  # one self-contained HTML file

Options (``omniopt plot --min/--max/--exclude_params``) travel as
:class:`omniopt.plotting.prepare.PlotOptions`. Errors a user can meet (empty
run, one trial, all failed, a non-numeric value, a missing file, an unknown
plot type) raise :class:`omniopt.errors.OmniOptError` subclasses with one line.

How it is built: a plot type (``omniopt_plot_types`` hook, built-ins in
``omniopt.builtin.plots``) turns a run into a :class:`chart.Chart`, plain
panels and traces of numbers. ``to_plotly`` draws it interactively (HTML,
report, Share server); ``to_matplotlib`` draws it as SVG/PNG without a browser
(plotly's own static export needs a downloaded browser). The numbers are
computed once, so both outputs show the same data.

This package imports nothing heavy at import time.
"""
