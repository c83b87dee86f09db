from django.urls import path

from workflow import views

app_name = "workflow"
urlpatterns = [
    path("", views.notice_list, name="notices"),
    path("<int:pk>/open/", views.notice_open, name="notice-open"),
    path("read-all/", views.notices_mark_read, name="notices-read-all"),
    path("overdue/", views.overdue, name="overdue"),
    path("e-mail/", views.email_notices, name="email-notices"),
]
