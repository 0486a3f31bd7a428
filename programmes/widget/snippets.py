"""The embed code an admin copies onto the municipality's website: a script snippet (the
widget is drawn by ``/widget/embed.js`` from the data endpoint, in the page's own style) and
an iframe snippet (``/widget/frame/``, drawn by the server, no JavaScript needed)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.html import escape


@dataclass(frozen=True)
class EmbedCode:
    script: str
    iframe: str


def embed_code(
    *, base: str, language: str, show: list[str], heading_level: int, title: str
) -> EmbedCode:
    """``base`` is the tenant's address (``https://host``); ``title`` names the widget (the
    fallback link of the script snippet, the frame's accessible name)."""
    shown = ",".join(show)
    script = (
        f'<div data-klimapartner-widget data-lang="{escape(language)}" '
        f'data-show="{escape(shown)}" data-heading-level="{heading_level}">\n'
        f'  <a href="{escape(base)}/directory/">{escape(title)}</a>\n'
        "</div>\n"
        f'<script src="{escape(base)}/widget/embed.js" async></script>'
    )
    query = urlencode({"lang": language, "show": shown}, safe=",")
    iframe = (
        f'<iframe src="{escape(base)}/widget/frame/?{escape(query)}" title="{escape(title)}" '
        'loading="lazy" style="width: 100%; min-height: 32rem; border: 0;"></iframe>'
    )
    return EmbedCode(script=script, iframe=iframe)
