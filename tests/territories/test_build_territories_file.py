import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from territories import cog
from territories.management.commands.load_territories import PACKAGE_DATA
from tests.territories.package_data import write_package


def build_territories_file(*args):
    out = StringIO()
    call_command("build_territories_file", *args, stdout=out)
    return out.getvalue()


def test_it_writes_the_compact_file_of_one_region(tmp_path):
    output_file = tmp_path / "bretagne.json"

    output = build_territories_file(
        "--source", str(write_package(tmp_path / "v6")), "--region", "53", "--output", str(output_file)
    )

    written = json.loads(output_file.read_text(encoding="utf-8"))
    assert (written["source"], written["version"], written["edition"]) == (
        "@etalab/decoupage-administratif",
        "6.0.0",
        2026,
    )
    assert written["departments"] == [
        {"code": "35", "name": "Ille-et-Vilaine", "region": "53"},
        {"code": "56", "name": "Morbihan", "region": "53"},
    ]
    assert written["communes"][0] == {
        "code": "35024",
        "name": "Betton",
        "department": "35",
        "epci": "243500139",
        "population": 12964,
        "siren": "213500240",
    }
    assert [c["code"] for c in written["communes"]] == ["35024", "35236", "35238", "56001"]
    assert "2 départements, 4 communes, 2 EPCI" in output


def test_it_refuses_a_data_folder_without_its_package_json(tmp_path):
    data = write_package(tmp_path / "v6")
    (data.parent / "package.json").unlink()

    with pytest.raises(CommandError, match="package.json introuvable"):
        build_territories_file("--source", str(data), "--output", str(tmp_path / "out.json"))
    assert not (tmp_path / "out.json").exists()


def test_the_shipped_file_is_what_the_installed_package_gives(tmp_path):
    output_file = tmp_path / "bretagne.json"

    build_territories_file("--source", str(PACKAGE_DATA), "--region", "53", "--output", str(output_file))

    assert output_file.read_text(encoding="utf-8") == cog.SHIPPED_FILE.read_text(encoding="utf-8")
