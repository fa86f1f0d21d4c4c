"""Command line: `python -m ledger demo | migrate | template | import | users | backup | restore | copy` (--help).
With LEDGER_DSN set, demo, migrate, import, users, backup and restore work on that PostgreSQL database instead of the
file."""

import argparse
import sys
import time
from pathlib import Path

from ledger import SCHEMA_VERSION, db_path, files_dir, stored_schema_version
from ledger.demo import build_demo
from ledger.fields import SPECS
from ledger.migrate import upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ledger", description="园区闲置资源台账数据库工具")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo", help="生成演示数据库(演示数据, 与公开数字校准; 设置 LEDGER_DSN 时写入该 PostgreSQL 数据库)"
    )
    demo.add_argument("--if-missing", action="store_true", help="数据库已存在时不重建")
    sub.add_parser(
        "migrate",
        help="把旧版本的数据库升级到本程序的结构(原地升级, 原有数据不变; 看板启动时也会自动执行; "
        "设置 LEDGER_DSN 时建立或核对 PostgreSQL 的表结构并更新规则)",
    )
    template = sub.add_parser("template", help="下载某本台账的Excel模板")
    template.add_argument("--ledger", required=True, choices=sorted(SPECS))
    template.add_argument("--out", type=Path, required=True)
    load = sub.add_parser("import", help="校验并导入一个盟市的台账文件(.xlsx/.xls/.csv)")
    load.add_argument("file", type=Path)
    load.add_argument("--ledger", required=True, choices=sorted(SPECS))
    load.add_argument("--league", required=True, help="盟市代码, 如 150200")
    load.add_argument("--dry-run", action="store_true", help="只校验和预览, 不写入")
    load.add_argument("--by", default="", help="导入人")
    load.add_argument(
        "--replace-history",
        action="store_true",
        help="确认替换已有整改销号记录的演示条目(其记录与佐证材料登记一并移除)",
    )
    users = sub.add_parser("users", help="管理账号: add 新建 | reset 重置密码 | disable 停用 | enable 启用 | list 列出")
    users.add_argument("action", choices=["add", "reset", "disable", "enable", "list"])
    users.add_argument("username", nargs="?", help="用户名")
    users.add_argument("--role", choices=["leader", "admin", "league", "park"], help="角色(新建时必填)")
    users.add_argument("--league", help="盟市代码(盟市账号), 如 150200")
    users.add_argument("--park", help="园区编号(园区账号), 如 P005")
    users.add_argument("--name", default="", help="显示名称, 如 包头市工信局")
    users.add_argument("--password-stdin", action="store_true", help="从标准输入读密码(不在屏幕上提示)")
    keep = sub.add_parser("backup", help="备份数据库、账号与佐证材料(看板运行时也可; PostgreSQL 模式用 pg_dump)")
    keep.add_argument("--out", type=Path, default=None, help="备份目录, 默认 data/backups/")
    back = sub.add_parser("restore", help="从备份恢复数据库、账号与佐证材料")
    back.add_argument("archive", type=Path)
    back.add_argument("--force", action="store_true", help="数据库已存在时覆盖")
    copy = sub.add_parser("copy", help="把数据库复制到 PostgreSQL, 或复制回新的数据库文件(一个事务, 复制后核对)")
    direction = copy.add_mutually_exclusive_group(required=True)
    direction.add_argument("--to-postgres", metavar="DSN", help="复制到这个 PostgreSQL 数据库(libpq 连接串, 须为空库)")
    direction.add_argument("--from-postgres", metavar="DSN", help="从这个 PostgreSQL 数据库复制到 --to 指定的新文件")
    copy.add_argument("--from", dest="source", metavar="FILE", type=Path, help="源数据库文件, 默认为看板所用的数据库")
    copy.add_argument("--to", dest="target", metavar="FILE", type=Path, help="新数据库文件(与 --from-postgres 一起用)")
    args = parser.parse_args(argv)
    if args.command == "copy":
        return _copy(args)
    from ledger.postgres import dsn

    if dsn() and args.command != "template":
        return _postgres(args, dsn())

    path = db_path()
    if args.command in ("demo", "import", "users") and path.exists():
        from ledger.writing import DatabaseBusy, open_for_writing

        try:
            open_for_writing(path).close()
        except DatabaseBusy as error:
            if args.command != "users":  # accounts live beside the database and may change while it runs
                print(f"未完成: {error}", file=sys.stderr)
                return 1
    if args.command == "demo":
        if args.if_missing and path.exists():
            version = stored_schema_version(path)
            if version in ("5", "6") and upgrade(path):
                print(
                    f"数据库结构已由版本 {version} 升级到 {SCHEMA_VERSION}"
                    f"(增加状态区间表、佐证材料撤回记录, 原有数据不变): {path}"
                )
                version = SCHEMA_VERSION
            if version == SCHEMA_VERSION:
                print(f"数据库已存在, 跳过生成: {path}")
                _ensure_demo_accounts(path)
                return 0
            if _has_imports(path):
                print(f"数据库 {path} 的结构版本为 {version}, 程序需要 {SCHEMA_VERSION}; 其中有导入的真实台账, "
                      "不会自动重建。请先备份, 再迁移或重新导入。", file=sys.stderr)  # fmt: skip
                return 1
            print(f"演示数据库结构版本 {version} 已过时, 重新生成。")
        start = time.perf_counter()
        counts = build_demo(path)
        print(f"演示数据库已生成: {path} ({counts['item']} 条台账条目, 用时 {time.perf_counter() - start:.1f} 秒)")
        if not _has_imports(path):
            from auth.store import DEMO_PASSWORD, auth_path, seed_demo_accounts

            seed_demo_accounts(auth_path(path))
            print(f"演示账号已建立(密码均为 {DEMO_PASSWORD}), 登录页列出; 导入真实台账或建立正式管理员后停用。")
    elif args.command == "migrate":
        return _migrate(path)
    elif args.command == "users":
        return _users(args, path)
    elif args.command in ("backup", "restore"):
        return _backup(args, path)
    elif args.command == "template":
        from ledger.templates import template_xlsx

        args.out.write_bytes(template_xlsx(args.ledger))
        print(f"模板已保存: {args.out}")
    else:
        return _import(args, path)
    return 0


