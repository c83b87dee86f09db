from django.apps import AppConfig


class MbkConfig(AppConfig):
    name = "mbk"

    def ready(self):
        from mbk import text

        text.strip_invisible_in_form_and_api_fields()
