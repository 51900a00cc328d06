"""``manage.py bench_api`` prints its figures and leaves no row behind."""

from io import StringIO

import pytest
from django.core.management import call_command

from entries.models import Series
from tests.helpers import table_rows

pytestmark = pytest.mark.django_db


def test_bench_api_prints_both_frameworks_and_rolls_back():
    out = StringIO()
    call_command("bench_api", "--rows", "3", "--requests", "2", "--rounds", "1", stdout=out)
    rows = table_rows(out.getvalue(), columns=5)
    assert {"drf", "ninja"} <= set(rows)
    assert float(rows["ninja"][1]) > 0
    assert not Series.objects.exists()
