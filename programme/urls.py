from django.urls import path

from programme import views

app_name = "programme"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("sections/new/", views.section_add, name="section-add"),
    path("sections/<int:pk>/", views.section_detail, name="section-detail"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section-edit"),
    path("sections/<int:pk>/preview/", views.section_preview, name="section-preview"),
    path("sections/<int:pk>/decide/", views.section_decide, name="section-decide"),
    path("sections/<int:pk>/move/", views.section_move, name="section-move"),
    path("sections/<int:pk>/remove/", views.section_remove, name="section-remove"),
    path("sections/<int:pk>/diff/", views.section_diff, name="section-diff"),
    path("versions/new/", views.version_create, name="version-create"),
    path("versions/compare/", views.version_compare, name="version-compare"),
    path("versions/<int:pk>/", views.version_detail, name="version-detail"),
    path("versions/<int:pk>/decide/", views.version_decide, name="version-decide"),
    path("versions/<int:pk>/document/", views.version_document, name="version-document"),
    path(
        "versions/<int:pk>/registry.<str:fmt>",
        views.version_registry_export,
        name="version-registry-export",
    ),
    path("versions/<int:pk>/summary.xlsx", views.version_summary_export, name="version-summary"),
]
