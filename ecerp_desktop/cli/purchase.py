"""``ecerp purchase list|show|create|place|export|receive|cancel|close|suggest|draft|rule`` and
``ecerp supplier add|list|link`` (采购 / 验货入库 / 采购建议 / 供应商)."""

from __future__ import annotations

import argparse
from datetime import date

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.main import CommandError
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.domain.money import money
from ecerp_desktop.domain.purchasing import POStatus, parse_line_spec
from ecerp_desktop.services import purchasing as pur
from ecerp_desktop.services import receiving as rcv
from ecerp_desktop.services import reorder


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("purchase", help="purchase orders, receiving, reorder (采购)")
    ps = p.add_subparsers(dest="purchase_command", metavar="ACTION", required=True)
    ls = ps.add_parser("list", help="purchase orders, newest first")
    ls.add_argument("--status", choices=[s.value for s in POStatus], action="append",
                    help="only these statuses (repeatable)")
    ls.add_argument("--supplier", help="only this supplier (code or name)")
    ls.set_defaults(func=_list)
    show = ps.add_parser("show", help="one purchase order with its lines")
    show.add_argument("po")
    show.set_defaults(func=_show)
    cr = ps.add_parser("create", help="a draft purchase order")
    cr.add_argument("--supplier", required=True, help="supplier code or name")
    cr.add_argument("--warehouse", required=True, help="warehouse code or name")
    cr.add_argument("--line", action="append", required=True, metavar="SKU:QTY:COST",
                    help="a line: SKU code or barcode, quantity, unit cost (repeatable)")
    cr.add_argument("--expected", type=date.fromisoformat, metavar="YYYY-MM-DD",
                    help="expected arrival date")
    cr.add_argument("--remark", default="")
    cr.add_argument("--place", action="store_true", help="place it at once")
    cr.set_defaults(func=_create)
    for name, helptext, fn in (
            ("place", "place a draft (已审核): its quantities go in transit", _place),
            ("cancel", "cancel a draft or a placed PO that received nothing", _cancel),
            ("close", "close a placed or partly received PO: the rest will not come",
             _close)):
        cmd = ps.add_parser(name, help=helptext)
        cmd.add_argument("po")
        if name != "place":
            cmd.add_argument("--reason", default="")
        cmd.set_defaults(func=fn)
    ex = ps.add_parser("export", help=(
        "write a purchase order to send to its supplier (.xlsx or .csv, formula-safe)"))
    ex.add_argument("po")
    ex.add_argument("file")
    ex.set_defaults(func=_export)
    rc = ps.add_parser("receive", help=(
        "receive against a PO from a file of scanned codes (one per line; CODE*N counts N); "
        "prints the receiving report"))
    rc.add_argument("po")
    rc.add_argument("--scans", required=True, metavar="FILE")
    rc.add_argument("--post", action="store_true", help="post the receipt to stock")
    rc.add_argument("--accept-over", action="store_true",
                    help="stock units scanned beyond the order too (default: rejected)")
    rc.add_argument("--warehouse", help="receive into another warehouse than the PO's")
    rc.add_argument("--export", metavar="FILE", help="also write the report (.csv or .xlsx)")
    rc.set_defaults(func=_receive)
    sg = ps.add_parser("suggest", help="reorder suggestions, most urgent first (采购建议)")
    sg.add_argument("--days", type=int, default=30, help="sales period in days (default 30)")
    sg.add_argument("--warehouse")
    sg.add_argument("--supplier")
    sg.set_defaults(func=_suggest)
    dr = ps.add_parser("draft", help="draft purchase orders, one per supplier and warehouse")
    dr.add_argument("--from-suggestions", action="store_true", required=True)
    dr.add_argument("--supplier", help="only this supplier's SKUs")
    dr.add_argument("--warehouse")
    dr.add_argument("--days", type=int, default=30)
    dr.set_defaults(func=_draft)
    ru = ps.add_parser("rule", help="stock alert settings of a SKU (库存预警)")
    ru.add_argument("sku")
    ru.add_argument("--warehouse", help="for this warehouse only (default: all)")
    ru.add_argument("--min", type=int, default=0, dest="min_qty")
    ru.add_argument("--cover-days", type=int)
    ru.add_argument("--lead-days", type=int, help="default: the supplier's lead time")
    ru.add_argument("--pack", type=int, default=1, help="order in multiples of this")
    ru.set_defaults(func=_rule)

    s = sub.add_parser("supplier", help="suppliers (供应商)")
    ss = s.add_subparsers(dest="supplier_command", metavar="ACTION", required=True)
    add = ss.add_parser("add", help="add a supplier (or update the one with this code)")
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--contact", default="")
    add.add_argument("--lead-days", type=int, default=7)
    add.set_defaults(func=_supplier_add)
    ss.add_parser("list", help="list suppliers").set_defaults(func=_supplier_list)
    link = ss.add_parser("link", help="make a supplier the default one of a SKU")
    link.add_argument("sku")
    link.add_argument("supplier")
    link.add_argument("--code", default="", help="the supplier's code for the item")
    link.add_argument("--cost", help="last cost")
    link.set_defaults(func=_supplier_link)


