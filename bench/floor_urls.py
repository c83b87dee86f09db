"""The project's URLs plus the floors of bench/load.py under /bench-floor/: for each page
measured, a bare view that fetches the same rows with one query (a second where the page shows
a count of them: the pager's total; a second for the programme's sections in search) and
renders them with the page's own template. The floor is the least that page could cost on
this machine: what the page takes beyond it is ours (permission checks, extra queries, Python
around them). load.py checks that a floor lists exactly the rows its page lists, in the same
order (the links to them in both answers).

Each floor applies its page's visibility filter in its one query, in the cheapest form that
gives the same rows for the people benchmarked: a view grant to one of the person's groups
(`_granted`: the group ids read once per person), or the membership or assignment that
implies it. What the floors leave out or compute only once per person (or person and
proposal) and then reuse, like the context types and the review criteria:
- the navigation bar (the page computes it on every request: workflow/home.navigation);
- the answers of the rules that decide the buttons and forms a page offers (the proposal's
  actions and PDF offers, whether the person may discuss it or see its reviews, may plan a
  meeting, may open the register), and the permission checks of the lookups;
- the working days waiting and the due dates (one more query for the calendar) and the
  conflict-of-interest test of the review dashboard's rows, which also leaves out its open
  deadline;
- on the register, the choices of the other filters (directions, groups, organisations);
- on the proposal page the PDF jobs, the opinions of infrastructure groups, the discussion's
  entries and the duplicate links (the proposals benchmarked have none of these); on the
  programme version page the decision forms, the PDF jobs and the version's history.

Sessions and the signed-in person are read by the middleware for the page and its floor alike.
Used through bench/settings.py (ROOT_URLCONF)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, JSONObject
from django.http import HttpResponse
from django.template import Context, engines
from django.template.context_processors import csrf, i18n
from django.template.context_processors import request as request_processor
from django.urls import include, path, reverse
from django.utils import timezone

from accounts.models import User
from directory.models import Body, Membership
from documents import rules as document_rules
from documents import selectors as document_selectors
from documents.content import readable
from documents.models import (
    OutboxMessage,
    Proposal,
    ProposalGroupObjectPermission,
    ProposalVersion,
    Remark,
    Review,
    ReviewCriterion,
)
from documents.review_dashboard import dashboard_groups as _dashboard_groups
from documents.search import LIMIT, START, STOP, Hit, marked
from documents.selectors import HISTORY_ACTIONS, StateTab
from mbk.paging import PER_PAGE
from mbk.sorting import sort_headers
from meetings.models import Meeting
from programme import assembly, document
from programme.models import ProgrammeVersion, SectionRevision
from programme.views import _direction_filter
from workflow import deadlines, home
from workflow.models import AuditEntry, Notice

State = Proposal.State
_navigation: dict[int, object] = {}
_once: dict[tuple, object] = {}  # what the rules decided, by (what, person, object)


def _remembered(key: tuple, compute):
    """`compute()` the first time for this key (a rule's answer, a person's groups), then the
    same value: the floors do not pay for the rules on every request."""
    if key not in _once:
        _once[key] = compute()
    return _once[key]


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


def _granted(user):
    """visible_proposals() for people who see what they see through their groups (chairs,
    the office, the governance body): a view grant to one of those groups, the group ids and
    the permission's id read once per person."""
    groups = _remembered(
        ("groups", user.pk), lambda: list(user.groups.values_list("pk", flat=True))
    )
    permission = _remembered(
        ("view",),
        lambda: (
            ProposalGroupObjectPermission._meta.get_field("permission")
            .related_model.objects.get(
                codename="view_proposal", content_type=ContentType.objects.get_for_model(Proposal)
            )
            .pk
        ),
    )
    return Exists(
        ProposalGroupObjectPermission.objects.filter(
            content_object=OuterRef("pk"), group_id__in=groups, permission_id=permission
        )
    )


