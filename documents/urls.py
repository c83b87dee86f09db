from django.urls import path

from documents.views import (
    authoring,
    blind,
    calls,
    dashboard,
    imports,
    pdfs,
    register,
    reviewing,
    search,
)

app_name = "documents"
urlpatterns = [
    # Calls for proposals (programme office opens them; everyone signed in reads them)
    path("calls/", calls.call_list, name="call-list"),
    path("calls/new/", calls.call_create, name="call-create"),
    path("calls/<int:pk>/", calls.call_detail, name="call-detail"),
    path("calls/<int:pk>/import/", imports.proposals_import, name="proposals-import"),
    path("calls/<int:pk>/blind-review/", blind.call_blind_review, name="call-blind-review"),
    path(
        "calls/<int:pk>/import/template.xlsx",
        imports.import_template,
        name="proposals-import-template",
    ),
    # Authors
    path("proposals/mine/", authoring.my_proposals, name="my-proposals"),
    path("calls/<int:pk>/proposals/new/", authoring.proposal_create, name="proposal-create"),
    path("proposals/<int:pk>/", authoring.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/edit/", authoring.proposal_edit, name="proposal-edit"),
    path("proposals/<int:pk>/coauthors/", authoring.proposal_coauthors, name="proposal-coauthors"),
    path("proposals/<int:pk>/attachments/", authoring.attachment_upload, name="attachment-upload"),
    path("attachments/<int:pk>/", authoring.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/delete/", authoring.attachment_delete, name="attachment-delete"),
    path("proposals/<int:pk>/answers/", authoring.remarks_answer, name="remarks-answer"),
    path("proposals/<int:pk>/submit/", authoring.proposal_submit, name="proposal-submit"),
    path("proposals/<int:pk>/withdraw/", authoring.proposal_withdraw, name="proposal-withdraw"),
    path(
        "proposals/<int:pk>/versions/<int:number>/",
        authoring.version_detail,
        name="version-detail",
    ),
    path("proposals/<int:pk>/diff/", authoring.version_diff, name="version-diff"),
    # Working groups, programme office, governance body
    path("inbox/", reviewing.group_inbox, name="group-inbox"),
    path("assigned/", reviewing.assigned, name="assigned"),
    path("proposals/<int:pk>/assign/", reviewing.proposal_assign, name="proposal-assign"),
    path("proposals/<int:pk>/review/", reviewing.proposal_review, name="proposal-review"),
    path("proposals/<int:pk>/decide/", reviewing.proposal_decide, name="proposal-decide"),
    path(
        "proposals/<int:pk>/send-to-governance/",
        reviewing.proposal_send_to_governance,
        name="proposal-send-to-governance",
    ),
    path("governance/", reviewing.governance_queue, name="governance-queue"),
    path(
        "proposals/<int:pk>/governance-decision/",
        reviewing.proposal_governance_decide,
        name="proposal-governance-decide",
    ),
    path("proposals/<int:pk>/conflict/", reviewing.proposal_conflict, name="proposal-conflict"),
    # The review dashboard of a working group (its chair, deputy chairs, secretary; the office)
    path(
        "groups/<slug:group>/dashboard/", dashboard.review_dashboard_page, name="review-dashboard"
    ),
    path(
        "groups/<slug:group>/dashboard/assign/",
        dashboard.review_dashboard_assign,
        name="review-dashboard-assign",
    ),
    path("groups/<slug:group>/reviews.xlsx", dashboard.reviews_export, name="reviews-export"),
    # The register of all proposals of a call (programme office; governance body, read-only)
    path("register/", register.register, name="register"),
    path("register/export.xlsx", register.register_export, name="register-export"),
    # PDF documents (rendered by Celery workers)
    path(
        "proposals/<int:pk>/documents/<str:kind>/",
        pdfs.document_request,
        name="document-request",
    ),
    path("documents/<int:pk>/", pdfs.document_job, name="document-job"),
    path("documents/<int:pk>/status/", pdfs.document_job_status, name="document-job-status"),
    path("documents/<int:pk>/download/", pdfs.document_download, name="document-download"),
    path("documents/<int:pk>/retry/", pdfs.document_retry, name="document-retry"),
    # Search over what the person may see
    path("search/", search.search, name="search"),
]
