from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_plan, name="plan"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/invitation.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/minutes/", views.minutes_request, name="minutes"),
    path("<int:pk>/<slug:action>/", views.meeting_act, name="act"),
    path("items/<int:pk>/votes/", views.item_votes, name="item-votes"),
    path("items/<int:pk>/decision/", views.item_decide, name="item-decide"),
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
]
