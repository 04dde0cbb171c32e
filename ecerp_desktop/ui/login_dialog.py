"""Log-in and the first start's administrator: the two dialogs before the main window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.auth import MIN_PASSWORD_LENGTH, Actor, Role
from ecerp_desktop.services import auth
from ecerp_desktop.store import Store
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.labels import role_title
from ecerp_desktop.ui.ops import run_op


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # may quote user input: never markup
    label.hide()
    return label


class LoginDialog(QDialog):
    """User name and password; a wrong password shows why and keeps the dialog open."""

    def __init__(self, store: Store, *, demo_users: list[tuple[str, str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("Log in to ecerp"))
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log in"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if demo_users:
            hint = QLabel(self.tr("Demo users (user name / password / role):") + "\n" + "\n".join(
                f"{name} / {pw} / {role_title(role)}" for name, pw, role in demo_users))
            hint.setObjectName("demoHint")
            hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(hint)
            self.username.setText(demo_users[0][0])
            self.password.setFocus()
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        name, password = self.username.text().strip(), self.password.text()
        if not name or not password:
            self._show_error(self.tr("Please enter your user name and password."))
            return
        self.buttons.setEnabled(False)
        run_op(lambda: auth.login(self.store, name, password), owner=self,
               on_success=self._logged_in, on_failure=self._failed)

    def _logged_in(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self._show_error(describe(error))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class FirstAdminDialog(QDialog):
    """First start: no user exists yet, so the administrator is created here."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("Welcome to ecerp"))
        intro = QLabel(self.tr("No user exists yet. Create the administrator, who can then add "
                               "the other users in Settings."))
        intro.setWordWrap(True)
        self.username = QLineEdit("admin")
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeat")
        for field in (self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Create administrator"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Repeat password"), self.repeat)
        hint = QLabel(self.tr("At least {minimum} characters.").format(
            minimum=MIN_PASSWORD_LENGTH))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.password.setFocus()

    def submit(self) -> None:
        name, password = self.username.text().strip(), self.password.text()
        if not name:
            self._show_error(self.tr("Please enter a user name."))
            return
        if password != self.repeat.text():
            self._show_error(self.tr("The two passwords differ."))
            return
        if len(password) < MIN_PASSWORD_LENGTH:
            self._show_error(self.tr("The password must have at least {minimum} characters.")
                             .format(minimum=MIN_PASSWORD_LENGTH))
            return
        self.buttons.setEnabled(False)

        def create_and_login() -> Actor:
            auth.create_user(self.store, None, name, password, Role.ADMIN)
            return auth.login(self.store, name, password)

        run_op(create_and_login, owner=self, on_success=self._created, on_failure=self._failed)

    def _created(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self._show_error(describe(error))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
