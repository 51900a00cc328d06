"""``manage.py bench_images``: it measures and prints every input, and leaves nothing
behind; no timing is asserted."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from entries.models import Picture
from tests.helpers import table_rows


def bench(*args: str) -> str:
    out = io.StringIO()
    call_command("bench_images", *args, stdout=out)
    return out.getvalue()


def rows(output: str) -> dict[str, list[str]]:
    return table_rows(output, columns=9)


def number(cell: str) -> float:
    return float(cell.removeprefix("≥ ").replace(",", ""))


@pytest.mark.django_db
def test_prints_time_and_memory_for_each_input_and_stores_nothing(media_root):
    output = bench("--megapixels", "0.02,0.05", "--repeat", "2")

    assert "Pillow" in output and "median of 2 run(s)" in output
    table = rows(output)
    assert [label.split()[0] for label in table] == ["JPEG", "PNG", "JPEG", "PNG"]
    for label, (_, pixels, file_mb, prepare, store, traced, rss, files, stored_mb) in table.items():
        width, height = (int(side) for side in pixels.split(" × "))
        assert width > height > 0, label
        assert number(prepare) >= 0 and number(store) >= 0, label
        assert number(traced) > 0, label  # at least the upload itself was in memory
        assert number(rss) >= 0, label
        assert int(files) == 1 + 2 * 2, label  # 188 and 298 px wide: 160 px and their own width
        assert number(file_mb) >= 0 and number(stored_mb) >= 0, label
    assert not Picture.objects.exists()
    assert list(Path(media_root).rglob("*")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--megapixels", "41"], "over the pixel limit"),
        (["--megapixels", "0"], "invalid"),
        (["--formats", "gif"], "invalid"),
        (["--repeat", "0"], "invalid"),
    ],
)
def test_bad_arguments_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        bench(*args)
