"""What every PDF the platform draws shares: rendering is offline. WeasyPrint's fetcher
refuses every URL except inline ``data:`` ones, so a document never loads anything from the
network or reads local files."""

from typing import Any

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class OfflineURLFetcher(URLFetcher):
    """Refuses every URL but inline ``data:`` ones. The refusal is fatal, so a template that
    points at a remote font or image fails loudly instead of drawing without it."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.lower().startswith("data:"):
            raise FatalURLFetchingError(f"A document fetches nothing: {url}")
        return super().fetch(url, headers)
