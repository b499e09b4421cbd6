"""Rendering TEI to HTML: a rule table, a behaviour vocabulary and a walker."""
