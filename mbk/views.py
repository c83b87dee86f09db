from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse


def health(request):
    """For container health checks: answers 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok"})
