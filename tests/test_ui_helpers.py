"""The small functions behind shown figures and colours: number labels, axis ranges and ticks,
one colour per platform, one style per configuration, literal text."""

from __future__ import annotations

import pandas as pd
import pytest

from qb_core.analyses.roofline_geometry import log_axis_range
from ui import tables
from ui.charts.core import compact_number, log_ticks
from ui.colors import DEVICE_LIGHTNESS_RANGE, PALETTE, config_styles, device_colors, platform_colors, shade
from ui.safe import cell_text, code_span, literal, safe_file_name
from ui.tables import number_format


@pytest.mark.parametrize(("value", "label"), [
    (409.3, "409"), (6236.1, "6.24k"), (12472.2, "12.5k"), (99_950, "100k"), (785_983.3, "786k"),
    (999_999, "1M"), (1_566_000, "1.57M"), (2.5e9, "2.5G"), (0.5, "0.5"), (float("nan"), ""), (float("inf"), ""),
])
def test_compact_number_uses_three_significant_digits_throughout(value, label):
    assert compact_number(value) == label


def test_log_axis_range_takes_whole_decades_around_the_finite_positive_values():
    assert log_axis_range([19.06, 1598.96]) == (1.0, 10_000.0)
    assert log_axis_range([0.0, -3.0, float("inf"), float("nan")]) == (1.0, 1e4)  # nothing usable: a default
    low, high = log_axis_range([5.0])
    assert low < 5.0 < high


def test_log_ticks_are_1_2_5_and_cover_the_range():
    assert log_ticks(0.46, 40.6) == [0.2, 0.5, 1, 2, 5, 10, 20, 50]
    assert 10 in log_ticks(1, 100)  # the squashed power axis had no 10
    assert log_ticks(0, 10) == []


def test_platform_colours_follow_the_catalog_order_and_are_never_grey():
    colors = platform_colors(["ZCU104-FINN", "TX2", "ZCU104-FINN", "NCS2"])
    assert list(colors) == ["ZCU104-FINN", "TX2", "NCS2"] and colors["ZCU104-FINN"] == PALETTE[0]
    assert len(set(colors.values())) == 3
    greys = [c for c in PALETTE if c[1:3] == c[3:5] == c[5:7]]
    assert greys == []


def test_device_colours_are_shades_of_their_platform():
    devices = pd.DataFrame({"device": ["TX2-maxn", "TX2-maxp", "TX2-maxq", "NCS2"],
                            "platform": ["TX2", "TX2", "TX2", "NCS2"], "op_mode": ["maxn", "maxp", "maxq", ""]})
    colors = device_colors(devices, {"TX2": "#d62728", "NCS2": "#e377c2"})
    assert colors["NCS2"] == "#e377c2"  # a platform with one device keeps its colour
    assert len({colors["TX2-maxn"], colors["TX2-maxp"], colors["TX2-maxq"]}) == 3
    assert colors["TX2-maxn"] == shade("#d62728", 0, 3, DEVICE_LIGHTNESS_RANGE)


def test_every_configuration_of_a_platform_is_distinguishable():
    from qb_core.measurements.dataset import load_measurements

    every = load_measurements()
    for task in ("cifar10", "imagenet"):  # ImageNet: several networks on one platform (GoogLeNet, ResNet-50)
        rows = every[every["task"] == task].assign(dataset="QuTiBench")
        styles = config_styles(rows, platform_colors(sorted(rows["platform"].astype(str).unique())))
        assert set(styles) == set(rows["config"].astype(str))
        for platform, group in rows.groupby("platform", observed=True):
            looks = {styles[c] for c in group["config"].astype(str).unique()}
            assert len(looks) == group["config"].nunique(), (task, platform)
    rows = every[every["task"] == "cifar10"].assign(dataset="QuTiBench")
    styles = config_styles(rows, platform_colors(sorted(rows["platform"].astype(str).unique())))
    tx2 = rows[rows["device"] == "TX2-maxp"]
    assert styles["TX2-maxp_FP16_100%"].shape != styles["TX2-maxp_FP32_100%"].shape  # precision -> shape
    assert styles["TX2-maxp_FP16_100%"].dash != styles["TX2-maxn_FP16_100%"].dash  # op mode -> dash
    assert len(tx2) and styles["TX2-maxp_FP16_100%"].color != styles["TX2-maxp_FP16_12.5%"].color  # pruning


def test_user_text_is_code_and_plain_cells_stay_plain():
    assert literal("[click me](https://x)") == "`[click me](https://x)`"
    assert literal("a`b") == "``a`b``" and code_span("`x`") == "`` `x` ``"
    assert literal("line\nbreak") == "`line break`" and literal("x" * 500).endswith("…`")
    assert cell_text("INT2: 100%, 50%") == "INT2: 100%, 50%" and cell_text("ZCU104-FINN") == "ZCU104-FINN"
    for active in ("https://evil.com", "www.evil.com", "me@evil.com", ":red[x]", "<b>", "**bold**"):
        assert cell_text(active) == f"`{active}`"
    assert safe_file_name("../../etc/passwd") == "etc_passwd.csv"


