import sys

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

from mbk.outages import CACHE_DOWN, DATABASE_DOWN

UNAVAILABLE_MESSAGE = {
    "code": "unavailable",
    "message": "Сервис временно недоступен: база данных не отвечает. Ничего не изменено; "
    "повторите запрос через минуту. / The database is not answering; nothing was changed, "
    "try again in a minute.",
}
CACHE_UNAVAILABLE_MESSAGE = {
    "code": "unavailable",
    "message": "Сервис временно недоступен: хранилище сессий не отвечает. Ничего не изменено; "
    "повторите запрос через минуту. / The session store is not answering; nothing was changed, "
    "try again in a minute.",
}
SERVER_ERROR_MESSAGE = {
    "code": "server_error",
    "message": "Внутренняя ошибка сервера: запрос не выполнен, ничего не изменено. Сообщите о ней "
    "дирекции программы. / Internal server error: the request failed and nothing was changed; "
    "please tell the programme office.",
}


def health(request):
    """For container health checks: answers 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok"})


def server_error(request):
    """An uncaught error. When it is the database or the shared cache (sessions, Redis) not
    answering (a restart, a failover), the person gets a 503 that says so and to try again; the
    failed request's transaction was rolled back. The page is rendered without the request's
    context, which would ask the database for the session and the person."""
    error = sys.exc_info()[1]
    if not isinstance(error, DATABASE_DOWN + CACHE_DOWN):
        if request.path.startswith("/api/"):  # the API's callers read JSON, never a page
            return JsonResponse(SERVER_ERROR_MESSAGE, status=500)
        return defaults.server_error(request)
    cache = isinstance(error, CACHE_DOWN)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            CACHE_UNAVAILABLE_MESSAGE if cache else UNAVAILABLE_MESSAGE, status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html", {"cache": cache}), status=503)
    response["Retry-After"] = "30"
    return response
