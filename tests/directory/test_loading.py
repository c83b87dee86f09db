import pytest
from django.core.management import call_command

from directory.loading import load_cluster_directory
from directory.models import Body, Direction, Organisation, ServiceType, SupportInstrument


def snapshot() -> dict:
    return {
        model.__name__: sorted(model.objects.values_list("pk", "name_ru"))
        for model in (Direction, Body, ServiceType, SupportInstrument, Organisation)
    }


@pytest.mark.django_db
def test_load_directory_creates_the_cluster_of_the_seeds():
    load_cluster_directory()

    assert Direction.objects.count() == 4
    assert list(
        Body.objects.filter(kind=Body.Kind.SECTORAL_GROUP).values_list(
            "direction__name_ru", flat=True
        )
    ) == [
        "Фармацевтика и биомедицина",
        "Агропищевой сектор",
        "Экология и утилизация отходов",
        "Промышленные биотехнологии",
    ]
    assert Body.objects.filter(kind=Body.Kind.INFRASTRUCTURE_GROUP).count() == 4
    assert Body.objects.filter(kind=Body.Kind.GOVERNANCE).count() == 1
    assert Body.objects.filter(kind=Body.Kind.PROGRAMME_OFFICE).count() == 1
    assert SupportInstrument.objects.count() == 6
    assert ServiceType.objects.count() == 10
    assert not Body.objects.filter(name_en="").exists()


@pytest.mark.django_db
def test_load_directory_twice_changes_nothing(capsys):
    call_command("load_directory")
    before = snapshot()

    call_command("load_directory")

    assert snapshot() == before
    assert "directions: 0 created, 4 already present" in capsys.readouterr().out


@pytest.mark.django_db
def test_load_directory_keeps_admin_edits():
    load_cluster_directory()
    Direction.objects.filter(code="pharma").update(name_ru="Фармацевтика")

    load_cluster_directory()

    assert Direction.objects.get(code="pharma").name_ru == "Фармацевтика"


@pytest.mark.django_db
def test_a_part_of_the_file_nobody_loads_fails_loudly(tmp_path):
    from directory.loading import CLUSTER_FILE

    path = tmp_path / "cluster.yaml"
    path.write_text(
        CLUSTER_FILE.read_text(encoding="utf-8") + "\nunknown_part: []\n", encoding="utf-8"
    )

    with pytest.raises(LookupError, match="unknown_part"):
        load_cluster_directory(path)
