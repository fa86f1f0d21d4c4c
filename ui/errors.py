"""One guard around page execution: an unexpected error is logged with a reference, the user gets a Chinese notice.

Developers see the traceback in the page too with LEDGER_DEBUG=1, which the tests set so that AppTest's
`at.exception` still reports a failing page (Streamlit's own details are off: client.showErrorDetails = "none")."""

import logging
import os
import secrets
import traceback
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

log = logging.getLogger("ledger.app")
if not log.handlers:  # Streamlit configures only its own loggers; without this only the bare message would show
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def guarded(run: Callable[[], object]) -> None:
    """Run a page; st.rerun/st.switch_page/st.stop pass through, any other exception becomes a notice."""
    try:
        run()
    except (RerunException, StopException):
        raise
    except Exception as error:
        reference = secrets.token_hex(4)
        log.error("unexpected error %s:\n%s", reference, "".join(traceback.format_exception(error)))
        st.error(f"系统出错，请稍后重试或联系管理员，错误编号 {reference}", icon=":material/error:")
        if os.environ.get("LEDGER_DEBUG") == "1":  # developers, and the tests (tests/conftest.py sets it)
            st.exception(error)
