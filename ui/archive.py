"""已印发通报's list on the briefing page: every archived 要情通报 / 督导通报 with its number, date and scope, each
downloadable as it was issued (an audited export)."""

import pandas as pd
import streamlit as st

from auth.roles import User
from queries.db import read_fresh
from reports import archive
from reports.bulletin import chinese_number
from ui.downloads import export_button
from ui.tables import table


def archived_documents(user: User) -> None:
    """The archive, the latest issued first, and the download of one chosen document."""
    st.markdown("**已印发通报存档**")
    documents = read_fresh(archive.issued)
    if not documents:
        st.caption("尚无存档。下载要情通报或督导通报即印发并存档，存档保存印发时的文件和其中的数字。")
        return
    table(
        pd.DataFrame(
            {
                "类别": [d.kind for d in documents],
                "期数": [f"第{chinese_number(d.number)}期" for d in documents],
                "文号": [d.doc_number or "—" for d in documents],
                "数据截至": [f"{d.data_date:%Y-%m-%d}" for d in documents],
                "范围": [d.scope_label for d in documents],
                "印发": [f"{d.issued_by} {d.issued_at:%Y-%m-%d %H:%M}" for d in documents],
            }
        ),
        "briefing_archive",
        fit=True,
        most=400,
    )
    by_id = {d.document_id: d for d in documents}
    chosen = st.selectbox(
        "下载存档",
        list(by_id),
        format_func=lambda i: f"{by_id[i].kind}第{chinese_number(by_id[i].number)}期（{by_id[i].data_date:%Y-%m-%d}）",
        key="briefing_archive_choice",
    )
    document = by_id[chosen]
    export_button(
        "下载存档文件（印发原件）",
        lambda: read_fresh(lambda cur: archive.document_file(cur, document.document_id))[1],
        file_name=document.file_name,
        what=f"已印发{document.kind}第{document.number}期存档",
        scope_label=document.scope_label,
        icon=":material/history:",
        key="briefing_archive_download",
    )
