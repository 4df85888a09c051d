"""The catalogue: venues with seat layouts, shows, and search."""
