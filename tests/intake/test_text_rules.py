"""The entry standard: needs and pain points must carry a quantity."""

import pandas as pd
import pytest

from salesanalysis.intake.text_rules import is_quantified


@pytest.mark.parametrize(
    "text",
    ["raise capacity 30%", "cut downtime from 12h to 4h/month", "budget 1.5M", "提升产能30%",
     "预算50万", "提升产能三成", "交期缩短两周", "go live before year-end", "replace 3 lines by March"],
)
def test_quantified_texts_pass(text):
    assert is_quantified(pd.Series([text])).iloc[0]


@pytest.mark.parametrize(
    "text", ["big demand", "need improvement", "需求大", "希望提升效率", "more efficiency",
             "we may expand", "one-stop solution", "", None],
)
def test_vague_or_missing_texts_fail(text):
    assert not is_quantified(pd.Series([text], dtype=object)).iloc[0]


def test_keeps_index_and_returns_bool():
    s = pd.Series(["big demand", "30% faster"], index=[10, 11])
    out = is_quantified(s)
    assert out.index.tolist() == [10, 11]
    assert out.dtype == bool
