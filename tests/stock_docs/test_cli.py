"""``ecerp transfer`` and ``ecerp return`` round trips on a migrated SQLite file."""

from __future__ import annotations

import pytest
from ecerp_desktop.cli.main import main
from ecerp_desktop.store import Store

from .conftest import build_docs


def test_transfer_and_return_round_trip(sqlite_store: Store,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    world = build_docs(sqlite_store)
    db = ["--db", sqlite_store.url]
    assert main([*db, "transfer", "create", "--from", "HZ", "--to", "上海仓",
                 "--line", "TEA-1:5", "--line", "CUP-1:2", "--note", "补货"]) == 0
    out = capsys.readouterr().out
    number = out.split()[0]
    assert number.startswith("TR") and "draft" in out
    assert main([*db, "transfer", "ship", number]) == 0
    assert world.bal(world.sh, "TEA-1") == (0, 0, 5)
    assert main([*db, "transfer", "receive", number, "--line", "TEA-1:4", "--line",
                 "CUP-1:2"]) == 0
    assert "partial" in capsys.readouterr().out
    assert main([*db, "transfer", "receive", number]) == 0
    assert main([*db, "transfer", "receive", number]) == 2  # twice: refused, one line
    err = capsys.readouterr().err
    assert "is received: it cannot be received" in err and "Traceback" not in err
    assert main([*db, "transfer", "list", "--status", "received"]) == 0
    assert number in capsys.readouterr().out
    assert main([*db, "transfer", "create", "--from", "HZ", "--to", "SH", "--line",
                 "TEA-1:500"]) == 0
    big = capsys.readouterr().out.split()[0]
    assert main([*db, "transfer", "ship", big]) == 2
    assert "not enough stock of TEA-1 in 杭州仓" in capsys.readouterr().err
    assert main([*db, "transfer", "cancel", big]) == 0
    assert "cancelled" in capsys.readouterr().out

    o = world.ship_order([("TEA-1", 2), ("CUP-1", 1)])
    assert main([*db, "return", "receive", o.waybill, "--line", "TEA-1:1",
                 "--line", "TEA-1:1:damaged", "--tracking", "SF1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("RT") and "杭州仓-次品" in out
    assert main([*db, "return", "receive", o.platform_order_id, "--line", "TEA-1:1"]) == 2
    assert "only 0 can come back" in capsys.readouterr().err
    assert main([*db, "return", "unknown", "YT42", "--warehouse", "HZ", "--line",
                 "CUP-1:1"]) == 0
    rt_number = capsys.readouterr().out.split()[0]
    assert main([*db, "return", "match", rt_number, o.waybill]) == 0
    assert main([*db, "return", "list"]) == 0
    assert "2 returns" in capsys.readouterr().out
    assert main([*db, "stock", "check"]) == 0
