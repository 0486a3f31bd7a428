"""The widget a municipality embeds on its own website, and the JSON behind it."""
