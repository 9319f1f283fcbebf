"""omniopt-share: upload or live-share omniopt run folders and browse them on a Share server."""

__version__ = "0.1.0"