def _migrate(path: Path) -> int:
    if not path.exists():
        print(f"数据库文件不存在: {path}。请先运行 `python -m ledger demo` 生成演示数据。", file=sys.stderr)
        return 1
    version = stored_schema_version(path)
    if not upgrade(path):
        print(f"数据库 {path} 的结构版本为 {version or '旧版'}，本程序需要 {SCHEMA_VERSION}，无法自动升级。"
              "演示数据库请运行 `make demo` 重新生成；含真实台账的数据库请先备份再迁移。", file=sys.stderr)  # fmt: skip
        return 1
    if version == SCHEMA_VERSION:
        print(f"数据库结构已是版本 {SCHEMA_VERSION}, 无需升级: {path}")
    else:
        print(f"数据库结构已由版本 {version} 升级到 {SCHEMA_VERSION}(原有数据不变): {path}")
    return 0


def _ensure_demo_accounts(path: Path) -> None:
    """A demo database made before accounts existed gets its demo accounts (never once data is real)."""
    from auth.store import auth_path, list_users, seed_demo_accounts

    if not _has_imports(path) and not list_users(auth_path(path)):
        seed_demo_accounts(auth_path(path))
        print("演示账号已建立。")


def _users(args: argparse.Namespace, path: Path) -> int:
    import getpass

    from auth import store

    accounts = store.auth_path(path)
    try:
        if args.action == "list":
            for row in store.list_users(accounts):
                state = "停用" if row["disabled"] else ("锁定" if row["locked_until"] else "正常")
                place = row["park_id"] or row["league_code"] or "全区"
                print(f"{row['username']}\t{store.ROLE_NAMES[row['role']]}\t{place}\t{state}"
                      f"\t{'演示' if row['demo'] else ''}\t{row['display_name']}")  # fmt: skip
            return 0
        if not args.username:
            print("请写出用户名", file=sys.stderr)
            return 2
        if args.action in ("disable", "enable"):
            store.set_disabled(accounts, args.username, args.action == "disable")
            print(f"账号 {args.username} 已{'停用' if args.action == 'disable' else '启用'}")
            return 0
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("密码(至少10个字符; 不能是重复、连续的字符或常见密码): ")
            if getpass.getpass("再输一次: ") != password:
                print("两次输入的密码不一致", file=sys.stderr)
                return 2
        if args.action == "reset":
            store.reset_password(accounts, args.username, password)
            print(f"账号 {args.username} 的密码已重置, 其已登录的会话已结束")
            return 0
        if not args.role:
            print("新建账号需要 --role", file=sys.stderr)
            return 2
        league = _place(path, args.league, args.park)
        store.add_user(accounts, args.username, password, args.role, league, args.park, args.name)
        print(f"账号 {args.username} 已建立({store.ROLE_NAMES[args.role]})")
        return 0
    except (store.AccountError, ValueError) as error:
        print(f"未完成: {error}", file=sys.stderr)
        return 1


