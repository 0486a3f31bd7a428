from django.db.models import QuerySet

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