def _list(args: argparse.Namespace) -> int:
    store = store_from(args)
    statuses = [POStatus(v) for v in args.status] if args.status else None
    rows = pur.list_pos(store, SYSTEM, statuses=statuses, supplier=args.supplier)
    print("number\tstatus\tsupplier\twarehouse\tlines\tordered\treceived\tamount\texpected")
    for r in rows:
        print(f"{r.number}\t{r.status.value}\t{r.supplier_name}\t{r.warehouse_name}\t"
              f"{r.lines}\t{r.qty_ordered}\t{r.qty_received}\t{r.amount}\t"
              f"{r.expected_date or ''}")
    print(f"{len(rows)} purchase orders")
    return 0


def _print_po(po: pur.PORecord) -> None:
    print(f"{po.number}\t{po.status.value}\t{po.supplier_code} {po.supplier_name}\t"
          f"{po.warehouse_code}\texpected {po.expected_date or '-'}")
    print("line\tsku\tname\tordered\treceived\tover\tunit_cost")
    for ln in po.lines:
        print(f"{ln.line_no}\t{ln.code}\t{ln.name}\t{ln.qty_ordered}\t{ln.qty_received}\t"
              f"{ln.qty_over}\t{ln.unit_cost}")
    print(f"total {po.qty_ordered} units, {po.amount}")


def _show(args: argparse.Namespace) -> int:
    _print_po(pur.get_po(store_from(args), SYSTEM, args.po))
    return 0


def _create(args: argparse.Namespace) -> int:
    store = store_from(args)
    lines = [parse_line_spec(spec) for spec in args.line]
    po = pur.create_po(store, SYSTEM, supplier=args.supplier, warehouse=args.warehouse,
                       lines=lines, expected_date=args.expected, remark=args.remark)
    if args.place:
        po = pur.place(store, SYSTEM, po.number)
    print(f"purchase order {po.number} {po.status.value}: {len(po.lines)} lines, "
          f"{po.qty_ordered} units, {po.amount}")
    return 0


def _export(args: argparse.Namespace) -> int:
    n = pur.export_po(store_from(args), SYSTEM, args.po, args.file)
    print(f"purchase order {args.po}: {n} lines written to {args.file}")
    return 0


def _place(args: argparse.Namespace) -> int:
    po = pur.place(store_from(args), SYSTEM, args.po)
    print(f"purchase order {po.number} placed: {po.qty_ordered} units in transit")
    return 0


def _cancel(args: argparse.Namespace) -> int:
    po = pur.cancel(store_from(args), SYSTEM, args.po, args.reason)
    print(f"purchase order {po.number} cancelled")
    return 0


