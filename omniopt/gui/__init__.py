"""The web GUI: a form that builds the ``omniopt`` command, generated from the plugins.

The form's fields, limits, help texts, generators and executors come from the
plugin manager (``schema.build_schema``); the page itself is plain HTML, CSS and
JavaScript in ``static/`` without a build step and without any asset from the
internet. The page writes, live, the ``omniopt`` command, the equivalent YAML
config file and (with the Slurm executor installed) an sbatch script.

Ways to get the page:

- ``omniopt gui``: serve it on ``http://127.0.0.1:PORT/`` (``server.GuiServer``).
- ``omniopt gui export DIR``: static files that work from any host and ``file://``.
- Embedding (the Share server)::

      from omniopt.gui.export import page_files, media_type, write_static

      files = page_files(pm)          # {"index.html": b"...", "schema.js": b"...", ...}
      body, ctype = files[name], media_type(name)   # serve under any URL prefix
      write_static("some/dir", pm)    # or write them out once

  All links inside the page are relative, so it works under any prefix.
"""

from omniopt.gui.export import media_type, page_files, write_static

__all__ = ["media_type", "page_files", "write_static"]
