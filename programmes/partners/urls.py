from django.urls import path

from programmes.partners import document_views as documents
from programmes.partners import import_views, views

urlpatterns = [
    path("", views.workspace, name="partner-workspace"),
    path("import/", import_views.import_partners, name="partner-import"),
    path(
        "import/template.xlsx",
        import_views.import_template_xlsx,
        name="partner-import-template-xlsx",
    ),
    path(
        "import/template.csv", import_views.import_template_csv, name="partner-import-template-csv"
    ),
    path("<int:pk>/", views.partner_detail, name="workspace-partner"),
    path("<int:pk>/commitment.pdf", documents.partner_commitment, name="workspace-commitment"),
    path(
        "<int:pk>/goals/<int:goal_pk>/comment/",
        views.goal_comment_view,
        name="workspace-goal-comment",
    ),
]