def _review_counts(proposals):
    """`reviews_in`: the submitted reviews of each proposal's current round (as the lists)."""
    of_round = (
        Review.objects.filter(proposal=OuterRef("pk"), round=OuterRef("round"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return proposals.annotate(
        reviews_in=Coalesce(Subquery(of_round, output_field=IntegerField()), Value(0))
    )


def _blind(user):
    """selectors.blind_annotation for a person of neither the office nor the governance body
    (the experts and chairs benchmarked): the call's blind review, unless they lead the group
    or wrote the proposal."""
    led = Membership.objects.filter(user=user, role__in=document_rules.SEES_AUTHORS_IN_GROUP)
    coauthored = Proposal.coauthors.through.objects.filter(proposal=OuterRef("pk"), user=user)
    blind = (
        Q(call__blind_review=True)
        & ~Q(group__in=led.values("body"))
        & ~Q(author=user)
        & ~Exists(coauthored)
    )
    return ExpressionWrapper(blind, output_field=BooleanField())


def _first_page(rows: list, count: int) -> Page:
    """The paginator's first page (mbk/paging.py) of `count` rows, `rows` being its first
    PER_PAGE: the pager says "1–50 of count" as the page's does."""
    paginator = Paginator(rows, PER_PAGE)
    paginator.count = count  # cached_property: the total the floor counted
    return paginator.page(1)


@login_required
def inbox(request):
    """documents:group-inbox: the proposals of the person's working groups, drafts aside."""
    groups = Membership.objects.filter(
        user=request.user, body__kind__in=Body.WORKING_GROUPS
    ).exclude(role=Membership.Role.OBSERVER)
    in_groups = Proposal.objects.filter(group__in=groups.values("body")).exclude(state=State.DRAFT)
    # The page shows its first PER_PAGE rows (mbk/paging.py) and the tabs' counts: the rows in
    # one query, the counts in a second.
    rows = list(_review_counts(_listed(in_groups)).order_by("state", "submitted_at")[:PER_PAGE])
    counts = dict(in_groups.order_by().values_list("state").annotate(n=Count("pk")))
    tabs = [StateTab(v, label, counts[v], False) for v, label in State.choices if counts.get(v)]
    context = {
        "proposals": rows,
        "page": _first_page(rows, sum(counts.values())),  # the pager's total: the tabs'
        "tabs": tabs,
        "all_active": True,
        "dashboard_groups": _remembered(
            ("dashboard groups", request.user.pk),
            lambda: list(_dashboard_groups(request.user)),
        ),
    }
    return _render(request, "documents/group_inbox.html", context)


@login_required
def mine(request):
    """documents:my-proposals: what the person wrote or co-authors."""
    user = request.user
    coauthored = Proposal.coauthors.through.objects.filter(proposal=OuterRef("pk"), user=user)
    own = Proposal.objects.filter(Q(author=user) | Exists(coauthored))
    rows = list(_listed(own).order_by("-created_at", "-pk")[:PER_PAGE])  # the page's first page
    context = {"proposals": rows, "page": _first_page(rows, own.count())}
    return _render(request, "documents/my_proposals.html", context)


@login_required
def assigned(request):
    """documents:assigned: the expert's open assignments in review, but those where they
    declared a conflict, with their review of the round and the round's count, in the page's
    order (its own review last, then by due date and time in the state: with_stay's two
    subqueries, as the order needs them), and their count."""
    user = request.user
    own = Review.objects.filter(proposal=OuterRef("pk"), expert=user, round=OuterRef("round"))
    mine = Proposal.objects.filter(
        state=State.WG_REVIEW, assignments__expert=user, assignments__ended_at=None
    ).exclude(conflicts__person=user)
    rows = list(
        deadlines.with_stay(
            _review_counts(_listed(mine)).annotate(my_review_in=Exists(own), blind=_blind(user))
        ).order_by(
            "my_review_in",
            F("deadline_due_on").asc(nulls_last=True),
            F("state_entered_at").asc(nulls_last=True),
            "pk",
        )[:PER_PAGE]
    )
    context = {"proposals": rows, "page": _first_page(rows, mine.count())}
    return _render(request, "documents/assigned.html", context)


@login_required
def governance_queue(request):
    """documents:governance-queue for the governance body's secretary: the first page of the
    proposals approved by their group or before the body that the person may see, with the
    round's reviews, and the counts of its two tabs. The secretary sends nothing on (the
    office does): no forms below."""
    waiting = Proposal.objects.filter(
        _granted(request.user), state__in=[State.WG_APPROVED, State.GOVERNANCE_REVIEW]
    )
    rows = list(_review_counts(_listed(waiting)).order_by("state", "submitted_at", "pk")[:PER_PAGE])
    counts = dict(waiting.order_by().values_list("state").annotate(n=Count("pk")))
    tabs = [StateTab(v, label, counts[v], False) for v, label in State.choices if counts.get(v)]
    context = {
        "proposals": rows,
        "page": _first_page(rows, sum(counts.values())),
        "to_send": [],
        "tabs": tabs,
        "all_active": True,
    }
    return _render(request, "documents/governance_queue.html", context)


@login_required
def meetings(request):
    """meetings:list for the programme office (every meeting): the first page with the count
    of each one's agenda items, and their count."""
    from meetings.views import _plannable_bodies

    everything = Meeting.objects.all()
    rows = list(
        everything.select_related("body")
        .annotate(item_count=Count("items"))
        .order_by("-starts_at", "-pk")[:PER_PAGE]
    )
    context = {
        "meetings": rows,
        "page": _first_page(rows, everything.count()),
        "can_plan": _remembered(
            ("can plan", request.user.pk), lambda: _plannable_bodies(request.user).exists()
        ),
    }
    return _render(request, "meetings/meeting_list.html", context)


@login_required
def notices(request):
    """workflow:notices: the person's latest notices and their count."""
    theirs = Notice.objects.filter(recipient=request.user)
    rows = list(theirs[:PER_PAGE])
    context = {"notices": rows, "page": _first_page(rows, theirs.count())}
    return _render(request, "workflow/notice_list.html", context)


@login_required
def outbox(request):
    """documents:outbox of the programme office, one status (`?status=`): the first page of
    its messages with their authors, and their count."""
    status = request.GET.get("status") or OutboxMessage.Status.DRAFT
    messages = OutboxMessage.objects.filter(status=status)
    rows = list(messages.select_related("created_by")[:PER_PAGE])
    context = {
        "page": _first_page(rows, messages.count()),
        "status": status,
        "statuses": OutboxMessage.Status.choices,
    }
    return _render(request, "documents/outbox_list.html", context)


@login_required
def search(request):
    """documents:search for the programme office (`?q=`): the best LIMIT proposals among
    those it may see, ranked and with their fragment (one query), and the programme's sections
    likewise (a second: the latest revision of each), merged by rank as the page does."""
    from documents.views.search import SearchForm

    text = request.GET.get("q", "").strip()[:200]
    query = SearchQuery(text, config="russian", search_type="websearch")
    headline = {"config": "russian", "start_sel": START, "stop_sel": STOP, "max_fragments": 2}
    vector = (
        SearchVector("title", weight="A", config="russian")
        + SearchVector("organisation__name_ru", weight="B", config="russian")
        + SearchVector("summary", weight="B", config="russian")
        + SearchVector("description", weight="C", config="russian")
    )
    proposals = (
        Proposal.objects.filter(_granted(request.user))
        .annotate(document=vector)
        .filter(document=query)
        .annotate(
            rank=SearchRank(vector, query), fragment=SearchHeadline("summary", query, **headline)
        )
        .select_related("organisation")
        .order_by("-rank")[:LIMIT]
    )
    hits = [
        Hit(
            kind="proposal",
            title=p.title,
            url=reverse("documents:proposal-detail", args=[p.pk]),
            fragment=marked(p.fragment or p.organisation.name_ru),
            rank=float(p.rank),
            state_label=p.get_state_display(),
        )
        for p in proposals
    ]
    latest = (
        SectionRevision.objects.filter(section__removed_at=None)
        .order_by("section_id", "-number")
        .distinct("section_id")
    )
    section_vector = SearchVector("section__title_ru", weight="A", config="russian") + SearchVector(
        "text", weight="B", config="russian"
    )
    sections = (
        SectionRevision.objects.filter(pk__in=latest.values("pk"))
        .select_related("section")
        .annotate(document=section_vector)
        .filter(document=query)
        .annotate(
            rank=SearchRank(section_vector, query),
            fragment=SearchHeadline("text", query, **headline),
        )
        .order_by("-rank")[:LIMIT]
    )
    hits += [
        Hit(
            kind="section",
            title=r.section.title,
            url=reverse("programme:section-detail", args=[r.section_id]),
            fragment=marked(r.fragment),
            rank=float(r.rank),
            state_label=r.get_state_display(),
        )
        for r in sections
    ]
    hits = sorted(hits, key=lambda hit: -hit.rank)[:LIMIT]
    context = {
        "form": SearchForm(request.GET),
        "text": text,
        "hits": hits,
        "limit": LIMIT,
        "truncated": len(hits) >= LIMIT,
        "can_open_register": _remembered(
            ("register", request.user.pk),
            lambda: document_rules.can_open_register(request.user),
        ),
    }
    return _render(request, "documents/search.html", context)


def _json(model_rows, **fields):
    """The rows as a list of dicts, inside the one query (ARRAY(SELECT json_build_object...))."""
    return ArraySubquery(model_rows.order_by().values(json=JSONObject(**fields)))


def _when(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _decided(user, pk: int) -> dict:
    """What the rules decide on the proposal's page for this person (the buttons, the PDF
    offers, the discussion's form, whether they see the reviews): once per person and
    proposal, from the page's own functions."""

    def decide() -> dict:
        from documents import actions
        from documents.pdf import selectors as pdf_selectors
        from documents.views.discussion import discussion_context

        proposal = document_selectors.get_visible_proposal_or_404(user, pk)
        latest = proposal.versions.order_by("-number").first()
        discussion = discussion_context(user, proposal)["discussion"]
        return {
            "actions": actions.available_actions(user, proposal),
            "document_offers": pdf_selectors.offers(user, proposal, latest),
            "sees_reviews": document_rules.can_see_reviews(user, proposal),
            "discussion": discussion and {"rows": [], "form": discussion["form"]},
        }

    return _remembered(("proposal page", user.pk, pk), decide)


def _review(row: dict, criteria: list) -> dict:
    """A review of the JSON array as the page's _reviews() gives it to the template."""
    review = Review(
        round=row["round"],
        scores=row["scores"],
        weighted_score=Decimal(str(row["weighted_score"])).quantize(Decimal("0.01")),
        recommendation=row["recommendation"],
        comments=row["comments"],
        submitted_at=_when(row["submitted_at"]),
        changed_at=_when(row["changed_at"]),
        expert=User(
            last_name=row["last_name"], first_name=row["first_name"], middle_name=row["middle_name"]
        ),
        version=ProposalVersion(number=row["version"]),
    )
    return {
        "review": review,
        "scores": [(c, review.scores.get(c.code)) for c in criteria],
        "changes": [],  # (none in the benchmark's data: the page's query finds them empty)
    }


@login_required
def detail(request, pk: int):
    """documents:proposal-detail of a submitted proposal, as its author or the group's chair
    sees it: the proposal, its versions, the last one's content, the co-authors, the remarks,
    the reviews (for those who see them) and the history in one query."""
    decided = _decided(request.user, pk)
    criteria = _remembered(("criteria",), lambda: list(ReviewCriterion.objects.all()))
    kind = ContentType.objects.get_for_model(Proposal)  # cached after the first request
    versions = ProposalVersion.objects.filter(proposal=OuterRef("pk"))
    # The reviews, for those who see them (the chair), in the same query.
    reviews = {}
    if decided["sees_reviews"]:
        reviews["reviews_json"] = _json(
            Review.objects.filter(proposal=OuterRef("pk")),
            round="round",
            scores="scores",
            weighted_score="weighted_score",
            recommendation="recommendation",
            comments="comments",
            submitted_at="submitted_at",
            changed_at="changed_at",
            version="version__number",
            last_name="expert__last_name",
            first_name="expert__first_name",
            middle_name="expert__middle_name",
        )
    proposal = (
        _listed(Proposal.objects.filter(pk=pk))
        .annotate(
            **reviews,
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
                AuditEntry.objects.filter(content_type=kind, object_id=OuterRef("pk")).exclude(
                    action__in=document_selectors.EDIT_ACTIONS
                ),
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
        private = not decided["sees_reviews"] and row["action"] in document_selectors.REVIEW_ACTIONS
        if private and row["from_state"] == row["to_state"]:
            continue
        history.append(
            {
                "entry": entry,
                "action": HISTORY_ACTIONS.get(row["action"], row["action"]),
                "actor_name": actor.get_full_name() if actor else "",
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
    reviews = sorted(
        getattr(proposal, "reviews_json", None) or [],
        key=lambda r: (r["round"], r["submitted_at"]),
    )
    context = {
        "proposal": proposal,
        "actions": decided["actions"],
        "authors": [proposal.author, *(User(**c) for c in proposal.coauthors_json or [])],
        "shown_version": versions[-1] if versions else None,
        **readable(proposal.content_json or {}, proposal.call),
        "attachments": [],
        "can_edit": False,
        "versions": versions,
        "remarks": remarks,
        "reviews": [_review(r, criteria) for r in reviews] if decided["sees_reviews"] else None,
        "history": history,
        "document_offers": decided["document_offers"],
        "document_jobs": [],
        "discussion": decided["discussion"],
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
    the first PER_PAGE rows in one query with the same scores and counts, and their count (a
    second, for the pager). Left out: the working days of the waiting time and the due date,
    the open deadline, the conflict-of-interest test and the permission check of the rows."""
    from documents import review_dashboard as board

    body = Body.objects.get(code=group)
    in_review = Proposal.objects.filter(group__code=group, state__in=board.IN_REVIEW)
    rows = list(
        in_review.select_related("organisation", "direction")
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
        "page": _first_page(rows, in_review.count()),
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

    from documents import register
    from documents.forms import RegisterFilterForm
    from documents.views.register import COLUMNS

    call = register.default_call()
    of_call = Proposal.objects.filter(call=call).exclude(state=State.DRAFT)
    proposals = register._with_score(
        request.user, register._read_by_everyone(document_selectors._with_review_counts(of_call))
    )
    rows = list(_listed(proposals).order_by("pk")[:PER_PAGE])
    page = SimpleNamespace(
        paginator=SimpleNamespace(count=proposals.count()),
        object_list=rows,
        has_other_pages=False,
    )
    form = RegisterFilterForm(
        None, call=call, calls=register.calls(), summary=register.CallSummary([], 0)
    )
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
    path("bench-floor/assigned/", assigned, name="floor-assigned"),
    path("bench-floor/governance/", governance_queue, name="floor-governance"),
    path("bench-floor/meetings/", meetings, name="floor-meetings"),
    path("bench-floor/notices/", notices, name="floor-notices"),
    path("bench-floor/outbox/", outbox, name="floor-outbox"),
    path("bench-floor/search/", search, name="floor-search"),
    path("bench-floor/proposals/<int:pk>/", detail, name="floor-detail"),
    path("bench-floor/versions/<int:pk>/", version, name="floor-version"),
    path("", include("mbk.urls")),
]
