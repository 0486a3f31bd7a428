"""Helpers of the symbol tests: the programme's own symbol (SVG or PNG, uploaded through
the configuration's service), a partner that ended, and reading SVG and PNG output."""

import datetime as dt
import io
from typing import Any

from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from programmes.configuration.services import programme_files_upload
from programmes.partners.models import Partner, Stage
from programmes.symbols.rendering import INK
from tests.conftest import World

SVG_NS = "{http://www.w3.org/2000/svg}"
PROGRAMME_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120" viewBox="0 0 200 120">'
    b'<rect width="200" height="120" fill="#d02020"/></svg>'
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def programme_png(colour: tuple[int, int, int] = (32, 32, 208)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 120), colour).save(out, "PNG")
    return out.getvalue()


def upload_programme_symbol(content: bytes, name: str, *, guidelines: bool = False) -> None:
    """Call inside the tenant's context."""
    kwargs: dict[str, Any] = {"symbol": SimpleUploadedFile(name, content)}
    if guidelines:
        kwargs["guidelines"] = SimpleUploadedFile("guidelines.pdf", PDF)
    programme_files_upload(actor=None, **kwargs)


def own_partner(world: World) -> Partner:
    """The partner of the partner admin and the partner member. Inside the tenant."""
    return Partner.objects.get(name=f"{world.marker} partner")


def end_partnership(partner: Partner, *, joined: dt.date, ended: dt.datetime) -> None:
    Partner.objects.filter(pk=partner.pk).update(
        stage=Stage.ENDED, joined_on=joined, ended_at=ended, stage_changed_at=ended
    )


def svg_texts(svg: str | bytes, fill: str | None = None) -> list[str]:
    """Every ``<text>`` of an SVG (parsed safely), in order; only those in colour ``fill``
    when given (the name is in INK, the caption in BRAND, the programme in MUTED)."""
    root = ElementTree.fromstring(svg if isinstance(svg, bytes) else svg.encode())
    assert root.tag == f"{SVG_NS}svg"
    return [
        element.text or ""
        for element in root.iter(f"{SVG_NS}text")
        if fill is None or element.get("fill") == fill
    ]


def name_lines(svg: str | bytes) -> list[str]:
    return svg_texts(svg, INK)


def svg_title(svg: str | bytes) -> str:
    root = ElementTree.fromstring(svg if isinstance(svg, bytes) else svg.encode())
    title = root.find(f"{SVG_NS}title")
    assert title is not None
    return title.text or ""


def png_image(content: bytes) -> Image.Image:
    """A PNG's image, after checking it is a complete, valid PNG."""
    Image.open(io.BytesIO(content)).verify()
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG"
    image.load()
    return image


def now() -> dt.datetime:
    return timezone.now()
