from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_plan, name="plan"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/invitation.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/minutes/", views.minutes_request, name="minutes"),
    path("<int:pk>/proxies/new/", views.proxy_grant, name="proxy-grant"),
    path("<int:pk>/<slug:action>/", views.meeting_act, name="act"),
    path("items/<int:pk>/ballot/", views.item_ballot, name="item-ballot"),
    path("items/<int:pk>/ballot/open/", views.ballot_open, name="ballot-open"),
    path("ballots/<int:pk>/vote/", views.ballot_vote, name="ballot-vote"),
    path("ballots/<int:pk>/paper/", views.ballot_paper, name="ballot-paper"),
    path(
        "ballots/<int:pk>/all-in-favour/", views.ballot_all_in_favour, name="ballot-all-in-favour"
    ),
    path("ballots/<int:pk>/close/", views.ballot_close, name="ballot-close"),
    path("ballots/<int:pk>/cancel/", views.ballot_cancel, name="ballot-cancel"),
    path("proxies/<int:pk>/revoke/", views.proxy_revoke, name="proxy-revoke"),
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
]
