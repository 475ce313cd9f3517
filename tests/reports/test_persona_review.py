"""The persona part of the reports: profiles, stability, heatmaps readable in Chinese, movement."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from salesanalysis.personas import discover_personas
from salesanalysis.personas.profiles import persona_profiles
from salesanalysis.reports import persona_review as pr
from salesanalysis.reports.messages import catalogue
from salesanalysis.reports.tables import style_frame
from salesanalysis.reports.typeface import missing_glyphs
from salesanalysis.sample import load_sample
from salesanalysis.store import Store


@pytest.fixture(scope="module")
def zh_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("persona_review") / "zh.duckdb"
    with Store(path, create=True) as store:
        load_sample(store, n_customers=300, months=12, seed=5, locale="zh")
        customers = store.table("customers")
        first = customers["customer_id"].iloc[0]
        store.con.execute("UPDATE customers SET name = '<b>Evil</b> & Co' WHERE customer_id = ?",
                          [first])
    return path


@pytest.fixture(scope="module")
def result(zh_store):
    return pr.persona_result(zh_store)


def test_every_message_has_both_languages():
    def walk(node, key):
        if isinstance(node, dict) and {"en", "zh"} & set(node):
            assert {"en", "zh"} <= set(node), key
            return
        for k, v in node.items():
            walk(v, f"{key}.{k}")
    walk(catalogue()["personas"], "personas")


def test_profiles_and_stability_in_chinese(result):
    page = pr.profiles_table(result, "zh") + pr.stability_text(result, "zh")
    assert "画像概况" in page and "核心关注点" in page and "调整兰德指数" in page
    assert result.names["name_zh"].iloc[0] in page
    assert "(" not in pr.groups_note(result, "zh").split("：")[0]


def test_heatmaps_are_readable_with_chinese_labels(zh_store, result):
    parts = pr.matrix_parts(zh_store, result, "zh")
    assert "画像矩阵" in parts[0]
    assert "没有等级数据" in parts[1]  # no grades stored: said, not an empty chart
    fig = parts[2]
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(labels))
    assert missing_glyphs("".join(labels) + ax.get_title()) == []


def test_members_keep_user_strings_escaped(zh_store, result):
    for pid in result.names["persona_id"]:
        listed = pr.members(result, pid, zh_store, "zh")
        if listed.iloc[:, 1].eq("<b>Evil</b> & Co").any():
            page = style_frame(listed, lang="zh").to_html()
            assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in page and "<b>Evil" not in page
            return
    raise AssertionError("the renamed customer is in no persona")


def test_movement_since_last_month(zh_store, result):
    moved = pr.movement(zh_store, result, "2026-09-30")
    text = pr.movement_table(moved, result, "en")
    assert "Movement since last month" in text
    assert "changed persona by" in text or "No customer changed persona" in text
    assert moved.attrs["new"] > 0  # customers first contacted since September


def test_report_result_keeps_one_row_per_customer_and_tag(zh_store, result):
    full = discover_personas(zh_store, as_of=result.as_of, write=False)
    for slim, whole in ((result.evidence, full.evidence), (result.concerns, full.concerns)):
        assert list(slim.columns) == ["customer_id", "tag", "tag_group"]
        assert not slim.duplicated(["customer_id", "tag"]).any()
        assert len(slim) == len(whole.drop_duplicates(["customer_id", "tag"])) < len(whole)
    args = (result.model.stability_, result.names)
    same = [persona_profiles(r.assignments, r.features, *args, r.evidence, r.concerns,
                             r.labels, "zh") for r in (result, full)]
    assert same[0].equals(same[1])
