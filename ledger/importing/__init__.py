"""Import a league's ledger from Excel or CSV: read messy files, validate every row, then write atomically.

Files are read in a limited worker process (ledger/safe_read.py), never in this one. Item ids belong to
one league and one ledger: an id used elsewhere is a row error. Writing is one transaction: in the app on
a cursor of the server's own connection (queries.db.writing), elsewhere on a connection opened here, under
the one-writer lock either way (with LEDGER_DSN set, one PostgreSQL transaction, the data version bumped in
it); readers see the import once it is committed, and a killed import leaves
nothing of itself but a .partial archive file, which clean_stray_files removes (with the working copies of
imports made before schema 5, which wrote a copy of the file).

The steps, one module each: cells (one cell as written), headers (which row names which column), rows (the
data rows under a header), checks (the rules across a row and the file), validation (a workbook against one
ledger), problems (what the clerk reads), plan (what an import would do), preview (what the clerk confirms),
disk (archive, free space, stray files) and batch (the one write). Callers use the names below.
"""

from ledger.importing.batch import apply_import
from ledger.importing.disk import clean_stray_files, disk_status, imports_root
from ledger.importing.plan import ImportPlan, plan_import
from ledger.importing.preview import preview_frame, readings_frame
from ledger.importing.problems import RowError, group_problems
from ledger.safe_read import ImportFileError

__all__ = [
    "ImportFileError",
    "ImportPlan",
    "RowError",
    "apply_import",
    "clean_stray_files",
    "disk_status",
    "group_problems",
    "imports_root",
    "plan_import",
    "preview_frame",
    "readings_frame",
]
