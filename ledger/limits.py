"""Limits on uploaded files, the reading worker and the disk, in one place (the README and the messages quote them)."""

MB = 1024 * 1024
GB = 1024 * MB

MAX_FILE_BYTES = 20 * MB  # one uploaded file
MAX_UNPACKED_BYTES = 200 * MB  # all entries of an .xlsx archive together, as declared in its zip directory
MAX_ENTRIES = 500  # entries in an .xlsx archive (a workbook of 20 sheets has about 60)
MAX_ROWS = 100_000  # rows of all sheets together, title and header rows included
COLUMN_MARGIN = 20  # a sheet may be this many columns wider than its ledger's template (序号, 备注 …)

WORKER_MEMORY_BYTES = 2 * GB  # address space of the reading worker (RLIMIT_AS)
WORKER_CPU_SECONDS = 60  # CPU time of the reading worker (RLIMIT_CPU)
WORKER_TIMEOUT_SECONDS = 90  # wall-clock time before the worker is killed
MAX_WORKERS = 2  # reading workers at once per server process; further uploads wait their turn

MIN_FREE_BYTES = 1 * GB  # below this free space on the data volume, no new file is accepted
MAX_STORED_NAME_BYTES = 120  # archived file name in data/imports/, UTF-8 bytes, extension included