def _place(path: Path, league: str | None, park: str | None) -> str | None:
    """The league of an account: the one named (checked), or a park's own league."""
    from ledger import postgres
    from ledger.writing import DatabaseBusy, PgCursor, open_for_writing

    if target := postgres.dsn():
        with postgres.connect(target) as con:
            return _checked_place(PgCursor(con), league, park)
    try:
        con = open_for_writing(path)
    except DatabaseBusy as error:  # the app holds the database: check a league against the reference list
        if park:
            raise ValueError(
                "看板正在运行，无法核对园区编号；请在“账号管理”页新建园区账号，或停止看板后再运行"
            ) from error
        import csv

        from ledger import REFERENCE

        with open(REFERENCE / "leagues.csv", encoding="utf-8") as handle:
            codes = {row["code"] for row in csv.DictReader(handle)}
        if league and league not in codes:
            raise ValueError(f"盟市代码“{league}”不存在") from error
        return league
    try:
        return _checked_place(con, league, park)
    finally:
        con.close()


def _checked_place(con, league: str | None, park: str | None) -> str | None:
    """_place against the reference tables on con (the DuckDB file, or PostgreSQL through ledger.writing.PgCursor)."""
    if park:
        row = con.execute("select league_code from park where park_id = $p", {"p": park}).fetchone()
        if row is None:
            raise ValueError(f"园区编号“{park}”不存在")
        if league and league != row[0]:
            raise ValueError(f"园区“{park}”不属于盟市“{league}”")
        return row[0]
    if league and not con.execute("select 1 from league where league_code = $l", {"l": league}).fetchone():
        raise ValueError(f"盟市代码“{league}”不存在")
    return league


def _backup(args: argparse.Namespace, path: Path) -> int:
    from ledger.backup import BackupError, backup, restore

    try:
        if args.command == "backup":
            target = backup(path, args.out or path.parent / "backups")
            print(f"已备份: {target} ({target.stat().st_size / 1024 / 1024:.1f} MB)")
        else:
            done = restore(args.archive, path, args.force)
            print(f"已恢复到 {path}(佐证材料 {done['evidence']} 个, 导入原件 {done['imports']} 个)。请重新启动看板。")
    except BackupError as error:
        print(f"未完成: {error}", file=sys.stderr)
        return 1
    return 0


