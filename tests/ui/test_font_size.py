"""查看 → 字体大小 scales the whole window; at every size the window, the detail form, the urgent
columns and a dialog are still laid out on a 1366×768 screen. Qt reads its scale factor before
the application exists, so each size is tried in a fresh process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.ui.helpers import run_python
from ui import font_size
from ui.screenshot import offscreen_platform

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory):
    from tracker.demo import build_demo

    path = tmp_path_factory.mktemp("fonts") / "台账.db"
    build_demo(path, problems=40, seed=5, actor="周晓梅").close()
    return path


def probe(tmp_path, ledger_file, size_key: str) -> dict:
    settings = tmp_path / "settings.ini"
    QSettings(str(settings), QSettings.Format.IniFormat).setValue(font_size.KEY, size_key)
    env = {k: v for k, v in os.environ.items() if k != font_size.ENV}
    env["QT_QPA_PLATFORM"] = offscreen_platform("offscreen", "1366x768")
    env["ZHENGGAI_DATA_DIR"] = str(tmp_path / "data")
    scale = font_size.SIZES[size_key][1]
    env[font_size.ENV] = f"{scale:g}"  # what apply_before_start sets from the setting
    result = run_python(["-m", "tests.ui.layout_probe", ledger_file, settings], env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("size_key", list(font_size.SIZES))
def test_every_font_size_keeps_the_window_laid_out(tmp_path, ledger_file, size_key):
    facts = probe(tmp_path, ledger_file, size_key)
    scale = font_size.SIZES[size_key][1]
    assert abs(facts["screen"][0] - 1366 / scale) <= 1  # everything drawn `scale` times larger
    assert facts["window_fits"], facts
    assert facts["save_button_inside"], facts
    assert all(facts["columns"].values()), facts
    assert facts["dialog_fits"] and facts["dialog_save_inside"], facts


def test_the_setting_sets_qts_scale_factor_unless_the_user_did(monkeypatch, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    monkeypatch.delenv(font_size.ENV, raising=False)
    monkeypatch.setattr(font_size, "_set_here", False)
    settings.setValue(font_size.KEY, "large")
    monkeypatch.setenv(font_size.ENV, "")  # restored when the test ends: the setting writes it
    monkeypatch.delenv(font_size.ENV)
    assert font_size.apply_before_start(settings) == 1.15
    assert os.environ[font_size.ENV] == "1.15"
    assert font_size.ENV not in font_size.restart_environment()  # the new setting is read anew
    monkeypatch.setattr(font_size, "_set_here", False)
    monkeypatch.setenv(font_size.ENV, "2")
    assert font_size.apply_before_start(settings) == 2.0  # the user's own wins


def test_choosing_a_size_is_kept_and_offers_a_restart(qtbot, tmp_path, monkeypatch):
    from tests.ui.helpers import answer_box
    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, actor="周晓梅")
    qtbot.addWidget(win)
    labels = [a.text() for a in win.view_actions["sizes"].actions()]
    assert labels == ["小", "标准", "大", "特大"]
    seen: list[str] = []
    answer_box(qtbot, button="稍后", seen=seen)
    win.view_actions["sizes"].actions()[3].trigger()
    assert settings.value(font_size.KEY) == "xlarge"
    assert "重新启动程序后生效" in seen[0]
