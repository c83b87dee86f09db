from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api import documents, meetings, notices, programme, verification, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("directions", views.DirectionViewSet, basename="direction")
router.register("bodies", views.BodyViewSet, basename="body")
router.register("instruments", views.InstrumentViewSet, basename="instrument")
router.register("services", views.ServiceTypeViewSet, basename="service")
router.register("calls", documents.CallViewSet, basename="call")
router.register("proposals", documents.ProposalViewSet, basename="proposal")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("sections", programme.SectionViewSet, basename="section")
router.register(
    "programme-versions", programme.ProgrammeVersionViewSet, basename="programme-version"
)
router.register("meetings", meetings.MeetingViewSet, basename="meeting")
router.register("tasks", meetings.TaskViewSet, basename="task")
router.register("notices", notices.NoticeViewSet, basename="notice")
router.register("exports", documents.ExportViewSet, basename="export")
router.register("search", documents.SearchViewSet, basename="search")

app_name = "api"
urlpatterns = [
    path("v1/verify/", verification.VerifyView.as_view(), name="verify"),
    path("v1/", include(router.urls)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path(
        "docs/",
        views.SchemaDocsView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]
