"""Dates as the cluster's documents write them, ДД.ММ.ГГГГ, wherever a template prints a date
without a format of its own (Django's Russian default is «31 декабря 2027 г.»). Parsing is
Django's own (forms read ISO dates from <input type="date">)."""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
