"""The rules screen under pytest-qt on a real SQLite store: edit a rule in the dialog and
save it as a version, reorder and disable (checked by running the real pipeline), restore,
an invalid JSON edit, the dry run, and a role that may look but not save."""

from __future__ import annotations

import json

import pytest
from ecerp_desktop.domain.auth import SYSTEM, Actor, Role, actor_for
from ecerp_desktop.domain.rules import Rule, ruleset_from_dict
from ecerp_desktop.services import pipeline
from ecerp_desktop.store import Store
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.rules_page import RulesPage
from pytestqt.qtbot import QtBot

from .conftest import World

WAIT = 10_000
CLERK = actor_for(None, "clerk1", Role.CLERK)
FINANCE = actor_for(None, "fin1", Role.FINANCE)  # may view orders, may not review

TWO_RULES = {"rules": [
    {"id": 1, "name": "approve taobao", "when": [{"kind": "platform", "platforms": ["taobao"]}],
     "then": [{"kind": "approve"}]},
    {"id": 2, "name": "hold big", "when": [{"kind": "paid_amount", "min": "500"}],
     "then": [{"kind": "hold", "reason": "rule", "detail": "big"}]},
]}


def _open(qtbot: QtBot, store: Store, actor: Actor = CLERK) -> RulesPage:
    page = RulesPage(PageContext(store=store, actor=actor))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.show()
    return page


def _save(qtbot: QtBot, page: RulesPage, comment: str) -> int:
    page.comment.setText(comment)
    with qtbot.waitSignal(page.saved, timeout=WAIT) as sig, \
            qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.save_button.click()
    return int(sig.args[0])


def _seed(store: Store, doc: dict[str, object]) -> None:
    pipeline.save_rules(store, SYSTEM, ruleset_from_dict(doc), "seed")


