"""The J-versus-k chart: suggests the fewest colours under a threshold; a click chooses k."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from colorseg_gui.gui.k_chart import KChartPanel


@dataclass(frozen=True)
class Row:
    k: int
    inertia: float
    mse: float
    mean_delta_e: float


def _panel(qtbot) -> KChartPanel:
    panel = KChartPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 240)
    panel.show()
    qtbot.waitExposed(panel)
    for k in range(2, 17):
        panel.add_row(Row(k, 1e6 / k, 900 / k, 24.0 / k), last_k=16)
    return panel


def test_the_suggestion_is_the_smallest_k_under_the_threshold_and_follows_it(qtbot):
    panel = _panel(qtbot)
    assert panel.chart.suggested == 9  # 24/9 = 2.67 is the first under 3
    assert "k = 9" in panel.summary.text()
    panel.threshold.setValue(2.0)
    assert panel.chart.suggested == 13 and "k = 13" in panel.summary.text()
    panel.threshold.setValue(0.5)
    assert panel.chart.suggested is None
    assert "No k from 2 to 16 is under ΔE 0.5" in panel.summary.text()


def test_clicking_a_point_chooses_its_k(qtbot):
    panel = _panel(qtbot)
    chart = panel.chart
    point = chart._at(5, 24.0 / 5).toPoint()
    with qtbot.waitSignal(panel.k_chosen) as chosen:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=point)
    assert chosen.args == [5]
    far = chart._at(10.5, 0.0).toPoint()  # between two columns, on the axis: no point
    with qtbot.assertNotEmitted(panel.k_chosen):
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=far)


def test_it_says_what_it_is_working_on_until_the_last_k(qtbot):
    panel = KChartPanel()
    qtbot.addWidget(panel)
    panel.add_row(Row(2, 1.0, 1.0, 9.0), last_k=4)
    assert "k = 3 of 4" in panel.summary.text()
    panel.add_row(Row(3, 1.0, 1.0, 8.0), last_k=4)
    panel.add_row(Row(4, 1.0, 1.0, 2.0), last_k=4)
    assert "Working" not in panel.summary.text() and "k = 4" in panel.summary.text()
