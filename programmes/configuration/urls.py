from django.urls import path

from programmes.configuration import views

urlpatterns = [
    path("", views.manage_home, name="manage-home"),
    path("profile/", views.profile_edit, name="manage-profile"),
    path("files/", views.files_edit, name="manage-files"),
    path("fees/new/", views.fee_schedule_edit, name="manage-fee-new"),
    path("fees/<int:pk>/", views.fee_schedule_edit, name="manage-fee-edit"),
    path("awards/new/", views.award_edit, name="manage-award-new"),
    path("awards/<int:pk>/", views.award_edit, name="manage-award-edit"),
    path("privacy/", views.privacy_list, name="manage-privacy"),
    path("privacy/new/", views.privacy_edit, name="manage-privacy-new"),
    path("privacy/<int:pk>/", views.privacy_edit, name="manage-privacy-edit"),
    path("privacy/<int:pk>/publish/", views.privacy_publish, name="manage-privacy-publish"),
    path("<slug:slug>/", views.section_list, name="manage-section"),
    path("<slug:slug>/new/", views.item_edit, name="manage-item-new"),
    path("<slug:slug>/<int:pk>/", views.item_edit, name="manage-item-edit"),
    path("<slug:slug>/<int:pk>/delete/", views.item_delete, name="manage-item-delete"),
]
