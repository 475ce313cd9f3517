"""The vectorised kernels give exactly what the one-value-at-a-time Python rules give.

Ids made by earlier imports must stay the same, so the Arrow / DuckDB paths of
``normalise_name``, ``match_key`` and ``stable_id`` are checked against the plain Python
definitions on awkward text (full-width forms, ligatures, accents, ß, tabs, punctuation,
Chinese next to English suffixes), and the membership and per-distinct helpers on NA.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
import pandas as pd
import pytest

from salesanalysis.intake.engine import DUCKDB_ONLY, is_in, md5_ids, per_distinct
from salesanalysis.intake.names import match_key, normalise_name, stable_id, suspected_duplicates
from salesanalysis.intake.readers import read_source

_SUFFIXES = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|"
    r"\b(?:incorporated|inc|corporation|corp|company|co|ltd|limited|llc|plc|gmbh|ag|sa|group|"
    r"holdings?)\b)"
)


def _normalise(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _match(value: str) -> str:
    text = _normalise(value)
    stem = _SUFFIXES.sub(" ", text).strip()
    return re.sub(r"\s+", "", stem if stem else text)


AWKWARD = [
    " ACME  corp. ", "Acme Corp", "Acme Co., Ltd.", "ACME", "Sun Tech Inc", "SunTech",
    "上海星辰0科技有限公司", "北京星辰1 Inc", "星辰ltd", "星辰 ltd", "星辰公司inc", "星辰公司 inc",
    "ＡＣＭＥ　有限公司", "ﬁne foods", "Straße GmbH", "École ÉLITE sa", "tab\there", "new\nline",
    "a_b-c", "  ", "", "—dash—", "①②", "Ⅻ group", "naïve café co", "ΣΟΦΙΑ ς", "株式会社",
    "x\u00a0y", "x\u2028y", "cus_0123456789ab", "2024-05-21", "O'Brien & Sons, LLC",
    "公司", "Inc", "co co", "東京 co", "déjà-vu inc.", "\u4e00\u9fa5\u3400", "\uf900",
]


def _random_texts(n: int = 400, seed: int = 3) -> list[str]:
    rng = np.random.default_rng(seed)
    alphabet = list("abcAB C_-.,&'1 9") + ["公", "司", "有限", "é", "ß", "Ｉ", "\t", "inc", " co",
                                         "ltd", "集团", "ﬁ", "\u3000"]
    return ["".join(rng.choice(alphabet, size=rng.integers(0, 9))) for _ in range(n)]


@pytest.mark.parametrize("texts", [AWKWARD, _random_texts()], ids=["awkward", "random"])
def test_normalise_name_and_match_key_equal_the_python_rules(texts):
    series = pd.Series([*texts, None])
    assert normalise_name(series).tolist()[:-1] == [_normalise(t) for t in texts]
    assert match_key(series).tolist()[:-1] == [_match(t) for t in texts]
    assert normalise_name(series).isna().tolist()[-1]


def test_plain_only_text_takes_no_python_path_and_stays_equal():
    series = pd.Series(["Acme  Corp.", "上海星辰科技有限公司", "cus_0123456789ab", "a-b"] * 3)
    assert normalise_name(series).tolist() == [_normalise(t) for t in series]
    assert match_key(series).tolist() == [_match(t) for t in series]


def test_stable_id_equals_md5_of_the_normalised_joined_parts():
    parts = pd.DataFrame({
        "customer_id": ["cus_0123456789ab", "cus_0123456789ab", None, None],
        "name": ["Zhang  Wei", "ＡＣＭＥ", None, "x"],
        "date": pd.to_datetime(["2024-05-21", None, None, "2024-01-02"]),
    })
    made = stable_id(parts, "con_")
    expected = []
    for row in parts.itertuples(index=False):
        cells = [_normalise(v) if isinstance(v, str) else "" for v in row[:2]]
        cells.append(_normalise(row[2].strftime("%Y-%m-%d")) if pd.notna(row[2]) else "")
        text = "|".join(cells)
        expected.append("con_" + hashlib.md5(text.encode("utf-8")).hexdigest()[:12]
                        if any(cells) else None)
    assert [None if pd.isna(v) else v for v in made] == expected
    assert made.index.equals(parts.index)


def test_md5_ids_keep_order_and_missing():
    text = pd.Series(["b", None, "a"] * 1000, index=range(5, 3005))
    ids = md5_ids(text, "p_")
    assert ids.iloc[0] == "p_" + hashlib.md5(b"b").hexdigest()[:12]
    assert ids.iloc[2] == "p_" + hashlib.md5(b"a").hexdigest()[:12]
    assert ids.isna().sum() == 1000 and ids.index.equals(text.index)
    assert "md5" in DUCKDB_ONLY["md5_ids"]


def test_is_in_and_per_distinct_handle_missing_values():
    values = pd.Series(["a", None, "b", "c"])
    assert is_in(values, pd.Series(["b", None, "a"])).tolist() == [True, False, True, False]
    assert is_in(values.iloc[:0], pd.Series(["a"])).tolist() == []
    calls = []

    def upper(s: pd.Series) -> pd.Series:
        calls.append(len(s))
        return s.str.upper()

    out = per_distinct(pd.Series(["a", "b", "a", None, "a"]), upper)
    assert out.tolist()[:3] == ["A", "B", "A"] and pd.isna(out.iloc[3]) and calls == [2]


def _suspected_reference(new: pd.DataFrame, existing: pd.DataFrame) -> dict[str, str]:
    """The pairing rule one merge over every name, as it was before the candidate filter."""
    pool = pd.concat([existing, new], ignore_index=True).drop_duplicates("customer_id",
                                                                         keep="last")
    pool["match"] = [_match(n) for n in pool["name"]]
    mine = new.assign(match=[_match(n) for n in new["name"]])
    pairs = mine.merge(pool, on="match", suffixes=("", "_other"))
    pairs = pairs[pairs["customer_id"] != pairs["customer_id_other"]].sort_values(
        ["customer_id", "customer_id_other"])
    pairs["other"] = pairs["name_other"] + " (" + pairs["customer_id_other"] + ")"
    return {k: "same company as " + "; ".join(g) for k, g in pairs.groupby("customer_id")["other"]}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_suspected_duplicates_equal_the_merge_over_all_names(seed):
    rng = np.random.default_rng(seed)
    stems = ["Acme", "ACME Co.", "Sun Tech", "SunTech Inc", "星辰", "星辰有限公司", "Orbit"]
    names = [str(rng.choice(stems)) + str(rng.choice(["", " Ltd", "集团", " x"])) for _ in range(40)]
    ids = [f"c{int(i)}" for i in rng.integers(0, 30, 40)]  # some ids repeat (renamed)
    existing = pd.DataFrame({"customer_id": ids[:20], "name": names[:20]}).drop_duplicates(
        "customer_id")
    new = pd.DataFrame({"customer_id": ids[20:], "name": names[20:]}).drop_duplicates(
        "customer_id")
    found = suspected_duplicates(new, existing)
    assert dict(zip(found["record_id"], found["detail"], strict=True)) == _suspected_reference(
        new, existing)


@pytest.mark.parametrize("bom, newline", [(b"", b"\n"), (b"\xef\xbb\xbf", b"\r\n")])
def test_even_csv_read_by_arrow_equals_the_general_reader(tmp_path, bom, newline):
    lines = ['名称,金额,备注', '"Acme, Inc",¥1,200"', '"多\n行",3k,=1+2', '星辰,,']
    body = bom + newline.join(line.encode("utf-8") for line in lines) + newline
    even, ragged = tmp_path / "even.csv", tmp_path / "ragged.csv"
    even.write_bytes(body)
    ragged.write_bytes(body + "额外,1,2,3".encode() + newline)  # one record too wide
    fast = read_source(even)[0].frame
    general = read_source(ragged)[0].frame.iloc[:-1]
    assert list(fast.columns) == ["名称", "金额", "备注"]
    assert fast.astype(object).values.tolist() == general.astype(object).values.tolist()
    assert fast.index.tolist() == [2, 3, 4]
    assert fast.iloc[1].tolist() == ["多\n行", "3k", "=1+2"]