def test_counts_are_shown_in_full_and_units_keep_their_format():
    params = pd.Series([6_157_696.0, 97_712.0, float("nan")])
    assert number_format(params, "") == "localized"  # 6,157,696, not 6.158e+06 or 6158000
    assert number_format(pd.Series([0.25, 3.0]), "") == "%.4g"
    assert number_format(pd.Series([12.0]), "%") == "%.1f"
    assert number_format(pd.Series([float("inf"), 2.0]), "") == "localized"


def test_long_network_names_are_cut_in_heatmap_columns_unless_two_would_clash():
    import pandas as pd

    from ui.charts.theory import SHORT_VARIANT_CHARS, short_variants

    long_a = "My very long experimental network A 100%"
    long_b = "My very long experimental network B 100%"
    other = "Another really long network name here 100%"
    cut = short_variants(pd.Series(["CNV 100%", long_a, long_b, other, other]))
    assert cut.iloc[0] == "CNV 100%"
    assert cut.iloc[1] == long_a and cut.iloc[2] == long_b  # cut, they would read the same: kept whole
    assert cut.iloc[3] == cut.iloc[4] == other[: SHORT_VARIANT_CHARS - 1] + "…"


def test_each_judged_candidate_gets_one_standing_in_order_of_precedence():
    from qb_core.analyses.finder import DEPLOYMENT_KEYS
    from ui.charts.finder import STANDING, standing

    rows = pd.DataFrame({key: ["x"] * 5 for key in DEPLOYMENT_KEYS}).assign(
        device=["A", "B", "C", "D", "E"], batch=[1, 2, 3, 4, 5], meets=[True, True, True, False, False],
        source=["measured", "tested", "untested", "measured", "tested"])
    answer, nearest = rows.iloc[[0]], rows.iloc[[3, 0]]
    assert standing(rows, answer, nearest).tolist() == list(STANDING)  # answer wins over meets and nearest
    assert standing(rows, answer.iloc[:0], nearest.iloc[:0]).tolist() == [STANDING[1], STANDING[1], STANDING[2],
                                                                          STANDING[4], STANDING[4]]




class TestPreparedTables:
    """tables.show draws a table prepared once per content: equal frames share one prepared table,
    any changed cell (or option) prepares another, and a frame pandas cannot hash is still drawn."""

    @staticmethod
    def frame():
        return pd.DataFrame({"device": ["TX2-maxn", "ZCU104-FINN"], "fps": [1234.5678, 98765.4321],
                             "note": ["a", None]})

    def test_equal_content_shares_one_prepared_table(self):
        first = tables._prepared(tables.TableRequest(self.frame(), ("device", "fps"), True, (("fps", 4),), ()))
        again = tables._prepared(tables.TableRequest(self.frame().copy(), ("device", "fps"), True, (("fps", 4),), ()))
        assert again is first
        assert first.shown["fps"].tolist() == [1235.0, 98765.0]  # throughput to 4 digits, whole from 100
        assert first.arrow.column_names == ["device", "fps"] and first.arrow.num_rows == 2

    def test_a_changed_cell_or_option_is_another_table(self):
        base = tables.TableRequest(self.frame(), ("device", "fps"), True, (("fps", 4),), ())
        changed = self.frame()
        changed.loc[1, "fps"] = 5.0
        assert tables.TableRequest(changed, base.columns, True, base.digits, ()).digest != base.digest
        assert tables.TableRequest(self.frame(), base.columns, False, base.digits, ()).digest != base.digest
        assert tables.TableRequest(self.frame(), ("device", "note"), True, base.digits, ()).digest != base.digest

    def test_a_frame_pandas_cannot_hash_is_still_drawn(self, monkeypatch):
        drawn = []
        monkeypatch.setattr(tables.st, "dataframe", lambda data, **kwargs: drawn.append(data))
        odd = pd.DataFrame({"device": ["A"], "layers": [["conv", "fc"]]})
        tables.show(odd, ["device", "layers"])
        assert len(drawn) == 1 and drawn[0].num_rows == 1


def test_choices_keep_the_rows_order_name_each_choice_once_and_find_its_first_row():
    from ui.widgets import choices

    rows = pd.DataFrame({"device": ["TX2", "ZCU", "TX2", "TX2", "ZCU"],
                         "precision": ["FP16", "INT8", "FP32", "FP16", "INT8"],
                         "variant": ["CNV", "MLP", "CNV", "MLP", "MLP"]})
    chosen = choices(rows, ("device", "precision", "variant"))
    offered = chosen.offered
    assert offered == {"TX2": {"FP16": ("CNV", "MLP"), "FP32": ("CNV",)}, "ZCU": {"INT8": ("MLP",)}}
    assert list(offered) == ["TX2", "ZCU"] and list(offered["TX2"]) == ["FP16", "FP32"]
    assert chosen.positions == {("TX2", "FP16", "CNV"): 0, ("ZCU", "INT8", "MLP"): 1, ("TX2", "FP32", "CNV"): 2,
                                ("TX2", "FP16", "MLP"): 3}  # the second ZCU INT8 MLP row is not its first
    assert choices(rows.iloc[:0], ("device", "precision", "variant")) == ({}, {})
