from django.apps import AppConfig


class MbkConfig(AppConfig):
    name = "mbk"
