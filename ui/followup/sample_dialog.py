"""抽查: draw closed problems at random and write the on-site check workbook; record the results.

The program chooses the seed; the draw (seed, population, result) is journaled before the file is
written, so a second draw made to get a nicer sample stays in the history. A recorded draw can be
redone from its seed (journaled too) and must give the same problems. Each drawn problem takes
the on-site result (属实 / 不属实 with a note) in `SampleResultDialog`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.dates import format_date
from tracker.errors import LedgerError
from tracker.followup import sampling
from tracker.followup.sample_book import draw_line, write_sample_book
from tracker.models import Batch
from tracker.workflow import SAMPLE_RESULTS

from ..dialogs.reason_dialog import field_error
from ..session import Session, show_error
from ..widgets import close_row

PROGRAM = "zhenggai-cli"


class SampleDialog(QDialog):
    """How many, from which batch, (a recorded seed to redo), and where the workbook goes."""

    def __init__(self, session: Session, parent: QWidget | None = None, choose_path=None) -> None:
        super().__init__(parent)
        self.session = session
        self.choose_path = choose_path  # tests give a function instead of the file dialog
        self.view: sampling.DrawView | None = None
        self.path: Path | None = None
        ledger = session.ledger
        self.setWindowTitle("抽查已销号问题")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "从已销号问题中随机抽取若干个，生成现场核查表（含每个问题的整改措施、销号说明、"
            "审核人和每份佐证材料的 SHA-256）。随机种子由程序选定，抽取结果先记入历史记录，"
            "任何人都可以用同一种子重做并核对。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.batch = QComboBox()
        self.batch.addItem("全部已销号问题", None)
        for bid, name in ledger.select(Batch, Batch.id, Batch.name).order_by(Batch.id).tuples():
            self.batch.addItem(name, bid)
        self.batch.currentIndexChanged.connect(lambda _i: self._update_size())
        form.addRow("抽取范围：", self.batch)
        self.wanted = QSpinBox()
        self.wanted.setRange(1, 10000)
        self.wanted.setValue(5)
        self.size_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.wanted)
        row.addWidget(self.size_label, 1)
        form.addRow("抽取个数：", row)
        self.seed = QLineEdit()
        self.seed.setPlaceholderText("留空：由程序选定新的种子")
        self.seed.setToolTip("重做一次已记录的抽查时，填写它的随机种子；结果应与记录相同")
        form.addRow("重做的种子：", self.seed)
        layout.addLayout(form)
        self.outcome = QPlainTextEdit()
        self.outcome.setReadOnly(True)
        self.outcome.setMaximumHeight(110)
        self.outcome.setPlaceholderText("抽取后这里显示种子和抽中的问题")
        layout.addWidget(self.outcome)
        self.draw_button = QPushButton("抽取并生成核查表…")
        self.draw_button.clicked.connect(self.draw)
        layout.addLayout(close_row(self.reject, right=(self.draw_button,)))
        self._update_size()

    def _update_size(self) -> None:
        n = len(sampling.population(self.session.ledger, self.batch.currentData()))
        self.size_label.setText(f"（范围内共 {n} 个已销号问题）")
        self.draw_button.setEnabled(n > 0 and not self.session.read_only)

    def _target(self) -> Path | None:
        if self.choose_path is not None:
            return self.choose_path()
        from ..excel_actions import _save_path

        name = f"{self.session.ledger.unit_name}已销号问题抽查核查表.xlsx"
        return _save_path(self, "保存抽查核查表", name, "followup")

    def draw(self) -> None:
        text = self.seed.text().strip()
        if text and not text.isdigit():
            field_error(self, self.seed, "随机种子", "应为数字（见抽查记录或核查表的“抽取方式”）。")
            return
        target = self._target()
        if target is None:
            return
        batch = self.batch.currentData()
        wanted = self.wanted.value()
        if text:
            changes = self.session.perform(
                self, sampling.redo_sample, int(text), wanted=wanted, batch=batch
            )
        else:
            changes = self.session.perform(self, sampling.draw_sample, wanted, batch=batch)
        if changes is None:
            return
        ledger = self.session.ledger
        self.view = sampling.draw_view(ledger, changes.created_id)
        lines = [
            f"已记入历史（抽查编号 {self.view.id}）。随机种子：{self.view.seed}",
            f"抽中 {len(self.view.codes)} 个：{'、'.join(self.view.codes)}",
            draw_line(self.view, PROGRAM),
        ]
        if self.view.redo_of:
            lines.insert(1, f"用该种子重做的结果与抽查 {self.view.redo_of} 的记录一致。")
        try:
            self.path = write_sample_book(ledger, target, self.view.id, program=PROGRAM)
        except LedgerError as error:
            show_error(self, error)
            lines.append("核查表没有写成，可以再用同一种子重做生成。")
        else:
            lines.append(f"核查表：{self.path}")
        self.outcome.setPlainText("\n".join(lines))


class SampleResultDialog(QDialog):
    """Pick a recorded draw and a drawn problem; record 属实 / 不属实 with a note."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: list[dict] = []
        self.setWindowTitle("记录抽查核查结果")
        self.setMinimumSize(700, 420)
        layout = QVBoxLayout(self)
        self.draws = QComboBox()
        for view in sampling.draws(session.ledger):
            if not view.redo_of:  # a redo's results are its original's
                self.draws.addItem(
                    f"抽查 {view.id}（{format_date(date.fromisoformat(view.at[:10]))}，种子 {view.seed}，{len(view.codes)} 个）",
                    view.id,
                )
        self.draws.currentIndexChanged.connect(lambda _i: self.load())
        layout.addWidget(self.draws)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["问题编号", "问题描述", "核查结果", "核查说明", "核查人"])
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(1, 260)
        layout.addWidget(self.tree, 1)
        form = QFormLayout()
        self.verdict = QComboBox()
        self.verdict.addItems(list(SAMPLE_RESULTS))
        form.addRow("核查结果：", self.verdict)
        self.note = QLineEdit()
        self.note.setPlaceholderText("不属实时必填：哪里与台账不符")
        form.addRow("核查说明：", self.note)
        self.checker = QLineEdit(session.ledger.actor)
        form.addRow("核查人：", self.checker)
        layout.addLayout(form)
        self.record_button = QPushButton("记录所选问题的结果")
        self.record_button.clicked.connect(self.record)
        layout.addLayout(close_row(self.accept, right=(self.record_button,)))
        self.load()

    def load(self) -> None:
        self.tree.clear()
        draw_id = self.draws.currentData()
        self.rows = sampling.items(self.session.ledger, draw_id) if draw_id else []
        for row in self.rows:
            item = QTreeWidgetItem(
                [row["code"], row["description"], row["result"], row["note"], row["checked_by"]]
            )
            item.setToolTip(1, row["description"])
            self.tree.addTopLevelItem(item)
        if self.rows:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self.record_button.setEnabled(bool(self.rows) and not self.session.read_only)

    def record(self) -> None:
        index = self.tree.indexOfTopLevelItem(self.tree.currentItem())
        if not 0 <= index < len(self.rows):
            return
        result, note = self.verdict.currentText(), self.note.text().strip()
        if result == "不属实" and not note:
            field_error(self, self.note, "核查说明", "不属实时必填：请写明哪里与台账不符。")
            return
        changes = self.session.perform(
            self,
            sampling.record_result,
            self.rows[index]["id"],
            result,
            note,
            checker=self.checker.text().strip(),
        )
        if changes is not None:
            self.note.clear()
            self.load()
            self.tree.setCurrentItem(self.tree.topLevelItem(min(index + 1, len(self.rows) - 1)))
