from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, QuerySet

from programmes.people.mfa import SECOND_FACTORS
from programmes.people.models import Invitation, User


def people_visible_to(viewer: User) -> QuerySet[User]:
    """Staff see everyone in their programme; anyone else sees only themselves."""
    if not viewer.is_authenticated:
        return User.objects.none()
    if viewer.is_municipal_staff:
        return User.objects.all()
    return User.objects.filter(pk=viewer.pk)


def invitations_visible_to(viewer: User) -> QuerySet[Invitation]:
    if viewer.is_authenticated and viewer.is_municipal_staff:
        return Invitation.objects.select_related("invited_by")
    return Invitation.objects.none()


def people_for_management() -> QuerySet[User]:
    """Everyone of this programme for its admins' people page, each with ``has_mfa`` (a
    second factor set up), in one query."""
    second_factors = Authenticator.objects.filter(user_id=OuterRef("pk"), type__in=SECOND_FACTORS)
    return User.objects.annotate(has_mfa=Exists(second_factors)).order_by("email")
