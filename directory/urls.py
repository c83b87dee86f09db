from django.urls import path

from directory import views

app_name = "directory"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("organisations/review/", views.organisation_review, name="organisation-review"),
    path(
        "organisations/<int:pk>/confirm/", views.organisation_confirm, name="organisation-confirm"
    ),
    path("organisations/<int:pk>/reject/", views.organisation_reject, name="organisation-reject"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("memberships/", views.affiliation_review, name="affiliation-review"),
    path("memberships/<int:pk>/confirm/", views.affiliation_confirm, name="affiliation-confirm"),
    path("memberships/<int:pk>/refuse/", views.affiliation_refuse, name="affiliation-refuse"),
]
