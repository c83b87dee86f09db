from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api import (
    directory,
    discussion,
    documents,
    meetings,
    my_notices,
    notices,
    opinions,
    overdue,
    programme,
    questions,
    review_assignment,
    review_changes,
    verification,
    version_files,
    views,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("directions", views.DirectionViewSet, basename="direction")
router.register("bodies", views.BodyViewSet, basename="body")
router.register("instruments", views.InstrumentViewSet, basename="instrument")
router.register("services", views.ServiceTypeViewSet, basename="service")
router.register("calls", documents.CallViewSet, basename="call")
router.register("proposals", documents.ProposalViewSet, basename="proposal")
router.register(
    r"proposals/(?P<proposal>[0-9]+)/versions/(?P<number>[0-9]+)/attachments",
    version_files.VersionAttachmentViewSet,
    basename="version-attachment",
)
router.register(
    r"proposals/(?P<proposal>[0-9]+)/review-changes",
    review_changes.ReviewChangeViewSet,
    basename="review-change",
)
router.register(
    r"proposals/(?P<proposal>[0-9]+)/discussion",
    discussion.DiscussionViewSet,
    basename="proposal-discussion",
)
router.register("documents", views.DocumentViewSet, basename="document")
router.register("sections", programme.SectionViewSet, basename="section")
router.register(
    "programme-versions", programme.ProgrammeVersionViewSet, basename="programme-version"
)
router.register("meetings", meetings.MeetingViewSet, basename="meeting")
router.register("tasks", meetings.TaskViewSet, basename="task")
router.register("notices", my_notices.NoticeViewSet, basename="notice")
router.register("exports", documents.ExportViewSet, basename="export")
router.register("search", documents.SearchViewSet, basename="search")
router.register("opinions", opinions.OpinionViewSet, basename="opinion")
router.register(r"calls/(?P<call_pk>[0-9]+)/questions", questions.CallQuestionViewSet, "question")
router.register(
    r"proposals/(?P<proposal_pk>[0-9]+)/answers", questions.ProposalAnswersViewSet, "answer"
)
router.register("notice-texts", notices.NoticeTextViewSet, basename="notice-text")
router.register("outbox", notices.OutboxViewSet, basename="outbox")
router.register("sent-mail", notices.MailRecordViewSet, basename="sent-mail")
router.register("organisations", directory.OrganisationViewSet, basename="organisation")
router.register("affiliations", directory.AffiliationViewSet, basename="affiliation")
router.register(
    "review-dashboards", review_assignment.ReviewAssignmentViewSet, basename="review-dashboard"
)

app_name = "api"
urlpatterns = [
    path("v1/verify/", verification.VerifyView.as_view(), name="verify"),
    path("v1/overdue/", overdue.OverdueView.as_view(), name="overdue"),
    path("v1/", include(router.urls)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path(
        "docs/",
        views.SchemaDocsView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]
