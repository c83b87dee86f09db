"""The profile page's token forms (api/pages.py), included from mbk/urls.py under
/accounts/tokens/: the person's own pages, outside the REST API's /api/."""

from django.urls import path

from api import pages

app_name = "tokens"
urlpatterns = [
    path("", pages.token_issue, name="issue"),
    path("<int:pk>/revoke/", pages.token_revoke, name="revoke"),
]
