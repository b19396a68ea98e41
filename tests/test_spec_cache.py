"""The per-user cache of built specs (xlsheet.spec.loader): the same objects as building from the TOML, rebuilt
whenever the TOML or the code that builds them changes, and never needed."""
import shutil

import pytest

from xlsheet import record
from xlsheet.spec import loader, model


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("XLSHEET_NO_CACHE", raising=False)
    loader.load_spec.cache_clear()
    yield tmp_path / "cache" / "xlsheet"
    loader.load_spec.cache_clear()


def _same(a, b):
    assert a == b and list(a.fields) == list(b.fields)
    for key, field in a.fields.items():
        assert field == b.fields[key] and repr(field) == repr(b.fields[key])
        assert field.cell is a.table(field.table).covering(field.cell.row, field.cell.col)  # shared, as built
    assert repr(a) == repr(b)


@pytest.mark.parametrize("fmt", loader.FORMATS)
def test_a_spec_from_the_cache_is_the_spec_built_from_the_toml(fmt, cache):
    built = loader.parse_spec(loader._raw(fmt))
    first = loader.load_spec(fmt)  # built, and stored
    assert len(list(cache.glob(f"spec-{fmt}-*"))) == 1
    loader.load_spec.cache_clear()
    again = loader.load_spec(fmt)  # from the cache
    assert again is not first
    _same(first, built)
    _same(again, built)


def test_a_damaged_cached_spec_is_rebuilt(cache):
    loader.load_spec("v2021")
    (blob,) = cache.glob("spec-v2021-*")
    for damage in (b"\x00garbage", __import__("marshal").dumps(("not", "a", "spec"))):
        blob.write_bytes(damage)
        loader.load_spec.cache_clear()
        _same(loader.load_spec("v2021"), loader.parse_spec(loader._raw("v2021")))


@pytest.mark.parametrize("module", [loader, model, record, "toml"])
def test_the_cache_is_named_after_the_toml_and_the_building_code(module, cache, tmp_path, monkeypatch):
    before = loader._blob("v2021")
    copy = tmp_path / "copy"
    if module == "toml":
        shutil.copy(loader._path("v2021"), copy)
        monkeypatch.setattr(loader, "_path", lambda fmt: str(copy))
    else:
        shutil.copy(module.__file__, copy)
        monkeypatch.setattr(module, "__file__", str(copy))
    assert loader._blob("v2021") == before
    with open(copy, "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    assert loader._blob("v2021") != before


def test_no_cache_folder_builds_from_the_toml(cache, monkeypatch):
    monkeypatch.setenv("XLSHEET_NO_CACHE", "1")
    assert loader._blob("v2021") is None
    _same(loader.load_spec("v2021"), loader.parse_spec(loader._raw("v2021")))
    assert not cache.exists()


def test_code_not_in_plain_files_builds_from_the_toml(cache, monkeypatch):
    monkeypatch.setattr(model, "__file__", str(cache / "nowhere" / "model.py"))
    assert loader._blob("v2021") is None
    _same(loader.load_spec("v2021"), loader.parse_spec(loader._raw("v2021")))


def test_choosing_the_format_of_a_year_reads_no_data_of_a_built_format(cache, monkeypatch):
    expected = {year: loader.spec_for_year(year).format for year in range(2019, 2031)}
    assert expected[2019] == expected[2020] == "v2019" and expected[2021] == expected[2030] == "v2021"
    for fmt in loader.FORMATS:
        loader.load_spec(fmt)

    def no_data(fmt):
        raise AssertionError(f"{fmt}'s data read again")

    monkeypatch.setattr(loader, "_raw", no_data)
    assert {year: loader.spec_for_year(year).format for year in range(2019, 2031)} == expected
    with pytest.raises(Exception, match="2018年不在"):
        loader.spec_for_year(2018)
