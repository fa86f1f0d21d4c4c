"""Command line: `python -m ledger demo [--if-missing]` builds the demo database."""

import argparse
import sys
import time

from ledger import db_path
from ledger.demo import build_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ledger", description="园区闲置资源台账数据库工具")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="生成演示数据库(演示数据, 与公开数字校准)")
    demo.add_argument("--if-missing", action="store_true", help="数据库已存在时不重建")
    args = parser.parse_args(argv)

    path = db_path()
    if args.command == "demo":
        if args.if_missing and path.exists():
            print(f"数据库已存在, 跳过生成: {path}")
            return 0
        start = time.perf_counter()
        counts = build_demo(path)
        seconds = time.perf_counter() - start
        print(f"演示数据库已生成: {path} ({counts['item']} 条台账条目, 用时 {seconds:.1f} 秒)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
