"""Settings: language, this PC's database, users (admins), and one's own password.

Everyone sees the language and password sections; the database section needs SETTINGS and
the users section USERS_MANAGE (the services check the same permissions again).
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.auth import MIN_PASSWORD_LENGTH, Permission, Role
from ecerp_desktop.services import auth
from ecerp_desktop.services.setup import DatabaseCheck, check_database
from ecerp_desktop.ui import i18n
from ecerp_desktop.ui.appconfig import load as load_config
from ecerp_desktop.ui.appconfig import store_database_url
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.labels import LANGUAGE_NAMES, role_title
from ecerp_desktop.ui.ops import run_op

if TYPE_CHECKING:
    from ecerp_desktop.services.auth import UserRecord

log = logging.getLogger(__name__)


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # may quote user input: never markup
    return label


class SettingsPage(QTabWidget):
    """The settings of this PC and of the users, one section per concern.

    Tab "General": language, own password, database, users. Tab "Devices" (for packers and
    whoever may change settings): this station's printer, scale and scanner, built on first
    visit because it talks to hardware.
    """

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("settingsPage")
        general = QScrollArea()
        general.setWidgetResizable(True)
        general.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        general.setWidget(body)
        layout = QVBoxLayout(body)
        layout.addWidget(self._language_box())
        layout.addWidget(self._password_box())
        self.database_box: QGroupBox | None = None
        self.users_box: QGroupBox | None = None
        if ctx.actor.can(Permission.SETTINGS):
            self.database_box = self._database_box()
            layout.addWidget(self.database_box)
        if ctx.actor.can(Permission.USERS_MANAGE):
            self.users_box = self._users_box()
            layout.addWidget(self.users_box)
            self.refresh_users()
        layout.addStretch(1)
        self.addTab(general, self.tr("General"))
        self.devices_page: QWidget | None = None
        self.tab_errors: dict[str, str] = {}
        self._devices_index = -1
        if ctx.actor.can(Permission.PACK) or ctx.actor.can(Permission.SETTINGS):
            self._devices_index = self.addTab(QWidget(), self.tr("Devices"))
            self.currentChanged.connect(self._on_tab)

    def _on_tab(self, index: int) -> None:
        if index != self._devices_index or self.devices_page is not None:
            return
        try:
            from ecerp_desktop.ui.devices_page import DevicesPage  # hardware code: on demand

            page: QWidget = DevicesPage(self.ctx)
        except Exception as exc:  # a broken devices page must not break the settings
            log.error("devices page failed:\n%s", traceback.format_exc())
            self.tab_errors["devices"] = f"{type(exc).__name__}: {exc}"
            page = _note(self.tr("The devices page could not be opened: {error}").format(
                error=self.tab_errors["devices"]))
        self.devices_page = page
        placeholder = self.widget(index)
        self.blockSignals(True)  # replacing the tab must not re-enter this slot
        self.removeTab(index)
        self.insertTab(index, self.devices_page, self.tr("Devices"))
        self.setCurrentIndex(index)
        self.blockSignals(False)
        placeholder.deleteLater()

    # -- language -----------------------------------------------------------------------
    def _language_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Language"))
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code in i18n.LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current_language())))
        apply = QPushButton(self.tr("Apply"))
        apply.setObjectName("applyLanguage")
        apply.clicked.connect(self.apply_language)
        row = QHBoxLayout()
        row.addWidget(self.language, 1)
        row.addWidget(apply)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(_note(self.tr(
            "The new language applies at once; open pages are reopened in it. "
            "It is remembered on this PC.")))
        return box

    def apply_language(self) -> None:
        code = self.language.currentData()
        if code and code != i18n.current_language():
            self.ctx.set_language(str(code))

    # -- own password -------------------------------------------------------------------
    def _password_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("My password"))
        self.old_password = QLineEdit()
        self.new_password = QLineEdit()
        self.new_password_repeat = QLineEdit()
        for field in (self.old_password, self.new_password, self.new_password_repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        change = QPushButton(self.tr("Change password"))
        change.setObjectName("changePassword")
        change.clicked.connect(self.change_password)
        self.password_result = _note()
        form = QFormLayout(box)
        form.addRow(self.tr("Current password"), self.old_password)
        form.addRow(self.tr("New password"), self.new_password)
        form.addRow(self.tr("Repeat new password"), self.new_password_repeat)
        form.addRow("", change)
        form.addRow("", self.password_result)
        return box

    def change_password(self) -> None:
        old, new = self.old_password.text(), self.new_password.text()
        if new != self.new_password_repeat.text():
            self.password_result.setText(self.tr("The two new passwords differ."))
            return
        if len(new) < MIN_PASSWORD_LENGTH:
            self.password_result.setText(
                self.tr("The password must have at least {minimum} characters.")
                .format(minimum=MIN_PASSWORD_LENGTH))
            return
        store, actor = self.ctx.store, self.ctx.actor

        def work() -> None:
            auth.login(store, actor.username, old)  # proves it is really this user
            auth.change_password(store, actor, actor.username, new)

        def done(_: object) -> None:
            for field in (self.old_password, self.new_password, self.new_password_repeat):
                field.clear()
            self.password_result.setText(self.tr("Your password was changed."))

        run_op(work, owner=self, on_success=done,
               on_failure=lambda e: self.password_result.setText(describe(e)))

    # -- database -----------------------------------------------------------------------
    def _database_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Database"))
        current = _note(self.tr("In use: {db}").format(db=self.ctx.store.describe()))
        current.setObjectName("databaseInUse")
        self.database_url = QLineEdit(load_config().database_url or "")
        self.database_url.setObjectName("databaseUrl")
        self.database_url.setPlaceholderText(
            self.tr("empty: the local SQLite file; or postgresql://user@host/ecerp"))
        test = QPushButton(self.tr("Test connection"))
        test.setObjectName("testDatabase")
        test.clicked.connect(self.test_database)
        save = QPushButton(self.tr("Save"))
        save.setObjectName("saveDatabase")
        save.clicked.connect(self.save_database)
        self.database_result = _note()
        self.database_result.setObjectName("databaseResult")
        buttons = QHBoxLayout()
        buttons.addWidget(test)
        buttons.addWidget(save)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(current)
        layout.addWidget(self.database_url)
        layout.addLayout(buttons)
        layout.addWidget(self.database_result)
        notes = [self.tr("Several stations share one PostgreSQL database; a single PC can keep "
                         "the local SQLite file. A new database takes effect when ecerp is "
                         "restarted. A password is kept in the system's credential store, "
                         "not in the settings file.")]
        if self.ctx.demo:
            notes.append(self.tr("Demo mode always uses its own demo database."))
        layout.addWidget(_note("\n".join(notes)))
        return box

    def test_database(self) -> None:
        url = self.database_url.text().strip()
        if not url:
            self.database_result.setText(self.tr("The local SQLite file needs no test."))
            return
        self.database_result.setText(self.tr("Testing…"))
        run_op(lambda: check_database(url), owner=self, on_success=self._tested,
               on_failure=lambda e: self.database_result.setText(describe(e)))

    def _tested(self, check: DatabaseCheck) -> None:
        if check.revision is None:
            text = self.tr("Connected to {db}. It is empty: ecerp creates its tables on the "
                           "next start.")
        elif check.needs_upgrade:
            text = self.tr("Connected to {db}. Its schema is upgraded on the next start.")
        else:
            text = self.tr("Connected to {db}. Its schema is up to date.")
        self.database_result.setText(text.format(db=check.description))

    def save_database(self) -> None:
        url = self.database_url.text().strip()
        try:
            store_database_url(url or None)
        except Exception as exc:  # keyring or disk trouble: say so, keep the old setting
            self.database_result.setText(describe(exc))
            return
        self.database_url.setText(load_config().database_url or "")
        self.database_result.setText(self.tr("Saved. Restart ecerp to use this database."))

    # -- users --------------------------------------------------------------------------
    def _users_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Users"))
        self.users_table = QTableWidget(0, 4)
        self.users_table.setObjectName("usersTable")
        self.users_table.setHorizontalHeaderLabels(
            [self.tr("User name"), self.tr("Name"), self.tr("Role"), self.tr("Active")])
        self.users_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.users_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.users_table.setMinimumHeight(160)
        self.new_username = QLineEdit()
        self.new_username.setObjectName("newUsername")
        self.new_display_name = QLineEdit()
        self.new_role = QComboBox()
        self.new_role.setObjectName("newRole")
        for role in Role:
            self.new_role.addItem(role_title(role), role.value)
        self.new_user_password = QLineEdit()
        self.new_user_password.setObjectName("newUserPassword")
        self.new_user_repeat = QLineEdit()
        self.new_user_repeat.setObjectName("newUserRepeat")
        for field in (self.new_user_password, self.new_user_repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        add = QPushButton(self.tr("Add user"))
        add.setObjectName("addUser")
        add.clicked.connect(self.add_user)
        self.users_result = _note()
        self.users_result.setObjectName("usersResult")
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.new_username)
        form.addRow(self.tr("Name"), self.new_display_name)
        form.addRow(self.tr("Role"), self.new_role)
        form.addRow(self.tr("Password"), self.new_user_password)
        form.addRow(self.tr("Repeat password"), self.new_user_repeat)
        form.addRow("", add)
        layout = QVBoxLayout(box)
        layout.addWidget(self.users_table)
        layout.addLayout(form)
        layout.addWidget(self.users_result)
        return box

    def refresh_users(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        run_op(lambda: auth.list_users(store, actor), owner=self, on_success=self._show_users,
               on_failure=lambda e: self.users_result.setText(describe(e)))

    def _show_users(self, users: list[UserRecord]) -> None:
        self.users_table.setRowCount(len(users))
        yes, no = self.tr("yes"), self.tr("no")
        for row, user in enumerate(users):
            # Names are typed by people: items show them as plain text, never as markup.
            values = (user.username, user.display_name, role_title(user.role),
                      yes if user.active else no)
            for col, value in enumerate(values):
                self.users_table.setItem(row, col, QTableWidgetItem(value))

    def add_user(self) -> None:
        name = self.new_username.text().strip()
        password = self.new_user_password.text()
        if not name:
            self.users_result.setText(self.tr("Please enter a user name."))
            return
        if password != self.new_user_repeat.text():
            self.users_result.setText(self.tr("The two passwords differ."))
            return
        store, actor = self.ctx.store, self.ctx.actor
        role = str(self.new_role.currentData())
        display = self.new_display_name.text().strip()

        def done(user: UserRecord) -> None:
            for field in (self.new_username, self.new_display_name, self.new_user_password,
                          self.new_user_repeat):
                field.clear()
            self.users_result.setText(self.tr("User {name} added.").format(name=user.username))
            self.refresh_users()

        run_op(lambda: auth.create_user(store, actor, name, password, role, display),
               owner=self, on_success=done, changes={"users"},
               on_failure=lambda e: self.users_result.setText(describe(e)))
