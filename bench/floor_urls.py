"""The project's URLs plus the floors of bench/load.py under /bench-floor/: for each page
measured, a bare view that fetches the same rows with ONE query and renders them with the
page's own template. The floor is the least that page could cost on this machine: what the
page takes beyond it is ours (permission checks, extra queries, Python around them).

What the floors leave out, so that they stay one query:
- the navigation bar is computed once per person and then reused (the page computes it on
  every request: a few queries, see workflow/home.navigation);
- on the review dashboard, the paginator's count, the working days waiting and the due dates
  (one more query for the calendar) and the conflict-of-interest test of the rows;
- on the group inbox, the counts of its state tabs take a second query; on the register, the
  count of its rows a second and the calls of its selector a third;
- the permission check of the lookup (the floors are for the people the benchmark logs in,
  who may see these rows);
- on the proposal page the action buttons and the PDF offers (the person benchmarked is the
  author, who sees no reviews); on the programme version page the decision forms, the PDF
  jobs and the version's history.

Sessions and the signed-in person are read by the middleware for the page and its floor alike.
Used through bench/settings.py (ROOT_URLCONF)."""

import datetime
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Avg, Count, F, Max, Min, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.http import HttpResponse
from django.template import Context, engines
from django.template.context_processors import csrf, i18n
from django.template.context_processors import request as request_processor
from django.urls import include, path
from django.utils import timezone

from accounts.models import User
from directory.models import Body, Membership
from documents import selectors as document_selectors
from documents.content import readable
from documents.models import Proposal, ProposalVersion, Remark
from documents.selectors import HISTORY_ACTIONS, StateTab, _with_review_counts
from mbk.paging import PER_PAGE
from mbk.sorting import sort_headers
from programme import assembly, document
from programme.models import ProgrammeVersion
from programme.views import _direction_filter
from workflow import home
from workflow.models import AuditEntry

State = Proposal.State
_navigation: dict[int, object] = {}


def _render(request, template_name: str, context: dict) -> HttpResponse:
    """The template with what the context processors give, the navigation bar from the cache."""
    user = request.user
    if user.pk not in _navigation:
        _navigation[user.pk] = home.navigation(user)
    values = {**request_processor(request), **i18n(request), **csrf(request)}
    values.update(user=user, messages=[], navigation=_navigation[user.pk], **context)
    template = engines["django"].engine.get_template(template_name)
    return HttpResponse(template.render(Context(values, autoescape=True)))


def _listed(queryset):
    return queryset.select_related("organisation", "direction", "group", "call", "author")


@login_required
def inbox(request):
    """documents:group-inbox: the proposals of the person's working groups, drafts aside."""
    groups = Membership.objects.filter(
        user=request.user, body__kind__in=Body.WORKING_GROUPS
    ).exclude(role=Membership.Role.OBSERVER)
    in_groups = Proposal.objects.filter(group__in=groups.values("body")).exclude(state=State.DRAFT)
    # The page shows its first PER_PAGE rows (mbk/paging.py) and the tabs' counts: the rows in
    # one query, the counts in a second.
    rows = list(
        _with_review_counts(_listed(in_groups)).order_by("state", "submitted_at")[:PER_PAGE]
    )
    counts = dict(in_groups.order_by().values_list("state").annotate(n=Count("pk")))
    tabs = [StateTab(v, label, counts[v], False) for v, label in State.choices if counts.get(v)]
    context = {"proposals": rows, "tabs": tabs, "all_active": True}
    return _render(request, "documents/group_inbox.html", context)


@login_required
def mine(request):
    """documents:my-proposals: what the person wrote or co-authors."""
    user = request.user
    rows = _listed(Proposal.objects.filter(document_selectors.authored_or_coauthored(user)))
    first_page = rows.order_by("-created_at", "-pk")[:PER_PAGE]  # as the page shows (mbk/paging.py)
    return _render(request, "documents/my_proposals.html", {"proposals": first_page})


