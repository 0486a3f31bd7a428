"""Each partner's personal partner symbol (SVG, PNG) and the public page that verifies it."""
