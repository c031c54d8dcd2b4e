"""The storage boundary: repository protocols, the unit of work, the backend registry."""
