from django.contrib.staticfiles.apps import StaticFilesConfig


class MbkStaticFilesConfig(StaticFilesConfig):
    """collectstatic leaves out what no page loads: Redoc (the API's documentation is Swagger
    UI) and the browsable API's assets of Django REST framework (the API answers JSON only).
    (Source maps stay: the stylesheets name them, and the manifest must find them.)"""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "rest_framework",
        "drf_spectacular_sidecar/redoc",
    ]
