"""The side list of views with live counts: standard views, one per review batch, the user's own."""

from __future__ import annotations

import json
from dataclasses import asdict

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QInputDialog,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.models import Batch
from tracker.queries import VIEW_LABELS, Filter, len_query, view_counts

from ..background import BackgroundReads
from ..session import Session

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
LABEL_ROLE = Qt.ItemDataRole.UserRole + 2  # the name without its count
SAVED_KEY = "views/saved"


def filter_to_json(flt: Filter) -> dict:
    data = asdict(flt)
    for key in ("deadline_from", "deadline_to"):
        if data[key] is not None:
            data[key] = data[key].isoformat()
    data["statuses"] = list(data["statuses"])
    return data


def filter_from_json(data: dict) -> Filter:
    import datetime as dt

    data = dict(data)
    for key in ("deadline_from", "deadline_to"):
        if data.get(key):
            data[key] = dt.date.fromisoformat(data[key])
    data["statuses"] = tuple(data.get("statuses") or ())
    known = Filter.__dataclass_fields__
    return Filter(**{k: v for k, v in data.items() if k in known})


class ViewsPanel(QWidget):
    """Emits `view_selected(Filter)` with the view (and batch) part of the filter, or a saved filter."""

    view_selected = Signal(object)  # Filter
    save_requested = Signal()

    def __init__(
        self, session: Session, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(12)
        self.tree.setObjectName("viewsTree")
        self.tree.setToolTip("按状态、整改批次或自己保存的筛选查看问题")
        self.tree.itemClicked.connect(self._clicked)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        layout.addWidget(self.tree)
        self.save_button = QPushButton("保存当前筛选为视图…")
        self.save_button.setToolTip("把当前的视图、筛选条件和搜索词保存为一个命名视图")
        self.save_button.clicked.connect(self.save_requested)
        layout.addWidget(self.save_button)
        self._current_key = "view:all"
        self._counts: dict[str, int] = {}
        self._reads = BackgroundReads(self)
        session.changed.connect(lambda _c: self.reload())
        session.opened.connect(lambda _l: self.reload())

    # -- content ---------------------------------------------------------------------------------
    def saved_views(self) -> list[dict]:
        try:
            return json.loads(self.settings.value(SAVED_KEY, "[]") or "[]")
        except (TypeError, ValueError):
            return []

    def save_view(self, name: str, flt: Filter) -> None:
        views = [v for v in self.saved_views() if v["name"] != name]
        views.append({"name": name, "filter": filter_to_json(flt)})
        self.settings.setValue(SAVED_KEY, json.dumps(views, ensure_ascii=False))
        self._current_key = f"saved:{name}"
        self.reload()

    def reload(self) -> None:
        """Rebuild the list at once (with the last counts known); fresh counts follow from a pool
        thread, so a 100000-problem ledger never holds the window for its counting."""
        ledger = self.session.ledger
        self.tree.clear()
        if ledger is None:
            self._counts = {}
            return
        bold = QFont()
        bold.setBold(True)

        def section(title: str) -> QTreeWidgetItem:
            item = QTreeWidgetItem([title])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setFont(0, bold)
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
            return item

        views = section("视图")
        for key, label in VIEW_LABELS.items():
            self._add(views, f"view:{key}", label)
        batches = section("整改批次")
        for bid, name in (
            ledger.select(Batch, Batch.id, Batch.name)
            .order_by(Batch.held_on.desc(), Batch.id)
            .tuples()
        ):
            self._add(batches, f"batch:{bid}", name, tooltip=name)
        saved = {
            f"saved:{view['name']}": filter_from_json(view["filter"]) for view in self.saved_views()
        }
        if saved:
            mine = section("我的视图")
            for key in saved:
                self._add(mine, key, key.split(":", 1)[1])
        self.tree.expandAll()
        self._show_counts(self._counts)

        def count() -> dict[str, int]:
            counts = {
                key if key.startswith("batch:") else f"view:{key}": n
                for key, n in view_counts(ledger).items()
            }
            return counts | {key: len_query(ledger, flt) for key, flt in saved.items()}

        self._reads.read("counts", ledger, count, self._show_counts)

    def _show_counts(self, counts: dict[str, int]) -> None:
        self._counts = counts
        for item in self._items():
            key = item.data(0, KEY_ROLE)
            label = item.data(0, LABEL_ROLE)
            item.setText(0, f"{label}（{counts[key]}）" if key in counts else label)

    def _items(self):
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                yield top.child(j)

    def _add(self, parent: QTreeWidgetItem, key: str, label: str, tooltip: str = "") -> None:
        item = QTreeWidgetItem([label])
        item.setData(0, KEY_ROLE, key)
        item.setData(0, LABEL_ROLE, label)
        if tooltip:
            item.setToolTip(0, tooltip)
        parent.addChild(item)
        if key == self._current_key:
            self.tree.setCurrentItem(item)

    # -- choosing --------------------------------------------------------------------------------
    @property
    def current_key(self) -> str:
        return self._current_key

    def select_key(self, key: str) -> bool:
        """Select a view by key ('view:overdue', 'batch:3', 'saved:名称'); True if it exists."""
        for item in self._items():
            if item.data(0, KEY_ROLE) == key:
                self.tree.setCurrentItem(item)
                self._clicked(item)
                return True
        return False

    def _clicked(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, KEY_ROLE)
        if not key:
            return
        self._current_key = key
        self.view_selected.emit(self.filter_for(key))

    def filter_for(self, key: str) -> Filter:
        kind, _, value = key.partition(":")
        if kind == "view":
            return Filter(view=value)
        if kind == "batch":
            return Filter(batch=int(value))
        for view in self.saved_views():
            if view["name"] == value:
                return filter_from_json(view["filter"])
        return Filter()

    def _menu(self, pos) -> None:
        item = self.tree.itemAt(pos)
        key = item.data(0, KEY_ROLE) if item else None
        if not key or not key.startswith("saved:"):
            return
        menu = QMenu(self)
        rename = menu.addAction("重命名…")
        delete = menu.addAction("删除此视图")
        chosen = menu.exec(self.tree.viewport().mapToGlobal(pos))
        name = key.split(":", 1)[1]
        views = self.saved_views()
        if chosen is delete:
            views = [v for v in views if v["name"] != name]
        elif chosen is rename:
            new, ok = QInputDialog.getText(self, "重命名视图", "新名称：", text=name)
            if not ok or not new.strip():
                return
            for v in views:
                if v["name"] == name:
                    v["name"] = new.strip()
        else:
            return
        self.settings.setValue(SAVED_KEY, json.dumps(views, ensure_ascii=False))
        self.reload()
