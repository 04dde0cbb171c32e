"""The rules screen's gift rules tab (赠品规则), the SKU groups editor, the unsaved-draft
question on close, the dry run's progress bar and Cancel, and the keyboard: each checked
through the real services and the real pipeline, in Chinese."""

from __future__ import annotations

import threading

from ecerp_desktop.domain.auth import SYSTEM, Actor, Role, actor_for
from ecerp_desktop.domain.gifts import GiftRule
from ecerp_desktop.domain.rules import Rule, ruleset_from_dict
from ecerp_desktop.services import pipeline
from ecerp_desktop.store import Store
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.ops import run_op
from ecerp_desktop.ui.rules_page import RulesPage
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from .conftest import World

WAIT = 10_000
CLERK = actor_for(None, "clerk1", Role.CLERK)


def _open(qtbot: QtBot, store: Store, actor: Actor = CLERK) -> RulesPage:
    page = RulesPage(PageContext(store=store, actor=actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=WAIT), \
            qtbot.waitSignal(page.gift_rules.loaded, timeout=WAIT):
        page.show()
    return page


def _gift_lines(world: World, oid: int) -> list[tuple[int, int]]:
    return [(ln.sku_id, ln.qty) for ln in world.lines(oid) if ln.is_gift]


def test_gift_rule_in_the_form_saved_versioned_and_applied(qtbot: QtBot,
                                                           rworld: World) -> None:
    store = rworld.store
    page = _open(qtbot, store)
    panel = page.gift_rules
    page.tabs.setCurrentWidget(panel)
    assert panel.rules.rowCount() == 0
    dialog = panel.open_editor(panel.new_item(1))
    qtbot.addWidget(dialog)
    dialog.name.setText("买两件茶送试用装")
    dialog.skus.setText("TEA-1")
    dialog.min_qty.setText("2")
    dialog.start.setText("2020-01-01 00:00")
    dialog.end.setText("2099-01-01 00:00")
    dialog.first_order.setChecked(True)
    dialog.per_buyer.setText("1")
    dialog.total.setText("100")
    dialog.add_gift("GIFT-1", 2)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    panel.apply_edit(dialog.rule, 0)
    assert panel.dirty
    assert panel.rules.item(0, 1).text() == "买两件茶送试用装"
    when, gifts = panel.rules.item(0, 3).text(), panel.rules.item(0, 4).text()
    assert "买了 TEA-1" in when and "买家首单" in when and "每个买家最多 1 次" in when
    assert gifts == "2 × GIFT-1"
    panel.comment.setText("首单赠品")
    with qtbot.waitSignal(panel.saved, timeout=WAIT), \
            qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.save_button.click()
    assert not panel.dirty
    [saved] = pipeline.current_rules(store)[1]
    assert (saved.skus, saved.min_qty, saved.limit_per_buyer, saved.gifts) == (
        ("TEA-1",), 2, 1, (("GIFT-1", 2),))
    assert saved.start is not None and saved.start.hour == 16  # Beijing midnight in UTC
    assert [v.comment for v in pipeline.rule_history(store, gifts=True)] == ["首单赠品"]
    assert panel.versions.item(0, 3).text() == "首单赠品"
    assert pipeline.rule_history(store) == []  # the review rules were not touched

    two = rworld.order([("TEA-1", 2)], buyer="amy", phone="13711112222")
    one = rworld.order([("TEA-1", 1)])
    pipeline.process_pending(store, SYSTEM)
    assert _gift_lines(rworld, two) == [(rworld.sku["GIFT-1"], 2)]
    assert _gift_lines(rworld, one) == []


def test_gift_editor_refuses_what_the_engine_refuses(qtbot: QtBot, rworld: World) -> None:
    import json

    page = _open(qtbot, rworld.store)
    panel = page.gift_rules
    dialog = panel.open_editor(panel.new_item(1))
    qtbot.addWidget(dialog)
    dialog.name.setText("没有赠品")
    dialog.accept()  # no gift listed
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.error.text().startswith("规则")
    dialog.add_gift("GIFT-1", 1)
    dialog.per_buyer.setText("abc")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted and "limit_per_buyer" in \
        dialog.error.text()
    dialog.per_buyer.clear()
    dialog.tabs.setCurrentIndex(1)  # the form as JSON, edited there
    doc = json.loads(dialog.json.toPlainText())
    assert doc["gifts"] == [{"sku": "GIFT-1", "qty": 1}]
    doc["min_amount"] = "99.00"
    doc["exclusive"] = True
    dialog.json.setPlainText(json.dumps(doc))
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    assert str(dialog.rule.min_amount) == "99.00" and dialog.rule.exclusive


def test_show_and_restore_a_gift_rules_version(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    pipeline.save_gift_rules(store, SYSTEM, (GiftRule(1, "A", (("GIFT-1", 1),)),), "one")
    pipeline.save_gift_rules(store, SYSTEM, (), "none")
    page = _open(qtbot, store)
    panel = page.gift_rules
    page.tabs.setCurrentWidget(panel)
    assert panel.rules.rowCount() == 0 and panel.versions.rowCount() == 2
    panel.versions.selectRow(1)  # "one", the older
    panel.show_button.click()
    assert panel.rules.rowCount() == 1 and panel.dirty
    with qtbot.waitSignal(panel.saved, timeout=WAIT) as sig, \
            qtbot.waitSignal(panel.loaded, timeout=WAIT):
        panel.restore_button.click()
    assert sig.args[0] == 3
    assert [r.name for r in pipeline.current_rules(store)[1]] == ["A"]
    assert pipeline.rule_history(store, gifts=True)[0].comment == "恢复版本 1"


def test_sku_groups_edited_used_by_a_rule_and_guarded(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    page = _open(qtbot, store)
    groups = page.open_groups_editor()
    qtbot.addWidget(groups)
    groups.add_group("易碎品", ["CUP-1", "POT-1"])
    groups.accept()
    assert groups.result() == groups.DialogCode.Accepted, groups.error.text()
    page.apply_groups(groups)
    assert dict(page.draft.sku_groups) == {"易碎品": ("CUP-1", "POT-1")}
    assert page.review.groups_button.text() == "SKU 分组 (1)…"
    dialog = page.open_editor(Rule(1, "易碎品人工核对"))
    qtbot.addWidget(dialog)
    cond = dialog.conditions
    cond.kind.setCurrentIndex(cond.kind.findData("sku"))
    cond.fields[1].setText("易碎品")
    cond.add.click()
    act = dialog.actions
    act.kind.setCurrentIndex(act.kind.findData("hold"))
    act.fields[0].setText("rule")
    act.add.click()
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    page.apply_edit(dialog.rule, 0)
    assert "SKU 分组 易碎品" in page.rules.item(0, 3).text()
    # the group is in use: emptying or removing it is refused by the engine
    again = page.open_groups_editor()
    qtbot.addWidget(again)
    again.table.selectRow(0)
    again.table.setCurrentCell(0, 0)
    again.remove_group()
    again.accept()
    assert again.result() != again.DialogCode.Accepted and "易碎品" in again.error.text()
    again.reject()
    with qtbot.waitSignal(page.saved, timeout=WAIT), qtbot.waitSignal(page.loaded,
                                                                      timeout=WAIT):
        page.save_version()
    rules = pipeline.current_rules(store)[0]
    assert dict(rules.sku_groups) == {"易碎品": ("CUP-1", "POT-1")}
    cup = rworld.order([("CUP-1", 1)])
    tea = rworld.order([("TEA-1", 1)])
    pipeline.process_pending(store, SYSTEM)
    assert (rworld.status(cup), rworld.status(tea)) == ("held", "approved")


def test_closing_with_an_unsaved_draft_asks(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    pipeline.save_rules(store, SYSTEM, ruleset_from_dict({"rules": [
        {"id": 1, "name": "r1", "when": [], "then": [{"kind": "approve"}]}]}), "seed")
    page = _open(qtbot, store)
    page.close()  # nothing changed: closes at once
    assert not page.isVisible()
    page = _open(qtbot, store)
    page.rules.selectRow(0)
    page.buttons["toggle"].click()
    assert page.review.dirty
    page.close()
    box = page.unsaved_box
    assert box is not None and page.isVisible() and "审单规则" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert page.isVisible() and page.review.dirty and page.unsaved_box is None
    page.close()
    assert page.unsaved_box is not None
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        page.unsaved_box.button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not page.isVisible(), timeout=WAIT)
    assert not pipeline.current_rules(store)[0].rules[0].enabled  # saved, then closed

    page = _open(qtbot, store)
    page.rules.selectRow(0)
    page.buttons["delete"].click()
    page.close()
    assert page.unsaved_box is not None
    page.unsaved_box.button(QMessageBox.StandardButton.Discard).click()
    assert not page.isVisible()
    assert len(pipeline.current_rules(store)[0].rules) == 1  # discarded


def test_showing_an_old_version_over_a_draft_asks(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    for n in (1, 2):
        pipeline.save_rules(store, SYSTEM, ruleset_from_dict({"rules": [
            {"id": i, "name": f"r{i}", "when": [], "then": []} for i in range(1, n + 1)]}),
            f"v{n}")
    page = _open(qtbot, store)
    page.rules.selectRow(0)
    page.buttons["toggle"].click()
    page.versions.selectRow(1)  # v1
    page.show_button.click()
    assert page.unsaved_box is not None and page.rules.rowCount() == 2  # not yet
    page.unsaved_box.button(QMessageBox.StandardButton.Discard).click()
    assert page.rules.rowCount() == 1  # v1 shown


def test_dry_run_progress_and_cancel(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    for _ in range(3):
        rworld.order([("TEA-1", 1)])
    page = _open(qtbot, store)
    page.dry_chunk = 1
    with qtbot.waitSignal(page.dry_run_done, timeout=WAIT) as sig:
        page.dry_button.click()
        assert page.cancel_button.isEnabled() and not page.dry_button.isEnabled()
    assert not sig.args[0].cancelled and sig.args[0].processed == 3
    assert (page.progress.value(), page.progress.maximum()) == (3, 3)
    assert not page.cancel_button.isEnabled() and page.dry_button.isEnabled()

    # Cancel pressed before the run starts its first step: it stops with nothing done.
    gate = threading.Event()
    run_op(lambda: gate.wait(WAIT / 1000))  # keeps the database lane busy
    with qtbot.waitSignal(page.dry_run_done, timeout=WAIT) as sig:
        page.dry_button.click()
        page.cancel_button.click()
        assert page.counts.text() == "正在取消…"
        gate.set()
    result = sig.args[0]
    assert result.cancelled and result.processed == 0
    assert page.counts.text().startswith("已取消")
    assert all(rworld.status(o) == "new" for o in range(1, 4))


def test_every_action_has_a_shortcut_in_its_tooltip(qtbot: QtBot, rworld: World) -> None:
    page = _open(qtbot, rworld.store)
    for panel in (page.review, page.gift_rules):
        page.tabs.setCurrentWidget(panel)
        buttons = panel.findChildren(QPushButton)
        assert len(buttons) >= 9
        for b in buttons:
            assert "(" in b.toolTip() and ")" in b.toolTip(), b.objectName()
    for b in (page.dry_button, page.cancel_button):
        assert b.toolTip().endswith("(F5)") or b.toolTip().endswith("(Esc)")
    assert page.tabs.tabToolTip(1).endswith("(Ctrl+2)")


def test_keys_drive_the_visible_tab(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    pipeline.save_gift_rules(store, SYSTEM, (GiftRule(1, "A", (("GIFT-1", 1),)),
                                             GiftRule(2, "B", (("GIFT-1", 1),))), "seed")
    page = _open(qtbot, store)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=WAIT)
    qtbot.keyClick(page, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentWidget() is page.gift_rules
    panel = page.gift_rules
    panel.rules.selectRow(1)
    qtbot.keyClick(panel.rules, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert [r.name for r in panel.draft] == ["B", "A"]
    qtbot.keyClick(panel.rules, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert not panel.draft[0].enabled
    qtbot.keyClick(panel.rules, Qt.Key.Key_Delete)
    assert [r.name for r in panel.draft] == ["A"]
    with qtbot.waitSignal(panel.saved, timeout=WAIT), qtbot.waitSignal(panel.loaded,
                                                                       timeout=WAIT):
        qtbot.keyClick(panel.rules, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert [r.name for r in pipeline.current_rules(store)[1]] == ["A"]
    assert pipeline.rule_history(store) == []  # Ctrl+S saved the visible tab only
    with qtbot.waitSignal(page.dry_run_done, timeout=WAIT):
        qtbot.keyClick(page, Qt.Key.Key_F5)


def test_merge_and_split_settings_from_the_screen(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    with store.write() as s:
        from ecerp_desktop.store.schema import SkuRow
        from sqlalchemy import update
        s.execute(update(SkuRow).where(SkuRow.code == "CUP-1").values(volume_cm3=6000))
    page = _open(qtbot, store)
    assert page.options_button.toolTip().endswith("(Ctrl+Shift+O)")
    dialog = page.open_options_dialog(pipeline.options(store))
    qtbot.addWidget(dialog)
    assert dialog.volume.text() == "不限" and dialog.merge.isChecked()
    dialog.merge.setChecked(False)
    assert not dialog.window.isEnabled()
    dialog.volume.setValue(10_000)
    dialog.accept()
    with qtbot.waitSignal(page.options_saved, timeout=WAIT):
        page.apply_options(dialog.options)
    assert page.status.text() == "合单与拆单设置已保存。"
    opts = pipeline.options(store)
    assert (opts.merge, opts.max_parcel_volume_cm3, opts.max_parcel_weight_g) == (
        False, 10_000, None)
    a = rworld.order([("CUP-1", 3)], buyer="ann", phone="13700000001")
    b = rworld.order([("TEA-1", 1)], buyer="ann", phone="13700000001")
    pipeline.process_pending(store, SYSTEM)
    assert len(rworld.parcels(a)) == 3 and len(rworld.parcels(b)) == 1  # no merge

    viewer = _open(qtbot, store, actor_for(None, "fin1", Role.FINANCE))
    with qtbot.waitSignal(viewer.failed, timeout=WAIT):
        viewer.apply_options(opts)
