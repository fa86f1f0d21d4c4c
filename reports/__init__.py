"""The document room: Word (要情通报, 督导通报, 督办单 in 公文 typography), PowerPoint decks, Excel workbooks and chart
images, and the content of the meeting deck and bulletins gathered from the queries. No Streamlit here."""
