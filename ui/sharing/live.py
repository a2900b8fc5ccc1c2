"""Other members' changes, as they are committed: the database's notification wakes a socket
notifier on the GUI thread, and the entries it announces are handed to every screen as the
`Changes` an action of this window would have produced (so each keeps its selection and the
detail form its unsaved edits, as after one's own save)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

from tracker.ledger import Ledger
from tracker.sharing.listen import Listener

from ..session import Session

log = logging.getLogger(__name__)
RETRY_MS = 5000  # a lost connection is tried again this often


class LiveUpdates(QObject):
    """Listens while a shared ledger is open in `session`."""

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.listener: Listener | None = None
        self.notifier: QSocketNotifier | None = None
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.timeout.connect(self._start)
        session.opened.connect(self._opened)
        session.closed.connect(self.stop)

    def _opened(self, ledger: Ledger) -> None:
        self.stop()
        if not ledger.is_sqlite:
            self._start()

    def _start(self) -> None:
        ledger = self.session.ledger
        if ledger is None or ledger.is_sqlite:
            return
        try:
            self.listener = Listener(ledger.location)
        except Exception:  # the server is away: try again later, the window keeps working
            log.warning("could not listen for changes of the shared ledger", exc_info=True)
            self.retry.start(RETRY_MS)
            return
        self.notifier = QSocketNotifier(self.listener.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._readable)

    def _readable(self, *_args) -> None:
        if self.listener is None:
            return
        try:
            changes = self.listener.poll()
        except Exception:
            log.warning("lost the connection that listens for changes", exc_info=True)
            self.stop()
            self.retry.start(RETRY_MS)
            return
        if changes is not None and changes.anything and self.session.ledger is not None:
            self.session.changed.emit(changes)

    def stop(self) -> None:
        self.retry.stop()
        if self.notifier is not None:
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
            self.notifier = None
        if self.listener is not None:
            try:
                self.listener.close()
            except Exception:
                pass
            self.listener = None
