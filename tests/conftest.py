"""Shared fixtures: the calibrated demo database and a tiny hand-made one, caches cleared per test.

`make test` runs ruff and every test (browser tests too, when Debian's chromium is present) in two pytest workers,
one test module per worker at a time (--dist loadfile), so each module's app server and chromium start once;
`make quick` is the inner loop: the same without the browser tests. One module alone: `.venv/bin/pytest tests/x.py`.
The demo and tiny databases are built once per worker; a test that writes works on its own copy (copy_database).

What each module checks (the checks are written for the campaign's Chinese-reading users):

- `tests/test_calibration.py`：通过页面所用的同一查询，核对演示数据与每个公开数字（数量、金额、面积、比率）；
- `tests/test_queries.py`：每个 `.sql` 在手工小库上运行并返回其文件头声明的列；每个 `.sql` 都有同名封装函数；状态回
  放、超期、范围过滤用手算结果核对；
- `tests/test_pages.py`：AppTest 在全区、盟市、园区各级渲染每个页面无异常；总览卡片数字等于独立 SQL；注入图表点击后
  网址带上盟市/园区；每类错误网址给出中文提示并回退到最近的有效范围；
- `tests/test_scope.py`、`tests/test_format.py`、`tests/test_demo.py`：范围解析、数字格式、演示数据的确定性；
- `tests/test_plausibility.py`：演示数据可信：低于控制值的比例在约定区间、指标正相关、台账条目数等于倒逼腾退候选数、
  无周末与节假日的状态变化、园区内名称不重复、面积规则、导入拒收盘活面积超过地块面积的行、通报一句一种金额单位；
- `tests/test_progress.py`、`tests/test_rankings.py`、`tests/test_ledgers.py`、`tests/test_idle_map.py`、
  `tests/test_park.py`：各页面的数字在全区、盟市、园区三级等于独立 SQL 或 pandas 重算；点击下钻；督导通报 Word 的数
  字；每条纸面整改规则各有触发与不触发的样例；排名并列、等级分界、零面积项目；台账导出防公式注入；地图图层条目数与视
  野范围；超期清单的 Excel 行与有超期土地的园区等于独立 SQL；园区目录逐页翻完恰好是范围内的每个园区、搜索与盟市账号
  的范围；园区小地图有盟市轮廓、园区、比例尺和每个有坐标的条目；
- `tests/test_import_real.py`：盟市自己格式的台账（标题块、自己的列名、全角括号、简称、习惯写法、合并单元格、表尾）
  一次确认即导入，存入的值由独立 SQL 核对；一份有 11 处错误的文件第一次上传就报出全部 11 处，按类归并（每个写法、行
  数、可选值一次）；缺列时写明找到的表头且其余行照常检查；每个处置方式同义词、状态同义词、园区简称各按规定对应；对应
  不上或有歧义的拒收并给出本盟市最接近的园区；跨工作表的重复编号两行都报出；不存在的日期报错；日期先后为提示；预览逐
  格写明读取方式；模板的填写说明；同一台账写成两行分组表头、面积单位写在标题块（单位：亩）时读出同样的行和同样的错误
  行号；
- `tests/test_import_habits.py`：测试中用 openpyxl 建的工作簿（合并单元格）：两行、三行分组表头加单位说明（公顷→亩、
  元→万元）一次确认即导入，存入的值由独立 SQL 核对，第一次上传就报出全部错误；闲置土地与停产企业两个工作表的工作簿按
  两本台账各导入一次（页面与命令行）；没有名称、发现日期列而有填报日期的台账推得这两列并在预览中标明，推不出的仍报缺
  列；只写到月的日期；缺列提示不带标题块的文字；替换有整改销号记录的演示条目须确认、无悬空的佐证登记、文件仍在、审计
  日志有记录；真实条目不被替换；导入页只向管理员显示磁盘与存档目录；“台账”页说明与 Excel 第二行写明哪部分真实、哪部
  分仍是演示数据；
- `tests/test_import.py`：30 多种格式混乱或有错的文件各得到指定的中文提示且数据库不变；整洁与混乱的同一台账导入结果
  相同；导入进程中途被杀数据库不变；导入同时有会话在读不出错；重复导入不改变任何内容；写入与撤销的测试在 DuckDB 与
  PostgreSQL 上各跑一遍（`engine`，每个测试一份从模板库复制的演示库），同样两次导入在两种库中写下相同的行、状态记录、
  状态区间、事实表、批次与审计记录；PostgreSQL 中一次导入的事务未提交时另一次导入照常提交、批次号不同（`tests/stores.py`
  向任一种库查询并给出全部内容的指纹）；`tests/test_commands.py`：`users`、`import` 命令以子进程在两种库上运行；
  `tests/test_files_dir.py`：设置 `LEDGER_FILES` 时佐证材料与导入原文件落在该目录、从该目录下载、备份取自该目录；
- `tests/test_upload_hardening.py`：恶意或粗心的文件（末格 XFD1048576、声明范围过大、压缩炸弹、部件过多、XML 实体、
  损坏的压缩包、超行数、超大小）各得到指定的中文提示、数据库不变、进程照常；读取子进程崩溃、超内存、超时；其他盟市、
  其他台账的编号；过长和恶意的文件名；残留文件清理；磁盘下限；意外错误的编号提示；浏览器中上传末格文件后同一会话打开
  其他页面照常；
- `tests/test_downloads.py`：每个页面的每个下载按钮（含点击时才生成的）在全区（demo-admin）与盟市（demo-150200）范围
  各生成一次文件，走页面自己的代码路径（截获 `st.download_button` 收到的数据或生成函数），并用各自的库打开：PPT（
  python-pptx，图片非空白）、Word（python-docx）、Excel（openpyxl）、CSV（带 BOM）、PNG（PIL，3840×2160）、PDF（
  pypdf）、SVG（XML）；盟市范围的文件不含其他盟市；条目的佐证材料原样下载；点击时生成失败的下载写入日志与审计（失败
  ），按钮下显示中文提示（`assets/streamlit_zh.css` 替换 Streamlit 的英文）；
- `tests/test_export.py`、`tests/test_briefing.py`：在演示数据上生成每种导出并核对：PNG 尺寸且非空白、SVG/PDF 含标题
  、Word 与 PPT 可打开且数字等于独立 SQL、页数正确；要情通报为 A4、GB/T 9704 页边距、单双页页码域、数字与单位间无空
  格、每个滞后盟市有数字、自查逾期只在仍未报送时列入；缺 chromium 时写明原因跳过，并检查导出按钮改为说明缺什么；
- `tests/test_meeting.py`：会议模式每页在全区、盟市、园区渲染；六本台账页的数字等于独立 SQL，阶段、超期、督导通报、
  盟市对比等于“整治进度”“总览”页；网址中的间隔与主题生效，错误值回退并有中文提示；换入新数据库文件后下一次翻页显示新
  数字且不重新开始；点击下钻与返回全区；会议材料 PPT 的页数、标题与脚注，各文本框放得下其文字（小标题一行不压图、注
  释不压脚注），督导通报页列出全部12 个盟市；浏览器测试（标记 `browser`）在 1920×1080、1366×768、1280×720 下走完全区
  与包头市的每一页，检查无滚动条、无侧栏、字号与屏幕成比例、柱上与数值标签不小于正文、各部分互不重叠且在按钮之上、按
  钮文字完整、督导通报的每个盟市都在屏上，点击盟市柱形下钻（下钻后园区柱上的数值仍不小于正文），“退出会议模式”回到总
  览；在 390×844 手机上为可滚动的单栏；每页截图存 `screenshots/meeting_*`；盟市、园区账号的会议只有本盟市、本园区（
  无督导通报页）；
- `tests/test_auth.py`：盟市、园区账号在每个页面、每个恶意网址（别的盟市、别的盟市的园区、别的条目）上都看不到其他盟
  市或园区的名称和数字，其导出的 Excel、CSV、PPT、SVG 图同样；匿名访问任何页面只见登录页；锁定、超时、散列、演示账号
  的停用、审计日志、`python -m ledger users` 与账号管理页；OIDC 声明的对应；25 个线程对同一账号文件同时登录并检查会
  话（散列放慢到负载下的速度）无一出错；散列计算时另一连接可立即取得写锁（即散列不在事务中）；另一进程持有写锁时会话
  检查等读取照常；最近活动每分钟至多写一次；`app.py` 顶部出错时显示带编号的中文提示；不存在的用户名与真实账号回答相
  同；弱密码在命令行与账号管理页以同一原因拒绝；停用账号后会议模式的下一次翻页（只重跑片段）只见登录页、点击后生成的
  下载不生成；未登录打开每个页面地址（含不存在的）都是登录页且没有“page not found”，登录后到达所要的页面和视图，或到
  总览并有中文说明；浏览器测试（标记 `browser`）：5 个 chromium 用户与 20 个直接经账号文件登录的用户同时按“登录”，全
  部成功；`tests/test_park_paging.py`：22,500 多个条目的园区档案逐页显示（首页、中间页、末页、越界页等于独立 SQL 的
  同一段）、打印说明、导出的 Excel 含全部条目，小园区仍逐条打印；`tests/test_oidc.py`（标记 `browser`）：统一身份认
  证端到端登录；
- `tests/test_spans.py`：状态区间与条目事实表在演示生成、进展、销号、退回、回滚、导入之后等于从依据重建的结果；
  `status_at` 在每个有状态变化的日期（含补录的早日期记录和同日多条记录）等于回放状态记录；版本 5 的数据库（含导入）
  原地升级、数据不变；
- `tests/test_national.py`：全国规模库的生成（园区 ×3、条目 ×2）：各表行数为倍数，编号、名称、坐标互不相同，引用都有
  着落，宗地编号只在演示数据本来重复之处重复，纸面整改检查在每个副本中恰好找到演示数据的那几处；
- `tests/test_workflow.py`：整改销号每个允许与拒绝的动作（角色、他盟市、无佐证申请销号、导入设为已销号或倒退），佐证
  材料的类型、大小、内容检查，延期后的超期计算与历史，20 个线程同时写不同条目不丢更新，两人改同一条目后者被告知，
  kill -9 中途终止的事务，看板占用数据库时的备份与恢复，图片上传时解码（只有 JPEG/PNG 开头、截断、像素炸弹各被拒收）
  ，撤回佐证材料的规则，版本 6 的库原地升级；`tests/test_item_page.py`：链接带着早于今天的“数据截至”日期时，进展—销
  号申请—退回—再申请—销号每一步之后条目页的状态标签、时限提示、状态图、事实表的佐证材料与销号日期、文件列表和历史都
  是当前的且彼此一致，旧链接写明在回看并可转到当前状态；两个会话打开同一条目，一方提交后另一方从旧页面提交被告知是谁
  更新的且不写入（含表单因此消失的情形）；已存下的损坏图片对管理员、盟市、园区都不使页面出错、表单仍在、改为下载；管
  理员撤回文件（留存、记录、审计），只有管理员有撤回；图片预览是页面内的 data: URI；`tests/test_injection.py`：审计
  用的注入内容（信标图片、`:red[**…**]`、`<img onerror>`、`javascript:` 链接）写进标题、整改措施、闲置原因、责任单位
  、退回原因、延期原因、进展说明、佐证文件名、账号姓名，扫描条目页、我的待办、园区档案、销号审核与侧栏的每段
  Markdown 和表格单元格，不出现图片、链接或彩色文字；`tests/test_workflow_browser.py`（标记 `browser`）：在 chromium
  里走完申请—退回—再申请—销号，并在页面 DOM 中检查注入内容没有变成图片、链接或彩色文字、图片预览不经 `/media/` 网址
  ；
- `tests/test_browser.py`（标记 `browser`）：Playwright 驱动 Debian chromium 打开每个页面，无报错、图表已绘制，截图
  保存到 `screenshots/`；在浏览器里点击盟市柱形下钻；服务重启后首个访问者直接打开深链接也有范围栏；
- `tests/test_streamlit_chinese.py`：上传上限与 `ledger/limits.py` 一致；（标记 `browser`）服务重启后首个访问者的侧
  栏不出现模块名；以管理员和包头市账号逐页查找已知的 Streamlit/plotly 英文（含打开的上传框、表单中的文本框、有字数上
  限的输入框、悬停表格与图表工具栏时的提示），可见即失败；`tests/test_wide_tables.py`：各条目表的列顺序与宽度、超期
  清单的条目链接带盟市与日期、台账页所问条目在列表之上；（标记 `browser`）1366×768 下关键列都在表格可见宽度内、按钮
  文字不被截断、从盟市超期清单打开的条目标题在第一屏内（截图存 `screenshots/`）；
- `tests/test_url_state.py`：各页视图、台账筛选、排名指标与权重、地图图层经网址往返（新会话打开链接得到同一视图，控
  件变化写入网址，错误值回退并有中文提示，下钻保留视图）；`tests/test_consistency.py`：阶段卡片、累计曲线、三年目标
  线、等级与得分的说法彼此一致（独立 SQL 重算）；`tests/test_no_none.py`：各页表格按浏览器的画法（表格网格中空值显示
  为 `placeholder`，Styler 的na_rep 到不了网格）没有 None/nan/NaT，表头不出现 `league_name` 一类的原始列名，比率列一
  位小数；`tests/test_kpi_changes.py`：总览的环比、同比及其比较日期等于独立 SQL；`tests/test_chart_details.py`：数值
  标签贴着柱子（排名图的数值从柱端开始，中位数竖线在标签之下而不穿过文字，标签不超出图框，会议的大字号下亦然）、参考
  线不压数值、盟市名水平、会议/汇报地图的盟市名在圆点之上且互不重叠（会议按最小的 1280×720 投影仪判断）、会议柱上数
  值不小于正文、盟市×台账拆为两张窄表；`tests/test_browser_details.py`（标记 `browser`）：chromium 中“后退”恢复上一
  个视图；在 1920×1080、1366×768、390×844 下页面和盟市表格不横向滚动、坐标轴标签互不重叠（截图存 `screenshots/`）；
  园区档案从 1920、1366 宽的屏幕打印为 A4 PDF，图表印的是按纸宽绘出的副本（不缩放、不裁切），含完成率列与全部条目（
  横向页），无空白页，不含按钮、导出说明与“点击…打开台账”，装有 pdftoppm 时逐页转为 PNG 存入 `screenshots/`；
- `tests/test_scenarios.py`（标记 `browser`）：按 SCENARIOS 走完“领导小组会议”（从未登录时打开的链接
  `…/progress?asof=2022-12-31` 开始：无英文提示，以 demo-leader 登录后到达该日期的整治进度，刷新仍在登录状态，找到最
  弱盟市及其超期闲置土地）与“盟市报送”（上传按盟市习惯填写的有错文件（两行分组表头、标题块中的单位说明），一次看到归
  并后的全部问题，改正两行后再上传，核对读取结果，一次确认导入，横幅不再称其为演示数据），每步截图。
- `tests/test_pg_copy.py`（标记 `postgres`，在 `tests/pgserver.py` 启动的临时 PostgreSQL 上）：PostgreSQL 表结构与
  `ledger/schema.sql` 的列、类型、键和结构版本一致；含整改销号历史（进展、退回、销号、撤回佐证、延期）、会话与审计记录
  的演示库复制到 PostgreSQL 再复制回新文件，每张表（账号文件的表也是）的内容相同；途中改动一行时核对报出该台账、
  盟市与数字并撤销、目标不留表；错误的连接串给出中文说明、退出码 2、无 traceback；缺少 PostgreSQL 时测试失败并中英
  文说明。
- `tests/test_pg_ops.py`（标记 `postgres`）：4 个线程同时对空库 `upgrade_postgres` 无错、表与规则只建一次；`migrate`
  每次重建被删的规则函数、结构版本不认识时中文说明、退出码 1；`LEDGER_DSN` 下 `demo` 写入全部台账、演示账号与规则，
  `--if-missing` 跳过、不加则不覆盖；`backup` 后改动一个条目、删一个佐证文件，`restore` 须 `--force`，恢复后改动消失、
  逐表行数相同、文件回来；缺少或失败的 `pg_dump` 给出中文说明。
- `tests/test_pg_reads.py`（标记 `postgres`）：设置 `LEDGER_DSN` 时 `queries.db` 读 PostgreSQL：每个包装调用的结果与
  DuckDB 的列、列类型和行相同；每个台账的分页、计数与导出两边相同；每个页面（经 app.py 路由，demo-admin 在全区和盟市、
  demo-150200）两边都无异常且指标相同；启动时升级的是 PostgreSQL；并测量总览页两边的渲染时间（不断言）。
- `tests/test_schedule.py`（DuckDB 与 PostgreSQL 两边）：订阅每期只送达一次（站内消息与测试自起的 aiosmtpd 邮件服务器
  ），包头市账号的督导通报附件只有包头市且数字等于独立 SQL；阈值提醒恰在阈值处不发；推送接口失败记录原因、下一轮重试、
  至多 5 次；两个进程同时检查同一 PostgreSQL 每期只发一次；每种不合要求的订阅各有中文拒绝；后台线程启动一次、可停止；
  `tests/test_schedule_pages.py`：订阅推送页添加、取消、拒绝（审计）与下载推送文件，法定时限页的地块数与审批等待等于独
  立 SQL、导出用 openpyxl 打开；
- `tests/test_law_clocks.py`（两边）：闲置 364/365/366 天、729/730 天、恰为三分之一与 25% 的部分开发、2 月 29 日起算
  的地块各在其阶段，本月与下月到期的地块，各审批部门等待最久的环节；
- `tests/test_bulletin_archive.py`（两边）：印发的要情通报存档其数字，之后补报改变了那一天的台账，存档不变，下一期按存
  档比较；导出与通报页默认与上一期存档比较并列出存档；督导通报按期数存档；新表经复制命令往返 PostgreSQL 不变。
- `tests/test_cluster.py`：只做一次的工作两个进程争同一把锁（嵌入式与 PostgreSQL 各一遍），持锁进程被杀后锁即释放；
  入库的 nginx 站点即生成的站点、`nginx -t` 通过、上传上限等于 `ledger/limits.py`；（标记 `browser`、`postgres`）
  `deploy.cluster` 起 PostgreSQL、两台应用服务器与 nginx：盟市账号经一台写入、经另一台看到；同一条目经两台同时提交只
  写入一次、另一方得到中文提示；杀掉一台已提交的不丢、下一次点击到另一台且仍在登录并有中文说明；全部停掉时连接提示是
  中文（截图存 `screenshots/cluster_*`）。
- `tests/test_pg_pool.py`（标记 `postgres`，在本模块自己的临时 PostgreSQL 上）：20 个线程同时写入、读取、登录与记审计，
  用到的连接（后端进程）不超过连接池大小，事后库中连接数也不超过，数据版本恰好加 20；服务器重启后写入、读取与登录
  都成功；事务中归还的连接与被服务器断开的连接被关闭、不再借出；一个页面运行只问一次数据版本（查询 10 个以上），下一次
  运行再问，两次运行之间的写入被看到；同一次运行中本进程的写入之后立即改问新版本。
- `tests/test_pg_kpis.py`（标记 `postgres`）：复制后保存的地区汇总（`kpi_change`）在 7 个日期按盟市、台账、类别的各项
  数字等于从 `rules.items_at` 逐条目数出的；一串整改销号写入（进展、退回、销号、过去日期的记录、批准延期）与一次类似
  导入的改动（改日期与面积、删一条、加一条，`refresh(prune=True)`）之后仍相等，且等于从头重建；批准延期自决定之日起
  使该条目不再计入超期。比较园区的视图所保存的 `rectified_any`（整改曲线按状态计的已整改）、`rectified_first_change`
  （阶段开始前首次整改的条目）与 `overdue_span`（超期条目及当时有效的整改时限）同样在各日期等于逐条目数出的、写入后
  等于重建；`park_kpi_mark` 每个月初的累计等于 `park_kpi_change` 到该日之和。
"""

