"""Command line: `python -m ledger demo | template | import` (see --help)."""

import argparse
import sys
import time
from pathlib import Path

from ledger import SCHEMA_VERSION, db_path, stored_schema_version
from ledger.demo import build_demo
from ledger.fields import SPECS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ledger", description="园区闲置资源台账数据库工具")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="生成演示数据库(演示数据, 与公开数字校准)")
    demo.add_argument("--if-missing", action="store_true", help="数据库已存在时不重建")
    template = sub.add_parser("template", help="下载某本台账的Excel模板")
    template.add_argument("--ledger", required=True, choices=sorted(SPECS))
    template.add_argument("--out", type=Path, required=True)
    load = sub.add_parser("import", help="校验并导入一个盟市的台账文件(.xlsx/.xls/.csv)")
    load.add_argument("file", type=Path)
    load.add_argument("--ledger", required=True, choices=sorted(SPECS))
    load.add_argument("--league", required=True, help="盟市代码, 如 150200")
    load.add_argument("--dry-run", action="store_true", help="只校验和预览, 不写入")
    load.add_argument("--by", default="", help="导入人")
    args = parser.parse_args(argv)

    path = db_path()
    if args.command == "demo":
        if args.if_missing and path.exists():
            version = stored_schema_version(path)
            if version == SCHEMA_VERSION:
                print(f"数据库已存在, 跳过生成: {path}")
                return 0
            if _has_imports(path):
                print(f"数据库 {path} 的结构版本为 {version}, 程序需要 {SCHEMA_VERSION}; 其中有导入的真实台账, "
                      "不会自动重建。请先备份, 再迁移或重新导入。", file=sys.stderr)  # fmt: skip
                return 1
            print(f"演示数据库结构版本 {version} 已过时, 重新生成。")
        start = time.perf_counter()
        counts = build_demo(path)
        print(f"演示数据库已生成: {path} ({counts['item']} 条台账条目, 用时 {time.perf_counter() - start:.1f} 秒)")
    elif args.command == "template":
        from ledger.templates import template_xlsx

        args.out.write_bytes(template_xlsx(args.ledger))
        print(f"模板已保存: {args.out}")
    else:
        return _import(args, path)
    return 0


def _has_imports(path: Path) -> bool:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return bool(con.execute("select count(*) from import_batch").fetchone()[0])
    except duckdb.Error:
        return False
    finally:
        con.close()


def _import(args: argparse.Namespace, path: Path) -> int:
    from ledger.importer import ImportFileError, apply_import, clean_stray_files, plan_import
    from ledger.safe_read import check_size

    clean_stray_files(path)
    try:
        check_size(args.file.stat().st_size, args.file.name)  # before reading it into memory
        data = args.file.read_bytes()
        plan = plan_import(data, args.file.name, args.ledger, args.league, path)
    except OSError as error:
        print(f"无法导入: 无法读取文件“{args.file}”（{error.strerror or error}）", file=sys.stderr)
        return 2
    except ImportFileError as error:
        print(f"无法导入: {error}", file=sys.stderr)
        return 2
    print(
        f"{plan.file_name}: 新增 {len(plan.new)} 条, 更新 {len(plan.updated)} 条, 未变 {len(plan.unchanged)} 条, "
        f"错误 {len(plan.errors)} 处" + (f", 将替换演示数据 {plan.replaced_demo} 条" if plan.replaced_demo else "")
    )
    for error in plan.errors:
        print("  " + error.text(), file=sys.stderr)
    if plan.already_imported:
        print(plan.already_imported)
        return 0
    if plan.errors:
        print("文件有错误, 未写入。请修改后重新导入。", file=sys.stderr)
        return 1
    if args.dry_run or not plan.can_write:
        print("未写入(预览)" if args.dry_run else "没有需要写入的变化")
        return 0
    start = time.perf_counter()
    try:
        batch = apply_import(plan, data, path, args.by)
    except ImportFileError as error:
        print(f"未写入: {error}", file=sys.stderr)
        return 2
    print(f"已导入, 批次 {batch}, 用时 {time.perf_counter() - start:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
