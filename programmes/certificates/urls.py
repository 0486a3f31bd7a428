"""Certificate pages, in three groups that saas/urls_tenant.py mounts: the partner's own
(under my-partnership/certificates/), staff (under partners/certificates/, before the
partners' workspace) and document downloads (under certificates/)."""

from django.urls import path

from programmes.certificates import views

partner_urlpatterns = [
    path("", views.my_certificates, name="my-certificates"),
    path("new/", views.my_certificate_edit, name="my-certificate-new"),
    path("<int:pk>/", views.my_certificate_edit, name="my-certificate"),
    path("<int:pk>/delete/", views.my_certificate_delete, name="my-certificate-delete"),
]
staff_urlpatterns = [
    path("", views.overview, name="certificates-overview"),
    path("partner/<int:pk>/", views.partner_certificates, name="workspace-certificates"),
]
document_urlpatterns = [
    path("<int:pk>/document/", views.certificate_document, name="certificate-document"),
]
