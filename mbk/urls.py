from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from mbk import views as mbk_views
from workflow import views as workflow_views

handler500 = "mbk.views.server_error"
handler404 = "api.exceptions.page_not_found"  # JSON under /api/, the page elsewhere

admin.site.site_header = _("MBK Programme Office")
admin.site.site_title = _("MBK Programme Office")

urlpatterns = [
    path("", workflow_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("accounts/tokens/", include("api.page_urls")),
    path("directory/", include("directory.urls")),
    path("", include("documents.urls")),
    path("programme/", include("programme.urls")),
    path("meetings/", include("meetings.urls")),
    path("notices/", include("workflow.urls")),
    path("api/", include("api.urls")),
    path("verify/", include("signing.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", mbk_views.health, name="health"),
    path("admin/", admin.site.urls),
]