def test_edit_in_dialog_and_save_as_version(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    page = _open(qtbot, store)
    assert page.rules.rowCount() == 0  # a fresh shop has no saved rules
    dialog = page.open_editor(Rule(1, "new"))
    qtbot.addWidget(dialog)
    dialog.name.setText("大额订单")
    cond = dialog.conditions
    cond.kind.setCurrentIndex(cond.kind.findData("paid_amount"))
    cond.fields[0].setText("300")
    cond.add.click()
    act = dialog.actions
    act.kind.setCurrentIndex(act.kind.findData("hold"))
    act.fields[0].setText("rule")
    act.fields[1].setText("人工核对")
    act.add.click()
    assert cond.list.count() == 1 and "300" in cond.list.item(0).text()
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    page.apply_edit(dialog.rule, 0)
    assert page.rules.item(0, 1).text() == "大额订单"
    assert page.rules.item(0, 3).text() == "实付金额 (从 300)"  # in words, in Chinese
    assert page.rules.item(0, 4).text() == "挂起 (原因 rule; 说明 人工核对)"
    version = _save(qtbot, page, "big orders wait")

    rules, _gifts = pipeline.current_rules(store)
    assert rules.version == version
    assert rules.rules[0].name == "大额订单"
    assert rules.rules[0].conditions[0].params["min"] == "300"
    assert page.versions.rowCount() >= 1
    texts = [page.versions.item(r, 3).text() for r in range(page.versions.rowCount())]
    assert "big orders wait" in texts
    # the rule does what it says through the real pipeline
    big = rworld.order([("TEA-1", 1)], paid="400.00")
    small = rworld.order([("TEA-1", 1)], paid="50.00")
    pipeline.process_pending(store, SYSTEM)
    assert rworld.status(big) == "held"
    assert rworld.status(small) == "approved"


def test_reorder_and_disable_change_the_pipeline(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    _seed(store, TWO_RULES)
    page = _open(qtbot, store)
    assert [page.rules.item(r, 1).text() for r in range(2)] == ["approve taobao", "hold big"]
    page.rules.selectRow(1)
    page.buttons["up"].click()  # the hold now comes before the fast lane
    assert [r.name for r in page.draft.rules] == ["hold big", "approve taobao"]
    _save(qtbot, page, "hold first")
    first = rworld.order([("TEA-1", 1)], paid="600.00")
    pipeline.process_pending(store, SYSTEM)
    assert rworld.status(first) == "held"

    page.rules.selectRow(0)
    page.buttons["toggle"].click()  # disable the hold
    assert not page.draft.rules[0].enabled
    assert page.rules.item(0, 2).text() != page.rules.item(1, 2).text()
    _save(qtbot, page, "no hold")
    assert not pipeline.current_rules(store)[0].rules[0].enabled
    second = rworld.order([("TEA-1", 1)], paid="600.00")
    pipeline.process_pending(store, SYSTEM)
    assert rworld.status(second) == "approved"


def test_restore_an_old_version(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    _seed(store, TWO_RULES)
    page = _open(qtbot, store)
    page.rules.selectRow(1)
    page.buttons["delete"].click()
    v2 = _save(qtbot, page, "drop the hold")
    assert len(pipeline.current_rules(store)[0].rules) == 1
    old = next(r for r in range(page.versions.rowCount())
               if page.versions.item(r, 3).text() == "seed")
    page.versions.selectRow(old)
    page.show_button.click()
    assert page.rules.rowCount() == 2  # shown, not saved
    assert len(pipeline.current_rules(store)[0].rules) == 1
    with qtbot.waitSignal(page.saved, timeout=WAIT) as sig, \
            qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.restore_button.click()
    assert sig.args[0] == v2 + 1
    current = pipeline.current_rules(store)[0]
    assert [r.name for r in current.rules] == ["approve taobao", "hold big"]
    assert pipeline.rule_history(store)[0].comment == "恢复版本 1"
    assert page.versions.item(0, 3).text() == "恢复版本 1"  # the list shows it, newest first


def test_invalid_json_shows_translated_error_and_saves_nothing(qtbot: QtBot,
                                                               rworld: World) -> None:
    store = rworld.store
    _seed(store, TWO_RULES)
    page = _open(qtbot, store)
    before = pipeline.current_rules(store)[0]
    dialog = page.open_editor(page.draft.rules[1])
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(1)
    text = json.loads(dialog.json.toPlainText())
    assert text["name"] == "hold big"
    text["when"] = [{"kind": "paid_amount", "min": "lots"}]
    dialog.json.setPlainText(json.dumps(text))
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.error.text().startswith("规则")  # the Chinese text of RULES_INVALID
    assert "lots" in dialog.error.text()
    dialog.json.setPlainText("{not json")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.error.text()
    dialog.reject()
    assert page.draft == before
    assert pipeline.current_rules(store)[0].version == before.version


def test_dry_run_counts_match_the_service_and_write_nothing(qtbot: QtBot,
                                                            rworld: World) -> None:
    store = rworld.store
    orders = [rworld.order([("TEA-1", 1)], paid=p) for p in ("50.00", "700.00", "80.00")]
    orders.append(rworld.order([("TEA-1", 1)], paid="900.00", shop=rworld.shop2))
    page = _open(qtbot, store)
    page.draft = ruleset_from_dict({"rules": TWO_RULES["rules"][1:]})
    with qtbot.waitSignal(page.dry_run_done, timeout=WAIT) as sig:
        page.dry_button.click()
    got = sig.args[0]
    want = pipeline.dry_run(store, SYSTEM, rules=page.draft, days=7)
    assert (got.processed, got.approved, dict(got.held)) == \
        (want.processed, want.approved, dict(want.held)) == (4, 2, {"rule": 2})
    assert page.why.rowCount() == 4
    assert str(page.last_dry_run.approved) in page.counts.text()
    why = {page.why.item(r, 0).text(): page.why.item(r, 2).text() for r in range(4)}
    assert "hold big" in why[str(orders[1])]
    assert all(rworld.status(o) == "new" for o in orders)  # nothing written
    assert pipeline.current_rules(store)[0].version == 0


def test_dry_run_why_table_is_filled_in_batches(qtbot: QtBot, rworld: World,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Hundreds of thousands of rows are shown a batch per turn of the event loop; two per
    # batch here: five orders fill the first two rows at once, the rest in later turns.
    from ecerp_desktop.ui import rules_page

    monkeypatch.setattr(rules_page, "_WHY_BATCH", 2)
    orders = [rworld.order([("TEA-1", 1)]) for _ in range(5)]
    page = _open(qtbot, rworld.store)
    with qtbot.waitSignal(page.dry_run_done, timeout=WAIT):
        page.dry_button.click()
    assert page.why.rowCount() == 5
    qtbot.waitUntil(lambda: page.why.item(4, 0) is not None, timeout=WAIT)
    assert [page.why.item(r, 0).text() for r in range(5)] == [str(o) for o in orders]
    assert all(page.why.item(r, 1).text() == "approved" for r in range(5))


def test_a_viewer_can_look_but_not_save(qtbot: QtBot, rworld: World) -> None:
    store = rworld.store
    _seed(store, TWO_RULES)
    page = _open(qtbot, store, FINANCE)
    assert page.rules.rowCount() == 2
    assert not page.save_button.isEnabled() and not page.restore_button.isEnabled()
    page.rules.selectRow(0)
    page.buttons["toggle"].click()
    with qtbot.waitSignal(page.failed, timeout=WAIT) as sig:
        page.save_version()  # even if called, the service refuses
    assert "fin1" in sig.args[0]
    assert pipeline.current_rules(store)[0].rules[0].enabled
    assert len(pipeline.rule_history(store)) == 1


def test_a_rare_kind_through_json(qtbot: QtBot, rworld: World) -> None:
    page = _open(qtbot, rworld.store)
    dialog = page.open_editor(Rule(1, "flagged"))
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(1)
    doc = json.loads(dialog.json.toPlainText())
    doc["when"] = [{"kind": "seller_flag", "flags": ["red"]}]
    doc["then"] = [{"kind": "hold", "reason": "manual"}]
    dialog.json.setPlainText(json.dumps(doc))
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    page.apply_edit(dialog.rule, 0)
    _save(qtbot, page, "red flags wait")
    red = rworld.order([("TEA-1", 1)], flag=1)
    plain = rworld.order([("TEA-1", 1)])
    pipeline.process_pending(rworld.store, SYSTEM)
    assert (rworld.status(red), rworld.status(plain)) == ("held", "approved")


def test_the_orders_page_opens_the_rules_window(qtbot: QtBot, rworld: World) -> None:
    from ecerp_desktop.ui.orders_page import OrdersPage
    from PySide6.QtWidgets import QApplication, QPushButton

    orders = OrdersPage(PageContext(store=rworld.store, actor=CLERK))
    qtbot.addWidget(orders)
    button = orders.findChild(QPushButton, "button_rules")
    assert button is not None and button.text() == "规则…"
    button.click()
    pages = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, RulesPage) and w.isVisible() and w.ctx.store is rworld.store]
    assert len(pages) == 1 and pages[0].isWindow()
    qtbot.waitSignal(pages[0].loaded, timeout=WAIT, raising=False).wait()
    pages[0].close()
