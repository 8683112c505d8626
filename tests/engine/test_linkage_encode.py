"""Encoding at the source: bad input is refused clearly, the key and the decoys never leak."""

from __future__ import annotations

import base64
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from schakel.engine.linkage import (
    EncodingSchema,
    ExtractError,
    LinkageFileError,
    LinkageKey,
    SchemaError,
    encode_file,
    encode_frame,
    load_schema,
    read_encoded,
)
from schakel.engine.linkage.layout import RECORD_ID, arrow_schema

KEY = LinkageKey(b"the secret key of this test, long enough")
SCHEMA = EncodingSchema.from_mapping(
    {
        "schema_version": 1,
        "id": "client",
        "roles": {
            "given_names": "first",
            "family_name": ["prefix", "last"],
            "date_of_birth": "born",
            "bsn": "bsn",
            "postcode": "postcode",
        },
    }
)


def extract(rows: int = 4) -> pd.DataFrame:
    people = [
        ("client-0001", "Anna", "van", "Dijk", "31-05-1990", "123456782", "1234 AB"),
        ("client-0002", "Ion", "", "Popescu", "1985", "", "2345 BC"),
        ("client-0003", "Олена", "", "Шевченко", "01-01-1979", "", "3456 CD"),
        ("client-0004", "Thi Lan", "", "Nguyen", "", "", ""),
    ]
    columns = ["client", "first", "prefix", "last", "born", "bsn", "postcode"]
    return pd.DataFrame(people[:rows], columns=columns)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def test_encoded_file_has_the_layout_and_no_clear_text(tmp_path: Path) -> None:
    source = write_csv(extract(), tmp_path / "extract.csv")
    report = encode_file(source, SCHEMA, tmp_path / "encoded.parquet", key=KEY)
    table = read_encoded(tmp_path / "encoded.parquet")
    assert table.schema == arrow_schema()
    assert report.records == table.num_rows == 4
    raw = (tmp_path / "encoded.parquet").read_bytes()
    for clear in (b"Anna", b"Dijk", b"Popescu", b"123456782", b"client-0001", b"1990"):
        assert clear not in raw
    assert pq.read_metadata(tmp_path / "encoded.parquet").metadata[b"schakel.key_id"] == (
        KEY.key_id.encode()
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_key_never_appears_in_the_output(tmp_path: Path, suffix: str) -> None:
    source = write_csv(extract(), tmp_path / "extract.csv")
    out = tmp_path / f"encoded{suffix}"
    encode_file(source, SCHEMA, out, key=KEY, decoy_fraction=0.5, decoys_out=tmp_path / "d.txt")
    for path in (out, tmp_path / "d.txt"):
        raw = path.read_bytes()
        for secret in (KEY.secret, base64.b64encode(KEY.secret), KEY.secret.hex().encode()):
            assert secret not in raw


def test_csv_output_reads_back_identically(tmp_path: Path) -> None:
    source = write_csv(extract(), tmp_path / "extract.csv")
    # BLIP (the default) flips by a keyed seed per record: two encodings are identical.
    encode_file(source, SCHEMA, tmp_path / "a.parquet", key=KEY)
    encode_file(source, SCHEMA, tmp_path / "a.csv", key=KEY)
    assert read_encoded(tmp_path / "a.csv").equals(read_encoded(tmp_path / "a.parquet"))


def test_decoys_are_indistinguishable_in_the_linker_visible_columns(tmp_path: Path) -> None:
    frame = pd.concat([extract()] * 10, ignore_index=True)
    frame["client"] = [f"client-{i:04d}" for i in range(len(frame))]
    table, report = encode_frame(frame, SCHEMA, KEY, decoy_fraction=0.25)
    assert report.decoys == 10 and table.num_rows == 50
    assert table.column_names == arrow_schema().names  # no flag column
    ids = table[RECORD_ID].to_pylist()
    assert set(report.decoy_ids) <= set(ids)
    assert ids == sorted(ids)  # order does not reveal which rows are decoys
    lengths = {len(value) for value in ids}
    assert lengths == {16}


def test_decoys_need_a_place_for_their_ids(tmp_path: Path) -> None:
    source = write_csv(extract(), tmp_path / "extract.csv")
    with pytest.raises(LinkageFileError, match="decoys_out"):
        encode_file(source, SCHEMA, tmp_path / "e.parquet", key=KEY, decoy_fraction=0.2)


def test_progress_is_reported(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    encode_frame(extract(), SCHEMA, KEY, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (4, 4)


def test_a_missing_mapped_column_is_named_with_its_role(tmp_path: Path) -> None:
    source = write_csv(extract().drop(columns="born"), tmp_path / "extract.csv")
    with pytest.raises(ExtractError, match=r"'born' \(date_of_birth\)"):
        encode_file(source, SCHEMA, tmp_path / "e.parquet", key=KEY)
    assert not (tmp_path / "e.parquet").exists()


def test_an_unreadable_date_names_column_and_row(tmp_path: Path) -> None:
    frame = extract()
    frame.loc[2, "born"] = "last spring"
    source = write_csv(frame, tmp_path / "extract.csv")
    with pytest.raises(ExtractError, match=r"Column 'born', row 3") as error:
        encode_file(source, SCHEMA, tmp_path / "e.parquet", key=KEY)
    assert "last spring" not in str(error.value)  # values may be personal data
    assert not (tmp_path / "e.parquet").exists()


def test_unreadable_dates_can_be_treated_as_missing() -> None:
    frame = extract()
    frame.loc[2, "born"] = "last spring"
    lenient = EncodingSchema.from_mapping({**SCHEMA.to_mapping(), "bad_dates": "missing"})
    _, report = encode_frame(frame, lenient, KEY)
    assert report.unreadable_dates == 1


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    frame = extract()
    frame.loc[3, "client"] = "client-0001"
    with pytest.raises(ExtractError, match=r"duplicate ids \(rows 1, 4\)"):
        encode_frame(frame, SCHEMA, KEY)


def test_empty_and_wrong_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(LinkageFileError, match="empty"):
        encode_file(tmp_path / "empty.csv", SCHEMA, tmp_path / "e.parquet", key=KEY)
    (tmp_path / "header.csv").write_text("client,first,prefix,last,born,bsn,postcode\n")
    with pytest.raises(LinkageFileError, match="no records"):
        encode_file(tmp_path / "header.csv", SCHEMA, tmp_path / "e.parquet", key=KEY)
    with pytest.raises(LinkageFileError, match=r"\.csv or \.parquet"):
        encode_file(tmp_path / "header.csv", SCHEMA, tmp_path / "e.xlsx", key=KEY)
    (tmp_path / "fake.parquet").write_text("not parquet")
    with pytest.raises(LinkageFileError, match="Cannot read"):
        encode_file(tmp_path / "fake.parquet", SCHEMA, tmp_path / "e.parquet", key=KEY)
    with pytest.raises(LinkageFileError, match="not an encoded file"):
        read_encoded(write_csv(extract(), tmp_path / "plain.csv"))


def test_schema_files_in_toml_and_json(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text(
        'schema_version = 1\nid = "client"\n[roles]\ngiven_names = "first"\n'
        'family_name = ["prefix", "last"]\n'
    )
    schema = load_schema(tmp_path / "s.toml")
    assert schema.source_columns() == ["client", "first", "prefix", "last"]
    (tmp_path / "s.json").write_text('{"schema_version": 1, "id": "c", "roles": {"nickname": "x"}}')
    with pytest.raises(SchemaError, match="Unknown role 'nickname'"):
        load_schema(tmp_path / "s.json")
    (tmp_path / "v.toml").write_text('schema_version = 9\nid = "c"\n[roles]\nfamily_name = "x"\n')
    with pytest.raises(SchemaError, match="version 9"):
        load_schema(tmp_path / "v.toml")


def test_files_of_another_encoding_version_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file normalised by an earlier version would give other filters for the same name."""
    from schakel.engine.linkage import match_files, schema
    from schakel.engine.linkage.layout import ENCODING_COLUMN

    source = write_csv(extract(), tmp_path / "extract.csv")
    encode_file(source, SCHEMA, tmp_path / "now.parquet", key=KEY)
    with monkeypatch.context() as patched:
        patched.setattr(schema, "NORMALISATION_VERSION", schema.NORMALISATION_VERSION - 1)
        encode_file(source, SCHEMA, tmp_path / "earlier.parquet", key=KEY)
    earlier = pq.read_table(tmp_path / "earlier.parquet")[ENCODING_COLUMN][0].as_py()
    assert earlier != read_encoded(tmp_path / "now.parquet")[ENCODING_COLUMN][0].as_py()
    message = r"another version of Schakel's encoding .*Re-encode the extract"
    with pytest.raises(LinkageFileError, match=message):
        read_encoded(tmp_path / "earlier.parquet")
    with pytest.raises(LinkageFileError, match=message):
        match_files(tmp_path / "now.parquet", tmp_path / "earlier.parquet", tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
    # A file from before the versions were written out (format 1, no normalisation version).
    table = pq.read_table(tmp_path / "now.parquet")
    old = table[ENCODING_COLUMN][0].as_py().replace(schema.encoding_version(), "schakel-pprl/1")
    index = table.column_names.index(ENCODING_COLUMN)
    table = table.set_column(index, ENCODING_COLUMN, pa.array([old] * table.num_rows))
    pq.write_table(table, tmp_path / "old.parquet")
    with pytest.raises(LinkageFileError, match=r"'schakel-pprl/1'; this version reads"):
        read_encoded(tmp_path / "old.parquet")
    # Formats 3 (unsalted filters), 4 (unsalted by default) and 5 (a filter per name field)
    # are refused too.
    current = f"schakel-pprl/{schema.FORMAT_VERSION}"
    for number in ("3", "4", "5"):
        table = pq.read_table(tmp_path / "now.parquet")
        older = table[ENCODING_COLUMN][0].as_py().replace(current, f"schakel-pprl/{number}")
        table = table.set_column(index, ENCODING_COLUMN, pa.array([older] * table.num_rows))
        pq.write_table(table, tmp_path / "older.parquet")
        with pytest.raises(
            LinkageFileError, match=rf"'schakel-pprl/{number} norm=\d+'; this version reads"
        ):
            read_encoded(tmp_path / "older.parquet")


def test_the_bloom_hashing_is_part_of_the_encoding() -> None:
    double = EncodingSchema.from_mapping({**SCHEMA.to_mapping(), "bloom_hashing": "double"})
    assert double.fingerprint == SCHEMA.fingerprint + " hashing=double"
    assert SCHEMA.to_mapping()["bloom_hashing"] == "random"
    with pytest.raises(SchemaError, match="bloom_hashing"):
        EncodingSchema.from_mapping({**SCHEMA.to_mapping(), "bloom_hashing": "triple"})
