from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from directory import loading
        from documents import deadlines, home
        from documents.loading import load_review_criteria

        deadlines.register()
        home.register()
        loading.register("review_criteria", load_review_criteria)
