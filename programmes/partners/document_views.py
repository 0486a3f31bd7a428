"""Downloads of the commitment PDF: the partner's own people and municipal staff."""

import io

from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import add_never_cache_headers

from programmes.core.views import role_required
from programmes.partners import selectors
from programmes.partners.commitment import commitment_filename, commitment_pdf, signed_commitment
from programmes.partners.models import Partner


def commitment_response(partner: Partner) -> FileResponse:
    """The signed copy once there is one, before that the document as it stands; a 404
    before the goals are approved. Shared by the pages and the API."""
    if not partner.has_commitment:
        raise Http404
    # Only signing stores a copy, so an unsigned partner costs no query for it.
    document = signed_commitment(partner) if partner.joined_on else None
    content = document.file.open("rb") if document else io.BytesIO(commitment_pdf(partner))
    response = FileResponse(
        content,
        as_attachment=True,
        filename=commitment_filename(partner),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)  # private to the partner; the API path has no decorator
    return response


@role_required("partner_admin", "partner_member")
def my_commitment(request: HttpRequest) -> FileResponse:
    partner = selectors.partner_of_user(request.user)
    if partner is None:
        raise Http404
    return commitment_response(partner)


@role_required("municipal_admin", "municipal_staff")
def partner_commitment(request: HttpRequest, pk: int) -> FileResponse:
    return commitment_response(selectors.get_partner_for_user(request.user, pk))