def _copy(args: argparse.Namespace) -> int:
    from ledger.postgres.copy import CopyError, from_postgres, to_postgres

    if (args.to_postgres and args.target) or (args.from_postgres and (args.source or not args.target)):
        print("用法: copy --to-postgres DSN [--from 文件]，或 copy --from-postgres DSN --to 新文件", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        if args.to_postgres:
            report = to_postgres(args.source or db_path(), args.to_postgres)
        else:
            report = from_postgres(args.from_postgres, args.target)
    except CopyError as error:
        print(f"未完成: {error}", file=sys.stderr)
        return error.code
    print("\n".join(report))
    print(f"复制完成并核对一致, 用时 {time.perf_counter() - start:.1f} 秒")
    return 0


def _postgres(args: argparse.Namespace, target: str) -> int:
    """demo, migrate, import, users, backup and restore on the PostgreSQL database of LEDGER_DSN (accounts through
    auth/store's PostgreSQL adapter, imports in one PostgreSQL transaction; the files directory, ledger.files_dir,
    holds their evidence and archived uploads); a Chinese message and exit code 1 (2 when the database cannot be
    reached) when they cannot be done."""
    import psycopg

    from ledger.backup import BackupError
    from ledger.migrate import UpgradeError
    from ledger.postgres.copy import CopyError, without_password

    try:
        if args.command == "demo":
            return _demo_postgres(target, args.if_missing)
        if args.command == "migrate":
            return _migrate_postgres(target)
        if args.command == "users":
            return _users(args, db_path())
        if args.command == "import":
            return _import(args, db_path())
        return _backup_postgres(args, target)
    except (BackupError, UpgradeError) as error:
        print(f"未完成: {error}", file=sys.stderr)
        return 1
    except CopyError as error:
        print(f"未完成: {error}", file=sys.stderr)
        return error.code
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"未完成: 无法连接 PostgreSQL（连接串“{without_password(target)}”）：{reason}", file=sys.stderr)
        return 2


def _migrate_postgres(target: str) -> int:
    from ledger.migrate import upgrade_postgres

    upgrade_postgres(target)
    print(f"PostgreSQL 数据库结构为版本 {SCHEMA_VERSION}（没有时已建立），业务规则已按本程序更新。")
    return 0


def _demo_postgres(target: str, if_missing: bool) -> int:
    """The demo built as a DuckDB file in a temporary folder (with the demo accounts) and copied into PostgreSQL by
    the copy command's own code, verified; the database must hold no ledgers, accounts or audit records (an empty
    schema that `migrate` made is replaced)."""
    import tempfile

    from auth.store import DEMO_PASSWORD, auth_path, seed_demo_accounts
    from ledger.migrate import upgrade_postgres
    from ledger.postgres import embedded
    from ledger.postgres.copy import to_postgres

    if _postgres_holds_data(target):
        if if_missing:
            print("PostgreSQL 数据库中已有台账或账号, 跳过生成。")
            return 0
        print("未完成: PostgreSQL 数据库中已有台账或账号，不会用演示数据覆盖。请指定一个新建的空数据库。",
              file=sys.stderr)  # fmt: skip
        return 1
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ledger-demo-") as folder:
        path = Path(folder) / "ledger.duckdb"
        with embedded():  # the accounts go to the temporary file's SQLite beside it, then move with the copy
            counts = build_demo(path)
            seed_demo_accounts(auth_path(path))
        _drop_empty_schema(target)
        to_postgres(path, target)
    upgrade_postgres(target)  # the rules
    print(f"演示数据已写入 PostgreSQL ({counts['item']} 条台账条目, 复制后核对一致, 用时 "
          f"{time.perf_counter() - start:.1f} 秒)")  # fmt: skip
    print(f"演示账号已建立(密码均为 {DEMO_PASSWORD}), 登录页列出; 导入真实台账或建立正式管理员后停用。")
    return 0


def _postgres_holds_data(target: str) -> bool:
    """Whether the PostgreSQL database holds any ledger item, account or audit record (the demo never replaces
    those)."""
    from ledger.postgres import connect

    with connect(target) as con:
        return any(
            con.execute(f"select to_regclass('public.{table}') is not null").fetchone()[0]
            and con.execute(f"select exists (select 1 from {table})").fetchone()[0]
            for table in ("item", "account", "audit_log")
        )


