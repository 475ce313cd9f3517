"""At-risk reasons worded in the report language from the retention numbers."""

from __future__ import annotations

import pandas as pd

from salesanalysis.reports.risk_words import risk_reasons


def _risk() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["a", "b", "c"], "days_overdue": [40.2, None, 12.0],
        "usual_interval_days": [60.0, None, 30.0], "days_since_last_order": [100.0, None, 42.0],
        "latest_satisfaction": [2.0, 3.0, 5.0], "satisfaction_trend": [-1.8, -1.0, 0.5],
        "orders_slipping": [True, False, True], "satisfaction_slipping": [True, True, False],
        "value_at_stake": [403_000.0, 25_500.0, 1_200.0],
    })  # fmt: skip


def _features() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["c", "b", "a"], "mean_satisfaction": [4.6, 3.7, 3.44]})


def test_english_reasons_name_each_signal_and_the_stake():
    why = risk_reasons(_risk(), _features(), "en")
    assert why.iloc[0] == ("orders 40 days overdue (usually every 60 days, last order 100 days "
                           "ago); satisfaction slipping (latest 2/5, average 3.4, trend -1.8); "
                           "403K a year at stake")  # fmt: skip
    assert why.iloc[1] == "satisfaction slipping (latest 3/5, average 3.7, trend -1); 25.5K a year at stake"
    assert why.iloc[2].startswith("orders 12 days overdue") and why.iloc[2].endswith("1.2K a year at stake")


def test_chinese_reasons_are_chinese():
    why = risk_reasons(_risk(), _features(), "zh")
    assert why.iloc[0] == ("订单已逾期 40 天（通常每 60 天一单，上次下单在 100 天前）；满意度下滑（最近 2/5，"
                           "平均 3.4，趋势 -1.8）；每年涉及金额 40.3万")  # fmt: skip
    assert not why.str.contains("[A-Za-z]{2,}").any()


def test_empty_list_gives_empty_reasons():
    assert risk_reasons(_risk().iloc[:0], _features(), "zh").empty
