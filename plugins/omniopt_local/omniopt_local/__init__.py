"""omniopt-local: run trials as local processes."""
