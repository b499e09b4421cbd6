"""The static site: page building, templates and the development server."""
