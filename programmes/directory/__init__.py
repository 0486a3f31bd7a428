"""The public face of a programme: partner directory, partner pages, programme page, sitemap."""