def _close(args: argparse.Namespace) -> int:
    po = pur.close(store_from(args), SYSTEM, args.po, args.reason)
    print(f"purchase order {po.number} closed: {po.qty_received} of {po.qty_ordered} "
          "received")
    return 0


def _receive(args: argparse.Namespace) -> int:
    store = store_from(args)
    try:
        with open(args.scans, encoding="utf-8-sig") as fh:
            codes = fh.read().splitlines()
    except OSError as exc:
        raise CommandError(f"cannot read {args.scans}: {exc.strerror}") from None
    rep, outcome = rcv.receive_codes(store, SYSTEM, args.po, codes, post_it=args.post,
                                     accept_over=args.accept_over, warehouse=args.warehouse)
    print(rcv.report_text(rep), end="")
    if args.export:
        rcv.export_report(store, SYSTEM, rep.session.id, args.export)
    if outcome is None:  # a preview: the session is not left open at a station
        rcv.cancel_session(store, SYSTEM, rep.session.id)
        print(f"not posted: a preview, nothing stocked (session {rep.session.number} "
              "cancelled; use --post to stock)")
        return 0
    if not outcome.posted:
        print(f"NOT posted: another station received part of {rep.po_number} meanwhile; "
              f"{outcome.rejudged} scans re-judged")
        return 1
    print(f"posted: {outcome.received} received, {outcome.over_accepted} over accepted, "
          f"{outcome.over_rejected} over rejected")
    return 0


def _suggest(args: argparse.Namespace) -> int:
    rows = reorder.suggestions(store_from(args), SYSTEM, days=args.days,
                               warehouse=args.warehouse, supplier=args.supplier)
    print("warehouse\tsku\tname\tavailable\tin_transit\ton_draft\tsold\tdays_of_cover\t"
          "suggested\tsupplier")
    for r in rows:
        cover = "-" if r.days_of_cover is None else str(r.days_of_cover)
        print(f"{r.warehouse_code}\t{r.sku_code}\t{r.sku_name}\t{r.available}\t"
              f"{r.in_transit}\t{r.on_draft}\t{r.sold}\t{cover}\t{r.suggested}\t"
              f"{r.supplier_code or '-'}")
    print(f"{len(rows)} SKUs to reorder (sales over {args.days} days)")
    return 0


def _draft(args: argparse.Namespace) -> int:
    res = reorder.draft_from_suggestions(store_from(args), SYSTEM, days=args.days,
                                         supplier=args.supplier, warehouse=args.warehouse)
    for number in res.created:
        print(f"drafted {number}")
    if res.skipped:
        print("no supplier (link one with `ecerp supplier link`): " + ", ".join(res.skipped))
    print(f"{len(res.created)} purchase orders drafted")
    return 0


def _rule(args: argparse.Namespace) -> int:
    reorder.set_rule(store_from(args), SYSTEM, args.sku, warehouse=args.warehouse,
                     min_qty=args.min_qty, cover_days=args.cover_days,
                     lead_days=args.lead_days, pack_size=args.pack)
    print(f"stock alert of {args.sku} saved")
    return 0


def _supplier_add(args: argparse.Namespace) -> int:
    sup = pur.add_supplier(store_from(args), SYSTEM, args.code, args.name,
                           contact=args.contact, lead_time_days=args.lead_days)
    print(f"supplier {sup.code} {sup.name} saved (lead time {sup.lead_time_days} days)")
    return 0


def _supplier_list(args: argparse.Namespace) -> int:
    for s in pur.suppliers(store_from(args), SYSTEM):
        print(f"{s.code}\t{s.name}\t{s.contact}\t{s.lead_time_days}")
    return 0


def _supplier_link(args: argparse.Namespace) -> int:
    cost = money(args.cost) if args.cost else None
    pur.link_sku(store_from(args), SYSTEM, args.sku, args.supplier, supplier_code=args.code,
                 last_cost=cost)
    print(f"{args.sku} is bought from {args.supplier}")
    return 0