import os
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from auth import store
from auth.roles import User
from ledger import db_path
from ledger.demo import build_demo
from ledger.demo.database import write_database
from tests import pgserver

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [  # chromium on a machine without a display or an open network (STACK-NOTES)
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
os.environ.setdefault("LEDGER_DEBUG", "1")  # ui/errors.py then also shows st.exception, which AppTest reports
# No schedule thread in the test process or the servers it starts: a round 30 s after an AppTest run would write
# light messages and escalations into whichever database that later test reads (tests/test_schedule.py runs rounds
# itself, and starts the thread where it tests the thread).
os.environ.setdefault("LEDGER_SCHEDULE", "off")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "ledger.duckdb"
    build_demo(path)
    store.seed_demo_accounts(store.auth_path(path))
    return path


def copy_database(source: Path, folder: Path) -> Path:
    """A private copy of a ledger database and its accounts file: a server that holds a database read-write
    locks it against every other process, so each server in a test gets its own."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "ledger.duckdb"
    shutil.copyfile(source, target)
    if store.auth_path(source).exists():
        shutil.copyfile(store.auth_path(source), store.auth_path(target))
    return target


DEMO_USERS = {
    name: User(name, role, league, park, display) for name, role, league, park, display in store.DEMO_ACCOUNTS
}
# A real (not demo) admin: demo accounts stop working once a ledger is imported, so tests that import use it.
TEST_ADMIN = User("test-admin", "admin", display_name="测试管理员")


def session_token(username: str, db: Path | None = None) -> str:
    """A live session of a demo account (or test-admin) in the accounts file beside db (made if missing)."""
    accounts = store.auth_path(db or db_path())
    user = TEST_ADMIN if username == TEST_ADMIN.username else DEMO_USERS[username]
    if not any(row["username"] == username for row in store.list_users(accounts)):
        store.add_user(accounts, username, store.DEMO_PASSWORD, user.role, user.league, user.park,
                       user.display_name, demo=user is not TEST_ADMIN)  # fmt: skip
    return store.session_for(accounts, user, "test")


def capture_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The data of every download button a page draws, by key (a callable for a file made on click, which
    AppTest cannot click: the test calls it as Streamlit would)."""
    made: dict[str, object] = {}
    real = st.download_button

    def capture(label, data=None, *args, **kwargs):
        made[kwargs.get("key")] = data
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", capture)
    return made


@pytest.fixture(autouse=True)
def signed_in(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every AppTest runs signed in as demo-admin, unless the test is marked @pytest.mark.user("demo-150200")
    for another demo account or @pytest.mark.user(None) for an anonymous visitor."""
    marker = request.node.get_closest_marker("user")
    username = marker.args[0] if marker else "demo-admin"

    def signing_in(original):
        def make(cls, *args, **kwargs) -> AppTest:
            at = original(cls, *args, **kwargs)
            if username:
                at.session_state["auth_token"] = session_token(username)
            return at

        return classmethod(make)

    for name in ("from_file", "from_string", "from_function"):
        monkeypatch.setattr(AppTest, name, signing_in(getattr(AppTest, name).__func__))


def read_database(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point LEDGER_DB (app, queries, CLI) at path for this test, with empty Streamlit caches."""
    monkeypatch.setenv("LEDGER_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    return path


@pytest.fixture(autouse=True)
def use_demo_db(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test reads the demo database unless it points LEDGER_DB elsewhere."""
    yield read_database(demo_db, monkeypatch)
    st.cache_data.clear()
    st.cache_resource.clear()


def _d(text: str) -> date:
    return date.fromisoformat(text)


def tiny_rows() -> dict[str, list[dict]]:
    """Two leagues, three parks, seven items whose figures are easy to count by hand."""
    league = [
        {"league_code": "150100", "name": "呼和浩特市", "short_name": "呼和浩特", "seat_lat": 40.8, "seat_lon": 111.7},
        {"league_code": "150200", "name": "包头市", "short_name": "包头", "seat_lat": 40.6, "seat_lon": 109.8},
    ]
    park = [
        {
            "park_id": pid,
            "name": name,
            "league_code": lc,
            "county": None,
            "level": "自治区级",
            "park_type": "工业园区",
            "catalogue_code": None,
            "approved_year": 2006,
            "approved_area_ha": 100.0,
            "leading_industries": "冶金",
            "industry_category": "冶金",
            "lat": 40.7,
            "lon": 110.0,
        }
        for pid, name, lc in [("P001", "甲园区", "150100"), ("P002", "乙园区", "150200"), ("P003", "丙园区", "150200")]
    ]
    phase = [
        {
            "phase_id": "mobilization",
            "name": "宣传动员",
            "start_date": _d("2022-07-01"),
            "end_date": _d("2022-07-31"),
            "sort": 1,
        },
        {
            "phase_id": "survey",
            "name": "排查摸底",
            "start_date": _d("2022-08-01"),
            "end_date": _d("2022-08-31"),
            "sort": 2,
        },
        {
            "phase_id": "rectification",
            "name": "集中整治",
            "start_date": _d("2022-09-01"),
            "end_date": _d("2022-12-31"),
            "sort": 3,
        },
        {
            "phase_id": "long_term",
            "name": "长效盘活",
            "start_date": _d("2023-01-01"),
            "end_date": _d("2025-12-31"),
            "sort": 4,
        },
    ]
    items = [
        # item_id, ledger, park, found, deadline, events
        (
            "LD1",
            "land",
            "P002",
            "2022-08-10",
            "2022-12-31",
            [("2022-08-10", "待整改"), ("2022-09-01", "整改中"), ("2022-11-01", "已整改")],
        ),
        ("LD2", "land", "P003", "2022-08-20", "2022-12-31", [("2022-08-20", "待整改")]),
        (
            "FD1",
            "idle_fund",
            "P001",
            "2022-08-05",
            "2022-12-31",
            [("2022-08-05", "待整改"), ("2022-10-01", "已整改"), ("2022-11-01", "已销号")],
        ),
        ("ST1", "stalled", "P002", "2022-09-15", "2023-06-30", [("2022-09-15", "待整改"), ("2022-10-01", "整改中")]),
        (
            "PA1",
            "pending_approval",
            "P003",
            "2022-08-01",
            "2022-12-31",
            [("2022-08-01", "待整改"), ("2023-01-10", "已整改")],
        ),
        ("IF1", "infrastructure", "P001", "2022-08-01", "2024-12-31", [("2022-08-01", "待整改")]),
        ("IN1", "indicator", "P002", "2022-08-15", "2023-12-31", [("2022-08-15", "待整改"), ("2023-03-01", "已整改")]),
    ]
    item, item_event = [], []
    for item_id, ledger, park_id, found, deadline, events in items:
        item.append(
            {
                "item_id": item_id,
                "ledger": ledger,
                "park_id": park_id,
                "title": f"测试条目{item_id}",
                "found_date": _d(found),
                "deadline": _d(deadline),
                "responsible_unit": "测试单位",
                "measure": "测试措施",
                "closed_date": None,
                "evidence": None,
                "batch_id": None,
            }
        )
        for seq, (day, status) in enumerate(events, start=1):
            item_event.append({"item_id": item_id, "seq": seq, "event_date": _d(day), "status": status, "note": None})
    return {
        "league": league,
        "park": park,
        "phase": phase,
        "item": item,
        "item_event": item_event,
        "land": [
            {
                "item_id": "LD1",
                "land_kind": "闲置土地",
                "area_mu": D("150"),
                "approved_date": None,
                "idle_since": None,
                "cause": None,
                "disposal": None,
                "lat": 40.6,
                "lon": 109.8,
            },
            {
                "item_id": "LD2",
                "land_kind": "批而未供",
                "area_mu": D("30"),
                "approved_date": None,
                "idle_since": None,
                "cause": None,
                "disposal": None,
                "lat": 40.6,
                "lon": 109.8,
            },
        ],
        "idle_fund": [
            {
                "item_id": "FD1",
                "source": "专项资金",
                "nature": "财政专项资金",
                "fund_year": 2019,
                "balance_wan": D("100"),
                "returned_wan": D("80"),
            }
        ],
        "stalled": [
            {
                "item_id": "ST1",
                "kind": "停产企业",
                "zombie": True,
                "stopped_since": _d("2020-01-01"),
                "land_mu": D("45"),
                "energy_tce": None,
                "water_t": None,
                "reason": None,
                "mode": None,
                "lat": 40.6,
                "lon": 109.8,
            }
        ],
        "pending_approval": [
            {
                "item_id": "PA1",
                "project_stage": "在建",
                "approval_item": "环评",
                "approval_count": 3,
                "approval_authority": "盟市级审批部门",
                "acceptance": "已受理",
            }
        ],
        "infrastructure": [
            {
                "item_id": "IF1",
                "facility_type": "渣场",
                "investment_wan": D("500"),
                "build_status": "长期未建成",
                "procedures_complete": True,
                "lat": 40.8,
                "lon": 111.7,
            }
        ],
        "built_project": [
            {
                "project_id": "BP1",
                "park_id": "P002",
                "name": "测试项目",
                "industry_category": "冶金",
                "land_mu": D("60"),
                "investment_wan": D("6000"),
                "output_wan": D("3000"),
                "tax_wan": D("60"),
                "floor_area_m2": D("20000"),
                "year": 2019,
            }
        ],
        "indicator": [
            {"item_id": "IN1", "project_id": "BP1", "indicator": "output_per_mu", "value": 50.0, "threshold": 300.0}
        ],
        "infra_survey": [
            {
                "project_id": "IS1",
                "park_id": "P001",
                "name": "渣场",
                "facility_type": "渣场",
                "surveyed_date": _d("2022-08-01"),
                "build_status": "长期未建成",
                "procedures_complete": True,
                "item_id": "IF1",
            },
            {
                "project_id": "IS2",
                "park_id": "P002",
                "name": "道路",
                "facility_type": "道路",
                "surveyed_date": _d("2022-08-02"),
                "build_status": "已建成投运",
                "procedures_complete": False,
                "item_id": None,
            },
        ],
        "stopped_enterprise": [
            {
                "enterprise_id": "SE1",
                "park_id": "P002",
                "name": "甲公司",
                "stopped_since": _d("2020-01-01"),
                "surveyed_date": _d("2022-08-03"),
                "item_id": "ST1",
            },
            {
                "enterprise_id": "SE2",
                "park_id": "P003",
                "name": "乙公司",
                "stopped_since": _d("2022-01-01"),
                "surveyed_date": _d("2022-08-03"),
                "item_id": None,
            },
        ],
    }


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    write_database(tiny_rows(), path)
    return path


@pytest.fixture
def use_tiny_db(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return read_database(tiny_db, monkeypatch)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer]:
    """A throwaway PostgreSQL 15 per test session (per pytest worker); missing binaries fail the tests that ask for
    it, never skip them: CI installs PostgreSQL with `make system-deps`."""
    server, unavailable = None, ""
    try:
        server = pgserver.start()
    except pgserver.PostgresUnavailable as error:
        unavailable = str(error)  # failed outside the handler: the report shows the message once, no chained trace
    if server is None:
        pytest.fail(unavailable, pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pg_dsn(pg_server: pgserver.PgServer, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database on the throwaway server for each test module that asks (tests marked `postgres`)."""
    return pg_server.create_database(request.module.__name__.rpartition(".")[2])


def demo_in_postgres(pg_server: pgserver.PgServer, demo_db: Path, name: str) -> str:
    """A new database `name` on the throwaway server holding a copy of the demo (ledgers, history, accounts, audit:
    `python -m ledger copy`'s own code) and the rules; its DSN."""
    from ledger.postgres import connect
    from ledger.postgres.copy import to_postgres
    from queries import dialect

    target = pg_server.create_database(name)
    to_postgres(demo_db, target)
    with connect(target) as con:
        con.execute(dialect.RULES.read_text(encoding="utf-8"))
    return target


@pytest.fixture(scope="module")
def demo_pg_dsn(pg_server: pgserver.PgServer, demo_db: Path, request: pytest.FixtureRequest) -> str:
    """The demo in PostgreSQL, fresh for each test module that asks (a module whose tests change the same rows
    overrides it with a function-scoped one)."""
    return demo_in_postgres(pg_server, demo_db, "demo_" + request.module.__name__.rpartition(".")[2])


@pytest.fixture
def pg(demo_pg_dsn: str, monkeypatch: pytest.MonkeyPatch):
    """The module's demo in PostgreSQL as the app's store (LEDGER_DSN) and a connection to it (the kept figures'
    tests write through the app and read the kept tables)."""
    from ledger.postgres import connect

    monkeypatch.setenv("LEDGER_DSN", demo_pg_dsn)
    with connect(demo_pg_dsn) as con:
        yield con


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test on each store: the embedded DuckDB file (the default) and PostgreSQL (LEDGER_DSN set to a copy of
    the demo, one per module: a test that writes there must not count on another test's writes)."""
    if request.param == "postgres":
        monkeypatch.setenv("LEDGER_DSN", request.getfixturevalue("demo_pg_dsn"))
        st.cache_data.clear()
        st.cache_resource.clear()
    return request.param


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, one per test module (the browser tests' own skip marks apply)."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()
