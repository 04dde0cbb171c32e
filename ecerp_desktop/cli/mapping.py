"""``ecerp mapping unmapped|list|set|remove|import|export``: the SKU mapping table
(商品对应关系) and the platform lines that hold orders because they map to nothing."""

from __future__ import annotations

import argparse

from ecerp_desktop.cli.common import store_from
from ecerp_desktop.cli.skus import print_report
from ecerp_desktop.domain.auth import SYSTEM
from ecerp_desktop.services import mapping, shops
from ecerp_desktop.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("mapping", help="SKU mapping: platform item/SKU → our SKU (商品对应关系)")
    ss = p.add_subparsers(dest="mapping_command", metavar="ACTION", required=True)
    un = ss.add_parser("unmapped", help=(
        "the platform lines holding orders as 'unmapped SKU', most waiting orders first, "
        "with up to three likely SKUs"))
    un.add_argument("--shop", help="shop name")
    un.add_argument("--text", help="part of the title, merchant code or ids")
    un.add_argument("--limit", type=int, default=100)
    un.set_defaults(func=_unmapped)
    ls = ss.add_parser("list", help="the mapping table")
    ls.add_argument("--shop", help="shop name")
    ls.add_argument("--text", help="part of the title, codes or ids")
    grp = ls.add_mutually_exclusive_group()
    grp.add_argument("--mapped", dest="mapped", action="store_true", default=None)
    grp.add_argument("--unmapped", dest="mapped", action="store_false")
    ls.add_argument("--limit", type=int, default=200)
    ls.set_defaults(func=_list)
    st = ss.add_parser("set", help=(
        "map a platform item (every SKU of it) or one of its SKUs to our SKU, then re-run "
        "the orders held for it"))
    _ident_args(st)
    st.add_argument("--to", required=True, metavar="SKU", help="our SKU code or a barcode")
    st.set_defaults(func=_set)
    rm = ss.add_parser("remove", help="take the SKU off a listing")
    _ident_args(rm)
    rm.set_defaults(func=_remove)
    imp = ss.add_parser("import", help=(
        "import a mapping table (CSV or XLSX with a header row: Shop, Item ID, Platform "
        "SKU ID, SKU; Merchant code and Title optional; an empty SKU unmaps), then re-run "
        "the orders it frees"))
    imp.add_argument("file")
    imp.set_defaults(func=_import)
    exp = ss.add_parser("export", help="export the mapping table (.xlsx, else CSV)")
    exp.add_argument("file")
    exp.add_argument("--shop", help="shop name")
    exp.set_defaults(func=_export)


def _ident_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--shop", required=True, help="shop name")
    p.add_argument("--item", required=True, help="the platform's item id")
    p.add_argument("--sku", default="", help="the platform's SKU id (none: the whole item)")


def _shop_id(store: Store, name: str | None) -> int | None:
    return None if name is None else shops.get_shop(store, name).id


def _unmapped(args: argparse.Namespace) -> int:
    store = store_from(args)
    rows = mapping.unmapped(store, SYSTEM, shop=_shop_id(store, args.shop), text=args.text,
                            limit=args.limit)
    for r in rows:
        likely = ", ".join(s.code for s in r.suggestions) or "-"
        print(f"{r.shop}\t{r.platform_item_id}\t{r.platform_sku_id or '-'}\t"
              f"{r.merchant_code or '-'}\t{_plain(r.title)}\t{r.orders} orders\t"
              f"{r.units} units\tlikely: {likely}")
    lines, orders = mapping.unmapped_totals(store, SYSTEM)
    print(f"{lines} unmapped line(s) hold {orders} order(s)")
    return 0


def _plain(text: str) -> str:
    """One line on a terminal: control characters (escape sequences too) shown as '?'."""
    return "".join("?" if ord(c) < 32 or ord(c) == 127 else c for c in text)[:80]


def _list(args: argparse.Namespace) -> int:
    store = store_from(args)
    for r in mapping.listings(store, SYSTEM, shop=_shop_id(store, args.shop),
                              text=args.text, mapped=args.mapped, limit=args.limit):
        print(f"{r.shop}\t{r.platform_item_id}\t{r.platform_sku_id or '-'}\t"
              f"{r.merchant_code or '-'}\t{_plain(r.title)}\t{r.sku_code or '(unmapped)'}")
    return 0


def _set(args: argparse.Namespace) -> int:
    store = store_from(args)
    res = mapping.map_listing(store, SYSTEM, _shop_id(store, args.shop) or 0, args.item,
                              args.sku, args.to)
    print(res.summary())
    return 0


def _remove(args: argparse.Namespace) -> int:
    store = store_from(args)
    res = mapping.unmap_listing(store, SYSTEM, _shop_id(store, args.shop) or 0, args.item,
                                args.sku)
    print("removed" if res.changed else "was not mapped")
    return 0


def _import(args: argparse.Namespace) -> int:
    store = store_from(args)
    res = mapping.import_table(store, SYSTEM, args.file)
    code = print_report(res.report)
    print(res.mapped.summary())
    return code


def _export(args: argparse.Namespace) -> int:
    store = store_from(args)
    res = mapping.export_table(store, SYSTEM, args.file, shop=_shop_id(store, args.shop))
    print(f"{res.rows} rows written to {res.path}")
    return 0