def _json(model_rows, **fields):
    """The rows as a list of dicts, inside the one query (ARRAY(SELECT json_build_object...))."""
    return ArraySubquery(model_rows.order_by().values(json=JSONObject(**fields)))


def _when(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


@login_required
def detail(request, pk: int):
    """documents:proposal-detail as the author sees a submitted proposal: the proposal, its
    versions, the last one's content, the co-authors, the remarks and the history."""
    kind = ContentType.objects.get_for_model(Proposal)  # cached after the first request
    versions = ProposalVersion.objects.filter(proposal=OuterRef("pk"))
    proposal = (
        _listed(Proposal.objects.filter(pk=pk))
        .annotate(
            versions_json=_json(
                versions, number="number", created_at="created_at", sha256="sha256"
            ),
            content_json=Subquery(versions.order_by("-number").values("content")[:1]),
            coauthors_json=_json(
                User.objects.filter(coauthored_proposals=OuterRef("pk")),
                last_name="last_name",
                first_name="first_name",
                middle_name="middle_name",
            ),
            remarks_json=_json(
                Remark.objects.filter(proposal=OuterRef("pk")),
                round="round",
                number="number",
                text="text",
                answer="answer",
            ),
            history_json=_json(
                AuditEntry.objects.filter(content_type=kind, object_id=OuterRef("pk")),
                sequence="sequence",
                action="action",
                from_state="from_state",
                to_state="to_state",
                at="at",
                comment="comment",
                reference="reference",
                last_name="actor__last_name",
                first_name="actor__first_name",
                middle_name="actor__middle_name",
            ),
        )
        .get()
    )
    versions = sorted(
        (
            SimpleNamespace(
                number=v["number"], created_at=_when(v["created_at"]), sha256=v["sha256"]
            )
            for v in proposal.versions_json or []
        ),
        key=lambda v: v.number,
    )
    labels = dict(State.choices)
    history = []
    for row in sorted(proposal.history_json or [], key=lambda r: r["sequence"]):
        actor = (
            User(
                last_name=row["last_name"] or "",
                first_name=row["first_name"] or "",
                middle_name=row["middle_name"] or "",
            )
            if row["last_name"] is not None
            else None
        )
        entry = SimpleNamespace(
            action=row["action"], at=_when(row["at"]), actor=actor, reference=row["reference"]
        )
        private = row["action"] in document_selectors.REVIEW_ACTIONS
        if private and row["from_state"] == row["to_state"]:
            continue
        history.append(
            {
                "entry": entry,
                "action": HISTORY_ACTIONS.get(row["action"], row["action"]),
                "comment": "" if private else row["comment"],
                "from_state": labels.get(row["from_state"], ""),
                "to_state": labels.get(row["to_state"], ""),
                "changed_state": row["from_state"] != row["to_state"],
            }
        )
    remarks = [
        SimpleNamespace(**r)
        for r in sorted(proposal.remarks_json or [], key=lambda r: (r["round"], r["number"]))
    ]
    context = {
        "proposal": proposal,
        "actions": [],
        "authors": [proposal.author, *(User(**c) for c in proposal.coauthors_json or [])],
        "shown_version": versions[-1] if versions else None,
        **readable(proposal.content_json or {}, proposal.call),
        "attachments": [],
        "can_edit": False,
        "versions": versions,
        "remarks": remarks,
        "reviews": None,
        "history": history,
        "document_offers": [],
        "document_jobs": [],
    }
    return _render(request, "documents/proposal_detail.html", context)


@login_required
def version(request, pk: int):
    """programme:version-detail of a signed version: everything comes from its snapshot."""
    version = ProgrammeVersion.objects.select_related("programme", "signed_by").get(pk=pk)
    snapshot = assembly.snapshot_of(version)
    years = assembly.years_of(snapshot)
    context = {
        "version": version,
        "programme": version.programme,
        "figures": assembly.figures(snapshot),
        "direction": _direction_filter(request, snapshot),
        "directions": [(d["code"], assembly.name(d)) for d in snapshot["directions"]],
        "sections": [
            {
                **s,
                "title": assembly.name(s, "title"),
                "owner": assembly.name(s, "owner"),
                "table_view": document.section_table(s, years),
            }
            for s in snapshot["sections"]
        ],
        "problems": [],
        "decisions": [],
        "decision_form": None,
        "history": [],
        "jobs": [],
        "can_request_document": False,
    }
    return _render(request, "programme/version_detail.html", context)


@login_required
def dashboard(request, group: str):
    """documents:review-dashboard: the group's proposals in review ranked by weighted score,
    the first PER_PAGE rows in one query with the same scores and counts. Left out: the
    paginator's count, the working days of the waiting time and the due date (shown empty),
    the open deadline, the conflict-of-interest test and the permission check of the rows."""
    from documents import review_dashboard as board

    body = Body.objects.get(code=group)
    rows = list(
        Proposal.objects.filter(group__code=group, state__in=board.IN_REVIEW)
        .select_related("organisation", "direction")
        .annotate(
            score_mean=board._per_review(v=Avg("weighted_score")),
            score_min=board._per_review(v=Min("weighted_score")),
            score_max=board._per_review(v=Max("weighted_score")),
            reviews_in=board._per_review(n=Count("pk")),
            assigned=Count("assignments", distinct=True),
        )
        .order_by(F("score_mean").desc(nulls_last=True), "submitted_at", "pk")[:PER_PAGE]
    )
    for row in rows:
        row.conflicted, row.days_waiting, row.due_on, row.overdue = False, None, None, False
        row.reviews_in = row.reviews_in or 0
    context = {
        "group": body,
        "proposals": rows,
        "page": SimpleNamespace(has_other_pages=False),
        "state": "",
        "sort": board.DEFAULT_SORT,
        "tabs": board.filter_tabs(""),
        "columns": sort_headers(
            request.GET,
            board.COLUMNS,
            board.DEFAULT_SORT,
            first_descending=board.FIRST_DESCENDING,
        ),
        "may_assign": True,
        "assignable_states": board.IN_REVIEW,
    }
    return _render(request, "documents/review_dashboard.html", context)


def register_page(request):
    """documents:register of the latest open call as the programme office sees it: the first
    page of the call's proposals with their mean score, reviews and deadline (one query), their
    count (a second, as any paged list), and the calls of the selector (a third). Left out:
    the permission filter (the office sees every submitted proposal) and the choices of the
    other filters (directions, groups, organisations)."""

    from directory.models import Organisation
    from documents import register
    from documents.forms import RegisterFilterForm
    from documents.views.register import COLUMNS

    call = register.default_call()
    proposals = register._annotated(
        request.user, Proposal.objects.filter(call=call).exclude(state=State.DRAFT)
    )
    rows = list(_listed(proposals).order_by("pk")[:PER_PAGE])
    page = SimpleNamespace(
        paginator=SimpleNamespace(count=proposals.count()),
        object_list=rows,
        has_other_pages=False,
    )
    form = RegisterFilterForm(None, call=call, organisations=Organisation.objects.none())
    form.fields["direction"].queryset = form.fields["group"].queryset = Body.objects.none()
    context = {
        "form": form,
        "call": call,
        "page": page,
        "rows": [(p, p.state == State.WG_APPROVED) for p in rows],
        "columns": sort_headers(request.GET, COLUMNS, register.DEFAULT_SORT),
        "query": "",
        "export_limit": register.EXPORT_LIMIT,
        "today": timezone.localdate(),
        "can_act": True,
    }
    return _render(request, "documents/register.html", context)


urlpatterns = [
    path("bench-floor/groups/<slug:group>/dashboard/", dashboard, name="floor-dashboard"),
    path("bench-floor/inbox/", inbox, name="floor-inbox"),
    path("bench-floor/register/", register_page, name="floor-register"),
    path("bench-floor/mine/", mine, name="floor-mine"),
    path("bench-floor/proposals/<int:pk>/", detail, name="floor-detail"),
    path("bench-floor/versions/<int:pk>/", version, name="floor-version"),
    path("", include("mbk.urls")),
]
