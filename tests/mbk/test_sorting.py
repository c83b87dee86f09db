from django.http import QueryDict

from mbk.sorting import SortHeader, sort_headers

COLUMNS = [("title", "Заявка"), ("", "Направление"), ("score", "Балл")]


def test_headers_keep_the_filters_leave_the_page_and_reverse_the_sorted_column():
    query = QueryDict("state=submitted&page=3&sort=title")

    title, direction, score = sort_headers(query, COLUMNS, "title", first_descending={"score"})

    assert title == SortHeader("Заявка", "title", "?state=submitted&sort=-title", "ascending")
    assert direction == SortHeader("Направление")
    assert score == SortHeader("Балл", "score", "?state=submitted&sort=-score", "")


def test_a_column_sorted_from_the_largest_is_descending_and_reverses_to_the_smallest():
    (_title, _direction, score) = sort_headers(QueryDict(""), COLUMNS, "-score")

    assert (score.aria_sort, score.url) == ("descending", "?sort=score")
