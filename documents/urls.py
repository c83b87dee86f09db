from django.urls import path

from documents.views import (
    authoring,
    blind,
    calls,
    dashboard,
    discussion,
    imports,
    moves,
    notices,
    opinions,
    pdfs,
    questions,
    register,
    review_changes,
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
    # Questions of a call beyond the proposal form (programme office)
    path("calls/<int:pk>/questions/new/", questions.question_add, name="question-add"),
    path("questions/<int:pk>/edit/", questions.question_edit, name="question-edit"),
    path("questions/<int:pk>/delete/", questions.question_delete, name="question-delete"),
    path("questions/<int:pk>/move/", questions.question_move, name="question-move"),
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
    path(
        "proposals/<int:pk>/versions/<int:number>/attachments/<int:attachment>/",
        authoring.version_attachment_download,
        name="version-attachment-download",
    ),
    path("proposals/<int:pk>/diff/", authoring.version_diff, name="version-diff"),
    # Working groups, programme office, governance body
    path("inbox/", reviewing.group_inbox, name="group-inbox"),
    path("assigned/", reviewing.assigned, name="assigned"),
    path("proposals/<int:pk>/assign/", reviewing.proposal_assign, name="proposal-assign"),
    path("proposals/<int:pk>/review/", reviewing.proposal_review, name="proposal-review"),
    path("proposals/<int:pk>/review/change/", review_changes.review_change, name="review-change"),
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
    path("proposals/<int:pk>/discussion/", discussion.discussion_post, name="discussion-post"),
    path(
        "proposals/<int:pk>/discussion/<int:entry>/edit/",
        discussion.discussion_entry_edit,
        name="discussion-entry-edit",
    ),
    path("proposals/<int:pk>/conflict/", reviewing.proposal_conflict, name="proposal-conflict"),
    # Opinions of infrastructure groups (issue 18)
    path("opinions/", opinions.opinion_list, name="opinion-list"),
    path("opinions/<int:pk>/give/", opinions.opinion_give, name="opinion-give"),
    path("opinions/<int:pk>/assign/", opinions.opinion_assign, name="opinion-assign"),
    path("opinions/<int:pk>/waive/", opinions.opinion_waive, name="opinion-waive"),
    path("proposals/<int:pk>/move/", moves.proposal_move, name="proposal-move"),
    path("proposals/<int:pk>/duplicate/", moves.proposal_duplicate, name="proposal-duplicate"),
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
    # Notices: their texts, the office's messages (outbox), the e-mails sent (programme office)
    path("notice-texts/", notices.notice_text_list, name="notice-texts"),
    path(
        "notice-texts/<str:kind>/<str:language>/",
        notices.notice_text_edit,
        name="notice-text-edit",
    ),
    path(
        "notice-texts/<str:kind>/<str:language>/reset/",
        notices.notice_text_reset,
        name="notice-text-reset",
    ),
    path("outbox/", notices.outbox_list, name="outbox"),
    path("outbox/new/", notices.outbox_compose, name="outbox-compose"),
    path("outbox/<int:pk>/", notices.outbox_detail, name="outbox-detail"),
    path("outbox/<int:pk>/send/", notices.outbox_send, name="outbox-send"),
    path("outbox/<int:pk>/discard/", notices.outbox_discard, name="outbox-discard"),
    path("sent-mail/", notices.mail_list, name="mail-list"),
    path("sent-mail/<int:pk>/retry/", notices.mail_retry, name="mail-retry"),
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