def _drop_empty_schema(target: str) -> None:
    """The tables of a schema without ledgers (made by `migrate` or an app server's start-up) dropped, so that the
    copy, which writes only into an empty database, can bring the demo."""
    from ledger.postgres import PG_ONLY, connect
    from ledger.postgres.copy import account_tables, ledger_tables

    with connect(target) as con, con.transaction():
        for table in reversed(ledger_tables() + account_tables() + list(PG_ONLY)):
            con.execute(f"drop table if exists {table} cascade")


def _backup_postgres(args: argparse.Namespace, target: str) -> int:
    """backup/restore of the PostgreSQL database with pg_dump/pg_restore, the evidence and import files of the files
    directory (ledger.files_dir: LEDGER_FILES, the directory the app servers share) with them."""
    from ledger.backup import backup_postgres, restore_postgres

    if args.command == "backup":
        archive = backup_postgres(target, files_dir(), args.out or db_path().parent / "backups")
        size = archive.stat().st_size / 1024 / 1024
        print(f"已备份 PostgreSQL 数据库、佐证材料与导入原件: {archive} ({size:.1f} MB)")
    else:
        done = restore_postgres(args.archive, target, files_dir(), args.force)
        files = f"佐证材料 {done['evidence']} 个, 导入原件 {done['imports']} 个"
        print(f"已恢复到 PostgreSQL 数据库({files})。请重新启动看板。")
    return 0


def _has_imports(path: Path) -> bool:
    import duckdb

    con = duckdb.connect(str(path))
    try:
        return bool(con.execute("select count(*) from import_batch").fetchone()[0])
    except duckdb.Error:
        return False
    finally:
        con.close()


def _import(args: argparse.Namespace, path: Path) -> int:
    from ledger.importing import ImportFileError, apply_import, clean_stray_files, plan_import
    from ledger.safe_read import check_size, display_name

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
        f"{display_name(plan.file_name)}: 新增 {len(plan.new)} 条, 更新 {len(plan.updated)} 条, "
        f"未变 {len(plan.unchanged)} 条, "
        f"错误 {len(plan.errors)} 处" + (f", 将替换演示数据 {plan.replaced_demo} 条" if plan.replaced_demo else "")
    )
    for error in plan.errors:
        print("  " + error.text(), file=sys.stderr)
    from ledger.importing import group_problems

    for group in group_problems(plan.errors):
        if group.hint:
            print(f"  {group.title}：{group.hint}", file=sys.stderr)
    for warning in plan.warnings:
        print("  请核对: " + warning.text())
    for column, written, read, rows in plan.mappings:
        print(f"  “{column}” 中的“{written}”读作“{read}”（{rows} 行）")
    for sheet, column, where, rows in plan.derived:
        print(f"  “{column}”：工作表“{sheet}”中没有此列，据{where}推得（{rows} 行），请核对")
    for sheet, ledger, rows in plan.other_sheets:
        print(f"  工作表“{sheet}”（{rows} 行）是{SPECS[ledger].name}，未按{SPECS[args.ledger].name}导入；"
              f"用 --ledger {ledger} 导入这些工作表")  # fmt: skip
    for item in plan.dropped_history:
        print(f"  将移除的演示条目（有整改销号记录）: {item.text()}")
    if plan.already_imported:
        print(plan.already_imported)
        return 0
    if plan.errors:
        print("文件有错误, 未写入。请修改后重新导入。", file=sys.stderr)
        return 1
    if args.dry_run or not plan.can_write:
        print("未写入(预览)" if args.dry_run else "没有需要写入的变化")
        return 0
    if plan.dropped_history and not args.replace_history:
        print(f"未写入: 导入将替换 {len(plan.dropped_history)} 条已有整改销号记录的演示条目（见上）, "
              "其记录与佐证材料登记一并移除（文件保留, 记入审计日志）。核对后加 --replace-history 确认。",
              file=sys.stderr)  # fmt: skip
        return 1
    start = time.perf_counter()
    try:
        batch = apply_import(plan, data, path, args.by, drop_history=args.replace_history)
    except ImportFileError as error:
        print(f"未写入: {error}", file=sys.stderr)
        return 2
    print(f"已导入, 批次 {batch}, 用时 {time.perf_counter() - start:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
