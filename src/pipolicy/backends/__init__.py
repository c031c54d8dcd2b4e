"""Built-in storage backends. Each registers under the ``pipolicy.backends`` entry points."""
