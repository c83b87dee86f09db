"""The English pages write dates as the Russian ones do, DD.MM.YYYY (mbk/formats/ru): one
programme, one way of writing its dates."""

from mbk.formats.ru.formats import (  # noqa: F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
)
