"""omniopt-slurm: trials as Slurm jobs, and the main process as one on request.

Only :mod:`omniopt_slurm.plugin` is imported when omniopt starts; everything
else is imported when a run actually uses Slurm.
"""

__version__ = "0.1.0"
