"""The five seed policies, played as the situations each seed describes."""
